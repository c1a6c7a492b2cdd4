"""The query worker's loop. Runs in a worker process, forked from a replica process (store/replica.py).

Why a process of its own: pyoxigraph has no query timeout and cannot cancel a running evaluation, so a query
past its deadline is stopped by killing its worker (the pool, store/pool.py, does that and forks another).
Because the worker is a fork, it reads the replica's in-memory copy shared copy-on-write (or, for ``disk``
replicas, opens the on-disk snapshot itself: no RocksDB thread is ever forked).

**Memory.** A query such as ``SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f`` grows a worker by
~400 MB/s until its deadline. Each worker caps its own data segment (``RLIMIT_DATA``, which counts every
private allocation, the inherited copy-on-write replica included) at what it holds once forked plus a
per-query budget (``memory_budget_mb``, ``TSC_QUERY_MEMORY_MB``). Past it, the allocation fails: Oxigraph
(Rust) aborts the process (SIGABRT), Python raises MemoryError; either way the pool answers
:class:`QueryMemoryExceeded` and forks a fresh worker. Linux only (``/proc``); elsewhere no cap is set.
"""
from __future__ import annotations

import resource
import signal
import time
from multiprocessing.connection import Connection

from ..errors import ResultTooLarge

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


def cap_memory(budget_mb: int | None) -> None:
    """Cap this process's data at what it holds now + ``budget_mb`` (None or 0: lift the cap)."""
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    now = _data_kb() if budget_mb else None
    if now is None:
        resource.setrlimit(resource.RLIMIT_DATA, (hard, hard))
        return
    soft = (now + budget_mb * 1024) * 1024
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def evaluate(store, req: dict) -> tuple:
    """One request on ``store``: ``("ok", (kind, format, body))`` or ``(status, message)`` for the pool to map to
    an error (``syntax``, ``too_large``, ``memory``, ``bad_input``, ``error``). Shared with the threaded engine
    (store/engine.py)."""
    from .execute import run_query, serialize_result

    try:
        result = run_query(store, req["sparql"], req["default_graph_uris"], req["named_graph_uris"])
        kind, fmt, body = serialize_result(result, req["results_format"], req["graph_format"], req["max_bytes"])
        return "ok", (kind, fmt, body)
    except SyntaxError as e:
        return "syntax", str(e)
    except ResultTooLarge as e:
        return "too_large", str(e)
    except MemoryError:
        return "memory", None
    except ValueError as e:
        return "bad_input", str(e)
    except Exception as e:  # an engine error is reported, the worker keeps serving
        return "error", f"{type(e).__name__}: {e}"


def open_replica(store, snapshot: str):
    """The store a forked process queries: the replica's in-memory copy, or (None) the on-disk snapshot opened
    here (no RocksDB thread is ever forked)."""
    if store is not None:
        return store
    import pyoxigraph as ox

    return ox.Store.read_only(snapshot)


def serve(conn: Connection, store, snapshot: str, memory_budget_mb: int | None) -> None:
    """A worker's loop: run each query on the replica it was forked with, send back bytes.

    ``store`` is the replica process's in-memory copy (shared copy-on-write), or None: the worker then opens the
    on-disk snapshot itself.
    """
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the replica process's reaper is not the worker's business
    shared_kb = (_data_kb() or 0) if store is not None else 0
    store = open_replica(store, snapshot)
    cap_memory(memory_budget_mb)
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        started = time.monotonic()
        reply = evaluate(store, req)
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
