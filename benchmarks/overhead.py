"""Where the endpoint's fixed cost per query goes: direct engine → worker pool → HTTP (keep-alive) → HTTP (urllib).

    python benchmarks/overhead.py STORE_DIR [--n 300]

STORE_DIR is a store made by run.py (--keep-stores). Each layer runs the same small query ``--n`` times;
the differences between consecutive layers' medians are the cost of that layer.
"""
from __future__ import annotations

import argparse
import http.client
import sys
import urllib.parse
from pathlib import Path

from backends import timed
from run import TSC, Server, http_once

HERE = Path(__file__).resolve().parent


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("store_dir")
    ap.add_argument("--n", type=int, default=300)
    args = ap.parse_args()
    import pyoxigraph as ox

    store_dir = Path(args.store_dir)
    snap = store_dir / "overhead-snapshot"
    import shutil

    shutil.rmtree(snap, ignore_errors=True)
    primary = ox.Store(str(store_dir / "db"))
    primary.backup(str(snap))
    del primary
    direct = ox.Store.read_only(str(snap))
    actor = next(iter(direct.query(f"SELECT ?a WHERE {{ ?a a <{TSC}Actor> }} LIMIT 1", use_default_graph_as_union=True)))[0].value
    q = f"SELECT ?label WHERE {{ <{actor}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"

    layers = {}
    layers["direct engine (query + JSON)"] = timed(
        lambda: direct.query(q, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON), args.n, warmup=True)

    from tsc_graph.store import open_store

    pool_store = open_store(f"oxigraph:{store_dir}", query_workers=1)
    layers["+ worker pool (pipe IPC, pickling)"] = timed(lambda: pool_store.query_serialized(q, timeout=30), args.n, warmup=True)
    pool_store.close()

    srv = Server(store_dir, workers=1, threads=8, log=store_dir / "overhead-server.log")
    try:
        u = urllib.parse.urlsplit(srv.url)
        conn = http.client.HTTPConnection(u.hostname, u.port)
        body = urllib.parse.urlencode({"query": q})
        hdr = {"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"}

        def keepalive():
            conn.request("POST", u.path, body=body, headers=hdr)
            conn.getresponse().read()

        layers["+ HTTP (waitress + Flask), keep-alive client"] = timed(keepalive, args.n, warmup=True)
        layers["+ new TCP connection per query (urllib)"] = timed(lambda: http_once(srv.url, q), args.n, warmup=True)
    finally:
        srv.stop()
        shutil.rmtree(snap, ignore_errors=True)
    prev = 0.0
    for name, v in layers.items():
        print(f"{name:48s} {v * 1e3:7.3f} ms   (+{(v - prev) * 1e3:.3f} ms)")
        prev = v
    return 0


if __name__ == "__main__":
    sys.exit(main())
