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
graph drop; :func:`reconcile` completes whichever half a crash interrupted, when the server starts, and brings
the published moderation log (:mod:`tsc_graph.provenance`) up to date.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Flask, Response, current_app

from tsc_graph import provenance
from tsc_graph.changes import ChangeFeed
from tsc_graph.curators import CuratorAccounts, DeskSessions
from tsc_graph.moderation import APPROVED, REJECTED, ModerationQueue
from tsc_graph.store import Store

bp = Blueprint("admin", __name__, url_prefix="/admin")


def queue() -> ModerationQueue:
    return current_app.extensions["tsc_moderation"]


def feed() -> ChangeFeed | None:
    from ..network import feed as network_feed

    return network_feed()


def reconcile(queue: ModerationQueue, store: Store, base_uri: str | None = None) -> None:
    """Finish what a crash interrupted: pending + graph present → approved; rejected + graph present → drop;
    an approved version a later approval of the same resource replaced, graph still there → drop it; the
    moderation log rewritten when it lags behind the queue."""
    graphs = set(store.graphs())
    fixed = queue.reconcile(graphs)
    dropped = False
    for _, graph in queue.graphs(REJECTED) + queue.superseded():  # every such row, however many
        if graph in graphs:
            store.drop_graph(graph)
            graphs.discard(graph)
            dropped = True
    if base_uri is not None and (fixed or dropped or _log_lags(queue, store, base_uri)):
        provenance.publish_log(queue, store, base_uri)


def _log_lags(queue: ModerationQueue, store: Store, base_uri: str) -> bool:
    """Whether the published log misses events of the queue (a crash between a decision and its append, or a queue
    from before the log was appended to), or holds something else."""
    decided = queue.counts()
    expected = decided[APPROVED] + decided[REJECTED]
    graph = provenance.graph_iri(base_uri)
    if not expected:
        return graph in store.graphs()
    if graph not in store.graphs() or queue.log_behind():
        return True
    return store.count(graph) != len(provenance.log_triples(queue, base_uri))


@bp.after_request
def _no_store(resp: Response) -> Response:
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Robots-Tag"] = "noindex, nofollow"
    return resp


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
