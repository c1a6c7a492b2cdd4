"""The portal in a real browser: a visitor's journeys (find, filter, read a record), the language switch, the query page,
a phone-width screenshot, and axe-core's accessibility audit."""
from __future__ import annotations

import re
import urllib.parse

import pytest

pytestmark = pytest.mark.slow  # a real browser and server: `make test-fast` skips it

GBF = "https://w3id.org/tsc-graph/vocab/gbf/"
CHROMIUM_ACCEPT = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
                   "application/signed-exchange;v=b3;q=0.7")


def number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def test_home_actors_filtered_actor_project_target(browser, http):
    """Home → actors filtered by type and by territory → an actor → one of its projects → a GBF target page."""
    browser.open("/")
    assert browser.find("html").get_attribute("lang") == "fr"  # a French browser gets French
    assert "Coopération technique et scientifique" in browser.find("h1").text
    browser.click(browser.find(".main-nav a[href='/actors']"))
    assert browser.find("h1").text == "Acteurs"
    total = number(browser.find("#results-title").text)

    first_type = browser.find("#facet-type + ul a")
    type_count = number(first_type.find_element("css selector", ".count").text)
    browser.click(first_type)
    assert "type=" in browser.path and number(browser.find("#results-title").text) == type_count < total

    place = browser.find("#facet-place + ul a")
    place_count = number(place.find_element("css selector", ".count").text)
    browser.click(place)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(browser.driver.current_url).query)
    assert set(query) >= {"type", "place"}  # the filters are in the URL: a permalink
    assert number(browser.find("#results-title").text) == place_count
    assert len(browser.find_all(".active-filters .chip-filter")) == 2

    cards = browser.find_all(".card")
    with_projects = [c for c in cards if any(number(dd.text) > 0 for dd in c.find_elements("css selector", "dd")
                                             if dd.text.strip().isdigit())]
    assert with_projects, "an actor of this type and place has projects"
    actor_name = with_projects[0].find_element("css selector", "h3 a").text
    browser.click(with_projects[0].find_element("css selector", "h3 a"))
    assert browser.find("h1").text == actor_name and browser.path.startswith("/id/actor/")

    project = browser.find("#projects dd a")
    project_name = project.text
    browser.click(project)
    assert browser.find("h1").text == project_name and browser.path.startswith("/id/project/")
    assert browser.find("#data a[href$='.ttl']")  # the RDF documents are one click away
    triples = http(browser.find("#data a[href$='.nt']").get_attribute("href")).body
    illustrative = b"<https://w3id.org/tsc-graph/vocab/evidence/illustrative>" in triples
    assert bool(browser.find_all(".banner-illustrative")) == illustrative  # the banner says what the data says

    chip = browser.find(".object-summary a.chip[href^='/vocab/gbf/target-']")
    target_name = chip.get_attribute("title")  # the chip says « Cible 11 », its tooltip the whole title
    assert target_name.startswith(chip.text + " :")
    browser.click(chip)
    assert browser.path.startswith("/vocab/gbf/target-") and browser.find("h1").text == target_name
    assert browser.find("#contributions h2").text == "Ce qui y contribue"
    assert project_name in browser.find("#contributions").text
    assert browser.find(".neighbours")  # previous / next target
    assert not browser.errors()


def test_project_catalogue_filtered_by_target_with_counts(browser):
    browser.open("/projects")
    facet = browser.find_all("#facet-target ~ ul a, #facet-target ~ details a")
    numbers = [int(re.search(r"/gbf/target-(\d+)", urllib.parse.unquote(a.get_attribute("href"))).group(1)) for a in facet]
    assert numbers == sorted(numbers)  # targets in numeric order: 1, 2, … never 1, 10, 11
    link = next(a for a in facet if "target-06" in urllib.parse.unquote(a.get_attribute("href")))
    count = number(link.find_element("css selector", ".count").text)
    browser.click(link)
    assert number(browser.find("#results-title").text) == count
    assert len(browser.find_all(".card")) == min(count, 20)
    for card in browser.find_all(".card"):
        assert "Cible 6" in card.text  # every project shown contributes to target 6
    assert urllib.parse.unquote(browser.path).endswith(f"target={GBF}target-06")


