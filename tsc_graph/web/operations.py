"""What a node's operator watches: ``/healthz`` (is the store answering?) and ``/metrics`` (Prometheus).

``/healthz`` answers 200 with a small JSON document when the store answers both on the writer (its size) and
through the query workers (``ASK {}``, which is what every page and the endpoint go through), 503 otherwise: a
load balancer or systemd watchdog then knows to stop sending traffic or restart. ``/metrics`` is the Prometheus
text exposition format (version 0.0.4) of figures the code already keeps — the store's graphs and quads and last
write, the query pool's workers and admissions, the moderation queue, the change feed (harvests among its
kinds) — and nothing computed for the occasion. docs/operations.md.
"""
from __future__ import annotations

import json
from collections.abc import Iterable

from flask import Blueprint, Response, current_app

from tsc_graph import __version__
from tsc_graph.changes import KINDS
from tsc_graph.store.pool import SITE

from . import store_access
from .network import feed

bp = Blueprint("operations", __name__)

PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8"
#: Seconds ``/healthz`` gives the query workers to answer ``ASK {}``: a probe must answer before its caller gives up.
HEALTH_QUERY_TIMEOUT = 5.0


def _json(data: dict, status: int) -> Response:
    resp = Response(json.dumps(data) + "\n", status, content_type="application/json; charset=utf-8")
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/healthz", methods=["GET"])
def healthz() -> Response:
    store = store_access.store()
    try:
        quads = store.count()
        store.query_serialized("ASK {}", timeout=HEALTH_QUERY_TIMEOUT, lane=SITE)
    except Exception as e:  # noqa: BLE001 - whatever stops the store answering makes the node unhealthy
        return _json({"status": "unavailable", "store": "unreachable", "error": f"{type(e).__name__}: {e}"[:500],
                      "version": __version__}, 503)
    body = {"status": "ok", "store": "reachable", "quads": quads, "version": __version__}
    version = store.version()
    if version is not None:
        body["store_modified"] = version.modified.isoformat()
    return _json(body, 200)


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


class _Exposition:
    """Metric families in the text format: a HELP and a TYPE line, then one line per labelled sample."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def family(self, name: str, kind: str, help_text: str, samples: Iterable[tuple[dict[str, str], int | float]]) -> None:
        self.lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
        for labels, value in samples:
            text = ",".join(f'{k}="{_label(v)}"' for k, v in labels.items())
            number = str(value) if isinstance(value, int) else repr(float(value))  # every digit, no 1.2e+06
            self.lines.append(f"{name}{{{text}}} {number}" if text else f"{name} {number}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


@bp.route("/metrics", methods=["GET"])
def metrics() -> Response:
    out = _Exposition()
    out.family("tsc_graph_info", "gauge", "Version of tsc-graph serving this node.", [({"version": __version__}, 1)])
    store = store_access.store()
    graphs = store.graphs()
    out.family("tsc_store_quads", "gauge", "Quads in the store.", [({}, store.count())])
    out.family("tsc_store_graphs", "gauge", "Named graphs in the store.", [({}, len(graphs))])
    out.family("tsc_store_graph_quads", "gauge", "Quads per named graph.",
               [({"graph": g}, store.count(g)) for g in graphs])
    version = store.version()
    if version is not None:
        out.family("tsc_store_last_write_timestamp_seconds", "gauge", "Time of the store's last committed write.",
                   [({}, version.modified.timestamp())])
    pool = store.pool_figures() if hasattr(store, "pool_figures") else None
    if pool is not None:
        out.family("tsc_query_workers", "gauge", "Live query worker processes per lane.",
                   [({"lane": lane}, n) for lane, n in pool["workers"].items()])
        out.family("tsc_query_workers_idle", "gauge", "Idle query workers per lane (the rest are running a query).",
                   [({"lane": lane}, n) for lane, n in pool["idle"].items()])
        out.family("tsc_query_workers_configured", "gauge", "Query workers each lane should have.",
                   [({"lane": lane}, n) for lane, n in pool["configured"].items()])
        out.family("tsc_query_public_admitted", "gauge",
                   "Public SPARQL requests inside the query pool, running or waiting for a worker.",
                   [({}, pool["public_admitted"])])
        out.family("tsc_query_public_limit", "gauge",
                   "Public SPARQL requests the pool admits at once; more are refused with 503.",
                   [({}, pool["public_limit"])])
        out.family("tsc_query_replica_info", "gauge", "What the query workers read: memory or disk.",
                   [({"mode": pool["replica"]}, 1)])
        if "innocent_reruns" in pool:
            out.family("tsc_query_innocent_reruns_total", "counter",
                       "Queries run again because the query engine was killed or died for another query's sake.",
                       [({}, pool["innocent_reruns"])])
        if "prefault_bytes" in pool:
            out.family("tsc_query_engine_prefault_bytes", "gauge",
                       "Memory the current query engine copied from the replica when it started.",
                       [({}, pool["prefault_bytes"])])
            out.family("tsc_query_engine_prefault_seconds", "gauge",
                       "Time the current query engine took to copy that memory.",
                       [({}, pool["prefault_seconds"])])
    moderation = current_app.extensions.get("tsc_moderation")
    if moderation is not None:
        out.family("tsc_moderation_submissions", "gauge", "Submissions in the moderation queue per state.",
                   [({"state": state}, n) for state, n in moderation.counts().items()])
    changes = feed()
    if changes is not None:
        kinds = changes.by_kind()
        out.family("tsc_changes_total", "counter",
                   "Changes in the change feed per kind (load, upload, approval, withdrawal, harvest, drop, detected).",
                   [({"kind": kind}, kinds.get(kind, (0, None))[0]) for kind in KINDS])
        out.family("tsc_change_last_timestamp_seconds", "gauge",
                   "Time of the last change of each kind in the change feed (kind=harvest: the last harvest).",
                   [({"kind": kind}, last) for kind, (_, last) in sorted(kinds.items())])
    resp = Response(out.text(), 200, content_type=PROMETHEUS)
    resp.headers["Cache-Control"] = "no-store"
    return resp
