"""Query worker processes: the only way to give Oxigraph a timeout that really stops the work.

pyoxigraph has no query timeout and cannot cancel a running evaluation. So the server runs queries in
a small pool of worker processes, each reading an immutable *snapshot* of the store (a RocksDB
checkpoint made with ``Store.backup``: hard links, cheap). A query past its deadline gets its worker
killed with SIGKILL and replaced; the other workers, and the writer, never notice. Snapshots are
taken by the writer after each committed write, so a query never sees half of a load.

**One replica, shared (issue #17).** Oxigraph answers 3-7x faster from memory than from RocksDB, but a copy
of the store in every worker cost 1.5 GB and 12.6 s of start-up at a million triples. Workers are therefore
forked from a *replica process* (a zygote) that holds the one in-memory copy: a fork shares its pages
copy-on-write and takes ~20 ms, so a killed worker's replacement is ready at once, with the data. The replica
process never opens RocksDB itself (its background threads must not be forked): a short-lived child of it
reads the snapshot and streams N-Quads through a pipe. After a write only the graphs the write replaced are
streamed again. Big stores start answering from the on-disk snapshot at once while the copy is built in a
second replica process; the workers then move over. ``disk`` replicas hold nothing: each forked worker opens
the snapshot itself.

Two more limits live here (issue #11):

* **Memory.** A query such as ``SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f`` grows a worker by
  ~400 MB/s until its deadline. Each worker caps its own data segment (``RLIMIT_DATA``, which counts every
  private allocation, the inherited copy-on-write replica included) at what it holds once forked plus a
  per-query budget (``memory_budget_mb``, ``TSC_QUERY_MEMORY_MB``). Past it, the allocation fails: Oxigraph
  (Rust) aborts the process (SIGABRT), Python raises MemoryError; either way the pool answers
  :class:`QueryMemoryExceeded` and forks a fresh worker. Linux only (``/proc``); elsewhere no cap is set.
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
import select
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

log = logging.getLogger(__name__)

#: The lanes of the pool: the public SPARQL endpoint, and everything the site itself runs.
PUBLIC, SITE = "public", "site"
#: Stores up to this size get their in-memory replica before the pool answers (well under a second); bigger
#: ones answer from the on-disk snapshot while the copy is built in the background.
SYNC_COPY_QUADS = 200_000
#: A worker whose own (no longer shared) memory passed this share of the replica after a heavy query is
#: replaced by a fresh fork: reading the copy makes its pages private (reference counts), so without this
#: every worker would end up with a full copy of its own.
PRIVATE_SHARE = 0.5
#: Queries shorter than this (seconds) never trigger the check above (reading /proc costs ~1 ms).
HEAVY_QUERY_SECONDS = 0.05


# ------------------------------------------------------------------------------------------------------------
# memory of a process (/proc, Linux)
# ------------------------------------------------------------------------------------------------------------
def _status_kb(field_name: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field_name):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _data_kb() -> int | None:
    """This process's data segment (VmData: heap + private mappings, what RLIMIT_DATA counts), in kB."""
    return _status_kb("VmData:")


