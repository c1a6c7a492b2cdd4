"""What one curator's decision costs, and whether it grows with the moderation history.

    python benchmarks/decisions.py [--history 10,500] [--decisions 15] [--workers 0]

For each history size: an on-disk Oxigraph store with the French data (the way ``make serve`` holds it), a
moderation queue holding that many decided submissions (each approved, its graph in the store, the PROV-O
log published), then ``--decisions`` approvals of new pending submissions through the desk's route
(``POST /admin/submissions/<id>/approve`` with the admin token, Flask's test client: publication, change feed,
moderation log; mail off). Prints the median time per decision at each size and the ratio of the largest to the
smallest: a decision that reads or rewrites the whole log grows with it (issue "Hardening, round 3": 0.25 s at
the start, 0.49 s after 160 decisions, ~8 s after 5,000). ``--workers N`` gives the store N query worker
processes, as ``tsc-graph serve`` does: every write then also refreshes their replica.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR, provenance
from tsc_graph.moderation import APPROVED, PENDING, ModerationQueue, Submission
from tsc_graph.namespaces import DEFAULT_BASE_URI
from tsc_graph.store import GraphNamer, Source, expand_sources, open_store
from tsc_graph.web import create_app

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE.parent / "data"

TOKEN = "benchmark-token"
SLUG = "restauration-des-mangroves"
#: A project as the form writes it (its slug is replaced to make each submission a resource of its own).
TURTLE = f"""@prefix tsc: <https://w3id.org/tsc-graph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<{DEFAULT_BASE_URI}id/project/{SLUG}> a tsc:Project ;
    rdfs:label "Restauration des mangroves"@fr , "Mangrove restoration"@en ;
    dcterms:description "Un projet."@fr ;
    tsc:leadOrganisation <{DEFAULT_BASE_URI}id/actor/ofb> ;
    tsc:contributesTo <https://w3id.org/tsc-graph/vocab/gbf/target-02> ;
    dcterms:spatial <https://w3id.org/tsc-graph/vocab/country/GP> .
"""


def submission(n: int, state: str = PENDING) -> Submission:
    sub_id = f"{SLUG}-{n:06d}"
    return Submission(sub_id, f"{DEFAULT_BASE_URI}id/project/{sub_id}", f"{DEFAULT_BASE_URI}graph/submission/{sub_id}",
                      f"Restauration des mangroves {n}", TURTLE.replace(SLUG, sub_id), "contact@example.org", "fr",
                      {}, state, time.time())


def history(queue: ModerationQueue, store, size: int) -> None:
    """``size`` approved submissions, each graph loaded as an approval loads it (one store load each: the store's
    files grow as they would), and the log published once."""
    for n in range(size):
        sub = submission(n)
        queue.add(sub)
        queue.mark(sub.id, APPROVED, actor="alice", name="Alice Martin")
        store.load([Source(sub.id, data=sub.turtle.encode(), format="turtle")],
                   graph_for=GraphNamer(DEFAULT_BASE_URI, fixed=sub.graph_iri))
    if size:
        provenance.publish_log(queue, store, DEFAULT_BASE_URI)


def measure(size: int, decisions: int, workers: int) -> float:
    """Median seconds of one approval with ``size`` decided submissions in the history."""
    with tempfile.TemporaryDirectory(prefix="tsc-decisions-") as tmp:
        base = open_store(f"oxigraph:{tmp}/store")
        base.load(expand_sources([ONTOLOGY_DIR, REFERENCE_DIR, DATA_DIR / "fr"]),
                  graph_for=GraphNamer(DEFAULT_BASE_URI))
        queue = ModerationQueue(Path(tmp) / "store" / "moderation.sqlite3")
        history(queue, base, size)
        queue.close()
        base.close()
        store = open_store(f"oxigraph:{tmp}/store", query_workers=workers)
        try:
            app = create_app({"admin_token": TOKEN}, store=store)
            client = app.test_client()
            queue = app.extensions["tsc_moderation"]
            times = []
            for n in range(size, size + decisions):
                sub = submission(n)
                queue.add(sub)
                t0 = time.perf_counter()
                r = client.post(f"/admin/submissions/{sub.id}/approve",
                                headers={"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"})
                times.append(time.perf_counter() - t0)
                assert r.status_code == 200 and queue.get(sub.id).state == APPROVED, r.get_data(as_text=True)
            return statistics.median(times)
        finally:
            store.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--history", default="10,500", help="history sizes, comma-separated (default %(default)s)")
    ap.add_argument("--decisions", type=int, default=15, help="decisions timed per size (default %(default)s)")
    ap.add_argument("--workers", type=int, default=0, help="query worker processes of the store (default %(default)s)")
    args = ap.parse_args()
    sizes = [int(s) for s in re.split(r"[,\s]+", args.history.strip()) if s]
    medians = {}
    for size in sizes:
        medians[size] = measure(size, args.decisions, args.workers)
        print(f"history {size:>6}: median {medians[size] * 1000:8.1f} ms per decision ({args.decisions} decisions, "
              f"{args.workers} query workers)", flush=True)
    smallest, largest = min(sizes), max(sizes)
    print(f"ratio {largest} / {smallest}: {medians[largest] / medians[smallest]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
