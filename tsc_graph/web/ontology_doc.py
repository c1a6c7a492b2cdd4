"""The ontology document: ``tsc_graph/ontology/tsc.ttl`` itself in every RDF format, and its documentation page for people.

Why the file and not the store: the ontology is part of the software a node runs, not of the data it publishes, and
a query cannot return it whole (blank-node lists of ``owl:unionOf`` end wherever the query stops following them).
The file is parsed once per change (its modification time is the cache key); Turtle is served byte for byte, the
other formats are serialised from the parsed graph, so every format is isomorphic to the file.

The HTML page is generated from the ontology's own labels and comments, in French or English, the languages it is
documented in: one section per class and property with an anchor named after its local name, so ``/ontology#Actor``
lands on it after the 303 to ``/ontology.html``. The page's headings and words are UI strings (gettext, in the
visitor's language); on a page in another language the terms' text is declared French or English (``lang``).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from tsc_graph import ONTOLOGY_DIR
from tsc_graph.namespaces import ONTOLOGY_IRI, PREFIXES, TSC

#: rdflib serialiser name of each served RDF format (Turtle is the file itself).
RDFLIB_FORMATS = {"ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}
#: The languages the ontology's terms are documented in (their rdfs:label and rdfs:comment).
LANGUAGES = ("fr", "en")


def ontology_file() -> Path:
    """``TSC_ONTOLOGY_FILE`` (app config ``ONTOLOGY_FILE``), else the ontology shipped with the code."""
    return Path(current_app.config.get("ONTOLOGY_FILE") or ONTOLOGY_DIR / "tsc.ttl")


@dataclass
class _Parsed:
    mtime: float
    turtle: bytes
    graph: Graph
    serialised: dict[str, bytes] = field(default_factory=dict)


_cache: dict[Path, _Parsed] = {}
_lock = threading.Lock()


def _parsed() -> _Parsed:
    path = ontology_file()
    mtime = path.stat().st_mtime
    with _lock:
        cached = _cache.get(path)
        if cached is None or cached.mtime != mtime:
            turtle = path.read_bytes()
            cached = _Parsed(mtime, turtle, Graph().parse(data=turtle, format="turtle"))
            _cache[path] = cached
        return cached


def available() -> bool:
    try:
        _parsed()
        return True
    except OSError:
        return False


def serialise(fmt: str) -> bytes:
    """The ontology in ``fmt``: the file's own bytes for Turtle, else its graph serialised (cached)."""
    parsed = _parsed()
    if fmt == "turtle":
        return parsed.turtle
    with _lock:
        if fmt not in parsed.serialised:
            out = parsed.graph.serialize(format=RDFLIB_FORMATS[fmt], encoding="utf-8")
            parsed.serialised[fmt] = out if isinstance(out, bytes) else out.encode("utf-8")
        return parsed.serialised[fmt]


# --- the documentation page -------------------------------------------------------------------------------------

def _text(g: Graph, node, prop, lang: str) -> str:
    """The value of ``prop`` in ``lang``, else English, else any (an ontology term always has fr and en)."""
    values = [o for o in g.objects(node, prop) if isinstance(o, Literal)]
    for wanted in (lang, "en", None):
        for v in values:
            if v.language == wanted or wanted is None:
                return str(v)
    return ""


def _local(uri: str) -> str | None:
    return uri[len(str(TSC)):] if uri.startswith(str(TSC)) else None


def _ref(g: Graph, node, lang: str) -> list[dict]:
    """A class expression as links: a named term, or the members of an ``owl:unionOf`` joined by "or"."""
    if isinstance(node, BNode):
        members = g.value(node, OWL.unionOf)
        if members is not None:
            out: list[dict] = []
            for i, m in enumerate(Collection(g, members)):
                if i:
                    out.append({"text": f" {_('or')} ", "href": None, "code": False, "term": False})
                out.extend(_ref(g, m, lang))
            return out
        return [{"text": "…", "href": None, "code": False, "term": False}]
    uri = str(node)
    local = _local(uri)
    if local is not None:
        return [{"text": _text(g, node, RDFS.label, lang) or local, "href": f"#{local}", "code": False, "term": True}]
    return [{"text": qname(uri), "href": uri if uri.startswith(("http://", "https://")) else None, "code": True,
             "term": False}]


