"""Harvesting: copy another node's TSC graph into a named graph of ours, with provenance and validation.

``harvest(store, url)`` (the ``tsc-graph harvest`` command):

1. **Fetch** (federation/fetch.py) — a SPARQL endpoint gets the CONSTRUCT of ``tsc_graph/sparql/harvest-construct.rq``
   (one HTTP GET of the SPARQL 1.1 Protocol); a dump URL (``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``, ``.nq``,
   ``.trig``, optionally ``.gz``, or ``--dump``) is downloaded as is; an operator may also name a local dump (a
   file or directory, or a ``file:`` URL: the demonstration node's shipped data). ``timeout`` bounds the whole
   transfer, redirects stay within the source's origin, and the request is conditional: ``304 Not Modified``
   ends the harvest there — nothing transferred, parsed, validated or written.
2. **Parse** with Oxigraph through the parser path and guards of ``tsc-graph load``
   (``store.oxigraph.parse_source``: JSON-LD and RDF/XML nested too deep, and RDF/XML entity declarations, are
   refused), streamed into an in-memory staging store (blank nodes renamed so they cannot collide with ours;
   named graphs of a quad dump merged). Statements a peer may not make are dropped there. An empty answer is
   refused unless ``allow_empty`` (a misconfigured remote must not wipe our copy).
3. **Validate** the staging store against our shapes, with the ontology and ``tsc_graph/reference`` as context, in
   Oxigraph (compiled SHACL). Violations do not reject the node: the data is loaded and the report is
   returned, stored and printed.
4. **Write, all or nothing, in one store transaction**: the node graph ``{base}graph/node/{name}`` (replaced),
   its validation report ``{node graph}/validation`` (replaced) and the provenance log
   ``{base}graph/harvest-log`` (one more ``prov:Activity``, federation/provenance.py; the log keeps the history). A failure in any
   step before this one leaves the store exactly as it was.
5. **Record** the harvest in the change feed (:mod:`tsc_graph.changes`), when one is given.

Steps 1-3 (:func:`collect`) read what a peer sent and touch no store. :func:`harvest_all` harvests every node of
the network registry (named query ``network-nodes``), each node's steps 1-3 in a child process of its own, so
that a node whose data crashes a parser is reported as that node's failure and the next nodes are harvested.
"""
from __future__ import annotations

import io
import multiprocessing as mp
import re
import signal
import urllib.parse
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .. import REFERENCE_DIR
from ..errors import BadInput, LoadError, RemoteError, TscGraphError
from ..namespaces import TSC
from ..queries import get_query
from ..store import Source, Store
from ..store.oxigraph import parse_source
from .fetch import (
    MAX_BYTES,
    Fetched,
    check_url,
    fetch_dump,
    fetch_local,
    fetch_sparql,
    is_dump_url,
    local_path,
    local_source_iri,
)
from .provenance import HarvestReport, last_validators, provenance_ntriples

if TYPE_CHECKING:  # the validation module: imported where validation runs
    from ..validation import ValidationReport

LOG_GRAPH = "graph/harvest-log"


# --- naming --------------------------------------------------------------------------------------------------
def node_name(url: str) -> str:
    """A slug for a remote node from its URL's host and port: ``http://127.0.0.1:8001/sparql`` → ``127-0-0-1-8001``."""
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "node").lower()
    if parts.port:
        host += f"-{parts.port}"
    slug = re.sub(r"[^a-z0-9]+", "-", host).strip("-")
    return slug or "node"


def harvest_prefix(base_uri: str) -> str:
    """Where harvested copies live: ``{base}graph/node/``. Nothing else is ever written by a harvest, so a peer
    can never replace one of this node's own graphs (docs/federation.md, "What a peer can and cannot do")."""
    base = base_uri if base_uri.endswith("/") else base_uri + "/"
    return f"{base}graph/node/"


