"""The moderation queue of submissions (projects, good practices, Bio-Bridge offers and requests): an SQLite file
beside the store, never the RDF store itself.

Why outside the store: the public endpoint queries the union of all named graphs, so anything put in the
store is public at once. A submission is published only when a curator approves it; until then it lives
here (title, Turtle, contact e-mail, who/when), and the contact e-mail is never published.

Besides the rows, the queue keeps every submission's **history** (table ``events``: submitted, edited, approved,
rejected, withdrawn, replaced — who, when, what), which the curators' desk shows and
:mod:`tsc_graph.provenance` publishes as PROV-O, and the hash of the submitter's private **tracking token**
(the token itself is only ever in the submitter's link).

Why every row has a **version** (bumped by every change to it) and decisions hold :meth:`ModerationQueue.deciding`:
two decisions on one submission — a double click on "approve", two curators, an approval while another curator
saves an edit — used to interleave: one approval recorded twice in the change feed, or the text published not the
one the desk then showed as approved. Decisions and edits now run one at a time, each re-reads the row, and one
prepared from a version that has changed since (a stale form) is refused with :class:`Stale`. The same version is
the compare-and-set of every write, so the row never changes under a decision even from another connection.

Why the **logged** watermark: the published PROV-O log (:mod:`tsc_graph.provenance`) is appended to after each
decision with the events it does not hold yet, instead of being rebuilt from the whole history (a decision took
0.25 s at the start, 8 s after 5,000).

Crash safety of an approval (docs/submissions.md): the Turtle is loaded into its own named graph
``{base}graph/submission/{id}`` (one atomic store load), *then* the row is marked ``approved`` (one
SQLite transaction). A crash between the two leaves "graph present, row pending", which
:meth:`ModerationQueue.reconcile` (run when the server opens the queue) turns into "approved". Marking is
idempotent, so a retried approval is harmless.

The decisions that publish or withdraw (approve, reject, the compare-and-set they rely on) are in
:mod:`tsc_graph.moderation.decisions`.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .. import sqlite_schema
from ..sqlite import open_database, row_fields

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
STATES = (PENDING, APPROVED, REJECTED)
#: What can happen to a submission (its history).
ACTIONS = ("submitted", "edited", "approved", "rejected", "withdrawn", "replaced")
#: Who did it when no person did: a restart finishing an interrupted approval.
SYSTEM = "system"

#: Version of the schema below (``PRAGMA user_version``, tsc_graph/sqlite_schema.py): raise it with a migration.
SCHEMA_VERSION = 1

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
CREATE TABLE IF NOT EXISTS events (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    sub_id  TEXT NOT NULL,
    at      REAL NOT NULL,
    action  TEXT NOT NULL,
    actor   TEXT NOT NULL DEFAULT '',
    name    TEXT NOT NULL DEFAULT '',
    note    TEXT NOT NULL DEFAULT '',
    detail  TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS events_sub ON events (sub_id, seq);
"""
#: Columns added after the first release, with their definitions (an older queue file gets them on opening).
_ADDED = {
    "kind": "TEXT NOT NULL DEFAULT 'project'",
    "tracking": "TEXT NOT NULL DEFAULT ''",
    "replaces": "TEXT NOT NULL DEFAULT ''",
    "version": "INTEGER NOT NULL DEFAULT 1",
    "logged": "INTEGER NOT NULL DEFAULT 0",
}
_INDEXES_ADDED = """
CREATE INDEX IF NOT EXISTS submissions_kind ON submissions (kind, state, submitted);
CREATE INDEX IF NOT EXISTS submissions_tracking ON submissions (tracking);
CREATE INDEX IF NOT EXISTS submissions_resource ON submissions (project_iri, state);
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


@dataclass(frozen=True)
class Filter:
    """Which submissions a list shows: a state, a kind, a submission-time range (seconds since the epoch)."""

    state: str | None = None
    kind: str | None = None
    since: float | None = None
    until: float | None = None

    def sql(self, skip: tuple[str, ...] = ()) -> tuple[list[str], list]:
        where, params = [], []
        for name, column, op in (("state", "state", "="), ("kind", "kind", "="), ("since", "submitted", ">="),
                                 ("until", "submitted", "<")):
            value = getattr(self, name)
            if value is not None and name not in skip:
                where.append(f"{column} {op} ?")
                params.append(value)
        return where, params


@dataclass
class Page:
    submissions: list["Submission"]
    next: Cursor | None


@dataclass
class Event:
    """One step of a submission's history: who (account and display name), when, what, and a note (the
    curator's reason, the fields an edit changed)."""

    sub_id: str
    at: float
    action: str
    actor: str = ""
    name: str = ""
    note: str = ""
    detail: dict = field(default_factory=dict)
    seq: int = 0

    @classmethod
    def _from_row(cls, row: sqlite3.Row) -> "Event":
        return cls(**row_fields(row, "detail"))


