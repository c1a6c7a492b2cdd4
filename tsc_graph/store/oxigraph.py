"""The embedded Oxigraph backend: persistent on disk (RocksDB) or in memory.

On-disk layout of ``PATH``::

    PATH/db/            the read-write Oxigraph store (one process at a time: RocksDB takes a lock)
    PATH/snapshots/     read-only checkpoints that query worker processes read (see pool.py)
    PATH/rollback/      checkpoint of the store taken before a load, deleted once the load commits
    PATH/journal.json   present only while a load is in flight: its removal is the commit point
    PATH/version.json   the StoreVersion: a new token after every committed write (HTTP validators, caches)
    PATH/graph-hashes.json  the content hash of the files each graph was last loaded from (``sources_hash``): a
                        load of the same files keeps the graph and writes nothing; any other write to a graph
                        forgets its hash first
    PATH/replica/       the query workers' in-memory replica saved as N-Quads, named by that token: the next
                        server start loads it instead of reading RocksDB (stores over 200k quads; pool.py)

A load parses every source first (nothing is written if one is malformed), then replaces each target graph
in place with Oxigraph's bulk loader. Copying through staging graphs would make the swap one transaction,
but Oxigraph's update path costs ~100x the bulk loader at a million triples; the checkpoint gives the same
all-or-nothing result: a failed load is undone from it, and a ``kill -9`` leaves the journal, so the next
open swaps the checkpoint back in. Query workers only ever read snapshots taken after a commit.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from ..errors import BadInput, LoadError, QuerySyntaxError, StoreLocked, TscGraphError
from ..formats import OXIGRAPH_RDF, QUAD_FORMATS, quads_not_loadable
from ..guards import check_document, check_query
from ..sparql_text import looks_like_update
from .base import (
    READ_ERRORS,
    EmptySource,
    GraphNamer,
    LoadReport,
    QueryResult,
    SerializedResult,
    Source,
    Store,
    StoreVersion,
    read_error,
    sources_hash,
)
from .engine_pool import ThreadedPool
from .execute import run_query, serialize_result
from .pool import PUBLIC, QueryPool, SnapshotSet
from .progress import ProgressReader, load_progress


def to_rdflib(term):
    """pyoxigraph term → rdflib term (lazy import: workers never call this)."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    if term is None:
        return None
    raise TypeError(f"unsupported term {term!r}")


def _pool_class(engine: str) -> type[QueryPool]:
    """The query pool of ``TSC_QUERY_ENGINE``: ``threads`` (one engine process, store/engine_pool.py) or
    ``workers`` (one process per running query, store/pool.py)."""
    if engine == "threads":
        return ThreadedPool
    if engine == "workers":
        return QueryPool
    raise BadInput(f"the query engine must be threads or workers, not {engine!r}")


#: Largest load written in one transaction instead of a bulk load (when its graphs are new): see ``_insert``.
SMALL_LOAD_BYTES = 1 << 20


