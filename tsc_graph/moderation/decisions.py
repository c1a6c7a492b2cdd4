"""The decisions that change what the node publishes: approve (:func:`publish`) and reject or withdraw
(:func:`withdraw`) a submission of the moderation queue (:mod:`tsc_graph.moderation.queue`).

Why apart from the queue: the queue is SQLite rows; a decision also writes the RDF store and the change feed
(:mod:`tsc_graph.changes`) that peer nodes read, in an order that a crash cannot leave half-done. Whatever form
or desk a curator uses calls these two. Each is a compare-and-set: it marks the row only if it is still at the
version the decision was prepared from (:class:`~tsc_graph.moderation.queue.Stale` otherwise), and the caller
holds :meth:`ModerationQueue.deciding` around it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .queue import APPROVED, REJECTED, SYSTEM, ModerationQueue, Submission

if TYPE_CHECKING:
    from ..changes import ChangeFeed
    from ..store import Store


def _resource_type(sub: Submission) -> str:
    """The class of the submitted resource, read from its Turtle (what a peer sees in the feed)."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF

    try:
        g = Graph().parse(data=sub.turtle, format="turtle")
    except Exception:  # stored Turtle was validated on submission; a feed entry must not fail on it
        return ""
    types = sorted(str(t) for t in g.objects(URIRef(sub.project_iri), RDF.type))
    return types[0] if types else ""


def publish(queue: ModerationQueue, store: "Store", sub: Submission, feed: "ChangeFeed | None" = None,
            actor: str = SYSTEM, name: str = "") -> list[str]:
    """Approve a pending submission (the caller holds :meth:`ModerationQueue.deciding` and read ``sub`` under it):
    load its Turtle into its own graph (one atomic store load), mark it approved (:class:`Stale` if the row is no
    longer the version read), record it in the change feed. A crash between the first two is completed by
    ``reconcile``. Every other published version of the same resource is then replaced — the one an update was
    made from, and also one approved after it was made (two corrections of one resource approved in turn used to
    stay published side by side, with two titles). The ids whose history changed, for the log."""
    from ..changes import Change
    from ..store import GraphNamer, Source

    store.load([Source(f"submission {sub.id}", data=sub.turtle.encode("utf-8"), format="turtle")],
               graph_for=GraphNamer("urn:x:", fixed=sub.graph_iri))
    queue.mark(sub.id, APPROVED, actor=actor, name=name, expected=sub.version)
    changes = [Change("approval", "Update" if sub.replaces else "Create", sub.project_iri,
                      _resource_type(sub) or "Object", graph=sub.graph_iri, summary={
                          "en": f"submission {sub.id} approved: {sub.title}",
                          "fr": f"proposition {sub.id} approuvée : {sub.title}"})]
    touched = [sub.id]
    for old in queue.published_versions(sub.project_iri, sub.id):
        if old.graph_iri != sub.graph_iri and store.has_graph(old.graph_iri):
            store.drop_graph(old.graph_iri)
            queue.note(old.id, "replaced", actor, name, detail={"by": sub.id})
            touched.append(old.id)
            changes.append(Change("withdrawal", "Delete", old.graph_iri, graph=old.graph_iri, summary={
                "en": f"submission {old.id} replaced by {sub.id}", "fr": f"proposition {old.id} remplacée par {sub.id}"}))
    if feed is not None:
        feed.record(store, changes)
    return touched


def withdraw(queue: ModerationQueue, store: "Store", sub: Submission, reason: str = "",
             feed: "ChangeFeed | None" = None, actor: str = SYSTEM, name: str = "") -> list[str]:
    """Reject a pending submission, or withdraw an approved one (the caller holds
    :meth:`ModerationQueue.deciding`): mark it rejected (:class:`Stale` if the row is no longer the version read),
    then drop its graph (a crash between the two is completed by the server's reconcile); a withdrawal is recorded
    in the change feed. The ids whose history changed, for the log."""
    from ..changes import Change

    was_published = sub.state == APPROVED
    queue.mark(sub.id, REJECTED, reason, actor=actor, name=name, expected=sub.version)
    if was_published:
        store.drop_graph(sub.graph_iri)
        if feed is not None:
            feed.record(store, [Change("withdrawal", "Delete", sub.project_iri, _resource_type(sub) or "Object",
                                       graph=sub.graph_iri, summary={
                                           "en": f"submission {sub.id} withdrawn: {sub.title}",
                                           "fr": f"proposition {sub.id} retirée : {sub.title}"})])
    return [sub.id]
