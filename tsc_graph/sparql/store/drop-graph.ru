# Remove a named graph and its registry entry.
PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
DROP SILENT GRAPH $graph ;
DELETE DATA { GRAPH $registry { $graph a sd:NamedGraph } }
