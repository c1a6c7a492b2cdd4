"""Harvesting, in-process: dump formats, naming, provenance, atomicity, refusal of bad or empty answers.

The two-process test (tests/test_federation.py) harvests from a real running node through the CLI; these
tests drive :func:`tsc_graph.federation.harvest.harvest` against a tiny dump server on 127.0.0.1.
"""
from __future__ import annotations

import gzip
import json

import pyoxigraph as ox
import pytest

from checkout import DATA_DIR
from test_federation import BE_TRIPLES, Helper  # noqa: E402  (same helpers as the two-node tests)
from tsc_graph.errors import BadInput, RemoteError
from tsc_graph.federation.harvest import harvest, is_dump_url, node_name, target_graph
from tsc_graph.store import open_store

FR = "https://fr.chm-cbd.net/tsc/"
BE_DIR = DATA_DIR / "nodes" / "be"


def be_turtle() -> bytes:
    return "\n".join(p.read_text() for p in sorted(BE_DIR.glob("*.ttl"))).encode()


def be_ntriples() -> bytes:
    store = ox.Store()
    store.bulk_load(be_turtle(), ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
    triples = [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


@pytest.fixture
def server():
    made = []

    def make(files):
        h = Helper(files=files)
        made.append(h)
        return h

    yield make
    for h in made:
        h.close()


@pytest.fixture
def store():
    s = open_store("memory:")
    yield s
    s.close()


def test_naming():
    assert node_name("http://127.0.0.1:8001/sparql") == "127-0-0-1-8001"
    assert node_name("https://be.chm-cbd.net/tsc/sparql") == "be-chm-cbd-net"
    assert target_graph(FR, "https://be.chm-cbd.net/tsc/sparql") == f"{FR}graph/node/be-chm-cbd-net"
    assert target_graph(FR, "https://x/", name="be") == f"{FR}graph/node/be"
    assert target_graph(FR, "https://x/", graph=f"{FR}graph/node/be-2") == f"{FR}graph/node/be-2"
    with pytest.raises(BadInput, match="never into one of this node's own graphs"):
        target_graph(FR, "https://x/", graph="urn:x:g")  # a harvest writes only under {base}graph/node/
    with pytest.raises(BadInput):
        target_graph(FR, "https://x/", graph=f"{FR}graph/actors")
    with pytest.raises(BadInput):
        target_graph(FR, "https://x/", name="Bad Name")
    with pytest.raises(BadInput):
        target_graph(FR, "https://x/", graph="not an iri")
    assert is_dump_url("https://x/dumps/tsc.nt.gz") and is_dump_url("https://x/a.jsonld")
    assert not is_dump_url("https://x/sparql")


@pytest.mark.parametrize("path,body,ctype", [
    ("/be.ttl", be_turtle(), "text/turtle"),
    ("/be.ttl.gz", gzip.compress(be_turtle()), "application/gzip"),
    ("/be.nt", be_ntriples(), "application/n-triples"),
    ("/dump", be_turtle(), "text/turtle; charset=utf-8"),  # no extension: Content-Type decides (with --dump)
])
def test_dump_formats_load_whole_node(server, store, path, body, ctype):
    srv = server({path: (body, ctype)})
    report = harvest(store, srv.url + path, base_uri=FR, name="be", dump=True, validate=False)
    assert report.triples == BE_TRIPLES == store.count(f"{FR}graph/node/be")
    assert report.mode == "dump" and report.validation is None


def test_quad_dump_is_merged_into_one_graph(server, store):
    nq = (b'<http://ex/a> <http://ex/p> "1" <http://ex/g1> .\n'
          b'<http://ex/a> <http://ex/p> "1" <http://ex/g2> .\n'
          b'<http://ex/b> <http://ex/p> "2" .\n')
    srv = server({"/d.nq": (nq, "application/n-quads")})
    report = harvest(store, srv.url + "/d.nq", base_uri=FR, name="q", validate=False)
    assert report.triples == 2 and store.count(f"{FR}graph/node/q") == 2


def test_blank_nodes_are_renamed_not_merged_across_harvests(server, store):
    nt = b'_:b0 <http://ex/p> "x" .\n<http://ex/s> <http://ex/q> _:b0 .\n'
    srv = server({"/a.nt": (nt, "application/n-triples"), "/b.nt": (nt, "application/n-triples")})
    harvest(store, srv.url + "/a.nt", base_uri=FR, name="a", validate=False)
    harvest(store, srv.url + "/b.nt", base_uri=FR, name="b", validate=False)
    r = store.query('SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { ?b <http://ex/p> "x" }')
    assert int(r.bindings[0]["n"]) == 2


def test_provenance_accumulates_and_node_graph_is_replaced(server, store):
    srv = server({"/be.ttl": (be_turtle(), "text/turtle")})
    url = srv.url + "/be.ttl"
    first = harvest(store, url, base_uri=FR, name="be")
    second = harvest(store, url, base_uri=FR, name="be")
    assert first.activity != second.activity and second.previous_triples == BE_TRIPLES
    assert store.count(f"{FR}graph/node/be") == BE_TRIPLES
    r = store.query(f"""PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?a ?n ?dump WHERE {{ GRAPH <{FR}graph/harvest-log> {{
          ?a a prov:Activity ; prov:generated ?g . ?g void:triples ?n ; void:dataDump ?dump }} }} ORDER BY ?a""")
    assert [(str(b["a"]), int(b["n"]), str(b["dump"])) for b in r.bindings] == [
        (first.activity, BE_TRIPLES, url), (second.activity, BE_TRIPLES, url)]
    assert first.conforms is True and json.loads(first.to_json())["violations"] == []
    assert "validation: conforms" in first.to_text()


def test_failures_leave_the_store_unchanged(server, store):
    srv = server({
        "/be.ttl": (be_turtle(), "text/turtle"),
        "/bad.ttl": (b"<http://ex/a> <http://ex/b> .\n", "text/turtle"),
        "/empty.ttl": (b"# nothing\n", "text/turtle"),
        "/bad.gz": (b"\x1f\x8bnot really gzip", "application/gzip"),
        "/html": (b"<html>not rdf</html>", "text/html"),
    })
    harvest(store, srv.url + "/be.ttl", base_uri=FR, name="be", validate=False)
    before = store.content_hash()
    for path, reason in [("/bad.ttl", "does not parse"), ("/empty.ttl", "no triple"), ("/bad.gz", "gzip"),
                         ("/missing.ttl", "HTTP 404"), ("/html", "does not parse")]:
        with pytest.raises(RemoteError) as e:
            harvest(store, srv.url + path, base_uri=FR, name="be", dump=True, validate=False)
        assert reason in str(e.value) and srv.url + path in str(e.value)
    assert store.content_hash() == before
    with pytest.raises(BadInput):
        harvest(store, "file:///etc/passwd", base_uri=FR)


def test_allow_empty_empties_the_copy(server, store):
    srv = server({"/be.ttl": (be_turtle(), "text/turtle"), "/empty.nt": (b"", "application/n-triples")})
    harvest(store, srv.url + "/be.ttl", base_uri=FR, name="be", validate=False)
    report = harvest(store, srv.url + "/empty.nt", base_uri=FR, name="be", validate=False, allow_empty=True)
    assert report.triples == 0 and store.count(f"{FR}graph/node/be") == 0
