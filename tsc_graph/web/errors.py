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
from markupsafe import Markup
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
    413: "request_too_large", 415: "unsupported_media_type", 429: "too_many_requests", 500: "internal_error",
    503: "unavailable",
    507: "result_too_large",
}


class ApiError(Exception):
    """An error with an HTTP status, a machine code and a message for people."""

    def __init__(self, status: int, message: str, code: str | None = None, headers: dict | None = None,
                 localized: bool = False):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or _CODES.get(status, "error")
        self.headers = headers or {}
        self.localized = localized  # the message is already in the page's language (portal errors)


#: The store's errors as HTTP: (error class, status, code), the first that matches wins (subclasses first).
STORE_ERRORS: tuple[tuple[type[TscGraphError], int, str], ...] = (
    (UpdateNotAllowed, 400, "update_not_allowed"),
    (QueryTooComplex, 400, "query_too_complex"),
    (BadInput, 400, "bad_query"),
    (QueryTimeout, 503, "query_timeout"),
    (Overloaded, 503, "overloaded"),
    (ResultTooLarge, 507, "result_too_large"),
    (QueryMemoryExceeded, 507, "query_memory_exceeded"),
    (StoreLocked, 503, "store_locked"),
)


def from_store_error(e: TscGraphError) -> ApiError:
    """Map the store's errors onto HTTP (one place, so every route agrees)."""
    for kind, status, code in STORE_ERRORS:
        if isinstance(e, kind):
            headers = {"Retry-After": str(RETRY_AFTER)} if kind is Overloaded else None
            return ApiError(status, str(e), code, headers)
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
                   rdf_format: str | None = None, localized: bool = False) -> Response:
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
        resp = _html_error(status, message, localized)
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


def _html_error(status: int, message: str, localized: bool) -> Response:
    """The error page for people: in the site's layout and the visitor's language (tsc_graph/web/portal/i18n.py).

    The technical message (the SPARQL parser's, a limit's) is shown below the explanation, marked as English
    unless it was written in the page's language.
    """
    from flask_babel import gettext as _

    from .portal import i18n

    titles = {
        400: (_("The request is not valid"), _("This address or form contains something the site cannot use.")),
        403: (_("Access refused"), _("This part of the site is not open to you.")),
        404: (_("Page not found"), _("Nothing is published at the address %(path)s.", path=request.path)),
        405: (_("Method not allowed"), _("This address cannot be used this way.")),
        406: (_("Format not available"), _("This content is not available in the format your browser asked for.")),
        413: (_("Request too large"), _("What was sent is larger than the site accepts.")),
        415: (_("Format not accepted"), _("The site cannot read what was sent in this format.")),
        429: (_("Too many requests"), _("You have sent too many requests in a short time. Please wait a little and try again.")),
        500: (_("Server error"), _("Something went wrong on our side. The administrators can find the details in the server log.")),
        503: (_("Service unavailable"), _("The site is busy or a query took too long. Please try again in a few moments.")),
        507: (_("Answer too large"), _("The answer is larger than the site's limit: narrow the query.")),
    }
    heading, explanation = titles.get(status, (_("Error"), _("The request could not be completed.")))
    detail = None if status in (404, 500) and not localized else message
    detail_lang = None if localized or i18n.current() == "en" else "en"
    try:
        body = render_template("error.html", status=status, heading=heading, explanation=explanation,
                               detail=detail, detail_lang=detail_lang)
    except Exception:  # noqa: BLE001 - the layout itself failed (store down…): a plain page, still localized
        log.exception("error page layout failed")
        body = str(Markup("<!doctype html><title>{0}</title><h1>{0} {1}</h1><p>{2}</p>").format(status, heading, explanation))
    resp = Response(body, status, content_type="text/html; charset=utf-8")
    resp.headers["Content-Language"] = i18n.current()
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
        return error_response(e.status, e.message, e.code, e.headers, localized=e.localized)

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
