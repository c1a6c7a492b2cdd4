"""Bio-Bridge matchmaking: which offers answer which requests, how well, and why (docs/matching.md).

* :mod:`.weights` — the one table of what a shared feature is worth, and what makes a pair a match;
* :mod:`.catalog` — offers, requests, actors, labels and nodes read from the store by two named queries;
* :mod:`.engine` — the inverted index on shared keys and the scoring (all pairs, or one side);
* :mod:`.explain` — a match in words, in the reader's language, built from the data's labels.
"""
from __future__ import annotations

from .catalog import OFFER, REQUEST, Catalog, Item, NodeInfo, load_catalog, runner_for
from .engine import Match, MatchIndex, best_possible
from .weights import CRITERIA, WEIGHTS

__all__ = ["CRITERIA", "OFFER", "REQUEST", "WEIGHTS", "Catalog", "Item", "Match", "MatchIndex", "NodeInfo",
           "best_possible", "build_index", "load_catalog",
           "runner_for"]


def build_index(store, timeout: float | None = None) -> MatchIndex:
    """Read the catalog from ``store`` (through the store interface) and index it."""
    return MatchIndex(load_catalog(runner_for(store, timeout)))
