"""``tsc-graph import-chm`` / ``export-chm`` end to end, through tsc_graph.cli.main, on a temporary Oxigraph store."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tsc_graph.chm.doc import render_mapping
from tsc_graph.chm.importer import canonical, resource_iri
from tsc_graph.chm.reader import read
from tsc_graph.cli import main
from tsc_graph.store import open_store

FIXTURES = Path(__file__).parent / "fixtures" / "chm"
RECORDS, ENVELOPES, THESAURUS, PROBLEMS = FIXTURES / "records", FIXTURES / "envelopes", FIXTURES / "thesaurus", FIXTURES / "problems"
BASE = "https://fr.chm-cbd.net/tsc/"
DOC = Path(__file__).parent.parent / "docs" / "chm-mapping.md"
CDI = "EBC2DAD5-04C8-0530-6D58-C949CAECD809"
AGENCY = "2C86F905-B244-8FDD-4988-5088C023BDE9"

#: The violations the documented examples give, and why: the Secretariat's documentation does not publish the
#: titles of the initiative statuses nor the Bio-Bridge assistance types (no crosswalk to tscv:status /
#: tscv:support-type), and Bio-Bridge profiles have no subject field (the shapes want a thematic area).
EXPECTED_VIOLATION_FIELDS = {"status", "assistanceTypes", None}


@pytest.fixture
def store(tmp_path):
    return f"oxigraph:{tmp_path / 'store'}"


def run(store, *argv):
    return main(["--store", store, "--base-uri", BASE, *map(str, argv)])


def graphs(store):
    with open_store(store) as s:
        return s.graphs()


def ask(store, query: str) -> list[dict]:
    with open_store(store) as s:
        return s.query(query).bindings


def test_import_records_envelopes_and_thesaurus(store, capsys):
    assert run(store, "import-chm", RECORDS, ENVELOPES, THESAURUS, "--format", "json") == 1
    report = json.loads(capsys.readouterr().out)
    assert report["loaded"] and report["validated"] and not report["conforms"]
    assert report["graph"] == BASE + "graph/chm-import"
    assert report["records"] == {"organization": 4, "capacityBuildingInitiative": 2, "stakeholderCommitment": 2,
                                 "nationalTarget7": 2, "bbiRequest": 1, "bbiProfile": 2, "bbiOpportunity": 1,
                                 "contact": 3, "bbiContact": 1, "resource": 1, "nbsap": 1, "focalPoint": 1,
                                 "nationalTarget": 1}
    assert report["thesaurus"]["concepts"] == 3
    assert {i["kind"] for i in report["issues"]} == {"unknown-term", "unmapped-term"}
    assert {v["field"] for v in report["violations"]} == EXPECTED_VIOLATION_FIELDS
    assert "areasOfWork" in report["kept"]["organization"]
    assert graphs(store) == [BASE + "graph/chm-import"]


def test_default_graph_is_named_after_the_input(store, capsys):
    run(store, "import-chm", RECORDS)
    assert graphs(store) == [BASE + "graph/chm-records"]
    run(store, "import-chm", RECORDS)  # re-import replaces: idempotent
    assert graphs(store) == [BASE + "graph/chm-records"]


def test_round_trip_through_the_store_is_lossless(store, tmp_path, capsys):
    """import → export gives back every record byte for byte (JSON values, key order aside); export → import → export too."""
    source = {it.uid: it.record for it in read([RECORDS, ENVELOPES]).records}
    run(store, "import-chm", RECORDS, ENVELOPES, "--graph", "urn:x:first")
    first = tmp_path / "first"
    assert run(store, "export-chm", "--graph", "urn:x:first", "-o", first) == 0
    exported = {json.loads(f.read_text())["header"]["identifier"]: json.loads(f.read_text()) for f in first.glob("*.json")}
    assert set(exported) == set(source)
    for uid, record in source.items():
        assert canonical(exported[uid]) == canonical(record), uid
    assert (first / f"{CDI}.json").exists()  # file names keep the identifier's case
    run(store, "import-chm", first, "--graph", "urn:x:second", "--no-validate")
    second = tmp_path / "second.json"
    assert run(store, "export-chm", "--graph", "urn:x:second", "-o", second) == 0
    again = {r["header"]["identifier"]: r for r in json.loads(second.read_text())}
    assert {uid: canonical(r) for uid, r in again.items()} == {uid: canonical(r) for uid, r in source.items()}


LINKS = f"""PREFIX tsc: <https://w3id.org/tsc-graph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?lead ?name WHERE {{ <{resource_iri(BASE, 'project', CDI)}> tsc:leadOrganisation ?lead .
                           ?lead a tsc:Actor ; rdfs:label ?name }}"""


@pytest.mark.parametrize("order", ["initiative first", "organisations first"])
def test_links_resolve_whatever_the_import_order(store, tmp_path, capsys, order):
    data = json.loads((RECORDS / "initiatives.json").read_text())
    initiative = tmp_path / "initiative.json"
    initiative.write_text(json.dumps(next(r for r in data["Items"] if r["header"]["identifier"] == CDI)))
    steps = [initiative, RECORDS / "organizations.json"]
    if order == "organisations first":
        steps.reverse()
    for path in steps:
        run(store, "import-chm", path)
    rows = ask(store, LINKS)
    assert {str(r["lead"]) for r in rows} == {str(resource_iri(BASE, "actor", AGENCY))}
    assert sorted(str(r["name"]) for r in rows) == ["Secretariat of the Convention on Biological Diversity",
                                                    "Secrétariat de la Convention sur la diversité biologique"]
    capsys.readouterr()
    assert run(store, "export-chm", "--type", "capacityBuildingInitiative") == 0
    [record] = json.loads(capsys.readouterr().out)
    assert record["implementingAgencies"] == [{"identifier": f"{AGENCY}@1"}]  # case and revision as written


def test_export_to_stdout_and_type_filter(store, capsys):
    run(store, "import-chm", RECORDS)
    capsys.readouterr()
    assert run(store, "export-chm", "--type", "bbiRequest", "--type", "contact") == 0
    records = json.loads(capsys.readouterr().out)
    assert sorted({r["header"]["schema"] for r in records}) == ["bbiRequest", "contact"]
    assert len(records) == 4


def test_illustrative_french_data_is_left_out_unless_asked(store, capsys):
    """The node's own Turtle data exports as records too; illustrative resources only on request, and marked."""
    root = Path(__file__).parent.parent
    assert main(["--store", store, "load", "--no-progress", str(root / "data" / "fr" / "actors.ttl"),
                 str(root / "data" / "demo" / "demo.ttl")]) == 0
    capsys.readouterr()
    assert run(store, "export-chm", "--type", "organization") == 0
    out = capsys.readouterr()
    public = json.loads(out.out)
    assert public and all("tscEvidence" not in r for r in public)
    assert "illustrative left out" in out.err
    assert run(store, "export-chm", "--type", "organization", "--include-illustrative") == 0
    everything = json.loads(capsys.readouterr().out)
    marked = [r for r in everything if r.get("tscEvidence") == "illustrative"]
    assert marked and len(everything) == len(public) + len(marked)
    mnhn = next(r for r in everything if r["header"]["identifier"] == "mnhn")
    assert mnhn["country"] == {"identifier": "fr"} and mnhn["name"]["fr"]


