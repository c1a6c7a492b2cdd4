"""The visitors' side: the forms (``/projects/submit``, ``/practices/submit``, ``/offers/submit``,
``/requests/submit``), what a submission answers (a summary and a private tracking link) and the tracking page.

A POST is read whole (:mod:`.reading`), built as RDF (:mod:`.rdf`) and checked with the shapes (:mod:`.shacl`)
even when the form already found problems, so that every problem is shown at once, next to its field, with
everything typed kept — also after an expired CSRF token (the form comes back with a fresh one) and when the
quota is reached (429, the form kept). A valid submission goes to the moderation queue, never to the store.
"""
from __future__ import annotations

import secrets
import time

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from tsc_graph import rdfwrite
from tsc_graph.moderation import APPROVED, PENDING, REJECTED, Submission, tracking_hash

from .. import store_access
from ..portal import i18n
from ..portal.formatting import as_datetime
from . import languages, notify, rdf, shacl
from .choices import options_for
from .guard import limiter
from .kinds import NEW_ORGS, ORG_FIELDS, Kind, for_node, org_field
from .reading import Entry, read

bp = Blueprint("submissions", __name__)

#: URL segment → kind (``/offers/submit``).
URL_KEYS = {"projects": "project", "practices": "practice", "offers": "offer", "requests": "request"}
URL_OF = {v: k for k, v in URL_KEYS.items()}
_SEGMENTS = "any(" + ",".join(URL_KEYS) + ")"


def queue():
    return current_app.extensions["tsc_moderation"]


# --- what a form page needs ----------------------------------------------------------------------------------
def roles(kind: Kind) -> list[tuple[str, str]]:
    """The fields an organisation proposed inline can fill, with their labels (its « role » choices)."""
    return [(f.name, str(f.label)) for f in kind.actor_fields]


def option_names(kind: Kind) -> list[str]:
    return [f.choices for f in kind.fields if f.choices] + [s.choices for s in ORG_FIELDS if s.choices]


def labels(kind: Kind) -> dict[str, str]:
    """Field name → its label (the org fields numbered), for the error summary and the summaries."""
    out = {f.name: str(f.label) for f in kind.fields}
    for n in range(1, NEW_ORGS + 1):
        for spec in ORG_FIELDS:
            out[org_field(n, spec)] = _("Organisation %(n)s not listed: %(field)s", n=n, field=str(spec.label))
    out["general"] = _("This submission")
    return out


