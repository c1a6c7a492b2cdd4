"""HTTP fronts: ``tsc-graph serve`` behind granian (the default, RSGI interface) and behind waitress, against
``oxigraph serve-read-only``: 8-client label lookups interleaved, then each front under a slow-client attack.

Why: the threaded engine answers these lookups at ~1.0x the Oxigraph server when called without HTTP, and at
0.22-0.25x over waitress (benchmarks/RESULTS.md, "#25 query engine"), so the HTTP layer is the cost; a faster
front must keep waitress's slow-client protections. The attack: ``--attackers`` connections (600), half of
them idle (half a request line sent, then nothing), half trickling a POST body a byte a second; meanwhile one
client's lookups, one at a time, whose p50/p99 are compared with the same client's before the attack.

    python benchmarks/http_front.py --store /work/bench-engine/store-100k   # a store loaded by benchmarks/engine.py

Needs the bench extra (the Oxigraph server).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import run  # benchmarks/run.py: Server, OxigraphServer, throughput, median

ROOT = Path(__file__).resolve().parents[1]
FRONTS = ("granian", "waitress")
#: The fronts on benchmarks/bare_app.py (``--bare``): the command after ``--host/--port`` (granian) or as is.
BARE = {
    "granian RSGI + adapter": ["--interface", "rsgi", "bare_app:rsgi"],
    "granian WSGI": ["--interface", "wsgi", "--blocking-threads", "8", "bare_app:wsgi"],
    "waitress": None,
}


class BareFront:
    """One front serving benchmarks/bare_app.py on a free loopback port."""

    def __init__(self, name: str, work: Path):
        self.port = run.free_port()
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        bindir = Path(sys.executable).parent
        if BARE[name] is None:
            cmd = [str(bindir / "waitress-serve"), "--listen", f"127.0.0.1:{self.port}", "--threads", "8",
                   "bare_app:wsgi"]
        else:
            cmd = [str(bindir / "granian"), "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1",
                   "--http", "1", "--no-ws", "--log-level", "warning", *BARE[name]]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(run.HERE), str(ROOT)]))
        self.log = open(work / f"bare-{name.split()[0]}-{len(BARE[name] or [])}.log", "wb")
        self.proc = subprocess.Popen(cmd, cwd=run.HERE, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        run.wait_until_answering(self.url, self.proc, 30)

    def stop(self) -> None:
        os.killpg(self.proc.pid, 15)
        self.proc.wait(10)
        self.log.close()


def bare_fronts(work: Path, clients: int, requests: int, rounds: int) -> dict:
    """Lookups (the same requests) to the bare app behind each front, interleaved: the fronts' own ceiling."""
    fronts = {name: BareFront(name, work) for name in BARE}
    iris = [f"http://example.org/{k}" for k in range(100)]
    result: dict[str, dict] = {name: {"qps": [], "p50_1_ms": []} for name in fronts}
    try:
        for _ in range(rounds):
            for name, f in fronts.items():
                result[name]["qps"].append(run.throughput(f.url, iris, clients, requests, 60)["qps"])
                result[name]["p50_1_ms"].append(run.throughput(f.url, iris, 1, 1500, 60)["p50_ms"])
    finally:
        for f in fronts.values():
            f.stop()
    return {name: {"qps": run.median(r["qps"]), "p50_1_ms": run.median(r["p50_1_ms"])} for name, r in result.items()}


