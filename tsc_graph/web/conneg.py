"""Content negotiation on werkzeug's parsed ``Accept`` header (never hand-parsed).

The formats come from :mod:`tsc_graph.formats`, so the endpoint, the dereferencing routes and the store
agree on names and media types. A SPARQL request is negotiated *twice*, once for each result family
(results for SELECT/ASK, RDF for CONSTRUCT/DESCRIBE), because the query form is only known after parsing.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import request
from werkzeug.datastructures import MIMEAccept

from tsc_graph.formats import RDF_FORMATS, RESULTS_FORMATS

#: Results formats in preference order: the first one wins for ``*/*`` (JSON, like Fuseki and Oxigraph).
RESULTS_ORDER = ("json", "xml", "csv", "tsv")
#: Graph formats a client can ask for, in preference order (Turtle first).
GRAPH_ORDER = ("turtle", "ntriples", "jsonld", "rdfxml")
#: File extensions of resource documents → format (``html`` is the HTML page).
DOC_EXTENSIONS = {"html": "html", "ttl": "turtle", "nt": "ntriples", "jsonld": "jsonld", "rdf": "rdfxml"}
EXTENSION_OF = {fmt: ext for ext, fmt in DOC_EXTENSIONS.items()}

#: Values of the ``format`` / ``output`` parameter (names, SPARQLWrapper's names, media types) → (family, format).
FORMAT_PARAM: dict[str, tuple[str, str]] = {}
for _name in RESULTS_ORDER:
    _f = RESULTS_FORMATS[_name]
    FORMAT_PARAM[_name] = ("results", _name)
    FORMAT_PARAM[_f.media_type] = ("results", _name)
for _name in GRAPH_ORDER:
    _f = RDF_FORMATS[_name]
    FORMAT_PARAM[_name] = ("graph", _name)
    FORMAT_PARAM[_f.media_type] = ("graph", _name)
    FORMAT_PARAM[_f.extension] = ("graph", _name)
FORMAT_PARAM.update({
    "json-ld": ("graph", "jsonld"), "rdf+xml": ("graph", "rdfxml"), "n3": ("graph", "turtle"),
    "text/n3": ("graph", "turtle"), "ttl": ("graph", "turtle"), "n-triples": ("graph", "ntriples"),
    "html": ("html", "html"), "text/html": ("html", "html"),
})
#: Some names mean one format in each family (``json`` → SPARQL JSON or JSON-LD; ``xml`` → SPARQL XML or RDF/XML).
DUAL_PARAM = {"json": "jsonld", "xml": "rdfxml", "application/json": "jsonld", "application/xml": "rdfxml"}


def accept() -> MIMEAccept:
    """The request's Accept header; a missing header means ``*/*`` (RFC 9110)."""
    acc = request.accept_mimetypes
    return acc if acc else MIMEAccept([("*/*", 1)])


def _offers(order: tuple[str, ...], table) -> tuple[list[str], dict[str, str]]:
    """Media types of one family (each format under its media type, then its aliases) and their format."""
    offers: list[tuple[str, str]] = []
    for name in order:
        offers.append((table[name].media_type, name))
    for name in order:
        offers.extend((alias, name) for alias in table[name].aliases)
    return [m for m, _ in offers], dict((m, n) for m, n in reversed(offers))


_RESULTS_OFFERS = _offers(RESULTS_ORDER, RESULTS_FORMATS)
_GRAPH_OFFERS = _offers(GRAPH_ORDER, RDF_FORMATS)


def _best(acc: MIMEAccept, offers: tuple[list[str], dict[str, str]]) -> str | None:
    mt = acc.best_match(offers[0])
    return None if mt is None else offers[1][mt]


def best_results_format(acc: MIMEAccept | None = None) -> str | None:
    return _best(accept() if acc is None else acc, _RESULTS_OFFERS)


def best_graph_format(acc: MIMEAccept | None = None) -> str | None:
    return _best(accept() if acc is None else acc, _GRAPH_OFFERS)


def wants_html(acc: MIMEAccept | None = None) -> bool:
    """True when the client prefers HTML to every RDF / results format (a browser); ``acc``: an Accept header
    parsed by werkzeug (default: this request's)."""
    if acc is None:
        acc = request.accept_mimetypes
    if not acc:
        return False
    html_q = max(acc["text/html"], acc["application/xhtml+xml"])
    if html_q <= 0:
        return False
    others = [m for f in (*RESULTS_FORMATS.values(), *RDF_FORMATS.values()) for m in (f.media_type,)]
    # an explicit (non-wildcard) quality for a data format beats HTML; */* alone does not
    best_other = max((q for m, q in acc if m in others), default=0)
    return html_q >= best_other and any(m in ("text/html", "application/xhtml+xml") for m, _ in acc)


@dataclass
class SparqlChoice:
    """The answer formats of one SPARQL request; ``None`` in a family means the client accepts none of it."""

    results: str | None
    graph: str | None
    html: bool = False


def sparql_choice() -> SparqlChoice:
    """``format``/``output`` parameters override Accept family by family (browsers cannot set Accept)."""
    results, graph, html = best_results_format(), best_graph_format(), False
    params = request.args.getlist("format") + request.args.getlist("output")
    if request.mimetype == "application/x-www-form-urlencoded":
        params += request.form.getlist("format") + request.form.getlist("output")
    seen_results = seen_graph = False
    for value in params:
        key = value.strip().lower()
        hit = FORMAT_PARAM.get(key)
        if hit is None:
            continue  # unknown values are ignored (SPARQLWrapper sends several), Accept still applies
        family, name = hit
        if family == "html":
            html = True
        elif family == "results" and not seen_results:
            results, seen_results = name, True
            if key in DUAL_PARAM and not seen_graph:
                graph = DUAL_PARAM[key]
        elif family == "graph" and not seen_graph:
            graph, seen_graph = name, True
    return SparqlChoice(results, graph, html)


def resource_format() -> str | None:
    """Best document format for a resource: ``html`` or an RDF format name; HTML for ``*/*`` (people first)."""
    offers: list[tuple[str, str]] = [("text/html", "html"), ("application/xhtml+xml", "html")]
    offers += [(RDF_FORMATS[n].media_type, n) for n in GRAPH_ORDER]
    offers += [(a, n) for n in GRAPH_ORDER for a in RDF_FORMATS[n].aliases]
    mt = accept().best_match([m for m, _ in offers])
    return None if mt is None else dict((m, n) for m, n in reversed(offers))[mt]
