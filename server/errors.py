"""Error handlers: every error answers in the client's format, with a message and never a traceback.

* browsers (HTML preferred) get an HTML page;
* the SPARQL endpoint answers ``text/plain`` (what SPARQLWrapper, rdflib and curl users print);
* resource routes answer in the negotiated RDF format when the client asked for RDF (a comment only,
  so the body still parses as an empty graph), else JSON ``{"error": ..., "message": ...}``.

Status codes (docs/server.md): 400 malformed query / refused update / bad parameter, 404 unknown URI,
406 no acceptable format, 413 request body too large, 415 unsupported request type, 503 query timeout
(as Fuseki) and overload (with Retry-After), 507 result larger than the configured limit or query needing
more memory than one query may use.
"""
from __future__ import annotations

import json
import logging

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException

from tsc_graph.errors import (
    BadInput,
    Overloaded,
    QueryMemoryExceeded,
    QueryTimeout,
    QueryTooComplex,
    ResultTooLarge,
    StoreLocked,
    TscGraphError,
    UpdateNotAllowed,
)
from tsc_graph.formats import RDF_FORMATS

from . import conneg

log = logging.getLogger(__name__)

#: Seconds a client should wait before retrying when every query worker is busy.
RETRY_AFTER = 5

_CODES = {
    400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 406: "not_acceptable",
    413: "request_too_large", 415: "unsupported_media_type", 500: "internal_error", 503: "unavailable",
    507: "result_too_large",
}


class ApiError(Exception):
    """An error with an HTTP status, a machine code and a message for people."""

    def __init__(self, status: int, message: str, code: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or _CODES.get(status, "error")
        self.headers = headers or {}


def from_store_error(e: TscGraphError) -> ApiError:
    """Map the store's errors onto HTTP (one place, so every route agrees)."""
    if isinstance(e, UpdateNotAllowed):
        return ApiError(400, str(e), "update_not_allowed")
    if isinstance(e, QueryTooComplex):
        return ApiError(400, str(e), "query_too_complex")
    if isinstance(e, BadInput):
        return ApiError(400, str(e), "bad_query")
    if isinstance(e, QueryTimeout):
        return ApiError(503, str(e), "query_timeout")
    if isinstance(e, Overloaded):
        return ApiError(503, str(e), "overloaded", {"Retry-After": str(RETRY_AFTER)})
    if isinstance(e, ResultTooLarge):
        return ApiError(507, str(e), "result_too_large")
    if isinstance(e, QueryMemoryExceeded):
        return ApiError(507, str(e), "query_memory_exceeded")
    if isinstance(e, StoreLocked):
        return ApiError(503, str(e), "store_locked")
    return ApiError(500, str(e), "store_error")


def _rdf_error_body(fmt: str, status: int, message: str) -> str:
    """An RDF document with no triples that still carries the message (comment / JSON member)."""
    text = f"{status} {message}".replace("\n", " ")
    if fmt in ("turtle", "ntriples"):
        return f"# {text}\n"
    if fmt == "jsonld":
        return json.dumps({"@graph": [], "error": _CODES.get(status, "error"), "message": message}, ensure_ascii=False)
    safe = text.replace("--", "- -")
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><!-- {safe} --></rdf:RDF>\n')


def error_response(status: int, message: str, code: str | None = None, headers: dict | None = None,
                   rdf_format: str | None = None) -> Response:
    """Render an error for this request's client. ``rdf_format`` forces an RDF body (extension URLs)."""
    code = code or _CODES.get(status, "error")
    on_sparql = request.path.rstrip("/") == "/sparql"
    fmt = rdf_format
    if fmt is None:
        if conneg.wants_html():
            fmt = "html"
        elif not on_sparql:
            fmt = _explicit_rdf_format()
    if fmt == "html":
        body = render_template("error.html", status=status, code=code, message=message,
                               lang=conneg.preferred_language())
        resp = Response(body, status, content_type="text/html; charset=utf-8")
    elif fmt in RDF_FORMATS:
        resp = Response(_rdf_error_body(fmt, status, message), status, content_type=RDF_FORMATS[fmt].content_type)
    elif on_sparql:
        resp = Response(f"Error {status}: {message}\n", status, content_type="text/plain; charset=utf-8")
    else:
        resp = Response(json.dumps({"error": code, "message": message}, ensure_ascii=False) + "\n", status,
                        content_type="application/json; charset=utf-8")
    resp.headers["Vary"] = "Accept"
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def _explicit_rdf_format() -> str | None:
    """An RDF format the client named explicitly (not via */* or application/json), best first."""
    named = {f.media_type: f.name for f in RDF_FORMATS.values()}
    named.update({"application/x-turtle": "turtle", "text/n3": "turtle"})
    acc = request.accept_mimetypes
    if not any(m in named for m in acc.values()):
        return None
    best = acc.best_match(list(named))
    return named.get(best) if best else None


def register(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api(e: ApiError):
        return error_response(e.status, e.message, e.code, e.headers)

    @app.errorhandler(TscGraphError)
    def _store(e: TscGraphError):
        err = from_store_error(e)
        return error_response(err.status, err.message, err.code, err.headers)

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException):
        message = e.description or e.name
        if e.code == 413:
            limit = app.config.get("MAX_CONTENT_LENGTH")
            message = f"the request body is larger than the limit of {limit} bytes"
        headers = {k: v for k, v in e.get_headers() if k.lower() in ("allow", "retry-after")}
        return error_response(e.code or 500, message, headers=headers)

    @app.errorhandler(Exception)
    def _unexpected(e: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal server error; the administrators can find the details in the server log")
