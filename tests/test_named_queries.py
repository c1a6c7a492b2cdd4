"""Named queries answer real questions about the shipped data.

Every expected answer is computed a second way, by walking the Turtle files with rdflib's graph API
(no SPARQL), so a wrong query and a wrong expectation cannot agree by accident.
"""
from __future__ import annotations

from collections import Counter

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

from checkout import DATA_DIR
from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
from tsc_graph.queries import bind, get_query, named_queries
from tsc_graph.validation import load_rdf_files

TSC = Namespace("https://w3id.org/tsc-graph/ontology#")
SCHEMA = Namespace("https://schema.org/")
GBF = "https://w3id.org/tsc-graph/vocab/gbf/"
CBD = "https://w3id.org/tsc-graph/vocab/cbd/"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return load_rdf_files([ONTOLOGY_DIR, REFERENCE_DIR, DATA_DIR / "fr", DATA_DIR / "demo"])


def run(store, name, **params):
    return store.query(bind(get_query(name), params))


def test_every_named_query_is_documented_and_runs(french_memory_store):
    queries = named_queries()
    assert len(queries) >= 8
    for q in queries.values():
        assert q.title and q.description, f"{q.name} lacks a title or description header"
        result = french_memory_store.query(q.text)
        assert result.kind in ("SELECT", "ASK", "CONSTRUCT")


def test_projects_per_gbf_target(french_memory_store, graph):
    expected = Counter()
    for project in graph.subjects(RDF.type, TSC.Project):
        for target in set(graph.objects(project, TSC.contributesTo)):
            if (target, RDF.type, TSC.GBFTarget) in graph:
                expected[str(target)] += 1
    result = run(french_memory_store, "projects-per-gbf-target")
    assert len(result.bindings) == 23
    assert [int(r["number"]) for r in result.bindings] == list(range(1, 24))
    got = {str(r["target"]): int(r["projects"]) for r in result.bindings}
    assert got == {f"{GBF}target-{n:02d}": expected.get(f"{GBF}target-{n:02d}", 0) for n in range(1, 24)}
    assert got[f"{GBF}target-06"] >= 1 and got[f"{GBF}target-20"] >= 2
    assert sum(1 for v in got.values() if v) >= 8


def test_actors_per_type(french_memory_store, graph):
    expected = Counter(str(graph.value(a, TSC.actorType)) for a in graph.subjects(RDF.type, TSC.Actor))
    result = run(french_memory_store, "actors-per-type")
    assert {str(r["type"]): int(r["actors"]) for r in result.bindings} == dict(expected)
    assert sum(expected.values()) >= 30
    counts = [int(r["actors"]) for r in result.bindings]
    assert counts == sorted(counts, reverse=True)


def test_commitments_and_fulfilling_projects(french_memory_store, graph):
    commitments = set(graph.subjects(RDF.type, TSC.NationalCommitment)) | set(graph.subjects(RDF.type, TSC.InternationalCommitment))
    expected = set()
    for c in commitments:
        projects = set(graph.objects(c, TSC.fulfilledBy)) | set(graph.subjects(TSC.fulfils, c))
        expected |= {(str(c), str(p)) for p in projects} or {(str(c), None)}
    result = run(french_memory_store, "commitments-and-projects")
    got = {(str(r["commitment"]), str(r["project"]) if "project" in r else None) for r in result.bindings}
    assert got == expected
    assert len(commitments) >= 10
    scopes = {str(r["commitment"]): str(r["scope"]) for r in result.bindings}
    for c in commitments:
        national = (c, RDF.type, TSC.NationalCommitment) in graph
        assert scopes[str(c)] == ("national" if national else "international")


def test_cbd_articles_16_to_18_coverage(french_memory_store, graph):
    def parts(article):
        found = {article}
        for sub in graph.subjects(SKOS.broader, article):
            found |= parts(sub)
        return found

    result = run(french_memory_store, "cbd-articles-coverage")
    got = {str(r["article"]).rsplit("/", 1)[1]: (int(r["projects"]), int(r["actors"])) for r in result.bindings}
    assert set(got) == {"article-16", "article-17", "article-18"}
    for name, (n_projects, n_actors) in got.items():
        article = URIRef(CBD + name)
        projects = {p for part in parts(article) for p in graph.subjects(TSC.implementsArticle, part)
                    if (p, RDF.type, TSC.Project) in graph}
        actors = {a for p in projects for prop in (TSC.leadOrganisation, TSC.partnerOrganisation) for a in graph.objects(p, prop)}
        assert (n_projects, n_actors) == (len(projects), len(actors)), name
        assert n_projects >= 1
    # Article 18(3), the clearing-house paragraph, counts towards Article 18.
    assert any(graph.subjects(TSC.implementsArticle, URIRef(CBD + "article-18-3")))


def test_projects_for_one_target_with_parameter(french_memory_store, graph):
    target = URIRef(GBF + "target-06")
    expected = {str(p) for p in graph.subjects(TSC.contributesTo, target) if (p, RDF.type, TSC.Project) in graph}
    result = run(french_memory_store, "projects-for-target", target=str(target))
    assert {str(r["project"]) for r in result.bindings} == expected
    for r in result.bindings:  # a project whose sources name no lead has none
        lead = graph.value(URIRef(str(r["project"])), TSC.leadOrganisation)
        assert (str(r["lead"]) if r["lead"] is not None else None) == (str(lead) if lead is not None else None)


