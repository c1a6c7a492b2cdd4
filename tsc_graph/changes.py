"""The change feed: every publish (load, upload), approval, withdrawal and harvest, with its time, in order.

Served at ``/changes`` as an Activity Streams 2.0 ``OrderedCollection`` with pages (tsc_graph/web/network.py), so a
peer node pulls only what changed since its last visit (``?after=<last id seen>``) instead of re-harvesting.

Where it lives: an SQLite file beside the store (``<store>/changes.sqlite3``; in memory for a memory store),
like the moderation queue — not in the RDF store, because appending to a graph is a store write, and every
store write makes the query workers take a new snapshot (seconds at a million triples).

Who writes it: the operations themselves (``tsc-graph load``, ``tsc-graph harvest``, approvals and withdrawals
in :mod:`tsc_graph.moderation`, graph uploads under ``/admin``). A write that bypassed them (another tool, or a
crash between the store write and the feed write) is caught by :meth:`ChangeFeed.reconcile`, run whenever a
feed is opened for a store: the store's version token (:meth:`tsc_graph.store.Store.version`) is compared with
the one the feed last saw, and the graphs whose size changed are recorded as ``detected`` changes.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import sqlite_schema
from .sqlite import open_database, row_fields
from .store import Store

#: Kinds of change → their Activity Streams activity type (``Create`` / ``Update`` / ``Delete`` are chosen
#: per change; these are the defaults).
KINDS = ("load", "upload", "approval", "withdrawal", "harvest", "drop", "detected")
SD_NAMED_GRAPH = "http://www.w3.org/ns/sparql-service-description#NamedGraph"
#: Largest number a change can have: SQLite's INTEGER is a signed 64-bit number.
MAX_SEQ = 2**63 - 1

#: Version of the schema below (``PRAGMA user_version``, tsc_graph/sqlite_schema.py): raise it with a migration.
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS changes (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    time        REAL NOT NULL,
    kind        TEXT NOT NULL,
    type        TEXT NOT NULL CHECK (type IN ('Create', 'Update', 'Delete')),
    object      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    graph       TEXT NOT NULL DEFAULT '',
    origin      TEXT NOT NULL DEFAULT '',
    triples     INTEGER,
    summary     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS changes_time ON changes (time);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS graph_sizes (graph TEXT PRIMARY KEY, size INTEGER NOT NULL);
"""


@dataclass
class Change:
    """One entry of the feed. ``summary`` maps a language to a sentence for people."""

    kind: str
    type: str
    object: str
    object_type: str = SD_NAMED_GRAPH
    graph: str = ""
    origin: str = ""
    triples: int | None = None
    summary: dict[str, str] = field(default_factory=dict)
    seq: int = 0
    time: float = 0.0

    @classmethod
    def _from_row(cls, row: sqlite3.Row) -> "Change":
        return cls(**row_fields(row, "summary"))


def graph_change(kind: str, graph: str, existed: bool, triples: int | None, origin: str = "") -> Change:
    """A named graph was (re)written or dropped by ``kind`` (load, upload, harvest, drop)."""
    if kind == "drop":
        return Change(kind, "Delete", graph, graph=graph, summary={
            "en": f"graph {graph} removed", "fr": f"graphe {graph} supprimé"})
    what = {"load": ("loaded", "chargé"), "upload": ("uploaded", "téléversé"), "harvest": ("harvested", "moissonné")}
    en, fr = what.get(kind, ("written", "écrit"))
    src_en = f" from {origin}" if origin else ""
    src_fr = f" depuis {origin}" if origin else ""
    n = f" ({triples} triples)" if triples is not None else ""
    return Change(kind, "Update" if existed else "Create", graph, graph=graph, origin=origin, triples=triples,
                  summary={"en": f"graph {graph} {en}{src_en}{n}", "fr": f"graphe {graph} {fr}{src_fr}{n}"})


