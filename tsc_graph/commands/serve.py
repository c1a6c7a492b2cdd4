"""``tsc-graph serve``: the SPARQL endpoint and linked-data server on waitress (production WSGI server).

Why waitress and not gunicorn: the embedded store is RocksDB, which one process at a time may open, so
the server is one process with threads (waitress); concurrency for queries comes from the store's query
worker processes (``TSC_QUERY_WORKERS``), which read snapshots. See docs/server.md.
"""
from __future__ import annotations

import signal
import sys

from ..config import Settings


def register(sub) -> None:
    p = sub.add_parser("serve", help="serve the SPARQL endpoint, dereferenceable URIs and dumps (waitress)")
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default %(default)s; 0.0.0.0 for all)")
    p.add_argument("--port", type=int, default=8080, help="TCP port (default %(default)s)")
    p.add_argument("--threads", type=int, default=8, help="request threads (default %(default)s)")
    p.set_defaults(func=run)


def run(args) -> int:
    import waitress

    from server import create_app

    from server.addressing import server_url

    settings = Settings.from_env(store=args.store, base_uri=args.base_uri)
    settings.public_url = settings.public_url or server_url(args.host, args.port)
    app = create_app(settings)

    def _stop(signum, frame):  # SIGTERM: leave through SystemExit so atexit closes the store and workers
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _stop)
    url = server_url(args.host, args.port)
    print(f"tsc-graph serving {settings.store} at {url} (SPARQL: {url}sparql); Ctrl-C to stop", file=sys.stderr, flush=True)
    try:
        waitress.serve(app, host=args.host, port=args.port, threads=args.threads, ident="tsc-graph",
                       max_request_body_size=max(settings.max_request_bytes * 2, 1024 * 1024),
                       clear_untrusted_proxy_headers=False)  # the app decides whom to believe (server/addressing.py)
    except KeyboardInterrupt:
        pass
    return 0  # the store (and its query workers) is closed by create_app's atexit hook