def test_harvested_records_are_not_exported_as_this_nodes_own(store, tmp_path, capsys):
    """A harvested copy ({base}graph/node/…) holds a peer's records: export-chm leaves them out unless asked
    (--graph naming the copy, or --include-harvested), and then gives them back with the peer's source record."""
    harvested = BASE + "graph/node/es"
    run(store, "import-chm", RECORDS / "contacts.json")
    run(store, "import-chm", RECORDS / "nbsaps.json", "--graph", harvested)
    capsys.readouterr()
    own = {it.uid for it in read([RECORDS / "contacts.json"]).records}
    peer = read([RECORDS / "nbsaps.json"]).records[0].record

    assert run(store, "export-chm") == 0
    out, err = capsys.readouterr()
    assert {r["header"]["identifier"] for r in json.loads(out)} == own
    assert "1 harvested graph(s) left out" in err

    assert run(store, "export-chm", "--graph", harvested) == 0
    out, err = capsys.readouterr()
    assert [canonical(r) for r in json.loads(out)] == [canonical(peer)]  # its source record kept: field for field
    assert "includes harvested graph(s)" in err

    assert run(store, "export-chm", "--include-harvested") == 0
    assert {r["header"]["identifier"] for r in json.loads(capsys.readouterr().out)} == own | {peer["header"]["identifier"]}


