"""A registered peer can never rewrite this node.

What a peer publishes is data about the peer's resources, shown as the peer's: it never configures this node (the
registry, this node's identity, harvest targets and figures come from this node's own graphs only), never adds
statements to this node's resources, never makes a harvest read a ``file:`` source or call an endpoint of its
choosing, and every link rendered from it is http(s) or mailto.

The hostile peer is a real HTTP server on 127.0.0.1 serving one Turtle dump; a second server counts requests, to
prove that nothing in the dump makes this node call it.
"""
from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest

from checkout import DATA_DIR
from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
from tsc_graph.errors import BadInput
from tsc_graph.federation.harvest import harvest, harvest_all, registered_nodes
from tsc_graph.namespaces import DEFAULT_BASE_URI
from tsc_graph.queries import bind, get_query
from tsc_graph.store import GraphNamer, Source, expand_sources, open_store
from tsc_graph.web import create_app

FR = DEFAULT_BASE_URI
OFB = f"{FR}id/actor/ofb"
ACTORS_GRAPH = f"{FR}graph/actors"
PEER_GRAPH = f"{FR}graph/node/evil"


class Served:
    """A tiny HTTP server on 127.0.0.1 answering one body on every path, counting its requests."""

    def __init__(self, body: bytes, content_type: str = "text/turtle"):
        outer = self
        self.requests = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                outer.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def hostile_dump(ssrf_url: str, local_dir: Path) -> bytes:
    """Everything a hostile peer tried: configure our registry, our identity, our figures and our actor's page."""
    return f"""
@prefix tsc: <https://w3id.org/tsc-graph/ontology#> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

<https://evil.invalid/id/actor/evil-org> a tsc:Actor ; rdfs:label "Evil Org"@en ;
    foaf:homepage <https://evil.invalid/> .

# a "node" whose dump is a local directory, harvested into this node's own actors graph
<https://evil.invalid/id/node/file> a tsc:Node ; tsc:nodeName "file" ;
    void:dataDump <{local_dir.as_uri()}/> ; tsc:harvestGraph <{ACTORS_GRAPH}> .
# a "node" whose endpoint is an address of the peer's choosing (SSRF)
<https://evil.invalid/id/node/ssrf> a tsc:Node ; tsc:nodeName "ssrf" ;
    void:sparqlEndpoint <{ssrf_url}/sparql> ; foaf:homepage <javascript:alert(1)> .
# another registered node declared "this node", so that it is never harvested again
<{FR}id/node/be> tsc:thisNode true .
<https://evil.invalid/id/node/ssrf> tsc:thisNode true .
# fake harvest figures for the Belgian node
<https://evil.invalid/id/harvest/fake> a prov:Activity ; prov:generated <https://evil.invalid/id/harvest/fake#graph> .
<https://evil.invalid/id/harvest/fake#graph> prov:specializationOf <{FR}graph/node/be> ;
    prov:generatedAtTime "2099-01-01T00:00:00Z"^^xsd:dateTime ; void:triples 999999 ; dcterms:source <https://evil.invalid/> .
# a phishing link on our own actor, and a new label on a shared vocabulary term
<{OFB}> foaf:homepage <https://phishing.invalid/ofb> ; rdfs:label "OFB (official page: phishing.invalid)"@fr .
<https://w3id.org/tsc-graph/vocab/gbf/target-06> skos:prefLabel "Click here"@en .
""".encode()


