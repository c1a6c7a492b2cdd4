"""The hot path of ``/sparql``: a plain query answered without Flask's per-request machinery (which cost more than a small query itself).

Oxigraph answers a label lookup in ~0.07 ms; through Flask the endpoint spent ~1-1.3 ms more on it (request
and response objects, a session, the submission form's rate-limiter check, CORS and security headers built per
response, Accept negotiated twice), so one Python process capped the endpoint near 520 queries/s while the
query workers sat idle. This WSGI middleware answers the common case itself — a GET or POST query with a
machine-readable Accept header, no SERVICE clause, no ``format``/``output`` parameter, no conditional header —
with the same store call (the public lane of the query pool: same timeouts, memory and size limits).

Everything else goes to the Flask route in ``tsc_graph/web/sparql.py``, which stays the reference: the HTML query
page, the service description, federated queries, 304s, odd content types and every error. A query that fails
here (or whose answer the client does not accept) is handed over with its outcome (``FAST_PATH_OUTCOME``) and
answered by the route exactly as if the route had run it. ``tests/test_sparql_fast_path.py`` checks that both paths give the same status, headers and body.
"""
from __future__ import annotations

import io
import urllib.parse
from collections.abc import Callable, Iterable
from functools import lru_cache

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import http_date, parse_accept_header

from tsc_graph.errors import TscGraphError
from tsc_graph.formats import RDF_FORMATS, RESULTS_FORMATS

from . import conneg
from .headers import CORS_HEADERS, SECURITY_HEADERS
from .protocol import FORM, QUERY, ProtocolError, read_request
from .sparql import FAST_PATH_OUTCOME, validator

#: Content types of a POST the fast path reads itself (lower case, parameters included).
READABLE = {FORM, f"{FORM}; charset=utf-8", QUERY, f"{QUERY}; charset=utf-8"}
#: Request parameters that need the Flask route (a format chosen by parameter).
ROUTE_PARAMS = ("format", "output")


@lru_cache(maxsize=256)
def negotiate(accept: str) -> conneg.SparqlChoice | None:
    """The answer formats for an ``Accept`` header (memoised: clients send the same few), or None when a browser
    asks (the route shows the query page). Bounded cache: odd headers cost one parse each, not memory."""
    acc = parse_accept_header(accept, MIMEAccept) if accept else MIMEAccept([("*/*", 1)])
    if conneg.wants_html(acc):
        return None
    return conneg.SparqlChoice(conneg.best_results_format(acc), conneg.best_graph_format(acc))


class SparqlFastPath:
    """WSGI middleware in front of the Flask app (see the module docstring)."""

    def __init__(self, app, flask_wsgi: Callable):
        self.app = app
        self.flask_wsgi = flask_wsgi
        self.store = app.extensions["tsc_store"]
        self.settings = app.config["TSC_SETTINGS"]
        self.max_body = app.config.get("MAX_CONTENT_LENGTH") or self.settings.max_request_bytes

    def __call__(self, environ: dict, start_response) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/sparql" or not self.app.config.get("SPARQL_FAST_PATH", True):
            return self.flask_wsgi(environ, start_response)
        try:
            request = self._read(environ)
        except (ValueError, UnicodeError, ProtocolError):  # the route answers, with its error
            request = None
        if request is None:
            return self.flask_wsgi(environ, start_response)
        query, default_graphs, named_graphs, choice = request
        try:
            result = self.store.query_serialized(
                query, results_format=choice.results or "json", graph_format=choice.graph or "turtle",
                default_graph_uris=default_graphs, named_graph_uris=named_graphs,
                timeout=self.settings.query_timeout, max_bytes=self.settings.max_result_bytes, lane="public")
        except TscGraphError as e:
            environ[FAST_PATH_OUTCOME] = e
            return self.flask_wsgi(environ, start_response)
        if (choice.results if result.kind in ("SELECT", "ASK") else choice.graph) is None:
            environ[FAST_PATH_OUTCOME] = result  # the route answers 406, without running the query again
            return self.flask_wsgi(environ, start_response)
        fmt = (RESULTS_FORMATS if result.kind != "CONSTRUCT" else RDF_FORMATS)[result.format]
        headers = [("Content-Type", fmt.content_type), ("Content-Length", str(len(result.body))),
                   ("Vary", "Accept"), ("Cache-Control", "no-cache")]
        if environ["REQUEST_METHOD"] == "GET":
            version = self.store.version()
            if version is not None:
                etag, modified = validator(version, query, default_graphs, named_graphs, choice)
                headers += [("ETag", f'W/"{etag}"'), ("Last-Modified", http_date(modified))]
        start_response("200 OK", headers + SECURITY_HEADERS + CORS_HEADERS)
        return [result.body]

    def _read(self, environ: dict):
        """``(query, default graphs, named graphs, choice)``, or None: the route answers."""
        method = environ["REQUEST_METHOD"]
        params = _params(environ.get("QUERY_STRING", ""))
        ctype, form, body = "", {}, b""
        if method == "GET":
            if "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ:
                return None
        elif method == "POST":
            ctype = environ.get("CONTENT_TYPE", "").lower()
            length = environ.get("CONTENT_LENGTH", "")
            if ctype not in READABLE or not length.isdigit() or int(length) > self.max_body:
                return None
            body = environ["wsgi.input"].read(int(length))
            environ["wsgi.input"] = io.BytesIO(body)  # for the route, if it answers after all
            if ctype.startswith(FORM):
                form = _params(body.decode("ascii"))
        else:
            return None
        if any(k in params or k in form for k in ROUTE_PARAMS):
            return None
        mimetype, _, charset = ctype.partition(";")
        asked = read_request(method, mimetype, charset.partition("=")[2] or None, params, form, body)
        queries = asked.queries
        if len(queries) != 1 or not queries[0].strip() or "service" in queries[0].lower():
            return None
        choice = negotiate(environ.get("HTTP_ACCEPT", ""))
        if choice is None or (choice.results is None and choice.graph is None):  # a browser, or a sure 406
            return None
        return queries[0], asked.default_graphs, asked.named_graphs, choice


def _params(text: str) -> dict[str, list[str]]:
    """Parameters of a query string or form body (UTF-8 percent-escapes; raises UnicodeError otherwise)."""
    if not text.isascii():
        raise UnicodeError("raw non-ASCII characters: left to the route")
    out: dict[str, list[str]] = {}
    for key, value in urllib.parse.parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict"):
        out.setdefault(key, []).append(value)
    return out
