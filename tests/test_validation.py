"""tsc_graph.validation: reports, and the parallel path that large graphs take."""
from __future__ import annotations

import pytest
from rdflib import Graph

from checkout import DATA_DIR
from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
from tsc_graph.validation import load_rdf_files, validate

BROKEN = """
@prefix tsc: <https://w3id.org/tsc-graph/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://fr.chm-cbd.net/tsc/id/project/broken> a tsc:Project ;
    rdfs:label "Projet cassé"@fr ;
    tsc:budget "-5"^^xsd:decimal ;
    schema:startDate "2024-05-01"^^xsd:date ; schema:endDate "2023-01-01"^^xsd:date .
<https://fr.chm-cbd.net/tsc/id/actor/nameless> a tsc:Actor .
<https://fr.chm-cbd.net/tsc/id/offer/empty> a tsc:CooperationOffer ; rdfs:label "Offre"@fr .
"""


@pytest.fixture(scope="module")
def broken() -> Graph:
    g = load_rdf_files([ONTOLOGY_DIR, REFERENCE_DIR, DATA_DIR / "fr", DATA_DIR / "demo"])
    g.parse(data=BROKEN, format="turtle")
    return g


def key(report):
    return sorted((v.focus, v.path or "", v.component, v.message_en, v.message_fr) for v in report.violations)


def test_parallel_validation_reports_exactly_what_one_process_reports(broken):
    single = validate(broken, workers=1, engine="pyshacl")
    parallel = validate(broken, workers=2, engine="pyshacl")
    compiled = validate(broken)  # the default engine: shapes compiled to SPARQL
    assert not single.conforms and not parallel.conforms and not compiled.conforms
    assert key(parallel) == key(single) == key(compiled)
    assert {v.focus for v in single.violations} == {
        "https://fr.chm-cbd.net/tsc/id/project/broken",
        "https://fr.chm-cbd.net/tsc/id/actor/nameless",
        "https://fr.chm-cbd.net/tsc/id/offer/empty",
    }
    # One sh:ValidationReport node carrying every result, as pyshacl's own report has.
    from rdflib.namespace import RDF

    from tsc_graph.namespaces import SH

    reports = list(parallel.graph.subjects(RDF.type, SH.ValidationReport))
    assert len(reports) == 1
    assert len(list(parallel.graph.objects(reports[0], SH.result))) == len(single.violations) + len(single.warnings)


def test_parallel_validation_of_conforming_data():
    g = load_rdf_files([ONTOLOGY_DIR, REFERENCE_DIR, DATA_DIR / "fr", DATA_DIR / "demo"])
    for report in (validate(g, workers=2, engine="pyshacl"), validate(g)):
        assert report.conforms and report.violations == []
        assert report.triples == len(g)
