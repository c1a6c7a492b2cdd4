"""``tsc-graph harvest URL`` / ``tsc-graph harvest --all``: copy other nodes' TSC graphs into named graphs of
ours (docs/federation.md).

Exit codes: 0 every node asked for was harvested and loaded — even when its data has SHACL violations (they are
reported, stored with the harvest and counted in the provenance, not a reason to drop a whole node) — or was
unchanged since the last harvest; 1 a harvest failed (remote down or slow, HTTP error, redirect to another origin,
unparsable, refused or empty answer, store busy), and that node's copy is unchanged (with ``--all`` the other nodes
are still harvested, even when one node's data crashes the parser: each node is read in a child process);
2 bad input (not an http(s) URL or local dump, bad --graph / --name, URL and --all together).
"""
from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

from ..changes import ChangeFeed
from ..config import Settings
from ..errors import BadInput, RemoteError, StoreLocked
from ..federation.harvest import HarvestReport, harvest, harvest_all
from . import store_from_args


def register(sub) -> None:
    settings = Settings.from_env()
    p = sub.add_parser(
        "harvest",
        help="harvest another node's TSC graph (SPARQL endpoint, dump URL or local dump), or every registered node "
             "(--all), into its own named graph, with provenance",
        description="Fetch another node's TSC graph and replace our copy of it atomically; record provenance "
                    "(PROV-O) in the harvest-log graph and the change feed; validate it and report violations "
                    "without rejecting it. Conditional: an unchanged source costs one 304 and nothing is written.",
    )
    p.add_argument("url", nargs="?",
                   help="the remote node's SPARQL endpoint (e.g. https://be.chm-cbd.net/tsc/sparql), a dump URL "
                        "(.ttl, .nt, .nt.gz, .jsonld…), or a local dump: a file, a directory or a file: URL")
    p.add_argument("--all", action="store_true",
                   help="harvest every node of the network registry (data/nodes/registry.ttl, loaded in the store) "
                        "except this node")
    p.add_argument("--graph", help="target named graph IRI, under {base}graph/node/ (default: {base}graph/node/{name})")
    p.add_argument("--name", help="node name in the default graph IRI (default: from the URL's host and port, e.g. be-chm-cbd-net)")
    p.add_argument("--dump", action="store_true", default=None, help="treat URL as a dump to download, whatever its extension")
    p.add_argument("--timeout", type=float, default=settings.remote_timeout,
                   help="seconds for the whole transfer: connect, redirects, headers and body (default "
                        "%(default)s, env TSC_REMOTE_TIMEOUT)")
    p.add_argument("--no-validate", action="store_true", help="skip SHACL validation of the harvested data")
    p.add_argument("--allow-empty", action="store_true", help="accept an empty answer (empties our copy of the node)")
    p.add_argument("--unconditional", action="store_true",
                   help="fetch in full even if the source says it has not changed since the last harvest")
    p.add_argument("--format", "-f", choices=["text", "json"], default="text", help="report format on stdout")
    p.add_argument("--lang", choices=["en", "fr"], default="en", help="language of violation messages")
    p.add_argument("--server", metavar="URL",
                   help="with --all: harvest through the running server that holds the store (e.g. "
                        "http://127.0.0.1:8080); needs its admin token in TSC_ADMIN_TOKEN")
    p.set_defaults(func=run)


def _print(report: HarvestReport, args) -> None:
    print(report.to_json() if args.format == "json" else report.to_text(args.lang))
    if report.validation is not None and not report.conforms:
        n = len(report.violations)
        print(f"tsc-graph: warning: {report.source}: {n} SHACL violation(s) in "
              f"{len(report.nonconforming_resources())} resource(s); loaded anyway (see the report)", file=sys.stderr)


def _through_server(args) -> int:
    """``POST /admin/harvest`` on the running server; print its per-node outcomes; exit 1 if one failed."""
    token = Settings.from_env().admin_token
    if not token:
        raise BadInput("the server's admin token is needed: set TSC_ADMIN_TOKEN")
    request = urllib.request.Request(args.server.rstrip("/") + "/admin/harvest", method="POST", data=b"",
                                     headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=3600) as answer:  # noqa: S310 - an operator's own server
            outcome = json.load(answer)
    except urllib.error.HTTPError as e:
        raise RemoteError(f"{args.server}: the server refused the harvest: {e.code} "
                          f"{e.read(2000).decode(errors='replace')}") from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise RemoteError(f"{args.server}: cannot reach the server: {e}") from None
    if args.format == "json":
        print(json.dumps(outcome["nodes"], ensure_ascii=False, indent=2))
    for node in outcome["nodes"]:
        if "error" in node:
            print(f"tsc-graph: {node['name']}: harvest failed: {node['error']}", file=sys.stderr)
        elif args.format == "text":
            state = "unchanged" if node.get("not_modified") else f"{node['triples']} triples"
            print(f"[{node['name']}] {node['source']} → <{node['graph']}>: {state}")
    if not outcome["nodes"] and args.format == "text":
        print("no node to harvest: the registry (named query network-nodes) lists none besides this node")
    return 1 if outcome["failed"] else 0


def run(args) -> int:
    if bool(args.url) == bool(args.all):
        raise BadInput("give either a URL (or local dump) to harvest, or --all for every registered node")
    if args.all and (args.graph or args.name or args.dump):
        raise BadInput("--graph, --name and --dump name one source; --all takes them from the registry")
    if args.server:
        if not args.all:
            raise BadInput("--server harvests the registry's nodes: give --all")
        return _through_server(args)
    options = dict(timeout=args.timeout, validate=not args.no_validate, allow_empty=args.allow_empty,
                   conditional=not args.unconditional)
    try:
        store = store_from_args(args)
    except StoreLocked as e:
        raise StoreLocked(f"{e} To harvest while it runs: tsc-graph --store {args.store} harvest --all --server "
                          "http://HOST:PORT (with TSC_ADMIN_TOKEN set).") from None
    with store:
        feed = ChangeFeed.beside(store)
        try:
            feed.reconcile(store, args.base_uri)
            if not args.all:
                report = harvest(store, args.url, base_uri=args.base_uri, graph=args.graph, name=args.name,
                                 dump=args.dump, allow_local=True, feed=feed, **options)
                _print(report, args)
                return 0
            failures = 0
            results = []

            def progress(node, outcome) -> None:
                nonlocal failures
                if isinstance(outcome, Exception):
                    failures += 1
                    print(f"tsc-graph: {node.name}: harvest failed: {outcome}", file=sys.stderr)
                elif args.format == "text":
                    print(f"[{node.name}] " + outcome.to_text(args.lang))
                results.append((node, outcome))

            harvest_all(store, base_uri=args.base_uri, on_result=progress, feed=feed,
                        home=Path(args.profile).resolve().parent if args.profile else None, **options)
            if args.format == "json":
                print(json.dumps([{"node": n.iri, "name": n.name, "source": n.source,
                                   **({"error": str(o)} if isinstance(o, Exception) else json.loads(o.to_json()))}
                                  for n, o in results], ensure_ascii=False, indent=2))
            elif not results:
                print("no node to harvest: the registry (named query network-nodes) lists none besides this node")
            return 1 if failures else 0
        finally:
            feed.close()
