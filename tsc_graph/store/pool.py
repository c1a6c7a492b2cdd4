"""The query pool, in the server process: lanes, admission, and lending a worker with a deadline.

pyoxigraph has no query timeout and cannot cancel a running evaluation. So the server runs queries in
a small pool of worker processes, each reading an immutable *snapshot* of the store (a RocksDB
checkpoint made with ``Store.backup``: hard links, cheap). A query past its deadline gets its worker
killed with SIGKILL and replaced; the other workers, and the writer, never notice. Snapshots are
taken by the writer after each committed write, so a query never sees half of a load.

Three kinds of process, one module each:

* the server process (this module): :class:`QueryPool` lends workers and kills those past their deadline;
  :class:`SnapshotSet` keeps the snapshots the workers read;
* the replica process (store/replica.py), started with multiprocessing spawn: holds one in-memory copy
  and forks the workers from it (copy-on-write). Big stores start answering from the on-disk snapshot at
  once while the copy is built in a second replica process; the workers then move over;
* the workers (store/worker.py): run one query at a time under a memory cap.

**Lanes.** Workers are split between the public SPARQL endpoint (``public``: ``size`` workers, at most
``public_waiting`` requests queued behind them, the rest refused at once) and the site (``site``: pages, the
submission form, the portal: ``site_size`` reserved workers, which may also borrow an idle public one).
Hostile public queries can fill the public lane; the site keeps answering.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import shutil
import signal
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from multiprocessing import reduction
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
from .processes import kill_and_wait, open_pidfd
from .replica import SYNC_COPY_QUADS, replica_main

log = logging.getLogger(__name__)

#: The lanes of the pool: the public SPARQL endpoint, and everything the site itself runs.
PUBLIC, SITE = "public", "site"


@dataclass(eq=False)
class _Worker:
    pid: int
    conn: Connection
    lane: str
    snapshot: str
    zygote: "_Zygote"
    pidfd: int | None = None
    ended: bool = False

    def end(self) -> None:
        """SIGKILL, wait (at most 5 s) until the process is gone, and release its pidfd; only the first call signals.

        The pools end a process more than once (a killed engine is dropped after; a crashed worker is killed
        before its exit status is asked and again on the way out), and by then its pid may name another process:
        once the pidfd is closed, another signal could only go by pid.
        """
        if not self.ended:
            self.ended = True
            kill_and_wait(self.pid, self.pidfd)
        self._close_pidfd()

    def kill(self) -> None:
        """:meth:`end`, and close the connection (an engine's reader thread closes its own instead)."""
        self.end()
        self.conn.close()

    def _close_pidfd(self) -> None:
        if self.pidfd is not None:
            try:
                os.close(self.pidfd)
            except OSError:
                pass
            self.pidfd = None


class _Zygote:
    """The server's handle on one replica process (see the module docstring)."""

    def __init__(self, ctx, mode: str, memory_budget_mb: int | None):
        self.mode = mode
        self._ctx = ctx
        self._conn, child = ctx.Pipe(duplex=True)  # a socket pair: it carries the workers' sockets too
        self.process = ctx.Process(target=replica_main, args=(child, mode, memory_budget_mb), daemon=True,
                                   name=f"tsc-graph-replica-{mode}")
        self.process.start()
        child.close()
        self.lock = threading.Lock()
        self.snapshot: str | None = None
        self.quads: int | None = None
        self.workers = 0  # live workers forked from it: it stays until they are gone (no orphan)

    def _call(self, message: tuple, timeout: float, handle: int | None = None):
        self._conn.send(message)
        if handle is not None:
            reduction.send_handle(self._conn, handle, self.process.pid)
        if not self._conn.poll(timeout):
            raise TscGraphError(f"the replica process did not answer {message[0]!r} within {timeout:g} s")
        status, payload = self._conn.recv()
        if status != "ok":
            raise TscGraphError(f"the replica process failed to {message[0]}: {payload}")
        return payload

    def build(self, snapshot: str, graphs: Iterable[str] | None = None, timeout: float = 3600.0,
              cache: dict | None = None, appended: dict[str, bytes] | None = None) -> None:
        with self.lock:
            started = time.monotonic()
            info = self._call(("build", snapshot, None if graphs is None else sorted(graphs), cache, appended or {}),
                              timeout)
            self.snapshot, self.quads = snapshot, info["quads"]
        log.info("replica (%s) of %s ready in %.2f s (%s quads)", self.mode, snapshot, time.monotonic() - started,
                 self.quads)

    def fork(self, lane: str) -> _Worker:
        """A single-query worker (store/worker.py) for ``lane``."""
        return self._fork_process(lane, 0)

    def start_engine(self, threads: int) -> _Worker:
        """A threaded engine (store/engine.py) running up to ``threads`` queries at once."""
        return self._fork_process(PUBLIC, threads)

    def _fork_process(self, lane: str, threads: int) -> _Worker:
        mine, theirs = self._ctx.Pipe(duplex=True)
        with self.lock:
            try:
                pid = self._call(("fork", threads), 60.0, handle=theirs.fileno())
            finally:
                theirs.close()
            snapshot = self.snapshot
            self.workers += 1
        return _Worker(pid, mine, lane, snapshot, self, open_pidfd(pid))

    def exit_status(self, pid: int) -> int | None:
        """How a worker ended (negative: the signal that killed it), once it is gone; None if unknown."""
        try:
            with self.lock:
                return self._call(("status", pid), 10.0)
        except (TscGraphError, OSError, EOFError):
            return None

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def close(self) -> None:
        try:
            with self.lock:
                self._conn.send(("exit",))
        except OSError:
            pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        self._conn.close()


#: The file of a snapshot directory naming the current snapshot.
CURRENT_SNAPSHOT = "CURRENT"


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
            pointer = self.directory / (CURRENT_SNAPSHOT + ".tmp")
            pointer.write_text(target.name)
            os.replace(pointer, self.directory / CURRENT_SNAPSHOT)  # what read-side commands open (store/served.py)
            return self.current

    def collect(self, in_use: set[str]) -> None:
        """Delete snapshots no worker has open and that are not current (no disk I/O when there are none)."""
        with self._lock:
            if not self._older:
                return
            keep = set(in_use) | {self.current}
            for child in self.directory.iterdir():
                if child.is_dir() and str(child) not in keep:
                    shutil.rmtree(child, ignore_errors=True)
            self._older = len(keep - {self.current})


class QueryPool:
    """Worker processes in two lanes; ``run`` borrows one, with a deadline (see the module docstring)."""

    def __init__(self, snapshots: SnapshotSet, size: int = 2, queue_timeout: float = 5.0,
                 replica: str = "auto", memory_max_quads: int = 2_000_000, *, site_size: int = 0,
                 public_waiting: int | None = None, memory_budget_mb: int | None = None,
                 quads: int | None = None, cache_dir: Path | None = None, version: str | None = None):
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
        self.cache_dir = cache_dir
        self.version = version  # the store's version token: names the saved replica (see _save_copy)
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: dict[str, queue.LifoQueue[_Worker]] = {PUBLIC: queue.LifoQueue(), SITE: queue.LifoQueue()}
        self._sizes = {PUBLIC: size, SITE: site_size}
        # public requests inside the pool (running or waiting): beyond this, refused without waiting, so that
        # queued public requests cannot hold every request thread of the web server
        limit = size + (2 * size if public_waiting is None else public_waiting)
        self._public_limit = limit
        self._public_admission = threading.BoundedSemaphore(limit)
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()  # guards _all and _retiring
        self._switch = threading.RLock()  # held while the pool moves to another replica process
        self._retiring: list[_Zygote] = []  # older replica processes, until their last worker is gone
        self._closed = False
        self._short = False  # a replacement worker failed to start: the next query starts it (_top_up)
        self._topping_up = threading.Lock()
        self._builder: threading.Thread | None = None
        #: seconds from the pool's start until each kind of replica served (benchmarks, logs)
        self.ready_after: dict[str, float] = {}
        started = time.monotonic()
        snapshot = snapshots.current
        if snapshot is None:
            raise TscGraphError("no snapshot of the store to query yet")
        wanted = self._mode_for(quads)
        first = "disk" if wanted == "memory" and (quads or 0) > SYNC_COPY_QUADS else wanted
        if wanted == "disk":
            log.info("queries stay on the on-disk snapshot (%s quads; TSC_QUERY_REPLICA=%s, in-memory copies up to "
                     "%s quads)", quads, replica, memory_max_quads)
        elif first != wanted:
            log.info("%s quads: queries are answered from the on-disk snapshot while the in-memory copy is made", quads)
        self._zygote = _Zygote(self._ctx, first, self.memory_budget_mb)
        self._zygote.build(snapshot, cache=self._cache(quads))
        self._fill()
        self.ready_after[first] = time.monotonic() - started
        if first != wanted:  # a big store: answer from disk now, from memory as soon as the copy is made
            self._builder = threading.Thread(target=self._move_to, args=(wanted, started, quads), daemon=True,
                                             name="tsc-graph-replica-builder")
            self._builder.start()

    # --- replica processes -----------------------------------------------------------------------------
    def _cache(self, quads: int | None = None) -> dict | None:
        """Where the replica process saves its copy (and, with ``quads``, may load it from)."""
        if self.cache_dir is None or self.version is None:
            return None
        return {"dir": str(self.cache_dir), "version": self.version, "quads": quads}

    def _mode_for(self, quads: int | None) -> str:
        if self.replica != "auto":
            return self.replica
        return "memory" if quads is not None and quads <= self.memory_max_quads else "disk"

    def _fill(self) -> None:
        """Fork workers until every lane has its size (after start, or after a failed replacement)."""
        for lane, n in self._sizes.items():
            while not self._closed and self._count(lane) < n:
                self._idle[lane].put(self._fork(lane))

    def _count(self, lane: str) -> int:
        with self._lock:
            return sum(1 for w in self._all if w.lane == lane)

    def _fork(self, lane: str) -> _Worker:
        with self._switch:
            if not self._zygote.alive:  # crashed (or was killed): a new one, with a full copy
                log.warning("the query replica process died; starting a new one")
                self._install(_Zygote(self._ctx, self._zygote.mode, self.memory_budget_mb),
                              self._zygote.snapshot or self.snapshots.current)
            worker = self._zygote.fork(lane)
        with self._lock:
            self._all.add(worker)
        return worker

    def _install(self, zygote: _Zygote, snapshot: str | None = None) -> None:
        """Make ``zygote`` (built from ``snapshot`` if given) the one new workers come from; the old one retires
        once its workers are gone. Caller holds ``_switch``."""
        if snapshot is not None:
            zygote.build(snapshot, cache=self._cache())
        old, self._zygote = self._zygote, zygote
        with self._lock:
            self._retiring.append(old)
        self._replace_idle()
        self._close_retired()

    def _move_to(self, mode: str, started: float, quads: int | None) -> None:
        """Build a ``mode`` replica of the current snapshot in a new replica process, then serve from it."""
        while not self._closed:
            snapshot = self._zygote.snapshot
            zygote = _Zygote(self._ctx, mode, self.memory_budget_mb)
            try:
                zygote.build(snapshot, cache=self._cache(quads))
            except TscGraphError as e:
                zygote.close()
                log.warning("could not build the %s replica (%s); queries stay on the %s one", mode, e,
                            self._zygote.mode)
                return
            with self._switch:
                if self._closed or snapshot != self._zygote.snapshot:  # a write came first: copy again
                    zygote.close()
                    continue
                self._install(zygote)
                self.ready_after.setdefault(mode, time.monotonic() - started)
                return

    def _stale(self, worker: _Worker) -> bool:
        return worker.zygote is not self._zygote or worker.snapshot != self._zygote.snapshot

    def _replace_idle(self) -> None:
        """Idle workers forked from an older replica are replaced now; busy ones are when they come back."""
        for idle in self._idle.values():
            held = []
            while True:
                try:
                    held.append(idle.get_nowait())
                except queue.Empty:
                    break
            for w in held:
                idle.put(self._retire(w) if self._stale(w) else w)

    def _close_retired(self) -> None:
        with self._lock:
            done = [z for z in self._retiring if z.workers <= 0]
            self._retiring = [z for z in self._retiring if z.workers > 0]
        for z in done:
            z.close()

    def refresh(self, changed_graphs: Iterable[str] | None = None, timeout: float = 3600.0,
                version: str | None = None, appended: dict[str, bytes] | None = None) -> None:
        """After a committed write (the store's new ``version``): the replica follows the current snapshot (only
        ``changed_graphs`` are copied again when given; None: everything; those in ``appended`` get the N-Triples
        the write added to them instead), and no query started afterwards reads older data."""
        if self._builder is not None:
            self._builder.join()  # the first copy, if still being made, is made before it is updated
        self.version = version
        snapshot = self.snapshots.current
        with self._switch:
            zygote = self._zygote
            try:
                if zygote.mode == "memory" and changed_graphs is None:
                    raise TscGraphError("a full copy is needed")
                zygote.build(snapshot, changed_graphs if zygote.mode == "memory" else None, timeout, self._cache(),
                             appended if zygote.mode == "memory" else None)
            except TscGraphError:
                self._install(_Zygote(self._ctx, zygote.mode, self.memory_budget_mb), snapshot)
            if self._zygote.mode == "memory" and self._mode_for(self._zygote.quads) == "disk":
                self._install(_Zygote(self._ctx, "disk", self.memory_budget_mb), snapshot)  # grew past the rule
            self._replace_idle()
        self.snapshots.collect(self._snapshots_in_use())

    def _snapshots_in_use(self) -> set[str]:
        with self._lock:
            used = {w.snapshot for w in self._all}
        return used | {self._zygote.snapshot}

    # --- queries ---------------------------------------------------------------------------------------
    def _discard(self, worker: _Worker, status: bool = False) -> int | None:
        """Kill a worker and forget it (its replica process retires once its last worker is gone); with
        ``status``, how it had ended (see :meth:`_Zygote.exit_status`)."""
        worker.kill()
        ended = worker.zygote.exit_status(worker.pid) if status else None
        with self._lock:
            if worker in self._all:  # once only: a worker discarded twice must not be counted off twice
                self._all.discard(worker)
                worker.zygote.workers -= 1
        if worker.zygote is not self._zygote:
            self._close_retired()
        return ended

    def _retire(self, worker: _Worker) -> _Worker:
        self._discard(worker)
        try:
            return self._fork(worker.lane)
        except (OSError, EOFError) as e:  # not taken for a crash of the query by _run's handler
            raise TscGraphError(f"could not start a query worker: {e}") from e

    def _top_up(self) -> None:
        """Start the workers that failed to start in place of killed ones (else the lane stays short for good)."""
        if not self._topping_up.acquire(blocking=False):
            return
        try:
            self._short = False
            self._fill()
        except (TscGraphError, OSError, EOFError) as e:
            self._short = True
            log.warning("could not start a query worker (%s); the next query tries again", e)
        finally:
            self._topping_up.release()

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
        admitted = lane == SITE and self._sizes[SITE] > 0  # the site lane has no admission limit of its own
        if not admitted and not self._public_admission.acquire(blocking=False):
            raise Overloaded(f"all {self._sizes[PUBLIC]} query workers are busy and requests are already waiting "
                             "for them; retry in a few seconds")
        try:
            return self._run(request, timeout, lane)
        finally:
            if not admitted:
                self._public_admission.release()

    def _run(self, request: dict, timeout: float | None, lane: str):
        if self._short:
            self._top_up()
        try:
            worker = self._borrow(lane)
        except queue.Empty:
            raise Overloaded(
                f"all {self._sizes[PUBLIC if lane == PUBLIC or not self._sizes[SITE] else SITE]} query workers "
                f"are busy; retry in a few seconds"
            ) from None
        try:
            if self._stale(worker):  # forked before the last write or switch
                worker = self._retire(worker)
            worker.conn.send(request)
            if not worker.conn.poll(timeout):
                worker = self._retire(worker)
                raise QueryTimeout(f"query stopped after its time limit of {timeout:g} s")
            status, payload, *rest = worker.conn.recv()
            if status == "memory" or (rest and rest[0]):  # the worker left its loop (memory error, or worn)
                worker = self._retire(worker)
        except (EOFError, OSError):
            died_of = self._discard(worker, status=True)
            worker = self._fork(worker.lane)
            raise self._crash_error(died_of) from None
        finally:
            with self._lock:
                live = worker in self._all
            if live:
                self._idle[worker.lane].put(worker)
            else:  # killed, and its replacement failed to start: never lend a dead worker again
                self._short = True
            self.snapshots.collect(self._snapshots_in_use())
        return self._outcome(status, payload)

    def _crash_error(self, died_of: int | None) -> TscGraphError:
        """What a query that killed its worker (exit status ``died_of``) gets."""
        if died_of == -signal.SIGABRT and self.memory_budget_mb:  # a failed allocation under the memory cap
            return self._memory_error()
        # the pool recovers (fresh worker); the query itself is what crashed the engine (stack overflow on
        # deep nesting): a client error, not a server fault (docs/reliability.md)
        return QueryTooComplex("the query is too complex: the query engine failed while evaluating it "
                               "(too deeply nested, or too large); simplify it")

    def _outcome(self, status: str, payload):
        """A worker's reply: the answer, or the error it stands for."""
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

    @property
    def size(self) -> int:
        return len(self._all)

    @property
    def mode(self) -> str:
        """What the workers read now: ``memory`` or ``disk``."""
        return self._zygote.mode

    def figures(self) -> dict:
        """What the pool measures now, for ``/metrics``: live and idle workers per lane, the public requests inside
        the pool (running or waiting) against their limit, and what the workers read."""
        with self._lock:
            workers = {lane: sum(1 for w in self._all if w.lane == lane) for lane in self._sizes}
        return {
            "workers": workers,
            "idle": {lane: idle.qsize() for lane, idle in self._idle.items()},
            "configured": dict(self._sizes),
            # the admission semaphore's free places: CPython's BoundedSemaphore keeps them in _value
            "public_admitted": self._public_limit - self._public_admission._value,
            "public_limit": self._public_limit,
            "replica": self.mode,
        }

    def close(self) -> None:
        self._closed = True
        if self._builder is not None:
            self._builder.join(timeout=1)
        with self._lock:
            workers, self._all = list(self._all), set()
            zygotes, self._retiring = [self._zygote, *self._retiring], []
        for w in workers:
            w.kill()
        for z in zygotes:
            z.close()
