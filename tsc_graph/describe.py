"""What this node says about a resource: whether it describes it, and that description as RDF.

Below the web layer so every door (resource URIs, the portal's ``/resource?uri=`` page, a command) answers the
same from the same named queries (``resource-exists.rq``, ``describe-resource.rq``); the engine serialises.
``limits`` are the store's per-query bounds (``timeout``, ``max_bytes``, ``lane``).
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .errors import BadInput
from .queries import bind, get_query

if TYPE_CHECKING:
    from .store import Store


def exists(store: Store, iri: str, **limits) -> bool:
    """Described here = subject of a triple. A text that cannot form an IRI (``<``, spaces…) names nothing."""
    try:
        query = bind(get_query("resource-exists"), {"resource": iri})
        return bool(json.loads(store.query_serialized(query, results_format="json", **limits).body)["boolean"])
    except BadInput:
        return False


def describe(store: Store, iri: str, fmt: str, **limits) -> bytes:
    """The RDF description of a resource in ``fmt`` (turtle, ntriples, jsonld, rdfxml)."""
    query = bind(get_query("describe-resource"), {"resource": iri})
    return store.query_serialized(query, graph_format=fmt, **limits).body
