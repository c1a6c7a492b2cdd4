"""The curators' desk: the queue, a submission's review, edit, approve, reject or withdraw (HTML for people, JSON
for scripts: ``Accept: application/json``).

* ``GET /admin/`` and ``/admin/submissions[?state=&kind=&since=YYYY-MM-DD&until=YYYY-MM-DD&after=CURSOR&size=N]``
  — newest first, 100 per page (``size`` up to 1,000), counts per state and per kind, dates in the curator's
  language and ``TSC_TIMEZONE``.
* ``GET /admin/submissions/<id>`` — the review: preview, SHACL report in words, difference with what is
  published (updates), history, the decisions.
* ``GET|POST /admin/submissions/<id>/edit`` — the form, filled as submitted; the edited version is re-validated.
* ``POST /admin/submissions/<id>/approve`` — publish (one atomic store load into
  ``{base}graph/submission/<id>``), then mark approved. ``POST …/reject`` (``reason``) — reject a pending one,
  or withdraw an approved one. ``POST …/update`` — start an update of an approved one (a new pending version).
* ``GET /admin/submissions/<id>/data.ttl`` (``.nt``, ``.jsonld``, ``.rdf``) — the submission's RDF.

Every decision is recorded in the submission's history (who, when, what) and in the published PROV-O log
(:mod:`tsc_graph.provenance`); the submitter gets an e-mail when mail is on.

Decisions and edits run one at a time (:meth:`~tsc_graph.moderation.ModerationQueue.deciding`) on the submission
as it stands. The desk's forms carry the ``version`` of the submission they showed: if it has changed since (a
second click, another curator's decision or edit), the request is refused with 409 and the submission as it is now
— never a decision on a text the curator did not see. Scripts may send ``version`` too (``_public`` gives it);
without it, a decision applies to the current version, and approving an approved submission changes nothing.
"""
from __future__ import annotations

import json
import secrets
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Response, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tsc_graph import moderation, provenance, rdfwrite
from tsc_graph.moderation import (
    APPROVED,
    PAGE_SIZE,
    PENDING,
    REJECTED,
    STATES,
    Cursor,
    Filter,
    Stale,
    Submission,
    tracking_hash,
)

from .. import conneg, store_access
from ..errors import ApiError
from ..portal import i18n
from ..portal.formatting import as_datetime
from ..submissions import notify, views
from ..submissions.choices import options_for
from ..submissions.kinds import KINDS
from ..submissions.reading import Entry, read
from . import review
from .auth import Who, require_admin
from .blueprint import bp, feed, queue

STATE_NAMES = {PENDING: _l("Pending"), APPROVED: _l("Published"), REJECTED: _l("Rejected")}
KIND_NAMES = {"project": _l("Project"), "practice": _l("Good practice or lesson learnt"), "offer": _l("Bio-Bridge offer"),
              "request": _l("Bio-Bridge request")}
ACTION_NAMES = {"submitted": _l("Submitted"), "edited": _l("Edited"), "approved": _l("Approved and published"),
                "rejected": _l("Rejected"), "withdrawn": _l("Withdrawn from publication"),
                "replaced": _l("Replaced by an update")}
MAX_REASON = 2000


def _json(data, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, indent=1) + "\n", status,
                    content_type="application/json; charset=utf-8")


def _html(template: str, status: int = 200, **context) -> Response:
    resp = Response(render_template(template, STATE_NAMES=STATE_NAMES, KIND_NAMES=KIND_NAMES, **context), status,
                    content_type="text/html; charset=utf-8")
    resp.headers["Content-Language"] = i18n.current()
    return resp


def _public(sub: Submission) -> dict:
    return {"id": sub.id, "kind": sub.kind, "state": sub.state, "title": sub.title, "resource": sub.project_iri,
            "project": sub.project_iri, "graph": sub.graph_iri, "submitted": sub.submitted, "decided": sub.decided,
            "reason": sub.reason, "contact": sub.contact, "replaces": sub.replaces or None, "version": sub.version}


def when(ts: float | None) -> str:
    return as_datetime(ts) if ts else ""


def _tz() -> ZoneInfo:
    try:
        return ZoneInfo(store_access.settings().timezone or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def _day(name: str) -> float | None:
    raw = request.args.get(name) or ""
    if not raw:
        return None
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        day = date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, _("“%(name)s” must be a date (YYYY-MM-DD).", name=name), localized=True) from None
    if name == "until":
        day += timedelta(days=1)  # the whole last day
    return datetime(day.year, day.month, day.day, tzinfo=_tz()).timestamp()


