"""Response times of the site search (/search, /api/search; tsc_graph/search.py) at the shipped data size, and
at a generated size (benchmarks/generate.py).

    python benchmarks/search.py [--sizes fr,100k] [--runs 200]

For each dataset an in-memory store holds the ontology, the reference vocabularies, the French and demonstration
data (plus the generated graph), and a Flask app is built on it (in-process: what is measured is the search and
its page, not the HTTP stack, which benchmarks/portal.py measures). Reported: the index build (the cost of the
first search after a write), then the median and p95 of ``--runs`` searches of the HTML page, of the suggestions
API, and of the index alone. The searches are a few fixed ones (accents, acronyms, target numbers) and words of
the data's own titles, drawn with a fixed seed.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
from tsc_graph.config import DEFAULT_BASE_URI
from tsc_graph.search import match_expression
from tsc_graph.store import GraphNamer, expand_sources, open_store
from tsc_graph.web import create_app

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"

FIXED = ["réunion", "REUNION", "ofb", "cible 6", "T6", "biodiversité", "forêt sèche", "récifs coralliens",
         "espèces exotiques envahissantes", "formation", "madagascar", "mangrove"]
HEADERS = {"Accept": "text/html", "Accept-Language": "fr"}


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def dataset(size: str) -> list[Path]:
    sources = [ONTOLOGY_DIR, REFERENCE_DIR, DATA_DIR / "fr", DATA_DIR / "demo"]
    if size != "fr":
        data = ROOT / "benchmarks" / "out" / "data" / f"tsc-{size}.nt"
        if not data.exists():
            data.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--triples", size,
                            "--out", str(data)], check=True, cwd=ROOT)
        sources.append(data)
    return sources


def searches(store, runs: int) -> list[str]:
    """The fixed searches, then words of the data's titles (seeded), ``runs`` in all."""
    rows = store.query("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX tsc: "
                       "<https://w3id.org/tsc-graph/ontology#> SELECT ?l WHERE { ?s a tsc:Project ; rdfs:label ?l }")
    words = sorted({w for r in rows.bindings for w in str(r["l"]).split() if len(w) > 3 and w.isalpha()})
    rng = random.Random(7)
    drawn = [" ".join(rng.sample(words, rng.choice((1, 1, 2)))) for _ in range(runs)]
    return (FIXED + drawn)[:runs]


def timed(call, queries: list[str]) -> list[float]:
    times = []
    for q in queries:
        start = time.perf_counter()
        call(q)
        times.append((time.perf_counter() - start) * 1000)
    return times


def run(size: str, runs: int) -> dict:
    store = open_store("memory:")
    store.load(expand_sources(dataset(size)), graph_for=GraphNamer(DEFAULT_BASE_URI))
    app = create_app({"store": "memory:"}, store=store)
    client, index = app.test_client(), app.extensions["tsc_search"]
    start = time.perf_counter()
    index.counts(match_expression("x"))  # builds the index
    build = (time.perf_counter() - start) * 1000
    queries = searches(store, runs)

    def page(q: str) -> None:
        assert client.get("/search", query_string={"q": q}, headers=HEADERS).status_code == 200

    def api(q: str) -> None:
        assert client.get("/api/search", query_string={"q": q}).status_code == 200

    def alone(q: str) -> None:
        expression = match_expression(q)
        index.counts(expression)
        index.search(expression, limit=90, per_kind=10)

    page(queries[0])  # templates compiled, layout cached
    result = {"size": size, "quads": store.count(), "build ms": round(build)}
    for name, call in (("page", page), ("api", api), ("index", alone)):
        times = timed(call, queries)
        result[f"{name} p50 ms"] = round(statistics.median(times), 2)
        result[f"{name} p95 ms"] = round(pct(times, 95), 2)
    store.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="fr", help="comma-separated: fr (shipped data), or a generated size (100k)")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    results = [run(size, args.runs) for size in args.sizes.split(",")]
    columns = list(results[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for r in results:
        print("| " + " | ".join(str(r[c]) for c in columns) + " |")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
