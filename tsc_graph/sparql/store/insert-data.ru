# Upload a batch of N-Triples into a staging graph (when no Graph Store endpoint is configured).
INSERT DATA { GRAPH $staging {
$triples
} }
