"""Bio-Bridge matchmaking over HTTP: ``/api/matches`` (JSON, paginated), its CSV export, and faceted browsing
of offers and requests (``/api/bio-bridge/items``). Reference: docs/server.md; the engine: docs/matching.md.

The engine's index (tsc_graph.matching) is built from the store through two named queries and kept in
memory, keyed on the store's version: the first request after a write rebuilds it (about 1.5 s at 1M
triples), every other request is answered from memory (a request's matches in about a millisecond).
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import threading
import time
from collections.abc import Iterator

from flask import Blueprint, Response, current_app, request, stream_with_context, url_for

from tsc_graph.iri import NAME_SCHEMES, is_iri
from tsc_graph.matching import MatchIndex, build_index
from tsc_graph.matching.browse import FACETS, LOCAL_NODE, browse
from tsc_graph.matching.catalog import OFFER, REQUEST
from tsc_graph.matching.explain import PHRASES, label, language_name, phrase_language
from tsc_graph.matching.present import CSV_COLUMNS, csv_row, item_dict, match_dict, node_dict
from tsc_graph.web import term_labels

from . import store_access
from .errors import ApiError

bp = Blueprint("matching", __name__, url_prefix="/api")


@bp.after_request
def _open_to_other_nodes(resp: Response) -> Response:
    """Read-only public data: browser apps of other nodes may call the API (simple GETs need no preflight)."""
    resp.headers.setdefault("Access-Control-Allow-Origin", "*")
    resp.headers.setdefault("Access-Control-Expose-Headers", "ETag, Link, Content-Language")
    return resp

DEFAULT_LIMIT, MAX_LIMIT = 20, 200
#: Rows of one CSV answer (default and most): streamed, but a request's work stays bounded; page for more.
MAX_CSV_ROWS = 100_000
#: An index built on a store that cannot say when it changed (external SPARQL store) is rebuilt after this.
UNVERSIONED_TTL = 60.0
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$")


# --- the index, once per store version ---------------------------------------------------------------------
class IndexCache:
    """The current :class:`MatchIndex` (which computes its all-pairs list once, on first use)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: str | None = None
        self._built = 0.0
        self.index: MatchIndex | None = None

    def get(self) -> MatchIndex:
        store = store_access.store()
        version = store.version()
        key = version.token if version else None
        with self._lock:
            stale = self.index is None or key != self._key or (
                key is None and time.monotonic() - self._built > UNVERSIONED_TTL)
            if stale:
                self.index = build_index(store, timeout=store_access.settings().query_timeout)
                term_labels.add_interface_names(self.index.catalog.labels)
                self._key, self._built = key, time.monotonic()
            return self.index


def cache() -> IndexCache:
    return current_app.extensions.setdefault("tsc_matching", IndexCache())


# --- request parameters ------------------------------------------------------------------------------------
def reader_language() -> str:
    """``?lang=`` (any BCP 47 tag; labels in it where the data has them), else Accept-Language among the
    languages with sentence frames, else English."""
    given = request.args.getlist("lang")
    if len(given) > 1:
        raise ApiError(400, "give ?lang= at most once")
    if given:
        tag = given[0].strip()
        if not _LANG_TAG.match(tag):
            raise ApiError(400, f"?lang={tag[:40]!r} is not a language tag (e.g. fr, en, es)")
        return tag.split("-")[0].lower()
    return request.accept_languages.best_match(list(PHRASES), default="en") or "en"


def _ascii_digits(text: str) -> bool:
    """Only 0-9: str.isdigit() also accepts '²', which int() refuses (a 500)."""
    return text.isascii() and text.isdigit()


def _int(name: str, default: int | None, lo: int, hi: int | None = None) -> int | None:
    values = request.args.getlist(name)
    if not values:
        return default
    if len(values) > 1 or not _ascii_digits(values[0].strip()) or len(values[0]) > 9:
        raise ApiError(400, f"?{name}= must be one whole number")
    n = int(values[0])
    if n < lo or (hi is not None and n > hi):
        raise ApiError(400, f"?{name}={n} is out of range: {lo}…{hi if hi is not None else '∞'}")
    return n


def _window(total: int, as_csv: bool) -> tuple[int, int]:
    """(offset, limit) from ``limit`` + ``offset`` or ``page`` (1-based)."""
    most = MAX_CSV_ROWS if as_csv else MAX_LIMIT
    limit = _int("limit", MAX_CSV_ROWS if as_csv else DEFAULT_LIMIT, 1, most)
    page = _int("page", None, 1)
    offset = _int("offset", None, 0)
    if page is not None and offset is not None:
        raise ApiError(400, "give ?page= or ?offset=, not both")
    if page is not None:
        offset = (page - 1) * limit
    return offset or 0, limit


