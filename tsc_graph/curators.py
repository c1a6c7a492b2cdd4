"""Named curator accounts: a TOML file (``TSC_CURATORS_FILE``) of account names, display names and password
hashes, so that several curators sign in to the desk each as themselves and every decision says who took it.

Why a file and not a database table: accounts are configuration, set up by whoever runs the node, reviewed and
versioned like the rest of it (never the passwords: only their hashes, werkzeug's salted scrypt). The server
re-reads the file when it changes, so adding or removing a curator needs no restart. ``tsc-graph curators add``
writes an entry (docs/submissions.md)::

    [curators.alice]
    name = "Alice Martin"
    secret = "scrypt:32768:8:1$…"

Who is signed in, and how many times an account tried, is state, not configuration: :class:`DeskSessions` keeps
it in an SQLite file beside the moderation queue.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import sqlite3
import threading
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from . import sqlite_schema

#: Account names: short, lowercase, safe in an IRI (``{base}id/curator/<name>`` in the published log).
ACCOUNT = re.compile(r"[a-z0-9][a-z0-9._-]{0,39}")
#: Fewer characters than this is refused by ``tsc-graph curators add``.
MIN_SECRET = 12
#: Compared against when the account does not exist, so that an unknown name costs the same time as a known one.
_DUMMY = generate_password_hash("tsc-graph: no such curator")


class CuratorsFileError(ValueError):
    """The curators file cannot be read (syntax, a bad account name, an entry without a secret)."""


@dataclass(frozen=True)
class Curator:
    account: str
    name: str
    secret_hash: str


def parse(text: str, source: str = "curators file") -> dict[str, Curator]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise CuratorsFileError(f"{source}: {e}") from None
    table = data.get("curators", {})
    if not isinstance(table, dict):
        raise CuratorsFileError(f"{source}: [curators] must be a table of accounts")
    out = {}
    for account, entry in table.items():
        if not ACCOUNT.fullmatch(account):
            raise CuratorsFileError(f"{source}: account name {account!r} must match {ACCOUNT.pattern}")
        if not isinstance(entry, dict) or not isinstance(entry.get("secret"), str) or not entry["secret"]:
            raise CuratorsFileError(f"{source}: account {account!r} has no secret (a password hash)")
        name = entry.get("name") if isinstance(entry.get("name"), str) and entry.get("name").strip() else account
        out[account] = Curator(account, name.strip()[:120], entry["secret"])
    return out


def dump(curators: dict[str, Curator]) -> str:
    """The file's text (TOML) for these accounts."""
    import json

    lines = ["# tsc-graph curator accounts (TSC_CURATORS_FILE): password hashes only, never passwords.",
             "# Add or change one with: tsc-graph curators add ACCOUNT --name \"Full name\"", ""]
    for c in sorted(curators.values(), key=lambda c: c.account):
        lines += [f"[curators.{c.account}]", f"name = {json.dumps(c.name, ensure_ascii=False)}",
                  f"secret = {json.dumps(c.secret_hash)}", ""]
    return "\n".join(lines)


def hash_secret(secret: str) -> str:
    return generate_password_hash(secret)


class CuratorAccounts:
    """The accounts of one file, re-read when its modification time or size changes."""

    def __init__(self, path: str | Path | None):
        self.path = Path(path) if path else None
        self._lock = threading.Lock()
        self._seen: tuple[float, int] | None = None
        self._accounts: dict[str, Curator] = {}
        if self.path is not None:
            self.reload()  # a broken file fails at start-up, not at the first sign-in

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def reload(self) -> dict[str, Curator]:
        assert self.path is not None
        with self._lock:
            try:
                st = os.stat(self.path)
            except FileNotFoundError:
                raise CuratorsFileError(f"curators file {self.path} does not exist (TSC_CURATORS_FILE)") from None
            stamp = (st.st_mtime, st.st_size)
            if stamp != self._seen:
                self._accounts = parse(self.path.read_text(encoding="utf-8"), str(self.path))
                self._seen = stamp
            return self._accounts

    def accounts(self) -> dict[str, Curator]:
        if self.path is None:
            return {}
        try:
            return self.reload()
        except (CuratorsFileError, OSError):
            return self._accounts  # a half-written file: keep the last good accounts

    def get(self, account: str) -> Curator | None:
        return self.accounts().get(account)

    def check(self, account: str, secret: str) -> Curator | None:
        """The curator if ``secret`` is theirs (constant work whether the account exists or not)."""
        curator = self.accounts().get(account) if account else None
        ok = check_password_hash(curator.secret_hash if curator else _DUMMY, secret or "")
        return curator if ok and curator is not None else None


