"""``tsc-graph serve``: the SPARQL endpoint and linked-data server on waitress (production WSGI server).

Why waitress and not gunicorn: the embedded store is RocksDB, which one process at a time may open, so
the server is one process with threads (waitress); concurrency for queries comes from the store's query
worker processes (``TSC_QUERY_WORKERS``), which read snapshots. See docs/server.md.

Connections (~100 idle sockets locked everyone out, waitress' default ``connection_limit``): waitress
serves sockets from one event loop, so an idle connection costs a file descriptor and a little memory, not a
thread. We accept ``TSC_MAX_CONNECTIONS`` (1,000) at once, close connections idle for ``TSC_IDLE_TIMEOUT``
(30 s), use ``poll()`` rather than ``select()`` (which stops at 1,024 descriptors), and raise the process'
open-file limit to fit. Requests run on ``TSC_THREADS`` (48) threads; public SPARQL requests can hold at most
``TSC_QUERY_WORKERS + TSC_QUERY_QUEUE`` of them (store/pool.py), so the others stay free for the site.
"""
from __future__ import annotations

import logging
import signal
import sys

from ..config import Settings

#: File descriptors the server needs besides client connections (store files, worker pipes, logs).
SPARE_DESCRIPTORS = 256


def register(sub) -> None:
    p = sub.add_parser("serve", help="serve the SPARQL endpoint, dereferenceable URIs and dumps (waitress)")
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default %(default)s; 0.0.0.0 for all)")
    p.add_argument("--port", type=int, default=8080, help="TCP port (default %(default)s)")
    p.add_argument("--threads", type=int, help="request threads (default: TSC_THREADS, 48)")
    p.set_defaults(func=run)


def connection_limit(wanted: int) -> int:
    """Raise the open-file limit to fit ``wanted`` connections; the number of connections that fit."""
    try:
        import resource
    except ImportError:  # not a POSIX system: nothing to raise
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = wanted + SPARE_DESCRIPTORS
    if soft != resource.RLIM_INFINITY and soft < need:
        soft = need if hard == resource.RLIM_INFINITY else min(need, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    if soft != resource.RLIM_INFINITY and soft < need:
        fitted = max(soft - SPARE_DESCRIPTORS, 16)
        logging.getLogger(__name__).warning(
            "TSC_MAX_CONNECTIONS=%d does not fit the open-file limit (%d); accepting %d connections", wanted, soft, fitted)
        return fitted
    return wanted


def tame_allocator() -> None:
    """Keep the server's memory flat under many threads and large request bodies (glibc only).

    glibc gives each busy thread an arena of its own (up to 8 per core) and, after a large block is freed,
    raises the size from which blocks are mapped on their own; freed megabyte-sized request bodies then stay in
    the arenas. Measured in the 10-minute load test: the main process grew from 230 MB to ~440 MB and stayed
    there. Two arenas and a fixed 1 MB mapping threshold return such blocks to the system when they are freed.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc: nothing to tune
        return
    m_arena_max, m_mmap_threshold = -8, -3  # malloc.h
    mallopt(m_arena_max, 2)
    mallopt(m_mmap_threshold, 1024 * 1024)


def log_to_stderr() -> None:
    """The server's own events (query replicas built, workers replaced, warnings) on stderr, with the time."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("tsc_graph")  # the web layer (tsc_graph.web) logs under it too
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    logger.propagate = False  # waitress configures the root logger too: one line per event


def run(args) -> int:
    import waitress

    tame_allocator()
    log_to_stderr()

    from tsc_graph.web import create_app
    from tsc_graph.web.addressing import server_url

    settings = Settings.from_env(store=args.store, base_uri=args.base_uri, profile=args.profile)
    settings.public_url = settings.public_url or server_url(args.host, args.port)
    app = create_app(settings)

    def _stop(signum, frame):  # SIGTERM: leave through SystemExit so atexit closes the store and workers
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _stop)
    url = server_url(args.host, args.port)
    print(f"tsc-graph serving {settings.store} at {url} (SPARQL: {url}sparql); Ctrl-C to stop", file=sys.stderr, flush=True)
    try:
        waitress.serve(app, host=args.host, port=args.port, threads=args.threads or settings.threads, ident="tsc-graph",
                       max_request_body_size=max(settings.max_request_bytes * 2, 1024 * 1024),
                       connection_limit=connection_limit(settings.max_connections),
                       channel_timeout=max(int(settings.idle_timeout), 1), cleanup_interval=5, asyncore_use_poll=True,
                       clear_untrusted_proxy_headers=False)  # the app decides whom to believe (tsc_graph/web/addressing.py)
    except KeyboardInterrupt:
        pass
    return 0  # the store (and its query workers) is closed by create_app's atexit hook
