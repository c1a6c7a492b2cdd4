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
import shutil
import sys
from pathlib import Path

import generate
import run

ENGINES = ("workers", "threads")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="100k")
    ap.add_argument("--runs", type=int, default=3, help="runs per query after 1 warm-up (default %(default)s)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the 8-client lookups (default %(default)s)")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=4000)
    ap.add_argument("--slow-query", type=float, default=5.0, help="skip queries slower than this direct (s)")
    ap.add_argument("--work-dir", default=str(run.HERE / "out-engine"))
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args(argv)
    work = Path(args.work_dir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    size = generate.parse_size(args.size)
    label = generate.size_label(size)
    out: dict = {"command": "python benchmarks/engine.py " + " ".join(argv if argv is not None else sys.argv[1:]),
                 "machine": run.machine_info(), "size": label}
    print(out["command"], "\n", out["machine"], flush=True)

    data, _ = generate.ensure(size, work / "data", args.seed)
    store_dir = work / f"store-{label}"
    loaded = run.run_child(run.load_ours, (str(data), str(store_dir), True), 900)
    print(f"loaded {loaded['triples']} triples", flush=True)
    import pyoxigraph as ox

    checkpoint = work / f"checkpoint-{label}"
    shutil.rmtree(checkpoint, ignore_errors=True)
    ox.Store.read_only(str(store_dir / "db")).backup(str(checkpoint))
    disk = ox.Store.read_only(str(checkpoint))
    memory = ox.Store()
    dump = work / "dump.nq"
    disk.dump(str(dump), ox.RdfFormat.N_QUADS)
    memory.bulk_extend(ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS, lenient=True))
    dump.unlink()

    servers: dict = {}
    for engine in ENGINES:  # fresh: started now, no replica saved by an earlier start; a store each (RocksDB's lock)
        own = work / f"store-{label}-{engine}"
        shutil.rmtree(own, ignore_errors=True)
        shutil.copytree(store_dir, own, ignore=shutil.ignore_patterns("replica", "snapshots"))
        servers[engine] = run.Server(own, work / f"server-{engine}.log", engine=engine)
        print(f"{engine}: first answer {run.fmt_s(servers[engine].first_answer)}", flush=True)
    peer = run.OxigraphServer(run.oxigraph_cli(), checkpoint, work / "oxigraph.log")
    urls = {**{e: s.url for e, s in servers.items()}, "oxigraph": peer.url}
    out["first_answer_s"] = {e: s.first_answer for e, s in servers.items()}
    out["load_average_start"] = os.getloadavg()

    queries, _ = run.prepare_queries(disk)
    qres = {}
    print(f"\n== queries: 1 warm-up + {args.runs} runs, interleaved; ratio = median / memory-direct median", flush=True)
    for q in queries:
        dt, body = run.direct_once(memory, q["text"])  # the direct engine's warm-up
        if dt > args.slow_query:
            continue
        rows = run.count_answer(body)
        times: dict[str, list[float]] = {"memory": [], **{e: [] for e in urls}}
        agree = {}
        for e, url in urls.items():
            _, hbody, _ = run.http_once(url, q["text"])  # warm-up
            agree[e] = run.count_answer(hbody) == rows
        for _ in range(args.runs):
            times["memory"].append(run.direct_once(memory, q["text"])[0])
            for e, url in urls.items():
                times[e].append(run.http_once(url, q["text"])[0])
        r = {e: run.median(ts) for e, ts in times.items()}
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
    out["lookup_medians"] = {e: {"qps": run.median([t["qps"] for t in ts]), "p99_ms": run.median([t["p99_ms"] for t in ts])}
                             for e, ts in lookups.items()}
    out["resident"] = {e: s.resident() for e, s in servers.items()}
    out["resident"]["oxigraph"] = peer.resident()
    out["peaks"] = {e: s.memory() for e, s in servers.items()}
    for s in servers.values():
        s.stop()
    peer.stop()
    out["load_average_end"] = os.getloadavg()

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
        print(f"  RSS peaks summed, {e}: {m['total']:.0f} MB")
    print(f"  load average: start {out['load_average_start']}, end {out['load_average_end']}")
    (work / "engine.json").write_text(json.dumps(out, indent=2, default=str))
    del disk, memory
    shutil.rmtree(checkpoint, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
