"""How routes reach the store: always ``query_serialized`` (the engine serialises; timeouts and the
result-size limit apply to every query, the HTML pages' included), and named queries from ``sparql/``.
"""
from __future__ import annotations

import json
from collections.abc import Sequence

from flask import current_app

from tsc_graph.config import Settings
from tsc_graph.queries import bind, get_query
from tsc_graph.store import SerializedResult, Store


def store() -> Store:
    return current_app.extensions["tsc_store"]


def settings() -> Settings:
    return current_app.config["TSC_SETTINGS"]


def run(sparql: str, *, results_format: str = "json", graph_format: str = "turtle",
        default_graph_uris: Sequence[str] = (), named_graph_uris: Sequence[str] = (),
        lane: str = "site") -> SerializedResult:
    """Run a query for a route. The site's own queries use the ``site`` lane of the query pool (reserved
    workers: public queries cannot crowd them out); the public endpoint passes ``lane="public"``."""
    return store().query_serialized(
        sparql,
        results_format=results_format,
        graph_format=graph_format,
        default_graph_uris=default_graph_uris,
        named_graph_uris=named_graph_uris,
        **limits(lane),
    )


def limits(lane: str = "site") -> dict:
    """The per-query bounds of this server (timeout, result size) and the pool lane, for the store's calls."""
    s = settings()
    return {"timeout": s.query_timeout, "max_bytes": s.max_result_bytes, "lane": lane}


def named(name: str, **values: str) -> str:
    """Text of a named query with its parameters bound through VALUES."""
    return bind(get_query(name), values)


def select(name: str, **values: str) -> list[dict[str, dict]]:
    """Rows of a named SELECT as SPARQL-JSON term dicts ({"type", "value", "xml:lang"?, "datatype"?})."""
    body = run(named(name, **values), results_format="json").body
    return json.loads(body)["results"]["bindings"]


