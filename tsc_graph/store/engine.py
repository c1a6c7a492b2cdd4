"""The threaded query engine's loop: one long-lived process, forked from a replica process (store/replica.py),
answering many queries at once on threads.

Why threads in one process rather than one worker process per query (store/worker.py): pyoxigraph releases the
GIL while it evaluates, iterates and serialises, so threads run queries in parallel; and one process that lives
as long as its replica pays the copy-on-write faults of reading the shared copy (Oxigraph writes reference
counts while reading) once, instead of every fresh worker paying them again for every query.

Requests come over one socket as ``(request id, request)`` and answers go back as ``(request id, reply)`` in the
order they finish (the server multiplexes: store/engine_pool.py); a message with id 0 says what the prefault
(which runs beside the first queries) copied and how long it took. pyoxigraph cannot cancel a query: the hard
limits are kept by the server, which kills this whole process (SIGKILL) when a query passes its deadline, and by
a data-segment cap (``RLIMIT_DATA``) of the warm size plus ONE per-query budget shared by all threads, past which
the allocation fails and the process aborts. The server then runs each query that was in flight again alone in a
single-query worker with that budget of its own: the culprit fails there, the innocent ones are answered. So the
server tree never holds more than one query's budget beyond its copies (what the worker pool promised), and a
query within its budget is answered even when others together passed it.
"""
from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
from array import array
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection

from .worker import cap_memory, evaluate, open_replica

#: madvise(2) advice that write-faults a range in one call (Linux ≥ 5.14): breaks copy-on-write sharing.
MADV_POPULATE_WRITE = 23
_PAGE = os.sysconf("SC_PAGE_SIZE")
_PRESENT, _EXCLUSIVE = 1 << 63, 1 << 56  # /proc/self/pagemap bits: page in memory; mapped by this process only


def _shared_runs() -> list[tuple[int, int]]:
    """Address ranges (start, length) of this process's writable private memory that are still shared
    copy-on-write with the parent: in memory but not exclusively mapped (/proc/self/pagemap)."""
    runs: list[tuple[int, int]] = []
    with open("/proc/self/maps", encoding="ascii") as maps, open("/proc/self/pagemap", "rb") as pagemap:
        for line in maps:
            fields = line.split()
            if fields[1] != "rw-p":
                continue
            start, end = (int(x, 16) for x in fields[0].split("-"))
            pagemap.seek(start // _PAGE * 8)
            entries = array("Q")
            entries.frombytes(pagemap.read((end - start) // _PAGE * 8))
            run_start = None
            for i, entry in enumerate(entries):
                shared = entry & _PRESENT and not entry & _EXCLUSIVE
                if shared and run_start is None:
                    run_start = i
                elif not shared and run_start is not None:
                    runs.append((start + run_start * _PAGE, (i - run_start) * _PAGE))
                    run_start = None
            if run_start is not None:
                runs.append((start + run_start * _PAGE, (len(entries) - run_start) * _PAGE))
    return runs


def prefault() -> int:
    """Copy now, in one pass, the pages still shared with the replica process, so that queries no longer take
    copy-on-write faults one page at a time; returns the bytes copied (0 where the kernel cannot)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        runs = _shared_runs()
    except OSError:
        return 0
    copied = 0
    for start, length in runs:
        if libc.madvise(ctypes.c_void_p(start), ctypes.c_size_t(length), MADV_POPULATE_WRITE) == 0:
            copied += length
    return copied


def serve_engine(conn: Connection, store, snapshot: str, memory_budget_mb: int | None, threads: int) -> None:
    """The engine's loop: read requests, run each on a thread, send each answer with its request id.

    ``store`` is the replica process's in-memory copy, or None (the on-disk ``snapshot`` is opened here).
    """
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the replica process's reaper is not the engine's business
    sending = threading.Lock()

    def send(message: tuple) -> None:
        with sending:
            try:
                conn.send(message)
            except OSError:  # the server is gone or killed us: nothing to answer to
                os._exit(0)

    def prefault_and_say(in_memory: bool) -> None:
        # On a thread, while queries already run: at 1M triples the copy takes seconds on a busy machine (406 MB
        # in 3.4 s measured), which queries sent meanwhile would otherwise wait for; they take their own
        # copy-on-write faults until it is done. ctypes releases the GIL in madvise. Request id 0 is never a
        # query's: the server logs the figures and shows them in /metrics (what a fresh engine costs).
        started = time.monotonic()
        copied = prefault() if in_memory else 0
        send((0, ("prefault", {"bytes": copied, "seconds": time.monotonic() - started})))

    threading.Thread(target=prefault_and_say, args=(store is not None,), daemon=True, name="tsc-graph-prefault").start()
    store = open_replica(store, snapshot)
    cap_memory(memory_budget_mb)  # one query's budget for them all: see the module docstring

    def answer(rid: int, req: dict) -> None:
        send((rid, evaluate(store, req)))

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="tsc-graph-query") as pool:
        while True:
            try:
                rid, req = conn.recv()
            except (EOFError, OSError):
                os._exit(0)
            pool.submit(answer, rid, req)