def test_export_of_a_store_with_only_harvested_graphs_is_empty(store, capsys):
    run(store, "import-chm", RECORDS / "nbsaps.json", "--graph", BASE + "graph/node/es")
    capsys.readouterr()
    assert run(store, "export-chm") == 0
    assert json.loads(capsys.readouterr().out) == []


def test_export_says_what_the_clearing_house_would_refuse_and_why(store, tmp_path, capsys):
    """Per record: an identifier outside the documents API's uid pattern (11 to 128 of A-Z a-z 0-9 - _), and the
    fields the record type's documentation marks mandatory left empty. Exported all the same, exit 0."""
    org = next(it.record for it in read([RECORDS / "organizations.json"]).records if it.record.get("phones"))
    short = {**org, "header": {**org["header"], "identifier": "ORG-1"}, "phones": [], "emails": []}
    short.pop("city")
    f = tmp_path / "short.json"
    f.write_text(json.dumps(short), encoding="utf-8")
    run(store, "import-chm", f, RECORDS / "nbsaps.json")
    capsys.readouterr()
    assert run(store, "export-chm", "--report", tmp_path / "report.json") == 0
    out, err = capsys.readouterr()
    assert len(json.loads(out)) == 2  # refused records are exported too
    assert "1 of 2 record(s) the clearing-house would refuse" in err
    assert "- organization ORG-1: header.identifier: 'ORG-1' is 5 character(s); the documents API takes identifiers " \
           "of 11 to 128" in err
    for name in ("city", "phones", "emails"):
        assert f"- organization ORG-1: {name}: mandatory field {name} is missing or empty" in err
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["records"] == 2 and report["refused"] == 1
    assert {r["field"] for r in report["reasons"]} == {"header.identifier", "city", "phones", "emails"}
    assert {r["source"] for r in report["reasons"]} == {
        "scbd/clearing-house-documentation swagger/json/contact/update.ts@4b16cc34",
        "scbd/clearing-house-documentation components/org/request-body.md@9fa4fa49"}


def test_violation_report_names_record_and_field(store, capsys):
    assert run(store, "import-chm", RECORDS / "organizations.json", PROBLEMS / "end-before-start.json", "--format", "json") == 1
    report = json.loads(capsys.readouterr().out)
    assert report["loaded"] and not report["conforms"]
    v = [x for x in report["violations"] if x["field"] == "startDate"]
    assert v and v[0]["record"] == "9A8B7C6D-5E4F-4A3B-8C2D-1E0F9A8B7C91"
    assert v[0]["file"].endswith("end-before-start.json")
    assert v[0]["message_fr"] and v[0]["message_en"]


def test_reject_invalid_loads_nothing(store, capsys):
    assert run(store, "import-chm", PROBLEMS / "end-before-start.json", RECORDS, "--reject-invalid") == 1
    assert graphs(store) == []


def test_strict_fails_and_stores_nothing(store, capsys):
    assert run(store, "import-chm", RECORDS, "--strict") == 2
    assert "--strict" in capsys.readouterr().err
    assert graphs(store) == []


def test_malformed_json_exit_2(store, capsys):
    assert run(store, "import-chm", RECORDS, PROBLEMS / "malformed.json") == 2
    err = capsys.readouterr().err
    assert "malformed.json:4:1" in err and "malformed JSON" in err
    assert graphs(store) == []  # nothing written: every file is read before anything is loaded


