"""Issue #24's nine visitor journeys, each in a real browser, in French and English, at 1280 and 390 px:

a. the actors working on a target in a territory (target 3 in La Réunion: counted where they work);
b. the projects contributing to a target, and the target's page listing them;
c. the commitments and what fulfils them (France's contribution to the Kiwa Initiative and its projects);
d. a request and the offers that match it, with the reasons;
e. the project form: two mistakes shown next to their fields, fixed, then the tracking link;
f. a curator signs in and approves a submission, which is then published;
g. the network and what one node (the Belgian demonstration node) contributed;
h. a researcher's query, its table and its CSV download;
i. a search with accents and capitals from the header box, grouped by kind.

The seed page's own journeys are in test_journeys.py; the forms' finer checks in test_forms.py.
"""
from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from .test_forms import ADMIN_TOKEN, CURATOR, SECRET, pick, set_date, type_into
from .test_journeys import facet_links, number, results

pytestmark = pytest.mark.slow  # a real browser and servers: `make test-fast` skips it

LANGS = ["fr", "en"]
WIDTHS = [1280, 390]
GBF = "https://w3id.org/tsc-graph/vocab/gbf/"
REUNION = "https://w3id.org/tsc-graph/vocab/country/RE"
WORDS = {
    "fr": {"actors": "Acteurs", "target": "Cible", "matches": "Meilleures correspondances",
           "contributions": "Ce qui y contribue", "fulfilled": "Projets qui le réalisent", "fulfils": "Réalise",
           "two_mistakes": "2 points à corriger", "no_country": "Indiquez au moins un pays ou territoire.",
           "dates": "La date de début ne doit pas être postérieure à la date de fin.",
           "thanks": "Merci ! Votre proposition a été enregistrée.", "waiting": "En attente de relecture",
           "desk": "Bureau des curateurs", "published": "publiée", "theme": "côtière",
           "contributed": "Ses fiches sur ce nœud", "projects": "Projets", "search": "Réunion",
           "places": "Pays et territoires"},
    "en": {"actors": "Actors", "target": "Target", "matches": "Best matches",
           "contributions": "What contributes to it", "fulfilled": "Projects fulfilling it", "fulfils": "Fulfils",
           "two_mistakes": "2 things to fix", "no_country": "Indicate at least one country or territory.",
           "dates": "The start date must not be after the end date.",
           "thanks": "Thank you! Your submission has been recorded.", "waiting": "Waiting for review",
           "desk": "Curators’ desk", "published": "published", "theme": "coastal",
           "contributed": "Its records on this node", "projects": "Projects", "search": "Réunion",
           "places": "Countries and territories"},
}


def start(b, lang: str, width: int, path: str = "/"):
    b.driver.set_window_size(width, 1000)
    b.open(f"{path}{'&' if '?' in path else '?'}lang={lang}")
    assert b.find("html").get_attribute("lang") == lang
    b.lang, b.width, b.words = lang, width, WORDS[lang]
    return b


def finish(b, name: str, tmp_path) -> None:
    overflow = b.driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{b.path} scrolls sideways by {overflow} px at {b.width} px"
    assert not [e for e in b.errors() if "status of 400" not in e], b.errors()
    b.screenshot(f"visitor-{name}-{b.lang}-{b.width}", tmp_path)


def facet_value(b, key: str, href_part: str):
    """The link of one facet value, opening the « Filter » fold (phone) and the « N more » fold when needed."""
    facet_links(b, key)  # opens the phone fold
    for a in b.find_all(f"#facet-{key} ~ ul a, #facet-{key} ~ details a"):
        if href_part in unquote(a.get_attribute("href")):
            if not a.is_displayed():
                more = a.find_element("xpath", "ancestor::details[1]")
                more.find_element("css selector", "summary").click()
            return a
    raise AssertionError(f"no {href_part} in the {key} facet of {b.path}")


def params(b) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(b.driver.current_url).query).items()}


@pytest.fixture(params=[(lang, width) for lang in LANGS for width in WIDTHS], ids=lambda p: f"{p[0]}-{p[1]}")
def visit(request, network_browser):
    lang, width = request.param
    return start(network_browser, lang, width, "/")


def test_a_actors_on_a_target_in_a_territory(visit, tmp_path):
    b = visit
    b.click(b.find(".main-nav a[href='/actors']"))
    assert b.find("h1").text == b.words["actors"]
    b.click(facet_value(b, "target", GBF + "target-03"))
    on_target = results(b)
    place = facet_value(b, "place", REUNION)
    n = number(place.find_element("css selector", ".count").text)
    b.click(place)
    assert params(b)["target"] == GBF + "target-03" and params(b)["place"] == REUNION
    assert results(b) == n and 2 <= n < on_target  # where they work, not where they are based: 1 before the fix
    assert len(b.find_all(".card")) == min(n, 20)
    name = b.find(".card h3 a").text
    b.click(b.find(".card h3 a"))
    assert b.find("h1").text == name and b.path.startswith("/id/actor/")
    finish(b, "a-actors-target-territory", tmp_path)


