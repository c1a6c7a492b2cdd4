"""The SPARQL 1.1 Protocol endpoint at ``/sparql`` (query operation only) and its Service Description.

Protocol (https://www.w3.org/TR/sparql11-protocol/): query via GET ``?query=``, POST form, or POST
``application/sparql-query``; ``default-graph-uri`` / ``named-graph-uri`` set the dataset. Updates are
refused: this endpoint is read-only, writes go through the CLI on the node itself.
"""
from __future__ import annotations

import hashlib
import json

from flask import Blueprint, Response, request, url_for
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from tsc_graph import federation, guards
from tsc_graph.errors import UpdateNotAllowed
from tsc_graph.formats import RDF_FORMATS, RESULTS_FORMATS
from tsc_graph.namespaces import SD, VOID

from . import conneg, protocol, store_access
from .errors import ApiError

bp = Blueprint("sparql", __name__)

RDFLIB_FORMAT = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


def _read_request() -> tuple[str | None, list[str], list[str]]:
    """(query text, default graph URIs, named graph URIs) of this request (:mod:`.protocol`)."""
    try:
        form = request.form.to_dict(flat=False) if request.mimetype == protocol.FORM else {}
        body = request.get_data() if request.mimetype == protocol.QUERY else b""
        asked = protocol.read_request(request.method, request.mimetype, request.mimetype_params.get("charset"),
                                      request.args.to_dict(flat=False), form, body)
        return asked.query, asked.default_graphs, asked.named_graphs
    except protocol.ProtocolError as e:
        raise ApiError(e.status, str(e), e.code) from None


#: WSGI environ key under which the fast path (tsc_graph/web/sparql_fast.py) hands over what the query it ran gave (the
#: error, or an answer in a format the client does not accept), so that this route answers exactly as if it had
#: run the query itself.
FAST_PATH_OUTCOME = "tsc.sparql_fast_path_outcome"


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    outcome = request.environ.pop(FAST_PATH_OUTCOME, None)
    query, default_graphs, named_graphs = _read_request()
    if query is None:
        if conneg.wants_html():
            return query_page()
        return service_description()
    if not query.strip():
        raise ApiError(400, "the query is empty")
    if request.method == "GET" and _person_following_a_link():
        return query_page(query=query)  # a permalink opened in a browser: the page shows the query and runs it
    choice = conneg.sparql_choice()
    settings = store_access.settings()
    validator = _validator(query, default_graphs, named_graphs, choice)
    if validator is not None and _not_modified(*validator):
        return _with_validator(Response(status=304), *validator)
    try:
        # federation hook (docs/federation.md): SERVICE targets must be on TSC_SERVICE_ALLOWLIST (else 403,
        # nothing contacted); a remote node that fails or is too slow gives 502 / 504 naming it.
        def run():
            if isinstance(outcome, Exception):  # the fast path already ran this query
                raise outcome
            if outcome is not None:
                return outcome
            return store_access.run(query, results_format=choice.results or "json", graph_format=choice.graph or "turtle",
                                    default_graph_uris=default_graphs, named_graph_uris=named_graphs, lane="public")

        result = federation.run_federated(query, settings.service_allowlist, run, timeout=settings.query_timeout)
    except UpdateNotAllowed:
        raise ApiError(400, protocol.UPDATE_REFUSED, "update_not_allowed") from None
    except federation.FEDERATION_ERRORS as e:
        status, code = federation.http_status(e)
        raise ApiError(status, str(e), code) from None
    if choice.html:
        return _html_results(query, result)
    family = choice.results if result.kind in ("SELECT", "ASK") else choice.graph
    if family is None:
        wanted = "SPARQL results (JSON, XML, CSV, TSV)" if result.kind != "CONSTRUCT" else "RDF (Turtle, N-Triples, JSON-LD, RDF/XML)"
        raise ApiError(406, f"a {result.kind} query answers with {wanted}; the Accept header allows none of them")
    fmt = (RESULTS_FORMATS if result.kind != "CONSTRUCT" else RDF_FORMATS)[result.format]
    resp = Response(result.body, 200, content_type=fmt.content_type)
    resp.headers["Vary"] = "Accept"
    resp.headers["Cache-Control"] = "no-cache"
    return _with_validator(resp, *validator) if validator is not None else resp


# --- conditional requests (RFC 9110 §13): a peer re-asking an unchanged node gets 304, nothing re-evaluated ----
def _validator(query: str, default_graphs, named_graphs, choice) -> tuple[str, object] | None:
    """(weak ETag, last-modified time) of a GET query's answer: the store's version + the request; None when the
    answer may change without the store changing (SERVICE calls other nodes) or the store cannot tell."""
    if request.method not in ("GET", "HEAD"):
        return None
    version = store_access.store().version()
    if version is None:
        return None
    guards.check_query(query)  # bounded before the scan below
    if federation.service_calls(query):
        return None
    return validator(version, query, default_graphs, named_graphs, choice)


