"""The /sparql fast path (tsc_graph/web/sparql_fast.py) answers exactly what the Flask route answers.

Each request is sent twice to the same app, fast path on and off; status, headers and body must be equal. The
fast path must really answer the plain queries itself (the route's view is not called) and leave everything
else, errors included, to the route.
"""
from __future__ import annotations

import urllib.parse

import pytest

from tsc_graph.store import GraphNamer, Source, open_store
from tsc_graph.web import create_app

DATA = b"""@prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:a rdfs:label "Alpha"@en, "\xc3\xa9t\xc3\xa9"@fr ; ex:knows ex:b .
ex:b rdfs:label "Beta" ; ex:knows [ rdfs:label "anonymous" ] .
"""
SELECT = "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?s ?l"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(isIRI(?s)) }"
JSON = "application/sparql-results+json"


def get(query: str, accept: str | None = None, **params) -> dict:
    params = {"query": query, **params}
    return {"method": "GET", "path": "/sparql?" + urllib.parse.urlencode(params, doseq=True),
            "headers": {"Accept": accept} if accept is not None else {}}


def form(query: str, accept: str | None = JSON, **extra) -> dict:
    data = {"query": query, **extra}
    return {"method": "POST", "path": "/sparql", "data": urllib.parse.urlencode(data, doseq=True),
            "headers": {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}}


def direct(query: str, accept: str = JSON, content_type: str = "application/sparql-query", path="/sparql") -> dict:
    return {"method": "POST", "path": path, "data": query.encode("utf-8"),
            "headers": {"Accept": accept, "Content-Type": content_type}}


#: (request, answered by the fast path?)
CASES = {
    "ask json": (get("ASK { ?s ?p ?o }", JSON), True),
    "select xml": (get(SELECT, "application/sparql-results+xml"), True),
    "select csv": (get(SELECT, "text/csv"), True),
    "select tsv": (get(SELECT, "text/tab-separated-values"), True),
    "select, no Accept": (get(SELECT), True),
    "select, */*": (get(SELECT, "*/*"), True),
    "select, accented literal": (get('SELECT ?s WHERE { ?s ?p "été"@fr }', JSON), True),
    "construct turtle": (get(CONSTRUCT, "text/turtle"), True),
    "construct n-triples": (get(CONSTRUCT, "application/n-triples"), True),
    "construct json-ld": (get(CONSTRUCT, "application/ld+json"), True),
    "construct rdf/xml": (get(CONSTRUCT, "application/rdf+xml"), True),
    "describe": (get("DESCRIBE <http://example.org/a>", "text/turtle, application/sparql-results+json;q=0.5"), True),
    "form post with dataset": (form(SELECT, **{"default-graph-uri": "https://fr.chm-cbd.net/tsc/graph/d",
                                               "named-graph-uri": "https://fr.chm-cbd.net/tsc/graph/d"}), True),
    "direct post": (direct(SELECT), True),
    "direct post, utf-8": (direct(SELECT, content_type="application/sparql-query; charset=UTF-8"), True),
    "syntax error (GET)": (get("SELEC ?x", JSON), True),
    "syntax error (POST)": (direct("SELECT * WHERE {"), True),
    "update sent as a query": (get("INSERT DATA { <a:b> <a:b> <a:b> }", JSON), True),
    "bad graph IRI": (get(SELECT, JSON, **{"default-graph-uri": "not an iri"}), True),
    "result too large": (get("CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples"), True),
    "nested too deep": (get("SELECT * WHERE " + "{" * 300 + "}" * 300, JSON), True),
    # left to the route
    "browser": (get(SELECT, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"), False),
    "format parameter": (get(SELECT, JSON, format="csv"), False),
    "update parameter": (form(SELECT, update="CLEAR ALL"), False),
    "conditional GET": ({**get(SELECT, JSON), "headers": {"Accept": JSON, "If-None-Match": 'W/"x"'}}, False),
    "two queries": (get(["ASK {}", "ASK {}"], JSON), False),
    "empty query": (get("  ", JSON), False),
    "no query": ({"method": "GET", "path": "/sparql", "headers": {"Accept": "text/turtle"}}, False),
    "SERVICE": (get("SELECT * WHERE { SERVICE <http://192.0.2.1/sparql> { ?s ?p ?o } }", JSON), False),
    "construct, results only": (get(CONSTRUCT, JSON), False),
    "other charset": (direct(SELECT, content_type="application/sparql-query; charset=latin-1"), False),
    "other content type": (direct(SELECT, content_type="text/plain"), False),
    "sparql-update": (direct("CLEAR ALL", content_type="application/sparql-update"), False),
    "raw non-ASCII body": ({"method": "POST", "path": "/sparql", "data": "query=ASK{}é".encode("latin-1"),
                            "headers": {"Accept": JSON, "Content-Type": "application/x-www-form-urlencoded"}}, False),
    "HEAD": ({"method": "HEAD", "path": get(SELECT)["path"], "headers": {"Accept": JSON}}, False),
    "preflight": ({"method": "OPTIONS", "path": "/sparql", "headers": {
        "Origin": "https://other.example", "Access-Control-Request-Method": "POST"}}, False),
}


@pytest.fixture(scope="module")
def app():
    store = open_store("memory:")
    store.load([Source("d.ttl", DATA)], graph_for=GraphNamer("https://fr.chm-cbd.net/tsc/"))
    app = create_app({"TESTING": True, "max_result_bytes": 300}, store=store)
    calls = []
    view = app.view_functions["sparql.endpoint"]

    def counted(*args, **kwargs):
        calls.append(1)
        return view(*args, **kwargs)

    app.view_functions["sparql.endpoint"] = counted
    app.route_calls = calls
    yield app
    store.close()


def answer(app, fast: bool, case: dict):
    app.config["SPARQL_FAST_PATH"] = fast
    before = len(app.route_calls)
    resp = app.test_client().open(**case)
    headers = sorted((k, v) for k, v in resp.headers.items() if k not in ("Date", "Server"))
    return (resp.status_code, headers, resp.data), len(app.route_calls) > before


@pytest.mark.parametrize("name", list(CASES))
def test_fast_path_answers_like_the_route(app, name):
    case, fast_expected = CASES[name]
    via_route, route_called = answer(app, False, case)
    via_fast, route_called_fast = answer(app, True, case)
    assert via_fast == via_route
    if case["method"] == "OPTIONS":  # flask-cors answers preflights before any view
        return
    assert route_called
    errors = via_fast[0] >= 400
    assert route_called_fast == (not fast_expected or errors), "the fast path answered or left the wrong requests"


def test_accept_negotiation_is_memoised_and_bounded():
    from tsc_graph.web.sparql_fast import negotiate

    negotiate.cache_clear()
    for i in range(1000):
        negotiate(f"application/x-{i}, {JSON}")
    assert negotiate.cache_info().currsize <= 256
    assert negotiate(JSON).results == "json"
    assert negotiate("text/html") is None
