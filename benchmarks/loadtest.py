"""Bounded load test of a tsc-graph server on loopback (issue #7): fixed request count, max duration.

    python benchmarks/loadtest.py                       # starts its own server on a temp copy of a store
    python benchmarks/loadtest.py --url http://127.0.0.1:8080 --requests 2000 --concurrency 8

Mix: 60 % simple SELECT/ASK, 30 % resource documents (/id/... .ttl and .html), 10 % malformed queries
(which must answer 400). Reports errors (5xx other than the documented 503 overload/timeout are errors;
connection errors are errors; goal 0), throughput and p50/p99 latency. Threads + http.client keep-alive.
"""
from __future__ import annotations

import argparse
import http.client
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tsc_graph.serverproc import ServerProcess  # noqa: E402

QUERIES = [
    "ASK { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s a <https://w3id.org/tsc-graph/ontology#Project> } LIMIT 20",
    "SELECT ?a (COUNT(?p) AS ?n) WHERE { ?p <https://w3id.org/tsc-graph/ontology#leadOrganisation> ?a } GROUP BY ?a",
    "SELECT ?t ?l WHERE { ?t a <https://w3id.org/tsc-graph/ontology#GBFTarget> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l } LIMIT 50",
]
RESOURCES = ["/id/actor/mnhn.ttl", "/id/actor/ofb.html", "/id/project/chm-france.ttl", "/vocab/gbf/target-21.ttl"]
MALFORMED = ["SELECT * WHERE {", "INSERT DATA { <a:b> <a:b> <a:b> }", "SELECT ?x WHERE { ?x ?y }}", "\u00ff{{"]


def plan(n: int, seed: int = 7) -> list[tuple[str, str, int | None]]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        r = rnd.random()
        if r < 0.6:
            out.append(("query", "/sparql?query=" + urllib.parse.quote(rnd.choice(QUERIES)), None))
        elif r < 0.9:
            out.append(("resource", rnd.choice(RESOURCES), None))
        else:
            out.append(("malformed", "/sparql?query=" + urllib.parse.quote(rnd.choice(MALFORMED)), 400))
    return out


def run(url: str, requests: int, concurrency: int, max_seconds: float) -> dict:
    parts = urllib.parse.urlsplit(url)
    work = plan(requests)
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    statuses: dict[int, int] = {}
    deadline = time.monotonic() + max_seconds
    index = iter(range(len(work)))

    def worker():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                i = next(index, None)
            if i is None:
                break
            kind, path, expected = work[i]
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept": "application/sparql-results+json, text/turtle;q=0.9, */*;q=0.1"})
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException) as e:
                with lock:
                    errors.append(f"{kind} {path}: {type(e).__name__}")
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                continue
            dt = time.perf_counter() - t0
            with lock:
                latencies.append(dt)
                statuses[status] = statuses.get(status, 0) + 1
                if status >= 500 and status != 503 or (expected and status != expected):
                    errors.append(f"{kind} {path}: HTTP {status}")
        conn.close()

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    lat = sorted(latencies)
    return {
        "requests": len(lat), "errors": len(errors), "error_samples": errors[:5], "statuses": statuses,
        "seconds": round(elapsed, 2), "throughput_rps": round(len(lat) / elapsed, 1) if elapsed else 0,
        "p50_ms": round(statistics.median(lat) * 1000, 1) if lat else None,
        "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000, 1) if lat else None,
    }


def start_server(tmp: Path, workers: int) -> ServerProcess:
    store = tmp / "store"
    subprocess.run([sys.executable, "-m", "tsc_graph.cli", "--store", f"oxigraph:{store}", "load", "--no-progress",
                    str(ROOT / "ontology"), str(ROOT / "data" / "reference"), str(ROOT / "data" / "fr")],
                   check=True, capture_output=True, cwd=ROOT)
    return ServerProcess(store, env={"TSC_QUERY_WORKERS": str(workers)}).start()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", help="an already running server (loopback); default: start one")
    p.add_argument("--requests", type=int, default=2000)
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--max-seconds", type=float, default=120)
    p.add_argument("--workers", type=int, default=2, help="TSC_QUERY_WORKERS of the server this script starts")
    args = p.parse_args(argv)
    server = None
    tmp = None
    url = args.url
    if url is None:
        tmp = Path(tempfile.mkdtemp(prefix="tsc-loadtest-"))
        server = start_server(tmp, args.workers)
        url = server.url
    elif urllib.parse.urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("loopback only: this is a load test")
    try:
        r = run(url, args.requests, args.concurrency, args.max_seconds)
    finally:
        if server is not None:
            server.stop()
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"requests {r['requests']}  concurrency {args.concurrency}  in {r['seconds']} s")
    print(f"errors {r['errors']} (goal 0)  {r['error_samples']}")
    print(f"throughput {r['throughput_rps']} req/s  p50 {r['p50_ms']} ms  p99 {r['p99_ms']} ms")
    print(f"statuses {dict(sorted(r['statuses'].items()))}")
    return 1 if r["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
