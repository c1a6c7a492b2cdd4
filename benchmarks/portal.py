"""Response times of the portal's pages (issue #12: p95 ≤ 100 ms on the French data, ≤ 300 ms at 100k triples).

    python benchmarks/portal.py [--sizes fr,100k] [--runs 30] [--json benchmarks/out/portal.json]

For each dataset a real ``tsc-graph serve`` (waitress, 2 query workers, default settings) is started on a fresh
store holding what ``make serve`` holds (ontology, reference data, French data, network registry, the Belgian
demonstration node harvested) plus the generated graph, and every kind of portal page is requested over HTTP
(keep-alive, one client), twice over:

* **cache off** (``TSC_PORTAL_CACHE_ENTRIES=0``): every request runs all its queries — the worst case, what a page
  costs the first time after a write;
* **cache on** (the default): answers kept per store version; the first request of each URL is a miss (reported
  as "first"), the following ones hits.

Figures per URL: median and p95 of ``--runs`` requests. Baselines measured in the same run and server: a static
file (the WSGI stack alone) and ``/sparql?query=ASK {}`` (one trivial query through the worker pool); the ratio
column is page median / ASK median. Prints a Markdown table (for benchmarks/RESULTS.md) and writes JSON.
"""
from __future__ import annotations

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
from tsc_graph.serverproc import ServerProcess

ROOT = Path(__file__).resolve().parent.parent

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "Accept-Language": "fr-FR,fr;q=0.9"}
V = "https://w3id.org/tsc-graph/vocab/"
TARGETS = {"p95 fr": 100.0, "p95 100k": 300.0}


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def build_store(size: str, work: Path) -> Path:
    store = work / f"store-{size}"
    sources = [str(ONTOLOGY_DIR), str(REFERENCE_DIR), str(ROOT / "data" / "fr"),
               str(ROOT / "data" / "nodes" / "registry.ttl")]
    if size != "fr":
        data = ROOT / "benchmarks" / "out" / "data" / f"tsc-{size}.nt"
        if not data.exists():
            data.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--triples", size, "--out", str(data)],
                           check=True, cwd=ROOT)
        sources.append(str(data))
    subprocess.run([sys.executable, "-m", "tsc_graph.cli", "--store", f"oxigraph:{store}", "load", "--no-progress", *sources],
                   check=True, cwd=ROOT, capture_output=True)
    # the Belgian demonstration node, through the harvest path (what `make load` does): the network pages' data
    subprocess.run([sys.executable, "-m", "tsc_graph.cli", "--store", f"oxigraph:{store}", "harvest", "--all"],
                   check=True, cwd=ROOT, capture_output=True)
    return store


class Client:
    def __init__(self, server: ServerProcess):
        self.server = server
        self.conn = http.client.HTTPConnection(server.host, server.port, timeout=120)

    def get(self, path: str, headers: dict | None = None) -> tuple[int, bytes, float]:
        start = time.perf_counter()
        try:
            self.conn.request("GET", path, headers=headers or BROWSER)
            resp = self.conn.getresponse()
            body = resp.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=120)
            return self.get(path, headers)
        return resp.status, body, (time.perf_counter() - start) * 1000

    def select(self, query: str) -> list[dict]:
        status, body, _ = self.get("/sparql?query=" + urllib.parse.quote(query), {"Accept": "application/sparql-results+json"})
        assert status == 200, body[:300]
        return json.loads(body)["results"]["bindings"]


def pages(client: Client) -> list[tuple[str, str]]:
    """(kind, path) of every kind of portal page, with resources taken from the data (the busiest ones)."""
    def top(query: str) -> str:
        return client.select(query)[0]["s"]["value"]

    tsc = "PREFIX tsc: <https://w3id.org/tsc-graph/ontology#> "
    actor = top(tsc + "SELECT ?s (COUNT(?p) AS ?n) WHERE { ?p tsc:leadOrganisation ?s } GROUP BY ?s ORDER BY DESC(?n) LIMIT 1")
    project = top(tsc + "SELECT ?s (COUNT(?x) AS ?n) WHERE { ?s a tsc:Project ; ?p ?x } GROUP BY ?s ORDER BY DESC(?n) LIMIT 1")
    commitment = top(tsc + "SELECT ?s WHERE { ?s tsc:fulfilledBy ?p } LIMIT 1")
    offer = top(tsc + "SELECT ?s WHERE { ?s a tsc:CooperationOffer } LIMIT 1")
    request = top(tsc + "SELECT ?s (COUNT(?x) AS ?n) WHERE { ?s a tsc:CooperationRequest ; tsc:supportType|tsc:thematicArea|"
                        "tsc:contributesTo ?x } GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT 1")
    harvested = top(tsc + "SELECT ?s WHERE { GRAPH <https://fr.chm-cbd.net/tsc/graph/node/be> { ?s a tsc:CooperationOffer } } "
                          "ORDER BY ?s LIMIT 1")

    def local(iri: str) -> str:
        for prefix, path in (("https://fr.chm-cbd.net/tsc/", "/"), (V, "/vocab/")):
            if iri.startswith(prefix):
                return path + iri[len(prefix):]
        raise ValueError(iri)

    q = urllib.parse.quote
    return [
        ("home", "/"),
        ("actors", "/actors"),
        ("actors, type + place", f"/actors?type={q(V + 'actor-type/public-body')}&place={q(V + 'country/FR')}"),
        ("actors, target", f"/actors?target={q(V + 'gbf/target-21')}"),
        ("actors, search", "/actors?q=biodiversite"),
        ("projects", "/projects"),
        ("projects, target", f"/projects?target={q(V + 'gbf/target-06')}"),
        ("projects, 3 filters + sort", f"/projects?place={q(V + 'country/FR')}&theme={q(V + 'theme/marine-coastal')}"
                                        f"&article={q(V + 'cbd/article-18')}&sort=newest"),
        ("projects, by start date", "/projects?sort=oldest"),
        ("actors, page 2", "/actors?page=2"),
        ("projects, search", "/projects?q=recifs+coralliens"),
        ("commitments", "/commitments"),
        ("commitments, unfulfilled", "/commitments?fulfilment=unfulfilled"),
        ("offers", "/offers"),
        ("requests", "/requests"),
        ("offers, node filter", f"/offers?node={q('https://fr.chm-cbd.net/tsc/id/node/be')}"),
        ("requests, language", "/requests?language=fr"),
        ("practices", "/practices"),
        ("actors, registered on Bio-Bridge", "/actors?biobridge=registered"),
        ("Bio-Bridge page", "/bio-bridge"),
        ("network page", "/network"),
        ("GBF overview", "/gbf"),
        ("CBD overview", "/cbd"),
        ("query page", "/sparql"),
        ("project page", local(project) + ".html"),
        ("actor page (busiest)", local(actor) + ".html"),
        ("commitment page", local(commitment) + ".html"),
        ("offer page (with matches)", local(offer) + ".html"),
        ("request page (with matches)", local(request) + ".html"),
        ("harvested offer page", "/resource?uri=" + q(harvested)),
        ("target page (target 21)", "/vocab/gbf/target-21.html"),
        ("goal page", "/vocab/gbf/goal-A.html"),
        ("article page (18)", "/vocab/cbd/article-18.html"),
        ("country page (France)", "/vocab/country/FR.html"),
        ("theme page", "/vocab/theme/forests.html"),
        ("ontology page", "/ontology.html"),
        ("404 page", "/id/project/no-such-project"),
    ]