class OxigraphStore(Store):
    """Embedded Oxigraph. ``path=None`` gives an in-memory store (tests); otherwise RocksDB on disk."""

    def __init__(self, path: str | os.PathLike | None, *, query_workers: int = 0, queue_timeout: float = 5.0,
                 query_replica: str = "auto", memory_replica_max_quads: int = 2_000_000, site_query_workers: int = 0,
                 query_queue: int | None = None, query_memory_mb: int | None = None, query_engine: str = "threads"):
        self.path = Path(path) if path is not None else None
        self._write_lock = threading.RLock()
        self._pool: QueryPool | None = None
        self._snapshots: SnapshotSet | None = None
        if self.path is None:
            self._store = ox.Store()
            self._version = self._read_version()
            self._hashes: dict[str, str] = {}
        else:
            self.path.mkdir(parents=True, exist_ok=True)
            self._store = self._open_db()
            if self._recover():
                self._store = None  # close RocksDB, then put the pre-crash checkpoint in its place
                self._restore_checkpoint()
                self._store = self._open_db()
            self._version = self._read_version()
            self._hashes = self._read_hashes()
            if query_workers:
                self._snapshots = SnapshotSet(self.path / "snapshots")
                self._snapshots.take(self._store)
                self._pool = _pool_class(query_engine)(self._snapshots, size=query_workers, queue_timeout=queue_timeout,
                                       replica=query_replica, memory_max_quads=memory_replica_max_quads,
                                       site_size=site_query_workers, public_waiting=query_queue,
                                       memory_budget_mb=query_memory_mb, quads=len(self._store),
                                       cache_dir=self.path / "replica", version=self._version.token)
        self.hard_timeouts = self._pool is not None

    # --- crash recovery ----------------------------------------------------------------------------
    # A load on disk is bracketed by a RocksDB checkpoint of the whole store (hard links: milliseconds) and
    # a journal naming it. The journal's removal is the commit point. A load that fails is undone from the
    # checkpoint; a process killed mid-load leaves the journal, and the next open swaps the checkpoint in.
    def _open_db(self):
        try:
            return ox.Store(str(self.path / "db"))
        except OSError as e:
            if "lock" in str(e).lower():
                raise StoreLocked(
                    f"{self.path}: the store is open in another process (a running server?). "
                    "Stop it, or send the change through that process."
                ) from None
            raise TscGraphError(f"{self.path}: cannot open the store: {e}") from None

    @property
    def _journal(self) -> Path | None:
        return self.path / "journal.json" if self.path else None

    @property
    def _checkpoint(self) -> Path:
        return self.path / "rollback"

    def _recover(self) -> bool:
        """True if an interrupted load must be rolled back (its journal survived the crash)."""
        if self._journal.exists():
            if self._checkpoint.is_dir():
                return True
            self._journal.unlink()  # journal without checkpoint cannot happen (checkpoint is written first)
        shutil.rmtree(self._checkpoint, ignore_errors=True)  # left by a crash before the journal or after commit
        return False

    def _restore_checkpoint(self) -> None:
        db, failed = self.path / "db", self.path / "db.interrupted"
        shutil.rmtree(failed, ignore_errors=True)
        os.replace(db, failed)
        os.replace(self._checkpoint, db)
        self._journal.unlink()
        shutil.rmtree(failed, ignore_errors=True)

    def _begin_write(self, targets) -> dict:
        """Take what a rollback needs: a checkpoint on disk, a copy of the target graphs in memory."""
        if self.path is None:
            return {t: list(self._store.quads_for_pattern(None, None, None, ox.NamedNode(t))) for t in targets}
        shutil.rmtree(self._checkpoint, ignore_errors=True)
        self._store.flush()
        self._store.backup(str(self._checkpoint))
        tmp = self._journal.with_suffix(".tmp")
        tmp.write_text(json.dumps({"checkpoint": str(self._checkpoint), "targets": sorted(targets)}))
        os.replace(tmp, self._journal)
        return {}

    def _roll_back(self, targets, saved: dict) -> None:
        """Put the target graphs back as they were before a failed load, in this live store."""
        for t in targets:
            self._store.remove_graph(ox.NamedNode(t))
        if self.path is None:
            self._store.extend(q for quads in saved.values() for q in quads)
            return
        before = ox.Store.read_only(str(self._checkpoint))
        for t in targets:
            self._store.bulk_extend(before.quads_for_pattern(None, None, None, ox.NamedNode(t)))
        del before
        self._store.flush()
        self._journal.unlink()
        shutil.rmtree(self._checkpoint, ignore_errors=True)

    def _commit_write(self, changed_graphs) -> None:
        if self.path is not None:
            self._store.flush()
            self._journal.unlink()  # the commit point
            shutil.rmtree(self._checkpoint, ignore_errors=True)
        self._committed(changed_graphs)

    def _committed(self, changed_graphs=None, appended: dict[str, bytes] | None = None) -> None:
        """After every write: a new version, and a new snapshot for the query workers, whose in-memory replica
        copies again only ``changed_graphs`` (None: a write that may have touched any graph), or adds to a graph
        the N-Triples ``appended`` to it (a growing graph is not copied again whole)."""
        self._new_version()
        if self._snapshots is not None:
            self._snapshots.take(self._store)
            self._pool.refresh(changed_graphs, version=self._version.token, appended=appended)

    # --- version -----------------------------------------------------------------------------------
    @property
    def _version_file(self) -> Path | None:
        return self.path / "version.json" if self.path else None

    def _read_version(self) -> StoreVersion:
        """The persisted version (so validators survive a restart), or a new one for a new or memory store."""
        if self._version_file is not None and self._version_file.exists():
            try:
                data = json.loads(self._version_file.read_text())
                return StoreVersion(data["token"], datetime.fromisoformat(data["modified"]))
            except (ValueError, KeyError, OSError):
                pass  # unreadable: a new token only costs clients one full answer
        return self._new_version()

    def _new_version(self) -> StoreVersion:
        self._version = StoreVersion(uuid.uuid4().hex, datetime.now(timezone.utc).replace(microsecond=0))
        if self._version_file is not None:
            tmp = self._version_file.with_suffix(".tmp")
            tmp.write_text(json.dumps({"token": self._version.token, "modified": self._version.modified.isoformat()}))
            os.replace(tmp, self._version_file)
        return self._version

    def version(self) -> StoreVersion:
        return self._version

    # --- content hashes ----------------------------------------------------------------------------
    # A graph's hash says "this graph holds exactly what these files parse to". It is forgotten (and the file
    # saved) before anything else writes to the graph, and saved again only after a load commits, so a crash or
    # a failed load at any point leaves no hash rather than a wrong one: the next load then writes the graph.
    @property
    def _hashes_file(self) -> Path | None:
        return self.path / "graph-hashes.json" if self.path else None

    def _read_hashes(self) -> dict[str, str]:
        """The saved hashes; none if the file is missing or unreadable (that only costs one more write per graph)."""
        try:
            data = json.loads(self._hashes_file.read_text())
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {g: h for g, h in data.items() if isinstance(h, str)}

    def _save_hashes(self, hashes: dict[str, str]) -> None:
        """Keep ``hashes`` as the hashes of the store's graphs (written to disk only when they differ)."""
        if hashes == self._hashes:
            return
        self._hashes = hashes
        if self._hashes_file is not None:
            tmp = self._hashes_file.with_suffix(".tmp")
            tmp.write_text(json.dumps(hashes, sort_keys=True, indent=0))
            os.replace(tmp, self._hashes_file)

    def _forget_hashes(self, graphs: Iterable[str] | None = None) -> None:
        """Before a write to ``graphs`` (None: a write that may touch any graph)."""
        self._save_hashes({} if graphs is None else {g: h for g, h in self._hashes.items() if g not in graphs})

    # --- reading -----------------------------------------------------------------------------------
    def _run(self, sparql, default_graph_uris, named_graph_uris):
        check_query(sparql)  # deep nesting would overflow Oxigraph's stack and kill this process
        try:
            return run_query(self._store, sparql, default_graph_uris, named_graph_uris)
        except SyntaxError as e:
            raise _syntax_error(sparql, e) from None
        except ValueError as e:
            raise BadInput(str(e)) from None

    def query(self, sparql, *, default_graph_uris=(), named_graph_uris=(), timeout=None) -> QueryResult:
        result = self._run(sparql, default_graph_uris, named_graph_uris)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("ASK", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows = []
            for solution in result:
                row = {}
                for v in variables:
                    term = solution[v]
                    if term is not None:
                        row[v] = to_rdflib(term)
                rows.append(row)
            return QueryResult("SELECT", variables=variables, bindings=rows)
        from rdflib import Graph

        g = Graph()
        for t in result:
            g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return QueryResult("CONSTRUCT", graph=g)

    def query_serialized(
        self,
        sparql,
        *,
        results_format="json",
        graph_format="turtle",
        default_graph_uris=(),
        named_graph_uris=(),
        timeout=None,
        max_bytes=None,
        lane=PUBLIC,
    ) -> SerializedResult:
        if self._pool is not None:
            check_query(sparql)
            request = {
                "sparql": sparql,
                "results_format": results_format,
                "graph_format": graph_format,
                "default_graph_uris": list(default_graph_uris),
                "named_graph_uris": list(named_graph_uris),
                "max_bytes": max_bytes,
            }
            try:
                kind, fmt, body = self._pool.run(request, timeout, lane)
            except QuerySyntaxError as e:
                raise _syntax_error(sparql, SyntaxError(str(e))) from None
            return SerializedResult(kind, fmt, body)
        result = self._run(sparql, default_graph_uris, named_graph_uris)
        return SerializedResult(*serialize_result(result, results_format, graph_format, max_bytes))

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def has_graph(self, graph: str) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(graph))

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            return len(self._store)
        rows = self._store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}")
        return int(next(iter(rows))["n"].value)

    def export(self, output, fmt: str, graph: str | None = None) -> None:
        if fmt not in OXIGRAPH_RDF:
            raise BadInput(f"unknown export format {fmt!r}")
        if fmt in QUAD_FORMATS:
            if graph is not None:
                quads = self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
                ox.serialize(quads, output, OXIGRAPH_RDF[fmt])
            else:
                self._store.dump(output, OXIGRAPH_RDF[fmt])
            return
        if graph is not None:
            self._store.dump(output, OXIGRAPH_RDF[fmt], from_graph=ox.NamedNode(graph), prefixes=_prefixes(fmt))
            return
        union = self._store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
        ox.serialize(union, output, OXIGRAPH_RDF[fmt], prefixes=_prefixes(fmt))

    # --- writing -----------------------------------------------------------------------------------
    def load(self, sources: Sequence[Source], *, graph_for: GraphNamer, progress: bool = False,
             allow_empty: bool = False) -> LoadReport:
        plan: dict[str, list[Source]] = {}
        for src in sources:
            plan.setdefault(graph_for(src), []).append(src)
        triples = {id(src): self._check_syntax(src) for src in sources}  # malformed input fails here, before any write
        for target, srcs in plan.items():
            if not allow_empty and not any(triples[id(src)] for src in srcs):
                raise EmptySource([src.name for src in srcs], target)
        hashes = {target: sources_hash(srcs) for target, srcs in plan.items()}
        with self._write_lock:
            kept = {t: self.count(t) for t, h in hashes.items() if h is not None and self._hashes.get(t) == h}
            plan = {t: srcs for t, srcs in plan.items() if t not in kept}
            if not plan:  # no write: the version, the snapshots and the query workers' replica stay as they are
                return LoadReport(kept=kept)
            self._forget_hashes(plan)
            if self._new_and_small(plan):
                report = self._insert(plan)
            else:
                report = self._replace(plan, [src for srcs in plan.values() for src in srcs] if progress else None)
            self._save_hashes({**self._hashes, **{t: hashes[t] for t in plan if hashes[t] is not None}})
            report.kept = kept
            return report

    def _replace(self, plan: dict[str, list[Source]], progress_of: Sequence[Source] | None) -> LoadReport:
        """Replace the target graphs with the bulk loader, between a checkpoint and its commit (module docstring);
        a progress bar over ``progress_of`` if given."""
        saved = self._begin_write(plan)
        try:
            bar = load_progress(progress_of) if progress_of is not None else None
            for target, srcs in plan.items():
                self._store.remove_graph(ox.NamedNode(target))
                for src in srcs:
                    self._bulk_load_into(target, src, bar)
            if bar is not None:
                bar.close()
        except BaseException:
            self._roll_back(plan, saved)
            raise
        self._commit_write(list(plan))
        return LoadReport({target: self.count(target) for target in plan})

    def _new_and_small(self, plan: dict[str, list[Source]]) -> bool:
        """Whether every target graph is new and every source a few bytes in memory (an approved submission)."""
        return (all(src.data is not None for srcs in plan.values() for src in srcs)
                and sum(len(src.data) for srcs in plan.values() for src in srcs) <= SMALL_LOAD_BYTES
                and not any(self._store.contains_named_graph(ox.NamedNode(t)) for t in plan))

    def _insert(self, plan: dict[str, list[Source]]) -> LoadReport:
        """Write new, small graphs in one Oxigraph transaction (``extend``): all or nothing by itself, so no
        checkpoint; and no bulk load, which adds files to RocksDB at every call — a checkpoint's cost grows with
        their number, so each approval made the next ones slower."""
        quads = []
        for target, srcs in plan.items():
            graph = ox.NamedNode(target)
            for src in srcs:
                quads += [ox.Quad(t.subject, t.predicate, t.object, graph)
                          for t in ox.parse(src.data, OXIGRAPH_RDF[src.resolved_format()])]
        self._store.extend(quads)
        self._committed(list(plan))
        return LoadReport({target: self.count(target) for target in plan})

    def _check_syntax(self, src: Source) -> int:
        """Parse without storing (Oxigraph parses ~2M triples/s), so errors name file and line up front; the
        number of triples read."""
        fmt = src.resolved_format()
        if fmt in QUAD_FORMATS:
            raise BadInput(quads_not_loadable(src.name, fmt))
        return sum(1 for _ in parse_source(src))

    def _bulk_load_into(self, graph: str, src: Source, bar) -> None:
        """Bulk-load one source (already checked by ``_check_syntax``, hence ``lenient``: no second validation)."""
        kwargs = {"format": OXIGRAPH_RDF[src.resolved_format()], "to_graph": ox.NamedNode(graph), "lenient": True}
        try:
            if src.data is not None:
                self._store.bulk_load(src.data, **kwargs)
                if bar is not None:
                    bar.update(len(src.data))
            elif bar is None and not src.name.endswith(".gz"):
                self._store.bulk_load(path=src.name, **kwargs)  # Oxigraph reads the file itself: no Python I/O
            else:
                with _open_maybe_gzip(Path(src.name)) as raw:
                    stream = io.BufferedReader(ProgressReader(raw, bar)) if bar is not None else raw
                    self._store.bulk_load(stream, **kwargs)
        except SyntaxError as e:
            raise LoadError(src.name, _reason(e), e.lineno, e.offset) from None
        except READ_ERRORS as e:
            raise read_error(src.name, e) from None

    def update(self, sparql_update: str) -> None:
        with self._write_lock:
            self._forget_hashes()
            try:
                self._store.update(sparql_update)
            except SyntaxError as e:
                raise QuerySyntaxError(f"SPARQL Update syntax error: {e}") from None
            except (OSError, ValueError) as e:
                raise TscGraphError(f"update failed: {e}") from None
            self._committed()

    def append(self, graph: str, ntriples: bytes) -> None:
        """One Oxigraph transaction (``extend`` is atomic): no checkpoint, no bulk load, and the query workers' replica
        adds the same triples (it does not copy the graph again)."""
        target = ox.NamedNode(graph)
        try:
            quads = [ox.Quad(t.subject, t.predicate, t.object, target)
                     for t in ox.parse(ntriples, ox.RdfFormat.N_TRIPLES)]
        except SyntaxError as e:
            raise LoadError(graph, _reason(e), e.lineno, e.offset) from None
        with self._write_lock:
            self._forget_hashes([graph])
            self._store.extend(quads)
            self._committed([graph], appended={graph: ntriples})

    def drop_graph(self, graph: str) -> None:
        with self._write_lock:
            self._forget_hashes([graph])
            self._store.remove_graph(ox.NamedNode(graph))
            self._committed([graph])

    def pool_figures(self) -> dict | None:
        """The query pool's figures (:meth:`QueryPool.figures`), None without query workers."""
        return self._pool.figures() if self._pool is not None else None

    # --- backups (tsc_graph/backup.py) -------------------------------------------------------------
    @contextmanager
    def writes_paused(self) -> Iterator[None]:
        """Hold every write of this process (loads, uploads, updates, drops) meanwhile: what a backup reads then
        is one committed state, and every write acknowledged before it began."""
        with self._write_lock:
            yield

    def backup(self, target: Path) -> None:
        """Oxigraph's own online backup into the new directory ``target`` (a RocksDB checkpoint: hard links on
        the same file system, so milliseconds), openable as a store on its own."""
        if self.path is None:
            raise BadInput("an in-memory store has nothing on disk to back up")
        self._store.flush()
        self._store.backup(str(target))

    def close(self) -> None:
        """Stop the query workers, flush RocksDB; a second call does nothing (a health check may close the store
        it found broken before the owner does)."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self.path is not None and self._store is not None:
            try:
                self._store.flush()
            except OSError:
                pass
        self._store = None  # releases the RocksDB lock once garbage-collected


#: Formats whose Oxigraph parsers recurse (RDF/XML also expands entities): read whole and checked by the guards.
GUARDED_FORMATS = ("jsonld", "rdfxml")


def parse_source(src: Source, **options) -> Iterator[ox.Quad]:
    """The quads of one source: the one parser path of ``load`` (every backend), ``validate`` and ``harvest``, so
    that whatever reads RDF from outside runs the same guards.

    JSON-LD and RDF/XML are read whole and go through :func:`tsc_graph.guards.check_document` first: a document
    nested a few thousand levels deep kills the process (SIGSEGV) and nested RDF/XML entities expand a few hundred
    bytes into gigabytes. Other formats stream from their file. ``options`` go to ``pyoxigraph.parse``
    (``rename_blank_nodes``). A generator: read and syntax errors come while iterating, as a
    :class:`~tsc_graph.errors.LoadError` naming the source, line and column.
    """
    fmt = src.resolved_format()
    try:
        if src.data is None and not src.name.endswith(".gz") and fmt not in GUARDED_FORMATS:
            yield from ox.parse(path=src.name, format=OXIGRAPH_RDF[fmt], **options)
            return
        data = src.data
        if data is None:
            with _open_maybe_gzip(Path(src.name)) as raw:
                data = raw.read()
        if fmt in GUARDED_FORMATS:
            check_document(src.name, data, fmt)
        yield from ox.parse(data, OXIGRAPH_RDF[fmt], **options)
    except SyntaxError as e:
        raise LoadError(src.name, _reason(e), e.lineno, e.offset) from None
    except READ_ERRORS as e:
        raise read_error(src.name, e) from None


def _prefixes(fmt: str) -> dict[str, str] | None:
    from .execute import PREFIXES_FOR_OUTPUT

    return PREFIXES_FOR_OUTPUT if fmt in ("turtle", "trig") else None


def _reason(e: SyntaxError) -> str:
    msg = str(e.msg if hasattr(e, "msg") and e.msg else e)
    return msg.split(": ", 1)[1] if msg.startswith("Parser error") and ": " in msg else msg


def _syntax_error(sparql: str, e: SyntaxError) -> QuerySyntaxError:
    if looks_like_update(sparql):
        from ..errors import UpdateNotAllowed

        return UpdateNotAllowed("SPARQL Update is not accepted here: this operation only runs queries (SELECT, ASK, CONSTRUCT, DESCRIBE)")
    return QuerySyntaxError(f"SPARQL syntax error: {e}")


def _open_maybe_gzip(path: Path):
    if path.suffix == ".gz":
        import gzip

        return gzip.open(path, "rb")
    return open(path, "rb", buffering=0)
