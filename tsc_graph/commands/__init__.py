"""One module per CLI command; each exposes ``register(subparsers)`` and sets ``func``."""
from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..config import Settings
from ..errors import StoreLocked
from ..store import Store, open_store


def store_from_args(args: argparse.Namespace, **options) -> Store:
    """The store of ``--store``, with the account of a remote store from the settings (``TSC_STORE_USER``)."""
    return open_store(args.store, **Settings.from_env().store_credentials(), **options)


@contextmanager
def reading_store(args: argparse.Namespace) -> Iterator[Store]:
    """The store for a command that only reads (export, export-chm, query, graphs): the store itself, or, while a
    running server holds it, a private copy of the server's snapshot of its last commit (store/served.py)."""
    try:
        store = store_from_args(args)
    except StoreLocked as locked:
        from ..store.served import served_snapshot

        path = Path(args.store.removeprefix("oxigraph:"))
        with served_snapshot(path, locked) as copy:
            print(f"note: a running server holds {path}; reading its snapshot of the last commit", file=sys.stderr)
            with open_store(f"oxigraph:{copy}") as store:
                yield store
        return
    with store:
        yield store
