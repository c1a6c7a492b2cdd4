"""The matchmaking engine (tsc_graph.matching) against two independent references, its explanations, its index.

* a brute-force reference written here from the Turtle files with rdflib's graph API (no SPARQL, no engine code):
  every offer × every request, the rules of docs/matching.md applied literally;
* the SPARQL formulation, the named query ``offer-request-matches``;
on the French data, on the French data plus the Belgian demonstration node harvested into it, and on a
generated graph (benchmarks/generate.py).
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph, Namespace
from rdflib.namespace import RDF

from checkout import DATA_DIR, script_module
from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
from tsc_graph.federation.harvest import harvest_all
from tsc_graph.matching import WEIGHTS, MatchIndex, best_possible, build_index
from tsc_graph.matching.browse import browse
from tsc_graph.matching.explain import explain
from tsc_graph.matching.weights import weights_table
from tsc_graph.namespaces import DEFAULT_BASE_URI
from tsc_graph.queries import bind, get_query
from tsc_graph.store import GraphNamer, expand_sources, open_store
from tsc_graph.validation import load_rdf_files

ROOT = Path(__file__).resolve().parent.parent
TSC = Namespace("https://w3id.org/tsc-graph/ontology#")
SCHEMA = Namespace("https://schema.org/")
DCT = Namespace("http://purl.org/dc/terms/")
FR_ID = "https://fr.chm-cbd.net/tsc/id/"
BE_ID = "https://be.chm-cbd.net/tsc/id/"
MADAGASCAR = FR_ID + "request/madagascar-crapaud-asiatique"
OFB = FR_ID + "offer/ofb-formation-especes-exotiques-envahissantes"
BENIN_BE = BE_ID + "request/benin-water-hyacinth-training"
RBINS = BE_ID + "offer/rbins-invasive-species-training"


# --- the brute-force reference ----------------------------------------------------------------------------------
def brute_force(g: Graph) -> set[tuple[int, str, str]]:
    """(score, offer, request) of every match, comparing every offer with every request, straight from the graph."""

    def values(s, p) -> set[str]:
        return {str(o) for o in g.objects(s, p)}

    def dates(s):
        start, end = g.value(s, SCHEMA.startDate), g.value(s, SCHEMA.endDate)
        return (date.fromisoformat(str(start)) if start else None, date.fromisoformat(str(end)) if end else None)

    out = set()
    for offer in set(g.subjects(RDF.type, TSC.CooperationOffer)):
        for request in set(g.subjects(RDF.type, TSC.CooperationRequest)):
            if values(offer, SCHEMA.offeredBy) & values(request, TSC.requestedBy):
                continue
            supports = values(offer, TSC.supportType) & values(request, TSC.supportType)
            themes = values(offer, TSC.thematicArea) & values(request, TSC.thematicArea)
            targets = values(offer, TSC.contributesTo) & values(request, TSC.contributesTo)
            if not supports or not (themes or targets):
                continue
            languages = values(offer, DCT.language) & values(request, DCT.language)
            places = values(request, TSC.targetCountry)
            for requester in g.objects(request, TSC.requestedBy):
                places |= values(requester, TSC.basedIn)
            serves = bool(values(offer, TSC.targetCountry) & places)
            (os, oe), (rs, re_) = dates(offer), dates(request)
            overlap = bool((os or oe) and (rs or re_) and (not os or not re_ or os <= re_) and (not rs or not oe or rs <= oe))
            score = (WEIGHTS["support"] * len(supports) + WEIGHTS["theme"] * len(themes)
                     + WEIGHTS["target"] * len(targets) + WEIGHTS["language"] * len(languages)
                     + WEIGHTS["country"] * serves + WEIGHTS["dates"] * overlap)
            out.add((score, str(offer), str(request)))
    return out


def engine_pairs(index: MatchIndex) -> set[tuple[int, str, str]]:
    return {(s, index.offers[o].iri, index.requests[r].iri) for s, o, r in index.all_pairs()}


def named_query_pairs(store, **params) -> set[tuple[int, str, str]]:
    rows = store.query(bind(get_query("offer-request-matches"), params)).bindings
    return {(int(r["score"]), str(r["offer"]), str(r["request"])) for r in rows}


# --- fixtures ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def french():
    """French data + the registry + the Belgian demonstration node harvested through the harvest path."""
    store = open_store("memory:")
    store.load(expand_sources([ONTOLOGY_DIR, REFERENCE_DIR, DATA_DIR / "fr", DATA_DIR / "demo", DATA_DIR / "nodes" / "registry.ttl"]),
               graph_for=GraphNamer(DEFAULT_BASE_URI))
    only_french = build_index(store)
    [(node, report)] = harvest_all(store, base_uri=DEFAULT_BASE_URI, validate=False)
    assert node.name == "be" and report.triples > 0
    yield store, only_french, build_index(store)
    store.close()


@pytest.fixture(scope="module")
def graphs():
    fr = load_rdf_files([DATA_DIR / "fr", DATA_DIR / "demo", DATA_DIR / "nodes" / "registry.ttl"])
    both = load_rdf_files([DATA_DIR / "fr", DATA_DIR / "demo", DATA_DIR / "nodes" / "be"])
    return fr, both


# --- agreement with the references ------------------------------------------------------------------------------
def test_engine_agrees_with_brute_force_on_french_data(french, graphs):
    _, only_french, _ = french
    expected = brute_force(graphs[0])
    assert len(expected) >= 10
    assert engine_pairs(only_french) == expected


def test_engine_agrees_with_brute_force_across_the_network(french, graphs):
    _, _, index = french
    expected = brute_force(graphs[1])
    got = engine_pairs(index)
    assert got == expected
    assert any(o.startswith(BE_ID) and r.startswith(FR_ID) for _, o, r in got)  # Belgian offers match our requests
    assert any(o.startswith(FR_ID) and r.startswith(BE_ID) for _, o, r in got)  # and the other way round


def test_engine_agrees_with_named_query(french):
    """The CLI (`tsc-graph query offer-request-matches`) and the engine give the same pairs and scores."""
    store, _, index = french
    assert engine_pairs(index) == named_query_pairs(store)
    for iri in (MADAGASCAR, BENIN_BE):
        assert {(m.score, m.offer.iri, m.request.iri) for m in index.matches_for(iri)} == named_query_pairs(store, request=iri)
    assert {(m.score, m.offer.iri, m.request.iri) for m in index.matches_for(RBINS)} == named_query_pairs(store, offer=RBINS)


def test_engine_agrees_with_brute_force_on_a_generated_graph(tmp_path):
    generate = script_module("benchmarks/generate.py")

    data = tmp_path / "g.nt"
    generate.generate(12_000, data, seed=42)
    store = open_store("memory:")
    store.load(expand_sources([ONTOLOGY_DIR, REFERENCE_DIR, data]), graph_for=GraphNamer(DEFAULT_BASE_URI))
    index = build_index(store)
    assert len(index.offers) > 30 and len(index.requests) > 30
    g = load_rdf_files([REFERENCE_DIR])
    g.parse(data, format="nt")
    assert engine_pairs(index) == brute_force(g)


def test_the_possible_score_bounds_every_pair(french):
    """The scale a pair is read on is reachable and never below its score: a pair sharing all it can (the demo
    pair) scores its possible score."""
    _, _, index = french
    pairs = [index.pair(oi, ri) for _, oi, ri in index.all_pairs()]
    assert pairs and all(m.score <= best_possible(m.offer, m.request, index.catalog) for m in pairs)
    top = index.matches_for(MADAGASCAR)[0]
    assert top.score == best_possible(top.offer, top.request, index.catalog) == 16


def test_only_pairs_sharing_a_key_are_scored(french, graphs, monkeypatch):
    """The index never compares offers × requests: it scores the pairs sharing (support type, theme or target)."""
    _, _, index = french
    calls = []
    real = MatchIndex._packed_matches

    def counting(self, oi, request_positions):
        request_positions = list(request_positions)
        calls.extend(request_positions)
        return real(self, oi, request_positions)

    monkeypatch.setattr(MatchIndex, "_packed_matches", counting)
    index._all_pairs = None  # recompute under the counter
    matches = index.count()
    sharing = sum(1 for o in index.offers for r in index.requests
                  if any((s in r.supports) and (t in r.themes | r.targets) for s in o.supports for t in o.themes | o.targets))
    assert len(calls) == sharing < len(index.offers) * len(index.requests)
    assert matches <= sharing


# --- explanations -----------------------------------------------------------------------------------------------
def test_explanation_of_the_demo_pair_in_french_and_english(french):
    _, _, index = french
    [best, *_] = index.matches_for(MADAGASCAR)
    assert best.offer.iri == OFB and best.score == 16
    assert best.points() == {"support": 6, "target": 2, "theme": 4, "language": 1, "country": 2, "dates": 1}
    assert explain(best, index.catalog, "en") == (
        "shares the support types expertise and training, GBF target 6, and the themes invasive alien species and "
        "island biodiversity; provider works in French and serves Madagascar; available during the requested period")
    assert explain(best, index.catalog, "fr") == (
        "partage les types d'appui expertise et formation, la cible 6 du CMB et les thèmes espèces exotiques "
        "envahissantes et biodiversité insulaire ; le prestataire travaille en français et intervient dans le pays "
        "concerné : Madagascar ; disponible pendant la période demandée")


def test_belgian_offer_for_a_french_request_is_labelled_with_its_node(french):
    _, _, index = french
    [m] = [m for m in index.matches_for(MADAGASCAR) if m.offer.iri == RBINS]
    assert m.offer.node == "be" and m.request.node is None
    assert index.catalog.nodes["be"].demonstration
    assert explain(m, index.catalog, "en") == (
        "shares the support type training, GBF target 6, and the theme invasive alien species; provider works in "
        "French; available during the requested period")


def test_other_languages_fall_back_to_english_frames_with_their_labels(french):
    _, _, index = french
    [best, *_] = index.matches_for(MADAGASCAR)
    text = explain(best, index.catalog, "pt")
    assert text.startswith("shares ") and "francês" in text  # CLDR's Portuguese name of French


def test_spanish_frames(french):
    _, _, index = french
    [best, *_] = index.matches_for(MADAGASCAR)
    text = explain(best, index.catalog, "es")
    assert text.startswith("comparte los tipos de apoyo ") and "la meta 6 del MMB" in text, text
    assert "el proveedor trabaja en francés y interviene en el país destinatario: Madagascar" in text
    assert "shares" not in text and "provider" not in text


# --- documentation, facets --------------------------------------------------------------------------------------
def test_weights_are_documented_in_docs_matching():
    doc = (ROOT / "docs" / "matching.md").read_text(encoding="utf-8")
    assert weights_table("en") in doc and weights_table("fr") in doc
    rq = get_query("offer-request-matches").text
    for key, weight in WEIGHTS.items():
        assert re.search(rf"\* {weight}\b", rq), f"{key} weight {weight} not in offer-request-matches.rq"


def test_facets_count_what_each_choice_would_give(french):
    _, _, index = french
    cat = index.catalog
    hits, counts = browse(cat, {"kind": {"offer"}, "node": {"be"}})
    assert {i.iri for i in hits} == {i.iri for i in cat.items.values() if i.kind == "offer" and i.node == "be"}
    assert counts["node"]["be"] == len(hits)
    assert counts["node"]["local"] == sum(1 for i in cat.items.values() if i.kind == "offer" and i.node is None)
    target6 = "https://w3id.org/tsc-graph/vocab/gbf/target-06"
    hits6, _ = browse(cat, {"kind": {"offer"}, "node": {"be"}, "target": {target6}})
    assert counts["target"][target6] == len(hits6) == 2
