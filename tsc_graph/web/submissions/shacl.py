"""The SHACL check of a submission and the placing of each result next to its field, in plain words.

The data checked is the submission's graph plus the ``rdf:type`` of every IRI it points to, read from the store
(``form-types.rq``), so that ``sh:class`` sees real actors, countries, targets and articles. Results about the
submitted resource, an organisation proposed with it, or its contact point are kept; each is worded by
:mod:`.catalogue` and attached to the form field that fills the result's property.
"""
from __future__ import annotations

import threading

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from tsc_graph.errors import Overloaded
from tsc_graph.validation import Violation

from .. import store_access
from . import catalogue
from .kinds import ORG_FIELDS, Kind, org_field
from .rdf import Built


class ShapeChecker:
    """pyshacl behind one lock, warmed up when the server starts.

    rdflib's SPARQL parser (pyparsing, used by pyshacl for the SPARQL-based shapes) sets its parse actions up
    on first use, and not thread-safely: two submissions at once on a fresh server broke that one and every
    later one with 500 (``TypeError: Param.postParse2() missing…``). pyshacl makes no thread-safety
    promise either, and every validation shares the shapes graph. So one validation runs at a time (~40 ms for
    a project), and the first one runs at start-up, in the background, so that no submitter waits for it. The
    lock is process-wide, like the parser state it protects.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._shapes: dict[tuple[str, ...], Graph] = {}

    def shapes(self, languages=("fr", "en")):
        """The shapes, with a record's label accepted in any of the node's ``languages`` (TSC_LANGUAGES or the
        node profile's; tsc_graph.validation.with_node_languages), parsed once per list."""
        from tsc_graph.validation import shapes_graph

        key = tuple(languages) or ("fr", "en")
        if key not in self._shapes:
            self._shapes[key] = shapes_graph(languages=list(key))
        return self._shapes[key]

    def _validate(self, data, languages=("fr", "en")):
        from tsc_graph.validation import validate

        return validate(data, shapes=self.shapes(languages), workers=1)

    def warm_up(self, languages=("fr", "en")) -> threading.Thread:
        """Validate a bare project in a background thread: parses the shapes and their SPARQL once."""
        languages = tuple(languages)

        def run() -> None:
            data = Graph()
            data.add((URIRef("urn:tsc-graph:warm-up"), RDF.type, URIRef("https://w3id.org/tsc-graph/ontology#Project")))
            with self._lock:
                self._validate(data, languages)

        thread = threading.Thread(target=run, name="tsc-graph-shapes-warm-up", daemon=True)
        thread.start()
        return thread

    def violations(self, data, focus: set[str], wait: float, languages=("fr", "en")) -> list[Violation]:
        """Violations of the shapes about the ``focus`` nodes (Overloaded if the lock is not free within ``wait`` s)."""
        if not self._lock.acquire(timeout=wait):
            raise Overloaded("the submission service is busy checking other submissions; retry in a few seconds")
        try:
            report = self._validate(data, tuple(languages))
        finally:
            self._lock.release()
        # A visitor declares their own record: what the shapes only warn about in sourced data (a fact a public
        # page may not give: start date, lead, status, seat, contact) the submitter knows, so the form requires it.
        return [v for v in report.violations + report.warnings if v.focus in focus]


SHAPES = ShapeChecker()


def with_context(graph: Graph) -> Graph:
    """The graph plus the types, read from the store, of the IRIs it points to (other than its own subjects)."""
    from ..portal.queries import select

    data = Graph()
    for triple in graph:
        data.add(triple)
    own = {str(s) for s in graph.subjects()}
    objects = sorted({str(o) for o in graph.objects() if isinstance(o, URIRef) and str(o) not in own
                      and str(o).startswith(("http://", "https://", "urn:"))})
    if objects:
        for row in select("form-types", {"resource": objects}):
            data.add((URIRef(row["resource"]["value"]), RDF.type, URIRef(row["type"]["value"])))
    return data


def check(built: Built) -> list[Violation]:
    """The SHACL violations about the submission (its resource, its proposed organisations, its contact)."""
    focus = {built.resource, *built.orgs.values()}
    if built.contact is not None:
        focus.add(str(built.contact))
    settings = store_access.settings()
    return SHAPES.violations(with_context(built.graph), focus, wait=settings.queue_timeout * 2,
                             languages=tuple(settings.languages))


def place(violations: list[Violation], kind: Kind, built: Built, lang: str) -> dict[str, list[str]]:
    """Field name → messages in the page's language (``general`` for what belongs to no field)."""
    orgs = {iri: n for n, iri in built.orgs.items()}
    placed: dict[str, list[str]] = {}
    for v in violations:
        name, message = field_and_message(v, kind, orgs, str(built.contact) if built.contact else None, lang)
        messages = placed.setdefault(name, [])
        if message not in messages:
            messages.append(message)
    return placed


def field_and_message(v: Violation, kind: Kind, orgs: dict[str, int], contact: str | None,
                      lang: str) -> tuple[str, str]:
    if v.focus in orgs:
        n = orgs[v.focus]
        msg = catalogue.lookup(catalogue.ORG_MESSAGES, v.shape, v.component)
        spec = next((s for s in ORG_FIELDS if msg and msg.field == s.name), None) or \
            next((s for s in ORG_FIELDS if s.prop and s.prop == v.path), ORG_FIELDS[0])
        return org_field(n, spec), str(msg.text if msg else catalogue.FALLBACK)
    table = catalogue.CONTACT_MESSAGES if contact is not None and v.focus == contact else catalogue.MESSAGES
    msg = catalogue.lookup(table, v.shape, v.component)
    text = str(msg.text if msg else catalogue.FALLBACK)
    return _field_name(kind, msg.field if msg else None, v.path, lang), text


def _field_name(kind: Kind, named: str | None, path: str | None, lang: str) -> str:
    if named == "title" or (named is None and path and any(f.name.startswith("title_") for f in kind.by_prop(path))):
        titles = kind.titles
        return f"title_{lang}" if kind.field(f"title_{lang}") else (titles[0].name if titles else "general")
    if named:
        return named if kind.field(named) else "general"
    candidates = kind.by_prop(path) if path else []
    if not candidates:
        return "general"
    same_lang = [f for f in candidates if f.lang == lang]
    return (same_lang or candidates)[0].name
