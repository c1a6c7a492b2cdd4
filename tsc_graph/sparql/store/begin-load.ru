# Journal a load before the swap: if the swap is interrupted, the next open rolls it forward.
PREFIX tscs: <urn:tsc-graph:store#>
INSERT DATA { GRAPH $registry { $journal } }
