"""The threaded query pool, in the server process: one long-lived engine process, queries multiplexed over one
socket, and a watchdog that keeps the limits hard.

The single-query worker pool (store/pool.py, :class:`QueryPool`) pays for its hard limits with one process per
concurrent query and copy-on-write faults on every query of a fresh worker. Here one engine process
(store/engine.py), forked from the same replica process, runs the queries of both lanes on threads. The lanes,
their sizes and the admission of public requests are the worker pool's: a lane's *slots* stand where its workers
stood, so a lane still runs at most its size of queries at once.

**Hard limits.** pyoxigraph cannot cancel a query, so a query past its deadline gets the whole engine killed
(SIGKILL): the waiting request thread does it, forks a fresh engine from the replica (~20 ms) and answers 503;
the other queries that were in flight on the killed engine are *innocent* and are sent again to the fresh one
with the time they have left. An engine that dies by itself (its memory cap, ``RLIMIT_DATA`` = warm size + one
per-query budget shared by its threads, made an allocation fail; or a query overflowed the stack) leaves no
culprit named:
each query that was in flight then runs again alone in a single-query worker with its own per-query cap (the
worker pool's design), where the culprit fails as it would have there and the innocent ones are answered. Both
kinds of re-run are counted (``innocent_reruns`` in :meth:`figures`, ``/metrics``).
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass

from ..errors import Overloaded, QueryTimeout, TscGraphError
from .pool import PUBLIC, SITE, QueryPool, _Worker, _Zygote

log = logging.getLogger(__name__)

#: Replies the engine handle gives its callers itself: the engine was killed because of another query (send it
#: again), or died with no culprit known (run it again alone).
RERUN = ("rerun", None)
CRASHED = ("crashed", None)
#: Engines a query may see killed under it before it runs alone in a single-query worker: a bound on retries.
MAX_ENGINE_ATTEMPTS = 3


@dataclass(eq=False)
class _Slot:
    """A place for one running query in a lane (what a worker was in the worker pool)."""

    lane: str


class _Call:
    """One request in flight on an engine, and its reply once there is one."""

    __slots__ = ("request", "done", "reply")

    def __init__(self, request: dict):
        self.request = request
        self.done = threading.Event()
        self.reply: tuple | None = None

    def finish(self, reply: tuple) -> None:
        self.reply = reply
        self.done.set()


class _Engine:
    """The server's handle on one engine process: sends requests with ids, a reader thread hands back replies."""

    def __init__(self, process: _Worker):
        self.process = process
        self.pending: dict[int, _Call] = {}
        self.dead = False
        self.prefault: dict | None = None  # what the engine's prefault copied and took, once it says
        self._next_id = 0
        self._lock = threading.Lock()  # guards pending, dead and sending
        self._ending = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True, name=f"tsc-graph-engine-{process.pid}")
        self._reader.start()

    @property
    def zygote(self) -> _Zygote:
        return self.process.zygote

    @property
    def snapshot(self) -> str:
        return self.process.snapshot

    def submit(self, call: _Call) -> bool:
        """Send ``call``'s request; False if this engine is gone (the caller takes another)."""
        with self._lock:
            if self.dead:
                return False
            self._next_id += 1
            rid = self._next_id
            self.pending[rid] = call
            try:
                self.process.conn.send((rid, call.request))
            except OSError:
                del self.pending[rid]
                return False
        return True

    def _read(self) -> None:
        conn = self.process.conn
        while True:
            try:
                rid, reply = conn.recv()
            except (EOFError, OSError):
                break
            if rid == 0:  # the engine's first message, not a query's answer
                self.prefault = reply[1]
                log.info("query engine (pid %s) ready: prefaulted %.0f MB in %.0f ms", self.process.pid,
                         reply[1]["bytes"] / 1e6, reply[1]["seconds"] * 1000)
                continue
            with self._lock:
                call = self.pending.pop(rid, None)
            if call is not None:
                call.finish(reply)
        with self._lock:  # the engine died by itself, unless kill() came first (then nothing is pending)
            self.dead = True
            calls, self.pending = list(self.pending.values()), {}
        for call in calls:
            call.finish(CRASHED)
        conn.close()  # here, not in kill(): a descriptor closed under a blocked recv could be reused meanwhile

    def kill(self, culprit: _Call | None = None) -> None:
        """SIGKILL the engine; the calls in flight other than ``culprit`` are told to run again."""
        with self._lock:
            self.dead = True
            others = [c for c in self.pending.values() if c is not culprit]
            self.pending = {}
        for call in others:
            call.finish(RERUN)
        self.end()

    def close_if_idle(self) -> bool:
        """Kill the engine if no query runs on it (a retired engine, after a write), atomically with submit."""
        with self._lock:
            if self.pending:
                return False
            self.dead = True
        self.end()
        return True

    def end(self) -> None:
        """SIGKILL (harmless if the process is gone), wait until it is gone, release its descriptors; idempotent."""
        with self._ending:
            self.process.end()
        if threading.current_thread() is not self._reader:
            self._reader.join(timeout=5)