def measure(store: Path, runs: int, cache: bool, log: Path) -> dict:
    env = {} if cache else {"TSC_PORTAL_CACHE_ENTRIES": "0"}
    server = ServerProcess(store, env=env, log=log).start(timeout=600)
    try:
        client = Client(server)
        out: dict = {"pages": {}, "baseline": {}}
        for name, path, headers in (("static file", "/static/style.css", BROWSER),
                                    ("ASK {}", "/sparql?query=" + urllib.parse.quote("ASK {}"), {"Accept": "application/sparql-results+json"})):
            times = [client.get(path, headers)[2] for _ in range(runs)]
            out["baseline"][name] = {"p50": statistics.median(times), "p95": pct(times, 95)}
        for kind, path in pages(client):
            status, body, first = client.get(path)
            expected = 404 if kind == "404 page" else 200
            assert status == expected, f"{kind}: {path} answered {status}: {body[:300]!r}"
            times = [client.get(path)[2] for _ in range(runs)]
            out["pages"][kind] = {"path": path, "first": first, "p50": statistics.median(times), "p95": pct(times, 95),
                                  "max": max(times), "bytes": len(body)}
        return out
    finally:
        server.stop()


def markdown(results: dict, runs: int) -> str:
    lines = []
    for size, modes in results.items():
        target = TARGETS["p95 fr" if size == "fr" else "p95 100k"]
        ask = modes["cache on"]["baseline"]["ASK {}"]["p50"]
        lines += [f"### {'French data' if size == 'fr' else size + ' generated graph + French data'} "
                  f"(target: p95 ≤ {target:.0f} ms; {runs} requests per page and mode)", "",
                  "| page | cache off p50 | cache off p95 | cache on: first | cache on p50 | cache on p95 | p95 (off) / ASK p50 |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        off, on = modes["cache off"]["pages"], modes["cache on"]["pages"]
        for kind in off:
            a, b = off[kind], on[kind]
            lines.append(f"| {kind} | {a['p50']:.1f} ms | {a['p95']:.1f} ms | {b['first']:.1f} ms | {b['p50']:.1f} ms | "
                         f"{b['p95']:.1f} ms | {a['p95'] / ask:.0f}× |")
        worst_off = max(off.values(), key=lambda v: v["p95"])
        worst_on = max(on.values(), key=lambda v: v["p95"])
        kind_off = next(k for k, v in off.items() if v is worst_off)
        lines += ["", f"Baselines (cache on run): static file p50 {modes['cache on']['baseline']['static file']['p50']:.1f} ms, "
                      f"`ASK {{}}` p50 {ask:.1f} ms. Worst p95: {worst_off['p95']:.1f} ms with the cache off ({kind_off}), "
                      f"{worst_on['p95']:.1f} ms with it on — target {target:.0f} ms: "
                      f"cache off **{'PASS' if worst_off['p95'] <= target else 'MISS'}**, "
                      f"cache on **{'PASS' if worst_on['p95'] <= target else 'MISS'}**.", ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="fr,100k", help="fr (the French data) and/or generated sizes (100k, 10k…)")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--json", default=str(ROOT / "benchmarks" / "out" / "portal.json"))
    args = ap.parse_args(argv)
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="tsc-portal-bench-") as tmp:
        work = Path(tmp)
        for size in args.sizes.split(","):
            store = build_store(size, work)
            results[size] = {}
            for mode, cache in (("cache off", False), ("cache on", True)):
                print(f"{size}: {mode} …", file=sys.stderr, flush=True)
                results[size][mode] = measure(store, args.runs, cache, work / f"server-{size}-{mode.replace(' ', '-')}.log")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=2))
    print(markdown(results, args.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
