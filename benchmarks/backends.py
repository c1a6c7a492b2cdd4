"""Embedded Oxigraph vs an external Virtuoso, same data, same run: load time and query latency.

    python benchmarks/backends.py [--sizes 10k 100k] [--repeat 5]

Generates the synthetic data with benchmarks/generate.py, starts a throw-away Virtuoso (tests/virtuoso.py;
needs virtuoso-t, see .ci/install-virtuoso), loads ontology + reference vocabularies + the synthetic graph into
each backend through the Store interface (so Virtuoso numbers include local parsing, the upload and the
staging swap), then times a few named queries through ``query_serialized`` (what the endpoint calls).
Prints medians and the Virtuoso/Oxigraph ratio.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
from tsc_graph.queries import named_queries
from tsc_graph.store import GraphNamer, expand_sources, open_store

ROOT = Path(__file__).resolve().parent.parent

# the test suite's Virtuoso fixture (tests/virtuoso.py), not a module of the package
sys.path.insert(0, str(ROOT / "tests"))
from virtuoso import VirtuosoServer, find_virtuoso  # noqa: E402

QUERIES = {
    "count-all": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "ask-target": "ASK { ?p <https://w3id.org/tsc-graph/ontology#contributesTo> <https://w3id.org/tsc-graph/vocab/gbf/target-03> }",
    "lookup-one": "SELECT ?p ?o WHERE { <https://w3id.org/tsc-graph/vocab/gbf/target-03> ?p ?o }",
}
NAMED = ["projects-per-gbf-target", "actors-per-country"]


def data_file(size: str, out: Path) -> Path:
    f = out / f"tsc-{size}.nt"
    if not f.exists():
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--triples", size, "--out", str(f)], check=True)
    return f


def timed(fn, repeat, warmup: bool = False):
    """Median seconds of ``repeat`` calls (after one unmeasured call if ``warmup``)."""
    if warmup:
        fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", nargs="+", default=["10k", "100k"])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    exe, reason = find_virtuoso()
    if exe is None:
        print(reason, file=sys.stderr)
        return 1
    out = ROOT / "benchmarks" / "out" / "data"
    out.mkdir(parents=True, exist_ok=True)
    server = VirtuosoServer.start(exe, buffers=170000)  # ~1.3 GB of buffers, Virtuoso's advice for 2-4 GB RAM
    os.environ.update(server.env)
    queries = dict(QUERIES)
    nq = named_queries()
    queries.update({n: nq[n].text for n in NAMED if n in nq})
    rows = []
    try:
        for size in args.sizes:
            sources = expand_sources([ONTOLOGY_DIR, REFERENCE_DIR, data_file(size, out)])
            tmp = Path(tempfile.mkdtemp(prefix="bench-"))
            stores = {"oxigraph": open_store(f"oxigraph:{tmp / 'store'}"), "virtuoso": open_store(server.spec)}
            for s in stores["virtuoso"].sync_registry():
                stores["virtuoso"].drop_graph(s)
            res = {}
            for name, store in stores.items():
                namer = GraphNamer("https://fr.chm-cbd.net/tsc/")
                load = timed(lambda: store.load(sources, graph_for=namer), 3 if size != "100k" else 2)
                res[(name, "load (replace all graphs)")] = load
                n = store.count()
                for qn, q in queries.items():
                    store.query_serialized(q)  # warm-up
                    res[(name, f"query {qn}")] = timed(lambda: store.query_serialized(q), args.repeat)
                print(f"# {size}: {name} holds {n} quads", file=sys.stderr)
            for what in sorted({k[1] for k in res}, key=lambda w: (not w.startswith("load"), w)):
                a, b = res[("oxigraph", what)], res[("virtuoso", what)]
                rows.append((size, what, a, b, b / a if a else float("nan")))
            for s in stores.values():
                s.close()
    finally:
        server.stop()
    print(f"{'size':<6} {'operation':<36} {'oxigraph':>10} {'virtuoso':>10} {'ratio':>7}")
    for size, what, a, b, r in rows:
        print(f"{size:<6} {what:<36} {a * 1000:>8.1f}ms {b * 1000:>8.1f}ms {r:>6.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
