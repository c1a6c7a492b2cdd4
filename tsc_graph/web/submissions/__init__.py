"""What visitors submit — projects, good practices and lessons learnt, Bio-Bridge offers and requests — through one
moderated flow: a form per kind (``kinds.py``), read with every problem shown at once next to its field in plain
words (``reading.py``, ``shacl.py``, ``catalogue.py``), a queue that curators work through at ``/admin/``
(tsc_graph/web/admin/), a private tracking link, and optional e-mails (``notify.py``). docs/submissions.md.

Protection: CSRF token on every form (``guard.py``), a quota of *accepted* submissions per client counted from the
moderation queue itself (``TSC_SUBMIT_RATE_LIMIT``: it survives restarts, and a failed attempt never uses it
up), a generous in-memory flood guard on every POST (``TSC_SUBMIT_ATTEMPT_LIMIT``), ``MAX_CONTENT_LENGTH`` on the
body, and every value shown back is escaped by Jinja.
"""
from __future__ import annotations

import secrets

from flask import Flask, current_app

from tsc_graph.moderation import ModerationQueue, Quota

from .guard import csrf, limiter
from .notify import Mailer, check_settings
from .shacl import SHAPES

__all__ = ["init_app", "queue", "csrf", "limiter", "SHAPES"]


def init_app(app: Flask) -> None:
    """Register the forms and the curators' desk, CSRF, the rate limiter, the moderation queue and the mailer.

    Called once from ``create_app``. Options (``app.config``): ``MODERATION_DB`` (SQLite path; default
    ``<store dir>/moderation.sqlite3``, in memory for a memory store), ``SUBMIT_RATE_LIMIT`` and
    ``SUBMIT_ATTEMPT_LIMIT`` (default: the settings ``TSC_SUBMIT_RATE_LIMIT``, ``TSC_SUBMIT_ATTEMPT_LIMIT``),
    ``SECRET_KEY`` (else ``TSC_SECRET_KEY``, else random per process: CSRF tokens and curators' sessions then
    last as long as the process).
    """
    from .. import admin
    from . import views

    if not app.config.get("SECRET_KEY"):  # Flask's default is None, so setdefault would not do
        app.config["SECRET_KEY"] = app.config["TSC_SETTINGS"].secret_key or secrets.token_hex(32)
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # only the routes that check it
    settings = app.config["TSC_SETTINGS"]
    app.config.setdefault("SUBMIT_RATE_LIMIT", settings.submit_rate_limit)
    app.config.setdefault("SUBMIT_ATTEMPT_LIMIT", settings.submit_attempt_limit)
    app.extensions["tsc_submit_quota"] = Quota.parse(app.config["SUBMIT_RATE_LIMIT"])  # a typo fails at start-up
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    if settings.public_url.startswith("https://"):
        app.config.setdefault("SESSION_COOKIE_SECURE", True)
    check_settings(settings)
    app.extensions["tsc_mailer"] = Mailer(settings)
    csrf.init_app(app)
    limiter.init_app(app)
    store = app.extensions["tsc_store"]
    path = app.config.get("MODERATION_DB")
    if path is None and getattr(store, "path", None) is not None:
        path = store.path / "moderation.sqlite3"
    moderation = ModerationQueue(path)
    app.extensions["tsc_moderation"] = moderation
    SHAPES.warm_up(settings.languages)
    app.register_blueprint(views.bp)
    admin.init_app(app)  # /admin/: the curators' desk, sign-in, moderation API, graph uploads


def queue() -> ModerationQueue:
    return current_app.extensions["tsc_moderation"]
