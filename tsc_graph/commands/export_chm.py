"""``tsc-graph export-chm``: the store → clearing-house JSON records (the reverse of ``import-chm``).

Reads the store through the named query ``sparql/chm-export.rq`` and writes records in the Secretariat's JSON
shape: a JSON list to standard output or to a ``.json`` file, or one ``<uid>.json`` file per record in a directory.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ..chm.exporter import export_records
from ..chm.importer import slug
from ..chm.mapping import RECORD_TYPES
from ..errors import BadInput
from ..queries import get_query
from . import store_from_args


def register(sub) -> None:
    p = sub.add_parser("export-chm", help="export actors, projects, commitments, offers and requests as clearing-house JSON records")
    p.add_argument("--type", "-t", action="append", choices=sorted(RECORD_TYPES), help="only this record type (repeatable)")
    p.add_argument("--graph", help="only this named graph (default: every graph)")
    p.add_argument("--output", "-o", help="a .json file (one list) or a directory (one file per record); default standard output")
    p.set_defaults(func=run)


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def run(args) -> int:
    query = get_query("chm-export")
    with store_from_args(args) as store:
        if args.graph and args.graph not in store.graphs():
            raise BadInput(f"no named graph {args.graph!r} in the store (see `tsc-graph graphs`)")
        result = store.query(query.text, default_graph_uris=[args.graph] if args.graph else ())
    assert result.graph is not None
    records = export_records(result.graph, args.type)
    if not args.output:
        sys.stdout.write(dumps(records))
    elif args.output.endswith(".json"):
        Path(args.output).write_text(dumps(records), encoding="utf-8")
    else:
        out = Path(args.output)
        out.mkdir(parents=True, exist_ok=True)
        for r in records:
            (out / f"{slug(r['header']['identifier']) or 'record'}.json").write_text(dumps(r), encoding="utf-8")
    print(f"export-chm: {len(records)} record(s)" + (f" → {args.output}" if args.output else ""), file=sys.stderr)
    return 0
