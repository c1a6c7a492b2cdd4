"""Headers every response carries (security) and those of the routes open to other nodes' browser apps (CORS).

One table, used by the Flask app (``create_app``: flask-cors and an ``after_request`` hook) and by the
``/sparql`` fast path (tsc_graph/web/sparql_fast.py), which builds its responses without Flask.
"""
from __future__ import annotations

#: Content-Security-Policy of every response: our own stylesheet and scripts only (the portal's chart and
#: query page, vendored under tsc_graph/web/static/), which may call back this server only; no inline code, no CDN.
CSP = ("default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")

SECURITY_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Content-Security-Policy", CSP),
    ("X-Frame-Options", "DENY"),
]

#: Routes other nodes' browser apps may call (``Access-Control-Allow-Origin: *``).
CORS_PATHS = [r"/sparql", r"/id/*", r"/vocab/*", r"/ontology*", r"/.well-known/void*", r"/dumps/*"]
CORS_EXPOSE = ["Content-Location", "Location", "Link", "Vary", "Retry-After"]
#: What flask-cors adds to a simple (non-preflight) response on those routes.
CORS_HEADERS = [
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", ", ".join(sorted(CORS_EXPOSE))),
]
