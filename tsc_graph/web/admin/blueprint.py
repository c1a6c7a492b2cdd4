"""The desk's blueprint and what its route modules share (the moderation queue, the change feed), apart from
``__init__`` so the route modules need not import the package that imports them."""
from __future__ import annotations

from flask import Blueprint, Response, current_app

from tsc_graph.changes import ChangeFeed
from tsc_graph.moderation import ModerationQueue

bp = Blueprint("admin", __name__, url_prefix="/admin")


def queue() -> ModerationQueue:
    return current_app.extensions["tsc_moderation"]


def feed() -> ChangeFeed | None:
    from ..network import feed as network_feed

    return network_feed()


@bp.after_request
def _no_store(resp: Response) -> Response:
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Robots-Tag"] = "noindex, nofollow"
    return resp
