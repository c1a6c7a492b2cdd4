"""The embedded store: transactional loads, named graphs, union default graph, export, crash recovery, timeouts."""
from __future__ import annotations

import io
import subprocess
import sys
import threading
import time

import pytest
from rdflib import Graph, URIRef

from tsc_graph.errors import (
    BadInput,
    LoadError,
    QuerySyntaxError,
    QueryTimeout,
    ResultTooLarge,
    StoreLocked,
    UpdateNotAllowed,
)
from tsc_graph.store import GraphNamer, Source, open_store

BASE = "https://fr.chm-cbd.net/tsc/"
NAMER = GraphNamer(BASE)
GOOD = b"@prefix ex: <http://example.org/> .\nex:a ex:p ex:b , ex:c .\n"
BROKEN = b'@prefix ex: <http://example.org/> .\nex:a ex:p ex:b .\nex:a ex:p "unterminated .\n'


@pytest.fixture(params=["memory", "disk"])
def store(request, tmp_path):
    s = open_store("memory:" if request.param == "memory" else f"oxigraph:{tmp_path / 's'}")
    yield s
    s.close()


def test_each_file_goes_to_its_own_named_graph(store):
    report = store.load([Source("one.ttl", GOOD), Source("dir/two.ttl", b"<http://x/s> <http://x/p> 1 .")], graph_for=NAMER)
    assert report.graphs == {BASE + "graph/one": 2, BASE + "graph/two": 1}
    assert store.graphs() == [BASE + "graph/one", BASE + "graph/two"]
    assert store.count() == 3


def test_reloading_a_file_replaces_its_graph(store):
    store.load([Source("one.ttl", GOOD)], graph_for=NAMER)
    store.load([Source("one.ttl", b"<http://x/s> <http://x/p> 1 .")], graph_for=NAMER)
    assert store.count(BASE + "graph/one") == 1
    assert store.count() == 1


def test_malformed_file_leaves_store_unchanged_and_names_file_and_line(store):
    store.load([Source("one.ttl", GOOD)], graph_for=NAMER)
    before = store.content_hash()
    with pytest.raises(LoadError) as err:
        store.load([Source("one.ttl", b"<http://x/s> <http://x/p> 2 ."), Source("bad.ttl", BROKEN)], graph_for=NAMER)
    assert err.value.source == "bad.ttl"
    assert err.value.line == 3
    assert str(err.value).startswith("bad.ttl:3")
    assert store.content_hash() == before
    assert store.graphs() == [BASE + "graph/one"]  # no staging graph is visible


def test_unknown_format_is_refused_before_writing(store):
    with pytest.raises(BadInput, match="unknown RDF format"):
        store.load([Source("notes.txt", b"hello")], graph_for=NAMER)
    assert store.count() == 0


def test_fixed_graph_collects_all_files(store):
    store.load([Source("a.ttl", GOOD), Source("b.nt", b"<http://x/s> <http://x/p> <http://x/o> .\n")],
               graph_for=GraphNamer(BASE, fixed="http://example.org/g"))
    assert store.graphs() == ["http://example.org/g"]
    assert store.count("http://example.org/g") == 3


def test_default_graph_is_union_unless_default_graph_uri_given(store):
    store.load([Source("a.ttl", GOOD), Source("b.ttl", b"<http://x/s> <http://x/p> <http://x/o> .")], graph_for=NAMER)
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert int(store.query(q).bindings[0]["n"]) == 3
    assert int(store.query(q, default_graph_uris=[BASE + "graph/b"]).bindings[0]["n"]) == 1
    named = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named_graph_uris=[BASE + "graph/a"])
    assert named.column("g") == [URIRef(BASE + "graph/a")]


def test_query_forms_and_serialisation(store):
    store.load([Source("a.ttl", GOOD)], graph_for=NAMER)
    assert store.query("ASK { ?s ?p ?o }").boolean is True
    construct = store.query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert len(construct.graph) == 2
    for fmt in ("json", "xml", "csv", "tsv"):
        res = store.query_serialized("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o", results_format=fmt)
        assert res.kind == "SELECT" and res.format == fmt and b"http://example.org/b" in res.body
    for fmt, rdflib_name in (("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld"), ("rdfxml", "xml")):
        res = store.query_serialized("CONSTRUCT WHERE { ?s ?p ?o }", graph_format=fmt)
        assert res.kind == "CONSTRUCT"
        assert len(Graph().parse(data=res.body, format=rdflib_name)) == 2


