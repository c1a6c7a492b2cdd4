"""One behavioural suite, run against every store backend: embedded Oxigraph (disk and memory) and a real
Virtuoso Open Source (external SPARQL 1.1 store, ``sparql:`` spec, tsc_graph/store/remote.py).

Every test takes the ``store`` fixture (a fresh, empty store of one backend), so a behavioural difference
between backends shows up as a failing test. Where a backend legitimately differs, the test says so
(``pytest.xfail`` with the reason) instead of hiding it. The Virtuoso tests are skipped, with the reason, only
when ``virtuoso-t`` is not installed (tests/virtuoso.py), and never in CI (``CI`` set: they fail), which installs
it (.ci/install-virtuoso, which fails loudly there when it cannot).
"""
from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from checkout import DATA_DIR
from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
from tsc_graph.config import Settings
from tsc_graph.errors import LoadError, QuerySyntaxError, UpdateNotAllowed
from tsc_graph.formats import OXIGRAPH_RDF, OXIGRAPH_RESULTS, RDF_FORMATS, RESULTS_FORMATS
from tsc_graph.store import GraphNamer, Source, expand_sources, open_store
from virtuoso import VirtuosoServer, find_virtuoso

#: Virtuoso is a server to start (tens of seconds): `make test-fast` skips it.
BACKENDS = ["oxigraph-disk", "memory", pytest.param("virtuoso", marks=pytest.mark.slow)]
BASE = "https://fr.chm-cbd.net/tsc/"
NAMER = GraphNamer(BASE)
TSC = "https://w3id.org/tsc-graph/ontology#"
GBF = "https://w3id.org/tsc-graph/vocab/gbf/"
G_GBF = f"{BASE}graph/gbf"
G_TSC = f"{BASE}graph/tsc"
ONTOLOGY = ONTOLOGY_DIR / "tsc.ttl"
GBF_TTL = REFERENCE_DIR / "gbf.ttl"
PREFIXES = f"PREFIX tsc: <{TSC}>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
TARGETS = PREFIXES + "SELECT ?t ?n WHERE { ?t a tsc:GBFTarget ; tsc:targetNumber ?n } ORDER BY ?n"
TARGETS_PER_SECTION = PREFIXES + (
    "SELECT ?s (COUNT(?t) AS ?targets) WHERE { ?s a skos:Collection ; skos:member ?t . ?t a tsc:GBFTarget } "
    "GROUP BY ?s ORDER BY ?s"
)
CONSTRUCT_GOALS = PREFIXES + "CONSTRUCT { ?g a tsc:GBFGoal ; skos:notation ?n } WHERE { ?g a tsc:GBFGoal ; skos:notation ?n }"


def triples_of(path: Path) -> set[ox.Triple]:
    return set(ox.parse(path=str(path)))


N_GBF = len(triples_of(GBF_TTL))
N_TSC = len(triples_of(ONTOLOGY))


# --- fixtures ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def virtuoso_server():
    exe, reason = find_virtuoso()
    if exe is None:
        if os.environ.get("CI"):  # as the browser tests: CI installs it (.ci/install-virtuoso), so missing is a fault
            pytest.fail(f"the Virtuoso backend tests cannot run in CI: {reason}")
        pytest.skip(reason)
    try:
        server = VirtuosoServer.start(exe)
    except Exception as e:  # installed but broken: that is a failure, not a skip
        pytest.fail(f"Virtuoso is installed ({exe}) but did not start: {e}")
    yield server
    server.stop()


def open_backend(name: str, request, tmp_path, monkeypatch):
    if name == "memory":
        return open_store("memory:")
    if name == "oxigraph-disk":
        return open_store(f"oxigraph:{tmp_path / 'store'}")
    server = request.getfixturevalue("virtuoso_server")
    for k, v in server.env.items():
        monkeypatch.setenv(k, v)
    store = open_store(server.spec, **Settings.from_env().store_credentials())  # as the server and the CLI do
    for g in store.sync_registry():  # a fresh, empty dataset for every test
        store.drop_graph(g)
    return store


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path, monkeypatch):
    s = open_backend(request.param, request, tmp_path, monkeypatch)
    s.backend = request.param
    yield s
    s.close()