@pytest.fixture()
def attacked(tmp_path):
    """A French node whose registry names a hostile peer (http dump on 127.0.0.1) beside the Belgian demo node."""
    local_dir = tmp_path / "secret"
    local_dir.mkdir()
    (local_dir / "secret.ttl").write_text('<https://secret.invalid/x> <https://secret.invalid/p> "local secret" .\n')
    ssrf = Served(b"", "application/sparql-results+json")
    peer = Served(hostile_dump(ssrf.url, local_dir))
    registry = (DATA_DIR / "nodes" / "registry.ttl").read_text() + f"""
<{FR}id/node/evil> a tsc:Node ; tsc:nodeName "evil" ; rdfs:label "Evil peer"@en ;
    void:dataDump <{peer.url}/dump.ttl> ; tsc:harvestGraph <{PEER_GRAPH}> .
"""
    store = open_store("memory:")
    store.load(expand_sources([ONTOLOGY_DIR, REFERENCE_DIR, DATA_DIR / "fr", DATA_DIR / "demo"]), graph_for=GraphNamer(FR))
    store.load([Source("registry.ttl", data=registry.encode(), format="turtle")], graph_for=lambda s: f"{FR}graph/registry")
    yield store, peer, ssrf
    peer.close()
    ssrf.close()
    store.close()


def rows(store, name, **params):
    q = get_query(name)
    return store.query(bind(q, params) if params else q.text).bindings


def test_a_registered_peer_cannot_configure_or_rewrite_this_node(attacked, tmp_path):
    store, peer, ssrf = attacked
    actors_before = store.count(ACTORS_GRAPH)
    graphs_before = set(store.graphs())
    for _ in range(2):  # the second round would follow anything the first one let into the registry
        results = {node.name: report for node, report in harvest_all(store, base_uri=FR)}
        assert set(results) == {"be", "evil"}, results
        assert not isinstance(results["evil"], Exception), results["evil"]
        assert not isinstance(results["be"], Exception), results["be"]
    assert peer.requests == 2 and ssrf.requests == 0  # no endpoint of the peer's choosing was called
    assert store.count(ACTORS_GRAPH) == actors_before  # our actors graph was not replaced
    assert set(store.graphs()) - graphs_before == {f"{FR}graph/node/be", f"{FR}graph/node/be/validation",
                                                   PEER_GRAPH, f"{PEER_GRAPH}/validation", f"{FR}graph/harvest-log"}
    assert not store.query('ASK { ?s ?p "local secret" }').boolean  # no local file was published

    # the registry is ours: no node added by the peer, the Belgian node is not "this node", figures are ours
    nodes = {str(r["name"]): r for r in rows(store, "network-nodes") if str(r["no_linked_data"]) != "true"}
    assert set(nodes) == {"fr", "be", "evil"}  # and the shipped CHM sites without linked data, never harvested
    assert [n for n, r in nodes.items() if str(r["this_node"]) == "true"] == ["fr"]
    assert str(nodes["be"]["triples"]) != "999999" and "2099" not in str(nodes["be"]["last_harvest"])
    assert {n.name for n in registered_nodes(store, FR)} == {"be", "evil"}

    # nothing the peer said about our actor or a shared vocabulary term was kept
    evil_about_ours = store.query(f"""ASK {{ GRAPH <{PEER_GRAPH}> {{
        {{ <{OFB}> ?p ?o }} UNION {{ <https://w3id.org/tsc-graph/vocab/gbf/target-06> ?p ?o }}
        UNION {{ ?n <https://w3id.org/tsc-graph/ontology#thisNode> ?v }} }} }}""").boolean
    assert not evil_about_ours
    # but the peer's own actor is there, as the peer's
    assert store.query(f"ASK {{ GRAPH <{PEER_GRAPH}> {{ <https://evil.invalid/id/actor/evil-org> a ?t }} }}").boolean


