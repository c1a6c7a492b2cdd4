"""Issue #7 over real HTTP: timeouts that stop the work, overload → 503 + Retry-After, size limits,
refused writes on public routes, security headers and escaping of hostile labels."""
from __future__ import annotations

import threading
import time
import urllib.parse

import pytest

TOKEN = "limits-token"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
JSON = {"Accept": "application/sparql-results+json"}
HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>']


@pytest.fixture(scope="module")
def server(start_live_server):
    return start_live_server(env={
        "TSC_QUERY_TIMEOUT": "1", "TSC_QUERY_WORKERS": "1", "TSC_QUEUE_TIMEOUT": "0.5",
        "TSC_MAX_RESULT_BYTES": "300000", "TSC_MAX_REQUEST_BYTES": "100000", "TSC_ADMIN_TOKEN": TOKEN,
    })


def q(server, http, query: str, headers=None):
    return http(f"{server}/sparql?query={urllib.parse.quote(query)}", headers=headers or JSON, timeout=30)


def test_runaway_query_is_stopped_and_the_next_query_is_fast(server, http):
    t0 = time.monotonic()
    r = q(server, http, RUNAWAY)
    elapsed = time.monotonic() - t0
    assert r.status == 503 and b"time limit" in r.body
    assert elapsed < 1 + 3
    t0 = time.monotonic()
    r = q(server, http, "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?t }")
    assert r.status == 200  # within the queue's 0.5 s: the killed worker was replaced before the 503
    # no leftover work: the next query costs a fraction of the runaway's time limit, measured in the same
    # conditions (the runaway's own answer), not an absolute budget that a loaded machine misses
    assert time.monotonic() - t0 < elapsed / 2, (time.monotonic() - t0, elapsed)