def test_query_page_runs_an_example_and_shows_a_table(browser, portal, http):
    # the first bug: Chromium's own Accept header must get the page, not raw XML results
    r = http(portal + "/sparql?query=" + urllib.parse.quote("ASK {}"), headers={"Accept": CHROMIUM_ACCEPT})
    assert r.status == 200 and r.media_type == "text/html" and 'id="yasgui"' in r.text
    browser.open("/sparql")
    browser.wait(lambda d: browser.find_all(".yasgui .CodeMirror"))
    assert not browser.find("#query-fallback").is_displayed()  # YASGUI replaced the plain form
    example = browser.find(".example-list a[href*='example=projects-per-gbf-target']")
    assert example.text == "Projets par cible du CMB"  # examples titled in the page's language
    example.click()
    rows = browser.wait(lambda d: [r for r in browser.find_all(".yasr table.dataTable tbody tr") if r.text.strip()]
                        if len(browser.find_all(".yasr table.dataTable tbody tr")) >= 10 else False)
    assert len(rows) >= 10
    assert browser.find_all(".yasr table.dataTable a[href^='/vocab/gbf/target-']")  # result links stay on this site
    counts = [r.find_elements("css selector", "td")[-1].text for r in rows]
    assert all(c.isdigit() for c in counts), counts  # « 12 », not « "12"^^xsd:integer »
    assert "^^" not in browser.find(".yasr table.dataTable").text
    assert not browser.errors()


def test_a_query_permalink_opens_the_page_and_runs(browser):
    query = "SELECT ?target WHERE { ?target a <https://w3id.org/tsc-graph/ontology#GBFTarget> }"
    browser.open("/sparql?" + urllib.parse.urlencode({"query": query}))
    browser.wait(lambda d: len(browser.find_all(".yasr table.dataTable tbody tr")) >= 10)


def test_language_switch_keeps_the_page_and_persists(browser):
    browser.open("/id/project/best-rup")
    assert browser.find("html").get_attribute("lang") == "fr"
    french_title = browser.find("h1").text
    path = browser.path
    browser.click(browser.find(".lang-switch a[lang='en']"))
    assert browser.find("html").get_attribute("lang") == "en"
    assert browser.path.split("?")[0] == path.split("?")[0]  # same page
    assert browser.find("h1").text != french_title and browser.find("#data-title").text == "Data"
    browser.click(browser.find(".main-nav a[href='/projects']"))  # no ?lang= in this link: the cookie remembers
    assert browser.find("html").get_attribute("lang") == "en" and browser.find("h1").text == "Projects"
    budget = browser.find_all(".card")  # and back
    assert budget
    browser.click(browser.find(".lang-switch a[lang='fr']"))
    assert browser.find("h1").text == "Projets"


def test_dates_in_the_visitors_locale(browser):
    browser.open("/id/project/best-rup?lang=fr")
    french = browser.find("#where").text
    browser.open("/id/project/best-rup?lang=en")
    english = browser.find("#where").text
    months_fr = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
    months_en = "January February March April May June July August September October November December".split()
    assert any(m in french for m in months_fr) and any(m in english for m in months_en)


def test_overseas_territories_by_their_common_names(browser, tmp_path):
    """A project in the overseas territories names them as a French visitor does (« La Réunion », not ISO's
    « Réunion, Île de la »); so does the territory's page (ISO's form stays in its RDF documents)."""
    browser.open("/id/project/best-rup")
    where = browser.find("#where")
    assert "La Réunion" in where.text and "Réunion, Île de la" not in where.text
    browser.screenshot("project-overseas-territories", tmp_path)
    browser.click(next(a for a in where.find_elements("css selector", "a") if a.text == "La Réunion"))
    assert browser.path.startswith("/vocab/country/RE") and browser.find("h1").text == "La Réunion"
    page = browser.find("main").text
    assert "Réunion, Île de la" not in page and "France" in page and "Pref label" not in page
    assert not browser.errors()
    assert browser.screenshot("territory-la-reunion", tmp_path).stat().st_size > 10_000


def test_home_at_phone_width(browser, tmp_path):
    browser.driver.set_window_size(390, 844)
    browser.open("/")
    assert browser.driver.execute_script("return window.innerWidth") <= 400
    overflow = browser.driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "nothing sticks out sideways at 390 px"
    assert browser.find("#gbf-canvas").size["width"] > 250  # the chart drew itself in the narrow column
    shot = browser.screenshot("home-390px", tmp_path)
    assert shot.stat().st_size > 10_000


