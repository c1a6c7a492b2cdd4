"""``tsc-graph load``: load RDF files into named graphs, all or nothing; each graph written is a change of the
change feed (tsc_graph.changes), which peers read to know what to harvest again. A graph whose files have not
changed since they were last loaded is kept, and is no change (``make serve`` loads the same files at every start).

Without paths it loads the node: the ontology and reference vocabularies shipped in the package, then the data
directories and registry of the node profile (``--profile``, default ``node.toml``), which is what ``make load``
runs and what an installed wheel needs (docs/operations.md)."""
from __future__ import annotations

import sys
from pathlib import Path

from .. import ONTOLOGY_DIR, REFERENCE_DIR
from ..changes import ChangeFeed, graph_change
from ..errors import BadInput
from ..profile import load as load_profile
from ..store import GraphNamer, expand_sources
from . import store_from_args


def register(sub) -> None:
    p = sub.add_parser("load", help="load RDF files or directories into the store (each file replaces its graph)")
    p.add_argument("paths", nargs="*", help="files (.ttl .nt .jsonld .rdf, optionally .gz) or directories; none: the "
                   "node (the shipped ontology and reference vocabularies, then the profile's data and registry)")
    p.add_argument("--graph", help="put every file in this one named graph (replacing it) instead of one graph per file")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--allow-empty", action="store_true",
                   help="accept files with no triples, emptying their graphs (refused by default: an empty or "
                        "truncated file must not wipe a graph by accident)")
    p.set_defaults(func=run)


def node_paths(profile: str | None) -> list[Path | str]:
    """What ``tsc-graph load`` without paths loads: the shipped ontology and vocabularies, then the profile's data
    directories and its registry (unless it lies under one of them)."""
    if profile is None and not Path("node.toml").exists():
        raise BadInput("give the files or directories to load, or a node profile (--profile node.toml, "
                       "which tsc-graph init writes) to load the node")
    return [ONTOLOGY_DIR, REFERENCE_DIR, *load_profile(profile or "node.toml").load_args()]


def run(args) -> int:
    sources = expand_sources(args.paths or node_paths(args.profile))
    with store_from_args(args) as store:
        feed = ChangeFeed.beside(store)
        try:
            feed.reconcile(store, args.base_uri)
            existed = set(store.graphs())
            report = store.load(sources, graph_for=GraphNamer(args.base_uri, fixed=args.graph),
                                progress=not args.no_progress, allow_empty=args.allow_empty)
            if report.graphs:  # graphs kept unchanged are no change: a peer must not harvest them again
                feed.record(store, [graph_change("load", g, g in existed, n) for g, n in sorted(report.graphs.items())])
        finally:
            feed.close()
        for graph, n in sorted({**report.graphs, **report.kept}.items()):
            print(f"{n:>9} triples  {graph}" + ("  (unchanged, kept)" if graph in report.kept else ""))
        kept = f", {len(report.kept)} graph(s) unchanged, kept" if report.kept else ""
        print(f"loaded {len(sources)} file(s), {report.total} triples in {len(report.graphs)} graph(s){kept}; "
              f"store now holds {store.count()} quads", file=sys.stderr)
    return 0
