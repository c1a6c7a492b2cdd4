"""The query engines side by side, the way visitors and harvesters meet a server: fresh servers, few runs.

    python benchmarks/engine.py --size 100k --work-dir /work/bench-engine

One store, four answerers measured in the same run: pyoxigraph in memory called directly (the baseline), a fresh
``tsc-graph serve`` with ``TSC_QUERY_ENGINE=workers`` (one worker process per running query), a fresh one with
``TSC_QUERY_ENGINE=threads`` (one engine process, queries on threads), and ``oxigraph serve-read-only``, all with
default settings otherwise. Each query gets 1 warm-up and ``--runs`` runs on each, interleaved; then 8-client
label lookups, interleaved, ``--rounds`` times. Medians and same-run ratios; the load average is printed, since
the machine may be shared. Reuses the helpers of benchmarks/run.py.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import generate
import run

ENGINES = ("workers", "threads")
#: The query pool's settings a server passes to its store (tsc_graph/web/__init__.py), at their defaults.
POOL_OPTIONS = ("query_workers", "queue_timeout", "query_replica", "memory_replica_max_quads", "site_query_workers",
                "query_queue", "query_memory_mb")


def uptime() -> str:
    """``uptime``'s line: other jobs share the cores, and the load average says how much."""
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def prefault_metrics(url: str) -> dict:
    """The threaded engine's prefault figures from the server's /metrics (empty for the worker pool)."""
    text = urllib.request.urlopen(url.removesuffix("/sparql") + "/metrics", timeout=10).read().decode()
    return {line.split()[0]: float(line.split()[1]) for line in text.splitlines()
            if line.startswith("tsc_query_engine_prefault_")}


def pool_throughput(store, iris: list[str], clients: int, total: int, seed: int = 7) -> dict:
    """The label lookups of run.throughput without HTTP: ``clients`` threads calling the store's query pool in
    this process, so that the difference with the HTTP figure is the HTTP layer's cost."""
    rng = random.Random(seed)
    queries = [run.SIMPLE_QUERY.format(iri=rng.choice(iris)) for _ in range(512)]
    counter, lock, lat = iter(range(total)), threading.Lock(), []

    def client():
        mine = []
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            t = time.perf_counter()
            store.query_serialized(queries[i % len(queries)], timeout=30)
            mine.append(time.perf_counter() - t)
        with lock:
            lat.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    return {"clients": clients, "requests": len(lat), "qps": len(lat) / wall, "p50_ms": run.pct(lat, 50) * 1e3,
            "p99_ms": run.pct(lat, 99) * 1e3}


def pool_store(path: Path, engine: str):
    """The store a default server opens, query pool included, in this process; once on its final replica."""
    from dataclasses import fields

    from tsc_graph.config import Settings
    from tsc_graph.store import open_store

    defaults = {f.name: f.default for f in fields(Settings) if f.name in POOL_OPTIONS}
    store = open_store(f"oxigraph:{path}", query_engine=engine, **defaults)
    deadline = time.monotonic() + 600
    while store.pool_figures()["replica"] != "memory" and time.monotonic() < deadline:
        time.sleep(0.1)  # a big store answers from disk until its in-memory copy is made
    return store


def sequential_ms(call, n: int) -> float:
    """Median milliseconds of ``n`` calls one after another, after one warm-up: a query's fixed cost."""
    call()
    times = []
    for _ in range(n):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return run.median(times) * 1e3


def direct_threads_throughput(store, iris: list[str], clients: int, total: int, seed: int = 7) -> dict:
    """The same lookups on pyoxigraph in memory from ``clients`` threads: the engine's own ceiling here."""
    import pyoxigraph as ox

    class Direct:
        def query_serialized(self, text, timeout=None):
            store.query(text, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON)

    return pool_throughput(Direct(), iris, clients, total, seed)


