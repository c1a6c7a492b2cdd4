"""One module per CLI command; each exposes ``register(subparsers)`` and sets ``func``."""
from __future__ import annotations

import argparse

from ..store import Store, open_store


def store_from_args(args: argparse.Namespace, **options) -> Store:
    return open_store(args.store, **options)
