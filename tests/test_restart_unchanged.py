"""A restart changes nothing that did not change: ``make serve`` loads the same files at every start, and a load
of files unchanged since their last load must keep their graphs — the store's version (ETags, Last-Modified) and
the change feed stay as they were, so a peer still gets one 304 for "nothing new". A changed file still replaces
its graph, and is one change of the feed."""
from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checkout import DATA_DIR
from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
from tsc_graph.changes import ChangeFeed
from tsc_graph.namespaces import DEFAULT_BASE_URI
from tsc_graph.serverproc import ServerProcess
from tsc_graph.store import GraphNamer, expand_sources, open_store

ROOT = Path(__file__).resolve().parent.parent
KEPT = "(unchanged, kept)"
DUMP = "/dumps/tsc-graph.ttl"


@pytest.fixture
def sources(tmp_path) -> list[Path]:
    """A copy of ontology/, tsc_graph/reference/ and data/fr/ that a test may edit."""
    out = []
    for src, name in ((ONTOLOGY_DIR, "ontology"), (REFERENCE_DIR, "reference"), (DATA_DIR / "fr", "fr")):
        out.append(shutil.copytree(src, tmp_path / "src" / name))
    return out


def cli_load(store_dir: Path, paths: list[Path]) -> list[str]:
    """``tsc-graph load`` as ``make serve`` runs it; its per-graph lines."""
    proc = subprocess.run(
        [sys.executable, "-m", "tsc_graph.cli", "--store", f"oxigraph:{store_dir}", "load", "--no-progress",
         *map(str, paths)], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def token(store_dir: Path) -> str:
    return json.loads((store_dir / "version.json").read_text())["token"]


def feed_size(store_dir: Path) -> int:
    feed = ChangeFeed(store_dir / "changes.sqlite3")
    try:
        return feed.count()
    finally:
        feed.close()


def get(server: ServerProcess, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("GET", path, headers=headers or {})
    resp = conn.getresponse()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()


def test_second_load_keeps_every_graph_and_the_version(tmp_path, sources):
    store_dir = tmp_path / "store"
    first = cli_load(store_dir, sources)
    version, entries = token(store_dir), feed_size(store_dir)
    second = cli_load(store_dir, sources)
    assert len(second) == len(first) == entries
    assert all(line.endswith(KEPT) for line in second), second
    assert token(store_dir) == version
    assert feed_size(store_dir) == entries


def test_restart_keeps_the_feed_and_the_etag(tmp_path, sources):
    store_dir = tmp_path / "store"
    cli_load(store_dir, sources)
    with ServerProcess(store_dir, log=tmp_path / "server-1.log") as server:
        status, _, body = get(server, "/changes")
        assert status == 200
        total = json.loads(body)["totalItems"]
        status, headers, _ = get(server, DUMP)
        assert status == 200
        etag = headers["etag"]
    cli_load(store_dir, sources)  # what `make serve` runs before serving again
    with ServerProcess(store_dir, log=tmp_path / "server-2.log") as server:
        status, _, body = get(server, "/changes")
        assert status == 200 and json.loads(body)["totalItems"] == total
        status, headers, _ = get(server, DUMP, {"If-None-Match": etag})
        assert status == 304, headers
        assert headers["etag"] == etag


def test_a_changed_file_replaces_its_graph_only(tmp_path, sources):
    store_dir = tmp_path / "store"
    cli_load(store_dir, sources)
    version, entries = token(store_dir), feed_size(store_dir)
    practices = sources[2] / "practices.ttl"
    practices.write_text(practices.read_text() + '\n<urn:x:s> <urn:x:p> "a new triple" .\n')
    lines = cli_load(store_dir, sources)
    graph = f"{DEFAULT_BASE_URI}graph/practices"
    written = [line for line in lines if not line.endswith(KEPT)]
    assert len(written) == 1 and written[0].endswith(graph), lines
    assert token(store_dir) != version
    assert feed_size(store_dir) == entries + 1
    feed = ChangeFeed(store_dir / "changes.sqlite3")
    try:
        [change] = feed.after(entries, 10)
    finally:
        feed.close()
    assert (change.kind, change.type, change.graph) == ("load", "Update", graph)


def test_any_other_write_forgets_the_hash(tmp_path, sources):
    """A graph appended to, dropped or updated no longer holds what its files parse to: the next load writes it."""
    graph = f"{DEFAULT_BASE_URI}graph/practices"
    namer = GraphNamer(DEFAULT_BASE_URI)
    files = expand_sources([sources[2] / "practices.ttl"])
    with open_store(f"oxigraph:{tmp_path / 'store'}") as store:
        n = store.load(files, graph_for=namer).graphs[graph]
        assert store.load(files, graph_for=namer).kept == {graph: n}
        for write in (lambda: store.append(graph, b'<urn:x:s> <urn:x:p> "appended" .\n'),
                      lambda: store.drop_graph(graph),
                      lambda: store.update(f'INSERT DATA {{ GRAPH <{graph}> {{ <urn:x:s> <urn:x:p> "x" }} }}')):
            write()
            report = store.load(files, graph_for=namer)
            assert report.graphs == {graph: n} and not report.kept
    with open_store(f"oxigraph:{tmp_path / 'store'}") as store:  # the hashes survive a reopen
        assert store.load(files, graph_for=namer).kept == {graph: n}