def open_attackers(port: int, count: int) -> list[socket.socket]:
    """``count`` hostile connections: even ones idle with half a request, odd ones a POST whose body is to come."""
    socks = []
    for n in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        if n % 2:
            s.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                      b"Content-Length: 100000\r\n\r\nASK")
        else:
            s.sendall(b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: x\r\n")
        socks.append(s)
    return socks


def still_open(socks: list[socket.socket]) -> int:
    """How many attack connections the server has not closed (nor answered)."""
    import select

    readable = set()
    for k in range(0, len(socks), 200):
        readable.update(select.select(socks[k:k + 200], [], [], 0)[0])
    return sum(1 for s in socks if s not in readable)


def sequential_lookups(url: str, iris: list[str], seconds: float) -> dict:
    """One client, a new lookup as soon as the last one is answered, for ``seconds``: p50/p99 and errors."""
    r = run.throughput(url, iris, 1, 10**9, seconds)
    return {"requests": r["requests"], "p50_ms": r["p50_ms"], "p99_ms": r["p99_ms"], "errors": r.get("errors", 0)}


def attack(server, iris: list[str], attackers: int, seconds: float) -> dict:
    """The lookups' latency before and during ``attackers`` hostile connections (bodies trickled a byte a second)."""
    before = sequential_lookups(server.url, iris, seconds)
    socks = open_attackers(server.port, attackers)
    stop = threading.Event()

    def drip():
        while not stop.wait(1.0):
            for s in socks[1::2]:
                try:
                    s.send(b" ")
                except OSError:
                    pass

    dripper = threading.Thread(target=drip, daemon=True)
    dripper.start()
    try:
        time.sleep(1.0)
        during = sequential_lookups(server.url, iris, seconds)
        open_at_end = still_open(socks)
    finally:
        stop.set()
        dripper.join(timeout=5)
        for s in socks:
            s.close()
    return {"before": before, "during": during, "attackers": attackers, "still_open": open_at_end}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", required=True, help="a tsc-graph store directory (benchmarks/engine.py's store-<size>)")
    ap.add_argument("--work-dir", default=str(run.HERE / "out-http-front"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=4000)
    ap.add_argument("--attackers", type=int, default=600, help="hostile connections of the attack (default %(default)s)")
    ap.add_argument("--attack-seconds", type=float, default=15.0, help="seconds of lookups before and during it")
    ap.add_argument("--bare", action="store_true", help="also measure the fronts alone (benchmarks/bare_app.py)")
    args = ap.parse_args(argv)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # this process holds the attack's sockets
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, args.attackers + 512)), hard))
    work = Path(args.work_dir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    source = Path(args.store).resolve()
    print("uptime at start:", os.getloadavg(), flush=True)
    copies = {}
    for name in FRONTS:  # a store each: RocksDB lets one process open a store
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
    servers = {name: run.Server(copies[name], work / f"{name}.log", front=name) for name in FRONTS}
    servers["oxigraph"] = run.OxigraphServer(run.oxigraph_cli(), checkpoint, work / "oxigraph.log")
    attacks = {}
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
        for name in FRONTS:
            attacks[name] = a = attack(servers[name], iris, args.attackers, args.attack_seconds)
            print(f"  attack {name:9s} before p50 {a['before']['p50_ms']:.1f} p99 {a['before']['p99_ms']:.1f} ms; "
                  f"during p50 {a['during']['p50_ms']:.1f} p99 {a['during']['p99_ms']:.1f} ms, "
                  f"{a['during']['requests']} lookups, {a['during']['errors']} errors; "
                  f"{a['still_open']} of {a['attackers']} attackers still open  load {os.getloadavg()[0]:.2f}",
                  flush=True)
    finally:
        for s in servers.values():
            s.stop()
    summary = {n: {"qps": run.median([r["qps"] for r in rs]), "p99_ms": run.median([r["p99_ms"] for r in rs])}
               for n, rs in rounds.items()}
    peer = summary["oxigraph"]["qps"]
    print("\n== cold start (launch of tsc-graph serve to its first answer): "
          + ", ".join(f"{name} {servers[name].first_answer:.2f} s" for name in FRONTS))
    print(f"\n== {args.clients}-client lookups, median of {args.rounds} rounds (uptime at end {os.getloadavg()})")
    for name, s in summary.items():
        print(f"  {name:9s} {s['qps']:7.0f} q/s  p99 {s['p99_ms']:.1f} ms  = {s['qps'] / peer:.2f}x oxigraph, "
              f"{s['qps'] / summary['waitress']['qps']:.2f}x waitress")
    print(f"\n== one client's lookups beside {args.attackers} hostile connections (target: p99 <= 50 ms)")
    for name, a in attacks.items():
        verdict = "PASS" if a["during"]["p99_ms"] <= 50 and not a["during"]["errors"] else "MISS"
        print(f"  {name:9s} p99 {a['during']['p99_ms']:.1f} ms (before: {a['before']['p99_ms']:.1f} ms, "
              f"{a['during']['p99_ms'] / max(a['before']['p99_ms'], 1e-9):.2f}x)  {verdict}")
    bare = {}
    if args.bare:
        bare = bare_fronts(work, args.clients, args.requests, args.rounds)
        print(f"\n== the fronts alone, on an app that answers at once ({args.clients}-client q/s; one client's p50)")
        for name, b in bare.items():
            print(f"  {name:24s} {b['qps']:7.0f} q/s  1-client p50 {b['p50_1_ms']:.3f} ms")
    (work / "http-front.json").write_text(json.dumps({"rounds": rounds, "summary": summary, "attacks": attacks,
                                                      "bare": bare, "cold_start_s": {
                                                          name: servers[name].first_answer for name in FRONTS}},
                                                     indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
