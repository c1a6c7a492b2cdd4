"""Demonstration data: illustrative records a node may load to show its pages, never published as its facts.

They live in one named graph, ``{base}graph/demo`` (``data/demo/demo.ttl``, loaded only when asked: ``make serve
DEMO=1``). What leaves the node — dumps, ``tsc-graph export``, what peers harvest — leaves that graph out; the home
figures do not count illustrative records; VoID says the graph is there and what it is.
"""
from __future__ import annotations

from .formats import QUAD_FORMATS

#: How the demonstration graph's IRI ends, whatever the node's base URI.
DEMO_GRAPH_SUFFIX = "/graph/demo"

#: Every triple of the node's published graphs (the union without the demonstration graph).
PUBLISHED_CONSTRUCT = ("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
                       f'FILTER(!STRENDS(STR(?g), "{DEMO_GRAPH_SUFFIX}")) }}')


def demo_graphs(graphs) -> list[str]:
    """The demonstration graphs among ``graphs`` (none, or the one ``{base}graph/demo``)."""
    return [g for g in graphs if g.endswith(DEMO_GRAPH_SUFFIX)]


def is_demo_graph(graph: str | None) -> bool:
    return bool(graph) and graph.endswith(DEMO_GRAPH_SUFFIX)


def export_published(store, output, fmt: str) -> None:
    """Write the node's published data (every graph but the demonstration one) to ``output`` in ``fmt``."""
    graphs = store.graphs()
    if not demo_graphs(graphs):
        store.export(output, fmt)
    elif fmt in QUAD_FORMATS:  # each published graph with its name (N-Quads and TriG documents concatenate)
        for graph in graphs:
            if not is_demo_graph(graph):
                store.export(output, fmt, graph=graph)
    else:
        output.write(store.query_serialized(PUBLISHED_CONSTRUCT, graph_format=fmt, lane="site").body)
