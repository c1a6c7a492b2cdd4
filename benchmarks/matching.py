"""Bio-Bridge matchmaking benchmark: all pairs, and one request, against the SPARQL formulation as baseline.

    python benchmarks/matching.py [--sizes 10k,100k,1M] [--runs 5] [--baseline-cap 300]

Data: benchmarks/generate.py (seed 42), loaded with the ontology and the reference vocabularies into an on-disk
Oxigraph store per size (benchmarks/out/matching-<size>/), the way the server reads it. Measured, medians of
``--runs``, all in this run:

* **engine, all pairs** — the two extraction queries through the store interface (``load_catalog``), the index
  (``MatchIndex``) and every match scored and sorted (``all_pairs``); target ≤ 5 s at 1M;
* **engine, one request** — the matches of one request from the built index (``matches_for``), over a sample
  of requests; target ≤ 50 ms; and the same over HTTP (``/api/matches?request=…`` on a real ``tsc-graph
  serve``, index warm), plus the first call after the server starts (it builds the index);
* **baseline** — the named query ``offer-request-matches``: unbound (all pairs; quadratic, so only where it
  ends within ``--baseline-cap`` seconds, in a child process that is killed at the cap) and bound to one
  request (what a page could run without the engine).

Also checks that the engine and the named query give the same pairs and scores wherever the baseline ran.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import platform
import random
import shutil
import statistics
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import generate
from run import fmt_s as fmt  # the same figures as the main benchmark
from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
from tsc_graph.matching import MatchIndex, load_catalog, runner_for
from tsc_graph.namespaces import DEFAULT_BASE_URI
from tsc_graph.queries import bind, get_query
from tsc_graph.serverproc import ServerProcess
from tsc_graph.store import GraphNamer, expand_sources, open_store

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

TARGET_ALL_PAIRS_S = 5.0
TARGET_ONE_REQUEST_S = 0.050


def median_time(fn, runs: int) -> tuple[float, object]:
    """Median seconds of ``runs`` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def store_for(size: int, work: Path, seed: int) -> Path:
    data, _ = generate.ensure(size, work / "data", seed)
    path = work / f"matching-{generate.size_label(size)}-s{seed}"
    done = path / "loaded"  # written last: a load that was interrupted is redone
    if not done.exists():
        shutil.rmtree(path, ignore_errors=True)
        with open_store(f"oxigraph:{path}") as s:
            s.load(expand_sources([ONTOLOGY_DIR, REFERENCE_DIR, data]), graph_for=GraphNamer(DEFAULT_BASE_URI))
        done.write_text(str(data))
    return path


def _named_query_all_pairs(store_path: str) -> tuple[float, list]:
    """In a child process (killed at the cap): the unbound named query over the whole store."""
    with open_store(f"oxigraph:{store_path}") as s:
        t0 = time.perf_counter()
        rows = s.query(get_query("offer-request-matches").text).bindings
        return time.perf_counter() - t0, sorted((int(r["score"]), str(r["offer"]), str(r["request"])) for r in rows)


def _child(conn, store_path):
    try:
        conn.send(("ok", _named_query_all_pairs(store_path)))
    except BaseException as e:  # report, never hang the parent
        conn.send(("error", repr(e)))


def baseline_all_pairs(store_path: Path, cap: float):
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_child, args=(child, str(store_path)))
    p.start()
    child.close()
    try:
        if not parent.poll(cap):
            return None, None
        status, payload = parent.recv()
        return payload if status == "ok" else (None, None)
    finally:
        if p.is_alive():
            p.kill()
        p.join(5)


def bench_size(size: int, args, work: Path) -> dict:
    label = generate.size_label(size)
    path = store_for(size, work, args.seed)
    out: dict = {"size": label}
    store = open_store(f"oxigraph:{path}")
    try:
        out["quads"] = store.count()
        run = runner_for(store)
        catalog_s, catalog = median_time(lambda: load_catalog(run), args.runs)
        index_s, index = median_time(lambda: MatchIndex(catalog), args.runs)
        pairs_s, pairs = median_time(lambda: MatchIndex(catalog).all_pairs(), args.runs)  # a new index: no cache
        total_s, _ = median_time(lambda: MatchIndex(load_catalog(run)).all_pairs(), args.runs)
        out.update(offers=len(index.offers), requests=len(index.requests), matches=len(pairs),
                   catalog_s=catalog_s, index_s=index_s, score_s=max(0.0, pairs_s - index_s), all_pairs_s=total_s,
                   candidate_fraction=len(pairs) / max(1, len(index.offers) * len(index.requests)))
        rng = random.Random(7)
        sample = [r.iri for r in rng.sample(index.requests, min(args.sample, len(index.requests)))]
        per_request = []
        for iri in sample:
            t, _ = median_time(lambda iri=iri: index.matches_for(iri), 3)
            per_request.append(t)
        out["one_request_s"] = statistics.median(per_request)
        out["one_request_max_s"] = max(per_request)
        # baseline: the named query bound to one request (a few of the sample), and unbound where it ends in time
        bound = []
        for iri in sample[: args.bound_sample]:
            text = bind(get_query("offer-request-matches"), {"request": iri})
            t, rows = median_time(lambda text=text: store.query(text).bindings, 1)
            bound.append(t)
            got = sorted((m.score, m.offer.iri, m.request.iri) for m in index.matches_for(iri))
            assert got == sorted((int(r["score"]), str(r["offer"]), str(r["request"])) for r in rows), iri
        out["baseline_one_request_s"] = statistics.median(bound)
    finally:
        store.close()
    if size <= args.baseline_max_size:
        t, rows = baseline_all_pairs(path, args.baseline_cap)
        out["baseline_all_pairs_s"] = t
        if rows is not None:
            engine = sorted((s, index.offers[o].iri, index.requests[r].iri) for s, o, r in index.all_pairs())
            out["baseline_agrees"] = engine == rows
    if not args.no_http:
        out.update(http_figures(path, sample, args))
    return out


