"""HTTP front: the same app behind waitress (``tsc-graph serve``) and behind granian (Rust HTTP, WSGI interface),
against ``oxigraph serve-read-only``, with 8-client label lookups interleaved, same run.

Why: the threaded engine answers these lookups at ~1.0x the Oxigraph server when called without HTTP, and at
0.22-0.25x over waitress (benchmarks/RESULTS.md, "#25 query engine"), so the HTTP layer is the next cost. This
measures whether a Rust HTTP front removes it before the slow-client protections are rebuilt on it.

    python benchmarks/http_front.py --store /work/bench-engine/store-100k   # a store loaded by benchmarks/engine.py

Needs ``pip install granian`` (not a dependency of tsc-graph: this is a measurement) and the bench extra.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import run  # benchmarks/run.py: Server, OxigraphServer, throughput, http_once, median

ROOT = Path(__file__).resolve().parents[1]


class GranianServer:
    """The WSGI app (tsc_graph.web.wsgi:app) under granian: one process (the embedded store admits one), its
    blocking threads running Flask, the same settings as run.Server."""

    def __init__(self, store_dir: Path, log: Path, threads: int):
        self.port = run.free_port()
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        env = {k: v for k, v in os.environ.items() if not k.startswith("TSC_")}
        env.update(TSC_STORE=f"oxigraph:{store_dir}", TSC_QUERY_TIMEOUT="600", TSC_MAX_RESULT_BYTES=str(2 * 1024**3),
                   PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        granian = shutil.which("granian", path=str(Path(sys.executable).parent)) or "granian"
        self.log = open(log, "wb")
        self.proc = subprocess.Popen([granian, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(self.port),
                                      "--workers", "1", "--blocking-threads", str(threads), "tsc_graph.web.wsgi:app"],
                                     cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 120
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"granian exited with {self.proc.returncode}; see {log}")
            try:
                if run.http_once(self.url, "ASK {}", timeout=5)[2] == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                self.stop()
                raise RuntimeError(f"granian not ready after 120 s; see {log}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
        self.log.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", required=True, help="a tsc-graph store directory (benchmarks/engine.py's store-<size>)")
    ap.add_argument("--work-dir", default=str(run.HERE / "out-http-front"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=4000)
    ap.add_argument("--threads", type=int, default=8, help="granian's blocking threads (default %(default)s)")
    args = ap.parse_args(argv)
    work = Path(args.work_dir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    source = Path(args.store).resolve()
    print("uptime at start:", os.getloadavg(), flush=True)
    copies = {}
    for name in ("waitress", "granian"):  # a store each: RocksDB lets one process open a store
        copies[name] = work / f"store-{name}"
        shutil.rmtree(copies[name], ignore_errors=True)
        shutil.copytree(source, copies[name], ignore=shutil.ignore_patterns("replica", "snapshots", "LOCK"))
    import pyoxigraph as ox

    checkpoint = work / "checkpoint"
    shutil.rmtree(checkpoint, ignore_errors=True)
    disk = ox.Store.read_only(str(source / "db"))
    disk.backup(str(checkpoint))
    iris = [row[0].value for row in disk.query(
        f"SELECT ?a WHERE {{ ?a a <{run.TSC}Actor> }} ORDER BY ?a LIMIT 1000", use_default_graph_as_union=True)]
    servers = {"waitress": run.Server(copies["waitress"], work / "waitress.log"),
               "granian": GranianServer(copies["granian"], work / "granian.log", args.threads),
               "oxigraph": run.OxigraphServer(run.oxigraph_cli(), checkpoint, work / "oxigraph.log")}
    try:
        for s in servers.values():  # warm-up: the first lookups on each
            run.throughput(s.url, iris, args.clients, 400, 60)
        rounds: dict[str, list[dict]] = {n: [] for n in servers}
        for k in range(args.rounds):
            for name, s in servers.items():
                tr = run.throughput(s.url, iris, args.clients, args.requests, 120)
                rounds[name].append(tr)
                print(f"  round {k + 1} {name:9s} {tr['qps']:7.0f} q/s  p50 {tr['p50_ms']:.1f} ms  "
                      f"p99 {tr['p99_ms']:.1f} ms  errors {tr.get('errors', 0)}  load {os.getloadavg()[0]:.2f}",
                      flush=True)
    finally:
        for s in servers.values():
            s.stop()
    summary = {n: {"qps": run.median([r["qps"] for r in rs]), "p99_ms": run.median([r["p99_ms"] for r in rs])}
               for n, rs in rounds.items()}
    peer = summary["oxigraph"]["qps"]
    print(f"\n== {args.clients}-client lookups, median of {args.rounds} rounds (uptime at end {os.getloadavg()})")
    for name, s in summary.items():
        print(f"  {name:9s} {s['qps']:7.0f} q/s  p99 {s['p99_ms']:.1f} ms  = {s['qps'] / peer:.2f}x oxigraph, "
              f"{s['qps'] / summary['waitress']['qps']:.2f}x waitress")
    (work / "http-front.json").write_text(json.dumps({"rounds": rounds, "summary": summary}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