#: Sign-in attempts an account gets before it must wait; then the wait doubles from FIRST_WAIT up to MAX_WAIT.
FREE_ATTEMPTS = 5
FIRST_WAIT = 30.0
MAX_WAIT = 15 * 60.0

#: Version of the sessions schema (``PRAGMA user_version``, tsc_graph/sqlite_schema.py).
SESSIONS_SCHEMA_VERSION = 1

_SESSIONS_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS attempts (
    account TEXT PRIMARY KEY,
    count   INTEGER NOT NULL,
    last    REAL NOT NULL
);
"""


def wait_after(count: int) -> float:
    """Seconds an account waits after ``count`` sign-in attempts that did not succeed (0 for the first few)."""
    if count < FREE_ATTEMPTS:
        return 0.0
    return min(MAX_WAIT, FIRST_WAIT * 2 ** (count - FREE_ATTEMPTS))


class DeskSessions:
    """Curators' sessions and sign-in attempts, server-side, in one SQLite file (``path=None``: in memory).

    Why sessions here, not only in the cookie: Flask's session is a signed cookie, so sign-out cleared the browser's
    copy and nothing else — a copy taken before (a shared computer, a proxy's log) stayed good until it expired,
    8 hours later. A sign-in now opens a row named by a random id the cookie carries (the row keeps its hash only),
    every request checks the row, and sign-out deletes it.

    Why attempts per account: the limit per address let 10 addresses try 200 passwords on one account in 27 s.
    Every attempt counts when it starts (one transaction, so simultaneous attempts cannot slip past the count) and
    a successful one clears the count; after :data:`FREE_ATTEMPTS`, the account waits :func:`wait_after` seconds
    between attempts — whatever the password, so guessing stops — and unknown accounts alike, so the answer does
    not tell which accounts exist.
    """

    def __init__(self, path: str | Path | None, lifetime: float, clock: Callable[[], float] = time.time):
        self.lifetime = lifetime
        self.clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:" if path is None else str(path), check_same_thread=False, timeout=30)
        sqlite_schema.check(self._db, path, SESSIONS_SCHEMA_VERSION, "curators' sessions")
        if path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SESSIONS_SCHEMA)
        sqlite_schema.stamp(self._db, SESSIONS_SCHEMA_VERSION)

    def open(self, account: str) -> str:
        """A new session of ``account``: the id for the cookie (sessions past their lifetime are forgotten)."""
        sid = secrets.token_urlsafe(32)
        now = self.clock()
        with self._lock, self._db:
            self._db.execute("DELETE FROM sessions WHERE created < ?", (now - self.lifetime,))
            self._db.execute("INSERT INTO sessions (id_hash, account, created) VALUES (?, ?, ?)",
                             (_hash(sid), account, now))
        return sid

    def valid(self, sid: str, account: str) -> bool:
        """Whether ``sid`` is an open session of ``account`` within its lifetime."""
        if not sid or len(sid) > 200:
            return False
        with self._lock:
            row = self._db.execute("SELECT account, created FROM sessions WHERE id_hash = ?", (_hash(sid),)).fetchone()
        return row is not None and row[0] == account and self.clock() - row[1] <= self.lifetime

    def close(self, sid: str) -> None:
        """Sign-out: the session ends here, whatever copies of its cookie exist."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM sessions WHERE id_hash = ?", (_hash(sid or ""),))

    def attempt(self, account: str) -> float | None:
        """Count a sign-in attempt of ``account``, or, while it must wait, refuse it: the seconds left."""
        now = self.clock()
        with self._lock, self._db:  # one transaction: committed, or rolled back on error
            self._db.execute("DELETE FROM attempts WHERE last < ?", (now - 2 * MAX_WAIT,))
            row = self._db.execute("SELECT count, last FROM attempts WHERE account = ?", (account,)).fetchone()
            count = row[0] if row else 0
            left = row[1] + wait_after(count) - now if row else 0.0
            if left > 0:
                return left
            self._db.execute("INSERT OR REPLACE INTO attempts (account, count, last) VALUES (?, ?, ?)",
                             (account, count + 1, now))
            return None

    def succeeded(self, account: str) -> None:
        """A right password: the account's count starts again."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM attempts WHERE account = ?", (account,))


def _hash(sid: str) -> str:
    """What the table keeps of a session id: a leaked file opens no session (ids are 32 random bytes)."""
    return hashlib.sha256(sid.encode("utf-8", "replace")).hexdigest()
