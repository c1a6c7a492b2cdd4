# One target of a load (repeated per target, all in one request): replace, register, clear the journal.
PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
PREFIX tscs: <urn:tsc-graph:store#>
DROP SILENT GRAPH $target ;
ADD SILENT $staging TO $target ;
INSERT DATA { GRAPH $registry { $target a sd:NamedGraph } } ;
DELETE DATA { GRAPH $registry { $staging tscs:stagingFor $target } } ;
DROP SILENT GRAPH $staging