def http_figures(path: Path, sample: list[str], args) -> dict:
    server = ServerProcess(path, env={"TSC_BASE_URI": DEFAULT_BASE_URI, "TSC_QUERY_TIMEOUT": "120"},
                           log=path.parent / f"{path.name}-server.log").start(timeout=300)
    try:
        def get(iri: str) -> bytes:
            url = f"{server.url}/api/matches?" + urllib.parse.urlencode({"request": iri, "limit": 20})
            with urllib.request.urlopen(url, timeout=300) as r:
                return r.read()

        first_s, _ = median_time(lambda: get(sample[0]), 1)  # builds the index
        times = []
        for iri in sample:
            t, _ = median_time(lambda iri=iri: get(iri), 3)
            times.append(t)
        return {"http_first_s": first_s, "http_one_request_s": statistics.median(times)}
    finally:
        server.stop()


def markdown(results: list[dict], command: str, machine: dict) -> str:
    lines = [f"Command: `{command}`", "", "Machine: " + ", ".join(f"{k} {v}" for k, v in machine.items()), "",
             "| size | offers × requests | matches | extract (2 queries) | index | score + sort | **all pairs** | "
             "baseline all pairs (named query) | ratio | **one request** (engine) | one request, HTTP | "
             "baseline one request (bound named query) | ratio |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        base = r.get("baseline_all_pairs_s")
        stopped = base is None and "baseline_all_pairs_s" in r
        ratio = f"{base / r['all_pairs_s']:.0f}×" if base else (f"≥ {r['cap'] / r['all_pairs_s']:.0f}×" if stopped else "—")
        base_txt = fmt(base) if base else (f"> {r['cap']:g} s (stopped)" if stopped else "not run")
        lines.append(
            f"| {r['size']} | {r['offers']:,} × {r['requests']:,} | {r['matches']:,} | {fmt(r['catalog_s'])} | "
            f"{fmt(r['index_s'])} | {fmt(r['score_s'])} | **{fmt(r['all_pairs_s'])}** | {base_txt} | {ratio} | "
            f"**{fmt(r['one_request_s'])}** (max {fmt(r['one_request_max_s'])}) | {fmt(r.get('http_one_request_s'))} "
            f"(first call, index build: {fmt(r.get('http_first_s'))}) | {fmt(r['baseline_one_request_s'])} | "
            f"{r['baseline_one_request_s'] / r['one_request_s']:.0f}× |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10k,100k,1M")
    ap.add_argument("--runs", type=int, default=5, help="runs per measure; medians are reported")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--sample", type=int, default=50, help="requests timed one by one")
    ap.add_argument("--bound-sample", type=int, default=5, help="requests timed with the bound named query")
    ap.add_argument("--baseline-cap", type=float, default=300.0, help="seconds before the unbound named query is stopped")
    ap.add_argument("--baseline-max-size", default="100k", help="largest size the unbound named query is tried on")
    ap.add_argument("--no-http", action="store_true", help="skip the HTTP figures")
    ap.add_argument("--work-dir", default=str(HERE / "out"))
    args = ap.parse_args(argv)
    args.baseline_max_size = generate.parse_size(args.baseline_max_size)
    work = Path(args.work_dir)
    machine = {"cpu cores": mp.cpu_count(), "python": platform.python_version(),
               "loadavg": " ".join(f"{x:.1f}" for x in __import__("os").getloadavg())}
    results = []
    for size in (generate.parse_size(s) for s in args.sizes.split(",")):
        r = bench_size(size, args, work)
        r["cap"] = args.baseline_cap
        results.append(r)
        print(json.dumps(r), flush=True)
    ok_all = results[-1]["all_pairs_s"] <= TARGET_ALL_PAIRS_S
    ok_one = results[-1]["one_request_s"] <= TARGET_ONE_REQUEST_S
    command = "python benchmarks/matching.py " + " ".join(argv if argv is not None else sys.argv[1:])
    print()
    print(markdown(results, command.strip(), machine))
    print()
    print(f"target all pairs ≤ {TARGET_ALL_PAIRS_S:g} s at {results[-1]['size']}: {'PASS' if ok_all else 'MISS'} "
          f"({fmt(results[-1]['all_pairs_s'])}); one request ≤ {TARGET_ONE_REQUEST_S * 1000:g} ms: "
          f"{'PASS' if ok_one else 'MISS'} ({fmt(results[-1]['one_request_s'])})")
    (work / "matching.json").write_text(json.dumps(results, indent=1))
    return 0 if ok_all and ok_one else 1


if __name__ == "__main__":
    sys.exit(main())
