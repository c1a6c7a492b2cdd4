"""``tsc-graph graphs``: list the named graphs and their sizes, or drop some (``--drop IRI``)."""
from __future__ import annotations

from . import reading_store, store_from_args


def register(sub) -> None:
    p = sub.add_parser("graphs", help="list named graphs with their triple counts (or drop some with --drop)")
    p.add_argument("--drop", metavar="IRI", action="append", default=[],
                   help="remove this named graph (repeatable); a graph the store does not hold is no error, so "
                        "that `make serve` can drop the demonstration graph whether or not it was loaded")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.drop:
        with store_from_args(args) as store:
            held = set(store.graphs())
            for graph in args.drop:
                if graph in held:
                    n = store.count(graph)
                    store.drop_graph(graph)
                    print(f"dropped <{graph}> ({n} triples)")
        return 0
    with reading_store(args) as store:
        for g in store.graphs():
            print(f"{store.count(g):>9}  {g}")
    return 0