def validator(version, query: str, default_graphs, named_graphs, choice) -> tuple[str, object]:
    """The validator of an answer without SERVICE calls (shared with the fast path)."""
    key = json.dumps([version.token, query, default_graphs, named_graphs, choice.results, choice.graph, choice.html])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32], version.modified


def _not_modified(etag: str, modified) -> bool:
    if request.if_none_match:  # when present, If-Modified-Since is ignored (RFC 9110 §13.1.3)
        return request.if_none_match.contains_weak(etag)
    since = request.if_modified_since
    return since is not None and modified <= since


def _with_validator(resp: Response, etag: str, modified) -> Response:
    resp.set_etag(etag, weak=True)
    resp.last_modified = modified
    resp.headers["Vary"] = "Accept"
    resp.headers["Cache-Control"] = "no-cache"
    return resp


def _html_results(query: str, result) -> Response:
    """The query page with the answer below it, for the HTML form (``format=html``)."""
    table = None
    text = None
    if result.kind in ("SELECT", "ASK") and result.format == "json":
        data = json.loads(result.body)
        if "boolean" in data:
            text = "true" if data["boolean"] else "false"
        else:
            table = {"vars": data["head"]["vars"], "rows": data["results"]["bindings"]}
    else:
        text = result.body.decode("utf-8", "replace")
    return query_page(query=query, table=table, text=text)


def _person_following_a_link() -> bool:
    """A browser's GET (HTML preferred, e.g. Chromium's default Accept) without ``format``/``output``: show the
    query page rather than results serialised for a machine (the page's own requests ask for JSON)."""
    return conneg.wants_html() and not (request.args.getlist("format") or request.args.getlist("output"))


def query_page(query: str | None = None, table=None, text=None) -> Response:
    """The HTML query page (tsc_graph/web/portal/query.py): YASGUI, examples, and a form that works without scripts."""
    from .portal.query import page

    return page(query=query, table=table, text=text)


def service_description() -> Response:
    """SPARQL 1.1 Service Description (https://www.w3.org/TR/sparql11-service-description/)."""
    fmt = conneg.best_graph_format()
    if fmt is None:
        raise ApiError(406, "the service description is available as Turtle, N-Triples, JSON-LD, RDF/XML or HTML")
    endpoint = URIRef(url_for("sparql.endpoint", _external=True))
    void_url = URIRef(url_for("dataset.void", _external=True))
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("dcterms", DCTERMS)
    svc = endpoint
    g.add((svc, RDF.type, SD.Service))
    g.add((svc, SD.endpoint, endpoint))
    g.add((svc, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((svc, SD.feature, SD.UnionDefaultGraph))
    g.add((svc, SD.feature, SD.BasicFederatedQuery))
    for f in RESULTS_FORMATS.values():
        g.add((svc, SD.resultFormat, URIRef(_format_iri(f.name))))
    for name in conneg.GRAPH_ORDER:
        g.add((svc, SD.resultFormat, URIRef(_format_iri(name))))
    g.add((svc, DCTERMS.title, Literal("tsc-graph SPARQL endpoint", lang="en")))
    g.add((svc, DCTERMS.title, Literal("Point d'accès SPARQL tsc-graph", lang="fr")))
    dataset = BNode()
    g.add((svc, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDFS_SEE_ALSO, void_url))
    default_graph = BNode()
    g.add((dataset, SD.defaultGraph, default_graph))
    g.add((default_graph, RDF.type, SD.Graph))
    g.add((default_graph, DCTERMS.description, Literal("union of all named graphs", lang="en")))
    for name in store_access.store().graphs():
        ng = BNode()
        g.add((dataset, SD.namedGraph, ng))
        g.add((ng, RDF.type, SD.NamedGraph))
        g.add((ng, SD.name, URIRef(name)))
    resp = Response(g.serialize(format=RDFLIB_FORMAT[fmt]), 200, content_type=RDF_FORMATS[fmt].content_type)
    resp.headers["Vary"] = "Accept"
    return resp


RDFS_SEE_ALSO = URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso")

_FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV", "turtle": "Turtle", "ntriples": "N-Triples", "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML",
}


def _format_iri(name: str) -> str:
    """W3C format IRIs (https://www.w3.org/ns/formats/)."""
    return f"http://www.w3.org/ns/formats/{_FORMAT_IRIS[name]}"