def page_top(browser, css: str) -> float:
    """Where an element starts, in CSS pixels from the top of the page (not of the window)."""
    return browser.driver.execute_script(
        "return document.querySelector(arguments[0]).getBoundingClientRect().top + window.scrollY", css)


def test_listing_at_phone_width_results_first_facets_behind_a_button(browser, tmp_path):
    """At 390 px the projects start on the first screen (they were 3,449 px down, below the facets); the facets open
    from « Filtrer (N) », a button that says whether they are open, and a facet link still filters."""
    browser.driver.set_window_size(390, 900)
    browser.open("/projects")
    screen = browser.driver.execute_script("return window.innerHeight")  # 757 px of a 900 px window
    assert page_top(browser, ".card") < screen
    search, switch = browser.find(".site-search"), browser.find(".lang-switch")
    assert abs(search.rect["y"] - switch.rect["y"]) < search.rect["height"]  # one header row: box and FR / EN
    assert [c.text for c in browser.find_all(".lang-switch .lang-code") if c.is_displayed()] == ["FR", "EN"]
    toggle = browser.find("button.facets-toggle")
    facets = browser.find("#" + toggle.get_attribute("aria-controls"))
    assert toggle.text == "Filtrer (0)" and toggle.get_attribute("aria-expanded") == "false"
    assert not facets.is_displayed()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and facets.is_displayed()
    link = facets.find_element("css selector", "#facet-target + ul a")
    count = number(link.find_element("css selector", ".count").text)
    browser.click(link)
    assert number(browser.find("#results-title").text) == count
    assert browser.find("button.facets-toggle").text == "Filtrer (1)"
    assert page_top(browser, ".card") < screen
    assert not browser.errors()
    browser.screenshot("projects-390px", tmp_path)

    browser.driver.set_window_size(1280, 1000)
    browser.open("/projects")
    assert browser.find("#facets").is_displayed() and not browser.find("button.facets-toggle").is_displayed()
    assert not any(c.is_displayed() for c in browser.find_all(".lang-switch .lang-code"))  # names, not codes
    browser.screenshot("projects-1280px", tmp_path, full_page=False)


def test_listing_without_javascript_folds_the_facets_in_a_details(browser):
    """Without JavaScript the facets are a <details> « Filtrer (0) »: closed above the results on a phone, shown
    beside them at desktop width (its summary hidden) as before."""
    driver = browser.driver
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        driver.set_window_size(390, 900)
        driver.get(browser.base + "/projects")
        summary = browser.find("details.facets-fold > summary")
        assert summary.text == "Filtrer (0)" and not browser.find("#facets").is_displayed()
        assert page_top(browser, ".card") < 900
        summary.click()
        assert browser.find("#facets").is_displayed()
        driver.set_window_size(1280, 1000)
        driver.get(browser.base + "/projects")
        # measured: Selenium's is_displayed() counts anything in a closed <details> as hidden, CSS or not
        height = "return document.querySelector(arguments[0]).getBoundingClientRect().height"
        assert driver.execute_script(height, "#facets") > 500
        assert driver.execute_script(height, "details.facets-fold > summary") == 0
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def test_gbf_chart_has_23_bars_and_a_table(browser):
    browser.open("/")
    rows = browser.find_all("#gbf-table tbody tr")
    assert [int(r.get_attribute("data-number")) for r in rows] == list(range(1, 24))
    zero = [r for r in rows if r.get_attribute("data-count") == "0"]
    assert zero and browser.find(".chart-section p").text.count(",") >= len(zero) - 1  # the gaps are named
    assert browser.driver.execute_script("return !!window.Chart && Chart.getChart('gbf-canvas').data.labels.length") == 23


@pytest.mark.parametrize("path", ["/", "/projects", "/id/project/plantnet", "/projects/submit", "/actors",
                                  "/vocab/gbf/target-06", "/vocab/country/RE", "/sparql", "/nothing-here",
                                  "/search?q=r%C3%A9union", "/search?q=*"])