def test_a_record_type_we_do_not_map_is_kept_whole_and_exported_unchanged(store, tmp_path, capsys):
    """A well-formed record whose header.schema the mapping does not know is not bad input: it is imported
    unmapped (exit 0, "kept unmapped: <schema>") and export-chm gives it back field for field."""
    meeting = json.loads((PROBLEMS / "unknown-record-type.json").read_text(encoding="utf-8"))[1]
    f = tmp_path / "meeting.json"
    f.write_text(json.dumps(meeting), encoding="utf-8")
    assert run(store, "import-chm", f) == 0
    out, err = capsys.readouterr()
    assert "Kept unmapped: meetingDocument (1 record(s)" in out and "kept unmapped: meetingDocument" in out
    assert graphs(store) == [BASE + "graph/chm-meeting"]
    assert run(store, "export-chm") == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported == [meeting]
    assert run(store, "export-chm", "--type", "organization") == 0  # a type filter names mapped types only
    assert json.loads(capsys.readouterr().out) == []


def test_a_file_mixing_mapped_and_unmapped_types_imports_both(store, tmp_path, capsys):
    assert run(store, "import-chm", PROBLEMS / "unknown-record-type.json", "--format", "json") != 2
    report = json.loads(capsys.readouterr().out)
    assert report["loaded"] and report["records"] == {"organization": 1, "meetingDocument": 1}
    assert report["unmapped"] == {"meetingDocument": 1}
    assert [i["kind"] for i in report["issues"] if i["record"] == "0A1B2C3D-MEET-4E5F-8A9B-0C1D2E3F4A5B"] == ["unmapped-record"]
    assert run(store, "export-chm", "--output", tmp_path / "out") == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["0A1B2C3D-MEET-4E5F-8A9B-0C1D2E3F4A5B.json",
                                                                     "C7907DF4-C69A-A586-6C15-D95E3E703FFC.json"]


def test_an_illustrative_unmapped_record_is_left_out_unless_asked(store, tmp_path, capsys):
    meeting = json.loads((PROBLEMS / "unknown-record-type.json").read_text(encoding="utf-8"))[1]
    f = tmp_path / "meeting.json"
    f.write_text(json.dumps(meeting), encoding="utf-8")
    assert run(store, "import-chm", f, "--evidence", "illustrative") == 0
    capsys.readouterr()
    assert run(store, "export-chm") == 0
    assert json.loads(capsys.readouterr().out) == []
    assert run(store, "export-chm", "--include-illustrative") == 0
    assert json.loads(capsys.readouterr().out) == [{**meeting, "tscEvidence": "illustrative"}]


def test_a_record_without_a_type_is_still_bad_input(store, tmp_path, capsys):
    f = tmp_path / "no-type.json"
    f.write_text(json.dumps({"header": {"identifier": "X-1", "schema": ""}}), encoding="utf-8")
    assert run(store, "import-chm", f) == 2
    assert "record X-1: no header.schema" in capsys.readouterr().err
    assert graphs(store) == []


def test_not_a_record(store, tmp_path, capsys):
    f = tmp_path / "x.json"
    f.write_text('{"hello": "world"}')
    assert run(store, "import-chm", f) == 2
    assert "neither a clearing-house record" in capsys.readouterr().err
    assert graphs(store) == []


def test_thesaurus_refresh_makes_terms_known(store, tmp_path, capsys):
    dump = tmp_path / "bbi-assistance-types.json"
    dump.write_text(json.dumps({"bbi-assistance-types": [
        {"identifier": t, "name": t.title()} for t in ("BBI-ASSISTANCE-TRAINING", "BBI-ASSISTANCE-EXPERTISE", "BBI-ASSISTANCE-FUNDING")]}))
    assert run(store, "import-chm", "--thesaurus", dump) == 0
    assert "Thesaurus: 3 concept(s)" in capsys.readouterr().out
    assert graphs(store) == [BASE + "graph/chm-bbi-assistance-types"]
    run(store, "import-chm", RECORDS / "bio-bridge.json", "--format", "json", "--dry-run")
    report = json.loads(capsys.readouterr().out)
    assert not [i for i in report["issues"] if i["kind"] == "unknown-term"]


def test_mapping_doc_is_in_sync():
    assert DOC.read_text(encoding="utf-8") == render_mapping(), "run: python -m tsc_graph.chm.doc > docs/chm-mapping.md"