def error_list(kind: Kind, errors: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    """(field name, label, message) in the order of the form: the summary at the top links to each field."""
    order = [f.name for f in kind.fields] + [org_field(n, s) for n in range(1, NEW_ORGS + 1) for s in ORG_FIELDS]
    names = labels(kind)
    ranked = sorted(errors, key=lambda k: (k != "general", order.index(k) if k in order else len(order)))
    return [(name, names.get(name, name), m) for name in ranked for m in errors[name]]


def page(kind: Kind, status: int = 200, *, entry: Entry | None = None, options: dict | None = None,
         template: str = "submissions/submit.html", action: str | None = None, **context) -> Response:
    entry = entry or Entry()
    options = options if options is not None else options_for(option_names(kind))
    body = render_template(template, kind=kind, typed=entry.typed, errors=entry.errors, options=options,
                           roles=roles(kind), problems=error_list(kind, entry.errors), new_orgs=NEW_ORGS,
                           org_fields=ORG_FIELDS, org_field=org_field, url_key=URL_OF[kind.key],
                           action=action or url_for("submissions.submit", segment=URL_OF[kind.key]),
                           writing_hint=languages.writing_hint(), **context)
    resp = Response(body, status, content_type="text/html; charset=utf-8")
    resp.headers["Vary"] = "Accept-Language, Cookie"
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Content-Language"] = i18n.current()
    return resp


def _kind(segment: str) -> Kind:
    return for_node(URL_KEYS[segment])


# --- the forms -------------------------------------------------------------------------------------------------
@bp.route("/projects/submit", methods=["GET"], endpoint="form", defaults={"segment": "projects"})
@bp.route(f"/<{_SEGMENTS}:segment>/submit", methods=["GET"], endpoint="form")
def form(segment: str):
    """The empty form; ``?field=value`` pre-fills choices (« share a practice from this project »)."""
    kind = _kind(segment)
    options = options_for(option_names(kind))
    entry = Entry()
    if kind.key == "project":
        entry.typed["currency"] = "EUR" if not request.args.get("currency") else ""
    for spec in kind.fields:
        asked = request.args.getlist(spec.name)[:50]
        if asked and spec.choices:
            allowed = {v for v, _l in options.get(spec.choices, [])}
            kept = [a for a in asked if a in allowed]
            entry.typed[spec.name] = kept if spec.widget in ("multi", "checkboxes") else (kept[0] if kept else "")
    if kind.type_field and not entry.typed.get(kind.type_field):
        entry.typed[kind.type_field] = kind.classes[0]
    return page(kind, entry=entry, options=options)


def _attempt_limit() -> str:
    return current_app.config["SUBMIT_ATTEMPT_LIMIT"]


def _flooded(_limit) -> Response | None:
    """The flood guard's 429 for people: the form as they filled it, in their language (machines: JSON)."""
    from .. import conneg

    if not conneg.wants_html():
        return None
    args = request.view_args or {}
    kind, action = for_node("project"), None
    if "segment" in args:
        kind = _kind(args["segment"])
    elif "token" in args:  # a correction from a tracking link
        sub = queue().by_tracking(args["token"])
        kind = for_node(sub.kind) if sub else kind
        action = url_for("submissions.correct_post", token=args["token"])
    options = options_for(option_names(kind))
    entry = read(request.form, kind, options, roles(kind))
    entry.errors = {}
    resp = page(kind, 429, entry=entry, options=options, action=action, notice={
        "title": _("Too many requests"),
        "text": _("You have sent this form many times in a short while. What you typed is kept below: send it "
                  "again in a little while.")})
    resp.headers["Retry-After"] = "600"
    return resp


def _csrf_ok() -> bool:
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        return False
    return True


@bp.route("/projects/submit", methods=["POST"], endpoint="submit", defaults={"segment": "projects"})
@bp.route(f"/<{_SEGMENTS}:segment>/submit", methods=["POST"], endpoint="submit")
@limiter.limit(_attempt_limit, methods=["POST"], on_breach=_flooded)
def submit(segment: str):
    return _receive(_kind(segment))


def _receive(kind: Kind, previous: Submission | None = None) -> Response:
    """Read, check and queue a submission; ``previous``: the published one it corrects (same resource)."""
    lang = i18n.current()
    options = options_for(option_names(kind))
    entry = read(request.form, kind, options, roles(kind))
    action = url_for("submissions.correct_post", token=request.view_args["token"]) if previous else None
    if not _csrf_ok():  # an expired or missing token: nothing is recorded, everything typed comes back
        entry.errors = {}
        return page(kind, 400, entry=entry, options=options, action=action, notice={
            "title": _("Your form was not sent"),
            "text": _("The page was open for a long time, or your browser refused our cookie, so we could not "
                      "check that the form comes from you. Everything you typed is below: check it and send it "
                      "again.")})
    client = request.remote_addr or ""
    quota = current_app.extensions["tsc_submit_quota"]
    wait = queue().wait_for(client, quota)
    if wait is not None:  # before the SHACL check: a client over its quota costs nothing more
        return _over_quota(kind, entry, options, wait, action)
    outcome = validate(kind, entry, lang, previous.fields.get("_iris") if previous else None)
    if entry.errors:
        return page(kind, 400, entry=entry, options=options, action=action)
    token = secrets.token_urlsafe(32)
    sub = _submission(kind, entry, outcome, lang, client, token, replaces=previous.id if previous else "")
    wait = queue().add(sub, quota=quota)
    if wait is not None:  # another submission of this client was recorded meanwhile
        return _over_quota(kind, entry, options, wait, action)
    track = url_for("submissions.track", token=token, _external=True)
    notify.mail(current_app, sub.contact, lang, "receipt", sub=sub, noun=str(kind.noun), track=track,
                summary=summary(kind, sub.fields, options))
    resp = page(kind, 202, entry=Entry(), options=options, template="submissions/received.html", sub=sub,
                track=track, summary=summary(kind, sub.fields, options),
                mailed=notify.mailer(current_app).enabled)
    resp.headers["Referrer-Policy"] = "no-referrer"  # the page holds the private link
    return resp


def _over_quota(kind: Kind, entry: Entry, options: dict, wait: float, action: str | None = None) -> Response:
    """429 with the form as the client filled it, so nothing typed is lost, and when to come back."""
    entry.errors = {}
    minutes = max(1, round(wait / 60))
    resp = page(kind, 429, entry=entry, options=options, action=action, notice={
        "title": _("Too many submissions for now"),
        "text": _("You have already sent as many submissions as allowed for now. What you typed is kept below: "
                  "send it again in about %(minutes)s min.", minutes=minutes)})
    resp.headers["Retry-After"] = str(int(wait))
    return resp


class Outcome:
    """A validated submission's RDF: the built graph and the IRIs to keep on an edit."""

    def __init__(self, built: rdf.Built, iris: dict):
        self.built = built
        self.iris = iris


def validate(kind: Kind, entry: Entry, lang: str, iris: dict | None = None) -> Outcome:
    """Build and SHACL-check ``entry``; the shapes' findings join the form's in ``entry.errors`` (a field the form
    already found wrong keeps the form's words: the shapes would only say it is missing)."""
    iris = rdf.new_iris(kind, entry, store_access.settings().base_uri, lang, iris)
    built = rdf.build(kind, entry, iris, lang)
    for name, messages in shacl.place(shacl.check(built), kind, built, lang).items():
        if name in entry.errors:
            continue
        for m in messages:
            entry.error(name, m)
    return Outcome(built, iris)


def stored_fields(kind: Kind, entry: Entry, outcome: Outcome) -> dict:
    """What the queue keeps to show and edit the submission: the fields as typed (not the private e-mail) and
    the IRIs minted for it."""
    fields = {k: v for k, v in entry.typed.items() if k != "email" and v not in ("", [])}
    fields["_iris"] = outcome.iris
    fields["_kind"] = kind.key
    return fields


def _submission(kind: Kind, entry: Entry, outcome: Outcome, lang: str, client: str, token: str,
                replaces: str = "") -> Submission:
    base = rdf.base_of(store_access.settings().base_uri)
    resource = outcome.iris["resource"]
    sub_id = resource.rsplit("/", 1)[-1] if not replaces else f"{resource.rsplit('/', 1)[-1]}-v{secrets.token_hex(3)}"
    return Submission(
        id=sub_id, project_iri=resource, graph_iri=f"{base}graph/submission/{sub_id}", title=kind.title(entry.values, lang),
        turtle=rdfwrite.turtle(outcome.built.graph), contact=str(entry.values.get("email") or ""), lang=lang,
        fields=stored_fields(kind, entry, outcome), state=PENDING, submitted=time.time(), client=client,
        kind=kind.key, tracking=tracking_hash(token), replaces=replaces)


# --- what was sent, in words ------------------------------------------------------------------------------------
def summary(kind: Kind, fields: dict, options: dict) -> list[tuple[str, list[str]]]:
    """(label, values) of every field that has a value, choices named, in the form's order."""
    from ..portal.formatting import as_date, as_money
    from .reading import parse_budget

    named = {name: dict(opts) for name, opts in options.items()}
    role_names = dict(roles(kind))
    out: list[tuple[str, list[str]]] = []
    for spec in kind.fields:
        value = fields.get(spec.name)
        if value in (None, "", []) or spec.name == "currency":
            continue
        values = value if isinstance(value, list) else [value]
        if spec.choices:
            texts = [named.get(spec.choices, {}).get(v, v) for v in values]
        elif spec.value == "date":
            texts = [as_date(v) for v in values]
        elif spec.value == "decimal":
            amount = parse_budget(str(value).replace(" ", "").replace(",", "."))
            texts = [as_money(amount, fields.get("currency")) if amount else str(value)]
        else:
            texts = [str(v) for v in values]
        out.append((str(spec.label), texts))
    for n in range(1, NEW_ORGS + 1):
        name = fields.get(org_field(n, ORG_FIELDS[0]))
        if not name:
            continue
        parts = [named.get(s.choices, {}).get(fields.get(org_field(n, s)), "") if s.choices
                 else fields.get(org_field(n, s), "") for s in ORG_FIELDS[1:-1]]
        role = role_names.get(fields.get(org_field(n, ORG_FIELDS[-1])) or "", next(iter(role_names.values()), ""))
        out.append((_("New organisation (%(role)s)", role=role), [" · ".join([name, *[p for p in parts if p]])]))
    return out


# --- the tracking page -----------------------------------------------------------------------------------------
def _tracked(token: str) -> Submission:
    from ..errors import ApiError

    sub = queue().by_tracking(token)
    if sub is None:
        raise ApiError(404, _("This tracking link is not valid. Check that you copied it whole."), localized=True)
    return sub


def _correctable(token: str) -> tuple[Submission, Kind]:
    from ..errors import ApiError

    sub = _tracked(token)
    if sub.state != APPROVED:
        raise ApiError(409, _("Only a published submission can be corrected; this one is not published."),
                       "conflict", localized=True)
    return sub, for_node(sub.kind)


@bp.route("/submissions/track/<token>/correct", methods=["GET"])
def correct(token: str):
    """The published submission's form, filled as it was accepted: a correction goes to moderation as an update
    of the same resource (the desk shows what changes)."""
    sub, kind = _correctable(token)
    entry = Entry(typed={k: v for k, v in sub.fields.items() if not k.startswith("_")})
    resp = page(kind, entry=entry, action=url_for("submissions.correct_post", token=token), correction=sub)
    resp.headers["Referrer-Policy"] = "no-referrer"
    return resp


@bp.route("/submissions/track/<token>/correct", methods=["POST"])
@limiter.limit(_attempt_limit, methods=["POST"], on_breach=_flooded)
def correct_post(token: str):
    sub, kind = _correctable(token)
    return _receive(kind, previous=sub)


@bp.route("/submissions/track/<token>")
def track(token: str):
    """The submitter's private page: where the submission stands, and what was sent."""
    sub = _tracked(token)
    kind = for_node(sub.kind)
    options = options_for(option_names(kind))
    decided = as_datetime(sub.decided, "long") if sub.decided else None
    published = None
    if sub.state == APPROVED:
        from .. import uris

        published = uris.href(sub.project_iri)
    body = render_template("submissions/track.html", sub=sub, kind=kind, summary=summary(kind, sub.fields, options),
                           submitted=as_datetime(sub.submitted, "long"), decided=decided, published=published,
                           token=token, PENDING=PENDING, APPROVED=APPROVED, REJECTED=REJECTED)
    resp = Response(body, 200, content_type="text/html; charset=utf-8")
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Referrer-Policy"] = "no-referrer"
    resp.headers["X-Robots-Tag"] = "noindex, nofollow"
    resp.headers["Content-Language"] = i18n.current()
    return resp
