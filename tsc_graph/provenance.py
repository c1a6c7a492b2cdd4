"""The moderation log as PROV-O, published in one named graph ``{base}graph/moderation`` so that who decided what,
and when, is queryable over SPARQL like everything else the node publishes.

The queue (:mod:`tsc_graph.moderation`) is the record; each decision appends to this graph the events it does not
hold yet (:func:`append_log`; the queue keeps, per submission, the last event the graph holds). Rebuilding the
graph whole after every decision made a decision cost grow with the history (0.25 s at the start, 8 s after
5,000); it is rebuilt only when the server starts and finds it behind the queue (a crash between a decision and
its append). What is published, per decided submission:

* the submission as a ``prov:Entity`` named by an opaque identifier (``{base}id/submission/<hash>``): its title,
  text and contact are not published unless it was approved, so a rejected submission leaves no words here;
* each step of its history as a ``prov:Activity`` (``prov:type`` "submitted", "edited", "approved", "rejected",
  "withdrawn", "replaced"), with ``prov:endedAtTime`` and ``prov:wasAssociatedWith`` the curator (a
  ``prov:Person`` named as in the curators file) or the automation token (a ``prov:SoftwareAgent``);
* an approval ``prov:generated`` the published graph, which ``prov:wasDerivedFrom`` the submission and has the
  published resource as ``dcterms:subject``; a withdrawal ``prov:invalidated`` it.

Rejection reasons and contact addresses stay in the queue (the submitter sees the reason on the tracking page).
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import pyoxigraph as ox

from . import rdfwrite
from .moderation import SYSTEM, Event, ModerationQueue, Submission
from .namespaces import DCTERMS, PROV, RDF, RDFS, XSD

if TYPE_CHECKING:
    from .changes import ChangeFeed
    from .store import Store

RDF_TYPE = ox.NamedNode(RDF + "type")
RDFS_LABEL = ox.NamedNode(RDFS + "label")
DCT_SUBJECT = ox.NamedNode(DCTERMS + "subject")
XSD_DATETIME = ox.NamedNode(XSD + "dateTime")
#: What each step is called in the published log.
ACTION_LABELS = {
    "submitted": ("Proposition reçue", "Submission received"),
    "edited": ("Proposition modifiée par un curateur", "Submission edited by a curator"),
    "approved": ("Proposition approuvée et publiée", "Submission approved and published"),
    "rejected": ("Proposition rejetée", "Submission rejected"),
    "withdrawn": ("Publication retirée", "Publication withdrawn"),
    "replaced": ("Version remplacée par une mise à jour", "Version replaced by an update"),
}
TOKEN_AGENT = "token"  # the actor name of requests authenticated by TSC_ADMIN_TOKEN


def graph_iri(base_uri: str) -> str:
    return _base(base_uri) + "graph/moderation"


def _base(base_uri: str) -> str:
    return base_uri if base_uri.endswith("/") else base_uri + "/"


def submission_iri(base_uri: str, sub_id: str) -> str:
    """The submission's public, opaque name (a hash of its id, which may contain words of its title)."""
    return f"{_base(base_uri)}id/submission/{hashlib.sha256(sub_id.encode()).hexdigest()[:20]}"


def agent_iri(base_uri: str, actor: str) -> str:
    return f"{_base(base_uri)}id/curator/{actor}"


def _p(local: str) -> ox.NamedNode:
    return ox.NamedNode(PROV + local)


def _time(ts: float) -> ox.Literal:
    text = datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    return ox.Literal(text, datatype=XSD_DATETIME)


def _steps(base_uri: str, sub: Submission, events: list[Event], first: bool) -> tuple[list[ox.Triple], dict[str, str]]:
    """The PROV-O of ``events`` of one submission (and of the submission itself, when ``first`` published), and
    the agents they name (account → name)."""
    entity = ox.NamedNode(submission_iri(base_uri, sub.id))
    out: list[ox.Triple] = []
    if first:
        out += [ox.Triple(entity, RDF_TYPE, _p("Entity")),
                ox.Triple(entity, RDFS_LABEL, ox.Literal("Proposition reçue par le formulaire", language="fr")),
                ox.Triple(entity, RDFS_LABEL, ox.Literal("Submission received through the form", language="en")),
                ox.Triple(entity, _p("generatedAtTime"), _time(sub.submitted))]
    agents: dict[str, str] = {}
    published = ox.NamedNode(sub.graph_iri)
    for e in events:
        act = ox.NamedNode(f"{entity.value}/{e.action}-{e.seq}")
        fr, en = ACTION_LABELS.get(e.action, (e.action, e.action))
        out += [ox.Triple(act, RDF_TYPE, _p("Activity")),
                ox.Triple(act, _p("type"), ox.Literal(e.action)),
                ox.Triple(act, RDFS_LABEL, ox.Literal(fr, language="fr")),
                ox.Triple(act, RDFS_LABEL, ox.Literal(en, language="en")),
                ox.Triple(act, _p("endedAtTime"), _time(e.at)),
                ox.Triple(act, _p("used" if e.action != "submitted" else "generated"), entity)]
        if e.actor and e.actor != SYSTEM:
            agents.setdefault(e.actor, e.name or e.actor)
            out.append(ox.Triple(act, _p("wasAssociatedWith"), ox.NamedNode(agent_iri(base_uri, e.actor))))
        if e.action == "approved":
            out += [ox.Triple(act, _p("generated"), published),
                    ox.Triple(published, _p("wasGeneratedBy"), act),
                    ox.Triple(published, _p("wasDerivedFrom"), entity),
                    ox.Triple(published, DCT_SUBJECT, ox.NamedNode(sub.project_iri))]
        elif e.action in ("withdrawn", "replaced"):
            out.append(ox.Triple(act, _p("invalidated"), published))
    return out, agents


