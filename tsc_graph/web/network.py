"""The CHM network over HTTP: this node's change feed (``/changes``) and its network registry (``/api/network``).

``/changes`` is an Activity Streams 2.0 ``OrderedCollection`` (https://www.w3.org/TR/activitystreams-core/) of
every publish, approval, withdrawal and harvest (tsc_graph.changes), oldest first, in pages of
:data:`PAGE_SIZE`: page *n* holds the changes numbered ``(n-1)·PAGE_SIZE+1 … n·PAGE_SIZE``, so a full page
never changes and can be cached. A peer keeps the number of the last change it saw and asks
``/changes?after=N`` (or ``?since=<ISO time>``) next time: only what changed since. docs/federation.md.
"""
from __future__ import annotations

import json
import math
from datetime import datetime, timezone

from flask import Blueprint, Flask, Response, current_app, request, url_for

from tsc_graph.changes import SD_NAMED_GRAPH, Change, ChangeFeed

from . import store_access
from .errors import ApiError
from .matching import reader_language

bp = Blueprint("network", __name__)

PAGE_SIZE = 100
AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
CONTEXT = [AS_CONTEXT, {"tsc": "https://w3id.org/tsc-graph/ontology#",
                        "sd": "http://www.w3.org/ns/sparql-service-description#"}]
AS_MEDIA_TYPE = "application/activity+json"
LD_MEDIA_TYPE = f'application/ld+json; profile="{AS_CONTEXT}"'


def init_app(app: Flask) -> None:
    """Open the change feed beside the store (``CHANGES_DB`` overrides), record what happened while the server
    was down and nobody recorded (a load by another tool, a crash), and register the routes."""
    store = app.extensions["tsc_store"]
    feed = ChangeFeed.beside(store, app.config.get("CHANGES_DB"))
    feed.reconcile(store, app.config["TSC_SETTINGS"].base_uri)
    app.extensions["tsc_changes"] = feed
    app.register_blueprint(bp)


def feed() -> ChangeFeed | None:
    return current_app.extensions.get("tsc_changes")


def _feed() -> ChangeFeed:
    f = feed()
    if f is None:
        raise ApiError(404, "this server keeps no change feed")
    return f


