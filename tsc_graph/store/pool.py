"""Query worker processes: the only way to give Oxigraph a timeout that really stops the work.

pyoxigraph has no query timeout and cannot cancel a running evaluation. So the server runs queries in
a small pool of worker processes, each reading an immutable *snapshot* of the store (a RocksDB
checkpoint made with ``Store.backup``: hard links, cheap). A query past its deadline gets its worker
killed with SIGKILL and replaced; the other workers, and the writer, never notice. Snapshots are
taken by the writer after each committed write, so a query never sees half of a load.

Two more limits live here (issue #11):

* **Memory.** A query such as ``SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f`` grows a worker by
  ~400 MB/s until its deadline. Each worker caps its own data segment (``RLIMIT_DATA``, which counts every
  private allocation) at what it holds once its replica is open plus a per-query budget
  (``memory_budget_mb``, ``TSC_QUERY_MEMORY_MB``). Past it, the allocation fails: Oxigraph (Rust) aborts the
  process (SIGABRT), Python raises MemoryError; either way the pool answers :class:`QueryMemoryExceeded` and
  starts a fresh worker. Measured: the kernel limit stops the query above within its budget with no polling,
  where an RSS watchdog overshoots by its polling interval times 400 MB/s. Linux only (``/proc``); elsewhere
  no cap is set.
* **Lanes.** Workers are split between the public SPARQL endpoint (``public``: ``size`` workers, at most
  ``public_waiting`` requests queued behind them, the rest refused at once) and the site (``site``: pages, the
  submission form, the portal: ``site_size`` reserved workers, which may also borrow an idle public one).
  Hostile public queries can fill the public lane; the site keeps answering.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import resource
import shutil
import signal
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from ..errors import (
    BadInput,
    Overloaded,
    QueryMemoryExceeded,
    QuerySyntaxError,
    QueryTimeout,
    QueryTooComplex,
    ResultTooLarge,
    TscGraphError,
)

log = logging.getLogger(__name__)

#: The lanes of the pool: the public SPARQL endpoint, and everything the site itself runs.
PUBLIC, SITE = "public", "site"


def _data_kb() -> int | None:
    """This process's data segment (VmData: heap + private mappings, what RLIMIT_DATA counts), in kB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cap_memory(budget_mb: int | None) -> None:
    """Cap this worker's data at what it holds now + ``budget_mb`` (None or 0: lift the cap).

    Only the soft limit moves (the hard one stays), so the worker can lift it again before it opens the next
    snapshot, whose replica may be larger.
    """
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    now = _data_kb() if budget_mb else None
    if now is None:
        resource.setrlimit(resource.RLIMIT_DATA, (hard, hard))
        return
    soft = (now + budget_mb * 1024) * 1024
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def _open_replica(snapshot: str, replica: str, memory_max_quads: int):
    """The store a worker queries: the on-disk snapshot itself, or an in-memory copy of it.

    Oxigraph answers 3-5x faster from memory than from RocksDB (1M triples: actors-per-type 325 ms on disk,
    63 ms in memory; benchmarks/RESULTS.md), for ~0.7 kB of memory per quad and a copy of ~6 s per million
    quads after each write. ``auto`` copies stores up to ``memory_max_quads`` quads.
    """
    import pyoxigraph as ox

    on_disk = ox.Store.read_only(snapshot)
    if replica == "disk" or (replica == "auto" and len(on_disk) > memory_max_quads):
        return on_disk
    in_memory = ox.Store()
    in_memory.bulk_extend(on_disk.quads_for_pattern(None, None, None, None))
    return in_memory


