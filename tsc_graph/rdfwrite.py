"""RDF text that is always valid: terms are built as RDF terms and written by Oxigraph's serialisers.

Why not rdflib's Turtle serialiser or string templates: rdflib writes a literal that holds a line break and
ends in a backslash + quote as a long string whose last quote touches the closing triple quote, which
Turtle forbids (such a submitted description was accepted, then its approval failed with 400),
and a template misses some escape sooner or later. Oxigraph escapes every literal on one line, and its
terms refuse malformed IRIs up front.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .namespaces import PREFIXES

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """rdflib term → pyoxigraph term (ValueError for an IRI Oxigraph would not accept)."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term)) if str(term).isalnum() else ox.BlankNode()
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def triples(graph: Graph) -> list[ox.Triple]:
    """The graph's triples as pyoxigraph triples (blank nodes keep one identity across the graph)."""
    blank: dict[str, ox.BlankNode] = {}

    def convert(term):
        from rdflib import BNode

        if isinstance(term, BNode):
            return blank.setdefault(str(term), to_oxigraph(term))
        return to_oxigraph(term)

    return [ox.Triple(convert(s), convert(p), convert(o)) for s, p, o in graph]


def serialize(items: Iterable[ox.Triple], fmt: str = "turtle", prefixes: dict[str, str] | None = None) -> str:
    """Triples as Turtle (with the project's prefixes that the triples use) or N-Triples."""
    items = list(items)
    if fmt == "ntriples":
        return (ox.serialize(items, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    if fmt != "turtle":
        raise ValueError(f"unsupported format {fmt!r}")
    candidates = PREFIXES if prefixes is None else prefixes
    iris = {t.value for triple in items for t in (triple.subject, triple.predicate, triple.object,
                                                  getattr(triple.object, "datatype", None))
            if isinstance(t, ox.NamedNode)}
    used = {p: ns for p, ns in candidates.items() if any(iri.startswith(ns) for iri in iris)}
    return (ox.serialize(items, format=ox.RdfFormat.TURTLE, prefixes=used) or b"").decode("utf-8")


def turtle(graph: Graph, prefixes: dict[str, str] | None = None) -> str:
    """An rdflib graph as Turtle that every Turtle parser accepts."""
    return serialize(triples(graph), "turtle", prefixes)