def test_pages_and_documents_of_our_resources_show_only_our_statements(attacked, tmp_path):
    store, _peer, _ssrf = attacked
    # a copy harvested before this rule (or by another tool) still holds a statement about our actor
    store.load([Source("old-copy", data=f"<{OFB}> <http://xmlns.com/foaf/0.1/homepage> <https://phishing.invalid/ofb> .\n"
                       f"<https://evil.invalid/id/node/x> <http://xmlns.com/foaf/0.1/homepage> <javascript:alert(1)> .\n"
                       .encode(), format="ntriples")], graph_for=lambda s: PEER_GRAPH)
    app = create_app({"MODERATION_DB": str(tmp_path / "q.sqlite3"), "CHANGES_DB": str(tmp_path / "c.sqlite3")},
                     store=store)
    client = app.test_client()
    page = client.get("/id/actor/ofb.html", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and "phishing.invalid" not in page.get_data(as_text=True)
    for ext in ("ttl", "nt", "jsonld", "rdf"):
        doc = client.get(f"/id/actor/ofb.{ext}")
        assert doc.status_code == 200 and "phishing.invalid" not in doc.get_data(as_text=True), ext
    network = client.get("/network", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "javascript:" not in network and "evil.invalid/id/node/ssrf" not in network
    api = client.get("/api/network").get_json()
    assert {n["name"] for n in api["nodes"] if n["linked_data"]} == {"fr", "be", "evil"}


def test_a_registry_naming_a_file_source_or_our_own_graph_is_refused(tmp_path):
    registry = f"""@prefix tsc: <https://w3id.org/tsc-graph/ontology#> . @prefix void: <http://rdfs.org/ns/void#> .
<{FR}id/node/a> a tsc:Node ; tsc:nodeName "a" ; void:dataDump <file:///etc/> .
<{FR}id/node/b> a tsc:Node ; tsc:nodeName "b" ; void:dataDump <http://127.0.0.1:9/x.ttl> ; tsc:harvestGraph <{ACTORS_GRAPH}> .
<{FR}id/node/c> a tsc:Node ; tsc:nodeName "c" ; tsc:localDump "/etc" .
"""
    store = open_store("memory:")
    store.load([Source("registry.ttl", data=registry.encode(), format="turtle")], graph_for=lambda s: f"{FR}graph/registry")
    results = {n.name: r for n, r in harvest_all(store, base_uri=FR)}
    assert all(isinstance(r, BadInput) for r in results.values()), results
    assert "only http(s) URLs" in str(results["a"])
    assert "never writes into one of this node's own graphs" in str(results["b"])
    assert "inside the node's directory" in str(results["c"])
    with pytest.raises(BadInput, match="never into one of this node's own graphs"):
        harvest(store, "http://127.0.0.1:9/x.ttl", base_uri=FR, graph=ACTORS_GRAPH)
    store.close()


def test_an_ill_typed_figure_in_the_registry_or_log_is_no_500(tmp_path):
    """`"many"^^xsd:integer` (a peer's once, or a hand-edited log): the API shows no figure rather than failing."""
    store = open_store("memory:")
    store.load(expand_sources([ONTOLOGY_DIR, REFERENCE_DIR, DATA_DIR / "nodes" / "registry.ttl"]),
               graph_for=GraphNamer(FR))
    log = f"""@prefix prov: <http://www.w3.org/ns/prov#> . @prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{FR}id/harvest/x> a prov:Activity ; prov:generated <{FR}id/harvest/x#graph> .
<{FR}id/harvest/x#graph> prov:specializationOf <{FR}graph/node/be> ; void:triples "many"^^xsd:integer ;
    prov:generatedAtTime "2026-01-01T00:00:00Z"^^xsd:dateTime ; dcterms:source <https://be.example/> .
"""
    store.load([Source("log", data=log.encode(), format="turtle")], graph_for=lambda s: f"{FR}graph/harvest-log")
    app = create_app({"MODERATION_DB": str(tmp_path / "q.sqlite3"), "CHANGES_DB": str(tmp_path / "c.sqlite3")},
                     store=store)
    client = app.test_client()
    r = client.get("/api/network")
    assert r.status_code == 200, r.get_data(as_text=True)
    be = next(n for n in r.get_json()["nodes"] if n["name"] == "be")
    assert be["harvest"]["triples"] is None
    assert client.get("/network").status_code == 200
    store.close()
