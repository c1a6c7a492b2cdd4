"""Operating a node: `make clean`, backup and restore, /healthz and /metrics (docs/operations.md)."""
from __future__ import annotations

import http.client
import io
import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from checkout import ROOT as PROJECT_ROOT
from tsc_graph import ONTOLOGY_DIR, __version__
from tsc_graph.backup import tar_stream, untar, verify
from tsc_graph.changes import graph_change
from tsc_graph.moderation import APPROVED, PENDING, ModerationQueue, Submission
from tsc_graph.namespaces import DEFAULT_BASE_URI
from tsc_graph.serverproc import ServerProcess
from tsc_graph.store import GraphNamer, expand_sources, open_store
from tsc_graph.store.oxigraph import OxigraphStore
from tsc_graph.web import create_app

TOKEN = "operations-test-token"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_clean_never_removes_var():
    """`make clean` is what people type to tidy up: it must not take the node's data (var/) with the caches."""
    out = subprocess.run(["make", "-n", "clean"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout
    removed = [word for line in out.splitlines() if line.startswith("rm ") for word in shlex.split(line)[2:]]
    assert removed and ".pytest_cache" in removed
    assert not any(w.rstrip("/") in ("var", "./var", ".", "*") or w.startswith(("var/", "./var/")) for w in removed)
    finds = [line for line in out.splitlines() if line.startswith("find ")]
    assert all("-path ./var -prune" in line for line in finds)


# --- backup and restore ----------------------------------------------------------------------------------


def _cli(*args: str) -> tuple[int, str, str]:
    """``tsc-graph ARGS`` in a child process (as an operator runs it): exit code, stdout, stderr."""
    done = subprocess.run([sys.executable, "-m", "tsc_graph.cli", *args], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=300, env={k: v for k, v in os.environ.items() if not k.startswith("TSC_")}
                          | {"TSC_ADMIN_TOKEN": TOKEN})
    return done.returncode, done.stdout, done.stderr


def _contents(store_dir: Path) -> dict[str, int]:
    store = open_store(f"oxigraph:{store_dir}")
    try:
        return {g: store.count(g) for g in store.graphs()}
    finally:
        store.close()


def _moderation_rows(store_dir: Path) -> list[tuple]:
    db = sqlite3.connect(str(store_dir / "moderation.sqlite3"))
    try:
        return db.execute("SELECT id, state, title, turtle FROM submissions ORDER BY id").fetchall()
    finally:
        db.close()


@pytest.fixture
def node(tmp_path) -> tuple[Path, Path]:
    """A stopped node on disk: the ontology loaded, two submissions in its moderation queue, a curators file."""
    store_dir = tmp_path / "store"
    assert _cli("--store", f"oxigraph:{store_dir}", "load", "--no-progress", str(ONTOLOGY_DIR))[0] == 0
    queue = ModerationQueue(store_dir / "moderation.sqlite3")
    for n, state in ((1, PENDING), (2, APPROVED)):
        queue.add(Submission(f"s{n}", f"urn:x:project:{n}", f"urn:x:graph:{n}", f"Project {n}",
                             f"<urn:x:project:{n}> a <urn:x:P> .", "someone@example.org", "en", {}, state, 1000.0 + n))
    queue.close()
    curators = tmp_path / "curators.toml"
    curators.write_text('# accounts\n[curators.ana]\nname = "Ana"\n')
    return store_dir, curators


def test_backup_wipe_restore_gives_the_same_node(node, tmp_path):
    store_dir, curators = node
    graphs, rows = _contents(store_dir), _moderation_rows(store_dir)
    assert graphs and len(rows) == 2
    backup = tmp_path / "backup"
    rc, out, err = _cli("--store", f"oxigraph:{store_dir}", "backup", str(backup), "--curators-file", str(curators))
    assert rc == 0, err
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["tsc_graph_version"] and manifest["store"]["quads"] == sum(graphs.values())
    assert "moderation.sqlite3" in manifest["databases"] and manifest["curators_file"] == "curators.toml"
    assert all(len(f["sha256"]) == 64 for f in manifest["files"])
    kept = curators.read_text()
    shutil.rmtree(store_dir)
    curators.unlink()
    rc, out, err = _cli("--store", f"oxigraph:{store_dir}", "restore", str(backup), "--curators-file", str(curators))
    assert rc == 0, err
    assert _contents(store_dir) == graphs
    assert _moderation_rows(store_dir) == rows
    assert curators.read_text() == kept


def test_restore_over_a_damaged_store(node, tmp_path):
    """The store no longer opens (its files were damaged): restoring over it is what it needs, not a refusal."""
    store_dir, _ = node
    graphs = _contents(store_dir)
    backup = tmp_path / "backup"
    assert _cli("--store", f"oxigraph:{store_dir}", "backup", str(backup))[0] == 0
    for f in (store_dir / "db").iterdir():
        if f.name.startswith(("CURRENT", "MANIFEST")):
            f.write_bytes(b"garbage")
    assert _cli("--store", f"oxigraph:{store_dir}", "graphs")[0] == 1
    rc, out, err = _cli("--store", f"oxigraph:{store_dir}", "restore", str(backup))
    assert rc == 0, err
    assert _contents(store_dir) == graphs


def _corrupt_byte(backup: Path) -> None:
    sst = next((backup / "store" / "db").glob("*.sst"))
    data = bytearray(sst.read_bytes())
    data[len(data) // 2] ^= 0xFF
    sst.write_bytes(bytes(data))


@pytest.mark.parametrize("damage, message", [
    (_corrupt_byte, "SHA-256 differs"),
    (lambda b: (b / "store" / "moderation.sqlite3").unlink(), "store/moderation.sqlite3: missing"),
    (lambda b: (b / "manifest.json").unlink(), "no manifest.json"),
], ids=["flipped-byte", "file-removed", "no-manifest"])
def test_a_corrupt_or_incomplete_backup_is_refused(node, tmp_path, damage, message):
    store_dir, _ = node
    before = _contents(store_dir)
    backup = tmp_path / "backup"
    assert _cli("--store", f"oxigraph:{store_dir}", "backup", str(backup))[0] == 0
    damage(backup)
    rc, out, err = _cli("--store", f"oxigraph:{store_dir}", "restore", str(backup))
    assert rc == 2
    assert "refusing a corrupt or incomplete backup" in err or "not a tsc-graph backup" in err
    assert message in err
    assert _contents(store_dir) == before  # untouched


def test_the_backup_archive_streams_in_bounded_chunks(tmp_path):
    """What the server sends: a tar archive that unpacks to the same files, never more than a chunk at a time."""
    source = tmp_path / "source"
    (source / "store" / "db").mkdir(parents=True)
    big = os.urandom(3_000_001)
    (source / "store" / "db" / "000001.sst").write_bytes(big)
    (source / "store" / "empty").write_bytes(b"")
    (source / "manifest.json").write_text("{}")
    chunks = list(tar_stream(source, chunk=65536))
    assert max(len(c) for c in chunks) <= 65536
    target = tmp_path / "target"
    untar(io.BytesIO(b"".join(chunks)), target)
    assert sorted(str(p.relative_to(target)) for p in target.rglob("*")) == [
        "manifest.json", "store", "store/db", "store/db/000001.sst", "store/empty"]
    assert (target / "store" / "db" / "000001.sst").read_bytes() == big


def test_backups_need_the_admin_token(tmp_path):
    """A curator signed in at the desk may moderate, not carry away every account's password hash."""
    from test_desk import SECRET, csrf, sign_in
    from tsc_graph.curators import Curator, dump, hash_secret

    curators = tmp_path / "curators.toml"
    curators.write_text(dump({"alice": Curator("alice", "Alice Martin", hash_secret(SECRET))}), encoding="utf-8")
    store = OxigraphStore(tmp_path / "store")
    try:
        app = create_app({"admin_token": TOKEN, "curators_file": str(curators)}, store=store)
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT"] = "text/html"  # a browser at the desk
        assert client.post("/admin/backup", headers={"Accept": "application/json"}).status_code == 401
        assert sign_in(client).status_code == 303
        token = csrf(client, "/admin/submissions")
        resp = client.post("/admin/backup", data={"csrf_token": token}, headers={"Accept": "application/json"})
        assert resp.status_code == 403 and resp.get_json()["error"] == "token_required"
        resp = client.post("/admin/backup", headers={"Authorization": f"Bearer {TOKEN}"})
        assert resp.status_code == 200 and resp.mimetype == "application/x-tar"
        untar(io.BytesIO(resp.get_data()), tmp_path / "backup")
        assert verify(tmp_path / "backup")["curators_file"] == "curators.toml"
        assert not any((tmp_path / "store" / "backups").iterdir())  # the server's copy is gone once sent
    finally:
        store.close()


def _put(url: str, graph: str, body: str) -> int:
    conn = http.client.HTTPConnection(urllib.parse.urlsplit(url).hostname, urllib.parse.urlsplit(url).port, timeout=60)
    conn.request("PUT", "/admin/graphs?graph=" + urllib.parse.quote(graph, safe=""), body.encode(),
                 {"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"})
    return conn.getresponse().status


def test_backup_through_a_running_server_under_writes(node, tmp_path):
    """While a server holds the store: the CLI alone refuses (and says to use --server), restore refuses, and a
    backup taken through the server during 50 uploads restores every upload acknowledged before it began."""
    store_dir, _ = node
    offline = tmp_path / "offline-backup"
    assert _cli("--store", f"oxigraph:{store_dir}", "backup", str(offline))[0] == 0
    acknowledged: list[tuple[float, str]] = []
    with ServerProcess(store_dir, env={"TSC_ADMIN_TOKEN": TOKEN, "TSC_QUERY_WORKERS": "1"},
                       log=tmp_path / "server.log") as server:
        rc, out, err = _cli("--store", f"oxigraph:{store_dir}", "backup", str(tmp_path / "refused"))
        assert rc == 1 and "--server" in err
        rc, out, err = _cli("--store", f"oxigraph:{store_dir}", "restore", str(offline))
        assert rc == 1 and "running server" in err

        def writes() -> None:
            for n in range(50):
                graph = f"urn:x:upload:{n}"
                assert _put(server.url, graph, f"<urn:x:s{n}> <urn:x:p> {n} .") == 201
                acknowledged.append((time.monotonic(), graph))

        writer = threading.Thread(target=writes)
        writer.start()
        while len(acknowledged) < 10 and writer.is_alive():
            time.sleep(0.01)
        began = time.monotonic()
        backup = tmp_path / "live-backup"
        rc, out, err = _cli("--store", f"oxigraph:{store_dir}", "backup", str(backup), "--server", server.url)
        writer.join(timeout=300)
        assert rc == 0, err
    assert len(acknowledged) == 50
    before_backup = {g for t, g in acknowledged if t < began}
    assert len(before_backup) >= 10
    restored = tmp_path / "restored"
    rc, out, err = _cli("--store", f"oxigraph:{restored}", "restore", str(backup))
    assert rc == 0, err
    graphs = _contents(restored)
    assert before_backup <= set(graphs)
    assert all(graphs[g] == 1 for g in graphs if g.startswith("urn:x:upload:"))
    assert _moderation_rows(restored) == _moderation_rows(store_dir)
    assert not (store_dir / "backups").exists() or not any((store_dir / "backups").iterdir())


# --- /healthz and /metrics -------------------------------------------------------------------------------

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (\S+)$')


def _samples(text: str) -> dict[str, dict[str, float]]:
    """The exposition text parsed by the format's grammar: family → labels → value (every line must parse)."""
    out: dict[str, dict[str, float]] = {}
    typed = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            name, kind = line.split()[2:4]
            assert kind in ("gauge", "counter") and name not in typed
            typed.add(name)
            continue
        if line.startswith("# HELP "):
            continue
        m = SAMPLE.match(line)
        assert m, f"not an exposition line: {line!r}"
        assert m.group(1) in typed, f"{m.group(1)} has no TYPE line before it"
        out.setdefault(m.group(1), {})[m.group(2) or ""] = float(m.group(3))
    return out


@pytest.fixture
def served_node(tmp_path):
    """A Flask app on an on-disk store with one query worker, the ontology loaded and one harvest recorded."""
    store = OxigraphStore(tmp_path / "store", query_workers=1, site_query_workers=0)
    store.load(expand_sources([ONTOLOGY_DIR]), graph_for=GraphNamer(DEFAULT_BASE_URI))
    app = create_app({"admin_token": TOKEN}, store=store)
    app.extensions["tsc_changes"].record(store, [graph_change("harvest", "urn:x:node:be", False, 3,
                                                              origin="https://be.example/sparql")])
    yield app, store
    store.close()


def test_healthz_answers_with_the_store(served_node):
    app, store = served_node
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    body = resp.get_json()
    assert body["status"] == "ok" and body["store"] == "reachable"
    assert body["quads"] == store.count() > 0 and body["version"] == __version__


def test_healthz_is_503_when_the_store_cannot_answer(served_node):
    app, store = served_node
    store.close()
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 503
    assert resp.get_json()["status"] == "unavailable" and resp.get_json()["store"] == "unreachable"


def test_metrics_in_the_prometheus_text_format(served_node):
    app, store = served_node
    resp = app.test_client().get("/metrics")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    m = _samples(resp.get_data(as_text=True))
    assert m["tsc_graph_info"] == {f'{{version="{__version__}"}}': 1}
    assert m["tsc_store_quads"][""] == store.count()
    assert m["tsc_store_graphs"][""] == len(store.graphs())
    assert m["tsc_store_graph_quads"] == {f'{{graph="{g}"}}': store.count(g) for g in store.graphs()}
    assert m["tsc_query_workers"]['{lane="public"}'] == 1 and m["tsc_query_workers"]['{lane="site"}'] == 0
    assert m["tsc_query_workers_idle"]['{lane="public"}'] == 1
    assert m["tsc_query_public_admitted"][""] == 0 and m["tsc_query_public_limit"][""] == 3  # 1 + 2 waiting
    assert sum(m["tsc_query_replica_info"].values()) == 1
    assert m["tsc_moderation_submissions"] == {'{state="pending"}': 0, '{state="approved"}': 0,
                                               '{state="rejected"}': 0}
    assert m["tsc_changes_total"]['{kind="harvest"}'] == 1
    assert m["tsc_change_last_timestamp_seconds"]['{kind="harvest"}'] == pytest.approx(time.time(), abs=60)
    assert m["tsc_store_last_write_timestamp_seconds"][""] == pytest.approx(time.time(), abs=60)


def test_metric_label_values_are_escaped():
    from tsc_graph.web.operations import _Exposition

    out = _Exposition()
    out.family("x", "gauge", "A test.", [({"graph": 'a"b\\c\nd'}, 2)])
    assert out.text().splitlines()[-1] == 'x{graph="a\\"b\\\\c\\nd"} 2'
    assert _samples(out.text()) == {"x": {'{graph="a\\"b\\\\c\\nd"}': 2}}


def test_metric_values_keep_every_digit():
    """1,234,567 quads must not read 1.23457e+06 (what a %g format would print)."""
    from tsc_graph.web.operations import _Exposition

    out = _Exposition()
    out.family("x", "gauge", "A test.", [({}, 1_234_567), ({"t": "1"}, 1765061234.125)])
    assert out.text().splitlines()[-2:] == ["x 1234567", 'x{t="1"} 1765061234.125']


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_systemd_unit_verifies(tmp_path):
    """deploy/tsc-graph.service, pointed at this checkout and the current user, passes `systemd-analyze verify`
    (as shipped it names /opt/tsc-graph, which only a deployment has)."""
    import grp
    import pwd

    unit = (PROJECT_ROOT / "deploy" / "tsc-graph.service").read_text()
    assert "ExecStart=/opt/tsc-graph/.venv/bin/tsc-graph --store oxigraph:/opt/tsc-graph/var/store serve" in unit
    local = (unit.replace("/opt/tsc-graph", str(PROJECT_ROOT))
             .replace("User=tsc-graph", f"User={pwd.getpwuid(os.getuid()).pw_name}")
             .replace("Group=tsc-graph", f"Group={grp.getgrgid(os.getgid()).gr_name}"))
    (tmp_path / "tsc-graph.service").write_text(local)
    done = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "tsc-graph.service")], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and "tsc-graph.service" not in done.stderr, done.stderr
