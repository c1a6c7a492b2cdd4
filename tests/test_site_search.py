"""One search for the whole site (/search, /api/search; tsc_graph/search.py) on the shipped data: accents and
case in every language, organisations and places of a project, GBF target numbers, ranking, hostile input, the
header's search box, and an index that follows the store's writes."""
from __future__ import annotations

import html
import re

import pytest

from tsc_graph.store import Source
from tsc_graph.web import create_app

FR = {"Accept": "text/html", "Accept-Language": "fr-FR,fr;q=0.9"}
EN = {"Accept": "text/html", "Accept-Language": "en"}
BASE = "https://fr.chm-cbd.net/tsc/"
TSC = "https://w3id.org/tsc-graph/ontology#"


@pytest.fixture(scope="module")
def app(french_memory_store):
    return create_app({"store": "memory:"}, store=french_memory_store)


@pytest.fixture
def client(app):
    return app.test_client()


def results(client, q: str, kind: str | None = None, headers=FR) -> list[tuple[str, str]]:
    """(group, link) of every result on the page, in order."""
    r = client.get("/search", query_string={"q": q, **({"kind": kind} if kind else {})}, headers=headers)
    assert r.status_code == 200, r.get_data(as_text=True)[:1000]
    body = r.get_data(as_text=True)
    found = []
    for group, items in re.findall(r'<section class="search-group" aria-labelledby="group-([a-z]+)">(.*?)</section>',
                                   body, re.S):
        found += [(group, html.unescape(href)) for href in re.findall(r'<li><a href="([^"]+)"', items)]
    return found


def local(iri: str) -> str:
    return "/" + iri.removeprefix(BASE)


def projects_where(store, pattern: str) -> set[str]:
    rows = store.query(f"PREFIX tsc: <{TSC}> SELECT DISTINCT ?p WHERE {{ ?p a tsc:Project ; {pattern} }}").bindings
    return {local(str(r["p"])) for r in rows}


def test_accents_and_case_do_not_matter_and_places_count(client, french_memory_store):
    pages = [results(client, q, "projects") for q in ("réunion", "REUNION", "Réunion", "reunion")]
    assert pages[0] and all(p == pages[0] for p in pages)
    in_reunion = projects_where(french_memory_store, "<http://purl.org/dc/terms/spatial> "
                                                     "<https://w3id.org/tsc-graph/vocab/country/RE>")
    assert len(in_reunion) > 1 and in_reunion <= {href for _, href in pages[0]}
    everything = [results(client, q) for q in ("réunion", "RÉUNION")]
    assert everything[0] == everything[1] and ("places", "/vocab/country/RE") in everything[0]


def test_an_acronym_finds_the_projects_of_the_organisation(client, french_memory_store):
    ofb = projects_where(french_memory_store, f"tsc:leadOrganisation|tsc:partnerOrganisation <{BASE}id/actor/ofb>")
    found = {href for _, href in results(client, "ofb", "projects")}
    assert len(ofb) > 3 and ofb <= found
    assert ("actors", "/id/actor/ofb") in results(client, "OFB")


@pytest.mark.parametrize("q", ["cible 6", "T6", "target 6", "Cible 6"])
def test_a_target_number_finds_the_target_first(client, q):
    assert results(client, q, headers=EN)[0] == ("targets", "/vocab/gbf/target-06")
    r = client.get("/api/search", query_string={"q": q})
    assert r.status_code == 200 and r.get_json()["results"][0]["href"] == "/vocab/gbf/target-06"