@pytest.fixture
def loaded(store):
    store.load(expand_sources([ONTOLOGY, GBF_TTL]), graph_for=NAMER)
    return store


def values(result, var):
    return [str(v) for v in result.column(var)]


# --- loading ---------------------------------------------------------------------------------------------------
def test_load_files_into_named_graphs(store):
    assert store.graphs() == [] and store.count() == 0
    report = store.load(expand_sources([ONTOLOGY, GBF_TTL]), graph_for=NAMER)
    assert report.graphs == {G_TSC: N_TSC, G_GBF: N_GBF}
    assert store.graphs() == [G_GBF, G_TSC]
    assert store.count(G_GBF) == N_GBF and store.count(G_TSC) == N_TSC
    assert store.count() == N_GBF + N_TSC


def test_reload_replaces_the_graph(loaded):
    h = loaded.content_hash()
    loaded.load(expand_sources([GBF_TTL]), graph_for=NAMER)  # idempotent
    assert loaded.count(G_GBF) == N_GBF and loaded.content_hash() == h
    smaller = b"@prefix tsc: <%s> .\n<%starget-01> a tsc:GBFTarget ; tsc:targetNumber 1 .\n" % (TSC.encode(), GBF.encode())
    report = loaded.load([Source("gbf.ttl", data=smaller, format="turtle")], graph_for=NAMER)
    assert report.graphs == {G_GBF: 2}
    assert loaded.count(G_GBF) == 2 and loaded.count(G_TSC) == N_TSC
    assert loaded.graphs() == [G_GBF, G_TSC]


def test_several_files_into_one_graph(store):
    report = store.load(expand_sources([ONTOLOGY, GBF_TTL]), graph_for=GraphNamer(BASE, fixed="urn:x:all"))
    assert report.graphs == {"urn:x:all": len(triples_of(ONTOLOGY) | triples_of(GBF_TTL))}
    assert store.graphs() == ["urn:x:all"]


def test_malformed_file_leaves_store_unchanged(loaded, tmp_path):
    before = loaded.content_hash()
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b \"unterminated .\n")
    good = tmp_path / "gbf.ttl"
    good.write_text(f"<{GBF}target-01> <urn:p> 1 .\n")
    with pytest.raises(LoadError) as err:
        loaded.load([Source(str(good)), Source(str(bad))], graph_for=NAMER)
    assert err.value.source == str(bad) and err.value.line == 3
    assert f"{bad}:3" in str(err.value)
    assert loaded.content_hash() == before
    assert loaded.graphs() == [G_GBF, G_TSC] and loaded.count(G_GBF) == N_GBF


def test_unknown_format_is_rejected_before_writing(loaded, tmp_path):
    before = loaded.content_hash()
    f = tmp_path / "x.csv"
    f.write_text("a,b\n")
    with pytest.raises(Exception, match="unknown RDF format"):
        loaded.load([Source(str(f))], graph_for=NAMER)
    assert loaded.content_hash() == before


# --- queries ---------------------------------------------------------------------------------------------------
def test_select_exact_answers(loaded):
    r = loaded.query(TARGETS)
    assert r.kind == "SELECT" and r.variables == ["t", "n"]
    assert values(r, "t") == [f"{GBF}target-{i:02d}" for i in range(1, 24)]
    assert [int(v) for v in r.column("n")] == list(range(1, 24))
    g = loaded.query(TARGETS_PER_SECTION)
    # decision 15/4 groups the targets in three sections: 1-8, 9-13, 14-23
    assert [(str(b["s"]), int(b["targets"])) for b in g.bindings] == [(f"{GBF}section-{k}", n) for k, n in ((1, 8), (2, 5), (3, 10))]
    goals = loaded.query(PREFIXES + "SELECT ?g WHERE { ?g a tsc:GBFGoal } ORDER BY ?g")
    assert values(goals, "g") == [f"{GBF}goal-{x}" for x in "ABCD"]


