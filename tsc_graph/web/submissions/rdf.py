"""A read form as RDF, after docs/conventions.md: the submitted resource (``{base}id/{path}/{slug}-{8 hex}``), the
organisations proposed inline (``{base}id/actor/{slug}-{6 hex}``, moderated with it) and, for Bio-Bridge records,
the public contact point. Everything a visitor submits is declared by its lead, hence ``tsc:evidence
tscv:evidence/declared``: not a public source, not illustrative either once a curator approves it (pages then say
« proposé par son porteur, validé par un curateur »). Terms are RDF terms; :func:`tsc_graph.rdfwrite.turtle` writes
the Turtle.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, RDF, XSD

from tsc_graph.namespaces import TSC, TSCV, VCARD

from .kinds import ORG_FIELDS, Kind
from .reading import Entry, slugify

#: What a visitor submits is declared by its lead; a curator approves it before anything is published.
DECLARED = URIRef(f"{TSCV}evidence/declared")


@dataclass
class Built:
    """The graph and the names in it: the resource, each proposed organisation (by its number), the contact."""

    graph: Graph
    resource: str
    orgs: dict[int, str] = field(default_factory=dict)
    contact: BNode | None = None

    @property
    def iris(self) -> dict:
        """What an edit needs to keep the same names (stored with the submission's fields)."""
        return {"resource": self.resource, "orgs": {str(n): iri for n, iri in self.orgs.items()}}


def base_of(base_uri: str) -> str:
    return base_uri if base_uri.endswith("/") else base_uri + "/"


def new_iris(kind: Kind, entry: Entry, base_uri: str, lang: str, iris: dict | None = None) -> dict:
    """The IRIs of this submission: kept from ``iris`` (an edit), else minted from the titles and names."""
    iris = {"resource": (iris or {}).get("resource"), "orgs": dict((iris or {}).get("orgs") or {})}
    base = base_of(base_uri)
    if not iris["resource"]:
        title = kind.title(entry.values, lang)
        iris["resource"] = f"{base}id/{kind.path}/{slugify(title, default=kind.path)}-{uuid.uuid4().hex[:8]}"
    for org in entry.orgs:
        key = str(org["n"])
        if not iris["orgs"].get(key):
            iris["orgs"][key] = f"{base}id/actor/{slugify(str(org.get('name') or ''), 50, 'organisation')}-{uuid.uuid4().hex[:6]}"
    return iris


def build(kind: Kind, entry: Entry, iris: dict, lang: str) -> Built:
    """The resource and what comes with it, from the values that parsed (a field in error adds nothing)."""
    g = Graph()
    resource = URIRef(iris["resource"])
    built = Built(g, str(resource))
    cls = entry.values.get(kind.type_field) if kind.type_field else None
    g.add((resource, RDF.type, URIRef(cls if cls in kind.classes else kind.classes[0])))
    contact = None
    for spec in kind.fields:
        if not spec.prop:
            continue
        value = entry.values.get(spec.name)
        if spec.prop in (str(VCARD.fn), str(VCARD.hasEmail)):
            if contact is None:
                contact = BNode()
                g.add((resource, DCAT.contactPoint, contact))
                g.add((contact, RDF.type, VCARD.Kind))
                built.contact = contact
            subject = contact
        else:
            subject = resource
        for term in _terms(spec.value, value, spec.lang):
            g.add((subject, URIRef(spec.prop), term))
    for org in entry.orgs:
        iri = URIRef(iris["orgs"][str(org["n"])])
        built.orgs[org["n"]] = str(iri)
        g.add((iri, RDF.type, TSC.Actor))
        for spec in ORG_FIELDS:
            if spec.prop:
                for term in _terms(spec.value, org.get(spec.name), lang if spec.value == "text@lang" else None):
                    g.add((iri, URIRef(spec.prop), term))
        g.add((iri, TSC.evidence, DECLARED))
        role = kind.field(org.get("role") or "")
        if role is not None and role.prop:
            g.add((resource, URIRef(role.prop), iri))
    if kind.key == "project":  # a partner is not also the lead
        lead = entry.values.get("lead")
        if lead:
            g.remove((resource, TSC.partnerOrganisation, URIRef(lead)))
    g.add((resource, TSC.evidence, DECLARED))
    return built


def _terms(how: str, value, lang: str | None):
    """The RDF terms of one field's value (nothing for an empty value)."""
    if not value:
        return []
    values = value if isinstance(value, list) else [value]
    if how == "iri":
        return [URIRef(v) for v in values]
    if how == "url":
        return [URIRef(v) for v in values]
    if how == "mailto":
        return [URIRef("mailto:" + v) for v in values]
    if how == "text@lang":
        return [Literal(v, lang=lang) for v in values]
    if how == "date":
        return [Literal(v, datatype=XSD.date) for v in values]
    if how == "decimal":
        return [Literal(v, datatype=XSD.decimal) for v in values]
    if how == "language":
        return [Literal(v, datatype=XSD.language) for v in values]
    if how in ("code", "name"):
        return [Literal(v) for v in values]
    return []
