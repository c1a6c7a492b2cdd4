"""The query page for researchers: YASGUI (vendored, tsc_graph/web/static/vendor/yasgui/) on this node's endpoint,
with our prefixes and the named queries as examples in the visitor's language.

Without JavaScript the page is still a working form (textarea, ``format=html``: the answer as a table below),
so it degrades instead of breaking. ``/sparql?query=…`` opened by a browser (a YASGUI permalink) shows this page
with the query, which YASGUI runs; SPARQL clients, which do not prefer HTML, get results (tsc_graph/web/sparql.py).
"""
from __future__ import annotations

import json

from flask import Response, request, url_for

from tsc_graph.namespaces import PREFIXES
from tsc_graph.queries import named_queries

from .. import uris
from ..headers import CSP
from . import i18n
from .views import html

DEFAULT_QUERY = "SELECT * WHERE { ?s ?p ?o } LIMIT 10"


def examples() -> list[dict]:
    """Named queries that run without a parameter, titled in the visitor's language."""
    lang = i18n.current()
    return [{"name": q.name, "title": q.title_in(lang), "description": q.description_in(lang), "text": q.text}
            for q in named_queries().values() if not q.required_params]


def page(query: str | None = None, table=None, text=None) -> Response:
    found = examples()
    chosen = request.args.get("example")
    if query is None and chosen:
        query = next((q["text"] for q in found if q["name"] == chosen), None)
    config = {
        "endpoint": url_for("sparql.endpoint", _external=True),
        "prefixes": PREFIXES,
        "spaces": [{"path": s["path"], "uri": s.get("namespace") or s["uri"]} for s in uris.spaces()],
        "run": bool(query and not table and not text),
    }
    resp = html("portal/query.html", query=query or (found[0]["text"] if found else DEFAULT_QUERY), examples=found,
                table=table, text=text, config=json.dumps(config), endpoint=config["endpoint"], chosen=chosen)
    resp.headers["Vary"] = "Accept, Accept-Language, Cookie"
    # YASGUI (CodeMirror, DataTables) sets style attributes from its script: this page alone allows inline
    # *styles*; scripts stay 'self' only (docs/server.md, "Content-Security-Policy").
    resp.headers["Content-Security-Policy"] = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    return resp
