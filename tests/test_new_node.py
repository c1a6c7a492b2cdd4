"""docs/new-node.md, "Three commands", end to end with two processes: a copy of the checkout, the French node served
from it, and the documented commands for a Spanish-speaking Party's node (Colombia, es,en, a test-only node whose
only records are built from the Secretariat's documented example organisation: tests/fixtures/new-node/), which
harvests the French node before serving. Then: Spanish pages for ``Accept-Language: es``, the matching API in
Spanish, the French node's records on the Spanish node.
"""
from __future__ import annotations

import json
import re
import urllib.parse

import pytest

from conftest import http_request
from newnode import FRENCH_ENDPOINT, documented_commands, start_journey

pytestmark = pytest.mark.slow

ES = {"Accept-Language": "es", "Accept": "text/html"}
CO = "https://co.chm-cbd.net/tsc/"
FR = "https://fr.chm-cbd.net/tsc/"


@pytest.fixture(scope="module")
def journey(tmp_path_factory):
    done = start_journey(tmp_path_factory.mktemp("new-node"))
    try:
        yield done
    finally:
        done.stop()


PREFIXES = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> ")


def sparql(base: str, query: str) -> list[dict]:
    answer = http_request(f"{base}/sparql?query={urllib.parse.quote(PREFIXES + query)}",
                          headers={"Accept": "application/sparql-results+json"})
    assert answer.status == 200, answer.text
    return json.loads(answer.body)["results"]["bindings"]


def test_the_doc_gives_three_commands_and_the_test_ran_exactly_them(journey):
    commands = documented_commands()
    assert len(commands) == 3, commands
    assert journey.commands == commands  # each run as the doc writes it (the peer's address and PORT= aside)
    install, init, serve = commands
    assert install == "make install"
    assert "init --country CO --languages es,en" in init and f"--peer FR={FRENCH_ENDPOINT}" in init
    assert serve.startswith("make serve PROFILE=data/co/node.toml") and "HARVEST=1" in serve
    assert (journey.clone / "data" / "co" / "node.toml").is_file()
    assert "[fr] harvested" in journey.serve_log, journey.serve_log  # the French node, before serving


