"""The project submission form (``/projects/submit``), as on the French CHM ("un formulaire permettant
d'ajouter soi-même un projet en lien avec la biodiversité"), and the wiring of moderation.

A submission is checked twice: the form's own checks (choices come from the store, dates/budget/e-mail
parse), then the project's RDF is validated with the SHACL shapes (messages in the reader's language).
A valid submission goes to the moderation queue (:mod:`tsc_graph.moderation`, SQLite beside the store),
*not* to the store: the public endpoint reads the union of all named graphs, so a pending project must stay
out of it until a curator approves it (server/admin.py). The contact e-mail is kept for curators only.

Protection: CSRF token on the form (Flask-WTF ``CSRFProtect``, checked explicitly on our routes only so the
SPARQL protocol's POST stays token-free), a quota of *accepted* submissions per client counted from the
moderation queue itself (``TSC_SUBMIT_RATE_LIMIT``: it survives restarts, and a failed attempt never uses it
up), a generous in-memory flood guard on every POST (``TSC_SUBMIT_ATTEMPT_LIMIT``, Flask-Limiter),
``MAX_CONTENT_LENGTH`` on the body, and every value shown back is escaped by Jinja. docs/submissions.md.
"""
from __future__ import annotations

import os
import re
import secrets
import threading
import time
import unicodedata
import uuid
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import Blueprint, Flask, Response, current_app, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from tsc_graph import rdfwrite
from tsc_graph.errors import Overloaded
from tsc_graph.moderation import PENDING, ModerationQueue, Quota, Submission

from . import store_access

bp = Blueprint("submissions", __name__)

csrf = CSRFProtect()
#: The flood guard on attempts; in memory, per server process (one process serves the store).
limiter = Limiter(key_func=get_remote_address, storage_uri="memory://", default_limits=[],
                  headers_enabled=True)

TSC = "https://w3id.org/tsc-graph/ontology#"
TSCV = "https://w3id.org/tsc-graph/vocab/"
STATUSES = [("planned", "Prévu", "Planned"), ("ongoing", "En cours", "Ongoing"), ("completed", "Terminé", "Completed")]
ARTICLES = ["16", "17", "18"]
MAX_TEXT = {"title": 300, "description": 5000}

# Labels of the form, French and English (the SHACL messages come from the shapes themselves).
TEXT = {
    "fr": {
        "heading": "Proposer un projet", "intro": "Ce formulaire permet d'ajouter soi-même un projet en lien avec la "
        "biodiversité. Il sera publié après relecture par l'équipe du centre d'échange.",
        "title_fr": "Titre (français)", "title_en": "Titre (anglais)", "description_fr": "Description (français)",
        "description_en": "Description (anglais)", "lead": "Organisation cheffe de file", "partners": "Partenaires",
        "targets": "Cibles du Cadre mondial de la biodiversité", "themes": "Domaines thématiques",
        "articles": "Articles de la CDB", "countries": "Pays et territoires", "start": "Date de début",
        "end": "Date de fin", "budget": "Budget", "currency": "Devise (ISO 4217)", "status": "Statut",
        "email": "Courriel de contact (non publié)", "submit": "Envoyer", "choose": "— choisir —",
        "errors": "La proposition n'a pas été enregistrée :", "thanks": "Merci ! Votre proposition a été enregistrée.",
        "pending": "Elle sera publiée après modération. Référence :", "multi": "Ctrl/Cmd + clic pour en choisir plusieurs",
        "required_title": "Donnez un titre en français ou en anglais.",
        "too_long": "« {field} » dépasse {n} caractères.", "bad_choice": "« {field} » : choix inconnu.",
        "bad_date": "« {field} » : date invalide (AAAA-MM-JJ, entre {low} et {high}).",
        "bad_budget": "Le budget doit être un nombre positif ou nul, de {digits} chiffres au plus avant la virgule "
        "et {decimals} au plus après.",
        "bad_currency": "La devise doit être un code de trois lettres majuscules (EUR, USD).",
        "bad_email": "Donnez un courriel de contact valide.",
        "rate_limited": "Vous avez déjà envoyé le nombre maximal de propositions pour le moment. Votre saisie est "
        "conservée ci-dessous : renvoyez-la dans {minutes} min environ.",
    },
    "en": {
        "heading": "Submit a project", "intro": "Use this form to add a biodiversity-related project yourself. It is "
        "published once the clearing-house team has reviewed it.",
        "title_fr": "Title (French)", "title_en": "Title (English)", "description_fr": "Description (French)",
        "description_en": "Description (English)", "lead": "Lead organisation", "partners": "Partners",
        "targets": "Global Biodiversity Framework targets", "themes": "Thematic areas", "articles": "CBD articles",
        "countries": "Countries and territories", "start": "Start date", "end": "End date", "budget": "Budget",
        "currency": "Currency (ISO 4217)", "status": "Status", "email": "Contact e-mail (not published)",
        "submit": "Submit", "choose": "— choose —", "errors": "The submission was not recorded:",
        "thanks": "Thank you! Your submission has been recorded.",
        "pending": "It will be published after moderation. Reference:", "multi": "Ctrl/Cmd + click to choose several",
        "required_title": "Give a title in French or in English.",
        "too_long": "“{field}” is longer than {n} characters.", "bad_choice": "“{field}”: unknown choice.",
        "bad_date": "“{field}”: invalid date (YYYY-MM-DD, between {low} and {high}).",
        "bad_budget": "The budget must be a non-negative number with at most {digits} digits before the decimal "
        "point and at most {decimals} after it.",
        "bad_currency": "The currency must be a three-uppercase-letter code (EUR, USD).",
        "bad_email": "Give a valid contact e-mail.",
        "rate_limited": "You have already sent as many submissions as allowed for now. What you typed is kept "
        "below: send it again in about {minutes} min.",
    },
}

