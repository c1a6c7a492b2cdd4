"""Graph uploads for scripts: ``PUT /admin/graphs?graph=IRI`` with an RDF body (text/turtle,
application/n-triples, application/ld+json, application/rdf+xml) replaces that named graph, all or nothing (SPARQL
1.1 Graph Store Protocol style); ``DELETE /admin/graphs?graph=IRI`` drops it. Uploads must have an RDF media type,
which a cross-site HTML form cannot send (and /admin has no CORS), so they need no CSRF token.
"""
from __future__ import annotations

import json

from flask import Response, request

from tsc_graph import iri
from tsc_graph.changes import graph_change
from tsc_graph.errors import LoadError
from tsc_graph.formats import RDF_FORMATS, rdf_format_for_media_type
from tsc_graph.store import GraphNamer, Source

from .. import store_access
from ..errors import ApiError
from .auth import Who, require_admin
from .blueprint import bp, feed

_RESERVED = ("urn:tsc-graph:",)  # staging graphs of the store


def _json(data, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, indent=1) + "\n", status,
                    content_type="application/json; charset=utf-8")


def _graph_param() -> str:
    graphs = request.args.getlist("graph")
    if len(graphs) != 1:
        raise ApiError(400, "give exactly one ?graph=IRI (the named graph to replace)")
    graph = graphs[0]
    if not iri.is_name(graph) or graph.lower().startswith(_RESERVED):
        raise ApiError(400, "?graph must be an absolute http(s) or urn IRI without spaces or <>\"{}|^`\\ characters "
                            "(and not a reserved urn:tsc-graph: name)")
    return graph


def _upload_error(e: LoadError) -> Response:
    body = {"error": "bad_rdf", "message": str(e), "source": e.source, "line": e.line, "column": e.column,
            "reason": e.reason}
    return _json(body, 400)


@bp.route("/graphs", methods=["PUT"])
@require_admin
def put_graph(who: Who):
    graph = _graph_param()
    fmt = rdf_format_for_media_type(request.mimetype) if request.mimetype else None
    if fmt is None or fmt not in RDF_FORMATS:
        raise ApiError(415, f"unsupported Content-Type {request.mimetype or '(none)'!r}: send text/turtle, "
                            "application/n-triples, application/ld+json or application/rdf+xml")
    data = request.get_data(cache=False)  # over MAX_CONTENT_LENGTH → 413 before anything is read
    if not data.strip():
        raise ApiError(400, "the request body is empty; to remove a graph use DELETE")
    store = store_access.store()
    existed = graph in store.graphs()
    try:
        report = store.load([Source("request body", data=data, format=fmt)],
                            graph_for=GraphNamer(store_access.settings().base_uri, fixed=graph))
    except LoadError as e:
        return _upload_error(e)
    changes = feed()
    if changes is not None:
        changes.record(store, [graph_change("upload", graph, existed, report.graphs.get(graph, 0))])
    return _json({"graph": graph, "triples": report.graphs.get(graph, 0), "replaced": existed}, 200 if existed else 201)


@bp.route("/graphs", methods=["DELETE"])
@require_admin
def delete_graph(who: Who):
    graph = _graph_param()
    store = store_access.store()
    if graph not in store.graphs():
        raise ApiError(404, f"no named graph {graph}")
    store.drop_graph(graph)
    changes = feed()
    if changes is not None:
        changes.record(store, [graph_change("drop", graph, True, None)])
    return Response(status=204)
