"""The operator's commands while ``tsc-graph serve`` holds the store: the read-side ones (``export``, ``export-chm``,
``query``, ``graphs``) read the server's snapshot of its last commit instead of refusing; ``harvest --all`` goes
through the server (``--server URL``, ``POST /admin/harvest``) and, without it, says so; a write through the server
shows in the next read; the portal's pages follow a graph replaced by one of the same size."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from checkout import ROOT
from conftest import http_request
from tsc_graph.serverproc import ServerProcess

TOKEN = "serving-side-token-0123456789"


def _cli(store, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TSC_")}
    return subprocess.run([sys.executable, "-m", "tsc_graph.cli", "--store", f"oxigraph:{store}", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, env={**clean, **(env or {})})


@pytest.fixture(scope="module")
def served(french_store_dir, tmp_path_factory):
    store = tmp_path_factory.mktemp("served") / "store"
    shutil.copytree(french_store_dir, store, ignore=shutil.ignore_patterns("snapshots", "LOCK"))
    assert _cli(store, "load", "--no-progress", "data/nodes/registry.ttl").returncode == 0
    server = ServerProcess(store, env={"TSC_ADMIN_TOKEN": TOKEN}, log=store.parent / "server.log").start()
    try:
        yield store, server.url
    finally:
        server.stop()


def _count(url: str) -> int:
    answer = http_request(url + "/sparql?query=" + "SELECT%20(COUNT(*)%20AS%20%3Fn)%20%7B%20GRAPH%20%3Fg%20%7B%3Fs%20%3Fp%20%3Fo%7D%20%7D",
                          headers={"Accept": "application/sparql-results+json"})
    return int(json.loads(answer.body)["results"]["bindings"][0]["n"]["value"])


def test_read_side_commands_read_the_servers_snapshot(served, tmp_path):
    store, url = served
    graphs = _cli(store, "graphs")
    assert graphs.returncode == 0, graphs.stderr
    assert "a running server holds" in graphs.stderr
    assert "graph/projects" in graphs.stdout

    count = tmp_path / "count.rq"
    count.write_text("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
    query = _cli(store, "query", str(count), "--format", "csv")
    assert query.returncode == 0, query.stderr
    assert int(query.stdout.split()[-1]) == _count(url)  # the snapshot is the server's content

    dump = tmp_path / "dump.nq"
    export = _cli(store, "export", "--include-demo", "-o", str(dump))
    assert export.returncode == 0, export.stderr
    assert sum(1 for line in dump.read_text().splitlines() if line.strip()) == _count(url)

    chm = _cli(store, "export-chm", "-o", str(tmp_path / "chm"))
    assert chm.returncode == 0, chm.stderr
    assert list((tmp_path / "chm").glob("*.json"))
    assert not list(store.glob("served-*"))  # the private copies are gone


def test_a_write_through_the_server_shows_in_the_next_read(served):
    store, url = served
    graph = "https://fr.chm-cbd.net/tsc/graph/while-serving"
    put = http_request(f"{url}/admin/graphs?graph={graph}", "PUT",
                       {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"},
                       "<urn:x:a> <urn:x:b> <urn:x:c> .")
    assert put.status in (200, 201), put.text
    listed = _cli(store, "graphs")
    assert listed.returncode == 0 and f"1  {graph}" in listed.stdout


def test_harvest_goes_through_the_server(served):
    store, url = served
    refused = _cli(store, "harvest", "--all")
    assert refused.returncode != 0
    assert "harvest --all --server http://HOST:PORT" in refused.stderr

    no_token = _cli(store, "harvest", "--all", "--server", url)
    assert no_token.returncode == 2 and "TSC_ADMIN_TOKEN" in no_token.stderr

    done = _cli(store, "harvest", "--all", "--server", url, "--format", "json", env={"TSC_ADMIN_TOKEN": TOKEN})
    assert done.returncode == 0, done.stderr
    [be] = json.loads(done.stdout)
    assert be["graph"].endswith("graph/node/be") and be["triples"] > 0
    assert "graph/node/be" in _cli(store, "graphs").stdout

    again = _cli(store, "harvest", "--all", "--server", url, env={"TSC_ADMIN_TOKEN": TOKEN})
    assert again.returncode == 0 and "unchanged" in again.stdout  # the shipped dump did not change


def test_the_portal_cache_follows_a_graph_replaced_by_one_of_the_same_size():
    """The portal's answers are cached per store version, not per size: a graph replaced by one with as many
    triples (``PUT /admin/graphs``) was shown with its old content until the next restart."""
    from tsc_graph.store import GraphNamer, Source
    from tsc_graph.store.oxigraph import OxigraphStore
    from tsc_graph.web.portal.cache import StoreCache

    store = OxigraphStore(None)
    cache = StoreCache(recheck=0)
    graph = "https://fr.chm-cbd.net/tsc/graph/same-size"

    def label() -> str:
        rows = store.query("SELECT ?l { GRAPH ?g { ?s ?p ?l } }").bindings
        return str(rows[0]["l"])

    for text in ("Alpha", "Bravo"):
        store.load([Source(f"{text}.ttl", data=f'<urn:x:s> <urn:x:p> "{text}" .'.encode(), format="turtle")],
                   graph_for=GraphNamer("https://fr.chm-cbd.net/tsc/", fixed=graph))
        assert store.count() == 1
        assert cache.get(store, "label", label) == text
