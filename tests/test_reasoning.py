"""What the reused vocabularies' own axioms make of our ontology and data (docs/conventions.md, "Reused terms").

A publisher reusing FOAF, DCTERMS, PROV-O, ORG, SKOS and schema.org inherits their semantics: a reasoner that loads
them with our data must not conclude nonsense. This test loads the ontology, the reference vocabularies, the French
node's data and the relevant axioms of each reused vocabulary (tests/fixtures/reused-axioms/, each with its source),
computes the OWL 2 RL closure with owlrl, and asserts:

- no resource becomes both a tsc:Project and a tsc:Actor (foaf:homepage is inverse-functional: a project sharing
  its actor's homepage would be merged with it), and no two distinct IRIs become owl:sameAs;
- no SKOS concept becomes a class (dcterms:type ranges over rdfs:Class);
- no country or territory becomes an agent (prov:wasAttributedTo ranges over prov:Agent);
- the reasoner finds no inconsistency (disjoint classes, e.g. skos:Concept / skos:Collection / skosxl:Label).

The second half re-introduces each of the faults the data audit found and checks the same helper reports it, so a green
run means the check works, not that it looks at nothing.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR

owlrl = pytest.importorskip("owlrl")
pytestmark = pytest.mark.slow  # an OWL 2 RL closure of all the data per test: `make test-fast` skips it

ROOT = Path(__file__).resolve().parent.parent
AXIOMS = ROOT / "tests" / "fixtures" / "reused-axioms"
TSC = "https://w3id.org/tsc-graph/ontology#"
PROJECT, ACTOR = URIRef(TSC + "Project"), URIRef(TSC + "Actor")
COUNTRY, TERRITORY = URIRef(TSC + "Country"), URIRef(TSC + "Territory")
AGENTS = (URIRef("http://www.w3.org/ns/prov#Agent"), URIRef("http://xmlns.com/foaf/0.1/Agent"))
ERROR = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")


@lru_cache(maxsize=None)
def asserted() -> Graph:
    g = Graph()
    files = [ONTOLOGY_DIR / "tsc.ttl", *sorted((REFERENCE_DIR).glob("*.ttl")),
             *sorted((ROOT / "data" / "fr").glob("*.ttl")), *sorted(AXIOMS.glob("*.ttl"))]
    for f in files:
        g.parse(f, format="turtle")
    return g


def closure(extra_turtle: str = "") -> Graph:
    g = Graph()
    g += asserted()
    if extra_turtle:
        g.parse(data=extra_turtle, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False,
                           datatype_axioms=False).expand(g)
    return g


def problems(g: Graph) -> dict[str, list]:
    """Every absurd conclusion, by kind; all lists empty means the reuses are sound."""
    concepts = set(g.subjects(RDF.type, SKOS.Concept))
    places = set(g.subjects(RDF.type, COUNTRY)) | set(g.subjects(RDF.type, TERRITORY))
    return {
        "project and actor": sorted(set(g.subjects(RDF.type, PROJECT)) & set(g.subjects(RDF.type, ACTOR))),
        "merged resources": sorted((s, o) for s, o in g.subject_objects(OWL.sameAs) if s != o),
        "concepts made classes": sorted(c for c in concepts if (c, RDF.type, RDFS.Class) in g or (c, RDF.type, OWL.Class) in g),
        "places made agents": sorted(p for p in places if any((p, RDF.type, a) in g for a in AGENTS)),
        "inconsistencies": sorted(str(m) for m in g.objects(None, ERROR) if isinstance(m, Literal)),
    }


@lru_cache(maxsize=None)
def data_closure() -> Graph:
    return closure()


def test_the_axioms_are_loaded_and_used():
    g = data_closure()
    # sanity: the reasoner did apply the reused axioms (org:Organization ⊑ foaf:Agent, prov:wasAssociatedWith)
    mnhn = URIRef("https://fr.chm-cbd.net/tsc/id/actor/mnhn")
    assert (mnhn, RDF.type, URIRef("http://xmlns.com/foaf/0.1/Agent")) in g
    assert (mnhn, RDF.type, URIRef("http://www.w3.org/ns/prov#Agent")) in g
    assert (URIRef("https://w3id.org/tsc-graph/vocab/country/FR"), RDF.type, SKOS.Concept) in g


@pytest.mark.parametrize("kind", ["project and actor", "merged resources", "concepts made classes",
                                  "places made agents", "inconsistencies"])
def test_no_absurd_conclusion_from_the_data(kind):
    found = problems(data_closure())[kind]
    assert not found, f"{kind}: {found[:10]}"


PREFIXES = """@prefix tsc: <https://w3id.org/tsc-graph/ontology#> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""


@pytest.mark.parametrize("fault, extra, kind", [
    ("a project with its actor's homepage",
     "<https://fr.chm-cbd.net/tsc/id/project/x> a tsc:Project ; foaf:homepage <https://www.mnhn.fr/> .",
     "project and actor"),
    ("actorType under dcterms:type", "tsc:actorType rdfs:subPropertyOf dcterms:type .", "concepts made classes"),
    ("madeBy under prov:wasAttributedTo", "tsc:madeBy rdfs:subPropertyOf prov:wasAttributedTo .", "places made agents"),
    ("a concept that is also a collection",
     "<https://w3id.org/tsc-graph/vocab/gbf/section-1> a skos:Concept .", "inconsistencies"),
], ids=lambda v: v if " " in str(v) and len(str(v)) < 40 else None)
def test_the_check_catches_each_fault_issue_16_found(fault, extra, kind):
    g = closure(PREFIXES + extra)
    assert problems(g)[kind], f"{fault}: the reasoner check did not notice"


def test_imported_clearing_house_records_stay_consistent_with_prov():
    """Projects imported from clearing-house records are prov:Activity: their record is linked with tsc:sourceRecord,
    not prov:wasDerivedFrom (PROV-O makes its subject an Entity, and Entity and Activity are disjoint)."""
    from tsc_graph.chm.importer import import_records
    from tsc_graph.chm.reader import read

    fixtures = ROOT / "tests" / "fixtures" / "chm"
    imported = import_records(read([fixtures / "records", fixtures / "envelopes"]).records, "https://fr.chm-cbd.net/tsc/")
    g = Graph()
    g += asserted()
    g += imported.graph
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False,
                           datatype_axioms=False).expand(g)
    projects = set(imported.graph.subjects(RDF.type, PROJECT))
    assert projects
    assert problems(g)["inconsistencies"] == []
