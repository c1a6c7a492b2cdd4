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
