"""The SQLite databases beside the store record their schema version (PRAGMA user_version), and a tsc-graph that
finds a newer one refuses it with the reason instead of misreading it: an upgrade can be rolled back (issue #26)."""
from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys

import pytest

from checkout import ROOT
from tsc_graph.changes import ChangeFeed
from tsc_graph.curators import DeskSessions
from tsc_graph.moderation import ModerationQueue
from tsc_graph.sqlite_schema import SchemaTooNew

OPENERS = {
    "moderation queue": lambda path: ModerationQueue(path),
    "change feed": lambda path: ChangeFeed(path),
    "curators' sessions": lambda path: DeskSessions(path, 3600.0),
}


def user_version(path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA user_version").fetchone()[0]


def set_user_version(path, version: int) -> None:
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {version}")
    db.close()


def close(opened) -> None:
    opened._db.close()  # DeskSessions.close(sid) ends one session, not the database


@pytest.mark.parametrize("what", sorted(OPENERS))
def test_a_new_database_records_its_schema_version_and_an_old_one_is_stamped(tmp_path, what):
    path = tmp_path / "db.sqlite3"
    close(OPENERS[what](path))
    assert user_version(path) == 1
    set_user_version(path, 0)  # as written before versions were recorded
    close(OPENERS[what](path))
    assert user_version(path) == 1


@pytest.mark.parametrize("what", sorted(OPENERS))
def test_a_newer_schema_is_refused_and_left_unchanged(tmp_path, what):
    path = tmp_path / "db.sqlite3"
    close(OPENERS[what](path))
    set_user_version(path, 7)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(SchemaTooNew) as refused:
        OPENERS[what](path)
    message = str(refused.value)
    assert f"{path}: the {what} database has schema version 7" in message
    assert "knows versions up to 1" in message and "tsc-graph restore" in message
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_the_cli_says_why_and_exits_1(tmp_path):
    store = tmp_path / "store"
    cmd = [sys.executable, "-m", "tsc_graph.cli", "--store", f"oxigraph:{store}", "load", "--no-progress",
           "tsc_graph/reference/gbf.ttl"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    assert subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, timeout=300, check=False).returncode == 0
    set_user_version(store / "changes.sqlite3", 2)
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 1
    assert "the change feed database has schema version 2" in proc.stderr and "Traceback" not in proc.stderr
