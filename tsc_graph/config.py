"""Settings shared by the CLI and the server, read from ``TSC_*`` environment variables.

Why environment variables: the same settings must reach ``make serve``, ``tsc-graph serve``, a WSGI
server started by hand and the test suite, and a container deployment sets nothing else easily.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields

from .namespaces import DEFAULT_BASE_URI


@dataclass
class Settings:
    #: Store spec: ``oxigraph:PATH`` (default, embedded), ``memory:``, ``sparql:URL`` (external store).
    store: str = "oxigraph:var/store"
    #: Canonical base of this node's URIs; resources are published under it whatever host serves them.
    base_uri: str = DEFAULT_BASE_URI
    #: Seconds a query may run before it is stopped.
    query_timeout: float = 30.0
    #: Largest serialised query result, in bytes.
    max_result_bytes: int = 50 * 1024 * 1024
    #: Largest request body (queries, uploads), in bytes.
    max_request_bytes: int = 10 * 1024 * 1024
    #: Query worker processes (each one query at a time); the concurrency limit of the endpoint.
    query_workers: int = 2
    #: Seconds a request waits for a free query worker before a 503.
    queue_timeout: float = 5.0
    #: What query workers read: ``memory`` (a copy of the store in each worker: 3-7x faster queries, ~0.7 kB
    #: of memory per quad per worker), ``disk`` (the RocksDB snapshot), or ``auto`` (memory up to the size below).
    query_replica: str = "auto"
    #: Largest store (quads) that ``auto`` copies into each worker's memory (500k: ~350 MB per worker; at 1M
    #: two replicas would take the server past the 2 GB target, benchmarks/RESULTS.md).
    memory_replica_max_quads: int = 500_000
    #: Remote SPARQL endpoints that SERVICE clauses and harvesting may reach (space-separated in the env).
    service_allowlist: list[str] = field(default_factory=list)
    #: Seconds for a remote call (SERVICE, harvest).
    remote_timeout: float = 20.0
    #: Token for write routes (moderation, admin); empty disables them.
    admin_token: str = ""
    #: Languages of the portal's pages (space-separated in the env), the first one the default: a language
    #: needs a gettext catalogue under server/translations/ (docs/server.md, "Adding a language").
    languages: list[str] = field(default_factory=lambda: ["fr", "en"])
    #: Portal query answers kept per store version (server/portal/cache.py); 0 turns the cache off.
    portal_cache_entries: int = 1024
    #: The ontology file served at /ontology (empty: the one shipped with the code, ontology/tsc.ttl).
    ontology_file: str = ""

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> "Settings":
        env = os.environ if env is None else env
        values: dict = {}
        for f in fields(cls):
            raw = env.get(f"TSC_{f.name.upper()}")
            if raw is None:
                continue
            if f.name in ("service_allowlist", "languages"):
                values[f.name] = raw.split()
            elif f.type in ("float",):
                values[f.name] = float(raw)
            elif f.type in ("int",):
                values[f.name] = int(raw)
            else:
                values[f.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
