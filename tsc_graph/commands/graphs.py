"""``tsc-graph graphs``: list the named graphs and their sizes."""
from __future__ import annotations

from . import store_from_args


def register(sub) -> None:
    p = sub.add_parser("graphs", help="list named graphs with their triple counts")
    p.set_defaults(func=run)


def run(args) -> int:
    with store_from_args(args) as store:
        for g in store.graphs():
            print(f"{store.count(g):>9}  {g}")
    return 0