_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})+$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: Years a project's start and end dates may fall in.
DATE_YEARS = (1900, 2100)
#: Largest budget: at most this many digits before the decimal point, and this many after it.
BUDGET_MAX_DIGITS = 15
BUDGET_MAX_DECIMALS = 4


# --- wiring ---------------------------------------------------------------------------------------------
def init_app(app: Flask) -> None:
    """Register the submission form and the admin routes, CSRF, the rate limiter and the moderation queue.

    Called once from ``create_app``. Options (``app.config``): ``MODERATION_DB`` (SQLite path; default
    ``<store dir>/moderation.sqlite3``, in memory for a memory store), ``SUBMIT_RATE_LIMIT`` and
    ``SUBMIT_ATTEMPT_LIMIT`` (default: the settings ``TSC_SUBMIT_RATE_LIMIT``, ``TSC_SUBMIT_ATTEMPT_LIMIT``),
    ``SECRET_KEY`` (else ``TSC_SECRET_KEY``, else random per process: CSRF tokens then last as long as the
    process, which is fine for the single-process server).
    """
    from . import admin

    if not app.config.get("SECRET_KEY"):  # Flask's default is None, so setdefault would not do
        app.config["SECRET_KEY"] = os.environ.get("TSC_SECRET_KEY") or secrets.token_hex(32)
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # only the routes that call csrf.protect()
    settings = app.config["TSC_SETTINGS"]
    app.config.setdefault("SUBMIT_RATE_LIMIT", settings.submit_rate_limit)
    app.config.setdefault("SUBMIT_ATTEMPT_LIMIT", settings.submit_attempt_limit)
    app.extensions["tsc_submit_quota"] = Quota.parse(app.config["SUBMIT_RATE_LIMIT"])  # a typo fails at start-up
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    csrf.init_app(app)
    limiter.init_app(app)
    store = app.extensions["tsc_store"]
    path = app.config.get("MODERATION_DB")
    if path is None and getattr(store, "path", None) is not None:
        path = store.path / "moderation.sqlite3"
    queue = ModerationQueue(path)
    admin.reconcile(queue, store)  # finish approvals / withdrawals interrupted by a crash
    SHAPES.warm_up()
    app.extensions["tsc_moderation"] = queue
    app.register_blueprint(bp)
    app.register_blueprint(admin.bp)


def queue() -> ModerationQueue:
    return current_app.extensions["tsc_moderation"]


# --- choices, from the store ----------------------------------------------------------------------------
def pick_label(candidates: list[dict], lang: str) -> str | None:
    """The label in the reader's language, else English, else French, else any."""
    by_lang: dict[str, str] = {}
    for c in candidates:
        by_lang.setdefault(c.get("xml:lang", ""), c["value"])
    return next((by_lang[k] for k in (lang, "en", "fr", "") if k in by_lang), next(iter(by_lang.values()), None))


def _labelled(class_iris: list[str], lang: str) -> list[tuple[str, str]]:
    from .portal.labels import humanize as qname

    grouped: dict[str, list[dict]] = {}
    for cls in class_iris:
        for row in store_access.select("browse-class", **{"class": cls}):
            labels = grouped.setdefault(row["resource"]["value"], [])
            if "label" in row:
                labels.append(row["label"])
    return [(uri, pick_label(labels, lang) or qname(uri)) for uri, labels in grouped.items()]


