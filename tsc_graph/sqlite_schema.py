"""Schema versions of the SQLite databases beside the store (moderation queue, change feed, curators' sessions).

Why: after an upgrade that changed a schema is rolled back, the older tsc-graph would read a newer database
wrongly or write rows the newer one cannot read. Each database records the schema version it was last opened
with in SQLite's ``PRAGMA user_version`` (0: written before versions were recorded, which every version
reads); a program refuses a newer one with the reason and what to do, and stamps an older one with its own
version once its migrations (``CREATE … IF NOT EXISTS``, added columns) have run (docs/operations.md, Upgrade).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from .errors import TscGraphError


class SchemaTooNew(TscGraphError):
    """A database was written by a newer tsc-graph, with a schema this one does not know."""


def check(db: sqlite3.Connection, path: str | Path | None, known: int, what: str) -> None:
    """Refuse (and close ``db``) if its schema is newer than ``known``: nothing is read or written."""
    found = db.execute("PRAGMA user_version").fetchone()[0]
    if found > known:
        db.close()
        raise SchemaTooNew(
            f"{path}: the {what} database has schema version {found}, but this tsc-graph knows versions up to "
            f"{known}: a newer tsc-graph wrote it. Run that newer version again, or restore a backup taken before "
            "the upgrade (tsc-graph restore); the database was left unchanged")


def stamp(db: sqlite3.Connection, version: int) -> None:
    """Record ``version`` once the schema has been brought to it."""
    db.execute(f"PRAGMA user_version = {int(version)}")
