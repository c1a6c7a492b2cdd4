"""A WSGI app that answers at once, behind each HTTP front (benchmarks/http_front.py, ``--bare``): what the
front and the load generator cost without tsc-graph's app, so that the rest of a lookup's time is the app's.

``wsgi`` for granian's WSGI interface and waitress; ``rsgi`` for granian's RSGI interface through
tsc_graph/web/rsgi_adapter.py, exactly as ``tsc-graph serve`` runs the real app.
"""
from __future__ import annotations

from tsc_graph.web.rsgi_adapter import BodyLimits, RSGIApp

ANSWER = b'{"head":{},"boolean":true}'


def wsgi(environ, start_response):
    environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "application/sparql-results+json"),
                              ("Content-Length", str(len(ANSWER)))])
    return [ANSWER]


rsgi = RSGIApp(wsgi, threads=8, limits=BodyLimits(max_bytes=1024 * 1024, idle_timeout=30.0))