THEME_QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?resource ?label WHERE {
  ?resource skos:inScheme <https://w3id.org/tsc-graph/vocab/theme> .
  OPTIONAL { ?resource skos:prefLabel ?label }
} ORDER BY ?resource"""


def choices(lang: str) -> dict[str, list[tuple[str, str]]]:
    """Every option of the form as (IRI, label) pairs, read from the store (named queries)."""
    import json

    by_label = lambda items: sorted(items, key=lambda t: t[1].lower())  # noqa: E731
    actors = by_label(_labelled([TSC + "Actor"], lang))
    countries = by_label(_labelled([TSC + "Country", TSC + "Territory"], lang))
    targets = sorted(_labelled([TSC + "GBFTarget"], lang))
    articles = {uri: label for uri, label in _labelled([TSC + "CBDArticle"], lang)}
    article_choices = [(f"{TSCV}cbd/article-{n}", articles.get(f"{TSCV}cbd/article-{n}", f"Article {n}"))
                       for n in ARTICLES]
    rows = json.loads(store_access.run(THEME_QUERY).body)["results"]["bindings"]
    theme_labels: dict[str, list[dict]] = {}
    for row in rows:
        theme_labels.setdefault(row["resource"]["value"], []).extend([row["label"]] if "label" in row else [])
    themes = by_label([(uri, pick_label(labels, lang) or uri.rsplit("/", 1)[-1]) for uri, labels in theme_labels.items()])
    statuses = [(f"{TSCV}status/{s}", fr if lang == "fr" else en) for s, fr, en in STATUSES]
    return {"lead": actors, "partners": actors, "targets": targets, "themes": themes, "articles": article_choices,
            "countries": countries, "status": statuses}


# --- the form -------------------------------------------------------------------------------------------
def _lang() -> str:
    """The portal's language (link, cookie, browser; see server/portal/i18n.py) when the form has it."""
    from .portal import i18n

    lang = i18n.current()
    return lang if lang in TEXT else "en"


def _page(lang: str, status: int = 200, **context) -> Response:
    body = render_template("submit.html", lang=lang, t=TEXT[lang], **context)
    resp = Response(body, status, content_type="text/html; charset=utf-8")
    resp.headers["Vary"] = "Accept-Language, Cookie"
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/projects/submit", methods=["GET"])
def form():
    lang = _lang()
    return _page(lang, options=choices(lang), values={"currency": "EUR"}, errors=[])


def _attempt_limit() -> str:
    return current_app.config["SUBMIT_ATTEMPT_LIMIT"]


def _over_quota(lang: str, options: dict, values: dict, wait: float) -> Response:
    """429 with the form as the client filled it, so nothing typed is lost, and when to come back."""
    minutes = max(1, round(wait / 60))
    resp = _page(lang, 429, options=options, values=values, errors=[TEXT[lang]["rate_limited"].format(minutes=minutes)])
    resp.headers["Retry-After"] = str(int(wait))
    return resp


@bp.route("/projects/submit", methods=["POST"])
@limiter.limit(_attempt_limit, methods=["POST"])
def submit():
    csrf.protect()  # 400 "The CSRF token is missing/invalid" (Flask-WTF's CSRFError)
    lang = _lang()
    t = TEXT[lang]
    options = choices(lang)
    values, errors = read_form(request.form, options, t)
    client = request.remote_addr or ""
    quota = current_app.extensions["tsc_submit_quota"]
    wait = queue().wait_for(client, quota)
    if wait is not None:  # before the SHACL check: a client over its quota costs nothing more
        return _over_quota(lang, options, values, wait)
    if errors:
        return _page(lang, 400, options=options, values=values, errors=errors)
    base = store_access.settings().base_uri
    base = base if base.endswith("/") else base + "/"
    sub_id = f"{slugify(values['title_fr'] if lang == 'fr' and values['title_fr'] else values['title_en'] or values['title_fr'])}" \
             f"-{uuid.uuid4().hex[:8]}"
    project_iri = f"{base}id/project/{sub_id}"
    graph = build_graph(project_iri, values)
    violations = check_shapes(graph, project_iri)
    if violations:
        messages = sorted({v.message(lang) for v in violations})
        return _page(lang, 400, options=options, values=values, errors=messages)
    wait = queue().add(Submission(
        id=sub_id, project_iri=project_iri, graph_iri=f"{base}graph/submission/{sub_id}",
        title=values["title_fr"] or values["title_en"], turtle=rdfwrite.turtle(graph),
        contact=values["email"], lang=lang, fields={k: v for k, v in values.items() if k != "email"},
        state=PENDING, submitted=time.time(), client=client,
    ), quota=quota)
    if wait is not None:  # another submission of this client was recorded meanwhile
        return _over_quota(lang, options, values, wait)
    return _page(lang, 202, done=sub_id, options=options, values={}, errors=[])