def test_home_page_in_spanish_for_a_spanish_browser(journey):
    page = http_request(journey.spanish + "/", headers=ES)
    assert page.status == 200 and page.headers.get("content-language", "").startswith("es")
    body = page.text
    assert re.search(r'<html[^>]* lang="es"', body) and 'dir="ltr"' in body
    assert "Cooperación técnica y científica" in body
    assert "Mecanismo de facilitación del CDB — Colombia" in body  # the node's name from data/co/about.ttl
    text = re.sub(r"\s+", " ", re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", body, flags=re.S))
    assert "Proyectos" in text and "Actores" in text  # the menu, from the Spanish catalogue
    for english in ("Technical and scientific cooperation", "Projects", "Actors", "Coopération", "Projets"):
        assert english not in text, english
    english = http_request(journey.spanish + "/", headers={"Accept-Language": "en", "Accept": "text/html"})
    assert re.search(r'<html[^>]* lang="en"', english.text)  # the node's second language
    french = http_request(journey.spanish + "/", headers={"Accept-Language": "fr", "Accept": "text/html"})
    assert re.search(r'<html[^>]* lang="es"', french.text)  # not a language of this node: its first one


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() if k not in ("id", "graph", "first", "last", "next", "prev", "code", "kind", "lang", "dates")
                for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _labels_elsewhere(base: str, iris: set[str]) -> dict[str, set[str]]:
    """Every French and English label (rdfs:label, skos:prefLabel) of these IRIs that is not also a Spanish one."""
    values = " ".join(f"<{i}>" for i in iris)
    rows = sparql(base, "SELECT ?s ?l ?es { VALUES ?s { " + values + " } GRAPH ?g { ?s rdfs:label|skos:prefLabel ?l } "
                        "FILTER(lang(?l) IN ('fr', 'en')) "
                        "OPTIONAL { GRAPH ?h { ?s rdfs:label|skos:prefLabel ?es } FILTER(lang(?es) = 'es') } }")
    out: dict[str, set[str]] = {}
    for row in rows:
        if "es" not in row:
            out.setdefault(row["s"]["value"], set()).add(row["l"]["value"])
    return out


def _matches(journey) -> dict:
    answer = http_request(journey.spanish + "/api/matches?lang=es", headers={"Accept": "application/json"})
    assert answer.status == 200, answer.text
    assert answer.headers.get("content-language") == "es"
    data = json.loads(answer.body)
    assert data["lang"] == "es" and data["total"] >= 1
    return data


def test_matching_api_in_spanish(journey):
    data = _matches(journey)
    match = data["matches"][0]
    assert (match["offer"]["label"], match["request"]["label"]) == ("Oferta de prueba", "Solicitud de prueba")
    explanation = match["explanation"]
    assert explanation.startswith("comparte el tipo de apoyo ") and "la meta 1 del MMB" in explanation
    assert "el proveedor trabaja en español" in explanation
    for frame in ("shares", "GBF target", "the theme", "provider works", "partage", "la cible", "CMB", "prestataire",
                  "travaille"):
        assert frame not in explanation, frame
    assert match["shared"]["targets"][0]["label"].startswith("Meta 1: Someter todas las zonas")
    assert match["shared"]["languages"] == [{"code": "es", "label": "español"}]
    # every string of the answer is Spanish where the data has Spanish: no French or English label of a term that
    # has a Spanish one, no English or French frame
    terms = {t["id"] for m in data["matches"] for part in ("offer", "request")
             for key in ("support_types", "targets", "themes", "countries") for t in m[part][key]}
    without_spanish = _labels_elsewhere(journey.spanish, terms)
    allowed = {label for labels in without_spanish.values() for label in labels}
    rows = sparql(journey.spanish, "SELECT DISTINCT ?l { VALUES ?s { " + " ".join(f"<{t}>" for t in terms) + " } "
                                   "GRAPH ?g { ?s rdfs:label ?l } FILTER(lang(?l) IN ('fr', 'en')) }")
    other_language = {row["l"]["value"] for row in rows} - allowed
    strings = _strings(data)
    assert not other_language & set(strings), other_language & set(strings)


@pytest.mark.xfail(strict=True, reason="the reference data has no Spanish title from an official source for the "
                   "support types and themes (tsc_graph/reference/schemes.ttl): /api/matches?lang=es shows their "
                   "English labels (docs/new-node.md, 'Languages')")
def test_matching_api_has_no_english_label_at_all(journey):
    data = _matches(journey)
    terms = {t["id"] for m in data["matches"] for part in ("offer", "request")
             for key in ("support_types", "targets", "themes", "countries") for t in m[part][key]}
    untranslated = _labels_elsewhere(journey.spanish, terms)
    shown = set(_strings(data)) | {s for m in data["matches"] for s in re.split(r"[,;] | y ", m["explanation"])}
    assert not any(label in shown or label.lower() in data["matches"][0]["explanation"]
                   for labels in untranslated.values() for label in labels), untranslated


def test_the_french_nodes_records_are_on_the_spanish_node(journey):
    graphs = sparql(journey.spanish, "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } "
                                     f"FILTER(STRSTARTS(STR(?g), '{CO}graph/node/')) }} GROUP BY ?g")
    sizes = {r["g"]["value"]: int(r["n"]["value"]) for r in graphs}
    assert sizes.get(f"{CO}graph/node/fr", 0) > 1000, sizes  # the French node's copy (beside its validation report)
    actors = http_request(journey.spanish + "/actors", headers=ES).text
    assert f'href="{FR}id/actor/' in actors  # the French node's actors, listed on the Spanish node
    own = http_request(journey.spanish + "/id/actor/test-info.html", headers=ES)
    assert own.status == 200 and "Test Info" in own.text  # beside the node's own
    french_actor = re.search(rf'href="({re.escape(FR)}id/actor/[^"]+)"', actors).group(1)
    on_french = http_request(journey.french + "/id/actor/" + french_actor.rsplit("/", 1)[1] + ".html", headers=ES)
    assert on_french.status == 200  # the same record, served by the French node
    network = http_request(journey.spanish + "/network", headers=ES).text
    assert "Francia" in network and "Mecanismo de facilitación del CDB — Colombia" in network
    # the Spanish node's own records stay its own: the French node has not harvested them
    assert not sparql(journey.french, f"SELECT ?p {{ GRAPH ?g {{ <{CO}id/actor/test-info> ?p ?o }} }} LIMIT 1")


def test_the_spanish_nodes_forms_ask_for_titles_in_its_languages(journey):
    for segment in ("projects", "offers"):
        page = http_request(f"{journey.spanish}/{segment}/submit", headers=ES)
        assert page.status == 200
        assert re.findall(r'name="((?:title|description)_[a-z-]+)"', page.text) == [
            "title_es", "title_en", "description_es", "description_en"]
        assert "Título en español" in page.text and "Título en inglés" in page.text
        assert "francés" not in page.text.split("<form")[1].split('name="description_en"')[0]
