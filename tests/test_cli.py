"""The ``tsc-graph`` command line as a user runs it: real subprocesses, exit codes, messages."""
from __future__ import annotations

import csv
import gzip
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

ROOT = Path(__file__).resolve().parent.parent


def cli(*args, store=None, check=None, input=None):
    cmd = [sys.executable, "-m", "tsc_graph.cli"]
    if store is not None:
        cmd += ["--store", f"oxigraph:{store}"]
    proc = subprocess.run(cmd + list(args), cwd=ROOT, capture_output=True, text=True, timeout=300, input=input,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    if check is not None:
        assert proc.returncode == check, proc.stderr + proc.stdout
    return proc


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    store = tmp_path_factory.mktemp("cli") / "store"
    cli("load", "--no-progress", "tsc_graph/ontology", "tsc_graph/reference", "data/fr", "data/demo", store=store, check=0)
    return store


def test_load_reports_graphs_and_totals(loaded):
    out = cli("graphs", store=loaded, check=0).stdout
    names = [line.split()[1] for line in out.splitlines()]
    assert "https://fr.chm-cbd.net/tsc/graph/projects" in names
    assert "https://fr.chm-cbd.net/tsc/graph/gbf" in names
    assert "https://fr.chm-cbd.net/tsc/graph/tsc" in names


def test_load_is_idempotent(tmp_path):
    store = tmp_path / "s"
    first = cli("load", "--no-progress", "tsc_graph/reference/gbf.ttl", store=store, check=0)
    second = cli("load", "--no-progress", "tsc_graph/reference/gbf.ttl", store=store, check=0)
    assert second.stdout.splitlines() == [line + "  (unchanged, kept)" for line in first.stdout.splitlines()]
    assert "store now holds" in second.stderr


def test_a_dataset_file_is_refused_with_advice_that_works(tmp_path):
    """load puts each file into one graph: N-Quads/TriG are refused (exit 2, store untouched), and the message's
    advice — export each graph, load it with --graph — is what the commands really do (there is no --dataset)."""
    source = tmp_path / "source"
    cli("load", "--no-progress", "tsc_graph/reference/gbf.ttl", store=source, check=0)
    graph = "https://fr.chm-cbd.net/tsc/graph/gbf"
    dataset = tmp_path / "all.nq"
    cli("export", "-o", str(dataset), store=source, check=0)
    store = tmp_path / "s"
    proc = cli("load", "--no-progress", str(dataset), store=store, check=2)
    assert "--dataset" not in proc.stderr
    assert f"{dataset}: nquads holds named graphs" in proc.stderr
    assert "`tsc-graph export --graph IRI -o graph.ttl`" in proc.stderr
    assert "`tsc-graph load graph.ttl --graph IRI`" in proc.stderr
    one = tmp_path / "graph.ttl"
    cli("export", "--graph", graph, "-o", str(one), store=source, check=0)
    cli("load", "--no-progress", str(one), "--graph", graph, store=store, check=0)
    assert cli("graphs", store=store, check=0).stdout == cli("graphs", store=source, check=0).stdout


def test_malformed_file_exit_2_names_file_and_line_store_unchanged(tmp_path, loaded):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "oops .\n')
    store = tmp_path / "s"
    cli("load", "--no-progress", "tsc_graph/reference/gbf.ttl", store=store, check=0)
    before = cli("export", "-f", "nquads", store=store, check=0).stdout
    proc = cli("load", "--no-progress", "tsc_graph/reference/cbd.ttl", str(bad), store=store, check=2)
    assert f"{bad}:3" in proc.stderr and "error" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert cli("export", "-f", "nquads", store=store, check=0).stdout == before


@pytest.mark.parametrize("damage", ["truncated", "corrupt"])
def test_damaged_gzip_exit_2_names_file_and_reason_store_unchanged(tmp_path, damage):
    """Issue #11: a truncated .ttl.gz printed a traceback and exited 1."""
    packed = gzip.compress((ROOT / "data/fr/actors.ttl").read_bytes())
    bad = tmp_path / "actors.ttl.gz"
    if damage == "truncated":
        bad.write_bytes(packed[: len(packed) // 2])
    else:
        bad.write_bytes(packed[:20] + bytes(b ^ 0x5A for b in packed[20:200]) + packed[200:])
    store = tmp_path / "s"
    cli("load", "--no-progress", "tsc_graph/reference/gbf.ttl", store=store, check=0)
    before = cli("export", "-f", "nquads", store=store, check=0).stdout
    proc = cli("load", "--no-progress", str(bad), store=store, check=2)
    assert f"{bad}: " in proc.stderr and "gzip" in proc.stderr and "Traceback" not in proc.stderr
    assert cli("export", "-f", "nquads", store=store, check=0).stdout == before


@pytest.mark.parametrize("content", [b"", b"# nothing yet\n@prefix ex: <http://example.org/> .\n", "gzip-empty"])
def test_empty_file_does_not_empty_its_graph_unless_asked(tmp_path, content):
    store = tmp_path / "s"
    cli("load", "--no-progress", "tsc_graph/reference/gbf.ttl", store=store, check=0)
    before = cli("graphs", store=store, check=0).stdout
    empty = tmp_path / ("gbf.ttl.gz" if content == "gzip-empty" else "gbf.ttl")
    empty.write_bytes(gzip.compress(b"") if content == "gzip-empty" else content)
    proc = cli("load", "--no-progress", str(empty), store=store, check=2)
    assert f"{empty}: no triples" in proc.stderr and "graph/gbf>" in proc.stderr and "--allow-empty" in proc.stderr
    assert cli("graphs", store=store, check=0).stdout == before
    cli("load", "--no-progress", "--allow-empty", str(empty), store=store, check=0)
    assert "graph/gbf" not in cli("graphs", store=store, check=0).stdout


def test_missing_file_and_unknown_format(tmp_path):
    proc = cli("load", "nope.ttl", store=tmp_path / "s", check=2)
    assert "nope.ttl: no such file" in proc.stderr
    (tmp_path / "notes.txt").write_text("x")
    proc = cli("load", str(tmp_path / "notes.txt"), store=tmp_path / "s", check=2)
    assert "unknown RDF format" in proc.stderr


def test_validate_shipped_data_conforms():
    proc = cli("validate", "tsc_graph/reference", "data/fr", check=0)
    assert proc.stdout.startswith("Conforms")


def test_validate_broken_data_exit_1_with_report_formats(tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text(
        """@prefix tsc: <https://w3id.org/tsc-graph/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://fr.chm-cbd.net/tsc/id/project/broken> a tsc:Project ;
    rdfs:label "Projet cassé"@fr, "Broken project"@en ;
    schema:startDate "2024-05-01"^^xsd:date ; schema:endDate "2023-01-01"^^xsd:date .
"""
    )
    text = cli("validate", str(bad), check=1).stdout
    assert text.startswith("Does not conform")
    assert "https://fr.chm-cbd.net/tsc/id/project/broken" in text
    fr = cli("validate", "--lang", "fr", str(bad), check=1).stdout
    assert fr != text
    report = json.loads(cli("validate", "-f", "json", str(bad), check=1).stdout)
    assert report["conforms"] is False
    assert {v["focus"] for v in report["violations"]} == {"https://fr.chm-cbd.net/tsc/id/project/broken"}
    assert all(v["message_en"] and v["message_fr"] for v in report["violations"])
    assert any(v["path"] == "https://schema.org/startDate" for v in report["violations"])
    g = Graph().parse(data=cli("validate", "-f", "turtle", str(bad), check=1).stdout, format="turtle")
    assert len(g) > 0


def test_validate_store_content(loaded):
    assert cli("validate", store=loaded, check=0).stdout.startswith("Conforms")


def test_validate_unparseable_file_exit_2(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle")
    proc = cli("validate", str(bad), check=2)
    assert str(bad) in proc.stderr


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_query_output_formats(loaded, fmt):
    out = cli("query", "projects-per-gbf-target", "-f", fmt, store=loaded, check=0).stdout
    if fmt == "json":
        rows = json.loads(out)
        assert len(rows) == 23 and rows[5]["notation"] == "GBF-TARGET-06"
    elif fmt in ("csv", "tsv"):
        rows = list(csv.reader(io.StringIO(out), delimiter="," if fmt == "csv" else "\t"))
        assert rows[0][:3] == ["target", "notation", "number"] and len(rows) == 24
    else:
        lines = out.splitlines()
        assert lines[0].split()[:3] == ["target", "notation", "number"] and len(lines) == 25


def test_query_with_parameter_and_file(loaded, tmp_path):
    out = cli("query", "projects-for-target", "-p", "target=https://w3id.org/tsc-graph/vocab/gbf/target-20", "-f", "json",
              store=loaded, check=0).stdout
    assert len(json.loads(out)) >= 2
    rq = tmp_path / "mine.rq"
    rq.write_text("PREFIX tsc: <https://w3id.org/tsc-graph/ontology#>\nASK { ?t a tsc:GBFTarget }")
    assert cli("query", str(rq), store=loaded, check=0).stdout.strip() == "true"
    assert "projects-per-gbf-target" in cli("query", "--list", store=loaded, check=0).stdout


def test_query_errors_exit_2(loaded, tmp_path):
    assert "no named query 'nope'" in cli("query", "nope", store=loaded, check=2).stderr
    rq = tmp_path / "bad.rq"
    rq.write_text("SELEC ?x WHERE { ?x ?y ?z }")
    assert "SPARQL syntax error" in cli("query", str(rq), store=loaded, check=2).stderr


@pytest.mark.parametrize("fmt,parser", [("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld"), ("rdfxml", "xml")])
def test_export_formats(loaded, fmt, parser):
    out = cli("export", "-f", fmt, "--graph", "https://fr.chm-cbd.net/tsc/graph/gbf", store=loaded, check=0).stdout
    g = Graph().parse(data=out, format=parser)
    assert len(g) > 200


def test_export_gzip_file(loaded, tmp_path):
    target = tmp_path / "dump.nt.gz"
    cli("export", "-o", str(target), store=loaded, check=0)
    with gzip.open(target, "rt") as f:
        assert sum(1 for _ in f) > 2000


def test_export_unknown_graph_exit_2(loaded):
    assert "no named graph" in cli("export", "--graph", "http://nope", store=loaded, check=2).stderr


def test_store_in_use_gives_clear_error(tmp_path):
    store = tmp_path / "busy"
    code = f"from tsc_graph.store import open_store; s = open_store('oxigraph:{store}'); print('ready', flush=True); input()"
    holder = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        proc = cli("graphs", store=store, check=1)
        assert "open in another process" in proc.stderr
    finally:
        holder.communicate("\n", timeout=30)
