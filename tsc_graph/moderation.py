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
CREATE INDEX IF NOT EXISTS submissions_client ON submissions (client, submitted);
"""


@dataclass(frozen=True)
class Quota:
    """At most ``amount`` recorded submissions per client in any ``seconds`` (failed attempts do not count)."""

    amount: int
    seconds: float

    @classmethod
    def parse(cls, text: str) -> "Quota":
        """``10 per hour``, ``3/minute``, ``50 per 1 day`` (the notation of the ``limits`` package)."""
        from limits import parse

        item = parse(text)
        return cls(item.amount, float(item.get_expiry()))


#: Submissions per page of the moderation list, by default and at most.
PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the (submitted, id) of its last row. Text form ``<submitted>~<id>`` for URLs."""

    submitted: float
    id: str

    def __str__(self) -> str:
        return f"{self.submitted!r}~{self.id}"

    @classmethod
    def parse(cls, text: str) -> "Cursor":
        """ValueError unless ``text`` is what ``str(cursor)`` wrote."""
        submitted, sep, sub_id = text.partition("~")
        value = float(submitted)
        if not sep or not sub_id or len(text) > 300 or value != value:
            raise ValueError(text)
        return cls(value, sub_id)


@dataclass
class Page:
    submissions: list["Submission"]
    next: Cursor | None


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
    def add(self, sub: Submission, quota: Quota | None = None) -> float | None:
        """Record a submission. With a ``quota``, only if its client is under it: else nothing is written and
        the answer is the seconds until the client may submit again (counting and adding are one transaction,
        so simultaneous submissions cannot overrun it)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                if quota is not None:
                    wait = self._wait(sub.client, quota, sub.submitted)
                    if wait is not None:
                        self._db.execute("ROLLBACK")
                        return wait
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
        return None

    def wait_for(self, client: str, quota: Quota, now: float | None = None) -> float | None:
        """Seconds until ``client`` may submit again under ``quota`` (None: it may now)."""
        with self._lock:
            return self._wait(client, quota, time.time() if now is None else now)

    def _wait(self, client: str, quota: Quota, now: float) -> float | None:
        rows = self._db.execute(
            "SELECT submitted FROM submissions WHERE client = ? AND submitted > ? ORDER BY submitted DESC LIMIT ?",
            (client, now - quota.seconds, quota.amount)).fetchall()
        if len(rows) < quota.amount:
            return None
        return max(rows[-1]["submitted"] + quota.seconds - now, 1.0)

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
        """After a crash: a pending submission whose graph is in the store was approved; mark it so.

        Every pending row is checked, however many there are (issue #11: reading only the newest 1,000 left an
        older interrupted approval "pending" while its graph was public).
        """
        present = set(graphs_in_store)
        fixed = [sub_id for sub_id, graph in self.graphs(PENDING) if graph in present]
        for sub_id in fixed:
            self.mark(sub_id, APPROVED, "approval completed on restart")
        return fixed

    # --- reading -----------------------------------------------------------------------------------
    def get(self, sub_id: str) -> Submission | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM submissions WHERE id = ?", (sub_id,)).fetchone()
        return None if row is None else Submission._from_row(row)

    def page(self, state: str | None = None, *, after: Cursor | None = None, size: int = PAGE_SIZE) -> Page:
        """One page of submissions, newest first, starting after ``after`` (the previous page's ``next``).

        Keyset paging on (submitted, id): a page is one short query under the lock, and submissions arriving
        meanwhile never shift or repeat the rows of later pages.
        """
        size = max(1, min(size, MAX_PAGE_SIZE))
        where, params = [], []
        if state is not None:
            where.append("state = ?")
            params.append(state)
        if after is not None:
            where.append("(submitted < ? OR (submitted = ? AND id < ?))")
            params += [after.submitted, after.submitted, after.id]
        sql = ("SELECT * FROM submissions" + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY submitted DESC, id DESC LIMIT ?")
        with self._lock:
            rows = self._db.execute(sql, (*params, size + 1)).fetchall()
        subs = [Submission._from_row(r) for r in rows[:size]]
        more = len(rows) > size
        return Page(subs, Cursor(subs[-1].submitted, subs[-1].id) if more else None)

    def graphs(self, state: str) -> list[tuple[str, str]]:
        """(id, graph IRI) of every submission in ``state``: what restart repair needs, without the Turtle."""
        with self._lock:
            rows = self._db.execute("SELECT id, graph_iri FROM submissions WHERE state = ?", (state,)).fetchall()
        return [(r["id"], r["graph_iri"]) for r in rows]

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
