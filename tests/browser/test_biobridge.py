"""The Bio-Bridge and network pages in real Chromium, on what ``make serve`` serves: the French data, the
network registry and the Belgian demonstration node harvested. A request page shows its matches with their
explanations; a Belgian match leads to the harvested copy, which says where it comes from; the network page lists
the Belgian node with its harvest figures and leads to what came from it; axe-core finds no serious or critical
violation; screenshots at 1280 px and 390 px, in French and English, are kept in test-artifacts/."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.slow  # a real browser and server: `make test-fast` skips it

MADAGASCAR = "/id/request/madagascar-crapaud-asiatique"
RBINS_FR = ("Partage le type d'appui formation, la cible 6 du CMB et le thème espèces exotiques envahissantes ; le "
            "prestataire travaille en français ; disponible pendant la période demandée.")


def number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def test_a_request_page_shows_its_matches_with_explanations(network_browser):
    b = network_browser
    b.open("/bio-bridge")
    b.click(b.find(".tabs a[href='/requests']"))
    assert b.find("h1").text == "Demandes Bio-Bridge"
    b.click(b.find(f".card h3 a[href='{MADAGASCAR}']"))
    assert b.path.startswith(MADAGASCAR)
    matches = b.find_all("#matches .match")
    assert len(matches) == 5 and b.find("#matches-title").text == "Meilleures correspondances"
    first = matches[0]
    assert first.find_element("css selector", ".match-strength").text == "Très proche"
    assert first.find_element("css selector", ".match-points").text == "16 points sur 16 possibles"
    assert first.find_element("css selector", ".match-why").text.startswith(
        "Partage les types d'appui expertise et formation, la cible 6 du CMB")
    belgian = next(m for m in matches if "Belgique" in m.find_element("css selector", ".match-meta").text)
    assert belgian.find_element("css selector", ".match-why").text == RBINS_FR
    assert belgian.find_element("css selector", ".badge-demo").text == "Nœud de démonstration"
    detail = belgian.find_element("css selector", "details")
    detail.find_element("css selector", "summary").click()
    assert "Types d'appui communs" in detail.text and detail.get_attribute("open") is not None
    title = belgian.find_element("css selector", "h3 a").text
    b.click(belgian.find_element("css selector", "h3 a"))  # the harvested copy, on this site
    assert b.path.startswith("/resource?uri=") and b.find("h1").text == title
    assert "Une fiche d'un autre nœud." in b.find(".banner-origin").text
    assert "Belgique (nœud de démonstration)" in b.find(".banner-origin").text
    assert "Contenir l'invasion du crapaud asiatique" in b.find("#matches").text  # and it matches the request back
    assert not b.errors()


def test_the_network_page_lists_the_belgian_node_with_its_harvest_figures(network_browser):
    b = network_browser
    b.open("/")
    b.click(b.find(".main-nav a[href='/network']"))
    assert b.find("h1").text == "Le réseau des centres d'échange"
    be = b.find("#node-be")
    assert be.find_element("css selector", "h2").text == "Belgique (nœud de démonstration)"
    assert be.find_element("css selector", ".badge-demo").text == "Nœud de démonstration"
    text = be.text
    assert re.search(r"Dernier moissonnage\s+\d{1,2} \w+\.? \d{4}", text), text
    assert re.search(r"Taille de la copie\s+186 faits", text) and "Conforme à nos règles" in text
    changes = b.find("table.changes").text
    assert "données «" not in changes and "triplets" not in changes, changes  # records in words, no graph names
    assert re.search(r"Moissonnage\s+Belgique \(nœud de démonstration\)\s+186", changes), changes
    chip = next(c for c in be.find_elements("css selector", "a.chip") if c.text.startswith("Acteurs"))
    count = number(chip.find_element("css selector", ".count").text)
    b.click(chip)  # what came from the node: the actors listing filtered by it
    assert b.path.startswith("/actors?node=") and number(b.find("#results-title").text) == count == 7
    assert "Belgique (nœud de démonstration)" in b.find(".active-filters").text
    assert not b.errors()


def test_bio_bridge_listing_filtered_by_node_and_language(network_browser):
    b = network_browser
    b.open("/offers")
    total = number(b.find("#results-title").text)
    node = next(a for a in b.find_all("#facet-node + ul a") if a.text.startswith("Belgique"))
    count = number(node.find_element("css selector", ".count").text)
    b.click(node)
    assert number(b.find("#results-title").text) == count < total
    assert len(b.find_all(".card .badge-demo")) == count  # every card says it comes from the demonstration node
    english = next(a for a in b.find_all("#facet-language + ul a") if a.text.startswith("Anglais"))
    n = number(english.find_element("css selector", ".count").text)
    b.click(english)
    assert number(b.find("#results-title").text) == n and len(b.find_all(".active-filters .chip-filter")) == 2


@pytest.mark.parametrize("path", ["/bio-bridge", "/offers", "/requests", "/practices", MADAGASCAR, "/network",
                                  "/resource?uri=https%3A%2F%2Fbe.chm-cbd.net%2Ftsc%2Fid%2Foffer%2Frbins-invasive-species-training",
                                  "/id/actor/ofb", "/id/project/centre-ressources-eee"])
def test_no_serious_accessibility_violation(network_browser, path):
    network_browser.open(path)
    violations = network_browser.axe()
    assert not violations, "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — "
                                     f"{[n.get('target') for n in v.get('nodes', [])][:5]}" for v in violations)


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name,path", [("bio-bridge", "/bio-bridge"), ("request", MADAGASCAR),
                                       ("network", "/network"), ("offers", "/offers")])
def test_screenshots_at_desktop_and_phone_width(network_browser, tmp_path, name, path, lang, width):
    b = network_browser
    b.driver.set_window_size(width, 900)
    b.open(f"{path}?lang={lang}")
    assert b.find("html").get_attribute("lang") == lang
    overflow = b.driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} sticks out sideways by {overflow} px at {width} px"
    shot = b.screenshot(f"{name}-{lang}-{width}px", tmp_path)
    assert shot.stat().st_size > 10_000


@pytest.mark.parametrize("path", ["/bio-bridge", "/offers", "/requests", "/practices"])
def test_every_bio_bridge_page_shows_the_way_to_its_forms(network_browser, path, tmp_path):
    """The three forms are on screen under the tabs, not only in the markup, and lead to the forms."""
    b = network_browser
    b.open(path)
    links = b.find_all(".take-part a")
    assert [a.get_attribute("pathname") for a in links if a.is_displayed()] and \
        sorted(a.get_attribute("pathname") for a in links if a.is_displayed()) == \
        ["/offers/submit", "/practices/submit", "/requests/submit"]
    top = b.driver.execute_script("return arguments[0].getBoundingClientRect().top", b.find(".take-part"))
    assert top < b.driver.execute_script("return window.innerHeight"), "the band is below the first screen"
    b.screenshot(f"bio-bridge-take-part-{path.strip('/')}", tmp_path, full_page=False)
    b.click(links[0])
    assert b.path.startswith(("/offers/submit", "/requests/submit", "/practices/submit")) and b.find("form.submit")
    assert not b.errors()
