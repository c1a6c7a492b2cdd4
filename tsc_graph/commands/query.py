"""``tsc-graph query``: run a named query from sparql/ (or a .rq file) and print a table, CSV, TSV or JSON."""
from __future__ import annotations

import csv
import json
import sys

from ..errors import BadInput
from ..queries import bind, get_query, named_queries
from ..store import iter_rows
from . import reading_store


def register(sub) -> None:
    p = sub.add_parser("query", help="run a named query (see --list) or a .rq file")
    p.add_argument("query", nargs="?", help="named query (file stem under sparql/) or path to a .rq file")
    p.add_argument("--list", action="store_true", help="list the named queries")
    p.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE", help="bind a query parameter")
    p.add_argument("--format", "-f", choices=["table", "csv", "tsv", "json"], default="table")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.list or not args.query:
        for q in named_queries().values():
            params = f"  [params: {', '.join(q.params)}]" if q.params else ""
            print(f"{q.name:<32} {q.title}{params}")
        return 0
    nq = get_query(args.query)
    values = {}
    for item in args.param:
        if "=" not in item:
            raise BadInput(f"--param takes NAME=VALUE, got {item!r}")
        k, v = item.split("=", 1)
        values[k.strip().lstrip("?")] = v
    with reading_store(args) as store:
        result = store.query(bind(nq, values))
    if result.kind == "ASK":
        print("true" if result.boolean else "false")
        return 0
    if result.kind == "CONSTRUCT":
        from ..rdfwrite import turtle

        sys.stdout.write(turtle(result.graph))
        return 0
    rows = list(iter_rows(result))
    if args.format == "json":
        print(json.dumps([dict(zip(result.variables, r)) for r in rows], ensure_ascii=False, indent=2))
    elif args.format in ("csv", "tsv"):
        w = csv.writer(sys.stdout, delimiter="," if args.format == "csv" else "\t", lineterminator="\n")
        w.writerow(result.variables)
        w.writerows(rows)
    else:
        print(format_table(result.variables, rows))
        print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})", file=sys.stderr)
    return 0


def format_table(headers: list[str], rows: list[list[str]], max_width: int = 60) -> str:
    cut = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cut]) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    sep = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cut]
    return "\n".join([line, sep, *body])
