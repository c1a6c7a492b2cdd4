"""The portal's SPARQL: named queries in ``tsc_graph/sparql/portal/*.rq`` (and the shared ones of ``tsc_graph/sparql/*.rq`` the
Bio-Bridge and network pages read: ``bio-bridge-platform``, ``network-nodes``…), bound with VALUES
(``tsc_graph.queries.bind``), run through ``tsc_graph.web.store_access`` (the store interface and its query workers) and
cached per store version.

``select_many`` runs independent queries of one page at the same time (the store has several query workers):
a listing's facets cost the slowest facet, not their sum.

:func:`overlay` runs a page's queries on another store for a while (the curators' preview of a submission, which
is not in the node's store): same engine, same templates, nothing cached.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from flask import copy_current_request_context, current_app, has_request_context

from tsc_graph import SPARQL_DIR
from tsc_graph.queries import NamedQuery, bind, get_query, named_queries
from tsc_graph.store import Store

from .. import store_access
from .cache import StoreCache

PORTAL_DIR = SPARQL_DIR / "portal"
Values = Mapping[str, str | Sequence[str]]

_executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="portal-query")
#: For whole steps of a page that themselves run queries (a separate pool: a step waiting on its queries never
#: holds a thread those queries need).
_steps = ThreadPoolExecutor(max_workers=4, thread_name_prefix="portal-step")


@lru_cache(maxsize=1)
def portal_queries() -> dict[str, NamedQuery]:
    """Parsed once per process: the files ship with the code."""
    return named_queries(PORTAL_DIR)


def cache() -> StoreCache:
    return current_app.extensions["tsc_portal_cache"]


@lru_cache(maxsize=64)
def _query(name: str) -> NamedQuery:
    """A portal query, else one of the shared named queries (``tsc_graph/sparql/*.rq``)."""
    return portal_queries().get(name) or get_query(name)


def text(name: str, values: Values | None = None) -> str:
    return bind(_query(name), {k: v for k, v in (values or {}).items() if v is not None})


_overlay: ContextVar[Store | None] = ContextVar("tsc_portal_overlay", default=None)


@contextmanager
def overlay(store: Store) -> Iterator[None]:
    """Within the block, this thread's portal queries read ``store`` (uncached, one at a time)."""
    token = _overlay.set(store)
    try:
        yield
    finally:
        _overlay.reset(token)


def _run(sparql: str) -> list[dict]:
    return json.loads(store_access.run(sparql, results_format="json").body)["results"]["bindings"]


def select(name: str, values: Values | None = None) -> list[dict]:
    """Rows (SPARQL-JSON term dicts) of a portal query, cached for this store version."""
    sparql = text(name, values)
    other = _overlay.get()
    if other is not None:
        s = store_access.settings()
        body = other.query_serialized(sparql, results_format="json", timeout=s.query_timeout,
                                      max_bytes=s.max_result_bytes).body
        return json.loads(body)["results"]["bindings"]
    return cache().get(store_access.store(), sparql, lambda: _run(sparql))


def select_many(calls: Sequence[tuple[str, Values | None]]) -> list[list[dict]]:
    """Several queries of one page, concurrently; answers in the order asked."""
    if len(calls) <= 1 or not has_request_context() or _overlay.get() is not None:
        return [select(name, values) for name, values in calls]
    futures: dict[str, Any] = {}
    for name, values in calls:  # two facets may ask the same question (goal and target): ask once
        key = text(name, values)
        if key not in futures:
            futures[key] = _executor.submit(copy_current_request_context(select), name, values)
    return [futures[text(name, values)].result() for name, values in calls]


def in_parallel(*steps: Callable[[], Any]) -> list[Any]:
    """Run independent steps of one page (each may run queries) at the same time; results in order."""
    if len(steps) <= 1 or not has_request_context():
        return [step() for step in steps]
    futures = [_steps.submit(copy_current_request_context(step)) for step in steps]
    return [f.result() for f in futures]