def test_optional_unbound_and_literals(loaded):
    r = loaded.query(PREFIXES + (
        "SELECT ?t ?label ?missing WHERE { ?t tsc:targetNumber 6 ; skos:prefLabel ?label "
        "FILTER(LANG(?label) = 'fr') OPTIONAL { ?t <urn:none> ?missing } }"
    ))
    assert len(r.bindings) == 1
    row = r.bindings[0]
    assert str(row["t"]) == f"{GBF}target-06" and row["label"].language == "fr" and "missing" not in row


def test_ask(loaded):
    assert loaded.query(PREFIXES + "ASK { ?g a tsc:GBFGoal }").boolean is True
    assert loaded.query(PREFIXES + "ASK { ?g a tsc:NoSuchClass }").boolean is False


def test_construct(loaded):
    r = loaded.query(CONSTRUCT_GOALS)
    assert r.kind == "CONSTRUCT" and len(r.graph) == 8
    assert {str(o) for o in r.graph.objects()} >= {f"GBF-GOAL-{x}" for x in "ABCD"}


def test_union_default_graph_and_dataset_parameters(loaded):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    union = len(triples_of(ONTOLOGY) | triples_of(GBF_TTL))
    assert int(loaded.query(count).bindings[0]["n"]) == union
    assert int(loaded.query(count, default_graph_uris=[G_GBF]).bindings[0]["n"]) == N_GBF
    assert int(loaded.query(count, default_graph_uris=[G_TSC]).bindings[0]["n"]) == N_TSC
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    assert values(loaded.query(graphs), "g") == [G_GBF, G_TSC]
    assert values(loaded.query(graphs, named_graph_uris=[G_TSC]), "g") == [G_TSC]
    # default graph = gbf only, named graphs = tsc only: each part sees its own
    q = PREFIXES + "SELECT (COUNT(?t) AS ?n) ?g WHERE { ?t a tsc:GBFTarget . OPTIONAL { GRAPH ?g { ?t ?p ?o } } } GROUP BY ?g"
    r = loaded.query(q, default_graph_uris=[G_GBF], named_graph_uris=[G_TSC])
    assert [(int(b["n"]), b.get("g")) for b in r.bindings] == [(23, None)]
    assert int(loaded.query(count, default_graph_uris=["urn:x:absent"]).bindings[0]["n"]) == 0


def test_query_syntax_errors(loaded):
    with pytest.raises(QuerySyntaxError):
        loaded.query("SELEC * WHERE { ?s ?p ?o }")
    with pytest.raises(QuerySyntaxError):
        loaded.query_serialized("SELECT * WHERE { ?s ?p ", results_format="json")
    with pytest.raises(UpdateNotAllowed):
        loaded.query("INSERT DATA { GRAPH <urn:x:evil> { <urn:a> <urn:b> <urn:c> } }")
    assert "urn:x:evil" not in loaded.graphs()
    with pytest.raises(QuerySyntaxError):
        loaded.update("INSERT DATTA { <urn:a> <urn:b> <urn:c> }")


def _expected_targets():
    return [(f"{GBF}target-{i:02d}", str(i)) for i in range(1, 24)]


@pytest.mark.parametrize("fmt", sorted(RESULTS_FORMATS))
def test_query_serialized_results_formats(loaded, fmt):
    res = loaded.query_serialized(TARGETS, results_format=fmt)
    assert res.kind == "SELECT" and res.format == fmt
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(res.body.decode())))
        assert rows[0] == ["t", "n"] and [tuple(r) for r in rows[1:]] == _expected_targets()
    else:
        sols = ox.parse_query_results(res.body, format=OXIGRAPH_RESULTS[fmt])
        assert [(s["t"].value, s["n"].value) for s in sols] == _expected_targets()
    for answer in (True, False):
        cls = "GBFGoal" if answer else "Nothing"
        ask = loaded.query_serialized(PREFIXES + f"ASK {{ ?g a tsc:{cls} }}", results_format=fmt)
        assert ask.kind == "ASK"
        if fmt == "csv":
            assert ask.body.decode().strip().lower() == str(answer).lower()
        else:
            assert bool(ox.parse_query_results(ask.body, format=OXIGRAPH_RESULTS[fmt])) is answer


