"""``tsc-graph import-chm`` / ``export-chm`` end to end, through tsc_graph.cli.main, on a temporary Oxigraph store."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from tsc_graph.chm.doc import render_mapping
from tsc_graph.cli import main
from tsc_graph.store import open_store

FIXTURES = Path(__file__).parent / "fixtures" / "chm"
RECORDS, THESAURUS, PROBLEMS = FIXTURES / "records", FIXTURES / "thesaurus", FIXTURES / "problems"
BASE = "https://fr.chm-cbd.net/tsc/"
DOC = Path(__file__).parent.parent / "docs" / "chm-mapping.md"


@pytest.fixture
def store(tmp_path):
    return f"oxigraph:{tmp_path / 'store'}"


def run(store, *argv):
    return main(["--store", store, "--base-uri", BASE, *map(str, argv)])


def graph_of(store, name) -> Graph:
    with open_store(store) as s:
        return s.to_rdflib(name)


def test_import_records_and_thesaurus(store, capsys):
    assert run(store, "import-chm", RECORDS, THESAURUS, "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["conforms"] and report["loaded"] and report["validated"]
    assert report["graph"] == BASE + "graph/chm-import"
    assert sum(report["records"].values()) == 16
    assert report["thesaurus"]["concepts"] == 12
    assert {i["kind"] for i in report["issues"]} == {"not-mapped"}
    with open_store(store) as s:
        assert s.graphs() == [BASE + "graph/chm-import"]


def test_default_graph_is_named_after_the_input(store, capsys):
    assert run(store, "import-chm", RECORDS) == 0
    with open_store(store) as s:
        assert s.graphs() == [BASE + "graph/chm-records"]
    assert run(store, "import-chm", RECORDS) == 0  # re-import replaces: idempotent
    with open_store(store) as s:
        assert s.graphs() == [BASE + "graph/chm-records"]


def test_round_trip_through_the_store(store, tmp_path, capsys):
    assert run(store, "import-chm", RECORDS, "--graph", "urn:x:first") == 0
    out = tmp_path / "out"
    assert run(store, "export-chm", "-o", out) == 0
    files = sorted(out.glob("*.json"))
    assert len(files) == 16
    # --no-validate: the same records in two graphs would rightly violate "exactly one contact point" in the union
    assert run(store, "import-chm", out, "--graph", "urn:x:second", "--no-validate") == 0
    assert isomorphic(graph_of(store, "urn:x:first"), graph_of(store, "urn:x:second"))


def test_export_to_stdout_and_type_filter(store, capsys):
    assert run(store, "import-chm", RECORDS) == 0
    capsys.readouterr()
    assert run(store, "export-chm", "--type", "bbiRequest", "--type", "bbiOpportunity") == 0
    records = json.loads(capsys.readouterr().out)
    assert sorted({r["header"]["schema"] for r in records}) == ["bbiOpportunity", "bbiRequest"]
    assert len(records) == 4
    req = next(r for r in records if r["header"]["identifier"] == "B5C7D9E1-2F4A-4C6B-9D8E-0A1B2C3D4E51")
    assert req["title"]["fr"].startswith("Formation") and req["country"] == {"identifier": "bj"}
    assert {"identifier": "GBF-TARGET-06"} in req["gbfTargets"]


def test_export_of_native_french_data(store, capsys):
    """The node's own Turtle data exports as records too (and re-imports)."""
    root = Path(__file__).parent.parent
    assert main(["--store", store, "load", "--no-progress", str(root / "data" / "fr" / "actors.ttl")]) == 0
    capsys.readouterr()
    assert run(store, "export-chm", "--type", "organization") == 0
    records = json.loads(capsys.readouterr().out)
    mnhn = next(r for r in records if r["header"]["identifier"] == "mnhn")
    assert mnhn["country"] == {"identifier": "fr"} and mnhn["name"]["fr"]


def test_violation_report_names_record_and_field(store, capsys):
    code = run(store, "import-chm", RECORDS, PROBLEMS / "end-before-start.json", "--format", "json")
    assert code == 1
    report = json.loads(capsys.readouterr().out)
    assert report["loaded"] and not report["conforms"]
    v = [x for x in report["violations"] if x["field"] == "startDate"]
    assert v and v[0]["record"] == "9A8B7C6D-5E4F-4A3B-8C2D-1E0F9A8B7C91"
    assert v[0]["file"].endswith("end-before-start.json")
    assert v[0]["message_fr"] and v[0]["message_en"]


