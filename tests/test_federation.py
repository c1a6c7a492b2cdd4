"""Two real nodes on 127.0.0.1: federated SERVICE queries, the allow-list, remote failures, harvesting.

A French node (ontology + tsc_graph/reference + data/fr) and a Belgian sample node (ontology + tsc_graph/reference +
data/nodes/be) run as two ``tsc-graph serve`` processes, each on its own store and port. Small helper HTTP
servers on 127.0.0.1 play a node that is slow, a host that must never be contacted, and a dump server.
Every loop is bounded; every process and thread is stopped in fixture teardown.
"""
from __future__ import annotations

import gzip
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from checkout import DATA_DIR
from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR, SPARQL_DIR
from tsc_graph.queries import bind, get_query
from tsc_graph.serverproc import ServerProcess, free_port
from tsc_graph.store import GraphNamer, expand_sources, open_store

ROOT = Path(__file__).resolve().parent.parent
FR_BASE = "https://fr.chm-cbd.net/tsc/"
BE_BASE = "https://be.chm-cbd.net/tsc/"
GBF = "https://w3id.org/tsc-graph/vocab/gbf/"
STYPE = "https://w3id.org/tsc-graph/vocab/support-type/"
COUNTRY = "https://w3id.org/tsc-graph/vocab/country/"
BE_TRAINING_OFFER = f"{BE_BASE}id/offer/rbins-invasive-species-training"
FR_TRAINING_OFFER = f"{FR_BASE}id/offer/ofb-formation-especes-exotiques-envahissantes"
#: Triples of data/nodes/be (all of it is the node's own resources, so all of it is harvested).
BE_TRIPLES = 186
QUERY_TIMEOUT = 4.0

PREFIXES = """PREFIX tsc: <https://w3id.org/tsc-graph/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


# --- helpers ---------------------------------------------------------------------------------------------------
def cli(*args, store: Path | None = None, env: dict | None = None, timeout: float = 300):
    cmd = [sys.executable, "-m", "tsc_graph.cli"]
    if store is not None:
        cmd += ["--store", f"oxigraph:{store}"]
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("TSC_")}
    child_env.update(env or {})
    child_env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(cmd + list(args), cwd=ROOT, env=child_env, capture_output=True, text=True, timeout=timeout)


class Node(ServerProcess):
    """A ``tsc-graph serve`` subprocess on 127.0.0.1 that fails the test (with its log) if it cannot start."""

    def __init__(self, store: Path, env: dict[str, str], log: Path):
        super().__init__(store, env=env, log=log)

    def start(self, timeout: float = 60.0) -> "Node":
        try:
            return super().start(timeout)
        except RuntimeError as e:
            pytest.fail(str(e))


def http_get(endpoint: str, query: str, accept: str = "application/sparql-results+json", timeout: float = 30):
    """(status, body text, seconds) of a GET SPARQL request; never raises on HTTP errors."""
    url = endpoint + "?" + urllib.parse.urlencode({"query": query})
    req = urllib.request.Request(url, headers={"Accept": accept})
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read().decode("utf-8"), time.monotonic() - t0
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace"), time.monotonic() - t0


def rows(body: str) -> list[dict[str, str]]:
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(body)["results"]["bindings"]]


class Helper(http.server.ThreadingHTTPServer):
    """A tiny HTTP server on 127.0.0.1 whose behaviour a test sets: count requests, sleep, serve files."""

    daemon_threads = True

    def __init__(self, delay: float = 0.0, files: dict[str, tuple[bytes, str]] | None = None):
        self.requests: list[str] = []
        self.delay = delay
        self.files = files or {}
        self.release = threading.Event()
        super().__init__(("127.0.0.1", 0), _HelperHandler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()
        self.thread.join(timeout=10)


class _HelperHandler(http.server.BaseHTTPRequestHandler):
    def _any(self):
        srv: Helper = self.server  # type: ignore[assignment]
        srv.requests.append(f"{self.command} {self.path}")
        if srv.delay:
            srv.release.wait(srv.delay)  # bounded sleep; teardown releases it early
        path = urllib.parse.urlsplit(self.path).path
        if path in srv.files:
            body, ctype = srv.files[path]
            self.send_response(200)
        else:
            body, ctype = json.dumps({"head": {"vars": []}, "results": {"bindings": []}}).encode(), "application/sparql-results+json"
            self.send_response(200 if path == "/sparql" else 404)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    do_GET = do_POST = _any

    def log_message(self, *args):
        pass


# --- fixtures --------------------------------------------------------------------------------------------------
def _load(store: Path, base: str, *paths: Path) -> None:
    proc = cli("load", "--no-progress", *map(str, paths), store=store, env={"TSC_BASE_URI": base})
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    root = tmp_path_factory.mktemp("federation")
    fr, be = root / "fr", root / "be"
    _load(fr, FR_BASE, ONTOLOGY_DIR, REFERENCE_DIR, DATA_DIR / "fr", DATA_DIR / "demo")
    _load(be, BE_BASE, ONTOLOGY_DIR, REFERENCE_DIR, DATA_DIR / "nodes" / "be")
    return root


@pytest.fixture(scope="module")
def helpers():
    made: list[Helper] = []

    def make(**kw) -> Helper:
        h = Helper(**kw)
        made.append(h)
        return h

    yield make
    for h in made:
        h.close()


@pytest.fixture(scope="module")
def nodes(stores, helpers):
    """Both nodes running. The French one allow-lists the Belgian endpoint, a slow node and a down node."""
    be = Node(stores / "be", {"TSC_BASE_URI": BE_BASE}, stores / "be.log")
    slow = helpers(delay=60)
    down_port = free_port()  # nothing listens there
    fr = Node(stores / "fr", {
        "TSC_BASE_URI": FR_BASE,
        "TSC_QUERY_TIMEOUT": str(QUERY_TIMEOUT),
        "TSC_QUERY_WORKERS": "2",
        "TSC_SERVICE_ALLOWLIST": f"{be.endpoint} {slow.url}/ http://127.0.0.1:{down_port}/sparql",
    }, stores / "fr.log")
    try:
        be.start()
        fr.start()
        yield {"fr": fr, "be": be, "slow": slow, "down": f"http://127.0.0.1:{down_port}/sparql"}
    finally:
        fr.stop()
        be.stop()


# --- federated queries -----------------------------------------------------------------------------------------
TRAINING_TARGET6 = """
  ?offer a tsc:CooperationOffer ; tsc:supportType <{stype}training> ; tsc:contributesTo <{gbf}target-06> ;
         schema:offeredBy ?provider .
  ?provider tsc:basedIn ?country .