def fresh_copy(store_dir: Path, own: Path) -> None:
    """A copy of the store for one server or pool alone (RocksDB's lock), without the in-memory replica and snapshots
    an earlier start saved: each starts fresh."""
    shutil.rmtree(own, ignore_errors=True)
    shutil.copytree(store_dir, own, ignore=shutil.ignore_patterns("replica", "snapshots"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="100k")
    ap.add_argument("--runs", type=int, default=3, help="runs per query after 1 warm-up (default %(default)s)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the 8-client lookups (default %(default)s)")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=4000)
    ap.add_argument("--fixed-runs", type=int, default=200, help="runs of the fixed-cost measure (default %(default)s)")
    ap.add_argument("--slow-query", type=float, default=5.0, help="skip queries slower than this direct (s)")
    ap.add_argument("--queries", default="", help="only these queries (comma-separated names), e.g. to isolate the "
                                                   "memory peak of one (with --slow-query 60)")
    ap.add_argument("--work-dir", default=str(run.HERE / "out-engine"))
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args(argv)
    work = Path(args.work_dir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    size = generate.parse_size(args.size)
    label = generate.size_label(size)
    out: dict = {"command": "python benchmarks/engine.py " + " ".join(argv if argv is not None else sys.argv[1:]),
                 "machine": run.machine_info(), "size": label, "uptime_start": uptime()}
    print(out["command"], "\n", out["machine"], "\n", "uptime at start:", out["uptime_start"], flush=True)

    data, _ = generate.ensure(size, work / "data", args.seed)
    store_dir = work / f"store-{label}"
    loaded = run.run_child(run.load_ours, (str(data), str(store_dir), True), 900)
    print(f"loaded {loaded['triples']} triples", flush=True)
    checkpoint, disk, memory, _ = run.checkpoint_and_copy(store_dir, work, label)

    servers: dict = {}
    for engine in ENGINES:  # fresh: started now, no replica saved by an earlier start; a store each (RocksDB's lock)
        own = work / f"store-{label}-{engine}"
        fresh_copy(store_dir, own)
        servers[engine] = run.Server(own, work / f"server-{engine}.log", engine=engine)
        mode, ready = servers[engine].replica_ready()
        out.setdefault("replica_ready_s", {})[engine] = {"mode": mode, "seconds": ready}
        print(f"{engine}: first answer {run.fmt_s(servers[engine].first_answer)}; queries on the {mode} replica "
              f"after {run.fmt_s(ready) if ready is not None else '?'}", flush=True)
    peer = run.OxigraphServer(run.oxigraph_cli(), checkpoint, work / "oxigraph.log")
    urls = {**{e: s.url for e, s in servers.items()}, "oxigraph": peer.url}
    out["first_answer_s"] = {e: s.first_answer for e, s in servers.items()}
    out["prefault"] = prefault_metrics(servers["threads"].url)
    print(f"threads: engine prefault {out['prefault']}", flush=True)
    out["load_average_start"] = os.getloadavg()

    queries, _ = run.prepare_queries(disk)
    if args.queries:
        wanted = set(args.queries.split(","))
        queries = [q for q in queries if q["name"] in wanted or q["name"] == "outside:ask"]
    qres = {}
    print(f"\n== queries: 1 warm-up + {args.runs} runs, interleaved; ratio = median / memory-direct median", flush=True)
    for q in queries:
        dt, body = run.direct_once(memory, q["text"])  # the direct engine's warm-up
        if dt > args.slow_query:
            out.setdefault("skipped", {})[q["name"]] = dt
            print(f"  {q['name']:34s} skipped: {run.fmt_s(dt)} direct, over --slow-query", flush=True)
            continue
        rows = run.count_answer(body)
        times: dict[str, list[float]] = {"memory": [], **{e: [] for e in urls}}
        agree = {}
        threads_pid = servers["threads"].proc.pid
        run.reset_tree_hwm(threads_pid)  # the threaded server's peak during this query's runs alone
        for e, url in urls.items():
            _, hbody, _ = run.http_once(url, q["text"])  # warm-up
            agree[e] = run.count_answer(hbody) == rows
        for _ in range(args.runs):
            times["memory"].append(run.direct_once(memory, q["text"])[0])
            for e, url in urls.items():
                times[e].append(run.http_once(url, q["text"])[0])
        r = {e: run.median(ts) for e, ts in times.items()}
        r["threads_peak_mb"] = run.proc_tree_hwm_mb(threads_pid)
        r["times"] = times
        r["ratios"] = {e: r[e] / r["memory"] for e in urls}
        r["agree"] = agree
        qres[q["name"]] = r
        print(f"  {q['name']:34s} memory {run.fmt_s(r['memory']):>9s}  "
              + "  ".join(f"{e} {run.fmt_s(r[e]):>9s} ({r['ratios'][e]:.2f}×)" for e in urls)
              + ("" if all(agree.values()) else f"  ROWS DIFFER {agree}"), flush=True)
    out["queries"] = qres

    iris = [row[0].value for row in memory.query(
        f"SELECT ?a WHERE {{ ?a a <{run.TSC}Actor> }} ORDER BY ?a LIMIT 1000", use_default_graph_as_union=True)]
    lookups: dict[str, list[dict]] = {e: [] for e in urls}
    print(f"\n== {args.clients}-client label lookups, {args.rounds} rounds interleaved", flush=True)
    for i in range(args.rounds):
        for e, url in urls.items():
            run.http_once(url, run.SIMPLE_QUERY.format(iri=iris[0]))
            tr = run.throughput(url, iris, args.clients, args.requests, 20.0, seed=7 + i)
            tr["loadavg"] = os.getloadavg()[0]
            lookups[e].append(tr)
            print(f"  round {i + 1} {e:8s} {tr['qps']:8.0f} q/s  p50 {tr['p50_ms']:.2f} ms  p99 {tr['p99_ms']:.2f} ms  "
                  f"errors {tr['errors']}  load {tr['loadavg']:.1f}", flush=True)
    out["lookups"] = lookups
    out["resident_after_lookups"] = {e: s.resident() for e, s in servers.items()}

    print(f"\n== where a lookup's time goes: {args.clients} threads, no HTTP", flush=True)
    inproc = {}
    inproc["direct"] = direct_threads_throughput(memory, iris, args.clients, args.requests)
    ask = next(q["text"] for q in queries if q["name"] == "outside:ask")
    fixed = {"direct": sequential_ms(lambda m=memory: run.direct_once(m, ask), args.fixed_runs)}
    for engine in ENGINES:
        own = work / f"store-{label}-inproc-{engine}"
        fresh_copy(store_dir, own)
        store = pool_store(own, engine)
        try:
            store.query_serialized(run.SIMPLE_QUERY.format(iri=iris[0]), timeout=30)
            inproc[engine] = pool_throughput(store, iris, args.clients, args.requests)
            fixed[f"{engine} pool, no HTTP"] = sequential_ms(lambda: store.query_serialized(ask, timeout=30),
                                                             args.fixed_runs)
        finally:
            store.close()
        shutil.rmtree(own, ignore_errors=True)
        fixed[f"{engine} over HTTP (new connection)"] = sequential_ms(lambda: run.http_once(servers[engine].url, ask), args.fixed_runs)
    fixed["oxigraph over HTTP (new connection)"] = sequential_ms(lambda: run.http_once(peer.url, ask), args.fixed_runs)
    for e, tr in inproc.items():
        print(f"  {e:8s} {tr['qps']:8.0f} q/s  p50 {tr['p50_ms']:.2f} ms  p99 {tr['p99_ms']:.2f} ms", flush=True)
    out["lookups_without_http"] = inproc
    out["fixed_cost_ms"] = fixed
    print(f"\n== a small query's fixed cost (outside:ask, median of {args.fixed_runs} in a row)", flush=True)
    for name, ms in fixed.items():
        print(f"  {name:38s} {ms:.3f} ms", flush=True)
    out["lookup_medians"] = {e: {"qps": run.median([t["qps"] for t in ts]), "p99_ms": run.median([t["p99_ms"] for t in ts])}
                             for e, ts in lookups.items()}
    out["resident"] = {e: s.resident() for e, s in servers.items()}
    out["resident"]["oxigraph"] = peer.resident()
    out["peaks"] = {e: s.memory() for e, s in servers.items()}
    for s in servers.values():
        s.stop()
    peer.stop()
    out["load_average_end"] = os.getloadavg()
    out["uptime_end"] = uptime()

    print("\n== summary")
    heavy = {n: r for n, r in qres.items() if r["memory"] >= 0.002}
    for e in urls:
        within = sorted(n for n, r in heavy.items() if r["ratios"][e] <= 1.3)
        outside = {n: round(r["ratios"][e], 2) for n, r in heavy.items() if n.startswith("outside:")}
        print(f"  {e}: {len(within)} of {len(heavy)} queries ≥ 2 ms within 1.3×; outside queries {outside}")
        out.setdefault("within_1_3", {})[e] = {"within": len(within), "of": len(heavy)}
    lm = out["lookup_medians"]
    for e in ENGINES:
        print(f"  lookups {e}: {lm[e]['qps']:.0f} q/s vs oxigraph {lm['oxigraph']['qps']:.0f} q/s = "
              f"{lm[e]['qps'] / lm['oxigraph']['qps']:.2f}×, p99 {lm[e]['p99_ms']:.1f} ms")
    for e, m in out["resident"].items():
        print(f"  RSS after, {e}: {m['rss']:.0f} MB (PSS {m['pss']:.0f} MB, {m['processes']} processes)")
    for e, m in out["peaks"].items():
        print(f"  RSS peaks summed over the server's process tree, {e}: {m['total']:.0f} MB")
    by_peak = sorted(qres, key=lambda n: -qres[n]["threads_peak_mb"]["total"])[:5]
    print("  the threaded server's highest peaks, one query's runs each (summed over its processes; "
          "main process, then the others): " + "; ".join(
              f"{n} {qres[n]['threads_peak_mb']['total']:.0f} MB ({qres[n]['threads_peak_mb']['main'] or 0:.0f} + "
              + " + ".join(f"{c:.0f}" for c in sorted(qres[n]['threads_peak_mb']['children'], reverse=True)) + ")"
              for n in by_peak))
    for e, t in out["first_answer_s"].items():
        print(f"  cold start (launch to first answer), {e}: {t:.2f} s")
    for e, tr in inproc.items():
        print(f"  lookups without HTTP, {e}: {tr['qps']:.0f} q/s, p99 {tr['p99_ms']:.1f} ms")
    for name, ms in fixed.items():
        print(f"  fixed cost of a small query, {name}: {ms:.3f} ms")
    print(f"  uptime at start: {out['uptime_start']}\n  uptime at end:   {out['uptime_end']}")
    print("\n== targets (default engine: threads)")
    worst = max(heavy, key=lambda n: heavy[n]["ratios"]["threads"]) if heavy else None
    ratio = lm["threads"]["qps"] / lm["oxigraph"]["qps"]
    verdicts = [
        ("every query >= 2 ms within 1.3x direct", out["within_1_3"]["threads"]["within"] == len(heavy),
         f"{out['within_1_3']['threads']['within']} of {len(heavy)}; worst {worst} "
         f"{heavy[worst]['ratios']['threads']:.2f}x" if worst else "no query >= 2 ms"),
        ("8-client lookups >= 0.5x oxigraph serve-read-only", ratio >= 0.5, f"{ratio:.2f}x"),
        ("lookup p99 <= 10 ms", lm["threads"]["p99_ms"] <= 10, f"{lm['threads']['p99_ms']:.1f} ms"),
        ("summed RSS peaks <= 2 GB", out["peaks"]["threads"]["total"] <= 2048,
         f"{out['peaks']['threads']['total']:.0f} MB at {label}"),
        ("cold start <= 3 s", out["first_answer_s"]["threads"] <= 3.0, f"{out['first_answer_s']['threads']:.2f} s"),
    ]
    out["targets"] = [{"target": t, "pass": ok, "figure": f} for t, ok, f in verdicts]
    for t, ok, f in verdicts:
        print(f"  {'PASS' if ok else 'MISS'}  {t}: {f}")
    (work / "engine.json").write_text(json.dumps(out, indent=2, default=str))
    del disk, memory
    shutil.rmtree(checkpoint, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