@pytest.mark.parametrize("fmt", sorted(RDF_FORMATS))
def test_query_serialized_graph_formats(loaded, fmt):
    res = loaded.query_serialized(CONSTRUCT_GOALS, graph_format=fmt)
    assert res.kind == "CONSTRUCT" and res.format == fmt
    got = {(t.subject, t.predicate, t.object) for t in ox.parse(res.body, format=OXIGRAPH_RDF[fmt])}
    want = {(q.subject, q.predicate, q.object) for q in _memory_reference().query(CONSTRUCT_GOALS, use_default_graph_as_union=True)}
    assert got == want and len(got) == 8


def test_query_serialized_same_bytes_as_embedded(loaded):
    """The remote backend re-serialises with Oxigraph, so the endpoint's bytes do not depend on the backend."""
    ref = open_store("memory:")
    ref.load(expand_sources([ONTOLOGY, GBF_TTL]), graph_for=NAMER)
    for fmt in RESULTS_FORMATS:
        assert loaded.query_serialized(TARGETS, results_format=fmt).body == ref.query_serialized(TARGETS, results_format=fmt).body


def test_result_size_limit(loaded):
    from tsc_graph.errors import ResultTooLarge

    with pytest.raises(ResultTooLarge):
        loaded.query_serialized("SELECT * WHERE { ?s ?p ?o }", max_bytes=1000)


def test_hard_timeout_stops_a_runaway_query(loaded):
    if not loaded.hard_timeouts:
        pytest.skip(f"{loaded.backend}: hard_timeouts is False here (the embedded store only stops queries in worker processes)")
    from tsc_graph.errors import QueryTimeout

    runaway = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i "
               "FILTER(CONCAT(STR(?c), STR(?f)) != STR(?i)) }")
    with pytest.raises(QueryTimeout):
        loaded.query(runaway, timeout=1)
    assert loaded.query(PREFIXES + "ASK { ?g a tsc:GBFGoal }").boolean is True  # still serving


# --- export, graphs, writes -----------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", sorted(RDF_FORMATS))
def test_export_formats(loaded, fmt):
    buf = io.BytesIO()
    loaded.export(buf, fmt, graph=G_GBF)
    got = list(ox.parse(buf.getvalue(), format=OXIGRAPH_RDF[fmt]))
    assert {(q.subject, q.predicate, q.object) for q in got} == {(t.subject, t.predicate, t.object) for t in triples_of(GBF_TTL)}
    if fmt in ("nquads", "trig"):
        assert {q.graph_name.value for q in got} == {G_GBF}
        whole = io.BytesIO()
        loaded.export(whole, fmt)
        quads = list(ox.parse(whole.getvalue(), format=OXIGRAPH_RDF[fmt]))
        assert len(quads) == N_GBF + N_TSC and {q.graph_name.value for q in quads} == {G_GBF, G_TSC}
    else:
        union = io.BytesIO()
        loaded.export(union, fmt)
        assert len(set(ox.parse(union.getvalue(), format=OXIGRAPH_RDF[fmt]))) == len(triples_of(ONTOLOGY) | triples_of(GBF_TTL))