class ChangeFeed:
    """Thread-safe, in one SQLite file (``path=None``: in memory)."""

    def __init__(self, path: str | Path | None):
        self.path = None if path is None else Path(path)
        self._lock = threading.Lock()
        self._db = open_database(self.path, _SCHEMA, SCHEMA_VERSION, "change feed")
        kept = self._state("graph_sizes", None)  # a feed file from before the table held them as one JSON value
        if kept is not None:
            self._save(kept, self._state("store_token", None), whole=True, drop_key="graph_sizes")
        sqlite_schema.stamp(self._db, SCHEMA_VERSION)

    @classmethod
    def beside(cls, store: Store, path: str | Path | None = None) -> "ChangeFeed":
        """The feed of ``store``: ``path``, else ``<store dir>/changes.sqlite3``, else in memory."""
        if path is None and getattr(store, "path", None) is not None:
            path = Path(store.path) / "changes.sqlite3"
        return cls(path)

    # --- writing ------------------------------------------------------------------------------------------
    def record(self, store: Store | None, changes: Sequence[Change]) -> list[Change]:
        """Append ``changes`` (one transaction), then remember the store's version and the touched graphs' sizes."""
        now = time.time()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                out = []
                for c in changes:
                    if c.kind not in KINDS:
                        raise ValueError(f"unknown change kind {c.kind!r}")
                    cur = self._db.execute(
                        "INSERT INTO changes (time, kind, type, object, object_type, graph, origin, triples, summary)"
                        " VALUES (?,?,?,?,?,?,?,?,?)",
                        (now, c.kind, c.type, c.object, c.object_type, c.graph, c.origin, c.triples,
                         json.dumps(c.summary, ensure_ascii=False)))
                    out.append(Change(**{**c.__dict__, "seq": cur.lastrowid, "time": now}))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        if store is not None:
            self._remember(store, {c.graph: c.triples for c in changes if c.graph})
        return out

    def remember(self, store: Store, graphs: dict[str, int | None]) -> None:
        """Take note of graphs written as a consequence of a change already recorded (the moderation log rebuilt
        after an approval), so that :meth:`reconcile` does not report them as changes made behind the feed's back."""
        self._remember(store, graphs)

    def remember_growth(self, store: Store, graph: str, added: int) -> None:
        """Like :meth:`remember`, for a graph that grew by ``added`` triples (the moderation log, appended to after
        a decision): its size follows from the one saved, without counting the graph (counted if none was saved)."""
        with self._lock:
            row = self._db.execute("SELECT size FROM graph_sizes WHERE graph = ?", (graph,)).fetchone()
        self._remember(store, {graph: row["size"] + added if row else None})

    def _remember(self, store: Store, graphs: dict[str, int | None]) -> None:
        """Save the store's version and the sizes of ``graphs`` (given, or counted when None). Only those graphs
        are looked at and written: a write's cost must not grow with the number of graphs (one per approval)."""
        sizes = {g: (store.count(g) if n is None else n) if store.has_graph(g) else None for g, n in graphs.items()}
        version = store.version()
        self._save(sizes, version.token if version else None)

    def reconcile(self, store: Store, base_uri: str = "") -> list[Change]:
        """Record what changed in ``store`` since this feed last saw it and nobody recorded; [] when nothing did.

        A new feed on an existing store only takes note of it (a peer starting from an empty feed harvests
        everything anyway). Graphs that appeared, disappeared or changed size are recorded one by one; a change
        that kept every size is recorded as one change of the whole dataset.
        """
        version = store.version()
        if version is None:
            return []
        saved_token = self._state("store_token", None)
        if saved_token == version.token:
            return []
        sizes = {g: store.count(g) for g in store.graphs()}
        if saved_token is None and self.count() == 0:
            self._save(sizes, version.token, whole=True)
            return []
        with self._lock:
            before = {r["graph"]: r["size"] for r in self._db.execute("SELECT graph, size FROM graph_sizes")}
        found = []
        for g in sorted(set(sizes) | set(before)):
            if g not in sizes:
                found.append(Change("detected", "Delete", g, graph=g, summary={
                    "en": f"graph {g} removed outside a recorded operation",
                    "fr": f"graphe {g} supprimé hors d'une opération enregistrée"}))
            elif sizes[g] != before.get(g):
                found.append(Change("detected", "Update" if g in before else "Create", g, graph=g, triples=sizes[g],
                                    summary={"en": f"graph {g} changed outside a recorded operation ({sizes[g]} triples)",
                                             "fr": f"graphe {g} modifié hors d'une opération enregistrée ({sizes[g]} triples)"}))
        if not found:
            found.append(Change("detected", "Update", base_uri or "urn:tsc-graph:dataset", object_type="Collection",
                                summary={"en": "the dataset changed outside a recorded operation",
                                         "fr": "le jeu de données a changé hors d'une opération enregistrée"}))
        out = self.record(None, found)
        self._save(sizes, version.token, whole=True)
        return out

    # --- reading ------------------------------------------------------------------------------------------
    def count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM changes").fetchone()[0]

    def by_kind(self) -> dict[str, tuple[int, float]]:
        """Per kind of change (load, harvest, approval…): how many the feed holds and the time of the last one,
        which is what monitoring asks of it (``/metrics``: when did this node last harvest?)."""
        with self._lock:
            rows = self._db.execute("SELECT kind, COUNT(*), MAX(time) FROM changes GROUP BY kind").fetchall()
        return {row[0]: (row[1], row[2]) for row in rows}

    def last_seq(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0]

    def get(self, seq: int) -> Change | None:
        """The change numbered ``seq``; None for a number no change has, also one past SQLite's 64-bit integers
        (``/changes/99999999999999999999`` raised OverflowError binding it: a 500)."""
        if not 0 < seq <= MAX_SEQ:
            return None
        with self._lock:
            row = self._db.execute("SELECT * FROM changes WHERE seq = ?", (seq,)).fetchone()
        return None if row is None else Change._from_row(row)

    def after(self, seq: int, limit: int) -> list[Change]:
        """Up to ``limit`` changes with a sequence number above ``seq``, oldest first."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM changes WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit)).fetchall()
        return [Change._from_row(r) for r in rows]

    def between(self, first: int, last: int) -> list[Change]:
        """Changes with ``first <= seq <= last``, oldest first (one page of the collection)."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM changes WHERE seq BETWEEN ? AND ? ORDER BY seq",
                                    (first, last)).fetchall()
        return [Change._from_row(r) for r in rows]

    def seq_before(self, when: float) -> int:
        """The last sequence number recorded before ``when`` (seconds since the epoch); 0 if none."""
        with self._lock:
            row = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM changes WHERE time < ?", (when,)).fetchone()
        return row[0]

    # --- state ----------------------------------------------------------------------------------------------
    def _state(self, key: str, default):
        with self._lock:
            row = self._db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row["value"])

    def _save(self, sizes: dict[str, int | None], token: str | None, *, whole: bool = False,
              drop_key: str | None = None) -> None:
        """One transaction: graph sizes (None: the graph is gone; ``whole``: these are all of them), the store's
        version ``token``, and a state key to forget."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                if whole:
                    self._db.execute("DELETE FROM graph_sizes")
                for g, n in sizes.items():
                    if n is None:
                        self._db.execute("DELETE FROM graph_sizes WHERE graph = ?", (g,))
                    else:
                        self._db.execute("INSERT OR REPLACE INTO graph_sizes (graph, size) VALUES (?, ?)", (g, n))
                self._db.execute("INSERT OR REPLACE INTO state (key, value) VALUES ('store_token', ?)",
                                 (json.dumps(token),))
                if drop_key is not None:
                    self._db.execute("DELETE FROM state WHERE key = ?", (drop_key,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        with self._lock:
            self._db.close()
