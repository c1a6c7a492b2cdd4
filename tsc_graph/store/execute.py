"""Run one query on a pyoxigraph store and serialise the answer with Oxigraph itself.

Shared by the in-process path and the query worker processes, so it imports nothing heavy:
worker start-up time is part of the recovery time after a killed runaway query.
"""
from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from ..errors import ResultTooLarge
from ..formats import OXIGRAPH_RDF, OXIGRAPH_RESULTS

PREFIXES_FOR_OUTPUT = {
    "tsc": "https://w3id.org/tsc-graph/ontology#",
    "tscv": "https://w3id.org/tsc-graph/vocab/",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "org": "http://www.w3.org/ns/org#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


class SizeLimitExceeded(Exception):
    """Raised from inside Oxigraph's serialiser when the output passes the byte limit."""


class LimitedBuffer:
    """A binary sink that refuses to grow past ``limit`` bytes, which stops the serialiser early."""

    def __init__(self, limit: int | None):
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data) -> int:
        self.size += len(data)
        if self.limit is not None and self.size > self.limit:
            raise SizeLimitExceeded(self.size)
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def graph_args(default_graph_uris: Sequence[str], named_graph_uris: Sequence[str]) -> dict:
    """Dataset of the query: union of named graphs unless the protocol's graph URIs say otherwise."""
    args: dict = {}
    if default_graph_uris:
        args["default_graph"] = [ox.NamedNode(u) for u in default_graph_uris]
    else:
        args["use_default_graph_as_union"] = True
    if named_graph_uris:
        args["named_graphs"] = [ox.NamedNode(u) for u in named_graph_uris]
    return args


def run_query(store: ox.Store, sparql: str, default_graph_uris: Sequence[str] = (), named_graph_uris: Sequence[str] = ()):
    """Evaluate; raises SyntaxError (bad query) or ValueError (bad graph IRI) unchanged."""
    return store.query(sparql, **graph_args(default_graph_uris, named_graph_uris))


def serialize_result(result, results_format: str, graph_format: str, max_bytes: int | None) -> tuple[str, str, bytes]:
    """Return ``(kind, format name, body)``; raises ResultTooLarge past ``max_bytes``."""
    try:
        return _serialize(result, results_format, graph_format, LimitedBuffer(max_bytes))
    except SizeLimitExceeded:
        raise ResultTooLarge(
            f"the result is larger than the limit of {max_bytes} bytes; add a LIMIT or narrow the query"
        ) from None


def _serialize(result, results_format: str, graph_format: str, sink: LimitedBuffer) -> tuple[str, str, bytes]:
    if isinstance(result, ox.QueryBoolean):
        result.serialize(sink, OXIGRAPH_RESULTS[results_format])
        return "ASK", results_format, sink.getvalue()
    if isinstance(result, ox.QuerySolutions):
        result.serialize(sink, OXIGRAPH_RESULTS[results_format])
        return "SELECT", results_format, sink.getvalue()
    prefixes = PREFIXES_FOR_OUTPUT if graph_format in ("turtle", "trig") else None
    ox.serialize(result, sink, OXIGRAPH_RDF[graph_format], prefixes=prefixes)
    return "CONSTRUCT", graph_format, sink.getvalue()
