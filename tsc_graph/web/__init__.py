"""The tsc-graph web server: SPARQL 1.1 endpoint, dereferenceable URIs, dataset description, HTML pages.

``create_app`` builds a Flask app around one :class:`tsc_graph.store.Store`, opened once per process from
the settings (the embedded RocksDB store admits a single process, hence a threaded WSGI server such as
waitress, see docs/server.md). The server only uses the store interface, so it runs unchanged on any backend.
"""
from __future__ import annotations

import atexit
import logging
from typing import Any

from flask import Flask
from flask_cors import CORS

from tsc_graph.config import Settings
from tsc_graph.namespaces import ONTOLOGY_IRI, TSC, TSCV
from tsc_graph.store import Store, open_store

from . import addressing, errors
from .headers import CORS_EXPOSE, CORS_PATHS, SECURITY_HEADERS


def default_uri_spaces(base_uri: str) -> list[dict[str, str]]:
    """Request path prefix → canonical URI prefix. Another node changes this table (config), not code.

    ``path`` ending in ``/`` maps a whole space (``/id/actor/x`` → ``{base}id/actor/x``); a path without
    ``/`` at the end maps one URI; ``namespace`` marks an ontology whose hash terms are described by it.
    """
    base = base_uri if base_uri.endswith("/") else base_uri + "/"
    return [
        {"path": "/id/", "uri": f"{base}id/"},
        {"path": "/vocab/", "uri": str(TSCV)},
        {"path": "/ontology", "uri": ONTOLOGY_IRI, "namespace": str(TSC)},
    ]


def _closer(store: Store):
    """Close the store once at process exit (flushes RocksDB, stops the query workers)."""
    done: list[bool] = []

    def close() -> None:
        if not done:
            done.append(True)
            store.close()

    return close


def _settings(config: Settings | dict | None) -> tuple[Settings, dict[str, Any]]:
    """Settings from the environment, overridden by ``config`` (a Settings, or a dict of fields + Flask keys)."""
    if isinstance(config, Settings):
        return config, {}
    config = dict(config or {})
    fields = set(Settings.__dataclass_fields__)
    settings = Settings.from_env(**{k: v for k, v in config.items() if k in fields})
    return settings, {k: v for k, v in config.items() if k not in fields}


def create_app(config: Settings | dict | None = None, store: Store | None = None) -> Flask:
    """Build the app. ``store`` lets tests and embedders pass an open store (the caller then closes it)."""
    settings, extra = _settings(config)
    app = Flask(__name__)
    app.config.update(
        TSC_SETTINGS=settings,
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        URI_SPACES=default_uri_spaces(settings.base_uri),
        ONTOLOGY_FILE=settings.ontology_file or None,
        JSON_AS_ASCII=False,
        DUMP_DIR=None,
    )
    app.config.update(extra)
    app.debug = False
    if settings.proxy_fix and not settings.public_url:
        logging.getLogger(__name__).warning(
            "TSC_PROXY_FIX is set but TSC_PUBLIC_URL is not: absolute URLs (VoID, service description) will name "
            "this server's own address, not the public one")

    if store is None:
        store = open_store(settings.store, query_workers=settings.query_workers, queue_timeout=settings.queue_timeout,
                           query_replica=settings.query_replica,
                           memory_replica_max_quads=settings.memory_replica_max_quads,
                           site_query_workers=settings.site_query_workers, query_queue=settings.query_queue,
                           query_memory_mb=settings.query_memory_mb, query_engine=settings.query_engine,
                           **settings.store_credentials())
        atexit.register(_closer(store))
    app.extensions["tsc_store"] = store

    CORS(app, resources={p: {"origins": "*"} for p in CORS_PATHS}, send_wildcard=True, methods=["GET", "HEAD", "POST", "OPTIONS"],
         allow_headers=["Content-Type", "Accept", "Accept-Language"], expose_headers=CORS_EXPOSE, max_age=86400)

    @app.after_request
    def _security_headers(resp):
        for name, value in SECURITY_HEADERS:
            resp.headers.setdefault(name, value)
        return resp

    from . import dataset, portal, resources, sparql, static_files, submissions

    static_files.install(app)  # gzip for the map's outline, YASGUI and the rest

    errors.register(app)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(dataset.bp)
    portal.init_app(app)  # pages for people: home, listings, resource pages, languages (tsc_graph/web/portal/)
    submissions.init_app(app)  # /projects/submit, /admin/* (moderation, uploads), CSRF, rate limit
    # --- Bio-Bridge matchmaking and the CHM network -------------------------------------------------------
    from . import matching, network

    app.register_blueprint(matching.bp)  # /api/matches, /api/matches.csv, /api/bio-bridge/items
    network.init_app(app)  # /api/network, /changes (change feed), its hooks on writes
    # --- end Bio-Bridge / network ------------------------------------------------------------------------
    from . import operations, search

    app.register_blueprint(operations.bp)  # /healthz, /metrics (docs/operations.md)
    search.init_app(app)  # /search, /api/search: one search for the whole site (tsc_graph/search.py)
    app.register_blueprint(resources.bp)  # last: its catch-all route maps URI_SPACES
    # plain /sparql queries skip Flask (its per-request cost dominated small queries); inside the addressing middlewares, like every route
    from .sparql_fast import SparqlFastPath

    app.wsgi_app = SparqlFastPath(app, app.wsgi_app)
    # client address from a trusted proxy only; absolute URLs on TSC_PUBLIC_URL, never on the Host header
    addressing.install(app, settings.public_url, settings.proxy_fix, settings.trusted_proxy)
    logging.getLogger(__name__).info("tsc-graph server on store %s, base URI %s", settings.store, settings.base_uri)
    return app
