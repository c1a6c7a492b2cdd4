"""The French node publishes facts, each with its source; demonstration data stays in its own graph.

docs/data-sources.md is the policy these tests hold the data to.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from checkout import DATA_DIR, script_module
from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
from tsc_graph.namespaces import DEFAULT_BASE_URI
from tsc_graph.queries import get_query
from tsc_graph.store import GraphNamer, expand_sources, open_store
from tsc_graph.web import create_app

ROOT = Path(__file__).resolve().parent.parent
TSC = Namespace("https://w3id.org/tsc-graph/ontology#")
EVIDENCE = "https://w3id.org/tsc-graph/vocab/evidence/"
RECORDS = {"projects": (TSC.Project,), "commitments": (TSC.NationalCommitment, TSC.InternationalCommitment),
           "practices": (TSC.GoodPractice, TSC.LessonLearnt), "actors": (TSC.Actor,),
           "offers": (TSC.CooperationOffer,), "requests": (TSC.CooperationRequest,)}


def parsed(*dirs: Path) -> Graph:
    g = Graph()
    for d in dirs:
        for f in sorted(d.glob("*.ttl")):
            g.parse(f, format="turtle")
    return g


@pytest.fixture(scope="module")
def french() -> Graph:
    return parsed(DATA_DIR / "fr")


def records(g: Graph, kind: str) -> set:
    return {s for c in RECORDS[kind] for s in g.subjects(RDF.type, c)}


def test_the_french_node_publishes_real_records_in_number(french):
    counts = {kind: len(records(french, kind)) for kind in RECORDS}
    assert counts["projects"] >= 40 and counts["commitments"] >= 15 and counts["practices"] >= 10, counts
    overseas = {URIRef(f"https://w3id.org/tsc-graph/vocab/country/{c}") for c in
                ("GP", "MQ", "GF", "RE", "YT", "NC", "PF", "PM", "WF", "TF", "BL", "MF")}
    assert sum(1 for p in records(french, "projects") if set(french.objects(p, DCTERMS.spatial)) & overseas) >= 10


def test_every_record_of_the_node_is_sourced_and_none_is_illustrative(french):
    for kind in RECORDS:
        for r in records(french, kind):
            evidence = {str(e) for e in french.objects(r, TSC.evidence)}
            assert evidence == {EVIDENCE + "public-source"}, (r, evidence)
            sources = [str(s) for s in french.objects(r, DCTERMS.source)]
            assert sources and all(s.startswith(("http://", "https://")) for s in sources), (r, sources)


def test_no_invented_address_outside_the_demonstration_data():
    for f in sorted((DATA_DIR / "fr").glob("*.ttl")) + sorted((DATA_DIR / "nodes").glob("*.ttl")):
        text = f.read_text(encoding="utf-8")
        assert not re.search(r"@example\.(org|com)|//example\.(org|com)", text), f
    assert "example.org" in (DATA_DIR / "demo" / "demo.ttl").read_text(encoding="utf-8")  # the placeholders moved


def test_every_cited_page_is_listed_with_the_date_it_was_read(french):
    make_sources = script_module("tools/make_sources.py")

    listed = {str(s): str(o) for s, o in french.subject_objects(TSC.readOn)}
    cited = {str(o) for o in french.objects(None, DCTERMS.source)}
    assert cited <= set(listed), f"run tools/make_sources.py: {sorted(cited - set(listed))[:3]}"
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in listed.values())
    assert make_sources.render(DATA_DIR / "fr", "2000-01-01") == (DATA_DIR / "fr" / "sources.ttl").read_text(encoding="utf-8")


def test_a_classified_link_is_recorded_with_who_when_and_rule(french):
    """Every target or article the curators assigned is stated and classified; queries can keep stated ones only."""
    classified = 0
    for record, c in french.subject_objects(TSC.classification):
        assert (c, RDF.type, TSC.Classification) in french
        assert french.value(c, URIRef("http://www.w3.org/ns/prov#wasAttributedTo")) is not None
        assert french.value(c, URIRef("http://www.w3.org/ns/prov#generatedAtTime")) is not None
        assert french.value(c, TSC.classificationRule) is not None
        for concept in french.objects(c, TSC.classifiedAs):
            classified += 1
            assert (record, TSC.contributesTo, concept) in french or (record, TSC.implementsArticle, concept) in french
    assert classified
    stated = french.query("""PREFIX tsc: <https://w3id.org/tsc-graph/ontology#>
        SELECT ?r ?t WHERE { ?r tsc:contributesTo ?t FILTER NOT EXISTS { ?r tsc:classification/tsc:classifiedAs ?t } }""")
    assert len(stated) > 0  # some pages name their target (e.g. BESTLIFE2030: target 3)


@pytest.fixture(scope="module")
def with_demo():
    store = open_store("memory:")
    store.load(expand_sources([ONTOLOGY_DIR, REFERENCE_DIR, DATA_DIR / "fr", DATA_DIR / "demo"]),
               graph_for=GraphNamer(DEFAULT_BASE_URI))
    yield store
    store.close()


def test_the_demonstration_graph_is_its_own_and_never_harvested(with_demo):
    assert f"{DEFAULT_BASE_URI}graph/demo" in with_demo.graphs()
    harvested = Graph().parse(data=with_demo.query_serialized(get_query("harvest-construct").text,
                                                             graph_format="ntriples").body, format="nt")
    demo = parsed(DATA_DIR / "demo")
    assert harvested and not set(demo.subjects(TSC.evidence, None)) & set(harvested.subjects())


def test_home_figures_count_only_real_records(with_demo, tmp_path, french):
    app = create_app({"MODERATION_DB": str(tmp_path / "q.sqlite3"), "CHANGES_DB": str(tmp_path / "c.sqlite3")},
                     store=with_demo)
    body = app.test_client().get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for kind in ("projects", "offers"):
        n = len(records(french, kind))
        assert re.search(rf">{n:,}<", body) or re.search(rf">{n}<", body), (kind, n)


def test_a_record_page_says_where_its_facts_come_from(with_demo, tmp_path):
    app = create_app({"MODERATION_DB": str(tmp_path / "q.sqlite3"), "CHANGES_DB": str(tmp_path / "c.sqlite3")},
                     store=with_demo)
    client = app.test_client()
    page = client.get("/id/project/inpn.html", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "D'où viennent ces faits." in page or "D&#39;où viennent ces faits." in page
    assert "consultée le 6 décembre 2026" in page and "Données illustratives" not in page
    assert "classé par le centre d&#39;échange" in page or "classé par le centre d'échange" in page
    demo = client.get("/id/project/temeum.html", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Données illustratives, non vérifiées." in demo
