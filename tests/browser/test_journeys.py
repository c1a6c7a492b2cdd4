"""The visitor journeys of the seed page (/work/shared/seed/, the French clearing-house's « Coopération technique
et scientifique » page), in its order, each a few real steps in a real browser, in French and English, at desktop
and phone widths, on what ``make serve`` serves (the network registry loaded, the Belgian demonstration node
harvested):

a. learn what technical and scientific cooperation is (Articles 16, 17 and 18 of the Convention);
b. TSC and COP15: « pour en savoir plus », Decision 15/8 and its official text;
c. the clearing-house mechanism and its network of national nodes;
d. the panorama of France's key biodiversity actors, filtered by type;
e. the projects that contribute to the Global Framework's targets, filtered by one;
f. the form to add a project yourself (a blank one is refused with the reasons);
g. France's national and international commitments, and where they are carried out (its territories);
h. the Bio-Bridge initiative: who offers and who asks for help, and how they match;
i. the 33 French organisations registered on the Bio-Bridge platform, with its source and the way to sign up.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.slow  # a real browser and server: `make test-fast` skips it

LANGS = ["fr", "en"]
WIDTHS = [1280, 390]
WORDS = {  # what a visitor reads, per language
    "fr": {"home": "Coopération technique et scientifique", "article": "Article 18 : Coopération technique et scientifique",
           "decision": "Décision 15/8", "network": "Le réseau des centres d'échange", "actors": "Acteurs",
           "projects": "Projets", "submit": "Proposer un projet", "commitments": "Engagements",
           "bio-bridge": "L'initiative Bio-Bridge", "offers": "Offres Bio-Bridge", "requests": "Demandes Bio-Bridge", "registered": "Organisations françaises inscrites sur la plateforme Bio-Bridge",
           "national": "national", "international": "international", "matches": "Meilleures correspondances",
           "target": "Cible"},
    "en": {"home": "Technical and scientific cooperation", "article": "Article 18: Technical and Scientific Cooperation",
           "decision": "Decision 15/8", "network": "The network of clearing-house nodes", "actors": "Actors",
           "projects": "Projects", "submit": "Submit a project", "commitments": "Commitments",
           "bio-bridge": "The Bio-Bridge Initiative", "offers": "Bio-Bridge offers", "requests": "Bio-Bridge requests", "registered": "French organisations registered on the Bio-Bridge platform",
           "national": "National", "international": "International", "matches": "Best matches",
           "target": "Target"},
}


def number(text: str) -> int:
    match = re.search(r"\d[\d\u202f\u00a0 ]*", text)
    assert match, f"no number in {text!r}"
    return int(re.sub(r"\D", "", match.group()))


@pytest.fixture(params=[(lang, width) for lang in LANGS for width in WIDTHS], ids=lambda p: f"{p[0]}-{p[1]}")
def visitor(request, network_browser, tmp_path):
    """The shared browser on the site's home page in one language at one width; the journey's last page is kept
    as a screenshot in French at phone width (test-artifacts/journey-*.png)."""
    lang, width = request.param
    b = network_browser
    b.driver.set_window_size(width, 1000)
    b.open(f"/?lang={lang}")  # the switch's link: the cookie keeps the language from here on
    assert b.find("html").get_attribute("lang") == lang
    b.lang, b.width, b.words = lang, width, WORDS[lang]
    yield b
    overflow = b.driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{b.path} scrolls sideways by {overflow} px at {width} px"
    assert not b.errors(), b.errors()
    if (lang, width) == ("fr", 390):
        b.screenshot(f"journey-{request.node.originalname.removeprefix('test_')}-fr-390", tmp_path)


def results(b) -> int:
    return number(b.find("#results-title").text)


def facet_links(b, key: str) -> list:
    """A facet's values (opening the « Filter » fold on a phone first)."""
    toggles = [t for t in b.find_all("button.facets-toggle") if t.is_displayed()]
    if toggles and toggles[0].get_attribute("aria-expanded") != "true":
        toggles[0].click()
    return [a for a in b.find_all(f"#facet-{key} + ul a") if a.is_displayed()]


def home_figure(b, path: str) -> int:
    return number(b.find(f".figure-list a[href='{path}'] .figure").text)


def test_a_what_tsc_is(visitor):
    b = visitor
    assert b.find("h1").text == b.words["home"]
    what = b.find("#what-title").find_element("xpath", "..").text
    assert all(n in what for n in ("16", "17", "18"))
    b.click(b.find(".instrument-links a[href='/vocab/cbd/article-18']"))
    assert b.find("h1").text == b.words["article"]


def test_b_tsc_and_cop15_decision_15_8(visitor):
    b = visitor
    assert "COP15" in b.find("#what-title").find_element("xpath", "..").text
    b.click(b.find(".instrument-links a[href='/vocab/cbd/decision-15-8']"))
    assert b.find("h1").text.startswith(b.words["decision"])
    official = b.find("#sources a[href^='https://www.cbd.int/doc/decisions/cop-15/cop-15-dec-08']")
    assert official.is_displayed()


def test_c_the_clearing_house_network(visitor):
    b = visitor
    nodes = home_figure(b, "/network")
    b.click(b.find(".main-nav a[href='/network']"))
    assert b.find("h1").text == b.words["network"]
    listed = b.find_all("ul.nodes > li:not(.empty)")
    assert len(listed) >= nodes >= 2, "this node and the Belgian demonstration node it harvested"
    be = b.find("#node-be")
    assert "Belgi" in be.text
    link = be.find_element("css selector", "a[href^='/actors?node=']")
    count = number(link.text)
    b.click(link)
    assert results(b) == count


