"""The replica process (a zygote): holds one in-memory copy of a snapshot and forks query workers from it.

Runs in a process of its own, started by the pool (store/pool.py) with multiprocessing *spawn*, so that it
inherits none of the server's threads (nor RocksDB's): forking a process with threads is unsafe, forking this
one is not. :func:`replica_main` is what the spawned process imports by name: keep it at module level here.

Why: Oxigraph answers 3-7x faster from memory than from RocksDB, but a copy of the store in every worker cost
1.5 GB and 12.6 s of start-up at a million triples. A fork shares the replica's pages copy-on-write and takes
~20 ms, so a killed worker's replacement is ready at once, with the data. The replica process never opens
RocksDB itself (its background threads must not be forked): a short-lived child of it reads the snapshot and
streams N-Quads through a pipe. After a write only the graphs the write replaced are streamed again. ``disk``
replicas hold nothing: each forked worker opens the snapshot itself (store/worker.py).
"""
from __future__ import annotations

import logging
import os
import signal
from multiprocessing import reduction
from multiprocessing.connection import Connection
from pathlib import Path

from ..errors import TscGraphError
from .engine import serve_engine
from .worker import serve

log = logging.getLogger(__name__)

#: Stores up to this size get their in-memory replica before the pool answers (well under a second); bigger
#: ones answer from the on-disk snapshot while the copy is built in the background.
SYNC_COPY_QUADS = 200_000


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


def replica_main(conn: Connection, mode: str, memory_budget_mb: int | None) -> None:
    """The replica process: holds one replica of a snapshot and forks query workers from it.

    Commands (tuples) from the pool, each answered ``("ok", payload)`` or ``("error", message)``:
    ``("build", snapshot, graphs, cache, appended)`` makes the replica stand for ``snapshot`` (a full copy, or, with
    ``graphs``, only those graphs copied again — except those in ``appended``, a graph → N-Triples added to it by
    the write, which the replica adds likewise; ``cache``: where copies are saved for the next start, see
    :func:`_save_copy`); ``("fork", threads)`` followed by a socket sent with ``send_handle`` forks a process
    serving queries on that socket and answers its pid: a single-query worker (``threads`` 0, store/worker.py) or
    a threaded engine (store/engine.py).
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
                threads = message[1]
                fd = reduction.recv_handle(conn)
                pid = os.fork()
                if pid == 0:
                    code = 0
                    try:
                        conn.close()
                        if threads:
                            serve_engine(Connection(fd), store, snapshot, memory_budget_mb, threads)
                        else:
                            serve(Connection(fd), store, snapshot, memory_budget_mb)
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
