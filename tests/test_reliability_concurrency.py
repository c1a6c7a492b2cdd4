"""Issue #11 over real HTTP: what many clients at once, or at the wrong moment, must not break."""
from __future__ import annotations

import threading

from httpforms import submit_project


def test_concurrent_first_submissions_at_a_fresh_server(start_live_server):
    """rdflib's SPARQL parser (used by pyshacl) is not thread-safe on first use: two submissions at once on a
    fresh server made that one and every later submission fail with 500."""
    url = start_live_server()
    results: list[tuple[int, str]] = []
    barrier = threading.Barrier(6)

    def one(n: int) -> None:
        barrier.wait()
        results.append(submit_project(url, title=f"Concurrent project {n}"))

    threads = [threading.Thread(target=one, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(status for status, _ in results) == [202] * 6, [body[-500:] for s, body in results if s != 202]
    assert submit_project(url, title="A later one")[0] == 202


# --- addresses: configuration, never request headers (items 9 and 11) ---------------------------------------------
EVIL = {"Host": "evil.example", "X-Forwarded-Host": "evil2.example", "X-Forwarded-Proto": "https"}
GENERATING = [("/.well-known/void", "text/turtle"), ("/sparql", "text/turtle"), ("/", "text/html"),
              ("/sparql", "text/html"), ("/projects/submit", "text/html")]


def test_host_header_never_reaches_generated_urls(live_server, http):
    """Issue #11: 'Host: evil.example' was copied 18 times into VoID and the Service Description."""
    for path, accept in GENERATING:
        r = http(f"{live_server}{path}", headers=dict(EVIL, Accept=accept))
        assert r.status == 200, path
        assert b"evil" not in r.body, path
        if accept == "text/turtle":
            assert f"{live_server}/sparql".encode() in r.body  # the address the server binds (local use)


def test_public_url_is_configuration(start_live_server, http):
    url = start_live_server(env={"TSC_PUBLIC_URL": "https://node.example/tsc/"})
    r = http(f"{url}/.well-known/void", headers=dict(EVIL, Accept="text/turtle"))
    assert r.status == 200 and b"evil" not in r.body and url.encode() not in r.body
    assert b"<https://node.example/tsc/sparql>" in r.body and b"<https://node.example/tsc/dumps/tsc-graph.ttl>" in r.body
    # links and redirects carry the public path prefix; a proxy that keeps the prefix is understood as well
    home = http(f"{url}/", headers=dict(EVIL, Accept="text/html")).text
    assert 'href="/tsc/sparql"' in home and "evil" not in home
    r = http(f"{url}/tsc/id/actor/ofb", headers={"Accept": "text/turtle"})
    assert r.status == 303 and r.headers["location"].endswith("/tsc/id/actor/ofb.ttl")
