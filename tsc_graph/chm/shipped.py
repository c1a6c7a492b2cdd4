"""The shipped thesaurus data as RDF: tsc_graph/reference/chm-thesaurus.ttl, generated from tsc_graph/chm/data/thesaurus.json.

Why generated and shipped: a node serves the crosswalk (``skos:exactMatch`` between the Secretariat's terms and
ours, both ways) from its first ``make serve``, without a network; the JSON stays the one place curators edit, and
a test fails if the Turtle is out of date. Regenerate with
``python -m tsc_graph.chm.shipped > tsc_graph/reference/chm-thesaurus.ttl``.
"""
from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from ..namespaces import PREFIXES
from .terms import domains
from .thesaurus import scheme_iri, thesaurus_graph

HEADER = """# GENERATED from tsc_graph/chm/data/thesaurus.json by `python -m tsc_graph.chm.shipped > tsc_graph/reference/chm-thesaurus.ttl`.
# The clearing-house thesaurus terms the Secretariat documents, and their crosswalk to tsc-graph's concepts
# (skos:exactMatch both ways). Refresh a domain in a store with `tsc-graph import-chm --thesaurus <dump>`.
"""


_CITE = re.compile(r"^(?P<repo>[\w.-]+/[\w.-]+) (?P<path>\S+)@(?P<commit>[0-9a-f]{40})\b")


def github_iri(cite: str) -> URIRef:
    """``"scbd/repo path@commit (note)"`` → the file at that commit on GitHub (dcterms:source wants an IRI)."""
    m = _CITE.match(cite)
    if m is None:
        raise ValueError(f"citation not of the form 'owner/repo path@<40 hex>': {cite!r}")
    return URIRef(f"https://github.com/{m['repo']}/blob/{m['commit']}/{m['path']}")


def shipped_graph() -> Graph:
    doms = domains()
    g = thesaurus_graph({name: d.terms for name, d in doms.items()}, typed=False).graph
    for name, d in doms.items():
        scheme = scheme_iri(name)
        sources = [github_iri(cite) for cite in d.documented_in]
        for source in sources:
            g.add((scheme, DCTERMS.source, source))
        for term in set(g.subjects(SKOS.inScheme, scheme)):  # a term without a source of its own cites its domain's
            if (term, DCTERMS.source, None) not in g:
                for source in sources:
                    g.add((term, DCTERMS.source, source))
        if not d.complete:
            g.add((scheme, DCTERMS.description, Literal(
                f"Liste incomplète : {len(d.terms)} terme(s) documenté(s) par le Secrétariat ; ce qui manque est dit en anglais "
                "ci-contre et dans tsc_graph/chm/data/thesaurus.json. Rafraîchir le domaine avec tsc-graph import-chm --thesaurus.",
                lang="fr")))
            g.add((scheme, DCTERMS.description, Literal(f"Incomplete list: {len(d.terms)} documented term(s). {d.missing}", lang="en")))
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    return g


def title_sources() -> str:
    """Comment lines naming the files that give terms in full (their titles in several languages)."""
    cites = sorted({github_iri(c) for d in domains().values() for c in d.documented_in if "in full" in c})
    return "".join(f"# Terms in full (titles as the Secretariat gives them): {iri}\n" for iri in cites)


def render() -> str:
    return HEADER + title_sources() + shipped_graph().serialize(format="turtle")


if __name__ == "__main__":  # pragma: no cover
    print(render(), end="")
