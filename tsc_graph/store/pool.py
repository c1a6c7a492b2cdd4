"""Query worker processes: the only way to give Oxigraph a timeout that really stops the work.

pyoxigraph has no query timeout and cannot cancel a running evaluation. So the server runs queries in
a small pool of worker processes, each reading an immutable *snapshot* of the store (a RocksDB
checkpoint made with ``Store.backup``: hard links, cheap). A query past its deadline gets its worker
killed with SIGKILL and replaced; the other workers, and the writer, never notice. Snapshots are
taken by the writer after each committed write, so a query never sees half of a load.
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import shutil
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from ..errors import (
    BadInput,
    Overloaded,
    QuerySyntaxError,
    QueryTimeout,
    QueryTooComplex,
    ResultTooLarge,
    TscGraphError,
)


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


def _worker_main(conn: Connection, replica: str = "auto", memory_max_quads: int = 500_000) -> None:
    """Worker loop: open the snapshot it is told to read, run the query, send back bytes.

    A request of ``None`` only opens the snapshot (the pool warms workers right after a write).
    """

    from .execute import run_query, serialize_result

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
                store = _open_replica(snapshot, replica, memory_max_quads)
                current = snapshot
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
        except ValueError as e:
            reply = ("bad_input", str(e))
        except Exception as e:  # an engine error is reported, the worker keeps serving
            reply = ("error", f"{type(e).__name__}: {e}")
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
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
    """A fixed number of worker processes; ``run`` borrows one, with a deadline."""

    def __init__(self, snapshots: SnapshotSet, size: int = 2, queue_timeout: float = 5.0,
                 replica: str = "auto", memory_max_quads: int = 500_000):
        if size < 1:
            raise ValueError("query pool needs at least one worker")
        if replica not in ("auto", "memory", "disk"):
            raise ValueError(f"query replica must be auto, memory or disk, not {replica!r}")
        self.snapshots = snapshots
        self.queue_timeout = queue_timeout
        self.replica = replica
        self.memory_max_quads = memory_max_quads
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(size):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_worker_main, args=(child, self.replica, self.memory_max_quads),
                                 daemon=True, name="tsc-graph-query")
        proc.start()
        child.close()
        worker = _Worker(proc, parent)
        with self._lock:
            self._all.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> _Worker:
        worker.kill()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        return self._spawn()

    def run(self, request: dict, timeout: float | None):
        if self._closed:
            raise TscGraphError("the store is closed")
        snapshot = self.snapshots.current
        if snapshot is None:
            raise TscGraphError("no snapshot of the store to query yet")
        try:
            worker = self._idle.get(timeout=self.queue_timeout)
        except queue.Empty:
            raise Overloaded(
                f"all {len(self._all)} query workers are busy; retry in a few seconds"
            ) from None
        try:
            worker.conn.send((snapshot, request))
            worker.snapshot = snapshot
            if not worker.conn.poll(timeout):
                worker = self._retire(worker)
                raise QueryTimeout(f"query stopped after its time limit of {timeout:g} s")
            status, payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            worker = self._retire(worker)
            # the pool recovers (fresh worker); the query itself is what crashed the engine (stack overflow on
            # deep nesting, memory exhaustion): a client error, not a server fault (docs/reliability.md)
            raise QueryTooComplex("the query is too complex: the query engine failed while evaluating it "
                                  "(too deeply nested, or too large); simplify it") from None
        finally:
            self._idle.put(worker)
            self.snapshots.collect({w.snapshot for w in list(self._all) if w.snapshot})
        if status == "ok":
            return payload
        if status == "syntax":
            raise QuerySyntaxError(payload)
        if status == "too_large":
            raise ResultTooLarge(payload)
        if status == "bad_input":
            raise BadInput(payload)
        raise TscGraphError(payload)

    def warm(self, timeout: float = 600.0) -> None:
        """Have every idle worker open the current snapshot now, in parallel, rather than at its next query.

        Called after each write: a query needs the new snapshot anyway, so copying it into memory while no
        query waits (or while queued queries wait together) beats each worker copying at its next query.
        """
        snapshot = self.snapshots.current
        borrowed: list[_Worker] = []
        while True:
            try:
                borrowed.append(self._idle.get_nowait())
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
            self._idle.put(w)
        self.snapshots.collect({w.snapshot for w in list(self._all) if w.snapshot})

    @property
    def size(self) -> int:
        return len(self._all)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers, self._all = list(self._all), []
        for w in workers:
            w.kill()