def _texts(form, name: str, t: dict, errors: list[str], label: str) -> str:
    value = (form.get(name) or "").strip()
    limit = MAX_TEXT["title" if name.startswith("title") else "description"]
    if len(value) > limit:
        errors.append(t["too_long"].format(field=label, n=limit))
        value = value[:limit]
    return value


def read_form(form, options: dict, t: dict) -> tuple[dict, list[str]]:
    """Parse and check the fields; choices must be among the offered IRIs (no IRI comes from the client)."""
    errors: list[str] = []
    v: dict = {}
    for name in ("title_fr", "title_en", "description_fr", "description_en"):
        v[name] = _texts(form, name, t, errors, t[name])
    if not (v["title_fr"] or v["title_en"]):
        errors.append(t["required_title"])
    for name, multi in (("lead", False), ("partners", True), ("targets", True), ("themes", True),
                        ("articles", True), ("countries", True), ("status", False)):
        allowed = {iri for iri, _ in options[name]}
        picked = [x for x in form.getlist(name) if x] if multi else ([form.get(name)] if form.get(name) else [])
        if any(x not in allowed for x in picked):
            errors.append(t["bad_choice"].format(field=t[name]))
            picked = [x for x in picked if x in allowed]
        v[name] = list(dict.fromkeys(picked)) if multi else (picked[0] if picked else "")
    for name in ("start", "end"):
        raw = (form.get(name) or "").strip()
        v[name] = raw
        if raw and parse_date(raw) is None:
            errors.append(t["bad_date"].format(field=t[name], low=DATE_YEARS[0], high=DATE_YEARS[1]))
            v[name] = ""
    raw = (form.get("budget") or "").strip().replace(" ", "").replace(",", ".")
    amount = parse_budget(raw) if raw else None
    v["budget"] = "" if amount is None else amount
    if raw and amount is None:
        errors.append(t["bad_budget"].format(digits=BUDGET_MAX_DIGITS, decimals=BUDGET_MAX_DECIMALS))
    v["currency"] = (form.get("currency") or "").strip().upper()[:3] if form.get("currency") else ""
    if v["budget"] and not _CURRENCY.match(v["currency"]):
        errors.append(t["bad_currency"])
    v["email"] = (form.get("email") or "").strip()
    if len(v["email"]) > 254 or not _EMAIL.match(v["email"]):
        errors.append(t["bad_email"])
    return v, errors


def parse_date(raw: str) -> str | None:
    """``YYYY-MM-DD`` (ASCII digits) of a real day between the years :data:`DATE_YEARS`, else None."""
    if not _DATE.fullmatch(raw):
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None
    return raw if DATE_YEARS[0] <= day.year <= DATE_YEARS[1] else None


def parse_budget(raw: str) -> str | None:
    """The amount as a canonical xsd:decimal (``1e6`` → ``1000000``), or None if it is not a sensible budget.

    Bounded *after* parsing, not only in characters: ``1e99999999`` is ten characters, yet rdflib writes the
    Decimal out in full (100 MB), and ``1e999999999`` took 4 GB and 18 s (issue #11). A budget is finite,
    not negative, below 10^15 and has at most 4 decimals (ISO 4217 minor units go up to 4).
    """
    if len(raw) > 40:
        return None
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount.is_signed():
        return None
    if amount and amount.adjusted() >= BUDGET_MAX_DIGITS:  # adjusted(): exponent of the leading digit, no arithmetic
        return None
    amount = amount.normalize() if amount else Decimal(0)
    if -amount.as_tuple().exponent > BUDGET_MAX_DECIMALS:
        return None
    return format(amount, "f")