def test_violation_report_text(store, capsys):
    assert run(store, "import-chm", RECORDS, PROBLEMS / "end-before-start.json") == 1
    out = capsys.readouterr().out
    assert "record 9A8B7C6D-5E4F-4A3B-8C2D-1E0F9A8B7C91 field startDate" in out


def test_reject_invalid_loads_nothing(store, capsys):
    assert run(store, "import-chm", PROBLEMS / "end-before-start.json", RECORDS, "--reject-invalid") == 1
    with open_store(store) as s:
        assert s.graphs() == []


def test_missing_required_field_is_traced_to_the_field(store, tmp_path, capsys):
    rec = json.loads((PROBLEMS / "end-before-start.json").read_text())
    del rec["implementingAgencies"]
    rec["endDate"] = "2025-12-31"
    f = tmp_path / "no-lead.json"
    f.write_text(json.dumps(rec))
    assert run(store, "import-chm", f, "--format", "json", "--dry-run") == 1
    report = json.loads(capsys.readouterr().out)
    fields = {v["field"] for v in report["violations"]}
    assert "implementingAgencies" in fields
    assert not report["loaded"]


def test_unknown_fields_reported(store, capsys):
    assert run(store, "import-chm", PROBLEMS / "unknown-fields.json", "--format", "json") == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    unknown = {(i["record"], i["field"]) for i in report["issues"] if i["kind"] == "unknown-field"}
    uid = "0C1D2E3F-4A5B-4C6D-8E7F-9A0B1C2D3E81"
    assert unknown == {(uid, "facebookPage"), (uid, "foundedYear"), (uid, "header.revision"), (uid, "websites.name")}
    assert "issue(s)" in captured.err


def test_strict_fails_on_unknown_fields(store, capsys):
    assert run(store, "import-chm", PROBLEMS / "unknown-fields.json", "--strict") == 2
    assert "--strict" in capsys.readouterr().err
    with open_store(store) as s:
        assert s.graphs() == []


def test_malformed_json_exit_2(store, capsys):
    assert run(store, "import-chm", RECORDS, PROBLEMS / "malformed.json") == 2
    err = capsys.readouterr().err
    assert "malformed.json:4:1" in err and "malformed JSON" in err
    with open_store(store) as s:
        assert s.graphs() == []  # nothing written: every file is read before anything is loaded


def test_not_a_record(store, tmp_path, capsys):
    f = tmp_path / "x.json"
    f.write_text('{"hello": "world"}')
    assert run(store, "import-chm", f) == 2
    assert "neither a clearing-house record" in capsys.readouterr().err


def test_unknown_record_type_and_bad_values_reported(store, tmp_path, capsys):
    f = tmp_path / "odd.json"
    f.write_text(json.dumps([
        {"header": {"identifier": "Z1", "schema": "meetingDocument"}},
        {"header": {"identifier": "Z2", "schema": "organization", "languages": ["en"]}, "name": {"en": "Z"},
         "organizationType": {"identifier": "ngo"}, "country": {"identifier": "zz-region"},
         "emails": ["not-an-email"], "contacts": [{"identifier": "CONTACT-1"}]},
    ]))
    assert run(store, "import-chm", f, "--format", "json", "--dry-run") == 1
    issues = {(i["record"], i["field"], i["kind"]) for i in json.loads(capsys.readouterr().out)["issues"]}
    assert ("Z1", "header.schema", "bad-record") in issues
    assert ("Z2", "emails", "bad-value") in issues
    assert ("Z2", "country", "unmapped-term") in issues
    assert ("Z2", "contacts", "bad-value") in issues


def test_thesaurus_flag(store, tmp_path, capsys):
    shutil.copy(THESAURUS / "thesaurus.json", tmp_path / "t.json")
    assert run(store, "import-chm", "--thesaurus", tmp_path / "t.json") == 0
    assert "Thesaurus: 12 concept(s)" in capsys.readouterr().out
    with open_store(store) as s:
        assert s.graphs() == [BASE + "graph/chm-t"]


def test_mapping_doc_is_in_sync():
    assert DOC.read_text(encoding="utf-8") == render_mapping(), "run: python -m tsc_graph.chm.doc > docs/chm-mapping.md"
