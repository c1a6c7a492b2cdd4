"""The SPARQL 1.1 Protocol endpoint over real HTTP: real clients, every format, errors, limits, CORS.

Servers are real ``tsc-graph serve`` subprocesses on 127.0.0.1 (fixtures in conftest.py).
"""
from __future__ import annotations

import csv
import io
import json
import time
import urllib.parse
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

TSC = "https://w3id.org/tsc-graph/ontology#"
GBF_GRAPH = "https://fr.chm-cbd.net/tsc/graph/gbf"
ACTORS_GRAPH = "https://fr.chm-cbd.net/tsc/graph/actors"
COUNT_TARGETS = f"PREFIX tsc: <{TSC}> SELECT (COUNT(?t) AS ?n) WHERE {{ ?t a tsc:GBFTarget }}"
TARGETS = f"PREFIX tsc: <{TSC}> SELECT ?t ?num WHERE {{ ?t a tsc:GBFTarget ; tsc:targetNumber ?num }} ORDER BY ?num"
CONSTRUCT_TARGET1 = ("CONSTRUCT { ?t ?p ?o } WHERE { VALUES ?t { <https://w3id.org/tsc-graph/vocab/gbf/target-01> } ?t ?p ?o }")
TARGET1 = URIRef("https://w3id.org/tsc-graph/vocab/gbf/target-01")
SRX = "{http://www.w3.org/2005/sparql-results#}"


def get(http, base, query, accept=None, **params):
    qs = urllib.parse.urlencode({"query": query, **params}, doseq=True)
    return http(f"{base}/sparql?{qs}", headers={"Accept": accept} if accept else {})


# --- real clients ---------------------------------------------------------------------------------------------
def test_sparqlwrapper_json_get(live_server):
    sw = SPARQLWrapper(f"{live_server}/sparql")
    sw.setQuery(COUNT_TARGETS)
    sw.setReturnFormat(JSON)
    data = sw.query().convert()
    assert int(data["results"]["bindings"][0]["n"]["value"]) == 23


@pytest.mark.parametrize("method", [POST, POSTDIRECTLY])
def test_sparqlwrapper_post_form_and_direct(live_server, method):
    sw = SPARQLWrapper(f"{live_server}/sparql")
    sw.setQuery(TARGETS)
    sw.setReturnFormat(JSON)
    if method == POSTDIRECTLY:
        sw.setMethod(POST)
        sw.setRequestMethod(POSTDIRECTLY)
    else:
        sw.setMethod(POST)
    rows = sw.query().convert()["results"]["bindings"]
    assert [int(r["num"]["value"]) for r in rows] == list(range(1, 24))


def test_sparqlwrapper_xml_csv_tsv(live_server):
    sw = SPARQLWrapper(f"{live_server}/sparql")
    sw.setQuery(TARGETS)
    sw.setReturnFormat(XML)
    doc = sw.query().convert()  # xml.dom.minidom document
    assert len(doc.getElementsByTagName("result")) == 23
    sw.setReturnFormat(CSV)
    rows = list(csv.reader(io.StringIO(sw.query().convert().decode())))
    assert rows[0] == ["t", "num"] and len(rows) == 24 and rows[1] == [str(TARGET1), "1"]
    sw.setReturnFormat(TSV)
    lines = sw.query().convert().decode().strip().split("\n")
    assert lines[0] == "?t\t?num" and len(lines) == 24 and lines[1].startswith(f"<{TARGET1}>\t")


@pytest.mark.parametrize("fmt,parser", [(TURTLE, "turtle"), (XML, None), (JSONLD, None)])
def test_sparqlwrapper_construct(live_server, fmt, parser):
    sw = SPARQLWrapper(f"{live_server}/sparql")
    sw.setQuery(CONSTRUCT_TARGET1)
    sw.setReturnFormat(fmt)
    result = sw.query().convert()
    g = result if isinstance(result, Graph) else Graph().parse(data=result, format=parser)
    assert (TARGET1, URIRef(TSC + "targetNumber"), Literal(1)) in g


def test_sparqlwrapper_reports_malformed_query(live_server):
    sw = SPARQLWrapper(f"{live_server}/sparql")
    sw.setQuery("SELECT * WHERE { ?s ?p }")
    sw.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed) as info:
        sw.query()
    assert "syntax error" in str(info.value)