def test_no_serious_accessibility_violation(browser, path):
    browser.open(path)
    if path == "/sparql":
        browser.wait(lambda d: browser.find_all(".yasgui .CodeMirror"))
    violations = browser.axe()
    assert not violations, "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — "
                                     f"{[n.get('target') for n in v.get('nodes', [])][:5]}" for v in violations)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_main_navigation_is_one_row_at_desktop_width_on_every_section(browser, lang):
    """The highlighted item of the bar must not widen it: at 1280 px the bar keeps one row whichever section is
    open (the bold « Interroger les données » used to push « Ajouter un projet » onto a second row)."""
    browser.open(f"/?lang={lang}")
    paths = [a.get_attribute("href")[len(browser.base):] for a in browser.find_all(".main-nav a")]
    assert len(paths) >= 9
    for path in paths:
        browser.open(path)
        tops = browser.driver.execute_script(
            "return [...document.querySelectorAll('.main-nav li')].map(li => Math.round(li.getBoundingClientRect().top))")
        assert len(set(tops)) == 1, f"{path}: the navigation wraps onto {len(set(tops))} rows"


def test_the_header_search_box_suggests_and_searches_from_the_keyboard(browser):
    """Tab from the skip link reaches the box; typing fills its suggestions (/api/search into the datalist, no CSP
    error); Enter opens the results page, grouped by kind, with the place La Réunion."""
    from selenium.webdriver.common.keys import Keys

    browser.driver.set_window_size(1280, 1000)
    browser.open("/projects")
    body = browser.find("body")
    body.send_keys(Keys.TAB)  # the skip link
    for _ in range(6):  # then the brand, the desk link when signed in, the box
        if browser.driver.switch_to.active_element.get_attribute("id") == "site-search-q":
            break
        browser.driver.switch_to.active_element.send_keys(Keys.TAB)
    box = browser.driver.switch_to.active_element
    assert box.get_attribute("id") == "site-search-q"
    box.send_keys("REUNI")
    browser.wait(lambda d: d.execute_script(
        "return document.querySelectorAll('#site-search-suggestions option').length") > 0)
    box.send_keys("ON" + Keys.ENTER)
    browser.wait(lambda d: "/search?q=" in d.current_url)
    groups = [g.get_attribute("id") for g in browser.find_all(".search-group h3")]
    assert "group-places" in groups and "group-projects" in groups
    assert browser.find("#site-search-q").get_attribute("value") == "REUNION"
    assert not browser.errors()


@pytest.fixture(scope="module")
def arabic_portal(start_live_server) -> str:
    """A node that serves Arabic first (then French and English): ``TSC_LANGUAGES="ar fr en"``."""
    return start_live_server(env={"TSC_LANGUAGES": "ar fr en"})


@pytest.mark.parametrize("width", [1280, 390])
def test_arabic_home_page_is_right_to_left(driver, arabic_portal, tmp_path, width):
    """In Arabic the page mirrors: dir=rtl, the main menu starts on the right, nothing sticks out sideways."""
    from .conftest import fresh_browser

    browser = fresh_browser(driver, arabic_portal)
    browser.driver.set_window_size(width, 900)
    browser.open("/?lang=ar")  # the browser asks for French, which this node also serves: the switch picks Arabic
    html = browser.find("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    assert browser.find(".main-nav a").text == "الرئيسية"
    items = browser.driver.execute_script(
        "return [...document.querySelectorAll('.main-nav li')].map(li => { const r = li.getBoundingClientRect();"
        " return [Math.round(r.top), Math.round(r.left), Math.round(r.right)]; })")
    first_row = [i for i in items if i[0] == items[0][0]]
    assert len(first_row) >= 2 and first_row[0][1] > first_row[-1][1], f"the menu does not start on the right: {items}"
    nav = browser.find(".main-nav ul").rect
    assert abs(nav["x"] + nav["width"] - first_row[0][2]) < 40, "the first item sits at the right edge of the menu"
    brand, tools = browser.find(".brand").rect, browser.find(".header-tools").rect
    if width >= 1000:
        assert brand["x"] > tools["x"], "the node's name is on the right, the language switch on the left"
    overflow = browser.driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"nothing sticks out sideways at {width} px"
    assert "ترجمة لم يراجعها متحدث أصلي بعد." in browser.find(".site-footer").text
    assert not browser.errors()
    assert browser.screenshot(f"home-ar-{width}px-top", tmp_path, full_page=False).stat().st_size > 10_000
    assert browser.screenshot(f"home-ar-{width}px", tmp_path).stat().st_size > 10_000
