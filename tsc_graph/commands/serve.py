"""``tsc-graph serve``: the SPARQL endpoint and linked-data server behind granian (default) or waitress.

One process: the embedded store is RocksDB, which one process at a time may open, so the server is one
process with threads; concurrency for queries comes from the store's query engine (threads in one engine
process forked from the in-memory replica, ``TSC_QUERY_ENGINE``). See docs/server.md.

Granian (``TSC_HTTP_FRONT=granian``, the default): Rust HTTP, run from this process, one worker, the RSGI interface
(tsc_graph/web/rsgi_adapter.py): the event loop reads each request body with a cap and a deadline, and only a
complete request takes one of ``TSC_THREADS`` Flask threads. It serves 1.16x waitress's lookups
(benchmarks/RESULTS.md), with the same protections (tests/test_http_front.py): idle and header timeouts
(``TSC_IDLE_TIMEOUT``), a connection limit (``TSC_MAX_CONNECTIONS``), 413/408 on large or slow bodies.

Waitress (``TSC_HTTP_FRONT=waitress`` or ``--front waitress``): serves sockets from one event loop and reads a
body before a thread sees it; we accept ``TSC_MAX_CONNECTIONS`` at once, close connections idle for
``TSC_IDLE_TIMEOUT``, use ``poll()`` rather than ``select()`` (which stops at 1,024 descriptors). Either way
the process' open-file limit is raised to fit the connections, and public SPARQL requests hold at most
``TSC_QUERY_WORKERS + TSC_QUERY_QUEUE`` threads (store/pool.py), so the others stay free for the site.
"""
from __future__ import annotations

import logging
import os
import signal
import sys

from ..config import Settings
from ..errors import BadInput
from ..web.server_log import log_to_stderr

#: File descriptors the server needs besides client connections (store files, worker pipes, logs).
SPARE_DESCRIPTORS = 256
#: The HTTP servers ``tsc-graph serve`` can put in front of the app (``TSC_HTTP_FRONT``, ``--front``).
FRONTS = ("granian", "waitress")
#: The longest header read timeout granian takes (its ``--http1-header-read-timeout`` stops at 60 s).
GRANIAN_MAX_HEADER_MS = 60_000


def register(sub) -> None:
    p = sub.add_parser("serve", help="serve the SPARQL endpoint, dereferenceable URIs and dumps (granian or waitress)")
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default %(default)s; 0.0.0.0 for all)")
    p.add_argument("--port", type=int, default=8080, help="TCP port (default %(default)s)")
    p.add_argument("--threads", type=int, help="request threads (default: TSC_THREADS, 48)")
    p.add_argument("--front", help="HTTP server in front of the app: granian or waitress (default: TSC_HTTP_FRONT, "
                                   "granian)")
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


def serve_granian(args, settings: Settings) -> None:
    """Serve the app behind granian, run from this process (granian's Python API), until stopped.

    One worker (the store admits one process), forked from this process, which loads the web layer first so
    the worker starts with Flask, rdflib and pyoxigraph already imported. The RSGI interface
    (tsc_graph/web/rsgi_adapter.py): bodies read in the event loop with a cap and a deadline, Flask on
    ``threads`` pool threads. HTTP/1 only: with HTTP/2 auto-detection granian waits for a connection's first
    bytes without any timeout, while its HTTP/1 header read timeout also closes a connection that sends
    nothing (measured: closed after 2.0 s with a 2 s timeout, still open after 8 s with detection on). That
    timeout is the idle timeout (waitress closes a connection silent for that long). ``max_connections`` is
    granian's backpressure: connections held at once, the others wait in the listen backlog, as with waitress.
    """
    try:
        from granian import Granian
        from granian.constants import HTTPModes, Interfaces
        from granian.http import HTTP1Settings
    except ImportError:
        raise BadInput("the granian HTTP front (TSC_HTTP_FRONT, --front) needs granian: pip install granian") from None
    import tsc_graph.web.rsgi_adapter  # noqa: F401  (imported before the fork: the worker need not)

    os.environ.update(worker_environment(args, settings))
    tame_allocator()  # the forked worker inherits malloc's settings
    Granian("tsc_graph.web.rsgi:app", address=args.host, port=args.port, interface=Interfaces.RSGI, workers=1,
            http=HTTPModes.http1, websockets=False, backpressure=connection_limit(settings.max_connections),
            http1_settings=HTTP1Settings(header_read_timeout=min(max(int(settings.idle_timeout * 1000), 1),
                                                                 GRANIAN_MAX_HEADER_MS))).serve()


def worker_environment(args, settings: Settings) -> dict[str, str]:
    """What ``serve``'s options set, as the ``TSC_*`` variables that granian's worker (tsc_graph.web.rsgi,
    create_app) reads."""
    env = {"TSC_STORE": settings.store, "TSC_PUBLIC_URL": settings.public_url}
    if args.base_uri is not None:
        env["TSC_BASE_URI"] = args.base_uri
    if args.profile:
        env["TSC_PROFILE"] = str(args.profile)
    if args.threads:
        env["TSC_THREADS"] = str(args.threads)
    return env


def run(args) -> int:
    from tsc_graph.web.addressing import server_url

    settings = Settings.from_env(store=args.store, base_uri=args.base_uri, profile=args.profile)
    front = args.front or settings.http_front
    if front not in FRONTS:
        source = "--front" if args.front else "TSC_HTTP_FRONT"
        raise BadInput(f"{source}: {front!r} is not an HTTP front (granian or waitress)")
    settings.public_url = settings.public_url or server_url(args.host, args.port)
    if front == "granian":
        print(f"tsc-graph serving {settings.store} at {server_url(args.host, args.port)} behind granian",
              file=sys.stderr, flush=True)
        serve_granian(args, settings)
        return 0

    import waitress

    tame_allocator()
    log_to_stderr()

    from tsc_graph.web import create_app

    app = create_app(settings)

    def _stop(signum, frame):  # SIGTERM: leave through SystemExit so atexit closes the store and workers
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _stop)
    url = server_url(args.host, args.port)
    print(f"tsc-graph serving {settings.store} at {url} (SPARQL: {url}sparql); Ctrl-C to stop", file=sys.stderr, flush=True)
    try:
        waitress.serve(app, host=args.host, port=args.port, threads=args.threads or settings.threads, ident="tsc-graph",
                       max_request_body_size=settings.front_body_bytes(),
                       connection_limit=connection_limit(settings.max_connections),
                       channel_timeout=max(int(settings.idle_timeout), 1), cleanup_interval=5, asyncore_use_poll=True,
                       clear_untrusted_proxy_headers=False)  # the app decides whom to believe (tsc_graph/web/addressing.py)
    except KeyboardInterrupt:
        pass
    return 0  # the store (and its query workers) is closed by create_app's atexit hook
