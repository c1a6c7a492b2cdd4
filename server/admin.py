"""Authenticated routes: moderation of submitted projects and graph uploads (``/admin/...``).

Authentication: ``Authorization: Bearer <TSC_ADMIN_TOKEN>`` (scripts) or HTTP Basic with that token as the
password (browsers; any user name). Without a configured token every ``/admin`` route answers 403: write
routes are then simply off. Tokens are compared in constant time. Browsers resend Basic credentials on
their own, so a form POST authenticated by Basic must also carry the page's CSRF token; a Bearer token is
never sent by a browser on its own and needs none. Uploads must have an RDF media type, which a
cross-site HTML form cannot send (and /admin has no CORS), so they need no CSRF token either.

* ``GET /admin/submissions[?state=pending|approved|rejected][&after=CURSOR][&size=N]`` — the queue (HTML or
  JSON), newest first, 100 per page (``size`` up to 1,000); ``next`` links to the following page.
* ``GET /admin/submissions/<id>`` — one submission, its Turtle and the approve / reject buttons.
* ``POST /admin/submissions/<id>/approve`` — publish: load its Turtle into ``{base}graph/submission/<id>``
  (one atomic store load), then mark it approved. ``POST .../reject`` (form field ``reason``) — reject a
  pending one, or withdraw an approved one (mark rejected, then drop its graph).
* ``PUT /admin/graphs?graph=IRI`` with an RDF body (Content-Type text/turtle, application/n-triples,
  application/ld+json, application/rdf+xml) — replace that named graph, all or nothing (SPARQL 1.1 Graph
  Store Protocol style). ``DELETE /admin/graphs?graph=IRI`` — drop it.

Crash safety (docs/submissions.md): approval = store load, then queue update; withdrawal = queue update,
then graph drop; :func:`reconcile` completes whichever half a crash interrupted, when the server starts.
"""
from __future__ import annotations

import hmac
import json
import re
from functools import wraps

from flask import Blueprint, Response, redirect, render_template, request, url_for

from tsc_graph import moderation
from tsc_graph.changes import ChangeFeed, graph_change
from tsc_graph.errors import LoadError
from tsc_graph.formats import RDF_FORMATS, rdf_format_for_media_type
from tsc_graph.moderation import PAGE_SIZE, PENDING, REJECTED, STATES, Cursor, ModerationQueue
from tsc_graph.store import GraphNamer, Source, Store

from . import conneg, store_access
from .errors import ApiError

bp = Blueprint("admin", __name__, url_prefix="/admin")

REALM = 'realm="tsc-graph admin", charset="UTF-8"'
#: Graph names an upload may target: absolute IRIs without the characters SPARQL forbids in <...>.
_GRAPH_IRI = re.compile(r"^(https?://[^\s<>\"{}|^`\\]+|urn:[a-z0-9][a-z0-9-]{0,31}:[^\s<>\"{}|^`\\]+)$", re.I)
_RESERVED = ("urn:tsc-graph:",)  # staging graphs of the store


def reconcile(queue: ModerationQueue, store: Store) -> None:
    """Finish what a crash interrupted: pending + graph present → approved; rejected + graph present → drop."""
    graphs = set(store.graphs())
    queue.reconcile(graphs)
    for _, graph in queue.graphs(REJECTED):  # every rejected row, however many
        if graph in graphs:
            store.drop_graph(graph)


# --- authentication ---------------------------------------------------------------------------------------
def _authenticated_by() -> str | None:
    """"bearer" / "basic" when the request carries the admin token, else None."""
    token = store_access.settings().admin_token
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    scheme = scheme.lower()
    if scheme == "bearer":
        given = credentials.strip()
        return "bearer" if given and hmac.compare_digest(given.encode(), token.encode()) else None
    if scheme == "basic":
        auth = request.authorization
        password = auth.password if auth is not None and auth.type == "basic" else None
        if password and hmac.compare_digest(password.encode("utf-8", "replace"), token.encode()):
            return "basic"
    return None


def require_admin(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not store_access.settings().admin_token:
            raise ApiError(403, "write and moderation routes are disabled on this server: no admin token is "
                                "configured (TSC_ADMIN_TOKEN)", "writes_disabled")
        how = _authenticated_by()
        if how is None:
            raise ApiError(401, "authentication required: send 'Authorization: Bearer <admin token>' or HTTP Basic "
                                "with the admin token as password", "unauthorized",
                           {"WWW-Authenticate": f"Basic {REALM}"})
        if how == "basic" and request.method not in ("GET", "HEAD", "OPTIONS") and request.blueprint == "admin" \
                and not request.path.startswith("/admin/graphs"):
            from .submissions import csrf

            csrf.protect()
        return view(*args, **kwargs)

    return wrapped


@bp.after_request
def _no_store(resp: Response) -> Response:
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _queue() -> ModerationQueue:
    from .submissions import queue

    return queue()


def _feed() -> ChangeFeed | None:
    from .network import feed

    return feed()


def _html(template: str, status: int = 200, **context) -> Response:
    return Response(render_template(template, lang=conneg.preferred_language(), **context), status,
                    content_type="text/html; charset=utf-8")


def _json(data, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, indent=1) + "\n", status,
                    content_type="application/json; charset=utf-8")


