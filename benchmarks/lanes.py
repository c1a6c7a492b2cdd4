"""Do pages still answer while expensive public queries fill the public workers? (issue #11 item 7)

    python benchmarks/lanes.py [--pages 30] [--runaway 2,8]

Starts two real servers on copies of the French store, one with a worker reserved for the site (the default,
``TSC_SITE_QUERY_WORKERS=1``) and one where pages share the public workers (``TSC_SITE_QUERY_WORKERS=0``, as before
issue #11). On each: page latency alone, then while N clients send runaway public queries back to back (each
stopped at a 6 s deadline). Prints medians and the worst page, the ratio to the same server's pages alone, and how many page
requests failed (anything but 200).
"""
from __future__ import annotations

import argparse
import http.client
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
from tsc_graph.serverproc import ServerProcess

ROOT = Path(__file__).resolve().parent.parent

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
PAGES = ["/", "/actors", "/id/actor/ofb.html", "/projects/submit", "/.well-known/void", "/id/actor/ofb.ttl"]
ENV = {"TSC_QUERY_TIMEOUT": "6", "TSC_QUERY_WORKERS": "2", "TSC_QUEUE_TIMEOUT": "5"}


def pages(server: ServerProcess, n: int) -> tuple[list[float], int]:
    """(latencies, failures) of ``n`` page requests, one at a time, each on a new connection."""
    latencies, failures = [], 0
    for i in range(n):
        conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
        t0 = time.perf_counter()
        conn.request("GET", PAGES[i % len(PAGES)], headers={"Accept": "text/html, text/turtle;q=0.9"})
        resp = conn.getresponse()
        resp.read()
        latencies.append(time.perf_counter() - t0)
        failures += resp.status != 200
        conn.close()
    return latencies, failures


def under_runaways(server: ServerProcess, runaways: int, n: int) -> tuple[list[float], int, list[int]]:
    """Pages while ``runaways`` clients each send runaway public queries back to back, until the pages are done."""
    statuses: list[int] = []
    done = threading.Event()

    def runaway():
        while not done.is_set():
            conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
            conn.request("GET", "/sparql?query=" + urllib.parse.quote(RUNAWAY),
                         headers={"Accept": "application/sparql-results+json"})
            resp = conn.getresponse()
            resp.read()
            statuses.append(resp.status)
            conn.close()

    threads = [threading.Thread(target=runaway) for _ in range(runaways)]
    for t in threads:
        t.start()
    time.sleep(0.5)  # the runaways are in the workers
    latencies, failures = pages(server, n)
    done.set()
    for t in threads:
        t.join()
    return latencies, failures, statuses


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pages", type=int, default=30, help="page requests per measurement")
    p.add_argument("--runaway", default="2,8", help="runaway public queries in flight, comma-separated")
    args = p.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="tsc-lanes-"))
    try:
        store = tmp / "store"
        subprocess.run([sys.executable, "-m", "tsc_graph.cli", "--store", f"oxigraph:{store}", "load", "--no-progress",
                        str(ONTOLOGY_DIR), str(REFERENCE_DIR), str(ROOT / "data" / "fr")],
                       check=True, capture_output=True, cwd=ROOT)
        print("| site workers | runaway public queries | page p50 | worst page | ratio p50 to alone | pages not 200 | runaway statuses |")
        print("|---:|---:|---:|---:|---:|---:|---|")
        for site in (1, 0):
            copy = tmp / f"store-{site}"
            shutil.copytree(store, copy)
            with ServerProcess(copy, env=dict(ENV, TSC_SITE_QUERY_WORKERS=str(site))) as server:
                pages(server, 6)  # first requests warm templates and caches
                alone, failed = pages(server, args.pages)
                base = statistics.median(alone)
                print(f"| {site} | 0 | {base * 1000:.1f} ms | {max(alone) * 1000:.1f} ms | 1.00× | {failed} | |")
                for n in (int(x) for x in args.runaway.split(",")):
                    lat, failed, statuses = under_runaways(server, n, args.pages)
                    med = statistics.median(lat)
                    print(f"| {site} | {n} | {med * 1000:.1f} ms | {max(lat) * 1000:.1f} ms | {med / base:.2f}× | "
                          f"{failed} | {dict(sorted((s, statuses.count(s)) for s in set(statuses)))} |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
