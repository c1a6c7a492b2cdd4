"""The benchmark keeps working (no timing assertions): generator validity and a 10k smoke run of benchmarks/run.py."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from checkout import script_module

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
generate = script_module("benchmarks/generate.py")


def test_generator_is_deterministic_and_reaches_the_size(tmp_path):
    a, b, c = tmp_path / "a.nt", tmp_path / "b.nt", tmp_path / "c.nt"
    stats = generate.generate(3000, a, seed=1)
    generate.generate(3000, b, seed=1)
    generate.generate(3000, c, seed=2)
    def digest(p):
        return hashlib.sha256(p.read_bytes()).hexdigest()

    assert digest(a) == digest(b)
    assert digest(a) != digest(c)
    lines = [line for line in a.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) == stats["triples"]
    assert 3000 <= stats["triples"] < 3000 + 500  # whole blocks, a little past the target
    assert stats["projects"] >= stats["actors"]  # 1 actor : 2 projects


def test_generated_10k_graph_conforms_to_the_shapes(tmp_path):

    from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
    from tsc_graph.validation import load_rdf_files, validate

    data = tmp_path / "tsc-10k.nt"
    generate.generate(10_000, data)
    graph = load_rdf_files([data])
    load_rdf_files([ONTOLOGY_DIR, REFERENCE_DIR], into=graph)
    report = validate(graph)
    assert report.conforms, report.to_text()[:3000]


SECTIONS = [
    "== load (bulk, on-disk store)",
    "== named queries: direct engine vs HTTP endpoint",
    "== HTTP throughput",
    "== rdflib in-memory engine",
    "== SHACL validation",
    "== peak memory",
    "== targets",
]


@pytest.mark.slow  # a benchmark smoke run (servers, every query set): `make test-fast` skips it
@pytest.mark.timeout(240)
def test_benchmark_smoke_run_at_10k(tmp_path):
    """A complete, small run: every section printed, every named query answered by every engine, JSON written."""
    out = tmp_path / "results.json"
    cmd = [sys.executable, str(BENCH / "run.py"), "--sizes", "10k", "--runs", "1", "--work-dir", str(tmp_path / "work"),
           "--out", str(out), "--clients", "4", "--requests", "200", "--throughput-cap", "5",
           "--rdflib-cap", "5", "--rdflib-budget", "20", "--shacl-runs", "1"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=220)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    for section in SECTIONS:
        assert section in proc.stdout, f"missing section {section!r}\n{proc.stdout[-3000:]}"
    doc = json.loads(out.read_text())
    (result,) = doc["results"]
    assert result["load"]["triples"] >= 10_000
    assert result["shacl"]["conforms"] is True
    queries = result["queries"]
    assert queries, "no named query was run"
    for name, q in queries.items():
        assert q["direct"] is not None, name
        if "http_rows" in q:  # the endpoint and the engine agree on the answer
            assert q["http_rows"] == q["rows"], name
    if "SKIPPED" not in proc.stdout:  # the server exists: the endpoint was measured on every query
        assert all(q.get("http") is not None for q in queries.values()), [n for n, q in queries.items() if not q.get("http")]
        assert result["throughput"] and all(t["errors"] == 0 for t in result["throughput"])
    assert {v["target"] for v in doc["verdicts"]}


@pytest.mark.slow  # a benchmark smoke run: `make test-fast` skips it
@pytest.mark.timeout(240)
def test_decisions_benchmark_smoke_run():
    """benchmarks/decisions.py runs and prints a median per history size and their ratio."""
    r = subprocess.run([sys.executable, str(BENCH / "decisions.py"), "--history", "1,3", "--decisions", "2"],
                       capture_output=True, text=True, timeout=240, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    lines = r.stdout.strip().splitlines()
    assert [line.split(":")[0].split() for line in lines[:2]] == [["history", "1"], ["history", "3"]]
    assert lines[-1].startswith("ratio 3 / 1: ")
