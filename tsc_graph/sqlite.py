"""The one way this package opens its SQLite files (the moderation queue, the change feed).

Why they share it: both are written by the server's request threads and read by commands while it runs, and
both must keep a committed write through a crash; the settings that give that are here only:

* one connection per file, shared by threads (callers serialise with their own lock), in autocommit mode
  (``isolation_level=None``): callers write ``BEGIN IMMEDIATE`` … ``COMMIT`` themselves;
* ``journal_mode=WAL`` for files, so readers never wait for a writer; ``synchronous=FULL``, so a committed
  transaction survives a power cut; a busy timeout of 30 s when another process holds the write lock;
* rows as :class:`sqlite3.Row` (by column name).

The schema is created (``CREATE … IF NOT EXISTS``) right after the connection is opened, in :func:`open_database`:
the place for any check of a file's schema version.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from . import sqlite_schema

#: Seconds a write waits for another connection's write lock before failing with "database is locked".
BUSY_TIMEOUT = 30


def open_database(path: Path | None, schema: str, version: int, what: str) -> sqlite3.Connection:
    """The connection to the SQLite file ``path`` (created with its directory if missing; None: in memory), with
    ``schema`` (a script of ``CREATE … IF NOT EXISTS``) applied; a file whose schema version is newer than
    ``version`` is refused untouched (:mod:`tsc_graph.sqlite_schema`; the caller stamps its version once its
    migrations have run)."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(":memory:" if path is None else str(path), check_same_thread=False, isolation_level=None,
                         timeout=BUSY_TIMEOUT)
    sqlite_schema.check(db, path, version, what)
    db.row_factory = sqlite3.Row
    if path is not None:
        db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")  # a committed decision or change survives a crash
    db.executescript(schema)
    return db


def row_fields(row: sqlite3.Row, *json_columns: str) -> dict:
    """A row as a dict, the ``json_columns`` (JSON text in the file) decoded: what a dataclass is built from."""
    fields = dict(row)
    for column in json_columns:
        fields[column] = json.loads(fields[column])
    return fields