def test_drop_graph(loaded):
    loaded.drop_graph(G_GBF)
    assert loaded.graphs() == [G_TSC] and loaded.count() == N_TSC and loaded.count(G_GBF) == 0
    loaded.drop_graph("urn:x:never-existed")  # no error
    assert int(loaded.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").bindings[0]["n"]) == N_TSC


def test_append_adds_to_a_graph_and_keeps_what_it_holds(loaded):
    """Store.append: what the moderation log does after each decision (Oxigraph: one transaction; an external
    store: INSERT DATA)."""
    log = "urn:x:log"
    loaded.append(log, b'<urn:x:a> <urn:x:b> "c"@fr .\n<urn:x:a> <urn:x:b> "d\\"quoted\\""@en .\n')
    loaded.append(log, b"<urn:x:e> <urn:x:b> <urn:x:a> .\n")
    assert loaded.count(log) == 3 and loaded.has_graph(log) and loaded.count(G_GBF) == N_GBF
    assert loaded.query('ASK { GRAPH <urn:x:log> { <urn:x:a> <urn:x:b> "d\\"quoted\\""@en } }').boolean is True


def test_update(loaded):
    loaded.update("INSERT DATA { GRAPH <urn:x:notes> { <urn:x:a> <urn:x:b> \"c\"@fr } }")
    assert loaded.graphs() == [G_GBF, G_TSC, "urn:x:notes"] and loaded.count("urn:x:notes") == 1
    assert loaded.query("ASK { <urn:x:a> <urn:x:b> \"c\"@fr }").boolean is True  # in the union default graph
    loaded.update(f"DELETE WHERE {{ GRAPH <{G_GBF}> {{ ?t <{TSC}targetNumber> ?n }} }}")
    assert loaded.count(G_GBF) == N_GBF - 23
    loaded.update("CLEAR GRAPH <urn:x:notes>")
    assert loaded.count("urn:x:notes") == 0
    # A real difference: Oxigraph keeps an emptied named graph (CLEAR is not DROP) and lists it; an external
    # store lists the graphs that hold triples (Virtuoso has no empty graphs), so it is gone there.
    if loaded.backend == "virtuoso":
        assert "urn:x:notes" not in loaded.graphs()
    else:
        assert "urn:x:notes" in loaded.graphs()
    if loaded.backend == "virtuoso":  # and Virtuoso refuses a non-SILENT DROP of a graph that holds nothing
        from tsc_graph.errors import TscGraphError

        with pytest.raises(TscGraphError, match="not been explicitly created"):
            loaded.update("DROP GRAPH <urn:x:notes>")
    loaded.update("DROP SILENT GRAPH <urn:x:notes>")
    assert loaded.graphs() == [G_GBF, G_TSC]


def test_content_hash_equal_across_backends(loaded):
    """Same loads, same content: the hash of a blank-node-free dataset is backend-independent."""
    loaded.drop_graph(G_TSC)  # the ontology has blank nodes (owl:unionOf), whose labels are engine-chosen
    ref = open_store("memory:")
    ref.load(expand_sources([GBF_TTL]), graph_for=NAMER)
    assert loaded.content_hash() == ref.content_hash()


def test_blank_nodes_survive_isomorphic(loaded):
    from rdflib.compare import isomorphic

    ref = open_store("memory:")
    ref.load(expand_sources([ONTOLOGY, GBF_TTL]), graph_for=NAMER)
    assert isomorphic(loaded.to_rdflib(G_TSC), ref.to_rdflib(G_TSC))


def test_validation_runs_on_the_store(store):
    from tsc_graph.validation import validate

    store.load(expand_sources([ONTOLOGY_DIR, DATA_DIR]), graph_for=NAMER)
    report = validate(store.to_rdflib())
    ref = _validation_reference()
    assert (report.conforms, report.triples, len(report.violations)) == ref


# --- the server on each backend -------------------------------------------------------------------------------
def test_server_sparql_endpoint(loaded):
    from tsc_graph.config import Settings
    from tsc_graph.web import create_app

    app = create_app(Settings(store="memory:", base_uri=BASE), store=loaded)
    client = app.test_client()
    r = client.get("/sparql", query_string={"query": TARGETS}, headers={"Accept": RESULTS_FORMATS["json"].media_type})
    assert r.status_code == 200, r.data[:500]
    rows = json.loads(r.data)["results"]["bindings"]
    assert [(b["t"]["value"], b["n"]["value"]) for b in rows] == _expected_targets()
    r = client.get("/sparql", query_string={"query": "SELEC *"})
    assert r.status_code == 400


# --- references computed once on the embedded store -----------------------------------------------------------
_REF: dict = {}


def _memory_reference() -> ox.Store:
    if "store" not in _REF:
        s = ox.Store()
        for path, g in ((ONTOLOGY, G_TSC), (GBF_TTL, G_GBF)):
            s.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(g))
        _REF["store"] = s
    return _REF["store"]


def _validation_reference():
    if "validation" not in _REF:
        from tsc_graph.validation import validate

        ref = open_store("memory:")
        ref.load(expand_sources([ONTOLOGY_DIR, DATA_DIR]), graph_for=NAMER)
        r = validate(ref.to_rdflib())
        _REF["validation"] = (r.conforms, r.triples, len(r.violations))
    return _REF["validation"]