def target_graph(base_uri: str, url: str, name: str | None = None, graph: str | None = None) -> str:
    prefix = harvest_prefix(base_uri)
    if graph:
        slug = graph[len(prefix):] if graph.startswith(prefix) else ""
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
            raise BadInput(f"--graph {graph!r}: a harvested copy goes into a graph {prefix}<slug> (lowercase "
                           "letters, digits and single hyphens), never into one of this node's own graphs")
        return graph
    if name is not None and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name):
        raise BadInput(f"--name {name!r} must be a slug: lowercase letters, digits and single hyphens")
    return f"{prefix}{name or node_name(url)}"


# --- parsing -------------------------------------------------------------------------------------------------
#: The graph of the staging store that holds what a peer sent (its context for validation goes to the default graph).
STAGED = ox.NamedNode("urn:tsc-graph:harvest:staged")


def stage(parts: list[tuple[str, bytes, str]]) -> ox.Store:
    """An in-memory Oxigraph store holding, in :data:`STAGED`, the distinct triples of every part: named graphs of
    quad formats merged, blank nodes renamed so that they cannot collide with ours.

    Parsed through the guards of ``load`` (``store.oxigraph.parse_source``) and streamed into the store: Python
    objects for every triple (a list of ``ox.Triple``, then an rdflib graph) cost 40x the size of the download.
    """
    staging = ox.Store()
    for name, data, fmt in parts:
        try:
            staging.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, STAGED)
                                for q in parse_source(Source(name, data=data, format=fmt), rename_blank_nodes=True))
        except LoadError as e:
            raise _unloadable(name, fmt, e) from None
    return staging


def _unloadable(name: str, fmt: str, e: LoadError) -> RemoteError:
    """How a harvest reports a syntax error (it has a line) or a refusal by the guards (it has none)."""
    if e.line is None:
        return RemoteError(f"{name}: the {fmt} data received cannot be loaded: {e.reason}")
    column = f", column {e.column}" if e.column else ""
    return RemoteError(f"{name}: the {fmt} data received does not parse (line {e.line}{column}): {e.reason}")


#: Predicates that configure the node that holds them (its registry): a peer's copy of them means nothing here.
NODE_CONFIGURATION = frozenset(ox.NamedNode(TSC + p) for p in ("thisNode", "harvestGraph", "localDump",
                                                                "demonstrationNode"))
#: Shared vocabularies and the ontology: every node has its own copy; a peer never adds to ours.
SHARED_NAMESPACE = "https://w3id.org/tsc-graph/"


def peer_statements(staging: ox.Store, base_uri: str) -> int:
    """Keep in ``staging`` only what a peer may tell us: statements about its own resources. Dropped: statements
    whose subject is one of this node's resources (under ``base_uri``) or a shared vocabulary term,
    node-configuration statements, and the blank nodes only those statements reached. Returns how many were dropped.
    """
    base = base_uri if base_uri.endswith("/") else base_uri + "/"
    before = len(staging)
    configuration = ", ".join(str(p) for p in sorted(NODE_CONFIGURATION, key=str))
    staging.update(f"""DELETE {{ GRAPH {STAGED} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {STAGED} {{ ?s ?p ?o }}
        FILTER(?p IN ({configuration}) || isIRI(?s) && (STRSTARTS(STR(?s), {ox.Literal(base)})
                                                        || STRSTARTS(STR(?s), {ox.Literal(SHARED_NAMESPACE)}))) }}""")
    reached = _reached_blank_nodes(staging)
    orphans = [row["b"] for row in staging.query(
        f"SELECT DISTINCT ?b WHERE {{ GRAPH {STAGED} {{ ?b ?p ?o }} FILTER(isBlank(?b)) }}") if row["b"] not in reached]
    for b in orphans:
        for q in list(staging.quads_for_pattern(b, None, None, STAGED)):
            staging.remove(q)
    return before - len(staging)


def _reached_blank_nodes(staging: ox.Store) -> set[ox.BlankNode]:
    """Blank nodes reachable from a named subject through blank nodes only (contact points of the peer's resources)."""
    todo = [row["b"] for row in staging.query(
        f"SELECT DISTINCT ?b WHERE {{ GRAPH {STAGED} {{ ?s ?p ?b }} FILTER(!isBlank(?s) && isBlank(?b)) }}")]
    reached: set[ox.BlankNode] = set()
    while todo:
        b = todo.pop()
        if b in reached:
            continue
        reached.add(b)
        objects = (q.object for q in staging.quads_for_pattern(b, None, None, STAGED))
        todo.extend(o for o in objects if isinstance(o, ox.BlankNode))
    return reached


