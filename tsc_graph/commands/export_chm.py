"""``tsc-graph export-chm``: the store → clearing-house JSON records (the reverse of ``import-chm``).

Reads the store through the named query ``tsc_graph/sparql/chm-export.rq`` and writes records in the Secretariat's JSON
shape: a JSON list to standard output or to a ``.json`` file, or one ``<uid>.json`` file per record in a directory.
Resources marked ``tsc:evidence tscv:evidence/illustrative`` are left out — the clearing-house publishes facts —
unless ``--include-illustrative``, which exports them marked ``"tscEvidence": "illustrative"``.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from ..chm.exporter import RecordExporter
from ..chm.mapping import RECORD_TYPES
from ..errors import BadInput
from ..queries import get_query
from . import reading_store


def register(sub) -> None:
    p = sub.add_parser("export-chm", help="export actors, projects, commitments, offers, requests and contacts as clearing-house JSON records")
    p.add_argument("--type", "-t", action="append", choices=sorted(RECORD_TYPES), help="only this record type (repeatable)")
    p.add_argument("--graph", help="only this named graph (default: every graph)")
    p.add_argument("--output", "-o", help="a .json file (one list) or a directory (one file per record); default standard output")
    p.add_argument("--include-illustrative", action="store_true",
                   help="also export resources marked illustrative (tsc:evidence), marked \"tscEvidence\": \"illustrative\"")
    p.set_defaults(func=run)


def file_name(uid: str) -> str:
    """The record's uid as a file name: case kept (identifiers are case-sensitive), unsafe characters replaced."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", uid).strip(".-") or "record"


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def run(args) -> int:
    query = get_query("chm-export")
    with reading_store(args) as store:
        if args.graph and args.graph not in store.graphs():
            raise BadInput(f"no named graph {args.graph!r} in the store (see `tsc-graph graphs`)")
        result = store.query(query.text, default_graph_uris=[args.graph] if args.graph else ())
    assert result.graph is not None
    exporter = RecordExporter(result.graph, include_illustrative=args.include_illustrative)
    records = exporter.export(args.type)
    if not args.output:
        sys.stdout.write(dumps(records))
    elif args.output.endswith(".json"):
        Path(args.output).write_text(dumps(records), encoding="utf-8")
    else:
        out = Path(args.output)
        out.mkdir(parents=True, exist_ok=True)
        for r in records:
            (out / f"{file_name(r['header']['identifier'])}.json").write_text(dumps(r), encoding="utf-8")
    print(f"export-chm: {len(records)} record(s)" + (f" → {args.output}" if args.output else ""), file=sys.stderr)
    if exporter.skipped_illustrative:
        print(f"export-chm: {len(exporter.skipped_illustrative)} resource(s) marked illustrative left out "
              "(--include-illustrative exports them, marked)", file=sys.stderr)
    return 0