def test_overload_gives_503_with_retry_after_and_nothing_hangs(server, http):
    results: list = []

    def one():
        t0 = time.monotonic()
        r = q(server, http, RUNAWAY)
        results.append((r.status, r.headers.get("retry-after"), time.monotonic() - t0))

    threads = [threading.Thread(target=one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(results) == 4
    assert all(status == 503 for status, _, _ in results)
    assert any(retry for _, retry, _ in results), results  # some were refused at the queue: overloaded
    assert all(elapsed < 1 + 0.5 + 6 for _, _, elapsed in results), results
    t0 = time.monotonic()
    assert q(server, http, "ASK { ?s ?p ?o }").status == 200
    ran = max(elapsed for _, _, elapsed in results)  # a runaway that got the worker: its 1 s limit and the kill
    assert time.monotonic() - t0 < ran / 2, (time.monotonic() - t0, results)  # nothing left running


def test_result_and_request_size_limits(server, http):
    r = q(server, http, "SELECT * WHERE { ?s ?p ?o }")
    assert r.status == 507 and b"limit of 300000 bytes" in r.body
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 150000
    r = http(f"{server}/sparql", method="POST", headers={"Content-Type": "application/sparql-query"}, body=big)
    assert r.status == 413
    r = http(f"{server}/admin/graphs?graph=http://example.org/g", method="PUT",
             headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"}, body=b"#" * 150000)
    assert r.status == 413


@pytest.mark.parametrize("request_args", [
    {"path": "/sparql?update=" + urllib.parse.quote("INSERT DATA { <http://a> <http://b> <http://c> }")},
    {"path": "/sparql?query=" + urllib.parse.quote("INSERT DATA { <http://a> <http://b> <http://c> }")},
    {"path": "/sparql?query=" + urllib.parse.quote("LOAD <http://example.org/x.ttl>")},
    {"path": "/sparql?query=" + urllib.parse.quote("DROP ALL")},
    {"path": "/sparql", "method": "POST", "headers": {"Content-Type": "application/sparql-update"},
     "body": "CLEAR ALL"},
    {"path": "/sparql", "method": "POST", "headers": {"Content-Type": "application/x-www-form-urlencoded"},
     "body": "update=" + urllib.parse.quote("DELETE WHERE { ?s ?p ?o }")},
])
def test_writes_are_refused_on_public_routes(server, http, request_args):
    before = q(server, http, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").body
    args = dict(request_args)
    r = http(server + args.pop("path"), **args)
    assert r.status == 400, r.body
    assert q(server, http, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").body == before


def test_write_routes_need_authentication(server, http):
    for method, path in [("PUT", "/admin/graphs?graph=http://example.org/g"), ("DELETE", "/admin/graphs?graph=http://example.org/g"),
                         ("POST", "/admin/submissions/x/approve"), ("GET", "/admin/submissions")]:
        r = http(server + path, method=method, headers={"Content-Type": "text/turtle"}, body=b"<http://a> <http://b> 1 .")
        assert r.status == 401, path
    for method in ("PUT", "POST", "DELETE", "PATCH"):
        r = http(server + "/id/actor/mnhn", method=method, body=b"x")
        assert r.status in (404, 405), method


def test_deeply_nested_query_is_a_clear_400_and_the_pool_recovers(server, http):
    t0 = time.monotonic()
    assert q(server, http, RUNAWAY).status == 503  # the baseline: what a query stopped at its limit costs here
    stopped = time.monotonic() - t0
    for query in ["SELECT * WHERE " + "{" * 10000 + "}" * 10000,
                  "SELECT * WHERE { ?s ?p ?o " + " OPTIONAL { ?s ?p ?o }" * 3000 + "}"]:
        r = http(f"{server}/sparql", method="POST", headers={"Content-Type": "application/sparql-query"}, body=query)
        # nesting: refused by the guard before parsing; 3,000 OPTIONALs: crashes the engine (400 "too
        # complex") or runs past the time limit (503), depending on the data; never a 500 or a hang
        assert r.status in (400, 503) and (b"too complex" in r.body or b"time limit" in r.body), r.body
        assert b"Traceback" not in r.body
    t0 = time.monotonic()
    assert q(server, http, "ASK { ?s ?p ?o }").status == 200  # a worker within the queue's 0.5 s: recovered
    assert time.monotonic() - t0 < stopped, (time.monotonic() - t0, stopped)  # and not stuck behind the crash


SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options")


@pytest.mark.parametrize("path,headers", [
    ("/", {"Accept": "text/html"}), ("/sparql", {"Accept": "text/html"}), ("/sparql?query=ASK%7B%7D", JSON),
    ("/id/actor/mnhn", {"Accept": "text/turtle"}), ("/id/actor/mnhn.html", {}), ("/nope", {}),
    ("/projects/submit", {}), ("/admin/submissions", {}), ("/sparql?query=%7B", JSON),
])
def test_security_headers_on_every_response(server, http, path, headers):
    r = http(server + path, headers=headers)
    for h in SECURITY_HEADERS:
        assert h in r.headers, (path, h)
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    script_src = [d for d in r.headers["content-security-policy"].split(";") if d.strip().startswith("script-src")]
    assert not script_src or "'unsafe-inline'" not in script_src[0]  # never inline scripts (portal: our files only)
    assert r.headers["x-content-type-options"] == "nosniff"


def test_hostile_labels_are_escaped_on_html_pages(server, http):
    ttl = ("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
           "<https://fr.chm-cbd.net/tsc/id/actor/hostile> a <https://w3id.org/tsc-graph/ontology#Actor> ;\n"
           f"  rdfs:label {_ttl_string(HOSTILE[0])}@en , {_ttl_string(HOSTILE[1])}@fr ;\n"
           f"  <http://purl.org/dc/terms/description> {_ttl_string(HOSTILE[1] + HOSTILE[0])} .\n"
           "<https://fr.chm-cbd.net/tsc/id/project/chm-france> <http://www.w3.org/2000/01/rdf-schema#seeAlso> "
           "<https://fr.chm-cbd.net/tsc/id/actor/hostile> .\n")
    r = http(f"{server}/admin/graphs?graph=http://example.org/hostile", method="PUT",
             headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"}, body=ttl)
    assert r.status in (200, 201), r.body
    pages = [
        http(f"{server}/id/actor/hostile.html", headers={"Accept-Language": "en"}),
        http(f"{server}/id/actor/hostile.html", headers={"Accept-Language": "fr"}),
        http(f"{server}/id/project/chm-france.html", headers={"Accept-Language": "en"}),
        http(f"{server}/actors?q=onerror", headers={"Accept": "text/html"}),  # the listing, found by search
        http(f"{server}/sparql?format=html&query=" + urllib.parse.quote(
            "SELECT ?l WHERE { <https://fr.chm-cbd.net/tsc/id/actor/hostile> ?p ?l }"), headers={"Accept": "text/html"}),
    ]
    for page in pages:
        assert page.status == 200
        html = page.text
        for raw in HOSTILE:
            assert raw not in html
        assert "&lt;script&gt;" in html or "&#34;&gt;&lt;img" in html or "&quot;&gt;&lt;img" in html
    r = http(f"{server}/admin/graphs?graph=http://example.org/hostile", method="DELETE",
             headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status == 204


def _ttl_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
