"""Finishing what a crash interrupted in moderation, when the server starts.

A decision takes two steps that cannot share one transaction (the store and the moderation queue are two
databases): approval = store load, then queue update; withdrawal = queue update, then graph drop. A crash between
the two leaves one half done; :func:`reconcile` completes it and brings the published moderation log
(:mod:`tsc_graph.provenance`) up to date. Domain logic, not the web layer's: any process that opens the store
and the queue can run it (docs/submissions.md, "Crash safety").
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import provenance
from .moderation import APPROVED, REJECTED

if TYPE_CHECKING:
    from .moderation import ModerationQueue
    from .store import Store


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