""".format(stype=STYPE, gbf=GBF)


def test_service_query_joins_remote_offers_with_local_vocabularies(nodes):
    from SPARQLWrapper import JSON, SPARQLWrapper

    fr, be = nodes["fr"], nodes["be"]
    query = PREFIXES + f"""
SELECT ?offer ?provider ?country ?country_label ?origin WHERE {{
  {{ SERVICE <{be.endpoint}> {{ {TRAINING_TARGET6} }} BIND("be" AS ?origin) }}
  UNION
  {{ {TRAINING_TARGET6} BIND("fr" AS ?origin) }}
  ?country skos:prefLabel ?country_label FILTER(lang(?country_label) = "en")
}} ORDER BY ?offer"""
    sw = SPARQLWrapper(fr.endpoint)
    sw.setQuery(query)
    sw.setReturnFormat(JSON)
    sw.setTimeout(30)
    got = [{k: v["value"] for k, v in b.items()} for b in sw.query().convert()["results"]["bindings"]]
    assert got == [
        {"offer": BE_TRAINING_OFFER, "provider": f"{BE_BASE}id/actor/rbins", "country": f"{COUNTRY}BE",
         "country_label": "Belgium", "origin": "be"},
        {"offer": FR_TRAINING_OFFER, "provider": f"{FR_BASE}id/actor/ofb", "country": f"{COUNTRY}FR",
         "country_label": "France", "origin": "fr"},
    ]
    # the Belgian data is not in the French store: only SERVICE brought it
    status, body, _ = http_get(fr.endpoint, f"ASK {{ <{BE_TRAINING_OFFER}> ?p ?o }}")
    assert status == 200 and json.loads(body)["boolean"] is False


def test_our_endpoint_is_the_target_of_another_engines_service(nodes):
    """Another engine (an in-memory Oxigraph, i.e. some third party's store) federates over the Belgian node."""
    import pyoxigraph as ox

    be = nodes["be"]
    other = ox.Store()
    result = other.query(PREFIXES + f"SELECT ?offer ?country WHERE {{ SERVICE <{be.endpoint}> {{ {TRAINING_TARGET6} }} }}")
    assert [(s["offer"].value, s["country"].value) for s in result] == [(BE_TRAINING_OFFER, f"{COUNTRY}BE")]


def test_service_not_on_allowlist_is_refused_and_nothing_is_contacted(nodes, helpers):
    fr = nodes["fr"]
    listener = helpers()
    target = f"{listener.url}/sparql"
    variants = [
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
        f"PREFIX x: <{listener.url}/> SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE x:sparql {{ ?s ?p ?o }} }} }}",
        "SELECT * WHERE { \\u0053ERVICE <" + target + "> { ?s ?p ?o } }",
        f"SELECT * WHERE {{ SERVICE <{target.replace('sparql', chr(92) + 'u0073parql')}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ # comment\r SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }} }}",
    ]
    for query in variants:
        status, body, _ = http_get(fr.endpoint, query)
        assert status == 403, (query, status, body)
        assert "SERVICE" in body and ("TSC_SERVICE_ALLOWLIST" in body or "could not be checked" in body), body
    status, body, _ = http_get(fr.endpoint, f"SELECT * WHERE {{ BIND(<{nodes['be'].endpoint}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}")
    assert status == 403 and "SERVICE ?e" in body
    status, body, _ = http_get(fr.endpoint, f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}")
    assert f"<{target}>" in body and "TSC_SERVICE_ALLOWLIST" in body
    assert listener.requests == []


def test_remote_down_gives_clear_error_and_silent_gives_partial_answer(nodes):
    fr, down = nodes["fr"], nodes["down"]
    status, body, secs = http_get(fr.endpoint, f"SELECT * WHERE {{ SERVICE <{down}> {{ ?s ?p ?o }} }}")
    assert status == 502, body
    assert down in body and "refused" in body.lower() and "SERVICE SILENT" in body
    assert secs < QUERY_TIMEOUT
    query = PREFIXES + f"""SELECT ?offer WHERE {{
      {{ SERVICE SILENT <{down}> {{ {TRAINING_TARGET6} }} }} UNION {{ {TRAINING_TARGET6} }} }}"""
    status, body, _ = http_get(fr.endpoint, query)
    assert status == 200, body
    # SPARQL 1.1 Federated Query §4: a failed SERVICE SILENT contributes one empty solution
    assert sorted(rows(body), key=len) == [{}, {"offer": FR_TRAINING_OFFER}]
    status, body, _ = http_get(fr.endpoint, query.rstrip().removesuffix("}") + " FILTER(BOUND(?offer)) }")
    assert status == 200 and rows(body) == [{"offer": FR_TRAINING_OFFER}]


def test_remote_slow_gives_timeout_error_within_deadline_and_server_recovers(nodes):
    fr, slow = nodes["fr"], nodes["slow"]
    target = f"{slow.url}/sparql"
    status, body, secs = http_get(fr.endpoint, f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}", timeout=60)
    assert status == 504, body
    assert target in body and "time limit" in body
    assert QUERY_TIMEOUT - 0.5 <= secs < QUERY_TIMEOUT + 5
    assert slow.requests, "the slow node was called"
    stopped = secs
    status, body, secs = http_get(fr.endpoint, PREFIXES + f"SELECT ?offer WHERE {{ {TRAINING_TARGET6} }}")
    assert status == 200 and rows(body) == [{"offer": FR_TRAINING_OFFER}]
    assert secs < stopped / 2, (secs, stopped)  # nothing left waiting on the slow node: a fraction of its deadline


def test_queries_without_service_and_updates_are_unaffected(nodes):
    fr = nodes["fr"]
    status, body, _ = http_get(fr.endpoint, 'SELECT ?s WHERE { ?s <http://x/myservice> ?o . BIND("SERVICE" AS ?service) } LIMIT 1')
    assert status == 200
    status, body, _ = http_get(fr.endpoint, "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }")
    assert status == 400


# --- harvesting ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def harvest_store(stores):
    """A French store that no server holds open (harvest is an offline, operator command)."""
    target = stores / "fr-harvest"
    shutil.copytree(stores / "fr", target, ignore=shutil.ignore_patterns("snapshots", "LOCK"))
    return target


def _store_state(path: Path, graph: str | None = None):
    with open_store(f"oxigraph:{path}") as s:
        if graph is None:
            return s.content_hash(), s.count()
        return s.count(graph) if graph in s.graphs() else 0


def _select(path: Path, query: str) -> list[dict[str, str]]:
    with open_store(f"oxigraph:{path}") as s:
        r = s.query(query)
        return [{k: str(v) for k, v in row.items()} for row in r.bindings]


def expected_harvest_count() -> int:
    """What the harvest CONSTRUCT gives on the Belgian data, computed on an in-memory copy."""
    with open_store("memory:") as s:
        s.load(expand_sources([ONTOLOGY_DIR, REFERENCE_DIR, DATA_DIR / "nodes" / "be"]), graph_for=GraphNamer(BE_BASE))
        return len(s.query((SPARQL_DIR / "harvest-construct.rq").read_text()).graph)


def test_harvest_from_a_running_node_with_provenance_then_reharvest_and_failures(nodes, harvest_store, helpers):
    be = nodes["be"]
    graph = f"{FR_BASE}graph/node/be"
    assert expected_harvest_count() == BE_TRIPLES

    proc = cli("harvest", be.endpoint, "--name", "be", "--format", "json", store=harvest_store)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["graph"] == graph and report["triples"] == BE_TRIPLES and report["mode"] == "sparql"
    assert report["conforms"] is True and report["violations"] == []
    assert _store_state(harvest_store, graph) == BE_TRIPLES

    prov = _select(harvest_store, f"""
        PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX void: <http://rdfs.org/ns/void#>
        PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX sh: <http://www.w3.org/ns/shacl#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?a ?start ?end ?used ?src ?n ?conforms ?violations WHERE {{
          GRAPH <{FR_BASE}graph/harvest-log> {{
            ?a a prov:Activity ; prov:startedAtTime ?start ; prov:endedAtTime ?end ; prov:used ?used ;
               prov:generated ?copy , ?rep .
            ?copy prov:specializationOf <{graph}> ; dcterms:source ?src ; void:triples ?n .
            ?rep a sh:ValidationReport ; sh:conforms ?conforms ; rdf:value ?violations .
          }} }}""")
    assert len(prov) == 1
    p = prov[0]
    assert p["a"] == report["activity"] and p["a"].startswith(f"{FR_BASE}id/harvest/be-")
    assert p["used"] == p["src"] == be.endpoint
    assert (p["n"], p["conforms"], p["violations"]) == (str(BE_TRIPLES), "true", "0")
    assert p["start"] <= p["end"]

    # re-harvest of an unchanged node: it answers 304 to our validators, nothing is transferred or written
    unchanged = _store_state(harvest_store)
    proc = cli("harvest", be.endpoint, "--name", "be", store=harvest_store)
    assert proc.returncode == 0 and "unchanged since the last harvest" in proc.stdout, (proc.stdout, proc.stderr)
    assert _store_state(harvest_store) == unchanged
    # forced re-harvest: the copy is replaced, not doubled; the log keeps both harvests
    proc = cli("harvest", be.endpoint, "--name", "be", "--unconditional", store=harvest_store)
    assert proc.returncode == 0, proc.stderr
    assert f"harvested {BE_TRIPLES} triples" in proc.stdout and f"(replacing {BE_TRIPLES})" in proc.stdout
    assert _store_state(harvest_store, graph) == BE_TRIPLES
    nodes_rows = _select(harvest_store, get_query("harvested-nodes").text)
    assert [(r["graph"], r["triples"], r["harvests"], r["conforms"], r["source"]) for r in nodes_rows] == [
        (graph, str(BE_TRIPLES), "2", "true", be.endpoint)]

    # failed harvests leave the store exactly as it was (content hash of every graph)
    before = _store_state(harvest_store)
    bad_dump = helpers(files={"/be.ttl": (b"@prefix ex: <http://example.org/> .\nex:a ex:b \"unterminated .\n", "text/turtle")})
    empty = helpers(files={"/empty.nt": (b"", "application/n-triples")})
    failures = [
        (nodes["down"], "cannot connect"),
        (f"{bad_dump.url}/be.ttl", "does not parse"),
        (f"{bad_dump.url}/missing.ttl", "HTTP 404"),
        (f"{empty.url}/empty.nt", "no triple"),
        (f"{nodes['slow'].url}/slow.ttl", "timed out"),
    ]
    for url, reason in failures:
        args = ["harvest", url, "--name", "be"] + (["--timeout", "1"] if "slow" in url else [])
        proc = cli(*args, store=harvest_store)
        assert proc.returncode == 1, (url, proc.stdout, proc.stderr)
        assert url in proc.stderr and reason in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
    assert _store_state(harvest_store) == before

    proc = cli("harvest", "ftp://example.org/x.ttl", store=harvest_store)
    assert proc.returncode == 2 and "http(s) URL" in proc.stderr


def test_harvest_nonconforming_dump_loads_and_reports(nodes, harvest_store, helpers):
    """A dump of the Belgian node with one broken offer (no provider) is loaded, and the violation reported."""
    broken = f"{BE_BASE}id/offer/rbins-invasive-species-training"
    text = "\n".join(p.read_text() for p in sorted((DATA_DIR / "nodes" / "be").glob("*.ttl")))
    text = text.replace("    schema:offeredBy actor:rbins ;\n", "")
    assert "actor:rbins ;" not in text.split("offer:rbins-invasive-species-training", 1)[1].split(" .\n", 1)[0]
    dump = gzip.compress(text.encode())
    server = helpers(files={"/be-bio-bridge.ttl.gz": (dump, "application/gzip")})
    url = f"{server.url}/be-bio-bridge.ttl.gz"
    graph = f"{FR_BASE}graph/node/be-offers"
    proc = cli("harvest", url, "--graph", graph, "--format", "json", store=harvest_store)
    assert proc.returncode == 0, proc.stderr
    assert "1 SHACL violation(s) in 1 resource(s)" in proc.stderr and "loaded anyway" in proc.stderr
    report = json.loads(proc.stdout)
    assert report["mode"] == "dump" and report["conforms"] is False
    assert report["nonconforming_resources"] == [broken]
    assert [(v["focus"], v["path"]) for v in report["violations"]] == [(broken, "https://schema.org/offeredBy")]
    assert report["triples"] == _store_state(harvest_store, graph) > 0
    rows_ = _select(harvest_store, get_query("harvested-nodes").text)
    got = {r["graph"]: (r["conforms"], r["violations"], r["source"]) for r in rows_}
    assert got[graph] == ("false", "1", url)
    focus = _select(harvest_store, f"""PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT ?focus WHERE {{ GRAPH <{graph}/validation> {{ ?r sh:focusNode ?focus }} }}""")
    assert focus == [{"focus": broken}]
    # the text report names the resource too
    proc = cli("harvest", url, "--graph", graph, store=harvest_store)
    assert proc.returncode == 0 and broken in proc.stdout and "1 violation(s) in 1 resource(s)" in proc.stdout


def test_cross_node_named_query_over_the_harvested_union(nodes, harvest_store):
    """After the harvests above: which actors in any country offer training on invasive species (target 6)?"""
    query = bind(get_query("federated-offers-per-target"), {"target": f"{GBF}target-06", "support": f"{STYPE}training"})
    got = _select(harvest_store, query)
    assert [(r["offer"], r["provider"], r["country"], r["origin"], r["source_graph"]) for r in got] == [
        (BE_TRAINING_OFFER, f"{BE_BASE}id/actor/rbins", f"{COUNTRY}BE", "harvested", f"{FR_BASE}graph/node/be"),
        (FR_TRAINING_OFFER, f"{FR_BASE}id/actor/ofb", f"{COUNTRY}FR", "local", f"{FR_BASE}graph/demo"),
    ]
    # the same question, through the CLI's named query
    proc = cli("query", "federated-offers-per-target", "-p", f"target={GBF}target-06", "-p", f"support={STYPE}training",
               "--format", "json", store=harvest_store)
    assert proc.returncode == 0, proc.stderr
