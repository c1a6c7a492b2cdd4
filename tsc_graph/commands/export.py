"""``tsc-graph export``: dump the store (or one graph) as Turtle, N-Triples, JSON-LD, RDF/XML, N-Quads or TriG."""
from __future__ import annotations

import gzip
import sys

from ..demo import export_published
from ..errors import BadInput
from ..formats import RDF_FORMATS, rdf_format_for_path
from . import reading_store


def register(sub) -> None:
    p = sub.add_parser("export", help="export the store or one named graph")
    p.add_argument("--format", "-f", choices=sorted(RDF_FORMATS), help="default: from the output file name, else turtle")
    p.add_argument("--graph", help="export only this named graph")
    p.add_argument("--output", "-o", help="output file (.gz compresses); default standard output")
    p.add_argument("--include-demo", action="store_true",
                   help="also export the demonstration graph ({base}graph/demo), left out by default: it is not the "
                        "node's data")
    p.set_defaults(func=run)


def run(args) -> int:
    fmt = args.format or (rdf_format_for_path(args.output) if args.output else None) or "turtle"
    with reading_store(args) as store:
        if args.graph and args.graph not in store.graphs():
            raise BadInput(f"no named graph {args.graph!r} in the store (see `tsc-graph graphs`)")
        def write(out) -> None:
            if args.graph or args.include_demo:
                store.export(out, fmt, graph=args.graph)
            else:  # the node's published data: the demonstration graph stays home
                export_published(store, out, fmt)

        if args.output:
            opener = gzip.open if args.output.endswith(".gz") else open
            with opener(args.output, "wb") as out:
                write(out)
            print(f"wrote {args.output} ({fmt})", file=sys.stderr)
        else:
            write(sys.stdout.buffer)
            sys.stdout.buffer.flush()
    return 0