def _term(g: Graph, node: URIRef, lang: str, kind: str) -> dict:
    local = _local(str(node))
    facts: list[tuple[str, list[list[dict]]]] = []

    def add(label: str, prop, subject=node):
        refs = [_ref(g, o, lang) for o in g.objects(subject, prop)]
        if refs:
            facts.append((label, sorted(refs, key=lambda r: r[0]["text"].lower())))

    if kind == "classes":
        add(_("Subclass of"), RDFS.subClassOf)
        add(_("Disjoint with"), OWL.disjointWith)
        used = [[{"text": _text(g, p, RDFS.label, lang) or _local(str(p)), "href": f"#{_local(str(p))}", "code": False,
                  "term": True}] for p in _properties_with_domain(g, node)]
        if used:
            facts.append((_("Properties with this domain"), sorted(used, key=lambda r: r[0]["text"].lower())))
    else:
        add(_("Sub-property of"), RDFS.subPropertyOf)
        add(_("Domain"), RDFS.domain)
        add(_("Range"), RDFS.range)
        add(_("Inverse of"), OWL.inverseOf)
        if (node, RDF.type, OWL.FunctionalProperty) in g:
            facts.append((_("Characteristics"), [[{"text": _("functional"), "href": None, "code": False,
                                                    "term": False}]]))
    return {"id": local, "label": _text(g, node, RDFS.label, lang) or local, "qname": f"tsc:{local}",
            "comment": _text(g, node, RDFS.comment, lang), "facts": facts}


def _properties_with_domain(g: Graph, cls: URIRef) -> list[URIRef]:
    out = []
    for p, domain in g.subject_objects(RDFS.domain):
        if _local(str(p)) is None:
            continue
        members = [domain]
        if isinstance(domain, BNode) and g.value(domain, OWL.unionOf) is not None:
            members = list(Collection(g, g.value(domain, OWL.unionOf)))
        if cls in members:
            out.append(p)
    return out


def documentation(lang: str) -> dict:
    """Everything the ``ontology.html`` template shows: the terms' text in ``lang`` (fr or en), the headings in the
    page's language (gettext)."""
    lang = lang if lang in LANGUAGES else "en"
    g = _parsed().graph
    onto = URIRef(ONTOLOGY_IRI)
    kinds = {"classes": (OWL.Class, _("Classes")), "object": (OWL.ObjectProperty, _("Object properties")),
             "datatype": (OWL.DatatypeProperty, _("Datatype properties")),
             "annotation": (OWL.AnnotationProperty, _("Annotation properties"))}
    sections = []
    for key, (cls, title) in kinds.items():
        terms = [_term(g, t, lang, key) for t in g.subjects(RDF.type, cls)
                 if isinstance(t, URIRef) and _local(str(t)) is not None]
        if terms:
            sections.append({"id": key, "title": title, "terms": sorted(terms, key=lambda t: t["label"].lower())})
    license_ = g.value(onto, DCTERMS.license)
    return {
        "lang": lang, "iri": ONTOLOGY_IRI, "namespace": str(TSC),
        "title": _text(g, onto, DCTERMS.title, lang) or _text(g, onto, RDFS.label, lang),
        "description": _text(g, onto, DCTERMS.description, lang),
        "version": str(g.value(onto, OWL.versionInfo) or ""),
        "license": str(license_) if license_ is not None else None,
        "sections": sections,
    }


def qname(uri: str) -> str:
    """``skos:Concept`` for known namespaces, else the URI: the ontology's documentation is for modellers, who
    read prefixed names (the portal's pages for people never show them)."""
    for prefix, ns in PREFIXES.items():
        if uri.startswith(ns) and len(uri) > len(ns):
            return f"{prefix}:{uri[len(ns):]}"
    return uri