def test_rdflib_sparqlstore_exact_answers(live_server):
    store = SPARQLStore(f"{live_server}/sparql", returnFormat="xml")
    g = Graph(store=store)
    [(n,)] = list(g.query(COUNT_TARGETS))
    assert int(n) == 23
    goals = {str(r[0]) for r in g.query(f"SELECT ?g WHERE {{ ?g a <{TSC}GBFGoal> }}")}
    assert goals == {f"https://w3id.org/tsc-graph/vocab/gbf/goal-{x}" for x in "ABCD"}
    section = "https://w3id.org/tsc-graph/vocab/gbf/section-1"
    assert g.query(f"ASK {{ <{section}> <http://www.w3.org/2004/02/skos/core#member> <{TARGET1}> }}").askAnswer is True
    store_json = SPARQLStore(f"{live_server}/sparql", returnFormat="json")
    [(n,)] = list(Graph(store=store_json).query(COUNT_TARGETS))
    assert int(n) == 23


def test_another_engine_uses_our_endpoint_in_service(live_server):
    engine = ox.Store()
    rows = list(engine.query(
        f"PREFIX tsc: <{TSC}> SELECT ?t WHERE {{ SERVICE <{live_server}/sparql> {{ ?t tsc:targetNumber 6 }} }}"
    ))
    assert [r["t"].value for r in rows] == ["https://w3id.org/tsc-graph/vocab/gbf/target-06"]
    [row] = list(engine.query(
        f"PREFIX tsc: <{TSC}> SELECT (COUNT(?t) AS ?n) WHERE {{ SERVICE <{live_server}/sparql> {{ ?t a tsc:GBFTarget }} }}"
    ))
    assert int(row["n"].value) == 23


# --- raw HTTP: every results format, every RDF format ------------------------------------------------------------
def test_default_is_json_for_any_accept(live_server, http):
    r = get(http, live_server, COUNT_TARGETS, accept="*/*")
    assert r.status == 200
    assert r.headers["content-type"] == "application/sparql-results+json; charset=utf-8"
    assert "Accept" in r.headers["vary"]
    assert json.loads(r.body)["results"]["bindings"][0]["n"]["value"] == "23"
    assert get(http, live_server, COUNT_TARGETS).media_type == "application/sparql-results+json"


@pytest.mark.parametrize("accept,media", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
])
def test_select_results_formats_by_accept(live_server, http, accept, media):
    r = get(http, live_server, TARGETS, accept=accept)
    assert r.status == 200 and r.media_type == media
    assert r.headers["content-type"].endswith("charset=utf-8")
    assert _select_rows(media, r.text)[0] == (str(TARGET1), "1")
    assert len(_select_rows(media, r.text)) == 23


def _select_rows(media: str, text: str) -> list[tuple[str, str]]:
    if media.endswith("json"):
        return [(b["t"]["value"], b["num"]["value"]) for b in json.loads(text)["results"]["bindings"]]
    if media.endswith("xml"):
        out = []
        for res in ET.fromstring(text).iter(f"{SRX}result"):
            vals = {b.get("name"): "".join(b.itertext()).strip() for b in res.iter(f"{SRX}binding")}
            out.append((vals["t"], vals["num"]))
        return out
    if media == "text/csv":
        return [tuple(r) for r in list(csv.reader(io.StringIO(text)))[1:]]
    rows = [line.split("\t") for line in text.strip().split("\n")[1:]]
    return [(t.strip("<>"), n) for t, n in rows]


