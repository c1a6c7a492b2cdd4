"""The CHM network between two real server processes on 127.0.0.1.

A Belgian node (data/nodes/be) serves its data; a counting proxy in front of it records every request the
French node's harvester makes and what it got back. The French node registers the Belgian one (a registry
pointing at the proxy), harvests it with ``tsc-graph harvest --all``, then serves:

* a French request matched with the Belgian offer, with the explanation (``/api/matches``);
* the Belgian node's harvest figures from the registry query (``network-nodes``, ``/api/network``);
* an unchanged node's second harvest: one request, answered 304, nothing transferred or rewritten;
* the change feed (``/changes``) listing the harvest, the load and an approved submission;
* the same for people: the French request's page lists the Belgian offer among its matches with the explanation,
  and links to the harvested copy; the network page shows the Belgian node's harvest figures.
"""
from __future__ import annotations

import html
import http.server
import json
import os
import re
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
from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
from tsc_graph.moderation import PENDING, ModerationQueue, Submission
from tsc_graph.queries import get_query
from tsc_graph.serverproc import ServerProcess
from tsc_graph.store import open_store

ROOT = Path(__file__).resolve().parent.parent
FR_BASE = "https://fr.chm-cbd.net/tsc/"
BE_BASE = "https://be.chm-cbd.net/tsc/"
MADAGASCAR = f"{FR_BASE}id/request/madagascar-crapaud-asiatique"
RBINS = f"{BE_BASE}id/offer/rbins-invasive-species-training"
BE_GRAPH = f"{FR_BASE}graph/node/be"
BE_TRIPLES = 186
TOKEN = "network-test-token"


