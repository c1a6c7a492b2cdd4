"""``tsc-graph harvest URL``: copy another node's TSC graph into a named graph of ours (docs/federation.md).

Exit codes: 0 the node was harvested and loaded — even when its data has SHACL violations (they are
reported, stored with the harvest and counted in the provenance, not a reason to drop a whole node);
1 the harvest failed (remote down or slow, HTTP error, unparsable or empty answer, store busy) and the
store is unchanged; 2 bad input (not an http(s) URL, bad --graph / --name).
"""
from __future__ import annotations

import sys

from ..config import Settings
from ..federation.harvest import harvest
from . import store_from_args


def register(sub) -> None:
    settings = Settings.from_env()
    p = sub.add_parser(
        "harvest",
        help="harvest another node's TSC graph (SPARQL endpoint or dump URL) into its own named graph, with provenance",
        description="Fetch another node's TSC graph and replace our copy of it atomically; record provenance "
                    "(PROV-O) in the harvest-log graph; validate it and report violations without rejecting it.",
    )
    p.add_argument("url", help="the remote node's SPARQL endpoint (e.g. https://be.chm-cbd.net/tsc/sparql) or a dump URL (.ttl, .nt, .nt.gz, .jsonld…)")
    p.add_argument("--graph", help="target named graph IRI (default: {base}graph/node/{name})")
    p.add_argument("--name", help="node name in the default graph IRI (default: from the URL's host and port, e.g. be-chm-cbd-net)")
    p.add_argument("--dump", action="store_true", default=None, help="treat URL as a dump to download, whatever its extension")
    p.add_argument("--timeout", type=float, default=settings.remote_timeout,
                   help="seconds for connecting and for each read (default %(default)s, env TSC_REMOTE_TIMEOUT)")
    p.add_argument("--no-validate", action="store_true", help="skip SHACL validation of the harvested data")
    p.add_argument("--allow-empty", action="store_true", help="accept an empty answer (empties our copy of the node)")
    p.add_argument("--format", "-f", choices=["text", "json"], default="text", help="report format on stdout")
    p.add_argument("--lang", choices=["en", "fr"], default="en", help="language of violation messages")
    p.set_defaults(func=run)


def run(args) -> int:
    with store_from_args(args) as store:
        report = harvest(
            store, args.url, base_uri=args.base_uri, graph=args.graph, name=args.name, dump=args.dump,
            timeout=args.timeout, validate=not args.no_validate, allow_empty=args.allow_empty,
        )
    if args.format == "json":
        print(report.to_json())
    else:
        print(report.to_text(args.lang))
    if report.validation is not None and not report.conforms:
        n = len(report.violations)
        print(f"tsc-graph: warning: {args.url}: {n} SHACL violation(s) in "
              f"{len(report.nonconforming_resources())} resource(s); loaded anyway (see the report)", file=sys.stderr)
    return 0