def _filter() -> Filter:
    state = request.args.get("state") or None
    if state is not None and state not in STATES:
        raise ApiError(400, f"unknown state {state[:40]!r}; use one of {', '.join(STATES)}")
    kind = request.args.get("kind") or None
    if kind is not None and kind not in KINDS:
        raise ApiError(400, f"unknown kind {kind[:40]!r}; use one of {', '.join(KINDS)}")
    return Filter(state=state, kind=kind, since=_day("since"), until=_day("until"))


# --- the queue ---------------------------------------------------------------------------------------------------
@bp.route("/", methods=["GET"])
@require_admin
def desk(who: Who):
    return redirect(url_for("admin.list_submissions", state=PENDING), code=302)


@bp.route("/submissions", methods=["GET"])
@require_admin
def list_submissions(who: Who):
    where = _filter()
    try:
        after = Cursor.parse(request.args["after"]) if request.args.get("after") else None
        size = int(request.args.get("size", PAGE_SIZE)) if len(request.args.get("size", "")) <= 6 else -1
        if size < 1:
            raise ValueError(size)
    except ValueError:
        raise ApiError(400, "'after' must be the 'next' value of a previous page and 'size' a number") from None
    page = queue().page(after=after, size=size, where=where)
    kept = {k: request.args.get(k) for k in ("state", "kind", "since", "until") if request.args.get(k)}
    next_url = None if page.next is None else url_for("admin.list_submissions", **kept, after=str(page.next),
                                                      size=size if size != PAGE_SIZE else None)
    counts = queue().counts(where)
    if not conneg.wants_html():
        return _json({"counts": counts, "kinds": queue().kind_counts(where),
                      "submissions": [_public(s) for s in page.submissions], "next": next_url})
    rows = [{"sub": s, "received": when(s.submitted), "decided": when(s.decided)} for s in page.submissions]
    return _html("admin/queue.html", who=who, rows=rows, counts=counts, kind_counts=queue().kind_counts(where),
                 filters=kept, states=STATES, kinds=KINDS, next_url=next_url, first_page=after is None,
                 filter_url=lambda **changes: url_for("admin.list_submissions",
                                                      **{k: v for k, v in {**kept, **changes}.items() if v}))


def _get(sub_id: str) -> Submission:
    sub = queue().get(sub_id) if len(sub_id) <= 200 else None
    if sub is None:
        raise ApiError(404, _("There is no submission “%(id)s”.", id=sub_id[:200]), localized=True)
    return sub


# --- a submission -----------------------------------------------------------------------------------------------
def history(sub: Submission) -> list[dict]:
    kind = review.kind_of(sub)
    out = []
    for e in queue().history(sub.id):
        changed = review.describe_change(kind, e.detail.get("fields", [])) if e.action == "edited" else ""
        who_name = e.name or (_("the visitor") if e.action == "submitted" else _("the server") if e.actor in
                              ("", moderation.SYSTEM) else e.actor)
        out.append({"when": when(e.at), "action": str(ACTION_NAMES.get(e.action, e.action)), "who": who_name,
                    "note": e.note, "changed": changed, "at": e.at, "actor": e.actor, "code": e.action})
    return out


def _review_page(sub: Submission, who: Who, status: int = 200, reason_error: str | None = None,
                 reason: str = "", stale: bool = False) -> Response:
    lang = i18n.current()
    context = dict(sub=sub, who=who, kind=review.kind_of(sub), history=history(sub), stale=stale,
                   received=when(sub.submitted), decided=when(sub.decided), report=review.report(sub, lang),
                   diff=review.differences(sub) if sub.state == PENDING else None,
                   reason_error=reason_error, reason=reason, max_reason=MAX_REASON,
                   published=None, replaces=queue().get(sub.replaces) if sub.replaces else None)
    if sub.state == APPROVED:
        from .. import uris

        context["published"] = uris.href(sub.project_iri)
    page = review.preview(sub)
    if page is None:
        return _html("admin/review.html", status, preview_failed=True, **context)
    return _html("admin/review.html", status, preview_failed=False, **page, **context)


@bp.route("/submissions/<sub_id>", methods=["GET"])
@require_admin
def view_submission(sub_id: str, who: Who):
    sub = _get(sub_id)
    if conneg.wants_html():
        return _review_page(sub, who)
    events = [{"at": e.at, "action": e.action, "actor": e.actor, "name": e.name, "note": e.note, "detail": e.detail}
              for e in queue().history(sub.id)]
    return _json(dict(_public(sub), turtle=sub.turtle, fields=sub.fields, history=events,
                      report=[{"field": f, "message": m} for f, m in review.report(sub, i18n.current())]))