def cli(*args, store: Path, base: str = FR_BASE) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TSC_")}
    env.update({"TSC_BASE_URI": base, "PYTHONPATH": str(ROOT)})
    return subprocess.run([sys.executable, "-m", "tsc_graph.cli", "--store", f"oxigraph:{store}", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def fetch(url: str, headers: dict | None = None, data: bytes | None = None, method: str | None = None):
    """(status, headers, body) of one request; never raises on HTTP errors."""
    req = urllib.request.Request(url, headers=headers or {}, data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


class CountingProxy(http.server.ThreadingHTTPServer):
    """Forwards GET/POST to ``target`` with the client's headers; records (method, path, status, body bytes)."""

    daemon_threads = True

    def __init__(self, target: str):
        self.target = target
        self.seen: list[tuple[str, str, int, int]] = []
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.shutdown()
        self.server_close()
        self.thread.join(timeout=10)


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    FORWARDED = ("Accept", "Accept-Encoding", "If-None-Match", "If-Modified-Since", "Content-Type", "User-Agent")

    def _forward(self):
        srv: CountingProxy = self.server  # type: ignore[assignment]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {h: self.headers[h] for h in self.FORWARDED if self.headers.get(h)}
        status, out_headers, data = fetch(srv.target + self.path, headers, body, self.command)
        srv.seen.append((self.command, self.path.split("?")[0], status, len(data)))
        self.send_response(status)
        for h in ("Content-Type", "ETag", "Last-Modified", "Content-Encoding"):
            if out_headers.get(h):
                self.send_header(h, out_headers[h])
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _forward

    def log_message(self, *args):
        pass


def registry(proxy_url: str) -> str:
    return f"""@prefix tsc: <https://w3id.org/tsc-graph/ontology#> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{FR_BASE}id/node/be> a tsc:Node ; rdfs:label "Belgique (nœud de test)"@fr , "Belgium (test node)"@en ;
    tsc:nodeName "be" ; dcterms:spatial <https://w3id.org/tsc-graph/vocab/country/BE> ;
    void:sparqlEndpoint <{proxy_url}/sparql> ; tsc:harvestGraph <{BE_GRAPH}> ;
    tsc:evidence <https://w3id.org/tsc-graph/vocab/evidence/illustrative> .
"""


def store_state(path: Path) -> tuple[str, int]:
    with open_store(f"oxigraph:{path}") as s:
        return s.content_hash(), s.count()


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    root = tmp_path_factory.mktemp("network")
    be_store, fr_store = root / "be", root / "fr"
    proc = cli("load", "--no-progress", str(ONTOLOGY_DIR), str(REFERENCE_DIR), str(DATA_DIR / "nodes" / "be"),
               store=be_store, base=BE_BASE)
    assert proc.returncode == 0, proc.stderr
    be = ServerProcess(be_store, env={"TSC_BASE_URI": BE_BASE}, log=root / "be.log")
    be.start()
    proxy = CountingProxy(be.url)
    try:
        (root / "registry.ttl").write_text(registry(proxy.url), encoding="utf-8")
        proc = cli("load", "--no-progress", str(ONTOLOGY_DIR), str(REFERENCE_DIR), str(DATA_DIR / "fr"), str(DATA_DIR / "demo"),
                   str(root / "registry.ttl"), store=fr_store)
        assert proc.returncode == 0, proc.stderr
        yield {"root": root, "be": be, "proxy": proxy, "fr_store": fr_store}
    finally:
        proxy.close()
        be.stop()


@pytest.fixture(scope="module")
def harvested(network):
    """`tsc-graph harvest --all` run twice on the French store; what the proxy saw each time."""
    proxy, fr_store = network["proxy"], network["fr_store"]
    proc = cli("harvest", "--all", "--format", "json", store=fr_store)
    assert proc.returncode == 0, proc.stderr
    first_report = json.loads(proc.stdout)
    first = list(proxy.seen)
    state = store_state(fr_store)
    proc = cli("harvest", "--all", "--format", "json", store=fr_store)
    assert proc.returncode == 0, proc.stderr
    second_report = json.loads(proc.stdout)
    second = proxy.seen[len(first):]
    return {"first": first, "second": second, "first_report": first_report, "second_report": second_report,
            "state_before": state, "state_after": store_state(fr_store)}


@pytest.fixture(scope="module")
def fr_server(network, harvested):
    fr_store = network["fr_store"]
    queue = ModerationQueue(fr_store / "moderation.sqlite3")
    iri = f"{FR_BASE}id/project/approved-in-test"
    queue.add(Submission("sub-network-1", iri, f"{FR_BASE}graph/submission/sub-network-1", "Projet de test",
                         f'<{iri}> a <https://w3id.org/tsc-graph/ontology#Project> ; '
                         f'<http://www.w3.org/2000/01/rdf-schema#label> "Projet de test"@fr .',
                         "curator@example.org", "fr", {}, PENDING, time.time()))
    queue.close()
    server = ServerProcess(fr_store, env={"TSC_BASE_URI": FR_BASE, "TSC_ADMIN_TOKEN": TOKEN},
                           log=network["root"] / "fr.log")
    server.start()
    yield server
    server.stop()


# --- harvesting with conditional requests ---------------------------------------------------------------------
def test_harvest_all_fetches_the_registered_node_once(harvested):
    [report] = harvested["first_report"]
    assert report["name"] == "be" and report["graph"] == BE_GRAPH and report["triples"] == BE_TRIPLES
    assert report["conforms"] is True and report["etag"] and report["last_modified"]
    [(method, path, status, size)] = harvested["first"]
    assert (method, path, status) == ("GET", "/sparql", 200) and size > 10_000


def test_unchanged_node_costs_one_304_and_nothing_is_rewritten(harvested):
    [(method, path, status, size)] = harvested["second"]
    assert (method, path, status, size) == ("GET", "/sparql", 304, 0)
    [report] = harvested["second_report"]
    assert report["not_modified"] is True and report["triples"] == BE_TRIPLES
    assert harvested["state_after"] == harvested["state_before"]  # same content hash, same size: nothing rewritten


# --- what the French node then serves ------------------------------------------------------------------------
def test_french_request_matched_with_belgian_offer_over_http(fr_server):
    url = f"{fr_server.url}/api/matches?" + urllib.parse.urlencode({"request": MADAGASCAR, "node": "be"})
    status, _, body = fetch(url, {"Accept-Language": "en"})
    assert status == 200, body
    data = json.loads(body)
    top = data["matches"][0]
    assert top["offer"]["id"] == RBINS and top["request"]["id"] == MADAGASCAR
    assert top["offer"]["node"]["name"] == "be" and top["offer"]["node"]["label"] == "Belgium (test node)"
    assert top["score"] == 9 and top["points"] == {"support": 3, "target": 2, "theme": 2, "language": 1,
                                                   "country": 0, "dates": 1}
    assert top["explanation"] == ("shares the support type training, GBF target 6, and the theme invasive alien "
                                  "species; provider works in French; available during the requested period")
    status, _, body = fetch(url + "&lang=fr")
    assert json.loads(body)["matches"][0]["explanation"] == (
        "partage le type d'appui formation, la cible 6 du CMB et le thème espèces exotiques envahissantes ; le "
        "prestataire travaille en français ; disponible pendant la période demandée")


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def test_french_request_page_shows_the_belgian_offer_with_its_explanation(fr_server):
    """Over HTTP, in a browser's language: the portal's page of the French request lists the offer harvested from
    the Belgian node among its matches, with the engine's explanation, the node's name and a link to the copy."""
    page = f"{fr_server.url}/id/request/madagascar-crapaud-asiatique.html"
    status, _, body = fetch(page, {"Accept": "text/html", "Accept-Language": "fr-FR,fr;q=0.9"})
    assert status == 200, body[:500]
    matches = re.findall(r'<li class="match match-\w+">(.*?)</li>', body.decode("utf-8"), re.S)
    [belgian] = [m for m in matches if f'href="/resource?uri={RBINS}"' in m]
    why = _text(re.search(r'<p class="match-why">(.*?)</p>', belgian, re.S).group(1))
    assert why == ("Partage le type d'appui formation, la cible 6 du CMB et le thème espèces exotiques envahissantes ; "
                   "le prestataire travaille en français ; disponible pendant la période demandée.")
    meta = _text(re.search(r'<p class="match-meta">(.*?)</p>', belgian, re.S).group(1))
    assert meta == "Proposée par Institut royal des Sciences naturelles de Belgique · Nœud : Belgique (nœud de test)"
    assert "9 points sur 11 possibles" in _text(belgian)  # the most this pair could score
    status, _, copy = fetch(f"{fr_server.url}/resource?" + urllib.parse.urlencode({"uri": RBINS}),
                            {"Accept": "text/html", "Accept-Language": "fr"})
    assert status == 200 and "publiée par le nœud Belgique (nœud de test)" in _text(copy.decode("utf-8"))
    status, _, body = fetch(page, {"Accept": "text/html", "Accept-Language": "en"})
    assert ("Shares the support type training, GBF target 6, and the theme invasive alien species; provider works in "
            "French; available during the requested period.") in _text(body.decode("utf-8"))


def test_network_page_shows_the_belgian_node_harvest_figures(fr_server, network):
    status, _, body = fetch(f"{fr_server.url}/network", {"Accept": "text/html", "Accept-Language": "fr"})
    assert status == 200
    card = _text(body.decode("utf-8").split('id="node-be">')[1].split("</li>\n")[0])
    assert card.startswith("Belgique (nœud de test)")
    assert f"Point d'accès SPARQL {network['proxy'].url.removeprefix('http://')}/sparql" in card
    assert re.search(r"Dernier moissonnage \d{1,2} \w+\.? \d{4}, \d{2}:\d{2}:\d{2} UTC", card), card
    assert "Taille de la copie 186 faits" in card and "Contrôle de la copie Conforme à nos règles" in card
    assert "Nœud de démonstration" not in card  # a real node is not marked as a demonstration


def test_harvest_figures_of_the_belgian_node_from_the_registry_query(fr_server, network):
    query = get_query("network-nodes").text
    status, _, body = fetch(f"{fr_server.url}/sparql", {"Accept": "application/sparql-results+json",
                                                       "Content-Type": "application/sparql-query"}, query.encode())
    assert status == 200, body
    [row] = [{k: v["value"] for k, v in b.items()} for b in json.loads(body)["results"]["bindings"]]
    assert (row["name"], row["graph"], row["triples"], row["conforms"], row["violations"], row["harvests"]) == (
        "be", BE_GRAPH, str(BE_TRIPLES), "true", "0", "1")
    assert row["source"] == f"{network['proxy'].url}/sparql" and row["last_harvest"].startswith("20")
    status, _, body = fetch(f"{fr_server.url}/api/network")
    [be] = json.loads(body)["nodes"]
    assert be["harvest"]["triples"] == BE_TRIPLES and be["harvest"]["violations"] == 0


def test_our_endpoint_and_dumps_answer_304_when_unchanged(fr_server):
    for url in (f"{fr_server.url}/dumps/tsc-graph.nt.gz",
                f"{fr_server.url}/sparql?" + urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})):
        status, headers, body = fetch(url)
        assert status == 200 and body and headers["ETag"] and headers["Last-Modified"]
        status, _, body = fetch(url, {"If-None-Match": headers["ETag"]})
        assert (status, body) == (304, b"")
        status, _, body = fetch(url, {"If-Modified-Since": headers["Last-Modified"]})
        assert (status, body) == (304, b"")


def test_change_feed_lists_the_load_the_harvest_and_an_approved_submission(fr_server):
    bearer = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}
    status, _, body = fetch(f"{fr_server.url}/changes", {"Accept": "application/activity+json"})
    assert status == 200
    before = json.loads(body)["totalItems"]
    status, _, body = fetch(f"{fr_server.url}/admin/submissions/sub-network-1/approve", bearer, b"", "POST")
    assert status == 200, body
    status, headers, body = fetch(f"{fr_server.url}/changes?after=0")
    items = json.loads(body)["orderedItems"]
    kinds = [(i["tsc:changeKind"], i["object"]["id"]) for i in items]
    assert ("load", f"{FR_BASE}graph/projects") in kinds
    assert [k for k in kinds if k[0] == "harvest"] == [("harvest", BE_GRAPH)]  # the 304 harvest recorded nothing
    approval = items[-1]
    assert len(items) == before + 1
    assert (approval["type"], approval["tsc:changeKind"]) == ("Create", "approval")
    assert approval["object"] == {"id": f"{FR_BASE}id/project/approved-in-test",
                                  "type": "https://w3id.org/tsc-graph/ontology#Project"}
    assert approval["summaryMap"]["en"] == "submission sub-network-1 approved: Projet de test"
    status, _, body = fetch(f"{fr_server.url}/changes?after={approval['id'].rsplit('/', 1)[1]}")
    assert json.loads(body)["orderedItems"] == []  # a peer that saw everything gets nothing new


