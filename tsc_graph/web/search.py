"""``/search``: one search for the whole site, on the full-text index of :mod:`tsc_graph.search`.

The HTML page lists the hits grouped by kind (actors, projects… places), each group with its count, the groups
in the order of their best hit; ``?kind=`` shows every hit of one kind. The same route with ``Accept:
application/json``, or ``/api/search``, answers the search box's suggestions as one types (the last word may be
unfinished). What the visitor typed is never an FTS expression: :func:`tsc_graph.search.match_expression`
quotes each word, and a search without a word, or too long, is a 400 that says so.
"""
from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from tsc_graph.errors import BadInput
from tsc_graph.search import KINDS, MARKS, MAX_QUERY, SearchIndex, match_expression

from .errors import ApiError
from .portal import i18n, links
from .portal.sections import SECTIONS
from .portal.views import html

bp = Blueprint("search", __name__)

#: What a group of results is called on the page.
KIND_TITLES = {**{key: SECTIONS[key].title for key in ("actors", "projects", "commitments", "offers", "requests",
                                                         "practices")},
               "targets": _l("GBF targets"), "articles": _l("CBD articles"),
               "places": _l("Countries and territories")}
PER_KIND = 10  # hits shown per group on the page; the group's link shows them all
ALL_OF_KIND = 200
SUGGESTIONS = 8


def init_app(app: Flask) -> None:
    """Register the search, with an index beside an on-disk store (``search.sqlite3``), else in memory."""
    store = app.extensions["tsc_store"]
    app.extensions["tsc_search"] = SearchIndex(store, getattr(store, "path", None))
    app.register_blueprint(bp)


def _index() -> SearchIndex:
    return current_app.extensions["tsc_search"]


def _expression(query: str, prefix: bool = False) -> str:
    """The FTS expression, or a 400 in the visitor's language."""
    if len(query) > MAX_QUERY:
        raise ApiError(400, _("A search is at most %(n)s characters.", n=MAX_QUERY), localized=True)
    try:
        return match_expression(query, prefix=prefix)
    except BadInput:  # no word at all: "*", '"', punctuation
        raise ApiError(400, _("Type at least one word or number to search for."), localized=True) from None


def _snippet(text: str) -> Markup:
    """The description's snippet, escaped, its matched words in ``<mark>``."""
    return Markup(str(escape(text)).replace(MARKS[0], "<mark>").replace(MARKS[1], "</mark>"))


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def suggestions(query: str) -> Response:
    """The best hits whatever their kind, for a search box's list of suggestions."""
    hits = _index().search(_expression(query, prefix=True), limit=SUGGESTIONS)
    return jsonify({"query": query, "results": [
        {"label": i18n.pick(h.names) or h.iri, "kind": h.kind, "kindLabel": str(KIND_TITLES[h.kind]),
         "href": links.link(h.iri, held=True), "uri": h.iri} for h in hits]})


@bp.get("/api/search")
def api_search() -> Response:
    return suggestions(request.args.get("q", "").strip())


@bp.get("/search")
def search() -> Response:
    query = request.args.get("q", "").strip()
    if _wants_json():
        resp = suggestions(query)
        resp.headers["Vary"] = "Accept, Accept-Language"  # the same URL is also the HTML page
        return resp
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else None
    context = {"query": query, "kind": kind, "groups": [], "total": 0, "error": None, "titles": KIND_TITLES}
    if not query:
        return html("search.html", **context)
    try:
        expression = _expression(query)
    except ApiError as e:
        return html("search.html", 400, **{**context, "error": e.message})
    index = _index()
    counts = index.counts(expression)
    hits = (index.search(expression, kind=kind, limit=ALL_OF_KIND) if kind
            else index.search(expression, limit=PER_KIND * len(KINDS), per_kind=PER_KIND))
    groups: dict[str, list[dict]] = {}
    for h in hits:  # best first: the groups come in the order of their best hit
        groups.setdefault(h.kind, []).append({"label": i18n.pick(h.names) or h.iri,
                                              "href": links.link(h.iri, held=True), "snippet": _snippet(h.snippet)})
    context.update(groups=[{"kind": k, "title": KIND_TITLES[k], "count": counts.get(k, len(items)), "items": items}
                           for k, items in groups.items()],
                   total=counts.get(kind, 0) if kind else sum(counts.values()))
    return html("search.html", **context)
