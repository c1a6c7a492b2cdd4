# Abandon a load before its swap: drop its staging graph and journal entry.
PREFIX tscs: <urn:tsc-graph:store#>
DROP SILENT GRAPH $staging ;
DELETE DATA { GRAPH $registry { $staging tscs:stagingFor $target } }