@pytest.mark.parametrize("fmt,media", [("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
                                       ("csv", "text/csv"), ("tsv", "text/tab-separated-values")])
def test_format_parameter_for_browsers(live_server, http, fmt, media):
    r = get(http, live_server, TARGETS, accept="text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", format=fmt)
    assert r.status == 200 and r.media_type == media
    assert len(_select_rows(media, r.text)) == 23


@pytest.mark.parametrize("accept,media", [("application/sparql-results+json", "application/sparql-results+json"),
                                          ("application/sparql-results+xml", "application/sparql-results+xml")])
def test_ask(live_server, http, accept, media):
    r = get(http, live_server, f"ASK {{ <{TARGET1}> a <{TSC}GBFTarget> }}", accept=accept)
    assert r.status == 200 and r.media_type == media
    if media.endswith("json"):
        assert json.loads(r.body) == {"head": {}, "boolean": True}
    else:
        assert ET.fromstring(r.body).find(f"{SRX}boolean").text == "true"


@pytest.mark.parametrize("accept,media,parser", [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
    ("*/*", "text/turtle", "turtle"),
])
def test_construct_and_describe_rdf_formats(live_server, http, accept, media, parser):
    for query in (CONSTRUCT_TARGET1, f"DESCRIBE <{TARGET1}>"):
        r = get(http, live_server, query, accept=accept)
        assert r.status == 200 and r.media_type == media, r.text
        assert r.headers["content-type"].endswith("charset=utf-8")
        g = Graph().parse(data=r.body, format=parser)
        assert (TARGET1, URIRef(TSC + "targetNumber"), Literal(1)) in g


@pytest.mark.parametrize("fmt,parser", [("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld"), ("rdfxml", "xml")])
def test_construct_format_parameter(live_server, http, fmt, parser):
    r = get(http, live_server, CONSTRUCT_TARGET1, accept="text/html", format=fmt)
    assert r.status == 200
    assert (TARGET1, URIRef(TSC + "targetNumber"), Literal(1)) in Graph().parse(data=r.body, format=parser)


def test_not_acceptable(live_server, http):
    assert get(http, live_server, CONSTRUCT_TARGET1, accept="application/sparql-results+json").status == 406
    r = get(http, live_server, TARGETS, accept="text/turtle")
    assert r.status == 406 and "Accept" in r.text


def test_post_form_and_direct_raw(live_server, http):
    body = urllib.parse.urlencode({"query": COUNT_TARGETS})
    r = http(f"{live_server}/sparql", "POST", {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"}, body)
    assert r.status == 200 and r.text.split() == ["n", "23"]
    r = http(f"{live_server}/sparql", "POST", {"Content-Type": "application/sparql-query", "Accept": "text/csv"}, COUNT_TARGETS)
    assert r.status == 200 and r.text.split() == ["n", "23"]
    r = http(f"{live_server}/sparql", "POST", {"Content-Type": "text/plain"}, COUNT_TARGETS)
    assert r.status == 415


@pytest.mark.parametrize("charset,ok", [("utf-8", True), ("UTF-8", True), ("utf8", True), ("UTF-16", False),
                                        ("latin-1", False), ("x-unknown", False)])
def test_direct_post_is_utf8_only(live_server, http, charset, ok):
    """SPARQL 1.1 Protocol §2.1.3: a query in the body is UTF-8; another charset is a client error."""
    codec = charset if ok else ("utf-16" if charset == "UTF-16" else "latin-1")
    r = http(f"{live_server}/sparql", "POST", {"Content-Type": f"application/sparql-query; charset={charset}",
                                               "Accept": "text/csv"}, COUNT_TARGETS.encode(codec))
    if ok:
        assert r.status == 200 and r.text.split() == ["n", "23"]
    else:
        assert r.status == 400 and "UTF-8" in r.text and charset in r.text


# --- dataset of the query ------------------------------------------------------------------------------------------
def test_default_graph_uri_restricts_the_dataset(live_server, http):
    types = "SELECT DISTINCT ?type WHERE { ?s a ?type } ORDER BY ?type"
    r = get(http, live_server, types, accept="text/csv", **{"default-graph-uri": GBF_GRAPH})
    found = {row[0] for row in list(csv.reader(io.StringIO(r.text)))[1:]}
    assert found == {TSC + "GBFGoal", TSC + "GBFTarget", "http://www.w3.org/2004/02/skos/core#ConceptScheme",
                     "http://www.w3.org/2004/02/skos/core#Collection", "http://www.w3.org/2008/05/skos-xl#Label"}
    r = get(http, live_server, COUNT_TARGETS, accept="text/csv", **{"default-graph-uri": ACTORS_GRAPH})
    assert r.text.split() == ["n", "0"]
    r = get(http, live_server, COUNT_TARGETS, accept="text/csv", **{"default-graph-uri": [ACTORS_GRAPH, GBF_GRAPH]})
    assert r.text.split() == ["n", "23"]
    # POST direct: graph URIs in the query string
    r = http(f"{live_server}/sparql?default-graph-uri={urllib.parse.quote(ACTORS_GRAPH)}", "POST",
             {"Content-Type": "application/sparql-query", "Accept": "text/csv"}, COUNT_TARGETS)
    assert r.text.split() == ["n", "0"]


def test_named_graph_uri(live_server, http):
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = get(http, live_server, q, accept="text/csv", **{"named-graph-uri": GBF_GRAPH})
    assert r.text.split() == ["g", GBF_GRAPH]
    everything = get(http, live_server, q, accept="text/csv")
    assert len(everything.text.split()) > 5


def test_union_default_graph(live_server, http):
    r = get(http, live_server, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a a <{TSC}Actor> . ?t a <{TSC}GBFTarget> }}", accept="text/csv")
    assert int(r.text.split()[1]) > 23


# --- errors -------------------------------------------------------------------------------------------------
def test_malformed_query_400_with_parser_message(live_server, http):
    r = get(http, live_server, "SELECT * WHERE { ?s ?p }", accept="application/sparql-results+json")
    assert r.status == 400
    assert r.media_type == "text/plain"
    assert "syntax error" in r.text and "1:" in r.text  # the parser's position
    assert "Traceback" not in r.text


def test_malformed_query_html_for_browser(live_server, http):
    r = get(http, live_server, "SELECT <oops", accept="text/html", format="html")  # the query page's form
    assert r.status == 400 and r.media_type == "text/html" and "syntax error" in r.text


@pytest.mark.parametrize("how", ["query-param", "update-param", "update-body"])
def test_update_refused(live_server, http, how):
    update = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
    if how == "query-param":
        r = get(http, live_server, update)
    elif how == "update-param":
        r = http(f"{live_server}/sparql", "POST", {"Content-Type": "application/x-www-form-urlencoded"},
                 urllib.parse.urlencode({"update": update}))
    else:
        r = http(f"{live_server}/sparql", "POST", {"Content-Type": "application/sparql-update"}, update)
    assert r.status == 400
    assert "Update is not accepted" in r.text
    check = get(http, live_server, "ASK { <urn:x:a> ?p ?o }")
    assert json.loads(check.body)["boolean"] is False


def test_two_query_parameters_rejected(live_server, http):
    r = http(f"{live_server}/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert r.status == 400 and "exactly one" in r.text


def test_bad_graph_iri_is_400(live_server, http):
    r = get(http, live_server, COUNT_TARGETS, **{"default-graph-uri": "not an iri"})
    assert r.status == 400


# --- no query: service description / HTML page ------------------------------------------------------------------
@pytest.mark.parametrize("accept,parser", [("text/turtle", "turtle"), ("application/rdf+xml", "xml"),
                                           ("application/ld+json", "json-ld"), ("application/n-triples", "nt"),
                                           (None, "turtle")])
def test_service_description(live_server, http, accept, parser):
    r = http(f"{live_server}/sparql", headers={"Accept": accept} if accept else {})
    assert r.status == 200 and "Accept" in r.headers["vary"]
    g = Graph().parse(data=r.body, format=parser)
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = URIRef(f"{live_server}/sparql")
    assert (endpoint, URIRef(sd + "endpoint"), endpoint) in g
    assert (endpoint, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in g
    assert (endpoint, URIRef(sd + "feature"), URIRef(sd + "UnionDefaultGraph")) in g
    formats = set(g.objects(endpoint, URIRef(sd + "resultFormat")))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats and len(formats) == 8
    assert URIRef(GBF_GRAPH) in set(g.objects(None, URIRef(sd + "name")))


def test_html_query_page(live_server, http):
    r = http(f"{live_server}/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status == 200 and r.media_type == "text/html"
    assert "<textarea" in r.text and "<form" in r.text
    assert "example=projects-per-gbf-target" in r.text  # named queries are offered as examples
    r = http(f"{live_server}/sparql?example=projects-per-gbf-target", headers={"Accept": "text/html"})
    assert "GBFTarget" in r.text or "gbf" in r.text
    r = http(f"{live_server}/sparql?" + urllib.parse.urlencode({"query": TARGETS, "format": "html"}),
             headers={"Accept": "text/html", "Accept-Language": "en"})
    assert r.status == 200 and r.media_type == "text/html" and "23 result" in r.text
    assert 'href="/vocab/gbf/target-01"' in r.text  # canonical URIs link to this server


def test_html_results_escape_hostile_literals(live_server, http):
    r = get(http, live_server, 'SELECT ?x WHERE { BIND("<script>alert(1)</script>" AS ?x) }', format="html")
    assert "<script>alert" not in r.text and "&lt;script&gt;" in r.text


# --- CORS and security headers ---------------------------------------------------------------------------------
def test_cors_simple_and_preflight(live_server, http):
    r = get(http, live_server, COUNT_TARGETS)
    r = http(f"{live_server}/sparql?query={urllib.parse.quote(COUNT_TARGETS)}", headers={"Origin": "https://cbd.example.org"})
    assert r.headers["access-control-allow-origin"] == "*"
    r = http(f"{live_server}/sparql", "OPTIONS", {
        "Origin": "https://cbd.example.org",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type",
    })
    assert r.status in (200, 204)
    assert r.headers["access-control-allow-origin"] == "*"
    assert "POST" in r.headers["access-control-allow-methods"]
    assert "content-type" in r.headers["access-control-allow-headers"].lower()


def test_security_headers(live_server, http):
    r = http(f"{live_server}/")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "default-src" in r.headers["content-security-policy"]
    assert r.headers["referrer-policy"]


# --- limits: timeout, result size, request size (a second server with tiny limits) ------------------------------------
@pytest.fixture(scope="module")
def limited_server(start_live_server):
    return start_live_server({"TSC_QUERY_TIMEOUT": "1.5", "TSC_MAX_RESULT_BYTES": "20000",
                              "TSC_MAX_REQUEST_BYTES": "40000", "TSC_QUERY_WORKERS": "2"})


def test_runaway_query_is_stopped_then_service_recovers(limited_server, http):
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    started = time.monotonic()
    r = get(http, limited_server, runaway)
    elapsed = time.monotonic() - started
    assert r.status == 503
    assert "query stopped after its time limit of 1.5 s" in r.text
    assert elapsed < 15
    for _ in range(3):  # normal queries right after are fast (beside the runaway, in the same conditions) and correct
        started = time.monotonic()
        r = get(http, limited_server, COUNT_TARGETS, accept="text/csv")
        assert r.status == 200 and r.text.split() == ["n", "23"]
        assert time.monotonic() - started < elapsed / 2, (time.monotonic() - started, elapsed)


def test_result_limit(limited_server, http):
    r = get(http, limited_server, "SELECT * WHERE { ?s ?p ?o }", accept="application/sparql-results+json")
    assert r.status == 507
    assert "larger than the limit of 20000 bytes" in r.text
    r = get(http, limited_server, "SELECT * WHERE { ?s ?p ?o } LIMIT 5")
    assert r.status == 200


def test_request_too_large(limited_server, http):
    padding = "#" + "x" * 50000 + "\n"
    r = http(f"{limited_server}/sparql", "POST", {"Content-Type": "application/sparql-query"}, padding + COUNT_TARGETS)
    assert r.status == 413 and "40000 bytes" in r.text
    r = http(f"{limited_server}/sparql", "POST", {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
             urllib.parse.urlencode({"query": padding + COUNT_TARGETS}))
    assert r.status == 413


def test_overloaded_503_with_retry_after(start_live_server, http):
    import threading

    base = start_live_server({"TSC_QUERY_WORKERS": "1", "TSC_QUEUE_TIMEOUT": "0.3", "TSC_QUERY_TIMEOUT": "3"})
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    busy = threading.Thread(target=get, args=(http, base, runaway))
    busy.start()
    try:
        deadline = time.monotonic() + 30  # until the only public worker is evaluating the runaway query (/metrics)
        while 'tsc_query_workers_idle{lane="public"} 0\n' not in http(f"{base}/metrics").text:
            assert time.monotonic() < deadline and busy.is_alive(), "the runaway query never took the worker"
            time.sleep(0.01)
        r = get(http, base, COUNT_TARGETS)
        assert r.status == 503 and r.headers["retry-after"] == "5" and "busy" in r.text
    finally:
        busy.join(timeout=30)
    assert get(http, base, COUNT_TARGETS, accept="text/csv").text.split() == ["n", "23"]


def test_head_request(live_server, http):
    r = http(f"{live_server}/sparql?query={urllib.parse.quote(COUNT_TARGETS)}", "HEAD")
    assert r.status == 200 and r.body == b""
