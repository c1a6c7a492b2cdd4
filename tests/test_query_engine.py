"""The threaded query engine (store/engine_pool.py): a query past its limits gets the engine killed, and the
other queries that were in flight on it are still answered (run again), counted in the pool's figures."""
from __future__ import annotations

import threading
import time

import pytest

from tsc_graph.errors import QueryMemoryExceeded, QueryTimeout
from tsc_graph.store import GraphNamer, Source, open_store

NAMER = GraphNamer("http://example.org/")
#: Over 250 triples: 15.6 million rows to count (seconds), memory-light; the runaway's rows never end.
INNOCENT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
MEMORY_BOMB = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1"


def engine_store(path, triples: int = 250, **options):
    store = open_store(f"oxigraph:{path}", query_engine="threads", **options)
    data = "".join(f"<http://x/{i}> <http://x/p> \"{i}\" .\n" for i in range(triples)).encode()
    store.load([Source("d.nt", data)], graph_for=NAMER)
    return store


def innocent_in_flight(store) -> tuple[threading.Thread, list]:
    """Start the innocent query on a thread; return once it holds a public slot."""
    answers: list = []
    thread = threading.Thread(target=lambda: answers.append(
        store.query_serialized(INNOCENT, results_format="csv", timeout=120).body))
    thread.start()
    deadline = time.monotonic() + 30
    while store.pool_figures()["idle"]["public"] == 2 and time.monotonic() < deadline:
        time.sleep(0.005)
    return thread, answers


def test_the_innocent_query_beside_a_runaway_is_answered_and_counted(tmp_path):
    store = engine_store(tmp_path / "t", query_workers=2)
    try:
        assert store.pool_figures()["innocent_reruns"] == 0
        thread, answers = innocent_in_flight(store)
        with pytest.raises(QueryTimeout, match="time limit of 0.5 s"):
            store.query_serialized(RUNAWAY, timeout=0.5)
        thread.join()
        assert answers == [b"n\r\n15625000\r\n"]
        figures = store.pool_figures()
        assert figures["innocent_reruns"] == 1 and figures["engines"] == 1
        deadline = time.monotonic() + 30  # the fresh engine copies its pages beside its first queries
        while "prefault_bytes" not in figures and time.monotonic() < deadline:
            time.sleep(0.02)
            figures = store.pool_figures()
        assert figures["replica"] != "memory" or figures["prefault_bytes"] > 0
    finally:
        store.close()


@pytest.mark.slow  # a memory bomb beside a query of seconds; `make test-fast` skips it
def test_a_memory_bomb_gets_507_and_the_innocent_query_its_answer(tmp_path):
    """The engine's cap (one query's budget for all its threads) stops the bomb without saying whose allocation
    failed: each query in flight runs again alone, the bomb fails there, the innocent one is answered."""
    store = engine_store(tmp_path / "m", query_workers=2, query_memory_mb=150)
    try:
        thread, answers = innocent_in_flight(store)
        with pytest.raises(QueryMemoryExceeded, match="150 MB"):
            store.query_serialized(MEMORY_BOMB, timeout=60)
        thread.join()
        assert answers == [b"n\r\n15625000\r\n"]
        assert store.pool_figures()["innocent_reruns"] == 1
        res = store.query_serialized("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", results_format="csv", timeout=10)
        assert res.body.split() == [b"n", b"250"]
    finally:
        store.close()


def test_the_worker_pool_stays_selectable(tmp_path):
    store = open_store(f"oxigraph:{tmp_path / 'w'}", query_workers=1, query_engine="workers")
    try:
        assert "engine" not in store.pool_figures()
        assert store.query_serialized("ASK { ?s ?p ?o }", timeout=10).body.endswith(b"false}")
    finally:
        store.close()
