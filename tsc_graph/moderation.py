"""The moderation queue of submitted projects: an SQLite file beside the store, never the RDF store itself.

Why outside the store: the public endpoint queries the union of all named graphs, so anything put in the
store is public at once. A submission is published only when a curator approves it; until then it lives
here (title, Turtle of the project, contact e-mail, who/when), and the contact e-mail is never published.

Crash safety of an approval (docs/submissions.md): the project's Turtle is loaded into its own named
graph ``{base}graph/submission/{id}`` (one atomic store load), *then* the row is marked ``approved`` (one
SQLite transaction). A crash between the two leaves "graph present, row pending", which
:meth:`ModerationQueue.reconcile` (run when the server opens the queue) turns into "approved". Marking is
idempotent, so a retried approval is harmless.

:func:`publish` and :func:`withdraw` are the two decisions that change what the node publishes; whatever form
or desk a curator uses calls them, and they record the change in the change feed (:mod:`tsc_graph.changes`)
that peer nodes read.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .changes import ChangeFeed
    from .store import Store

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
STATES = (PENDING, APPROVED, REJECTED)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    id          TEXT PRIMARY KEY,
    project_iri TEXT NOT NULL,
    graph_iri   TEXT NOT NULL,
    title       TEXT NOT NULL,
    turtle      TEXT NOT NULL,
    contact     TEXT NOT NULL,
    lang        TEXT NOT NULL,
    fields      TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),
    submitted   REAL NOT NULL,
    decided     REAL,
    reason      TEXT NOT NULL DEFAULT '',
    client      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS submissions_state ON submissions (state, submitted);
"""


@dataclass
class Submission:
    id: str
    project_iri: str
    graph_iri: str
    title: str
    turtle: str
    contact: str
    lang: str
    fields: dict
    state: str
    submitted: float
    decided: float | None = None
    reason: str = ""
    client: str = ""

    @classmethod
    def _from_row(cls, row: sqlite3.Row) -> "Submission":
        d = dict(row)
        d["fields"] = json.loads(d["fields"])
        return cls(**d)


class ModerationQueue:
    """Thread-safe queue in one SQLite file (``path=None``: in memory, for tests with a memory store)."""

    def __init__(self, path: str | Path | None):
        self.path = None if path is None else Path(path)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:" if self.path is None else str(self.path),
                                   check_same_thread=False, isolation_level=None, timeout=30)
        self._db.row_factory = sqlite3.Row
        if self.path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a committed decision survives a crash
        self._db.executescript(_SCHEMA)

    # --- writing (each one SQLite transaction) ------------------------------------------------------
    def add(self, sub: Submission) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(
                    "INSERT INTO submissions (id, project_iri, graph_iri, title, turtle, contact, lang, fields, state,"
                    " submitted, decided, reason, client) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (sub.id, sub.project_iri, sub.graph_iri, sub.title, sub.turtle, sub.contact, sub.lang,
                     json.dumps(sub.fields, ensure_ascii=False), sub.state, sub.submitted, sub.decided,
                     sub.reason, sub.client),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def mark(self, sub_id: str, state: str, reason: str = "") -> bool:
        """Set the state of a pending submission; idempotent (already in ``state`` → True, no change)."""
        if state not in STATES:
            raise ValueError(state)
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute("SELECT state FROM submissions WHERE id = ?", (sub_id,)).fetchone()
                if row is None:
                    self._db.execute("ROLLBACK")
                    return False
                if row["state"] == state:
                    self._db.execute("COMMIT")
                    return True
                self._db.execute("UPDATE submissions SET state = ?, decided = ?, reason = ? WHERE id = ?",
                                 (state, time.time(), reason, sub_id))
                self._db.execute("COMMIT")
                return True
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def reconcile(self, graphs_in_store: Iterable[str]) -> list[str]:
        """After a crash: a pending submission whose graph is in the store was approved; mark it so."""
        present = set(graphs_in_store)
        fixed = [s.id for s in self.list(PENDING) if s.graph_iri in present]
        for sub_id in fixed:
            self.mark(sub_id, APPROVED, "approval completed on restart")
        return fixed

    # --- reading -----------------------------------------------------------------------------------
    def get(self, sub_id: str) -> Submission | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM submissions WHERE id = ?", (sub_id,)).fetchone()
        return None if row is None else Submission._from_row(row)

    def list(self, state: str | None = None, limit: int = 1000) -> list[Submission]:
        with self._lock:
            if state is None:
                rows = self._db.execute("SELECT * FROM submissions ORDER BY submitted DESC LIMIT ?", (limit,)).fetchall()
            else:
                rows = self._db.execute("SELECT * FROM submissions WHERE state = ? ORDER BY submitted DESC LIMIT ?",
                                        (state, limit)).fetchall()
        return [Submission._from_row(r) for r in rows]

    def counts(self) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute("SELECT state, COUNT(*) AS n FROM submissions GROUP BY state").fetchall()
        out = dict.fromkeys(STATES, 0)
        out.update({r["state"]: r["n"] for r in rows})
        return out

    def close(self) -> None:
        with self._lock:
            self._db.close()


# --- decisions that change what is published ----------------------------------------------------------------
def _resource_type(sub: Submission) -> str:
    """The class of the submitted resource, read from its Turtle (what a peer sees in the feed)."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF

    try:
        g = Graph().parse(data=sub.turtle, format="turtle")
    except Exception:  # stored Turtle was validated on submission; a feed entry must not fail on it
        return ""
    types = sorted(str(t) for t in g.objects(URIRef(sub.project_iri), RDF.type))
    return types[0] if types else ""


def publish(queue: ModerationQueue, store: "Store", sub: Submission, feed: "ChangeFeed | None" = None) -> None:
    """Approve a pending submission: load its Turtle into its own graph (one atomic store load), mark it
    approved, record it in the change feed. A crash between the first two is completed by ``reconcile``."""
    from .changes import Change
    from .store import GraphNamer, Source

    store.load([Source(f"submission {sub.id}", data=sub.turtle.encode("utf-8"), format="turtle")],
               graph_for=GraphNamer("urn:x:", fixed=sub.graph_iri))
    queue.mark(sub.id, APPROVED)
    if feed is not None:
        feed.record(store, [Change("approval", "Create", sub.project_iri, _resource_type(sub) or "Object",
                                   graph=sub.graph_iri, summary={
                                       "en": f"submission {sub.id} approved: {sub.title}",
                                       "fr": f"proposition {sub.id} approuvée : {sub.title}"})])


def withdraw(queue: ModerationQueue, store: "Store", sub: Submission, reason: str = "",
             feed: "ChangeFeed | None" = None) -> None:
    """Reject a pending submission, or withdraw an approved one: mark it rejected, then drop its graph (a crash
    between the two is completed by the server's reconcile); a withdrawal is recorded in the change feed."""
    from .changes import Change

    was_published = sub.state == APPROVED
    queue.mark(sub.id, REJECTED, reason)
    if was_published:
        store.drop_graph(sub.graph_iri)
        if feed is not None:
            feed.record(store, [Change("withdrawal", "Delete", sub.project_iri, _resource_type(sub) or "Object",
                                       graph=sub.graph_iri, summary={
                                           "en": f"submission {sub.id} withdrawn: {sub.title}",
                                           "fr": f"proposition {sub.id} retirée : {sub.title}"})])