@bp.route("/submissions/<sub_id>/data.<ext>", methods=["GET"])
@require_admin
def submission_data(sub_id: str, ext: str, who: Who):
    from tsc_graph.formats import RDF_FORMATS

    sub = _get(sub_id)
    formats = {"ttl": "turtle", "nt": "ntriples", "jsonld": "json-ld", "rdf": "xml"}
    if ext not in formats:
        raise ApiError(404, _("Unknown format “%(format)s”: use ttl, nt, jsonld or rdf.", format=ext[:20]), localized=True)
    if ext == "ttl":
        body = sub.turtle
    else:
        g = review.graph_of(sub)
        body = rdfwrite.turtle(g) if ext == "ttl" else (rdfwrite.serialize(rdfwrite.triples(g), "ntriples") if ext == "nt"
                                                         else g.serialize(format=formats[ext]))
    media = {"ttl": RDF_FORMATS["turtle"], "nt": RDF_FORMATS["ntriples"], "jsonld": RDF_FORMATS["jsonld"],
             "rdf": RDF_FORMATS["rdfxml"]}[ext].content_type
    return Response(body, 200, content_type=media)


def _decided(sub_id: str) -> Response:
    if conneg.wants_html():
        return redirect(url_for("admin.view_submission", sub_id=sub_id), code=303)
    return _json(_public(queue().get(sub_id)))


def _current(sub_id: str) -> Submission:
    """The submission as it stands, read under the decision lock; :class:`Stale` if the form that sent the request
    showed another version of it (``version``, which the desk's forms carry)."""
    sub = _get(sub_id)
    shown = request.form.get("version", "")
    if shown and not (shown.isascii() and shown.isdigit() and len(shown) <= 18 and int(shown) == sub.version):
        raise Stale(sub)
    return sub


def _stale(e: Stale, who: Who) -> Response:
    """409 with the submission as it stands now: the review page for people, the submission for scripts."""
    message = _("This submission has changed since the page was shown (a second click, or another curator's "
                "decision or edit): nothing was done. Here it is as it stands now.")
    if conneg.wants_html():
        return _review_page(e.current, who, 409, stale=True)
    return _json({"error": "stale", "message": message, "current": _public(e.current)}, 409)


def _log(touched: list[str]) -> None:
    """The published log, once the decision is recorded (``touched``: the submissions whose history changed)."""
    provenance.append_log(queue(), store_access.store(), store_access.settings().base_uri, touched, feed=feed())


def _mail_decision(sub_id: str, action: str) -> None:
    """The submitter's e-mail (after the decision lock is released: it needs no lock, only the decided row)."""
    fresh = queue().get(sub_id)
    published = None
    if fresh.state == APPROVED:
        from .. import uris

        published = url_for("portal.home", _external=True).rstrip("/") + (uris.href(fresh.project_iri) or "")
    notify.mail(current_app, fresh.contact, fresh.lang, "decision", sub=fresh, action=action, published=published,
                noun=str(KINDS.get(fresh.kind, KINDS["project"]).noun))


@bp.route("/submissions/<sub_id>/approve", methods=["POST"])
@require_admin
def approve(sub_id: str, who: Who):
    try:
        with queue().deciding():
            sub = _current(sub_id)
            if sub.state == REJECTED:
                raise ApiError(409, _("This submission was rejected; it cannot be approved."), "conflict",
                               localized=True)
            if sub.state != PENDING:  # approved already (a script's retry): nothing to do
                return _decided(sub.id)
            # 1. publish (one atomic store load); 2. mark; 3. change feed; 4. log. A crash between 1 and 2:
            # reconcile() completes it.
            touched = moderation.publish(queue(), store_access.store(), sub, feed=feed(), actor=who.account,
                                         name=who.name)
            _log(touched)
    except Stale as e:
        return _stale(e, who)
    _mail_decision(sub.id, "approved")
    return _decided(sub.id)