def _worker_main(conn: Connection, replica: str = "auto", memory_max_quads: int = 500_000,
                 memory_budget_mb: int | None = None) -> None:
    """Worker loop: open the snapshot it is told to read, run the query, send back bytes.

    A request of ``None`` only opens the snapshot (the pool warms workers right after a write). Once a
    snapshot is open, the worker's memory is capped at its size now + ``memory_budget_mb``.
    """

    from .execute import run_query, serialize_result

    if memory_budget_mb:  # a query over its budget aborts the worker: one line in the log, not a backtrace
        os.environ["RUST_BACKTRACE"] = "0"
    store = None
    current = None
    while True:
        try:
            snapshot, req = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if snapshot != current:
                store = None
                _cap_memory(None)  # the new replica may be larger than the old one
                store = _open_replica(snapshot, replica, memory_max_quads)
                current = snapshot
                _cap_memory(memory_budget_mb)
            if req is None:
                conn.send(("ok", None))
                continue
            result = run_query(store, req["sparql"], req["default_graph_uris"], req["named_graph_uris"])
            kind, fmt, body = serialize_result(result, req["results_format"], req["graph_format"], req["max_bytes"])
            reply = ("ok", (kind, fmt, body))
        except SyntaxError as e:
            reply = ("syntax", str(e))
        except ResultTooLarge as e:
            reply = ("too_large", str(e))
        except MemoryError:
            reply = ("memory", None)
        except ValueError as e:
            reply = ("bad_input", str(e))
        except Exception as e:  # an engine error is reported, the worker keeps serving
            reply = ("error", f"{type(e).__name__}: {e}")
        if reply[0] == "memory":  # what the query built may still be referenced: start afresh
            try:
                conn.send(reply)
            finally:
                return
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    lane: str = PUBLIC
    snapshot: str | None = None

    def kill(self) -> None:
        try:
            self.process.kill()
        except (OSError, AttributeError):
            pass
        self.process.join(timeout=5)
        self.conn.close()


