"""One store interface, swappable backends, each registered under the scheme of its spec (as rdflib's plugins).

The server, the CLI, harvesting and validation all talk to a :class:`Store` (store/base.py); none of them touches
a backend's own API. Built-in backends:

* ``oxigraph:PATH`` (or a bare path) — embedded, persistent Oxigraph (RocksDB) store; the default.
* ``memory:`` — in-memory Oxigraph store, for tests and one-off work.
* ``sparql:QUERY_URL`` (or a bare ``http(s)://`` URL) — an external SPARQL 1.1 store (Virtuoso, Fuseki,
  GraphDB); see ``store/remote.py``.

Another backend is one :func:`register_backend` call. A backend declares the options it takes: callers such
as the server pass one set of options whatever the spec, so the options another backend takes are dropped, and
only those no backend takes reach the backend as unknown (its own error).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .base import (
    RDF_SUFFIXES,
    READ_ERRORS,
    EmptySource,
    GraphNamer,
    LoadReport,
    QueryKind,
    QueryResult,
    SerializedResult,
    Source,
    Store,
    StoreVersion,
    expand_sources,
    iter_rows,
    read_error,
    sources_hash,
)

__all__ = [
    "READ_ERRORS", "RDF_SUFFIXES", "EmptySource", "GraphNamer", "LoadReport", "QueryKind", "QueryResult",
    "SerializedResult", "Source", "Store", "StoreVersion", "expand_sources", "iter_rows", "read_error",
    "sources_hash", "Backend", "register_backend", "open_store",
]


@dataclass(frozen=True)
class Backend:
    """A registered backend: ``open(location, **options)`` makes the store; ``options`` are those it takes."""

    scheme: str
    open: Callable[..., Store]
    options: frozenset[str]


_BACKENDS: dict[str, Backend] = {}
#: What a spec without a registered scheme is: a path of the embedded store.
DEFAULT_SCHEME = "oxigraph"


def register_backend(scheme: str, factory: Callable[..., Store], options: Iterable[str] = ()) -> None:
    """Make ``scheme:LOCATION`` specs open ``factory(LOCATION, **options)``; ``options``: the keywords it takes."""
    _BACKENDS[scheme] = Backend(scheme, factory, frozenset(options))


def _parse_spec(spec: str) -> tuple[Backend, str]:
    if spec == "memory":
        spec = "memory:"
    elif spec.startswith(("http://", "https://")):
        spec = "sparql:" + spec
    scheme, colon, location = spec.partition(":")
    if colon and scheme in _BACKENDS:
        return _BACKENDS[scheme], location
    return _BACKENDS[DEFAULT_SCHEME], spec


def open_store(spec: str, **options) -> Store:
    """Open a store from a spec string: ``oxigraph:PATH`` (or a bare path), ``memory:``, ``sparql:URL``."""
    backend, location = _parse_spec(spec)
    others = set().union(*(b.options for b in _BACKENDS.values() if b is not backend)) - backend.options
    return backend.open(location, **{k: v for k, v in options.items() if k not in others})


# --- the built-in backends (imported when opened: query worker processes import this package and must start fast)
#: Options of the embedded store (its query worker pool: store/pool.py).
OXIGRAPH_OPTIONS = ("query_workers", "queue_timeout", "query_replica", "memory_replica_max_quads",
                    "site_query_workers", "query_queue", "query_memory_mb", "query_engine")
#: Options of a remote SPARQL store (besides those its spec's query string may give: store/remote.py).
SPARQL_OPTIONS = ("update_url", "gsp_url", "user", "password", "auth", "engine", "registry", "http_timeout")


def _open_oxigraph(location: str, **options) -> Store:
    from .oxigraph import OxigraphStore

    return OxigraphStore(location, **options)


def _open_memory(location: str, **options) -> Store:
    if location:  # memory:NAME has always been the path of an embedded store named so
        return _open_oxigraph(f"memory:{location}", **options)
    from .oxigraph import OxigraphStore

    return OxigraphStore(None, **options)


def _open_sparql(location: str, **options) -> Store:
    from .remote import RemoteSparqlStore

    return RemoteSparqlStore.from_spec(location, **options)


register_backend("oxigraph", _open_oxigraph, OXIGRAPH_OPTIONS)
register_backend("memory", _open_memory, OXIGRAPH_OPTIONS)
register_backend("sparql", _open_sparql, SPARQL_OPTIONS)