@bp.route("/submissions/<sub_id>/reject", methods=["POST"])
@require_admin
def reject(sub_id: str, who: Who):
    reason = (request.form.get("reason") or "").strip()
    try:
        with queue().deciding():
            sub = _current(sub_id)
            if len(reason) > MAX_REASON:
                message = _("The reason has %(n)s characters; the limit is %(limit)s.", n=len(reason), limit=MAX_REASON)
                if conneg.wants_html():
                    return _review_page(sub, who, 400, message, reason)
                raise ApiError(400, message, localized=True)
            if not reason and conneg.wants_html() and sub.state != REJECTED:
                return _review_page(sub, who, 400, _("Say why: the submitter reads this reason."))
            if sub.state == REJECTED:
                return _decided(sub.id)
            action = "withdrawn" if sub.state == APPROVED else "rejected"
            # 1. record; 2. unpublish if it was approved; 3. change feed; 4. log
            touched = moderation.withdraw(queue(), store_access.store(), sub, reason, feed=feed(), actor=who.account,
                                          name=who.name)
            _log(touched)
    except Stale as e:
        return _stale(e, who)
    _mail_decision(sub.id, action)
    return _decided(sub.id)


# --- editing --------------------------------------------------------------------------------------------------
def _edit_page(sub: Submission, who: Who, entry: Entry, options: dict, status: int = 200) -> Response:
    kind = review.kind_of(sub)
    return views.page(kind, status, entry=entry, options=options, template="admin/edit.html", sub=sub, who=who,
                      KIND_NAMES=KIND_NAMES)


def _editable(sub_id: str):
    """The pending submission, its kind and its form's options (409 for a decided one)."""
    sub = _get(sub_id)
    if sub.state != PENDING:
        raise ApiError(409, _("Only a pending submission can be edited; to change a published one, prepare an update."),
                       "conflict", localized=True)
    kind = review.kind_of(sub)
    return sub, kind, options_for(views.option_names(kind))


@bp.route("/submissions/<sub_id>/edit", methods=["GET"])
@require_admin
def edit(sub_id: str, who: Who):
    sub, kind, options = _editable(sub_id)
    entry = Entry(typed={k: v for k, v in sub.fields.items() if not k.startswith("_")})
    entry.typed["email"] = sub.contact
    return _edit_page(sub, who, entry, options)


@bp.route("/submissions/<sub_id>/edit", methods=["POST"])
@require_admin
def edit_post(sub_id: str, who: Who):
    sub, kind, options = _editable(sub_id)
    try:
        _current(sub_id)  # a stale form is refused before it costs a check
        entry = read(request.form, kind, options, views.roles(kind))
        outcome = views.validate(kind, entry, sub.lang, sub.fields.get("_iris"))
        if entry.errors:
            return _edit_page(sub, who, entry, options, 400)
        fields = views.stored_fields(kind, entry, outcome)
        changed = review.changed_fields(kind, sub.fields, fields)
        contact = str(entry.values.get("email") or sub.contact)
        if contact != sub.contact:
            changed.append("email")
        with queue().deciding():  # the version the form was made from, or the one read above: never a newer one
            if not queue().revise(sub.id, title=kind.title(entry.values, sub.lang) or sub.title,
                                  turtle=rdfwrite.turtle(outcome.built.graph), fields=fields, contact=contact,
                                  actor=who.account, name=who.name, changed=changed, expected=sub.version):
                raise Stale(_get(sub_id))  # decided meanwhile
    except Stale as e:
        return _stale(e, who)
    return redirect(url_for("admin.view_submission", sub_id=sub.id), code=303)


@bp.route("/submissions/<sub_id>/update", methods=["POST"])
@require_admin
def prepare_update(sub_id: str, who: Who):
    """A new pending version of an approved submission (same resource), to edit, compare and approve: on approval
    it replaces the published one."""
    try:
        with queue().deciding():
            sub = _current(sub_id)
            if sub.state != APPROVED:
                raise ApiError(409, _("Only a published submission can be updated."), "conflict", localized=True)
            waiting = queue().pending_update(sub.id)  # a second click, or the submitter's correction: that one
            if waiting is None:
                base = store_access.settings().base_uri
                base = base if base.endswith("/") else base + "/"
                new_id = f"{sub.project_iri.rsplit('/', 1)[-1]}-v{secrets.token_hex(3)}"
                waiting = Submission(id=new_id, project_iri=sub.project_iri,
                                     graph_iri=f"{base}graph/submission/{new_id}", title=sub.title, turtle=sub.turtle,
                                     contact=sub.contact, lang=sub.lang, fields=dict(sub.fields), state=PENDING,
                                     submitted=time.time(), client="", kind=sub.kind,
                                     tracking=tracking_hash(secrets.token_urlsafe(32)), replaces=sub.id)
                queue().add(waiting, actor=who.account, name=who.name)
    except Stale as e:
        return _stale(e, who)
    if conneg.wants_html():
        return redirect(url_for("admin.edit", sub_id=waiting.id), code=303)
    return _json(_public(queue().get(waiting.id)), 201)
