"""A cache of portal query answers, valid for one version of the store.

Every portal page is a function of the store's content and the request. What does not depend on the request
(the items of a class sorted by name, labels of vocabularies and ontology terms, the GBF structure, unfiltered
facet counts) is computed once per store version, and filtered answers are kept in a bounded LRU until the store
changes. The version is the store's own version token (``Store.version()``, new at every write: a graph replaced by
one of the same size is a new version), or, for a backend that cannot tell, its named graphs and size, re-read at
most every ``recheck`` seconds (a write shows on the pages within that delay; Oxigraph counts 1M quads in ~70 ms,
so it is not read per request).
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from tsc_graph.store import Store


class StoreCache:
    def __init__(self, max_entries: int = 1024, recheck: float = 5.0):
        self.max_entries = max_entries
        self.recheck = recheck
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._version: tuple | None = None
        self._checked = 0.0
        self.hits = self.misses = 0

    def _current_version(self, store: Store) -> tuple:
        now = time.monotonic()
        if self._version is None or now - self._checked > self.recheck:
            token = store.version()
            version = (token.token,) if token is not None else (tuple(store.graphs()), store.count())
            with self._lock:
                if version != self._version:
                    self._entries.clear()
                    self._version = version
                self._checked = now
        return self._version

    def get(self, store: Store, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The cached value for ``key`` in the current store version, computing it on a miss."""
        if self.max_entries <= 0:
            return compute()
        version = self._current_version(store)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]
        value = compute()  # outside the lock: two threads may compute the same value once, never block
        with self._lock:
            self.misses += 1
            if self._version == version:
                self._entries[key] = value
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._version = None