def test_syntax_error_and_update_refused(store):
    with pytest.raises(QuerySyntaxError, match="syntax error"):
        store.query("SELEC * WHERE { ?s ?p ?o }")
    with pytest.raises(UpdateNotAllowed):
        store.query_serialized("PREFIX ex: <http://example.org/>\nINSERT DATA { ex:a ex:p ex:z }")
    assert store.count() == 0


def test_result_size_limit(store):
    store.load([Source("a.ttl", GOOD)], graph_for=NAMER)
    with pytest.raises(ResultTooLarge, match="larger than the limit of 50 bytes"):
        store.query_serialized("SELECT * WHERE { ?s ?p ?o }", max_bytes=50)


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml"])
def test_export_round_trips(store, fmt):
    store.load([Source("a.ttl", GOOD)], graph_for=NAMER)
    buf = io.BytesIO()
    store.export(buf, fmt)
    other = open_store("memory:")
    if fmt in ("nquads", "trig"):
        other.update(f"INSERT DATA {{ {buf.getvalue().decode()} }}" if False else "CLEAR ALL")
        from pyoxigraph import RdfFormat, parse

        quads = list(parse(buf.getvalue(), {"nquads": RdfFormat.N_QUADS, "trig": RdfFormat.TRIG}[fmt]))
        assert {q.graph_name.value for q in quads} == {BASE + "graph/a"}
        assert len(quads) == 2
    else:
        ext = {"turtle": "ttl", "ntriples": "nt", "jsonld": "jsonld", "rdfxml": "rdf"}[fmt]
        other.load([Source(f"x.{ext}", buf.getvalue())], graph_for=NAMER)
        assert other.count() == 2


def test_update_is_transactional(store):
    store.load([Source("a.ttl", GOOD)], graph_for=NAMER)
    before = store.content_hash()
    with pytest.raises(QuerySyntaxError):
        store.update("INSERT DATA { GRAPH <http://g> { <http://x/a> <http://x/b> <http://x/c> } } ; DELETE NONSENSE")
    assert store.content_hash() == before


def test_second_process_gets_a_clear_lock_error(tmp_path):
    path = tmp_path / "locked"
    holder = open_store(f"oxigraph:{path}")
    try:
        with pytest.raises(StoreLocked, match="open in another process"):
            open_store(f"oxigraph:{path}")
    finally:
        holder.close()