def test_b_projects_by_target_and_the_target_page(visit, tmp_path):
    b = visit
    b.click(b.find(".entry-points a[href='/projects']"))
    target = facet_value(b, "target", GBF + "target-06")
    n = number(target.find_element("css selector", ".count").text)
    b.click(target)
    assert results(b) == n
    for card in b.find_all(".card"):
        assert f"{b.words['target']} 6" in card.text
    title = b.find(".card h3 a").text
    b.click(b.find(".card h3 a"))
    b.click(b.find(".object-summary a.chip[href$='target-06']"))
    assert b.path.startswith("/vocab/gbf/target-06")
    contributions = b.find("#contributions")
    assert contributions.find_element("css selector", "h2").text == b.words["contributions"]
    assert title in contributions.text
    finish(b, "b-projects-by-target", tmp_path)


def test_c_commitments_and_what_fulfils_them(visit, tmp_path):
    b = visit
    b.click(b.find(".entry-points a[href='/commitments']"))
    fulfilled = facet_value(b, "fulfilment", "fulfilment=fulfilled")
    n = number(fulfilled.find_element("css selector", ".count").text)
    b.click(fulfilled)
    assert results(b) == n >= 4
    b.click(b.find(".card h3 a[href='/id/commitment/kiwa-pacifique']"))
    fulfilment = b.find("#fulfilment")
    assert b.words["fulfilled"] in fulfilment.text
    projects = fulfilment.find_elements("css selector", "a[href^='/id/project/']")
    assert len(projects) == 7, [p.text for p in projects]
    title = projects[1].text
    b.click(projects[1])
    assert b.find("h1").text == title
    back = b.find_all("a[href='/id/commitment/kiwa-pacifique']")
    assert back, "the project names the commitment it fulfils"
    finish(b, "c-commitments-fulfilled", tmp_path)


def test_d_a_request_and_its_matching_offers_with_reasons(visit, tmp_path):
    b = visit
    b.click(b.find(".entry-points a[href='/bio-bridge']"))
    b.click(b.find(".tabs a[href='/requests']"))
    b.click(b.find(".card h3 a"))
    assert b.find("#matches-title").text == b.words["matches"]
    matches = b.find_all("#matches .match")
    assert matches
    for m in matches[:3]:
        assert m.find_element("css selector", ".match-strength").text
        assert re.search(r"\d+", m.find_element("css selector", ".match-points").text)
        assert len(m.find_element("css selector", ".match-why").text) > 20  # the reasons, in words
    offer = matches[0].find_element("css selector", "h3 a")
    title = offer.text
    b.click(offer)
    assert b.find("h1").text == title
    finish(b, "d-request-matches", tmp_path)


def test_g_the_network_and_what_a_node_contributed(visit, tmp_path):
    b = visit
    b.click(b.find(".main-nav a[href='/network']"))
    card = b.find("#node-be")
    figures = {a.get_attribute("href"): number(a.find_element("css selector", ".count").text)
               for a in card.find_elements("css selector", ".chips a")}
    assert len(figures) >= 3
    b.click(card.find_element("css selector", "h2 a"))
    assert b.path.startswith("/id/node/be")
    section = b.find("#contributed")
    assert section.find_element("css selector", "h2").text == b.words["contributed"]
    chips = section.find_elements("css selector", ".chips a")
    assert {a.get_attribute("href"): number(a.find_element("css selector", ".count").text) for a in chips} == figures
    projects = next(a for a in chips if "/projects?" in a.get_attribute("href"))
    n = number(projects.find_element("css selector", ".count").text)
    b.click(projects)
    assert results(b) == n and b.find("h1").text == b.words["projects"]
    finish(b, "g-network-node", tmp_path)


def test_h_a_researchers_query_and_its_csv_download(visit, tmp_path):
    b = visit
    folder = tmp_path / "downloads"
    folder.mkdir()
    b.driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    b.click(b.find("footer a[href='/sparql'], .main-nav a[href='/sparql']"))
    b.wait(lambda d: b.find_all(".yasgui .CodeMirror"))
    example = b.find(".example-list a[href*='example=projects-per-gbf-target']")
    b.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", example)
    example.click()
    rows = b.wait(lambda d: len(b.find_all(".yasr table.dataTable tbody tr")) >= 10 and b.find_all(
        ".yasr table.dataTable tbody tr"))
    assert "^^" not in b.find(".yasr table.dataTable").text
    download = b.find(".yasr .yasr_downloadIcon")
    b.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", download)
    download.click()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not [p for p in folder.iterdir() if p.suffix == ".csv"]:
        time.sleep(0.2)
    files = [p for p in folder.iterdir() if p.suffix == ".csv"]
    assert files, f"no CSV downloaded: {list(folder.iterdir())}"
    lines = files[0].read_text(encoding="utf-8").strip().splitlines()
    assert len(lines) == len(rows) + 1 and "target" in lines[0]
    assert all(re.search(r',"?\d+"?$', line) and "^^" not in line for line in lines[1:]), lines[:3]  # plain counts
    finish(b, "h-query-csv", tmp_path)