def test_d_the_actors_panorama_filtered_by_type(visitor):
    b = visitor
    figure = home_figure(b, "/actors")
    b.click(b.find(".entry-points a[href='/actors']"))
    assert b.find("h1").text == b.words["actors"]
    total = results(b)
    assert total >= figure  # the home figure leaves out demonstration records, which the list marks
    kind = facet_links(b, "type")[0]
    n = number(kind.find_element("css selector", ".count").text)
    b.click(kind)
    assert "type=" in b.path and results(b) == n < total
    card = b.find(".card h3 a")
    name = card.text
    b.click(card)
    assert b.find("h1").text == name and b.path.startswith("/id/actor/")


def test_e_projects_contributing_to_a_target(visitor):
    b = visitor
    b.click(b.find(".entry-points a[href='/projects']"))
    assert b.find("h1").text == b.words["projects"]
    target = facet_links(b, "target")[0]
    n = number(target.find_element("css selector", ".count").text)
    b.click(target)
    chosen = parse_qs(urlsplit(b.driver.current_url).query)["target"][0]
    assert results(b) == n
    number_of_target = int(re.search(r"target-(\d+)", chosen).group(1))
    for card in b.find_all(".card")[:5]:
        assert f"{b.words['target']} {number_of_target}" in card.text
    b.click(b.find(".card h3 a"))
    assert b.path.startswith("/id/project/")
    assert b.find(f".object-summary a.chip[href$='target-{number_of_target:02d}']")


def test_f_add_a_project_form(visitor):
    b = visitor
    b.click(b.find(".entry-points a[href='/projects/submit']"))
    assert b.find("h1").text == b.words["submit"]
    assert b.find("label[for='f-title_fr']").is_displayed() and b.find("label[for='f-title_en']").is_displayed()
    b.click(b.find("form.submit button[type=submit]"))
    b.driver.get_log("browser")  # the refusal is an HTTP 400, which the console reports: expected here
    summary = b.find("#error-summary")
    assert summary.is_displayed() and len(summary.find_elements("css selector", "a")) >= 2
    first = summary.find_element("css selector", "a")
    assert b.find(first.get_attribute("hash")).is_displayed()  # each reason leads to its field


def test_g_commitments_national_international_and_where(visitor):
    b = visitor
    figure = home_figure(b, "/commitments")
    b.click(b.find(".entry-points a[href='/commitments']"))
    assert b.find("h1").text == b.words["commitments"]
    total = results(b)
    assert total >= figure
    kinds = {a.get_attribute("href").split("%23")[1].split("&")[0]: (a.text, number(a.find_element("css selector", ".count").text))
             for a in facet_links(b, "kind")}
    assert set(kinds) == {"NationalCommitment", "InternationalCommitment"}, kinds
    assert b.words["national"] in kinds["NationalCommitment"][0] and b.words["international"] in kinds["InternationalCommitment"][0]
    assert sum(n for _t, n in kinds.values()) == total
    national = next(a for a in facet_links(b, "kind") if "%23NationalCommitment" in a.get_attribute("href"))
    n = kinds["NationalCommitment"][1]
    b.click(national)
    assert results(b) == n < total
    place = next(a for a in facet_links(b, "place") if not a.get_attribute("href").endswith("%2FFR"))
    m = number(place.find_element("css selector", ".count").text)
    b.click(place)
    assert results(b) == m and len(b.find_all(".active-filters .chip-filter")) == 2


def test_h_bio_bridge_offers_requests_and_matches(visitor):
    b = visitor
    b.click(b.find(".entry-points a[href='/bio-bridge']"))
    assert b.find("h1").text == b.words["bio-bridge"]
    assert [a.get_attribute("href").rsplit("/", 1)[-1] for a in b.find_all(".take-part a")] == [
        "submit", "submit", "submit"]
    b.click(b.find(".tabs a[href='/offers']"))
    assert b.find("h1").text == b.words["offers"] and results(b) >= 1
    b.click(b.find(".tabs a[href='/requests']"))
    assert b.find("h1").text == b.words["requests"] and results(b) >= 1
    b.click(b.find(".card h3 a"))  # a request: the offers that could answer it
    matches = b.find_all("#matches .match")
    assert matches and b.find("#matches-title").text == b.words["matches"]
    other = matches[0].find_element("css selector", "a")
    title = other.text
    b.click(other)
    assert b.find("h1").text == title


def test_i_bio_bridge_registrations_source_and_sign_up(visitor):
    b = visitor
    callout = b.find(".prose .callout")
    assert number(callout.text) == 33 and b.words["registered"] in callout.text
    source = callout.find_element("css selector", "a").get_attribute("href")
    assert source.startswith("https://"), f"the figure's source is a real address: {source}"
    b.click(b.find(".entry-points a[href='/bio-bridge']"))
    platform = b.find(".platform")
    assert number(platform.find_element("css selector", ".callout").text) == 33
    b.click(platform.find_element("css selector", "a[href='/id/platform/bio-bridge']"))
    site = b.find("#sources a[href='https://www.cbd.int/biobridge/']")  # where an organisation signs up
    assert site.is_displayed()