def slugify(text: str, limit: int = 60) -> str:
    """``Forêts de Guyane : suivi!`` → ``forets-de-guyane-suivi`` (the conventions' slug pattern)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] or slug[:limit]
    return slug.strip("-") or "project"


def build_graph(project_iri: str, v: dict):
    """The project as RDF, after docs/conventions.md; a submission is unverified, hence illustrative."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

    from tsc_graph.namespaces import SCHEMA, TSC as TSC_NS

    g = Graph()
    g.bind("tsc", TSC_NS)
    g.bind("schema", SCHEMA)
    g.bind("dcterms", DCTERMS)
    p = URIRef(project_iri)
    g.add((p, RDF.type, TSC_NS.Project))
    for lang in ("fr", "en"):
        if v.get(f"title_{lang}"):
            g.add((p, RDFS.label, Literal(v[f"title_{lang}"], lang=lang)))
        if v.get(f"description_{lang}"):
            g.add((p, DCTERMS.description, Literal(v[f"description_{lang}"], lang=lang)))
    if v.get("lead"):
        g.add((p, TSC_NS.leadOrganisation, URIRef(v["lead"])))
    for iri in v.get("partners", []):
        if iri != v.get("lead"):
            g.add((p, TSC_NS.partnerOrganisation, URIRef(iri)))
    for key, prop in (("targets", TSC_NS.contributesTo), ("themes", TSC_NS.thematicArea),
                      ("articles", TSC_NS.implementsArticle), ("countries", DCTERMS.spatial)):
        for iri in v.get(key, []):
            g.add((p, prop, URIRef(iri)))
    if v.get("status"):
        g.add((p, TSC_NS.status, URIRef(v["status"])))
    if v.get("start"):
        g.add((p, SCHEMA.startDate, Literal(v["start"], datatype=XSD.date)))
    if v.get("end"):
        g.add((p, SCHEMA.endDate, Literal(v["end"], datatype=XSD.date)))
    if v.get("budget"):
        g.add((p, TSC_NS.budget, Literal(v["budget"], datatype=XSD.decimal)))
        g.add((p, SCHEMA.currency, Literal(v["currency"])))
    g.add((p, TSC_NS.evidence, URIRef(f"{TSCV}evidence/illustrative")))
    return g


class ShapeChecker:
    """pyshacl behind one lock, warmed up when the server starts.

    rdflib's SPARQL parser (pyparsing, used by pyshacl for the SPARQL-based shapes) sets its parse actions up
    on first use, and not thread-safely: two submissions at once on a fresh server broke that one and every
    later one with 500 (``TypeError: Param.postParse2() missing…``; issue #11). pyshacl makes no thread-safety
    promise either, and every validation shares the shapes graph. So one validation runs at a time (~40 ms for
    a project), and the first one runs at start-up, in the background, so that no submitter waits for it. The
    lock is process-wide, like the parser state it protects.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._shapes = None

    def _validate(self, data):
        from tsc_graph.validation import shapes_graph, validate

        if self._shapes is None:
            self._shapes = shapes_graph()
        return validate(data, shapes=self._shapes, workers=1)

    def warm_up(self) -> threading.Thread:
        """Validate a bare project in a background thread: parses the shapes and their SPARQL once."""
        def run() -> None:
            from rdflib import Graph, URIRef
            from rdflib.namespace import RDF

            data = Graph()
            data.add((URIRef("urn:tsc-graph:warm-up"), RDF.type, URIRef(TSC + "Project")))
            with self._lock:
                self._validate(data)

        thread = threading.Thread(target=run, name="tsc-graph-shapes-warm-up", daemon=True)
        thread.start()
        return thread

    def violations(self, data, focus: str, wait: float):
        """Violations of the shapes about ``focus`` (Overloaded if the lock is not free within ``wait`` s)."""
        from tsc_graph.validation import is_violation

        if not self._lock.acquire(timeout=wait):
            raise Overloaded("the submission service is busy checking other submissions; retry in a few seconds")
        try:
            report = self._validate(data)
        finally:
            self._lock.release()
        return [v for v in report.violations if is_violation(v) and v.focus == focus]


SHAPES = ShapeChecker()


def check_shapes(graph, project_iri: str):
    """SHACL violations about the project itself. Context: the rdf:type of every IRI it points to (actors,
    countries, targets, articles, concepts), read from the store, so ``sh:class`` checks see real types."""
    import json

    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF

    data = Graph()
    for triple in graph:
        data.add(triple)
    objects = sorted({str(o) for o in graph.objects() if isinstance(o, URIRef)})
    if objects:
        values = " ".join(f"<{iri}>" for iri in objects)
        q = f"SELECT ?s ?t WHERE {{ VALUES ?s {{ {values} }} ?s a ?t }}"
        for row in json.loads(store_access.run(q).body)["results"]["bindings"]:
            data.add((URIRef(row["s"]["value"]), RDF.type, URIRef(row["t"]["value"])))
    return SHAPES.violations(data, project_iri, wait=store_access.settings().queue_timeout * 2)
