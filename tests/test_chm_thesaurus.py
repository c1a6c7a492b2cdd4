"""Thesaurus dumps → SKOS: schemes per domain, concepts, labels per language, description → skos:definition,
longDescription kept, hierarchy, exactMatch to ours both ways; and the shipped data generated from the crosswalk."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DC, DCTERMS, RDF, RDFS, SKOS

from tsc_graph import REFERENCE_DIR
from tsc_graph.chm.reader import read
from tsc_graph.chm.shipped import github_iri, render, shipped_graph
from tsc_graph.chm.terms import chm_concept
from tsc_graph.chm.thesaurus import UNVERIFIED, scheme_iri, thesaurus_graph
from tsc_graph.namespaces import TSCV

FIXTURE = Path(__file__).parent / "fixtures" / "chm" / "thesaurus" / "thesaurus.json"
SHIPPED_TTL = REFERENCE_DIR / "chm-thesaurus.ttl"


@pytest.fixture(scope="module")
def result():
    batch = read([FIXTURE])
    assert not batch.records and set(batch.terms) == {"GBF-TARGETS", "GBF-GOALS", "countries"}
    return thesaurus_graph(batch.terms)


def test_schemes_and_concepts(result):
    g = result.graph
    assert result.concepts == 3 and len(result.schemes) == 3 and not result.issues
    scheme = scheme_iri("GBF-TARGETS")
    assert str(scheme) == "https://w3id.org/tsc-graph/vocab/chm/scheme/gbf-targets"
    t1 = chm_concept("GBF-TARGET-01")
    assert str(t1) == "https://w3id.org/tsc-graph/vocab/chm/GBF-TARGET-01"
    assert (t1, RDF.type, SKOS.Concept) in g and (t1, SKOS.inScheme, scheme) in g
    assert (t1, SKOS.notation, Literal("GBF-TARGET-01")) in g
    assert (t1, DCTERMS.identifier, Literal("7398")) in g


def test_labels_definitions_and_long_descriptions(result):
    g = result.graph
    ad = chm_concept("ad")
    assert Literal("Andorre", lang="fr") in set(g.objects(ad, SKOS.prefLabel))
    assert len(set(g.objects(ad, SKOS.prefLabel))) == 6  # the six UN languages
    assert set(g.objects(ad, RDFS.label)) == set(g.objects(ad, SKOS.prefLabel))
    assert (ad, DC.source, Literal("UN website")) in g
    t1 = chm_concept("GBF-TARGET-01")
    [definition] = g.objects(t1, SKOS.definition)  # description, a plain string
    assert definition.startswith("Ensure that all areas are under participatory") and definition.language is None
    long = {lit.language for lit in g.objects(t1, DCTERMS.description)}
    assert long == {"en", "es", "fr"}  # longDescription, multilingual, kept
    alt = set(g.objects(t1, SKOS.altLabel))
    assert Literal("GBF-T01. Planifier et gérer toutes les zones afin de réduire la perte de biodiversité", lang="fr") in alt


def test_exact_matches_both_ways(result):
    g = result.graph
    pairs = {"GBF-TARGET-01": f"{TSCV}gbf/target-01", "GBF-GOAL-B": f"{TSCV}gbf/goal-B", "ad": f"{TSCV}country/AD"}
    for ident, ours in pairs.items():
        assert (chm_concept(ident), SKOS.exactMatch, URIRef(ours)) in g, ident
        assert (URIRef(ours), SKOS.exactMatch, chm_concept(ident)) in g, ident
    assert result.matches == 3


def test_hierarchy_and_unverified_crosswalk(tmp_path):
    f = tmp_path / "organization-types.json"
    f.write_text(json.dumps({"Organization Types": [
        {"identifier": "8830904C-8AF4-4C2F-AADB-363D98D854DA", "name": "Government agency (National/Federal)",
         "broaderTerms": ["ORG-TYPE-ROOT"], "nonPreferedTerms": ["Ministry"], "extra": 1},
        {"identifier": "86D464C3-B5BB-4B02-85E4-1AAD8D64CD27", "name": "Academic or research institute"},
        {"identifier": "ORG-TYPE-ROOT", "name": "Organizations", "narrowerTerms": []},
    ]}))
    res = thesaurus_graph(read([f]).terms)
    g = res.graph
    child, root = chm_concept("8830904C-8AF4-4C2F-AADB-363D98D854DA"), chm_concept("ORG-TYPE-ROOT")
    assert (child, SKOS.broader, root) in g and (root, SKOS.narrower, child) in g
    assert (root, SKOS.topConceptOf, scheme_iri("Organization Types")) in g and (child, SKOS.topConceptOf, None) not in g
    assert (child, SKOS.hiddenLabel, Literal("Ministry")) in g
    assert (child, SKOS.exactMatch, URIRef(f"{TSCV}actor-type/public-body")) in g
    assert set(UNVERIFIED) <= set(g.objects(child, SKOS.editorialNote))  # the crosswalk entry is not verified
    # the Secretariat's own example gives 86D464C3's title (bch-ra-author-affiliation.json): verified
    academic = chm_concept("86D464C3-B5BB-4B02-85E4-1AAD8D64CD27")
    assert (academic, SKOS.exactMatch, URIRef(f"{TSCV}actor-type/research-institute")) in g
    assert not set(UNVERIFIED) & set(g.objects(academic, SKOS.editorialNote))
    assert res.issues and "extra" in res.issues[0]


def test_plain_list_dump_uses_file_name_as_domain(tmp_path):
    f = tmp_path / "gbf-targets.json"
    f.write_text(json.dumps([{"identifier": "GBF-TARGET-20", "title": {"en": "Target 20"}}]))
    batch = read([f])
    assert list(batch.terms) == ["GBF-TARGETS"]
    assert (chm_concept("GBF-TARGET-20"), SKOS.exactMatch, URIRef(f"{TSCV}gbf/target-20")) in thesaurus_graph(batch.terms).graph


def test_shipped_turtle_is_generated_from_the_crosswalk():
    on_disk = Graph().parse(SHIPPED_TTL, format="turtle")
    assert isomorphic(on_disk, shipped_graph()), "run: python -m tsc_graph.chm.shipped > tsc_graph/reference/chm-thesaurus.ttl"
    assert SHIPPED_TTL.read_text(encoding="utf-8").startswith(render().split("\n", 1)[0])
    # both ways, and every domain cites the files it comes from
    assert (URIRef(f"{TSCV}actor-type/ngo"), SKOS.exactMatch, chm_concept("8A265B81-3973-42ED-BB06-40ACC755E496")) in on_disk
    assert (chm_concept("8A265B81-3973-42ED-BB06-40ACC755E496"), SKOS.exactMatch, URIRef(f"{TSCV}actor-type/ngo")) in on_disk
    for scheme in on_disk.subjects(RDF.type, SKOS.ConceptScheme):
        assert any(str(s).startswith("https://github.com/scbd/") for s in on_disk.objects(scheme, DCTERMS.source)), scheme


def test_github_citation():
    assert str(github_iri("scbd/api-examples json-data/national-target.json@46acc1902118a1d49535790ac6b8ee06265e4296 (x)")) == \
        "https://github.com/scbd/api-examples/blob/46acc1902118a1d49535790ac6b8ee06265e4296/json-data/national-target.json"


@pytest.mark.parametrize("identifier,path", [
    ("73E2AC27-D964-487C-A4E6-0997BB27AF01", "swagger/json/thesaurus/cdi/cbi-status.json"),
    ("86D464C3-B5BB-4B02-85E4-1AAD8D64CD27", "swagger/json/thesaurus/resource/bch-ra-author-affiliation.json"),
    ("AICHI-TARGET-01", "swagger/json/thesaurus/resource/aichi-targets.json"),
])
def test_terms_the_secretariat_gives_in_full_ship_their_six_titles_and_source(identifier, path):
    """The initiative status, the organisation type and the Aichi target whose titles the Secretariat's examples give
    in the six UN languages are in the reference data with those titles, citing the example file."""
    g = Graph().parse(SHIPPED_TTL, format="turtle")
    term = chm_concept(identifier)
    assert {lit.language for lit in g.objects(term, SKOS.prefLabel)} == {"ar", "en", "es", "fr", "ru", "zh"}
    assert any(str(s).startswith("https://github.com/scbd/clearing-house-documentation/blob/") and str(s).endswith(path)
               for s in g.objects(term, DCTERMS.source)), list(g.objects(term, DCTERMS.source))
