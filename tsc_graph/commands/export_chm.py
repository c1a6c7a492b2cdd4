"""``tsc-graph export-chm``: the store → clearing-house JSON records (the reverse of ``import-chm``).

Reads the store through the named query ``tsc_graph/sparql/chm-export.rq`` and writes records in the Secretariat's JSON
shape: a JSON list to standard output or to a ``.json`` file, or one ``<uid>.json`` file per record in a directory.
Resources marked ``tsc:evidence tscv:evidence/illustrative`` are left out — the clearing-house publishes facts —
unless ``--include-illustrative``, which exports them marked ``"tscEvidence": "illustrative"``.

Why only this node's own graphs by default: a harvested copy (``{base}graph/node/…``) holds a peer's records, which
the peer publishes to the clearing-house itself; exported with ours, they would come back to the Secretariat as this
node's. ``--graph`` (any graph, harvested or not) and ``--include-harvested`` ask for them explicitly.

Every export also says which records the clearing-house would refuse and why (:mod:`tsc_graph.chm.acceptance`):
on standard error, and as JSON in ``--report FILE``. The records are exported all the same (exit 0): the curator
fixes them before submitting.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from rdflib import Graph

from ..chm.acceptance import refusals
from ..chm.exporter import RecordExporter
from ..chm.mapping import RECORD_TYPES
from ..errors import BadInput
from ..federation.harvest import harvest_prefix
from ..queries import get_query
from . import reading_store


def register(sub) -> None:
    p = sub.add_parser("export-chm", help="export actors, projects, commitments, offers, requests and contacts as clearing-house JSON records")
    p.add_argument("--type", "-t", action="append", choices=sorted(RECORD_TYPES), help="only this record type (repeatable)")
    p.add_argument("--graph", action="append",
                   help="only this named graph (repeatable; a harvested copy too). Default: this node's own graphs, "
                        "every graph but the harvested copies {base}graph/node/…")
    p.add_argument("--include-harvested", action="store_true",
                   help="also export the records of harvested copies (the peers' records, not this node's)")
    p.add_argument("--output", "-o", help="a .json file (one list) or a directory (one file per record); default standard output")
    p.add_argument("--include-illustrative", action="store_true",
                   help="also export resources marked illustrative (tsc:evidence), marked \"tscEvidence\": \"illustrative\"")
    p.add_argument("--report", help="write, as JSON, what the clearing-house would refuse in each record and why "
                                    "(also summarised on standard error)")
    p.set_defaults(func=run)


def file_name(uid: str) -> str:
    """The record's uid as a file name: case kept (identifiers are case-sensitive), unsafe characters replaced."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", uid).strip(".-") or "record"


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def report(records: list[dict], path: str | None) -> None:
    """The records the clearing-house would refuse, with every reason: on standard error and in ``path``."""
    found = [r for record in records for r in refusals(record)]
    uids = list(dict.fromkeys((r.schema, r.identifier) for r in found))
    if path:
        Path(path).write_text(dumps({"records": len(records), "refused": len(uids),
                                     "reasons": [r.to_dict() for r in found]}), encoding="utf-8")
    if found:
        print(f"export-chm: {len(uids)} of {len(records)} record(s) the clearing-house would refuse as they stand "
              f"({len(found)} reason(s)):", file=sys.stderr)
        for r in found:
            print(r.to_text(), file=sys.stderr)


def run(args) -> int:
    query = get_query("chm-export")
    with reading_store(args) as store:
        present = store.graphs()
        for name in args.graph or ():
            if name not in present:
                raise BadInput(f"no named graph {name!r} in the store (see `tsc-graph graphs`)")
        harvested = [g for g in present if g.startswith(harvest_prefix(args.base_uri))]
        graphs = args.graph or [g for g in present if args.include_harvested or g not in harvested]
        result = store.query(query.text, default_graph_uris=graphs) if graphs else None
    exporter = RecordExporter(result.graph if result is not None and result.graph is not None else Graph(),
                              include_illustrative=args.include_illustrative)
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
    left = [g for g in harvested if g not in graphs]
    if left:
        print(f"export-chm: {len(left)} harvested graph(s) left out (the peers' records: --include-harvested or "
              "--graph exports them)", file=sys.stderr)
    if any(g in harvested for g in graphs):
        print("export-chm: the export includes harvested graph(s): the peers' records, which they publish themselves",
              file=sys.stderr)
    report(records, args.report)
    if exporter.skipped_illustrative:
        print(f"export-chm: {len(exporter.skipped_illustrative)} resource(s) marked illustrative left out "
              "(--include-illustrative exports them, marked)", file=sys.stderr)
    return 0