# --- the whole harvest ---------------------------------------------------------------------------------------
def validate_staged(staging: ox.Store) -> tuple[ValidationReport, bytes]:
    """Validate what ``staging`` holds against our shapes, with the ontology and ``tsc_graph/reference`` as context, in
    Oxigraph (the shapes compiled to SPARQL, as ``tsc-graph validate`` does): linear in the data, where rdflib's
    N-Triples reader took 6 s for one 1 MB literal and 86 s for 4 MB. Adds the context to ``staging``.

    Returns the report without its rdflib graph (it crosses from a child process) and that graph as Turtle."""
    from .. import ONTOLOGY_DIR
    from ..validation import load_oxigraph, validate

    context = [ONTOLOGY_DIR, REFERENCE_DIR]
    validation = validate(load_oxigraph(context, into=staging) if context else staging)
    return replace(validation, graph=None), validation.to_turtle().encode("utf-8")  # written by Oxigraph: valid


@dataclass(frozen=True)
class Plan:
    """One source to collect, and how: all :func:`collect` needs, and nothing of the store (it may cross into a
    child process)."""

    location: str  # URL, or local path when mode is "local"
    mode: str  # "sparql", "dump" or "local"
    source: str  # how messages and the provenance name it
    target: str
    base_uri: str
    timeout: float
    max_bytes: int
    etag: str = ""
    last_modified: str = ""
    validate: bool = True
    allow_empty: bool = False


@dataclass
class Collected:
    """What a source gave, filtered and validated, ready to write; ``ntriples=None``: not modified."""

    ntriples: bytes | None
    etag: str = ""
    last_modified: str = ""
    triples: int = 0
    dropped: int = 0
    validation: ValidationReport | None = None
    report_turtle: bytes | None = None


def collect(plan: Plan) -> Collected:
    """Fetch, parse, filter and validate one source, touching no store: the steps that read what a peer sent.

    Memory: the download, then the staging store, then its N-Triples export; never a Python object per triple.
    """
    fetched = _fetch(plan)
    if fetched.parts is None:
        return Collected(None, fetched.etag, fetched.last_modified)
    etag, last_modified = fetched.etag, fetched.last_modified
    staging = stage(fetched.parts)
    del fetched  # the downloaded bytes: the staging store holds the triples now
    dropped = peer_statements(staging, plan.base_uri)
    if not len(staging) and not plan.allow_empty:
        raise RemoteError(f"{plan.source}: the harvest returned no triple; the previous copy in <{plan.target}> is "
                          "kept (use --allow-empty to really empty it)")
    collected = Collected(staging.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=STAGED) or b"", etag, last_modified,
                          len(staging), dropped)
    if plan.validate:
        collected.validation, collected.report_turtle = validate_staged(staging)
    return collected


def _fetch(plan: Plan) -> Fetched:
    if plan.mode == "local":
        return fetch_local(Path(plan.location), plan.etag, plan.max_bytes)
    fetch = fetch_dump if plan.mode == "dump" else fetch_sparql
    return fetch(plan.location, plan.timeout, plan.max_bytes, plan.etag, plan.last_modified)


def run_isolated(func, arg, label: str):
    """``func(arg)`` in a fresh child process (spawn: it inherits nothing but ``arg``), so that whatever a peer's
    data does to a parser ends that child only: a native stack overflow is a SIGSEGV, not an exception, and took
    ``harvest --all`` down before the next nodes were reached. The child's TscGraphError is raised here as it was;
    any other failure, a crash included, as a RemoteError naming ``label``."""
    ctx = mp.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_isolated_main, args=(sender, func, arg, label), name=f"tsc-graph harvest {label}",
                        daemon=True)
    child.start()
    sender.close()  # the child holds the only writer: its death ends recv() with EOFError
    try:
        ok, value = receiver.recv()
    except EOFError:
        child.join()
        raise RemoteError(f"{label}: the harvest process died ({_exit_status(child.exitcode)}) fetching, parsing or "
                          "validating the data; nothing was written") from None
    finally:
        receiver.close()
    child.join()
    if not ok:
        raise value
    return value