def _iri_param(name: str) -> str | None:
    values = request.args.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise ApiError(400, f"give ?{name}= once")
    iri = values[0].strip()
    if not is_iri(iri, NAME_SCHEMES):
        raise ApiError(400, f"?{name}= must be the absolute IRI of a cooperation {name} (http, https or urn)")
    return iri


def _page_links(total: int, offset: int, limit: int) -> dict:
    args = {k: v for k, v in request.args.items() if k not in ("offset", "page", "limit")}
    endpoint = request.endpoint

    def at(o: int) -> str:
        return url_for(endpoint, _external=True, **args, offset=o, limit=limit)

    last = max(0, (total - 1) // limit * limit)
    return {
        "first": at(0), "last": at(last),
        "next": at(offset + limit) if offset + limit < total else None,
        "prev": at(max(0, offset - limit)) if offset > 0 else None,
    }


def _conditional(body_key: str) -> tuple[str | None, Response | None]:
    """Weak ETag from the store version and the request; a 304 when the client already has this answer."""
    version = store_access.store().version()
    if version is None:
        return None, None
    tag = hashlib.sha256(f"{version.token}\n{body_key}".encode()).hexdigest()[:32]
    if request.if_none_match and request.if_none_match.contains_weak(tag):
        resp = Response(status=304)
        resp.set_etag(tag, weak=True)
        resp.headers["Vary"] = "Accept, Accept-Language"
        return tag, resp
    return tag, None


def _finish(resp: Response, etag: str | None, lang: str) -> Response:
    if etag:
        resp.set_etag(etag, weak=True)
    resp.headers["Cache-Control"] = "no-cache"
    resp.headers["Vary"] = "Accept, Accept-Language"
    resp.headers["Content-Language"] = lang
    return resp


def _json(data, etag: str | None, lang: str, links: dict | None = None) -> Response:
    import json

    resp = Response(json.dumps(data, ensure_ascii=False, indent=1) + "\n", 200,
                    content_type="application/json; charset=utf-8")
    if links:
        resp.headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if url)
    return _finish(resp, etag, lang)


def _wants_csv() -> bool:
    acc = request.accept_mimetypes
    return bool(acc) and acc["text/csv"] > 0 and acc.best_match(["application/json", "text/csv"]) == "text/csv" \
        and "text/csv" in [m for m, _ in acc]


# --- /api/matches ------------------------------------------------------------------------------------------
def _subject(index: MatchIndex) -> tuple[str | None, str | None]:
    """(IRI, kind) named by ?request= or ?offer= (or neither: all pairs); 400 / 404 with a clear message."""
    req, off = _iri_param("request"), _iri_param("offer")
    if req and off:
        raise ApiError(400, "give ?request=IRI (the offers matching a request) or ?offer=IRI (the requests an offer "
                            "could answer), not both")
    iri = req or off
    if iri is None:
        return None, None
    wanted = REQUEST if req else OFFER
    kind = index.kind_of(iri)
    if kind is None:
        what = "cooperation request" if wanted == REQUEST else "cooperation offer"
        raise ApiError(404, f"no {what} <{iri}> on this node or the nodes it harvested")
    if kind != wanted:
        raise ApiError(400, f"<{iri}> is a cooperation {kind}: use ?{kind}={iri}")
    return iri, kind


def _node_filter() -> str | None:
    values = request.args.getlist("node")
    if len(values) > 1:
        raise ApiError(400, "give ?node= once")
    if values and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", values[0]):
        raise ApiError(400, f"?node= is a node name such as 'be', or '{LOCAL_NODE}' for this node's own records")
    return values[0] if values else None


def _from_node(item, node: str | None) -> bool:
    return node is None or (item.node or LOCAL_NODE) == node