def test_a_title_hit_ranks_before_a_description_only_hit(client, french_memory_store):
    rows = french_memory_store.query(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX dct: <http://purl.org/dc/terms/> "
        f"PREFIX tsc: <{TSC}> SELECT DISTINCT ?p ?title WHERE {{ ?p a/rdfs:subClassOf* tsc:Practice ; "
        "dct:description ?d . "
        "FILTER(CONTAINS(?d, 'COREXERUN')) "
        "OPTIONAL { ?p rdfs:label ?title FILTER(CONTAINS(?title, 'COREXERUN')) } }"
    ).bindings
    titled = {local(str(r["p"])) for r in rows if "title" in r}
    described = {local(str(r["p"])) for r in rows} - titled
    assert titled and described, "the data no longer has both kinds of hit for this test"
    order = [href for kind, href in results(client, "corexerun", "practices")]
    assert max(order.index(h) for h in titled) < min(order.index(h) for h in described)


@pytest.mark.parametrize("q", ['"NEAR(', "*", '"', "a OR b", "NEAR(forêt eau)", "title:forêt", "^forêt", "forêt*",
                               "(", "AND", "-", "x" * 201, "\u0000", "'; DROP TABLE docs; --"])
def test_search_syntax_is_never_an_error_of_the_server(client, q):
    for path, headers in (("/search", FR), ("/search", {"Accept": "application/json"}), ("/api/search", {})):
        r = client.get(path, query_string={"q": q}, headers=headers)
        assert r.status_code in (200, 400), (path, q, r.status_code)
        if r.status_code == 400:
            text = r.get_data(as_text=True)
            assert "caractères" in text or "au moins un mot" in text or "characters" in text or "at least one" in text


def test_empty_search_shows_the_form_and_the_api_says_why(client):
    body = client.get("/search", headers=FR).get_data(as_text=True)
    assert 'id="site-search-page-q"' in body and "search-group" not in body
    r = client.get("/api/search?q=", headers={"Accept-Language": "en"})
    assert r.status_code == 400 and "at least one word" in r.get_json()["message"]


def test_suggestions_complete_the_last_word(client):
    r = client.get("/api/search", query_string={"q": "biodiv"}, headers={"Accept-Language": "en"})
    got = r.get_json()["results"]
    assert r.status_code == 200 and 0 < len(got) <= 8 and all(g["href"] and g["label"] and g["kind"] for g in got)
    negotiated = client.get("/search?q=ofb", headers={"Accept": "application/json"})
    assert negotiated.is_json and "Accept" in negotiated.headers["Vary"]
    assert negotiated.get_json()["results"][0]["href"] in {"/id/actor/ofb", "/id/project/ofb-eco-villages-wallis-futuna"}


@pytest.mark.parametrize("path", ["/", "/projects", "/gbf", "/id/project/chm-france.html", "/search?q=eau"])
def test_every_page_has_a_labelled_search_box_in_its_header(client, path):
    for headers, label in ((FR, "Rechercher sur le site"), (EN, "Search the site")):
        body = client.get(path, headers=headers).get_data(as_text=True)
        header = re.search(r'<header class="site-header">.*?</header>', body, re.S).group(0)
        form = re.search(r'<form class="site-search" method="get" action="/search" role="search">.*?</form>',
                         header, re.S).group(0)
        assert f'<label class="visually-hidden" for="site-search-q">{label}</label>' in form
        assert 'id="site-search-q" type="search" name="q"' in form and "<button" in form


def test_the_index_follows_the_store_and_lives_beside_it(empty_disk_store):
    def add(name: str, label: str) -> None:
        data = (f'<{BASE}id/project/{name}> a <{TSC}Project> ; '
                f'<http://www.w3.org/2000/01/rdf-schema#label> "{label}"@fr .')
        empty_disk_store.load([Source(f"{name}.ttl", data=data.encode(), format="turtle")],
                              graph_for=lambda s: f"{BASE}graph/{name}")

    add("one", "Mangroves de Guyane")
    client = create_app({"store": "memory:"}, store=empty_disk_store).test_client()
    assert results(client, "mangrove") == [] and results(client, "mangroves") == [("projects", "/id/project/one")]
    assert (empty_disk_store.path / "search.sqlite3").exists()
    add("two", "Récifs et mangroves")
    assert {h for _, h in results(client, "MANGROVES")} == {"/id/project/one", "/id/project/two"}