def _isolated_main(sender, func, arg, label: str) -> None:
    """The child of :func:`run_isolated`: send back (True, result) or (False, error)."""
    try:
        outcome = (True, func(arg))
    except TscGraphError as e:  # rebuilt from its message: subclasses with their own arguments do not unpickle
        outcome = (False, (BadInput if isinstance(e, BadInput) else RemoteError)(str(e)))
    except Exception as e:  # MemoryError on hostile data, or a bug: this node's failure, never the others'
        outcome = (False, RemoteError(f"{label}: the harvest failed: {type(e).__name__}: {e}"))
    sender.send(outcome)
    sender.close()


def _exit_status(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def harvest(
    store: Store,
    url: str,
    *,
    base_uri: str,
    graph: str | None = None,
    name: str | None = None,
    dump: bool | None = None,
    timeout: float = 20.0,
    validate: bool = True,
    allow_empty: bool = False,
    max_bytes: int = MAX_BYTES,
    allow_local: bool = False,
    conditional: bool = True,
    feed=None,
    isolate: bool = False,
) -> HarvestReport:
    """Harvest ``url`` into ``store``. Raises RemoteError (nothing changed) or BadInput.

    ``allow_local``: ``url`` may also be a local file or directory, or a ``file:`` URL (operators only: the
    server never harvests). ``conditional``: send back the validators of the last harvest from this source.
    ``feed``: a :class:`tsc_graph.changes.ChangeFeed` that records the harvest. ``timeout``: seconds for the whole
    transfer. ``isolate``: fetch, parse and validate in a child process (:func:`run_isolated`).
    """
    local = local_path(url) if allow_local else None
    if local is None:
        check_url(url)
        source = url
        mode = "dump" if (dump if dump is not None else is_dump_url(url)) else "sparql"
    else:
        source, mode = local_source_iri(local), "local"
        if name is None and graph is None:
            name = re.sub(r"[^a-z0-9]+", "-", local.resolve().name.lower()).strip("-") or "node"
    target = target_graph(base_uri, url, name=name, graph=graph)
    base = base_uri if base_uri.endswith("/") else base_uri + "/"
    log_graph = f"{base}{LOG_GRAPH}"
    started = datetime.now(timezone.utc)
    existed = target in store.graphs()
    previous = store.count(target) if existed else 0
    etag, last_modified = last_validators(store, target, source) if conditional and previous else ("", "")
    plan = Plan(str(local) if local is not None else url, mode, source, target, base_uri, timeout, max_bytes, etag,
                last_modified, validate, allow_empty)
    collected = run_isolated(collect, plan, source) if isolate else collect(plan)

    report = HarvestReport(source=source, mode=mode, graph=target, triples=previous, started=started,
                           ended=datetime.now(timezone.utc), activity="", log_graph=log_graph,
                           previous_triples=previous, etag=collected.etag, last_modified=collected.last_modified)
    if collected.ntriples is None:
        report.not_modified = True
        return report
    stamp = started.strftime("%Y%m%dt%H%M%S%fz")
    report.activity = f"{base}id/harvest/{node_name(url) if name is None else name}-{stamp}"
    report.triples, report.validation = collected.triples, collected.validation
    report.validation_graph = f"{target}/validation" if collected.validation is not None else None
    if collected.dropped:
        report.warnings.append(f"{collected.dropped} triple(s) not kept: statements about this node's own resources, "
                               "shared vocabularies or node configuration are never taken from a peer")
    _write(store, report, collected, allow_empty)
    if feed is not None:
        from ..changes import graph_change

        feed.record(store, [graph_change("harvest", target, existed, collected.triples, origin=source)])
    return report


def _write(store: Store, report: HarvestReport, collected: Collected, allow_empty: bool) -> None:
    """Replace the copy, its validation report and the harvest log in one store transaction (all or nothing)."""
    log = io.BytesIO()
    if report.log_graph in store.graphs():
        store.export(log, "ntriples", graph=report.log_graph)
    log.write(provenance_ntriples(report))
    sources = [Source(f"{report.source} (harvested data)", data=collected.ntriples, format="ntriples"),
               Source(f"{report.source} (harvest log)", data=log.getvalue(), format="ntriples")]
    graphs = {sources[0].name: report.graph, sources[1].name: report.log_graph}
    if collected.report_turtle is not None:
        sources.append(Source(f"{report.source} (validation report)", data=collected.report_turtle, format="turtle"))
        graphs[sources[2].name] = report.validation_graph
    # --no-validate: the last report stays, and says which harvest it belongs to
    store.load(sources, graph_for=lambda src: graphs[src.name], allow_empty=allow_empty)


@dataclass
class RegisteredNode:
    """A node of the network registry, as :func:`harvest_all` harvests it."""

    iri: str
    name: str
    source: str  # endpoint, dump URL or local dump path
    graph: str | None
    demonstration: bool = False
    #: Why this node cannot be harvested as registered (then it is reported, never fetched).
    refused: str = ""


def registered_nodes(store: Store, base_uri: str | None = None) -> list[RegisteredNode]:
    """Every node of the registry but this one, with the source to harvest it from (endpoint, then dump URL,
    then the dump shipped with tsc-graph); nodes with none are skipped.

    The registry is read from this node's own graphs only (named query ``network-nodes``): a harvested peer
    cannot add a node, name a source or declare itself "this node". An endpoint or dump must be an http(s) URL
    and the copy's graph must be under ``{base}graph/node/``; a registered node that breaks either rule is
    returned with ``refused`` set, so that ``harvest --all`` reports it instead of fetching anything."""
    out = []
    for row in store.query(get_query("network-nodes").text).bindings:
        if str(row.get("this_node", "")).lower() == "true":
            continue
        remote = row.get("endpoint") or row.get("dump")
        source = remote or row.get("local_dump")
        if source is None:
            continue
        node = RegisteredNode(str(row["node"]), str(row["name"]), str(source),
                              str(row["graph"]) if row.get("graph") is not None else None,
                              str(row.get("demonstration", "")).lower() == "true")
        if remote is not None and not node.source.startswith(("http://", "https://")):
            node.refused = (f"the registry names {node.source!r} as its endpoint or dump: only http(s) URLs are "
                            "harvested (a dump shipped with tsc-graph is named with tsc:localDump)")
        elif remote is None and (node.source.startswith("/") or ":" in node.source or ".." in Path(node.source).parts):
            node.refused = (f"tsc:localDump {node.source!r} must be a path inside the node's directory, "
                            "e.g. data/nodes/be")
        elif base_uri is not None and node.graph is not None:
            try:
                target_graph(base_uri, node.source, graph=node.graph)
            except BadInput:
                node.refused = (f"tsc:harvestGraph <{node.graph}> is not under {harvest_prefix(base_uri)}: a "
                                "harvest never writes into one of this node's own graphs")
        out.append(node)
    return out


def harvest_all(store: Store, *, base_uri: str, on_result=None, home: Path | None = None,
                **options) -> list[tuple[RegisteredNode, HarvestReport | Exception]]:
    """Harvest every registered node (``harvest`` options apply to each); one failure does not stop the others,
    not even a crash: each node is fetched, parsed and validated in a child process of its own (``isolate``).
    A ``tsc:localDump`` is a path under ``home``, the node's directory (that of its profile; default: the
    working directory).

    ``on_result(node, report_or_error)`` is called after each node (progress for the CLI).
    """
    results: list[tuple[RegisteredNode, HarvestReport | Exception]] = []
    home = Path.cwd() if home is None else home
    for node in registered_nodes(store, base_uri):
        try:
            if node.refused:
                raise BadInput(f"node {node.name!r} <{node.iri}>: {node.refused}")
            local = not node.source.startswith(("http://", "https://"))
            report: HarvestReport | Exception = harvest(
                store, node.source if not local else str(home / node.source), base_uri=base_uri,
                graph=node.graph, name=node.name, allow_local=local, isolate=True, **options)
        except (RemoteError, BadInput) as e:
            report = e
        results.append((node, report))
        if on_result is not None:
            on_result(node, report)
    return results