def test_i_a_search_with_accents_from_the_header(visit, tmp_path):
    from selenium.webdriver.common.keys import Keys

    b = visit
    totals = []
    for words in (b.words["search"], "REUNION", "reunion"):
        box = b.find("#site-search-q")
        assert box.is_displayed()
        box.clear()
        box.send_keys(words)
        b.driver.execute_script("window.__tscLeaving = true")
        box.send_keys(Keys.ENTER)
        b.wait(lambda d: d.execute_script("return !window.__tscLeaving && document.readyState === 'complete'"))
        assert params(b)["q"] == words
        groups = {g.get_attribute("id"): number(g.text) for g in b.find_all(".search-group h3")}
        assert "group-places" in groups and "group-projects" in groups and groups["group-projects"] >= 6
        totals.append(groups)
    assert totals[0] == totals[1] == totals[2], "accents and capitals do not change what is found"
    first = b.find("#group-places ~ ul a, #group-places + * a")
    b.click(first)
    assert b.path.startswith("/vocab/country/RE")
    finish(b, "i-search-accents", tmp_path)


# --- the forms and the desk: a server whose desk is on (test_forms.desk) -------------------------------------
@pytest.fixture(scope="module")
def desk(start_live_server, tmp_path_factory) -> str:
    from tsc_graph.curators import Curator, dump, hash_secret

    from .test_forms import CURATOR_NAME

    path = tmp_path_factory.mktemp("curators") / "curators.toml"
    path.write_text(dump({CURATOR: Curator(CURATOR, CURATOR_NAME, hash_secret(SECRET))}), encoding="utf-8")
    return start_live_server(env={"TSC_ADMIN_TOKEN": ADMIN_TOKEN, "TSC_CURATORS_FILE": str(path)})


@pytest.fixture(params=[(lang, width) for lang in LANGS for width in WIDTHS], ids=lambda p: f"{p[0]}-{p[1]}")
def form_visit(request, driver, desk):
    from .conftest import fresh_browser

    lang, width = request.param
    b = start(fresh_browser(driver, desk), lang, width, "/projects/submit")
    b.title = f"Suivi des herbiers de Petit-Bourg ({lang}, {width} px)"
    return b


def fill_project(b, *, country: bool, end: str) -> None:
    type_into(b, f"#f-title_{b.lang}", b.title)
    pick(b, "f-lead", "biodiversité" if b.lang == "fr" else "Biodiversity")
    pick(b, "f-targets", "6")
    pick(b, "f-themes", b.words["theme"])
    status = b.find("input[name=status][value$='/planned']")
    b.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", status)
    status.click()
    if country:
        pick(b, "f-countries", "Guadel")
    set_date(b, "#f-start", "2027-03-01")
    set_date(b, "#f-end", end)
    type_into(b, "#f-email", "equipe@herbiers.example.org")


def send(b) -> None:
    b.click(b.find("form.submit button[type=submit]"))


def test_e_the_form_with_two_mistakes_then_success(form_visit, tmp_path):
    b = form_visit
    fill_project(b, country=False, end="2026-12-31")  # no place, and it ends before it starts
    send(b)
    summary = b.find("#error-summary")
    assert b.words["two_mistakes"] in summary.text
    assert b.find("#err-countries").text.endswith(b.words["no_country"])
    assert b.words["dates"] in b.find("#err-end").text
    assert b.find(f"#f-title_{b.lang}").get_attribute("value") == b.title  # everything typed is kept
    b.screenshot(f"visitor-e-form-errors-{b.lang}-{b.width}", tmp_path)
    pick(b, "f-countries", "Guadel")
    set_date(b, "#f-end", "2029-12-31")
    send(b)
    assert b.find("h1").text == b.words["thanks"]
    link = b.find("#tracking-link").get_attribute("href")
    b.driver.get(link)
    assert b.words["waiting"] in b.find(".state-box").text
    finish(b, "e-form-sent", tmp_path)


def test_f_a_curator_approves_a_submission_and_it_is_published(form_visit, tmp_path):
    b = form_visit
    b.title = b.title.replace("Suivi", "Restauration")
    fill_project(b, country=True, end="2029-12-31")
    send(b)
    link = b.find("#tracking-link").get_attribute("href")
    b.open(f"/admin/?lang={b.lang}")
    type_into(b, "#f-account", CURATOR)
    type_into(b, "#f-password", SECRET)
    b.click(b.find("form.login button"))
    assert b.find("h1").text == b.words["desk"]
    b.click(next(a for a in b.find_all(".desk-queue td a") if a.text == b.title))
    assert b.find(".review-head h1").text == b.title
    b.click(b.find("#approve"))
    assert b.find(".review-head .state").text.casefold() == b.words["published"]
    b.driver.get(link)
    b.click(b.find("#published-link"))
    assert b.find("h1").text == b.title and b.path.startswith("/id/project/")
    finish(b, "f-curator-approved", tmp_path)