def _public(sub) -> dict:
    return {"id": sub.id, "state": sub.state, "title": sub.title, "project": sub.project_iri, "graph": sub.graph_iri,
            "submitted": sub.submitted, "decided": sub.decided, "reason": sub.reason, "contact": sub.contact}


# --- moderation -----------------------------------------------------------------------------------------
@bp.route("/submissions", methods=["GET"])
@require_admin
def list_submissions():
    state = request.args.get("state") or None
    if state is not None and state not in STATES:
        raise ApiError(400, f"unknown state {state!r}; use one of {', '.join(STATES)}")
    try:
        after = Cursor.parse(request.args["after"]) if request.args.get("after") else None
        size = int(request.args.get("size", PAGE_SIZE))
    except ValueError:
        raise ApiError(400, "'after' must be the 'next' value of a previous page and 'size' a number") from None
    page = _queue().page(state, after=after, size=size)
    next_url = None if page.next is None else url_for("admin.list_submissions", state=state, after=str(page.next),
                                                      size=size if size != PAGE_SIZE else None)
    if conneg.wants_html():
        return _html("admin_submissions.html", subs=page.submissions, state=state, counts=_queue().counts(),
                     states=STATES, next_url=next_url)
    return _json({"counts": _queue().counts(), "submissions": [_public(s) for s in page.submissions],
                  "next": next_url})


def _get(sub_id: str):
    sub = _queue().get(sub_id) if len(sub_id) <= 200 else None
    if sub is None:
        raise ApiError(404, f"no submission {sub_id!r}")
    return sub


@bp.route("/submissions/<sub_id>", methods=["GET"])
@require_admin
def view_submission(sub_id: str):
    sub = _get(sub_id)
    if conneg.wants_html():
        return _html("admin_submission.html", sub=sub)
    return _json(dict(_public(sub), turtle=sub.turtle, fields=sub.fields))


def _decided(sub_id: str) -> Response:
    if conneg.wants_html():
        return redirect(url_for("admin.view_submission", sub_id=sub_id), code=303)
    return _json(_public(_queue().get(sub_id)))


@bp.route("/submissions/<sub_id>/approve", methods=["POST"])
@require_admin
def approve(sub_id: str):
    sub = _get(sub_id)
    if sub.state == REJECTED:
        raise ApiError(409, f"submission {sub_id} was rejected; it cannot be approved", "conflict")
    if sub.state == PENDING:
        # 1. publish (one atomic store load); 2. mark; 3. change feed. A crash between 1 and 2 → reconcile().
        moderation.publish(_queue(), store_access.store(), sub, feed=_feed())
    return _decided(sub.id)


@bp.route("/submissions/<sub_id>/reject", methods=["POST"])
@require_admin
def reject(sub_id: str):
    sub = _get(sub_id)
    reason = (request.form.get("reason") or "").strip()[:2000]
    if sub.state != REJECTED:  # 1. record; 2. unpublish if it was approved; 3. change feed
        moderation.withdraw(_queue(), store_access.store(), sub, reason, feed=_feed())
    return _decided(sub.id)


# --- graph uploads ----------------------------------------------------------------------------------------
def _graph_param() -> str:
    graphs = request.args.getlist("graph")
    if len(graphs) != 1:
        raise ApiError(400, "give exactly one ?graph=IRI (the named graph to replace)")
    graph = graphs[0]
    if not _GRAPH_IRI.match(graph) or graph.lower().startswith(_RESERVED) or len(graph) > 2000:
        raise ApiError(400, "?graph must be an absolute http(s) or urn IRI without spaces or <>\"{}|^`\\ characters "
                            "(and not a reserved urn:tsc-graph: name)")
    return graph


def _upload_error(e: LoadError) -> Response:
    body = {"error": "bad_rdf", "message": str(e), "source": e.source, "line": e.line, "column": e.column,
            "reason": e.reason}
    return _json(body, 400)


@bp.route("/graphs", methods=["PUT"])
@require_admin
def put_graph():
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
    feed = _feed()
    if feed is not None:
        feed.record(store, [graph_change("upload", graph, existed, report.graphs.get(graph, 0))])
    return _json({"graph": graph, "triples": report.graphs.get(graph, 0), "replaced": existed}, 200 if existed else 201)


@bp.route("/graphs", methods=["DELETE"])
@require_admin
def delete_graph():
    graph = _graph_param()
    store = store_access.store()
    if graph not in store.graphs():
        raise ApiError(404, f"no named graph {graph}")
    store.drop_graph(graph)
    feed = _feed()
    if feed is not None:
        feed.record(store, [graph_change("drop", graph, True, None)])
    return Response(status=204)
