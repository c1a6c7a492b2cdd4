"""Where actors work (issue #24): the actors listing's place facet means "based there, or leading, joining or
funding a project located there", and with a GBF target chosen too, "working on that target there" — a project of
the actor contributing to the target is located there, or the actor is based there and works on the target.

Figures from the French node's own data (data/fr/, without the demonstration records): La Réunion and target 3
(coral reefs) gave 0 actors when the facet meant "based in" (nobody based there has a target-3 project), though
four actors lead, join or fund the two target-3 projects located there (TeMeUm, BEST LIFE2030)."""
from __future__ import annotations

import html
import re
import urllib.parse

import pytest

from checkout import DATA_DIR
from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
from tsc_graph.namespaces import DEFAULT_BASE_URI
from tsc_graph.store import GraphNamer, expand_sources, open_store
from tsc_graph.web import create_app

FR = {"Accept": "text/html", "Accept-Language": "fr-FR,fr;q=0.9"}
TARGET = "https://w3id.org/tsc-graph/vocab/gbf/target-{:02d}"
PLACE = "https://w3id.org/tsc-graph/vocab/country/{}"


@pytest.fixture(scope="module")
def client():
    store = open_store("memory:")
    store.load(expand_sources([ONTOLOGY_DIR, REFERENCE_DIR, DATA_DIR / "fr"]), graph_for=GraphNamer(DEFAULT_BASE_URI))
    yield create_app({"store": "memory:"}, store=store).test_client()
    store.close()


def listing(client, **args) -> str:
    r = client.get("/actors?" + urllib.parse.urlencode(args), headers=FR)
    assert r.status_code == 200
    return r.get_data(as_text=True)


def total(body: str) -> int:
    return int(re.search(r'id="results-title"[^>]*>(\d+)', body).group(1))


def actors(body: str) -> set[str]:
    return set(re.findall(r'<h3><a href="/id/actor/([^"]+)"', body))


def facet_links(body: str, key: str) -> dict[str, tuple[str, int]]:
    """A facet's offered values: value → (link, count)."""
    part = re.search(rf'id="facet-{key}".*?</section>', body, re.S).group(0)
    found = {}
    for href, count in re.findall(r'<a href="([^"]+)">[^<]*<span class="count">(\d+)</span>', part):
        href = html.unescape(href)
        value = urllib.parse.parse_qs(urllib.parse.urlsplit(href).query)[key][0]
        found[value] = (href, int(count))
    return found


def test_actors_working_on_a_target_in_a_territory(client):
    body = listing(client, target=TARGET.format(3), place=PLACE.format("RE"))
    # the lead, partners and funders of the target-3 projects located in La Réunion (was 0: "based in")
    assert actors(body) == {"ofb", "uicn-france", "uicn", "commission-europeenne"}
    assert total(body) == 4
    # target 6: the six actors based there who work on it, and those of its projects there (was 6)
    assert total(listing(client, target=TARGET.format(6), place=PLACE.format("RE"))) == 10


def test_an_actor_based_there_counts_without_a_project_there(client):
    body = listing(client, place=PLACE.format("RE"))
    assert "cbn-mascarin" in actors(listing(client, place=PLACE.format("RE"), page=2)) | actors(body)
    assert "Pays ou territoire où ils agissent" in body


@pytest.mark.parametrize("chosen, key", [({"target": TARGET.format(3)}, "place"), ({"target": TARGET.format(6)}, "place"),
                                         ({"place": PLACE.format("RE")}, "target"),
                                         ({"place": PLACE.format("FR")}, "target")])
def test_offered_values_and_their_counts_match_what_a_click_gives(client, chosen, key):
    offered = facet_links(listing(client, **chosen), key)
    assert PLACE.format("RE") in offered or key == "target"
    for value, (href, count) in list(offered.items())[:12]:
        r = client.get(href, headers=FR)
        assert total(r.get_data(as_text=True)) == count, (value, href)


@pytest.mark.parametrize("code", ["RE", "FR", "NC"])
def test_a_place_page_gives_the_figures_of_the_lists_it_links_to(client, code):
    body = client.get(f"/vocab/country/{code}.html", headers=FR).get_data(as_text=True)
    part = re.search(r'id="node".*?</section>', body, re.S).group(0)
    figures = re.findall(r'<a href="([^"]+)">(\d+)</a>', part)
    assert {urllib.parse.urlsplit(html.unescape(h)).path for h, _ in figures} == {"/actors", "/projects"}
    for href, n in figures:
        assert total(client.get(html.unescape(href), headers=FR).get_data(as_text=True)) == int(n), href


def test_a_place_page_maps_the_projects_with_the_place_highlighted(client):
    """La Réunion's page: the map's table (the figures the map draws) gives La Réunion the page's own figure,
    marks it as the page's place, and only pages with a map load its scripts."""
    body = client.get("/vocab/country/RE.html", headers=FR).get_data(as_text=True)
    figure = re.search(r'<figure class="place-map"[^>]*>', body).group(0)
    assert 'data-current="RE"' in figure and "/static/map/world.json" in figure
    row = re.search(r'<tr data-code="RE" data-count="(\d+)" data-href="([^"]+)" data-name="([^"]+)"', body)
    projects = re.search(r'<a href="(/projects\?[^"]+)">(\d+)</a>', body)
    assert row.group(1) == projects.group(2) and html.unescape(row.group(2)) == html.unescape(projects.group(1))
    assert html.unescape(row.group(3)) == f"La Réunion : {row.group(1)} projets"
    assert "/static/js/map.js" in body
    for path in ("/gbf", "/id/project/best-rup"):
        assert "/static/js/map.js" not in client.get(path, headers=FR, follow_redirects=True).get_data(as_text=True)


def test_the_map_draws_each_territory_from_its_own_islands():
    """static/map/places.json (tools/make_map_places.py): Guadeloupe is its three islands of France's shape,
    La Réunion one; no territory takes a country's largest part (Gibraltar's point once took mainland Spain)."""
    import json

    root = DATA_DIR.parent / "tsc_graph/web/static"
    parts = json.loads((root / "map/places.json").read_text(encoding="utf-8"))["parts"]
    assert parts["GP"] == ["250", [6, 7, 8]] and parts["RE"] == ["250", [4]] and parts["GF"] == ["250", [9]]
    assert "GI" not in parts
    world = json.loads((root / "map/world.json").read_text(encoding="utf-8"))
    shapes = {g["id"]: g for g in world["objects"]["countries"]["geometries"] if "id" in g}
    for code, (shape, indexes) in parts.items():
        polygons = shapes[shape]["arcs"]
        sizes = [sum(len(world["arcs"][a if a >= 0 else ~a]) for a in p[0]) for p in polygons]
        assert sizes.index(max(sizes)) not in indexes, code
