# Rebuild the registry from a scan of the store's graphs (after a free-form update); keeps the journal.
# The registry always holds its own marker triple: Virtuoso rejects an empty INSERT DATA block.
PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
PREFIX tscs: <urn:tsc-graph:store#>
DELETE WHERE { GRAPH $registry { ?g a sd:NamedGraph } } ;
INSERT DATA { GRAPH $registry { $registry a tscs:Registry . $entries } }