def test_interrupted_load_is_rolled_back_on_reopen(tmp_path):
    """A load killed mid-way (kill -9) leaves only a staging graph, which the next open drops."""
    path = tmp_path / "crash"
    store = open_store(f"oxigraph:{path}")
    store.load([Source("a.ttl", GOOD)], graph_for=NAMER)
    before = store.content_hash()
    store.close()
    del store
    big = tmp_path / "big.nt"
    with open(big, "w") as f:
        for i in range(400_000):
            f.write(f"<http://example.org/s{i}> <http://example.org/p> \"{i}\" .\n")
    code = (  # says "reading" when the bulk loader first reads the file (through the progress bar's reader)
        "import sys; from tsc_graph.store import open_store, Source, GraphNamer\n"
        "from tsc_graph.store import progress\n"
        "first_read = progress.ProgressReader.readinto\n"
        "def readinto(self, b):\n"
        "    progress.ProgressReader.readinto = first_read\n"
        "    print('reading', flush=True)\n"
        "    return first_read(self, b)\n"
        "progress.ProgressReader.readinto = readinto\n"
        f"s = open_store('oxigraph:{path}')\n"
        "print('ready', flush=True)\n"
        f"s.load([Source('{big}')], graph_for=GraphNamer('{BASE}', fixed='{BASE}graph/a'), progress=True)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    assert proc.stdout.readline().strip() == "reading"  # inside bulk_load: not a guess of how long it takes to start
    proc.kill()
    proc.wait(timeout=30)
    reopened = open_store(f"oxigraph:{path}")
    try:
        assert reopened.graphs() == [BASE + "graph/a"]
        assert reopened.content_hash() == before
    finally:
        reopened.close()


def pool_store(path, triples: int, **options):
    """An on-disk store with query workers, holding ``triples`` triples ``<http://x/i> <http://x/p> "i"``."""
    store = open_store(f"oxigraph:{path}", **options)
    data = "".join(f"<http://x/{i}> <http://x/p> \"{i}\" .\n" for i in range(triples)).encode()
    store.load([Source("big.nt", data)], graph_for=NAMER)
    return store


def test_worker_pool_timeout_really_stops_the_query(tmp_path):
    store = pool_store(tmp_path / "p", 2000, query_workers=1)
    try:
        start = time.monotonic()
        with pytest.raises(QueryTimeout, match="time limit of 1 s"):
            store.query_serialized("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=1)
        assert time.monotonic() - start < 5
        # The single worker was replaced: the next query is answered, and sees the loaded data.
        res = store.query_serialized("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", results_format="csv", timeout=10)
        assert res.body.split() == [b"n", b"2000"]
    finally:
        store.close()


@pytest.mark.parametrize("replica", ["memory", "disk", "auto"])
def test_worker_pool_sees_each_committed_write(tmp_path, replica):
    store = open_store(f"oxigraph:{tmp_path / 'w'}", query_workers=2, query_replica=replica)
    try:
        ask = "ASK { <http://example.org/a> ?p ?o }"
        assert store.query_serialized(ask, timeout=10).body.endswith(b"false}")
        store.load([Source("a.ttl", GOOD)], graph_for=NAMER)
        assert store.query_serialized(ask, timeout=10).body.endswith(b"true}")
        store.drop_graph(BASE + "graph/a")
        assert store.query_serialized(ask, timeout=10).body.endswith(b"false}")
    finally:
        store.close()


@pytest.mark.parametrize("replica", ["memory", "disk"])
def test_appended_triples_reach_the_worker_pool(tmp_path, replica):
    """Store.append (the moderation log after each decision): one transaction, which the workers see; the
    in-memory replica adds the same triples instead of copying the graph again."""
    store = open_store(f"oxigraph:{tmp_path / 'w'}", query_workers=1, query_replica=replica)
    graph = BASE + "graph/log"
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <%s> { ?s ?p ?o } }" % graph
    try:
        for n in (1, 2):
            store.append(graph, b'<http://example.org/e%d> <http://example.org/p> "%d" .\n' % (n, n))
            assert store.query_serialized(count, results_format="csv", timeout=10).body.split() == [b"n", b"%d" % n]
        assert store.count(graph) == 2 and store.has_graph(graph) and not store.has_graph(BASE + "graph/none")
        with pytest.raises(LoadError):
            store.append(graph, b"<http://example.org/e3> <http://example.org/p> .\n")
        assert store.count(graph) == 2
    finally:
        store.close()


def test_failure_during_bulk_load_restores_replaced_graphs(store, monkeypatch):
    """An I/O error after the first target was replaced undoes the whole load (checkpoint / saved copy)."""
    store.load([Source("one.ttl", GOOD), Source("two.ttl", b"<http://x/s> <http://x/p> 1 .")], graph_for=NAMER)
    before = store.content_hash()
    calls = []
    real = type(store)._bulk_load_into

    def failing(self, graph, src, bar):
        calls.append(graph)
        if len(calls) == 2:
            raise OSError("disk full (simulated)")
        return real(self, graph, src, bar)

    monkeypatch.setattr(type(store), "_bulk_load_into", failing)
    with pytest.raises(OSError, match="simulated"):
        store.load([Source("one.ttl", b"<http://x/new> <http://x/p> 1 ."), Source("two.ttl", b"<http://x/new> <http://x/p> 2 .")],
                   graph_for=NAMER)
    assert len(calls) == 2
    assert store.content_hash() == before


def test_journal_left_by_a_crash_swaps_the_checkpoint_back(tmp_path):
    """What a kill -9 between the checkpoint and the commit leaves behind is undone at the next open."""
    path = tmp_path / "s"
    store = open_store(f"oxigraph:{path}")
    store.load([Source("one.ttl", GOOD)], graph_for=NAMER)
    before = store.content_hash()
    store._begin_write([BASE + "graph/one"])  # checkpoint + journal, as at the start of a load
    store._store.remove_graph(__import__("pyoxigraph").NamedNode(BASE + "graph/one"))
    store._store.flush()
    assert store.content_hash() != before
    store.close()
    assert (path / "journal.json").exists()
    reopened = open_store(f"oxigraph:{path}")
    try:
        assert reopened.content_hash() == before
        assert not (path / "journal.json").exists() and not (path / "rollback").exists()
    finally:
        reopened.close()


def test_auto_replica_stays_on_disk_above_its_size_limit(tmp_path):
    """Both replica kinds answer the same; ``auto`` picks disk past memory_replica_max_quads."""
    data = "".join(f"<http://x/{i}> <http://x/p> \"{i}\" .\n" for i in range(50)).encode()
    answers = []
    for limit in (10, 1000):
        store = open_store(f"oxigraph:{tmp_path / str(limit)}", query_workers=1, memory_replica_max_quads=limit)
        try:
            store.load([Source("d.nt", data)], graph_for=NAMER)
            answers.append(store.query_serialized("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", results_format="csv",
                                                  timeout=10).body)
        finally:
            store.close()
    assert answers[0] == answers[1] == b"n\r\n50\r\n"


def test_a_query_past_its_memory_budget_is_stopped_and_its_worker_replaced(tmp_path):
    """Issue #11 item 2: a cross product sorted in full grew a worker by ~400 MB/s until its deadline."""
    from tsc_graph.errors import QueryMemoryExceeded

    store = pool_store(tmp_path / "m", 3000, query_workers=1, query_memory_mb=150)
    try:
        start = time.monotonic()
        with pytest.raises(QueryMemoryExceeded, match="150 MB"):
            store.query_serialized("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1", timeout=60)
        assert time.monotonic() - start < 20
        res = store.query_serialized("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", results_format="csv", timeout=10)
        assert res.body.split() == [b"n", b"3000"]
    finally:
        store.close()


def test_site_lane_answers_while_public_workers_are_busy(tmp_path):
    """Issue #11 item 7: public queries filling the public workers must not make the site's queries wait."""
    from tsc_graph.errors import Overloaded

    store = pool_store(tmp_path / "l", 2000, query_workers=1, site_query_workers=1, query_queue=0, queue_timeout=3)
    try:
        runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        errors, done = [], threading.Event()

        def busy_public():
            try:
                errors.append(pytest.raises(QueryTimeout, store.query_serialized, runaway, timeout=4, lane="public"))
            finally:
                done.set()

        busy = threading.Thread(target=busy_public)
        busy.start()
        deadline = time.monotonic() + 30  # until the runaway holds the public worker (not a guess of how long)
        while store.pool_figures()["idle"]["public"] and time.monotonic() < deadline:
            time.sleep(0.01)
        assert store.pool_figures()["idle"]["public"] == 0
        # no queue: refused at admission ("already waiting", not the queue's "busy" after queue_timeout), while the
        # runaway still runs: no thread held
        with pytest.raises(Overloaded, match="already waiting"):
            store.query_serialized("ASK { ?s ?p ?o }", timeout=10, lane="public")
        assert not done.is_set()
        assert store.query_serialized("ASK { ?s ?p ?o }", timeout=10, lane="site").body.endswith(b"true}")
        assert not done.is_set()  # the site's query was answered before the public worker came free
        busy.join()
        assert errors
    finally:
        store.close()


def test_pool_serves_and_counts_right_after_a_replacement_worker_fails_to_start(tmp_path, monkeypatch):
    """A runaway query's worker is killed; if its replacement cannot start, the dead worker must not go back to
    the idle queue (the next query would get it) nor be counted off its replica process twice."""
    from tsc_graph.errors import TscGraphError
    from tsc_graph.store import pool as pool_module

    store = pool_store(tmp_path / "f", 2000, query_workers=1)
    try:
        pool = store._pool
        real_fork = pool_module._Zygote.fork
        failures = iter([TscGraphError("the replica process did not answer 'fork' within 60 s")])

        def fork_failing_once(zygote, lane):
            for e in failures:
                raise e
            return real_fork(zygote, lane)

        monkeypatch.setattr(pool_module._Zygote, "fork", fork_failing_once)
        with pytest.raises(TscGraphError):
            store.query_serialized("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=1)
        assert all(w in pool._all for w in list(pool._idle["public"].queue))  # no dead worker to lend
        for _ in range(3):
            res = store.query_serialized("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", results_format="csv", timeout=10)
            assert res.body.split() == [b"n", b"2000"]
        assert pool.size == 1 and pool._zygote.workers == 1
    finally:
        store.close()
