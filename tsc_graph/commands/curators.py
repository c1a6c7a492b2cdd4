"""``tsc-graph curators``: the named accounts that sign in to the curators' desk (``TSC_CURATORS_FILE``).

``add ACCOUNT [--name "Full name"]`` asks for the password twice (or reads one line from stdin when it is not a
terminal: scripts, CI) and writes its hash; ``remove ACCOUNT``; ``list``. The file holds hashes only.
"""
from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from ..config import Settings
from ..curators import ACCOUNT, MIN_SECRET, Curator, CuratorsFileError, dump, hash_secret, parse
from ..errors import BadInput


def register(sub) -> None:
    p = sub.add_parser("curators", help="manage the curator accounts of the desk at /admin/ (TSC_CURATORS_FILE)")
    p.add_argument("--file", default=Settings.from_env().curators_file,
                   help="the curators file (default: env TSC_CURATORS_FILE)")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    add = actions.add_parser("add", help="add an account, or set a new password for it")
    add.add_argument("account", help="account name: lowercase letters, digits, . _ - (at most 40)")
    add.add_argument("--name", help="the name the desk and the published moderation log show (default: the account)")
    remove = actions.add_parser("remove", help="remove an account (its open sessions end at once)")
    remove.add_argument("account")
    actions.add_parser("list", help="list the accounts")
    p.set_defaults(func=run)


def _path(args) -> Path:
    if not args.file:
        raise BadInput("give the curators file: --file PATH or TSC_CURATORS_FILE")
    return Path(args.file)


def _read(path: Path) -> dict[str, Curator]:
    if not path.exists():
        return {}
    try:
        return parse(path.read_text(encoding="utf-8"), str(path))
    except (CuratorsFileError, UnicodeDecodeError) as e:
        raise BadInput(str(e)) from None


def _secret() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            raise BadInput("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _write(path: Path, accounts: dict[str, Curator]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(dump(accounts), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)  # the server never reads a half-written file


def run(args) -> int:
    path = _path(args)
    accounts = _read(path)
    if args.action == "list":
        for c in sorted(accounts.values(), key=lambda c: c.account):
            print(f"{c.account}\t{c.name}")
        return 0
    account = args.account.strip().lower()
    if not ACCOUNT.fullmatch(account):
        raise BadInput(f"account name {args.account!r} must be lowercase letters, digits, '.', '_' or '-' (at most 40)")
    if args.action == "remove":
        if account not in accounts:
            raise BadInput(f"no account {account!r} in {path}")
        del accounts[account]
        _write(path, accounts)
        print(f"removed {account} from {path}")
        return 0
    secret = _secret()
    if len(secret) < MIN_SECRET:
        raise BadInput(f"the password must have at least {MIN_SECRET} characters")
    existed = account in accounts
    name = (args.name or (accounts[account].name if existed else account)).strip()[:120]
    accounts[account] = Curator(account, name, hash_secret(secret))
    _write(path, accounts)
    print(f"{'updated' if existed else 'added'} {account} ({name}) in {path}")
    return 0
