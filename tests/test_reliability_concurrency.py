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


def test_trusted_proxy_gives_each_client_its_own_quota_under_tsc_graph_serve(start_live_server):
    """Issue #11 item 9: waitress cleared X-Forwarded-* first, so behind a proxy every client shared one bucket."""
    env = {"TSC_PROXY_FIX": "1", "TSC_TRUSTED_PROXY": "127.0.0.1", "TSC_SUBMIT_RATE_LIMIT": "1 per hour"}
    url = start_live_server(env=env)
    first, second = {"X-Forwarded-For": "203.0.113.1"}, {"X-Forwarded-For": "198.51.100.2"}
    assert submit_project(url, headers=first)[0] == 202
    assert submit_project(url, headers=first)[0] == 429
    assert submit_project(url, headers=second)[0] == 202  # another client behind the same proxy


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(start_live_server):
    env = {"TSC_PROXY_FIX": "1", "TSC_TRUSTED_PROXY": "192.0.2.99", "TSC_SUBMIT_RATE_LIMIT": "1 per hour"}
    url = start_live_server(env=env)
    assert submit_project(url, headers={"X-Forwarded-For": "203.0.113.1"})[0] == 202
    assert submit_project(url, headers={"X-Forwarded-For": "198.51.100.2"})[0] == 429  # a forged header buys nothing