# --- Activity Streams representation -----------------------------------------------------------------------
def _time(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def activity(change: Change, lang: str, with_context: bool = False) -> dict:
    """One change as an Activity Streams activity."""
    out: dict = {"@context": CONTEXT} if with_context else {}
    out.update({
        "id": url_for("network.change", seq=change.seq, _external=True),
        "type": change.type,
        "published": _time(change.time),
        "summary": change.summary.get(lang) or change.summary.get("en", ""),
        "summaryMap": change.summary,
        "object": {"id": change.object,
                   "type": "sd:NamedGraph" if change.object_type == SD_NAMED_GRAPH else change.object_type},
        "tsc:changeKind": change.kind,
    })
    if change.graph and change.graph != change.object:
        out["target"] = {"id": change.graph, "type": "sd:NamedGraph"}
    if change.origin:
        out["origin"] = {"id": change.origin}
    if change.triples is not None:
        out["tsc:triples"] = change.triples
    return out


def _respond(data: dict, etag: str) -> Response:
    best = request.accept_mimetypes.best_match([AS_MEDIA_TYPE, "application/ld+json", "application/json"],
                                               default=AS_MEDIA_TYPE)
    ctype = {AS_MEDIA_TYPE: AS_MEDIA_TYPE, "application/ld+json": LD_MEDIA_TYPE}.get(best, "application/json")
    resp = Response(json.dumps(data, ensure_ascii=False, indent=1) + "\n", 200,
                    content_type=f"{ctype}; charset=utf-8")
    resp.set_etag(etag, weak=True)
    resp.headers["Cache-Control"] = "no-cache"
    resp.headers["Vary"] = "Accept, Accept-Language"
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp.make_conditional(request)


def _whole_number(name: str) -> int | None:
    values = request.args.getlist(name)
    if not values:
        return None
    if len(values) > 1 or not (values[0].isascii() and values[0].isdigit()) or len(values[0]) > 15:  # '²'.isdigit()
        raise ApiError(400, f"?{name}= must be one whole number")
    return int(values[0])


def _since() -> float | None:
    values = request.args.getlist("since")
    if not values:
        return None
    try:
        if len(values) > 1 or len(values[0]) > 40:
            raise ValueError
        when = datetime.fromisoformat(values[0].replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(400, "?since= must be one ISO 8601 date-time, e.g. 2025-03-01T10:00:00Z") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp()


@bp.route("/changes", methods=["GET"])
def changes():
    f = _feed()
    lang = reader_language()
    page, after, since = _whole_number("page"), _whole_number("after"), _since()
    if sum(x is not None for x in (page, after, since)) > 1:
        raise ApiError(400, "give one of ?page=, ?after= or ?since=")
    last = f.last_seq()
    pages = max(1, math.ceil(last / PAGE_SIZE))
    collection = url_for("network.changes", _external=True)
    if since is not None:
        after = f.seq_before(since)
    if after is not None:  # what changed since a peer's last visit
        items = f.after(after, PAGE_SIZE)
        data = {"@context": CONTEXT, "id": url_for("network.changes", after=after, _external=True),
                "type": "OrderedCollectionPage", "partOf": collection, "startIndex": after,
                "orderedItems": [activity(c, lang) for c in items]}
        if items and items[-1].seq < last:
            data["next"] = url_for("network.changes", after=items[-1].seq, _external=True)
        return _respond(data, f"changes-after-{after}-{last}-{lang}")
    if page is None:
        data = {"@context": CONTEXT, "id": collection, "type": "OrderedCollection",
                "summary": "Changes of this node: publications, approvals, withdrawals and harvests, oldest first"
                           if lang != "fr" else
                           "Modifications de ce nœud : publications, approbations, retraits et moissonnages, "
                           "des plus anciennes aux plus récentes",
                "totalItems": f.count(),
                "first": url_for("network.changes", page=1, _external=True),
                "last": url_for("network.changes", page=pages, _external=True)}
        return _respond(data, f"changes-{last}-{lang}")
    if page < 1 or page > pages:
        raise ApiError(404, f"no page {page}: the change feed has {pages} page(s)")
    first_seq, last_seq = (page - 1) * PAGE_SIZE + 1, page * PAGE_SIZE
    items = f.between(first_seq, last_seq)
    data = {"@context": CONTEXT, "id": url_for("network.changes", page=page, _external=True),
            "type": "OrderedCollectionPage", "partOf": collection, "startIndex": first_seq - 1,
            "orderedItems": [activity(c, lang) for c in items]}
    if page > 1:
        data["prev"] = url_for("network.changes", page=page - 1, _external=True)
    if page < pages:
        data["next"] = url_for("network.changes", page=page + 1, _external=True)
    # a full page never changes again; the last one changes with every new change
    return _respond(data, f"changes-page-{page}-{min(last, last_seq)}-{lang}")


@bp.route("/changes/<int:seq>", methods=["GET"])
def change(seq: int):
    c = _feed().get(seq)
    if c is None:
        raise ApiError(404, f"no change number {seq} in this node's change feed")
    lang = reader_language()
    return _respond(activity(c, lang, with_context=True), f"change-{seq}-{lang}")


# --- the network registry ----------------------------------------------------------------------------------
def _value(row: dict, key: str):
    term = row.get(key)
    if term is None:
        return None
    value = term["value"]
    datatype = term.get("datatype", "")
    if datatype.endswith("#boolean"):
        return value == "true"
    if datatype.endswith(("#integer", "#nonNegativeInteger", "#int", "#long")):
        try:
            return int(value)
        except ValueError:  # an ill-typed literal ("many"^^xsd:integer): no figure rather than a 500
            return None
    return value


def _web(url):
    """Only http(s) URLs are published as a node's endpoint, dump or website."""
    return url if isinstance(url, str) and url.lower().startswith(("http://", "https://")) else None


@bp.route("/api/network", methods=["GET"])
def network():
    """The registry's nodes with their harvest figures (named query ``network-nodes``), labels in the reader's
    language; what the network page shows."""
    lang = reader_language()
    nodes = []
    for row in store_access.select("network-nodes"):
        v = {k: _value(row, k) for k in row}
        country = v.get(f"country_label_{lang}") or v.get("country_label_en") or v.get("country_label_fr")
        label = v.get(f"label_{lang}") or v.get("label_en") or v.get("label_fr") or country or v["name"]
        harvested = v.get("last_harvest") is not None
        nodes.append({
            "id": v["node"], "name": v["name"], "label": label,
            "country": {"id": v.get("country"), "label": country} if v.get("country") else None,
            "this_node": bool(v.get("this_node")), "demonstration": bool(v.get("demonstration")),
            "linked_data": not v.get("no_linked_data"),  # false: a national CHM site with no endpoint, not harvested
            "languages": sorted((v.get("languages") or "").split()),
            "sources": [u for u in (v.get("sources") or "").split() if _web(u)], "read_on": v.get("read_on"),
            "evidence": v.get("evidence"),
            "endpoint": _web(v.get("endpoint")), "dump": _web(v.get("dump")), "local_dump": v.get("local_dump"),
            "homepage": _web(v.get("homepage")),
            "contact": {"name": v.get("contact_name"), "email": v.get("contact_email")} if v.get("contact_name") else None,
            "graph": v.get("graph"),
            "harvest": {
                "last": v.get("last_harvest"), "source": v.get("source"), "triples": v.get("triples"),
                "conforms": v.get("conforms"), "violations": v.get("violations"), "harvests": v.get("harvests"),
            } if harvested else None,
        })
    body = json.dumps({"lang": lang, "nodes": nodes, "changes": url_for("network.changes", _external=True)},
                      ensure_ascii=False, indent=1) + "\n"
    resp = Response(body, 200, content_type="application/json; charset=utf-8")
    resp.headers["Vary"] = "Accept-Language"
    resp.headers["Content-Language"] = lang
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp
