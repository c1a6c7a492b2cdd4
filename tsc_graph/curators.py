"""Named curator accounts: a TOML file (``TSC_CURATORS_FILE``) of account names, display names and password
hashes, so that several curators sign in to the desk each as themselves and every decision says who took it.

Why a file and not a database table: accounts are configuration, set up by whoever runs the node, reviewed and
versioned like the rest of it (never the passwords: only their hashes, werkzeug's salted scrypt). The server
re-reads the file when it changes, so adding or removing a curator needs no restart. ``tsc-graph curators add``
writes an entry (docs/submissions.md)::

    [curators.alice]
    name = "Alice Martin"
    secret = "scrypt:32768:8:1$…"
"""
from __future__ import annotations

import os
import re
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

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