def _private_kb() -> int | None:
    """Memory only this process holds (private dirty pages: what copy-on-write has already copied), in kB."""
    try:
        with open("/proc/self/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Private_Dirty:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cap_memory(budget_mb: int | None) -> None:
    """Cap this worker's data at what it holds now + ``budget_mb`` (None or 0: lift the cap)."""
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    now = _data_kb() if budget_mb else None
    if now is None:
        resource.setrlimit(resource.RLIMIT_DATA, (hard, hard))
        return
    soft = (now + budget_mb * 1024) * 1024
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


# ------------------------------------------------------------------------------------------------------------
# inside the replica process (zygote) and the workers forked from it
# ------------------------------------------------------------------------------------------------------------
def _stream_snapshot(snapshot: str, graphs: list[str] | None, out_fd: int, status_fd: int) -> None:
    """In a throw-away child of the replica process: write the snapshot's quads (all, or those of ``graphs``) as
    N-Quads to ``out_fd``, then their number to ``status_fd``. RocksDB's threads die with this process."""
    import pyoxigraph as ox

    disk = ox.Store.read_only(snapshot)
    with open(out_fd, "wb", buffering=1 << 20) as out:
        if graphs is None:
            disk.dump(out, ox.RdfFormat.N_QUADS)
            count = len(disk)
        else:
            count = 0
            for g in graphs:
                quads = list(disk.quads_for_pattern(None, None, None, ox.NamedNode(g)))
                count += len(quads)
                ox.serialize(quads, out, ox.RdfFormat.N_QUADS)
    os.write(status_fd, str(count).encode("ascii"))


def _copy_in(store, snapshot: str, graphs: list[str] | None) -> None:
    """Add the snapshot's quads (all, or those of ``graphs``, removed from ``store`` beforehand) to the in-memory
    ``store``, checking their number.

    Blank node labels are kept (``ox.parse`` + ``bulk_extend``; ``bulk_load`` would rename them). The quads are
    counted as they pass, not with ``len(store)``, which walks the whole replica (5 ms per 80,000 quads): a copy of
    one small graph after each write must not cost what the store holds.
    """
    import pyoxigraph as ox

    data_r, data_w = os.pipe()
    status_r, status_w = os.pipe()
    copied = 0

    def counted(quads):
        nonlocal copied
        for quad in quads:
            copied += 1
            yield quad

    pid = os.fork()
    if pid == 0:  # the reader
        code = 1
        try:
            os.close(data_r)
            os.close(status_r)
            _stream_snapshot(snapshot, graphs, data_w, status_w)
            code = 0
        finally:
            os._exit(code)
    os.close(data_w)
    os.close(status_w)
    try:
        with open(data_r, "rb", buffering=1 << 20) as data:
            store.bulk_extend(counted(ox.parse(data, ox.RdfFormat.N_QUADS, lenient=True)))
        with open(status_r, "rb") as status:
            reported = status.read()
    finally:
        _reap(pid)
    if not reported or copied != int(reported):
        raise TscGraphError(f"copying {snapshot} into memory read {copied} quads, "
                            f"the snapshot has {reported.decode() or 'an unknown number of'}")


def _load_cached(store, cache: Path, quads: int | None) -> bool:
    """Fill the empty in-memory ``store`` from a replica file saved earlier; False (store emptied) if it is
    missing or does not hold ``quads`` quads."""
    import pyoxigraph as ox

    if quads is None or not cache.is_file():
        return False
    try:
        store.bulk_extend(ox.parse(path=str(cache), format=ox.RdfFormat.N_QUADS, lenient=True))
    except (OSError, SyntaxError, ValueError) as e:
        log.warning("ignoring the saved replica %s: %s", cache, e)
    if len(store) == quads:
        return True
    store.clear()
    return False


def _save_copy(store, directory: Path, name: str) -> None:
    """In a throw-away child: write the in-memory ``store`` to ``directory/name`` (N-Quads), replacing the others,
    so that the next start of the server loads it (~2.5 s at 1M quads) instead of reading RocksDB (5-15 s)."""
    import pyoxigraph as ox

    pid = os.fork()
    if pid:
        return
    code = 1
    try:
        os.nice(10)
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / f".{name}.{os.getpid()}.tmp"
        store.dump(str(tmp), ox.RdfFormat.N_QUADS)
        os.replace(tmp, directory / name)
        for other in directory.iterdir():
            if other.name != name and not other.name.startswith("."):
                other.unlink(missing_ok=True)
        code = 0
    finally:
        os._exit(code)


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _zygote_main(conn: Connection, mode: str, memory_budget_mb: int | None) -> None:
    """The replica process: holds one replica of a snapshot and forks query workers from it.

    Commands (tuples) from the pool, each answered ``("ok", payload)`` or ``("error", message)``:
    ``("build", snapshot, graphs, cache, appended)`` makes the replica stand for ``snapshot`` (a full copy, or, with
    ``graphs``, only those graphs copied again — except those in ``appended``, a graph → N-Triples added to it by
    the write, which the replica adds likewise; ``cache``: where copies are saved for the next start, see
    :func:`_save_copy`); ``("fork",)`` followed by a socket sent with ``send_handle`` forks a worker
    serving queries on that socket and answers its pid.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the server, which closes the pool
    if memory_budget_mb:  # a query over its budget aborts the worker: one line in the log, not a backtrace
        os.environ["RUST_BACKTRACE"] = "0"
    import pyoxigraph as ox

    exits: dict[int, int] = {}  # pid → wait status of workers that ended (asked for by the pool, then forgotten)

    def reap(signum=None, frame=None) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            exits[pid] = status
            if len(exits) > 1024:
                exits.pop(next(iter(exits)))

    signal.signal(signal.SIGCHLD, reap)
    store = None
    snapshot = None
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        try:
            if message[0] == "build":
                _, new_snapshot, graphs, cache, appended = message
                if mode == "memory":
                    if store is None or graphs is None:
                        store = None
                        fresh = ox.Store()
                        saved = cache and _load_cached(fresh, Path(cache["dir"]) / f"{cache['version']}.nq",
                                                       cache.get("quads"))
                        if not saved:
                            _copy_in(fresh, new_snapshot, None)
                        store = fresh
                    else:
                        saved = False
                        copied = [g for g in graphs if g not in appended]
                        for g, ntriples in appended.items():  # the same transaction as the primary's
                            target = ox.NamedNode(g)
                            store.extend(ox.Quad(t.subject, t.predicate, t.object, target)
                                         for t in ox.parse(ntriples, ox.RdfFormat.N_TRIPLES))
                        for g in copied:
                            store.remove_graph(ox.NamedNode(g))
                        if copied:
                            _copy_in(store, new_snapshot, copied)
                    if cache and not saved and len(store) > SYNC_COPY_QUADS:
                        _save_copy(store, Path(cache["dir"]), f"{cache['version']}.nq")
                snapshot = new_snapshot
                reply = ("ok", {"quads": len(store) if store is not None else None})
            elif message[0] == "fork":
                fd = reduction.recv_handle(conn)
                pid = os.fork()
                if pid == 0:
                    code = 0
                    try:
                        conn.close()
                        _serve(Connection(fd), store, snapshot, memory_budget_mb)
                    except BaseException:  # noqa: BLE001 - a worker never returns into the zygote's loop
                        code = 1
                    finally:
                        os._exit(code)
                os.close(fd)
                reply = ("ok", pid)
            elif message[0] == "status":
                pid = message[1]
                if pid not in exits:
                    try:
                        exits[pid] = os.waitpid(pid, 0)[1]  # the pool killed it first: it is gone or going
                    except ChildProcessError:
                        pass
                status = exits.pop(pid, None)
                reply = ("ok", None if status is None else
                         -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))
            elif message[0] == "exit":
                os._exit(0)
            else:
                reply = ("error", f"unknown command {message[0]!r}")
        except Exception as e:  # noqa: BLE001 - reported to the pool, which starts afresh
            if message[0] == "build":
                store = None
            reply = ("error", f"{type(e).__name__}: {e}")
        try:
            conn.send(reply)
        except OSError:
            os._exit(0)


def _serve(conn: Connection, store, snapshot: str, memory_budget_mb: int | None) -> None:
    """A worker's loop: run each query on the replica it was forked with, send back bytes.

    ``store`` is the replica process's in-memory copy (shared copy-on-write), or None: the worker then opens the
    on-disk snapshot itself (no RocksDB thread is ever forked).
    """
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the replica process's reaper is not the worker's business
    from .execute import run_query, serialize_result

    if store is None:
        import pyoxigraph as ox

        store = ox.Store.read_only(snapshot)
        shared_kb = 0
    else:
        shared_kb = _data_kb() or 0
    _cap_memory(memory_budget_mb)
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        started = time.monotonic()
        try:
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
        worn = False
        if shared_kb and time.monotonic() - started > HEAVY_QUERY_SECONDS:
            private = _private_kb()
            worn = private is not None and private > PRIVATE_SHARE * shared_kb
        try:
            conn.send(reply + (worn,))
        except (BrokenPipeError, OSError):
            return
        if worn:
            return


# ------------------------------------------------------------------------------------------------------------
# in the server process
# ------------------------------------------------------------------------------------------------------------
@dataclass(eq=False)
class _Worker:
    pid: int
    conn: Connection
    lane: str
    snapshot: str
    zygote: "_Zygote"
    pidfd: int | None = None

    def kill(self) -> None:
        """SIGKILL, and wait (at most 5 s) until the process is gone."""
        try:
            if self.pidfd is not None:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
                poller = select.poll()
                poller.register(self.pidfd, select.POLLIN)
                poller.poll(5000)
            else:
                os.kill(self.pid, signal.SIGKILL)
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline:
                    os.kill(self.pid, 0)
                    time.sleep(0.005)
        except (ProcessLookupError, OSError):
            pass
        self.close()

    def close(self) -> None:
        self.conn.close()
        if self.pidfd is not None:
            try:
                os.close(self.pidfd)
            except OSError:
                pass
            self.pidfd = None


def _pidfd(pid: int) -> int | None:
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):  # not Linux ≥ 5.3: plain kill by pid
        return None


class _Zygote:
    """The server's handle on one replica process (see the module docstring)."""

    def __init__(self, ctx, mode: str, memory_budget_mb: int | None):
        self.mode = mode
        self._ctx = ctx
        self._conn, child = ctx.Pipe(duplex=True)  # a socket pair: it carries the workers' sockets too
        self.process = ctx.Process(target=_zygote_main, args=(child, mode, memory_budget_mb), daemon=True,
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
        mine, theirs = self._ctx.Pipe(duplex=True)
        with self.lock:
            try:
                pid = self._call(("fork",), 60.0, handle=theirs.fileno())
            finally:
                theirs.close()
            snapshot = self.snapshot
            self.workers += 1
        return _Worker(pid, mine, lane, snapshot, self, _pidfd(pid))

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

    def warm(self, timeout: float = 600.0) -> None:
        """Kept for callers of the pool before issue #17: a full :meth:`refresh`."""
        self.refresh(None, timeout)

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
            self._all.discard(worker)
            worker.zygote.workers -= 1
        if worker.zygote is not self._zygote:
            self._close_retired()
        return ended

    def _retire(self, worker: _Worker) -> _Worker:
        self._discard(worker)
        return self._fork(worker.lane)

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
            if died_of == -signal.SIGABRT and self.memory_budget_mb:  # a failed allocation under the memory cap
                raise self._memory_error() from None
            # the pool recovers (fresh worker); the query itself is what crashed the engine (stack overflow on
            # deep nesting): a client error, not a server fault (docs/reliability.md)
            raise QueryTooComplex("the query is too complex: the query engine failed while evaluating it "
                                  "(too deeply nested, or too large); simplify it") from None
        finally:
            self._idle[worker.lane].put(worker)
            self.snapshots.collect(self._snapshots_in_use())
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

    def lane_size(self, lane: str) -> int:
        return self._sizes[lane]

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