def test_make_load_harvests_the_demonstration_node_from_its_shipped_dump_once(tmp_path):
    """What `make load` (hence `make serve`) runs: the registry loaded, then `harvest --all` — the Belgian
    demonstration node comes in through the harvest path from data/nodes/be, without any network; a second
    run finds it unchanged and writes nothing."""
    store = tmp_path / "store"
    proc = cli("load", "--no-progress", str(ONTOLOGY_DIR), str(REFERENCE_DIR), str(DATA_DIR / "fr"), str(DATA_DIR / "demo"),
               str(DATA_DIR / "nodes" / "registry.ttl"), store=store)
    assert proc.returncode == 0, proc.stderr
    proc = cli("harvest", "--all", store=store)
    assert proc.returncode == 0, proc.stderr
    assert f"harvested {BE_TRIPLES} triples from file:data/nodes/be (local dump) into <{BE_GRAPH}>" in proc.stdout
    before = store_state(store)
    proc = cli("harvest", "--all", store=store)
    assert proc.returncode == 0 and "unchanged since the last harvest" in proc.stdout, proc.stdout + proc.stderr
    assert store_state(store) == before
    with open_store(f"oxigraph:{store}") as s:
        [row] = [r for r in s.query(get_query("network-nodes").text).bindings if str(r["name"]) == "be"]
        assert str(row["demonstration"]) == "true" and int(row["triples"]) == BE_TRIPLES
        assert str(row["source"]) == "file:data/nodes/be" and str(row["conforms"]) == "true"
