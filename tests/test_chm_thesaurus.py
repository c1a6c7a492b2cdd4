"""Thesaurus dumps → SKOS: schemes per domain, concepts, labels per language, hierarchy, exactMatch to ours."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from tsc_graph.chm.reader import read
from tsc_graph.chm.terms import chm_concept
from tsc_graph.chm.thesaurus import scheme_iri, thesaurus_graph
from tsc_graph.namespaces import TSCV

FIXTURE = Path(__file__).parent / "fixtures" / "chm" / "thesaurus" / "thesaurus.json"


@pytest.fixture(scope="module")
def result():
    batch = read([FIXTURE])
    assert not batch.records and set(batch.terms) == {"GBF-GOALS", "GBF-TARGETS", "CBD-SUBJECTS", "countries"}
    return thesaurus_graph(batch.terms)


def test_schemes_and_concepts(result):
    g = result.graph
    assert result.concepts == 12 and len(result.schemes) == 4
    scheme = scheme_iri("GBF-TARGETS")
    assert str(scheme) == "https://w3id.org/tsc-graph/vocab/chm/scheme/gbf-targets"
    t6 = chm_concept("GBF-TARGET-06")
    assert str(t6) == "https://w3id.org/tsc-graph/vocab/chm/GBF-TARGET-06"
    assert (t6, RDF.type, SKOS.Concept) in g and (t6, SKOS.inScheme, scheme) in g
    assert (t6, SKOS.notation, Literal("GBF-TARGET-06")) in g
    assert (t6, DCTERMS.identifier, Literal("6106")) in g


def test_labels_per_language(result):
    g = result.graph
    t6 = chm_concept("GBF-TARGET-06")
    assert set(g.objects(t6, SKOS.prefLabel)) == {Literal("Target 6", lang="en"), Literal("Cible 6", lang="fr")}
    assert set(g.objects(t6, RDFS.label)) == set(g.objects(t6, SKOS.prefLabel))
    alt = set(g.objects(t6, SKOS.altLabel))
    assert Literal("Reduce the introduction of invasive alien species by 50% and minimize their impact", lang="en") in alt
    assert any(a.language == "fr" for a in alt)
    # shortTitle equal to the title is not repeated as altLabel
    fr = chm_concept("fr")
    assert not list(g.objects(fr, SKOS.altLabel))


def test_hierarchy(result):
    g = result.graph
    a, t6 = chm_concept("GBF-GOAL-A"), chm_concept("GBF-TARGET-06")
    assert (t6, SKOS.broader, a) in g and (a, SKOS.narrower, t6) in g
    assert (a, SKOS.topConceptOf, scheme_iri("GBF-GOALS")) in g
    assert (t6, SKOS.topConceptOf, None) not in g


def test_exact_matches(result):
    g = result.graph
    pairs = {
        "GBF-TARGET-06": f"{TSCV}gbf/target-06",
        "GBF-GOAL-A": f"{TSCV}gbf/goal-A",
        "CBD-SUBJECT-IAS": f"{TSCV}theme/invasive-species",
        "CBD-SUBJECT-WTR": f"{TSCV}theme/freshwater",
        "fr": f"{TSCV}country/FR",
        "bj": f"{TSCV}country/BJ",
    }
    for ident, ours in pairs.items():
        assert (chm_concept(ident), SKOS.exactMatch, URIRef(ours)) in g, ident
        assert (URIRef(ours), SKOS.exactMatch, chm_concept(ident)) in g, ident
    assert not list(g.objects(chm_concept("CBD-SUBJECT-ENDS"), SKOS.exactMatch))  # no theme of ours for it
    assert result.matches == 10


def test_plain_list_dump_uses_file_name_as_domain(tmp_path):
    f = tmp_path / "gbf-targets.json"
    f.write_text(json.dumps([{"identifier": "GBF-TARGET-20", "title": {"en": "Target 20"}, "extra": 1}]))
    batch = read([f])
    assert list(batch.terms) == ["GBF-TARGETS"]
    res = thesaurus_graph(batch.terms)
    assert res.issues and "extra" in res.issues[0]
    assert (chm_concept("GBF-TARGET-20"), SKOS.exactMatch, URIRef(f"{TSCV}gbf/target-20")) in res.graph


def test_records_link_to_thesaurus_concepts(result):
    """The concept a record's unmapped subject links to is the one the thesaurus import describes."""
    from tsc_graph.chm.importer import import_records

    rec = {"header": {"identifier": "X1", "schema": "organization", "languages": ["en"]},
           "name": {"en": "X"}, "thematicAreas": [{"identifier": "CBD-SUBJECT-ENDS"}]}
    imp = import_records([("x.json", rec)], "https://fr.chm-cbd.net/tsc/")
    target = next(imp.graph.objects(None, DCTERMS.subject))
    assert (target, RDF.type, SKOS.Concept) in result.graph