@dataclass
class Submission:
    id: str
    project_iri: str  # the submitted resource's IRI, whatever its kind (the column predates other kinds)
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
    kind: str = "project"
    tracking: str = ""  # sha256 of the submitter's tracking token (hex), never the token
    replaces: str = ""  # id of the approved submission whose resource this one updates
    version: int = 1  # bumped by every change of the row: what a decision prepared from a page compares
    logged: int = 0  # the last event (seq) the published moderation log holds (0: none, it was pending)

    @property
    def resource_iri(self) -> str:
        return self.project_iri

    @classmethod
    def _from_row(cls, row: sqlite3.Row) -> "Submission":
        return cls(**row_fields(row, "fields"))


class Stale(Exception):
    """A decision or an edit prepared from a version of the submission that has changed since (a double click,
    another curator, an edit meanwhile): refused; ``current`` is the submission as it stands now."""

    def __init__(self, current: Submission):
        super().__init__(f"submission {current.id} is at version {current.version} now")
        self.current = current


def tracking_hash(token: str) -> str:
    """What the queue keeps of a tracking token. The token is 32 random bytes (``secrets.token_urlsafe``), so a
    plain SHA-256 suffices: nothing to brute-force, and a leaked queue file gives no working link."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


class ModerationQueue:
    """Thread-safe queue in one SQLite file (``path=None``: in memory, for tests with a memory store)."""

    def __init__(self, path: str | Path | None):
        self.path = None if path is None else Path(path)
        self._lock = threading.Lock()
        self._deciding = threading.Lock()
        self._db = open_database(self.path, _SCHEMA, SCHEMA_VERSION, "moderation queue")
        present = {r["name"] for r in self._db.execute("PRAGMA table_info(submissions)")}
        for column, definition in _ADDED.items():
            if column not in present:
                self._db.execute(f"ALTER TABLE submissions ADD COLUMN {column} {definition}")
        self._db.executescript(_INDEXES_ADDED)
        sqlite_schema.stamp(self._db, SCHEMA_VERSION)

    def _transaction(self):
        return _Transaction(self._db, self._lock)

    def deciding(self) -> threading.Lock:
        """Held around every decision and edit (read the row, check its version, publish, mark, log): one at a
        time, so that two of them on one submission cannot interleave. Decisions are rare and short; serialising
        all of them also keeps two updates of one resource from publishing side by side."""
        return self._deciding

    @staticmethod
    def _check(db: "_Transaction", sub_id: str, expected: int | None) -> sqlite3.Row | None:
        """The row (None if there is none); :class:`Stale` if it is no longer at version ``expected``."""
        row = db.execute("SELECT * FROM submissions WHERE id = ?", (sub_id,)).fetchone()
        if row is not None and expected is not None and row["version"] != expected:
            db.rollback()
            raise Stale(Submission._from_row(row))
        return row

    # --- writing (each one SQLite transaction) ------------------------------------------------------
    def add(self, sub: Submission, quota: Quota | None = None, actor: str = "", name: str = "") -> float | None:
        """Record a submission (and its "submitted" event). With a ``quota``, only if its client is under it:
        else nothing is written and the answer is the seconds until the client may submit again (counting and
        adding are one transaction, so simultaneous submissions cannot overrun it)."""
        with self._transaction() as db:
            if quota is not None:
                wait = self._wait(sub.client, quota, sub.submitted)
                if wait is not None:
                    db.rollback()
                    return wait
            db.execute(
                "INSERT INTO submissions (id, project_iri, graph_iri, title, turtle, contact, lang, fields, state,"
                " submitted, decided, reason, client, kind, tracking, replaces) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (sub.id, sub.project_iri, sub.graph_iri, sub.title, sub.turtle, sub.contact, sub.lang,
                 json.dumps(sub.fields, ensure_ascii=False), sub.state, sub.submitted, sub.decided,
                 sub.reason, sub.client, sub.kind, sub.tracking, sub.replaces),
            )
            self._event(db, Event(sub.id, sub.submitted, "submitted", actor, name,
                                  detail={"replaces": sub.replaces} if sub.replaces else {}))
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

    def mark(self, sub_id: str, state: str, reason: str = "", actor: str = SYSTEM, name: str = "",
             action: str | None = None, expected: int | None = None) -> bool:
        """Set the state of a submission and record the decision in its history; idempotent (already in
        ``state`` → True, no change, no event). ``expected``: the version the decision was prepared from
        (:class:`Stale` if the row has another)."""
        if state not in STATES:
            raise ValueError(state)
        with self._transaction() as db:
            row = self._check(db, sub_id, expected)
            if row is None:
                db.rollback()
                return False
            if row["state"] == state:
                return True
            now = time.time()
            db.execute("UPDATE submissions SET state = ?, decided = ?, reason = ?, version = version + 1 WHERE id = ?",
                       (state, now, reason, sub_id))
            if action is None:
                action = {APPROVED: "approved", PENDING: "submitted"}.get(state) or (
                    "withdrawn" if row["state"] == APPROVED else "rejected")
            self._event(db, Event(sub_id, now, action, actor, name, reason))
            return True

    def revise(self, sub_id: str, *, title: str, turtle: str, fields: dict, contact: str, actor: str, name: str = "",
               changed: list[str] | None = None, expected: int | None = None) -> bool:
        """A curator's edit of a pending submission (already re-validated): new Turtle, fields and contact e-mail
        (kept private, like the original), one "edited" event naming the fields that changed. False if it is no
        longer pending; :class:`Stale` if it is no longer at version ``expected``."""
        with self._transaction() as db:
            row = self._check(db, sub_id, expected)
            if row is None or row["state"] != PENDING:
                db.rollback()
                return False
            db.execute("UPDATE submissions SET title = ?, turtle = ?, fields = ?, contact = ?, version = version + 1 "
                       "WHERE id = ?", (title, turtle, json.dumps(fields, ensure_ascii=False), contact, sub_id))
            self._event(db, Event(sub_id, time.time(), "edited", actor, name, detail={"fields": changed or []}))
            return True

    def note(self, sub_id: str, action: str, actor: str = SYSTEM, name: str = "", note: str = "",
             detail: dict | None = None) -> None:
        """Record an event that changes no state (a replaced version)."""
        with self._transaction() as db:
            self._event(db, Event(sub_id, time.time(), action, actor, name, note, detail or {}))

    @staticmethod
    def _event(db: sqlite3.Connection, e: Event) -> None:
        if e.action not in ACTIONS:
            raise ValueError(e.action)
        db.execute("INSERT INTO events (sub_id, at, action, actor, name, note, detail) VALUES (?,?,?,?,?,?,?)",
                   (e.sub_id, e.at, e.action, e.actor, e.name, e.note, json.dumps(e.detail, ensure_ascii=False)))

    def reconcile(self, graphs_in_store: Iterable[str]) -> list[str]:
        """After a crash: a pending submission whose graph is in the store was approved; mark it so.

        Every pending row is checked, however many there are (issue #11: reading only the newest 1,000 left an
        older interrupted approval "pending" while its graph was public).
        """
        present = set(graphs_in_store)
        fixed = [sub_id for sub_id, graph in self.graphs(PENDING) if graph in present]
        for sub_id in fixed:
            self.mark(sub_id, APPROVED, "approval completed on restart", actor=SYSTEM)
        return fixed

    # --- reading -----------------------------------------------------------------------------------
    def get(self, sub_id: str) -> Submission | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM submissions WHERE id = ?", (sub_id,)).fetchone()
        return None if row is None else Submission._from_row(row)

    def by_tracking(self, token: str) -> Submission | None:
        """The submission whose tracking link carries ``token`` (None for any other token)."""
        if not token or len(token) > 200:
            return None
        with self._lock:
            row = self._db.execute("SELECT * FROM submissions WHERE tracking = ?", (tracking_hash(token),)).fetchone()
        return None if row is None else Submission._from_row(row)

    def history(self, sub_id: str) -> list[Event]:
        """The submission's events, oldest first."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM events WHERE sub_id = ? ORDER BY seq", (sub_id,)).fetchall()
        return [Event._from_row(r) for r in rows]

    def decided_events(self) -> list[tuple[Submission, list[Event]]]:
        """Every decided (approved or rejected) submission with its history: what the published provenance
        says. Pending ones are left out: their existence is not public."""
        with self._lock:
            subs = [Submission._from_row(r) for r in self._db.execute(
                "SELECT * FROM submissions WHERE state != 'pending' ORDER BY submitted, id")]
            rows = self._db.execute(
                "SELECT e.* FROM events e JOIN submissions s ON s.id = e.sub_id WHERE s.state != 'pending' "
                "ORDER BY e.seq").fetchall()
        events: dict[str, list[Event]] = {}
        for r in rows:
            events.setdefault(r["sub_id"], []).append(Event._from_row(r))
        return [(s, events.get(s.id, [])) for s in subs]

    def page(self, state: str | None = None, *, after: Cursor | None = None, size: int = PAGE_SIZE,
             where: Filter | None = None) -> Page:
        """One page of submissions, newest first, starting after ``after`` (the previous page's ``next``).

        Keyset paging on (submitted, id): a page is one short query under the lock, and submissions arriving
        meanwhile never shift or repeat the rows of later pages.
        """
        size = max(1, min(size, MAX_PAGE_SIZE))
        where = where or Filter(state=state)
        clauses, params = where.sql()
        if after is not None:
            clauses.append("(submitted < ? OR (submitted = ? AND id < ?))")
            params += [after.submitted, after.submitted, after.id]
        sql = ("SELECT * FROM submissions" + (" WHERE " + " AND ".join(clauses) if clauses else "")
               + " ORDER BY submitted DESC, id DESC LIMIT ?")
        with self._lock:
            rows = self._db.execute(sql, (*params, size + 1)).fetchall()
        subs = [Submission._from_row(r) for r in rows[:size]]
        more = len(rows) > size
        return Page(subs, Cursor(subs[-1].submitted, subs[-1].id) if more else None)

    def published_versions(self, resource: str, besides: str) -> list[Submission]:
        """The approved submissions of ``resource`` other than ``besides``: what an approval of ``besides``
        replaces (every earlier version, also one approved after ``besides`` was prepared)."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM submissions WHERE project_iri = ? AND state = 'approved' "
                                    "AND id != ?", (resource, besides)).fetchall()
        return [Submission._from_row(r) for r in rows]

    def pending_update(self, sub_id: str) -> Submission | None:
        """A pending update of the approved submission ``sub_id``, if one is waiting already."""
        with self._lock:
            row = self._db.execute("SELECT * FROM submissions WHERE replaces = ? AND state = 'pending' "
                                   "ORDER BY submitted DESC LIMIT 1", (sub_id,)).fetchone()
        return None if row is None else Submission._from_row(row)

    def unlogged(self, sub_ids: Iterable[str]) -> list[tuple[Submission, list[Event]]]:
        """Decided submissions among ``sub_ids`` with the events the published log does not hold yet (after
        their ``logged`` watermark): what one decision adds to the log, whatever the history's size."""
        out = []
        with self._lock:
            for sub_id in dict.fromkeys(sub_ids):
                row = self._db.execute("SELECT * FROM submissions WHERE id = ? AND state != 'pending'",
                                       (sub_id,)).fetchone()
                if row is None:
                    continue
                events = self._db.execute("SELECT * FROM events WHERE sub_id = ? AND seq > ? ORDER BY seq",
                                          (sub_id, row["logged"])).fetchall()
                if events:
                    out.append((Submission._from_row(row), [Event._from_row(e) for e in events]))
        return out

    def log_behind(self) -> bool:
        """Whether a decided submission has events after its ``logged`` watermark (the log must be rebuilt)."""
        with self._lock:
            row = self._db.execute("SELECT 1 FROM submissions s WHERE s.state != 'pending' AND s.logged < "
                                   "(SELECT COALESCE(MAX(seq), 0) FROM events WHERE sub_id = s.id) LIMIT 1").fetchone()
        return row is not None

    def set_logged(self, marks: dict[str, int] | None = None) -> None:
        """The published log now holds every event up to ``marks[id]`` of each submission; None: it was rebuilt
        whole, holding every event of every decided submission and none of the pending ones."""
        with self._transaction() as db:
            if marks is None:
                db.execute("UPDATE submissions SET logged = CASE WHEN state = 'pending' THEN 0 ELSE "
                           "(SELECT COALESCE(MAX(seq), 0) FROM events WHERE sub_id = submissions.id) END")
            for sub_id, seq in (marks or {}).items():
                db.execute("UPDATE submissions SET logged = ? WHERE id = ?", (seq, sub_id))

    def graphs(self, state: str) -> list[tuple[str, str]]:
        """(id, graph IRI) of every submission in ``state``: what restart repair needs, without the Turtle."""
        with self._lock:
            rows = self._db.execute("SELECT id, graph_iri FROM submissions WHERE state = ?", (state,)).fetchall()
        return [(r["id"], r["graph_iri"]) for r in rows]

    def superseded(self) -> list[tuple[str, str]]:
        """(id, graph IRI) of every approved submission that a later approval of the same resource replaced: its
        graph must not be published (restart repair drops it)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT s.id, s.graph_iri FROM submissions s WHERE s.state = 'approved' AND EXISTS (SELECT 1 FROM "
                "submissions t WHERE t.project_iri = s.project_iri AND t.state = 'approved' AND t.graph_iri != "
                "s.graph_iri AND (t.decided > s.decided OR (t.decided = s.decided AND t.id > s.id)))").fetchall()
        return [(r["id"], r["graph_iri"]) for r in rows]

    def counts(self, where: Filter | None = None) -> dict[str, int]:
        """Submissions per state (within ``where``'s kind and dates; its state is ignored)."""
        out = dict.fromkeys(STATES, 0)
        out.update(self._count_by("state", where))
        return out

    def kind_counts(self, where: Filter | None = None) -> dict[str, int]:
        """Submissions per kind (within ``where``'s state and dates; its kind is ignored)."""
        return self._count_by("kind", where)

    def _count_by(self, column: str, where: Filter | None) -> dict[str, int]:
        """Submissions per value of ``column`` (``state`` or ``kind``: a fixed name, never user input), within
        ``where`` but for its filter on that column."""
        clauses, params = (where or Filter()).sql(skip=(column,))
        sql = (f"SELECT {column} AS value, COUNT(*) AS n FROM submissions"
               + (" WHERE " + " AND ".join(clauses) if clauses else "") + f" GROUP BY {column}")
        with self._lock:
            rows = self._db.execute(sql, params).fetchall()
        return {r["value"]: r["n"] for r in rows}

    def close(self) -> None:
        with self._lock:
            self._db.close()


class _Transaction:
    """``with queue._transaction() as db``: the lock, BEGIN IMMEDIATE, COMMIT (ROLLBACK on error or when the
    body called ``db.rollback()``)."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock):
        self._db = db
        self._lock = lock
        self._rolled_back = False

    def __enter__(self) -> "_Transaction":
        self._lock.acquire()
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._lock.release()
            raise
        return self

    def execute(self, sql: str, params: tuple | list = ()):
        return self._db.execute(sql, params)

    def rollback(self) -> None:
        self._db.execute("ROLLBACK")
        self._rolled_back = True

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if self._rolled_back:
                return
            self._db.execute("ROLLBACK" if exc_type is not None else "COMMIT")
        finally:
            self._lock.release()
