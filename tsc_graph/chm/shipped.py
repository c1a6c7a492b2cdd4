"""The shipped thesaurus data as RDF: data/reference/chm-thesaurus.ttl, generated from tsc_graph/chm/data/thesaurus.json.

Why generated and shipped: a node serves the crosswalk (``skos:exactMatch`` between the Secretariat's terms and
ours, both ways) from its first ``make serve``, without a network; the JSON stays the one place curators edit, and
a test fails if the Turtle is out of date. Regenerate with
``python -m tsc_graph.chm.shipped > data/reference/chm-thesaurus.ttl``.
"""
from __future__ import annotations

from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDFS

from ..namespaces import PREFIXES
from .thesaurus import scheme_iri, thesaurus_graph
from .terms import domains

HEADER = """# GENERATED from tsc_graph/chm/data/thesaurus.json by `python -m tsc_graph.chm.shipped > data/reference/chm-thesaurus.ttl`.
# The clearing-house thesaurus terms the Secretariat documents, and their crosswalk to tsc-graph's concepts
# (skos:exactMatch both ways). Refresh a domain in a store with `tsc-graph import-chm --thesaurus <dump>`.
"""


def shipped_graph() -> Graph:
    doms = domains()
    g = thesaurus_graph({name: d.terms for name, d in doms.items()}).graph
    for name, d in doms.items():
        scheme = scheme_iri(name)
        for cite in d.documented_in:
            g.add((scheme, DCTERMS.source, Literal(cite)))
        if not d.complete:
            g.add((scheme, RDFS.comment, Literal(f"Liste incomplète : {len(d.terms)} terme(s) documenté(s). {d.missing}", lang="fr")))
            g.add((scheme, RDFS.comment, Literal(f"Incomplete list: {len(d.terms)} documented term(s). {d.missing}", lang="en")))
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    return g


def render() -> str:
    return HEADER + shipped_graph().serialize(format="turtle")


if __name__ == "__main__":  # pragma: no cover
    print(render(), end="")