def test_projects_of_actor_with_roles(french_memory_store, graph):
    ofb = next(a for a in graph.subjects(RDF.type, TSC.Actor) if str(a).endswith("/actor/ofb"))
    expected = set()
    for prop, role in ((TSC.leadOrganisation, "lead"), (TSC.partnerOrganisation, "partner"), (TSC.funder, "funder")):
        expected |= {(str(p), role) for p in graph.subjects(prop, ofb)}
    result = run(french_memory_store, "projects-of-actor", actor=str(ofb))
    assert {(str(r["project"]), str(r["role"])) for r in result.bindings} == expected
    assert expected


def test_offer_request_matching_finds_the_invasive_species_pair(french_memory_store, graph):
    result = run(french_memory_store, "offer-request-matches")
    pairs = [(str(r["offer"]).rsplit("/", 1)[1], str(r["request"]).rsplit("/", 1)[1]) for r in result.bindings]
    assert ("ofb-formation-especes-exotiques-envahissantes", "madagascar-crapaud-asiatique") in pairs
    top = result.bindings[0]
    assert int(top["score"]) == max(int(r["score"]) for r in result.bindings)
    # Every pair really shares a support type, and a theme or a target.
    for r in result.bindings:
        o, q = URIRef(str(r["offer"])), URIRef(str(r["request"]))
        assert set(graph.objects(o, TSC.supportType)) & set(graph.objects(q, TSC.supportType))
        shared = (set(graph.objects(o, TSC.thematicArea)) & set(graph.objects(q, TSC.thematicArea))) | (
            set(graph.objects(o, TSC.contributesTo)) & set(graph.objects(q, TSC.contributesTo)))
        assert shared


def test_actors_per_country(french_memory_store, graph):
    expected = Counter(str(graph.value(a, TSC.basedIn)) for a in graph.subjects(RDF.type, TSC.Actor)
                       if graph.value(a, TSC.basedIn) is not None)  # an actor whose seat no source gives is not counted
    result = run(french_memory_store, "actors-per-country")
    got = {str(r["place"]): int(r["actors"]) for r in result.bindings}
    assert got == dict(expected)
    assert str(result.bindings[0]["code"]) == "FR"


def test_gbf_goals_coverage_counts_direct_contributions_only(french_memory_store, graph):
    """No source puts targets under goals: a goal counts only what states a contribution to the goal itself."""
    result = run(french_memory_store, "gbf-goals-coverage")
    assert [str(r["notation"]) for r in result.bindings] == ["GBF-GOAL-A", "GBF-GOAL-B", "GBF-GOAL-C", "GBF-GOAL-D"]
    kinds = {"projects": (TSC.Project,), "commitments": (TSC.NationalCommitment, TSC.InternationalCommitment)}
    for row in result.bindings:
        goal = URIRef(str(row["goal"]))
        for column, classes in kinds.items():
            direct = {s for c in classes for s in graph.subjects(RDF.type, c) if (s, TSC.contributesTo, goal) in graph}
            assert int(row[column]) == len(direct), (goal, column)


def test_gbf_sections_coverage(french_memory_store, graph):
    """Decision 15/4 groups the targets in three sections: 1-8, 9-13, 14-23 (skos:Collection in gbf.ttl)."""
    result = run(french_memory_store, "gbf-sections-coverage")
    assert [(str(r["notation"]), int(r["targets"])) for r in result.bindings] == [("1", 8), ("2", 5), ("3", 10)]
    assert str(result.bindings[0]["label_en"]) == "Reducing threats to biodiversity"
    for row in result.bindings:
        members = set(graph.objects(URIRef(str(row["section"])), SKOS.member))
        projects = {p for p in graph.subjects(RDF.type, TSC.Project) if set(graph.objects(p, TSC.contributesTo)) & members}
        commitments = {c for k in (TSC.NationalCommitment, TSC.InternationalCommitment)
                       for c in graph.subjects(RDF.type, k) if set(graph.objects(c, TSC.contributesTo)) & members}
        assert (int(row["projects"]), int(row["commitments"])) == (len(projects), len(commitments)), row["notation"]


def test_parameters_cannot_inject_sparql():
    from tsc_graph.errors import BadInput

    q = get_query("projects-for-target")
    with pytest.raises(BadInput, match="not a valid IRI"):
        bind(q, {"target": "http://x> } DROP ALL #"})
    with pytest.raises(BadInput, match="has no parameter"):
        bind(q, {"nope": "1"})
    text = bind(q, {"target": 'a "quoted" value'})
    assert 'VALUES (?target) { ("a \\"quoted\\" value") }' in text


def test_offer_request_matches_bound_to_one_request(french_memory_store):
    request = "https://fr.chm-cbd.net/tsc/id/request/madagascar-crapaud-asiatique"
    everything = run(french_memory_store, "offer-request-matches")
    expected = [(str(r["offer"]), int(r["score"])) for r in everything.bindings if str(r["request"]) == request]
    bound = run(french_memory_store, "offer-request-matches", request=request)
    assert [(str(r["offer"]), int(r["score"])) for r in bound.bindings] == expected
    assert expected[0][0].endswith("/offer/ofb-formation-especes-exotiques-envahissantes")