def _agent(base_uri: str, actor: str, name: str) -> list[ox.Triple]:
    """A curator (``prov:Person``, named as in the curators file) or the admin token (``prov:SoftwareAgent``)."""
    agent = ox.NamedNode(agent_iri(base_uri, actor))
    kind = "SoftwareAgent" if actor == TOKEN_AGENT else "Person"
    return [ox.Triple(agent, RDF_TYPE, _p("Agent")), ox.Triple(agent, RDF_TYPE, _p(kind)),
            ox.Triple(agent, RDFS_LABEL, ox.Literal(name))]


def log_triples(queue: ModerationQueue, base_uri: str) -> list[ox.Triple]:
    """The PROV-O description of every decided submission's history."""
    out: list[ox.Triple] = []
    agents: dict[str, str] = {}
    for sub, events in queue.decided_events():
        triples, named = _steps(base_uri, sub, events, first=True)
        out += triples
        for actor, name in named.items():
            agents.setdefault(actor, name)
    for actor, name in sorted(agents.items()):
        out += _agent(base_uri, actor, name)
    return out


def publish_log(queue: ModerationQueue, store: "Store", base_uri: str, feed: "ChangeFeed | None" = None) -> int:
    """Replace the moderation graph with the log as the queue has it now; the number of triples written. The
    server runs it when it starts and the log lags behind the queue (a crash between a decision and its
    :func:`append_log`); a decision appends."""
    from .store import GraphNamer, Source

    triples = log_triples(queue, base_uri)
    graph = graph_iri(base_uri)
    existed = graph in store.graphs()
    if not triples:
        if existed:
            store.drop_graph(graph)
            if feed is not None:
                feed.remember(store, {graph: None})
        queue.set_logged()
        return 0
    text = rdfwrite.serialize(triples, "ntriples")
    store.load([Source("moderation log", data=text.encode("utf-8"), format="ntriples")],
               graph_for=GraphNamer(base_uri, fixed=graph))
    queue.set_logged()
    if feed is not None:  # the decision itself is the feed's entry; the log follows from it
        feed.remember(store, {graph: len(triples)})
    return len(triples)


def append_log(queue: ModerationQueue, store: "Store", base_uri: str, sub_ids: list[str],
               feed: "ChangeFeed | None" = None) -> int:
    """Add to the moderation graph what a decision changed: the events of ``sub_ids`` it does not hold yet (all
    of a submission's history when it has just been decided: a pending one is not public), and the agents it does
    not describe yet. Its cost is that of the decision, not of the history (rebuilding the graph whole took 8 s
    after 5,000 decisions). The number of triples added."""
    graph = graph_iri(base_uri)
    out: list[ox.Triple] = []
    agents: dict[str, str] = {}
    marks: dict[str, int] = {}
    for sub, events in queue.unlogged(sub_ids):
        triples, named = _steps(base_uri, sub, events, first=sub.logged == 0)
        out += triples
        for actor, name in named.items():
            agents.setdefault(actor, name)
        marks[sub.id] = events[-1].seq
    for actor, name in sorted(agents.items()):
        known = f"ASK {{ GRAPH <{graph}> {{ <{agent_iri(base_uri, actor)}> a <{PROV}Agent> }} }}"
        if not store.query(known).boolean:
            out += _agent(base_uri, actor, name)
    if out:
        store.append(graph, rdfwrite.serialize(out, "ntriples").encode("utf-8"))
        if feed is not None:  # the decision itself is the feed's entry; the log follows from it
            feed.remember_growth(store, graph, len(out))
    queue.set_logged(marks)
    return len(out)