class ThreadedPool(QueryPool):
    """Lanes of slots on one threaded engine process; see the module docstring."""

    def __init__(self, *args, **kwargs):
        self._engine: _Engine | None = None
        self._engines: set[_Engine] = set()  # the current one and retired ones still answering
        self.innocent_reruns = 0
        super().__init__(*args, **kwargs)

    # --- the engine ------------------------------------------------------------------------------------
    @property
    def _threads(self) -> int:
        return sum(self._sizes.values())

    def _fill(self) -> None:
        """The lanes' slots (once), and an engine serving them."""
        if not self._all:
            for lane, n in self._sizes.items():
                for _ in range(n):
                    slot = _Slot(lane)
                    self._all.add(slot)
                    self._idle[lane].put(slot)
        if not self._closed:
            self._current()

    def _current(self) -> _Engine:
        """The engine new queries go to, started (from a live replica process) if there is none."""
        with self._switch:
            engine = self._engine
            if engine is not None and not engine.dead:
                return engine
            if engine is not None:
                self._drop(engine)
            if not self._zygote.alive:  # crashed (or was killed): a new one, with a full copy
                log.warning("the query replica process died; starting a new one")
                self._install(_Zygote(self._ctx, self._zygote.mode, self.memory_budget_mb),
                              self._zygote.snapshot or self.snapshots.current)
                if self._engine is not None and not self._engine.dead:
                    return self._engine
            try:
                engine = _Engine(self._zygote.start_engine(self._threads))
            except (OSError, EOFError) as e:
                raise TscGraphError(f"could not start the query engine: {e}") from e
            with self._lock:
                self._engines.add(engine)
            self._engine = engine
            return engine

    def _drop(self, engine: _Engine) -> None:
        """Forget a dead or killed engine (its replica process retires once nothing forked from it is left)."""
        with self._lock:
            if engine not in self._engines:
                return
            self._engines.discard(engine)
            engine.zygote.workers -= 1
        engine.end()
        if self._engine is engine:
            self._engine = None
        if engine.zygote is not self._zygote:
            self._close_retired()

    def _replace_idle(self) -> None:
        """After a write or a switch of replica: new queries go to an engine forked from the current replica; the
        old engine answers the queries it has and is then killed."""
        engine = self._engine
        if engine is not None and self._stale(engine):
            self._engine = None
            if engine.close_if_idle():
                self._drop(engine)
            if not self._closed:
                try:
                    self._current()
                except TscGraphError as e:
                    log.warning("%s; the next query tries again", e)

    def _release(self, engine: _Engine) -> None:
        """After a call: a retired engine with nothing left to answer is killed."""
        if engine is not self._engine and not engine.dead and engine.close_if_idle():
            self._drop(engine)
        elif engine.dead:
            self._drop(engine)

    def _snapshots_in_use(self) -> set[str]:
        with self._lock:
            used = {e.snapshot for e in self._engines}
        return used | {self._zygote.snapshot}

    # --- queries ---------------------------------------------------------------------------------------
    def _run(self, request: dict, timeout: float | None, lane: str):
        try:
            slot = self._borrow(lane)
        except queue.Empty:
            raise Overloaded(
                f"all {self._sizes[PUBLIC if lane == PUBLIC or not self._sizes[SITE] else SITE]} query slots "
                f"are busy; retry in a few seconds"
            ) from None
        try:
            deadline = None if timeout is None else time.monotonic() + timeout
            return self._outcome(*self._answer(request, timeout, deadline, lane))
        finally:
            self._idle[slot.lane].put(slot)
            self.snapshots.collect(self._snapshots_in_use())

    def _left(self, deadline: float | None) -> float | None:
        return None if deadline is None else max(0.0, deadline - time.monotonic())

    def _answer(self, request: dict, timeout: float | None, deadline: float | None, lane: str) -> tuple:
        """``(status, payload)`` from the engine, or from a single-query worker when the engine died under it."""
        for _ in range(MAX_ENGINE_ATTEMPTS):
            engine = self._current()
            call = _Call(request)
            if not engine.submit(call):
                self._release(engine)
                continue
            if not call.done.wait(self._left(deadline)):
                self._kill(engine, call)
                raise QueryTimeout(f"query stopped after its time limit of {timeout:g} s")
            self._release(engine)
            reply = call.reply
            if reply is RERUN:  # killed for another query's sake: this one goes to the fresh engine
                with self._lock:
                    self.innocent_reruns += 1
                continue
            if reply is CRASHED:
                break
            if reply[0] == "memory":  # a MemoryError in the engine: what it holds may still be referenced
                self._kill(engine, call)
            return reply
        status, payload = self._alone(request, timeout, deadline, lane)
        if status != "memory":  # it did not crash its worker: the engine died of another query
            with self._lock:
                self.innocent_reruns += 1
        return status, payload

    def _kill(self, engine: _Engine, culprit: _Call) -> None:
        """Kill ``engine`` for ``culprit``'s sake and start its successor, which the others run on again."""
        log.warning("a query passed its limit: the query engine (pid %s) is killed and forked again",
                    engine.process.pid)
        engine.kill(culprit)
        with self._switch:
            self._drop(engine)
            if not self._closed:
                try:
                    self._current()
                except TscGraphError as e:  # the next query tries again
                    log.warning("%s; the next query tries again", e)

    def _alone(self, request: dict, timeout: float | None, deadline: float | None, lane: str) -> tuple:
        """Run ``request`` in a single-query worker of its own (store/worker.py), which it crashes if it is the
        culprit: then it gets the error the worker pool gives (507 for its memory cap, else too complex)."""
        with self._switch:
            if not self._zygote.alive:
                self._current()  # starts a new replica process
            try:
                worker = self._zygote.fork(lane)
            except (OSError, EOFError) as e:
                raise TscGraphError(f"could not start a query worker: {e}") from e
        try:
            worker.conn.send(request)
            if not worker.conn.poll(self._left(deadline)):
                raise QueryTimeout(f"query stopped after its time limit of {timeout:g} s")
            status, payload, *_ = worker.conn.recv()
            return status, payload
        except (EOFError, OSError):
            worker.kill()  # before asking how it ended: it is gone then
            raise self._crash_error(worker.zygote.exit_status(worker.pid)) from None
        finally:
            worker.kill()
            with self._lock:
                worker.zygote.workers -= 1
            if worker.zygote is not self._zygote:
                self._close_retired()

    # --- figures and end -------------------------------------------------------------------------------
    def figures(self) -> dict:
        """The worker pool's figures, a lane's slots standing for its workers, plus the engine's own."""
        out = super().figures()
        with self._lock:
            out["innocent_reruns"] = self.innocent_reruns
            out["engines"] = len(self._engines)
        engine = self._engine
        if engine is not None and engine.prefault is not None:
            out["prefault_bytes"], out["prefault_seconds"] = engine.prefault["bytes"], engine.prefault["seconds"]
        out["engine"] = "threads"
        return out

    def close(self) -> None:
        self._closed = True
        if self._builder is not None:
            self._builder.join(timeout=1)
        with self._lock:
            engines, self._engines = list(self._engines), set()
        for engine in engines:
            engine.kill()
        self._engine = None
        with self._lock:
            zygotes, self._retiring = [self._zygote, *self._retiring], []
        for z in zygotes:
            z.close()