@bp.route("/matches", methods=["GET"])
@bp.route("/matches.csv", methods=["GET"], endpoint="matches_csv")
def matches():
    as_csv = request.endpoint == "matching.matches_csv" or _wants_csv()
    lang = reader_language()
    etag, not_modified = _conditional(f"{request.path}?{request.query_string.decode('latin-1')}\n{as_csv}\n{lang}")
    if not_modified is not None:
        return not_modified
    index = cache().get()
    iri, kind = _subject(index)
    node = _node_filter()
    catalog = index.catalog
    if iri is not None:
        found = index.matches_for(iri)
        if node is not None:
            found = [m for m in found if _from_node(m.offer if kind == REQUEST else m.request, node)]
        total = len(found)
        offset, limit = _window(total, as_csv)
        window = enumerate(found[offset:offset + limit], start=offset + 1)
    else:
        pairs = index.all_pairs()
        if node is not None:
            pairs = [p for p in pairs if _from_node(index.offers[p[1]], node) or _from_node(index.requests[p[2]], node)]
        total = len(pairs)
        offset, limit = _window(total, as_csv)
        # lazy: a CSV of 100,000 matches is written as it is read, never held whole
        window = ((n + 1, index.pair(oi, ri)) for n, (_, oi, ri) in enumerate(pairs[offset:offset + limit], start=offset))
    links = _page_links(total, offset, limit)
    if as_csv:
        return _csv(window, catalog, lang, etag, iri, links)
    data = {
        "lang": phrase_language(lang),
        "subject": item_dict(catalog.items[iri], catalog, lang) if iri else None,
        "node": node,
        "total": total, "offset": offset, "limit": limit, "page": offset // limit + 1,
        "pages": max(1, -(-total // limit)),
        **links,
        "matches": [match_dict(m, catalog, lang, rank) for rank, m in window],
    }
    return _json(data, etag, phrase_language(lang), {k: v for k, v in links.items() if k in ("next", "prev")})


def _csv(window, catalog, lang: str, etag: str | None, iri: str | None, links: dict) -> Response:
    def rows() -> Iterator[str]:
        buf = io.StringIO()
        out = csv.writer(buf)
        out.writerow(CSV_COLUMNS)
        for rank, match in window:
            out.writerow(csv_row(match, catalog, lang, rank))
            if buf.tell() > 64 * 1024:
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
        yield buf.getvalue()

    name = "matches" + ("-" + iri.rstrip("/").rsplit("/", 1)[-1] if iri else "") + ".csv"
    name = re.sub(r"[^A-Za-z0-9._-]", "-", name)
    resp = Response(stream_with_context(rows()), 200, content_type="text/csv; charset=utf-8")
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    if links.get("next"):  # more than one CSV's worth: the next slice
        resp.headers["Link"] = f'<{links["next"]}>; rel="next"'
    return _finish(resp, etag, phrase_language(lang))


# --- /api/bio-bridge/items ---------------------------------------------------------------------------------
def _facet_filters() -> dict[str, set[str]]:
    filters: dict[str, set[str]] = {}
    for name in FACETS:
        values = {v.strip() for v in request.args.getlist(name) if v.strip()}
        if len(values) > 50 or any(len(v) > 2000 for v in values):
            raise ApiError(400, f"too many or too long ?{name}= values")
        if name == "kind" and not values <= {OFFER, REQUEST}:
            raise ApiError(400, "?kind= is 'offer' or 'request'")
        if name == "language":
            values = {v.lower() for v in values}
        if values:
            filters[name] = values
    return filters


def _facet_label(name: str, value: str, catalog, lang: str) -> str:
    if name == "language":
        return language_name(value, lang)
    if name == "node":
        node = node_dict(catalog, None if value == LOCAL_NODE else value, lang)
        return node["label"] if node else PHRASES[phrase_language(lang)]["this_node"]
    if name == "kind":
        return PHRASES[phrase_language(lang)][value]
    return label(catalog, value, lang)


@bp.route("/bio-bridge/items", methods=["GET"])
def items():
    lang = reader_language()
    etag, not_modified = _conditional(f"{request.path}?{request.query_string.decode('latin-1')}\n{lang}")
    if not_modified is not None:
        return not_modified
    index = cache().get()
    catalog = index.catalog
    filters = _facet_filters()
    hits, counts = browse(catalog, filters)
    offset, limit = _window(len(hits), False)
    links = _page_links(len(hits), offset, limit)
    facets = {
        name: sorted(({"value": v, "label": _facet_label(name, v, catalog, lang), "count": n,
                       "selected": v in filters.get(name, ())} for v, n in counts[name].items()),
                     key=lambda d: (-d["count"], d["label"]))
        for name in FACETS
    }
    data = {
        "lang": phrase_language(lang), "filters": {k: sorted(v) for k, v in filters.items()},
        "total": len(hits), "offset": offset, "limit": limit, "page": offset // limit + 1,
        "pages": max(1, -(-len(hits) // limit)), **links,
        "facets": facets,
        "items": [item_dict(i, catalog, lang) for i in hits[offset:offset + limit]],
    }
    return _json(data, etag, phrase_language(lang), {k: v for k, v in links.items() if k in ("next", "prev")})