class SnapshotSet:
    """The snapshots of one store: the current one, plus older ones until no worker reads them."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.current: str | None = None
        self._lock = threading.Lock()
        self._counter = 0
        self._older = 0  # snapshots on disk besides the current one: collect() has nothing to do at 0
        shutil.rmtree(directory, ignore_errors=True)  # left over from a previous run: nobody reads them
        directory.mkdir(parents=True, exist_ok=True)

    def take(self, store) -> str:
        """Checkpoint the writable pyoxigraph ``store`` and make it the snapshot new queries read."""
        with self._lock:
            self._counter += 1
            target = self.directory / f"{os.getpid()}-{self._counter}-{time.monotonic_ns()}"
            store.flush()
            store.backup(str(target))
            if self.current is not None:
                self._older += 1
            self.current = str(target)
            return self.current

    def collect(self, in_use: set[str]) -> None:
        """Delete snapshots no worker has open and that are not current (no disk I/O when there are none)."""
        with self._lock:
            if not self._older:
                return
            keep = set(in_use) | {self.current}
            for child in self.directory.iterdir():
                if str(child) not in keep:
                    shutil.rmtree(child, ignore_errors=True)
            self._older = len(keep - {self.current})


class QueryPool:
    """Worker processes in two lanes; ``run`` borrows one, with a deadline (see the module docstring)."""

    def __init__(self, snapshots: SnapshotSet, size: int = 2, queue_timeout: float = 5.0,
                 replica: str = "auto", memory_max_quads: int = 500_000, *, site_size: int = 0,
                 public_waiting: int | None = None, memory_budget_mb: int | None = None):
        if size < 1:
            raise ValueError("query pool needs at least one worker")
        if site_size < 0:
            raise ValueError("the site lane cannot have a negative number of workers")
        if replica not in ("auto", "memory", "disk"):
            raise ValueError(f"query replica must be auto, memory or disk, not {replica!r}")
        self.snapshots = snapshots
        self.queue_timeout = queue_timeout
        self.replica = replica
        self.memory_max_quads = memory_max_quads
        self.memory_budget_mb = memory_budget_mb or None
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: dict[str, queue.LifoQueue[_Worker]] = {PUBLIC: queue.LifoQueue(), SITE: queue.LifoQueue()}
        self._sizes = {PUBLIC: size, SITE: site_size}
        # public requests inside the pool (running or waiting): beyond this, refused without waiting, so that
        # queued public requests cannot hold every request thread of the web server
        limit = size + (2 * size if public_waiting is None else public_waiting)
        self._public_admission = threading.BoundedSemaphore(limit)
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        for lane, n in self._sizes.items():
            for _ in range(n):
                self._idle[lane].put(self._spawn(lane))

    def _spawn(self, lane: str = PUBLIC) -> _Worker:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_worker_main,
                                 args=(child, self.replica, self.memory_max_quads, self.memory_budget_mb),
                                 daemon=True, name=f"tsc-graph-query-{lane}")
        proc.start()
        child.close()
        worker = _Worker(proc, parent, lane)
        with self._lock:
            self._all.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> _Worker:
        worker.kill()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        return self._spawn(worker.lane)

    def _borrow(self, lane: str) -> _Worker:
        """An idle worker for ``lane``: the site takes its own, else an idle public one, else waits for its own."""
        if lane == SITE and self._sizes[SITE]:
            for source in (SITE, PUBLIC):
                try:
                    return self._idle[source].get_nowait()
                except queue.Empty:
                    pass
            return self._idle[SITE].get(timeout=self.queue_timeout)
        return self._idle[PUBLIC].get(timeout=self.queue_timeout)

    def run(self, request: dict, timeout: float | None, lane: str = PUBLIC):
        if self._closed:
            raise TscGraphError("the store is closed")
        if lane not in self._idle:
            raise ValueError(f"unknown query lane {lane!r}")
        snapshot = self.snapshots.current
        if snapshot is None:
            raise TscGraphError("no snapshot of the store to query yet")
        admitted = lane == SITE and self._sizes[SITE] > 0  # the site lane has no admission limit of its own
        if not admitted and not self._public_admission.acquire(blocking=False):
            raise Overloaded(f"all {self._sizes[PUBLIC]} query workers are busy and requests are already waiting "
                             "for them; retry in a few seconds")
        try:
            return self._run(request, timeout, lane, snapshot)
        finally:
            if not admitted:
                self._public_admission.release()

    def _run(self, request: dict, timeout: float | None, lane: str, snapshot: str):
        try:
            worker = self._borrow(lane)
        except queue.Empty:
            raise Overloaded(
                f"all {self._sizes[PUBLIC if lane == PUBLIC or not self._sizes[SITE] else SITE]} query workers "
                f"are busy; retry in a few seconds"
            ) from None
        try:
            worker.conn.send((snapshot, request))
            worker.snapshot = snapshot
            if not worker.conn.poll(timeout):
                worker = self._retire(worker)
                raise QueryTimeout(f"query stopped after its time limit of {timeout:g} s")
            status, payload = worker.conn.recv()
            if status == "memory":  # the worker left its loop (what the query built may still be alive)
                worker = self._retire(worker)
        except (EOFError, OSError, BrokenPipeError):
            worker.process.join(timeout=2)
            died_of = worker.process.exitcode
            worker = self._retire(worker)
            if died_of == -signal.SIGABRT and self.memory_budget_mb:  # a failed allocation under the memory cap
                raise self._memory_error() from None
            # the pool recovers (fresh worker); the query itself is what crashed the engine (stack overflow on
            # deep nesting): a client error, not a server fault (docs/reliability.md)
            raise QueryTooComplex("the query is too complex: the query engine failed while evaluating it "
                                  "(too deeply nested, or too large); simplify it") from None
        finally:
            self._idle[worker.lane].put(worker)
            self.snapshots.collect({w.snapshot for w in list(self._all) if w.snapshot})
        if status == "ok":
            return payload
        if status == "memory":
            raise self._memory_error()
        if status == "syntax":
            raise QuerySyntaxError(payload)
        if status == "too_large":
            raise ResultTooLarge(payload)
        if status == "bad_input":
            raise BadInput(payload)
        raise TscGraphError(payload)

    def _memory_error(self) -> QueryMemoryExceeded:
        log.warning("a query went past its memory budget of %s MB; its worker was replaced", self.memory_budget_mb)
        return QueryMemoryExceeded(
            f"the query needed more than the {self.memory_budget_mb} MB of memory this server gives one query, "
            "and was stopped; add a LIMIT or more selective patterns (a pattern such as ?a ?b ?c . ?d ?e ?f "
            "multiplies every triple by every other)")

    def warm(self, timeout: float = 600.0) -> None:
        """Have every idle worker open the current snapshot now, in parallel, rather than at its next query.

        Called after each write: a query needs the new snapshot anyway, so copying it into memory while no
        query waits (or while queued queries wait together) beats each worker copying at its next query.
        """
        snapshot = self.snapshots.current
        borrowed: list[_Worker] = []
        for idle in self._idle.values():
            while True:
                try:
                    borrowed.append(idle.get_nowait())
                except queue.Empty:
                    break
        for w in borrowed:
            try:
                w.conn.send((snapshot, None))
                w.snapshot = snapshot
            except OSError:
                pass
        for i, w in enumerate(borrowed):
            try:
                if not (w.conn.poll(timeout) and w.conn.recv()[0] == "ok"):
                    borrowed[i] = self._retire(w)
            except (EOFError, OSError):
                borrowed[i] = self._retire(w)
        for w in borrowed:
            self._idle[w.lane].put(w)
        self.snapshots.collect({w.snapshot for w in list(self._all) if w.snapshot})

    @property
    def size(self) -> int:
        return len(self._all)

    def lane_size(self, lane: str) -> int:
        return self._sizes[lane]

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers, self._all = list(self._all), []
        for w in workers:
            w.kill()
