"""The curators' desk (``/admin/``) and the authenticated routes: moderation of submissions, graph uploads.

* ``auth.py`` — who is at the desk: named curators (``TSC_CURATORS_FILE``, session sign-in, CSRF on every
  write) or scripts holding ``TSC_ADMIN_TOKEN`` (Bearer, or Basic with the token as password).
* ``desk.py`` — the queue (filters by state, kind and date, counts, pages), a submission's review (the page as
  it would be published, the SHACL report in words, the difference with what is published, the history), edit,
  approve, reject or withdraw with a reason. Every route answers JSON to scripts.
* ``uploads.py`` — ``PUT``/``DELETE /admin/graphs?graph=IRI``.
* ``backup.py`` — ``POST /admin/backup``: a consistent backup of the running node (``tsc-graph backup --server``).
* ``harvests.py`` — ``POST /admin/harvest``: harvest the registry's nodes into the running node (``tsc-graph harvest --all --server``).

Crash safety (docs/submissions.md): approval = store load, then queue update; withdrawal = queue update, then
graph drop; :func:`tsc_graph.reconcile.reconcile` completes whichever half a crash interrupted, when the server
starts, and brings the published moderation log (:mod:`tsc_graph.provenance`) up to date.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Flask

from tsc_graph.curators import CuratorAccounts, DeskSessions
from tsc_graph.reconcile import reconcile

from .blueprint import bp


def init_app(app: Flask) -> None:
    from . import auth, backup, desk, harvests, uploads  # noqa: F401 - their routes join the blueprint

    settings = app.config["TSC_SETTINGS"]
    from zoneinfo import ZoneInfo

    ZoneInfo(settings.timezone or "UTC")  # an unknown time zone fails at start-up
    app.config["BABEL_DEFAULT_TIMEZONE"] = settings.timezone or "UTC"
    app.extensions["tsc_curators"] = CuratorAccounts(settings.curators_file or None)
    app.permanent_session_lifetime = timedelta(hours=settings.curator_session_hours)
    queue_file = app.extensions["tsc_moderation"].path
    app.extensions["tsc_curator_sessions"] = DeskSessions(
        None if queue_file is None else queue_file.with_name("curator-sessions.sqlite3"),
        settings.curator_session_hours * 3600)
    reconcile(app.extensions["tsc_moderation"], app.extensions["tsc_store"], settings.base_uri)
    app.register_blueprint(bp)

    @app.context_processor
    def _desk_link() -> dict:
        return {"curator": auth.signed_in_curator()}
