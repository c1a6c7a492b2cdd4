"""The map of projects and actors by country or territory (home, /projects, /actors, place pages) in a real
browser: it draws, La Réunion is a link of its own (not a part of France's shape) that a click, or Enter after
Tab, follows to the list filtered on it, with the figure its name and the table give; the table says what the
listing's place facet says; in French, English and Arabic (right to left), at desktop and phone widths."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.slow  # a real browser and server: `make test-fast` skips it

REUNION = "https://w3id.org/tsc-graph/vocab/country/RE"
WIDTHS = [1280, 390]
VENDORED = Path(__file__).resolve().parents[2] / "tsc_graph/web/static/vendor/world-atlas/countries-50m.json"
#: What the map's scripts fetch: none of it on a page without a map.
MAP_FILES = ("map/world.json", "map/places.json", "d3-geo.min.js", "topojson-client.min.js", "js/map.js")


def drawn(browser, width: int, path: str) -> dict:
    """Open ``path`` at ``width`` and wait for the first map to be drawn; its rows and shapes as the page has them."""
    browser.driver.set_window_size(width, 1000)
    browser.open(path)
    browser.wait(lambda d: d.execute_script("return !!document.querySelector('figure.place-map.map-drawn')"))
    return browser.driver.execute_script("""
        const fig = document.querySelector('figure.place-map');
        return {
          rows: [...fig.querySelectorAll('tbody tr')].map(r => ({code: r.dataset.code, count: +r.dataset.count,
                 name: r.dataset.name, href: r.dataset.href, label: r.cells[0].textContent.trim(),
                 shown: r.cells[1].textContent.trim()})),
          shapes: [...fig.querySelectorAll('svg a.map-place')].map(a => ({code: a.dataset.code,
                   label: a.getAttribute('aria-label'), box: (b => [b.width, b.height])(a.getBoundingClientRect())})),
          overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          svgWidth: fig.querySelector('svg').getBoundingClientRect().width,
        };""")


def number(text: str) -> int:
    """The first number in ``text`` (French thousands use a narrow space; Arabic digits count too)."""
    match = re.search(r"\d[\d\u202f\u00a0 ]*", text)
    assert match, f"no number in {text!r}"
    return int(re.sub(r"\D", "", match.group()))


def place_of(href: str) -> str:
    return parse_qs(urlsplit(href).query)["place"][0]


def results(browser) -> int:
    return number(browser.find("#results-title").text)


def check_drawn(page: dict, width: int) -> None:
    assert page["shapes"], "the map has no place"
    by_code = {s["code"]: s for s in page["shapes"]}
    assert {"FR", "RE", "GF", "NC", "PF"} <= set(by_code), f"missing places: {sorted(by_code)}"
    for code in ("RE", "GF", "NC", "PF", "GP", "MQ", "YT"):
        if code in by_code:  # big enough for a finger (dots keep 14 px whatever the width)
            w, h = by_code[code]["box"]
            assert min(w, h) >= 12, f"{code} is {w:.0f}×{h:.0f} px at {width} px"
    assert page["overflow"] <= 0, f"the page scrolls sideways by {page['overflow']} px at {width} px"
    assert page["svgWidth"] <= width
    rows = {r["code"]: r for r in page["rows"]}
    for s in page["shapes"]:
        assert s["label"] == rows[s["code"]]["name"], "a shape is named like its row"


@pytest.mark.parametrize("width", WIDTHS)
def test_home_map_reunion_click_leads_to_its_projects(browser, tmp_path, width):
    page = drawn(browser, width, "/")
    check_drawn(page, width)
    reunion = next(r for r in page["rows"] if r["code"] == "RE")
    assert reunion["name"] == f"La Réunion : {reunion['count']} projets"
    assert number(reunion["shown"]) == reunion["count"]
    shape = browser.find("figure.place-map a.map-place[data-code='RE']")
    assert shape.accessible_name == reunion["name"], "the accessibility tree names the shape"
    browser.screenshot(f"map-home-fr-{width}", tmp_path)
    browser.driver.set_window_size(width, 1000)
    dot = browser.find("figure.place-map a.map-place[data-code='RE'] circle")
    browser.click(dot)
    assert place_of(browser.driver.current_url) == REUNION
    assert browser.path.startswith("/projects?")
    assert results(browser) == reunion["count"], "the list has the figure the map gave"
    assert not browser.find_all("figure.place-map"), "no map once a place is chosen"
    assert not browser.errors()


@pytest.mark.parametrize("width", WIDTHS)
def test_map_keyboard_tab_reaches_each_place_and_enter_follows(browser, width):
    """From the last link before the map, Tab goes through every place in turn (each named « X : N projets »);
    Enter on La Réunion opens its list."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    page = drawn(browser, width, "/projects")
    check_drawn(page, width)
    browser.driver.execute_script("""
        const fig = document.querySelector('figure.place-map');
        const before = [...document.querySelectorAll('a[href], button, input, select, summary')]
          .filter(e => e.compareDocumentPosition(fig) & Node.DOCUMENT_POSITION_FOLLOWING && e.offsetParent !== null);
        before[before.length - 1].focus();""")
    reached = []
    for _ in range(len(page["shapes"])):
        ActionChains(browser.driver).send_keys(Keys.TAB).perform()
        active = browser.driver.switch_to.active_element
        assert "map-place" in (active.get_attribute("class") or ""), f"Tab left the map after {reached}"
        reached.append(active.get_attribute("data-code"))
        assert re.fullmatch(r".+ : \d+ projets?", active.accessible_name), active.accessible_name
        if reached[-1] == "RE":
            readout = browser.find("figure.place-map .map-readout").text
            assert readout == active.accessible_name, "the focused place is named under the map"
            break
    assert reached[-1] == "RE", f"Tab never reached La Réunion: {reached}"
    expected = next(r["count"] for r in page["rows"] if r["code"] == "RE")
    browser.driver.execute_script("window.__tscLeaving = true")
    ActionChains(browser.driver).send_keys(Keys.ENTER).perform()
    browser.wait(lambda d: d.execute_script("return !window.__tscLeaving && document.readyState === 'complete'"))
    assert place_of(browser.driver.current_url) == REUNION
    assert results(browser) == expected


@pytest.mark.parametrize("key", ["projects", "actors"])
def test_map_table_says_what_the_place_facet_says(browser, key):
    """Each place the listing's facet lists (its 40 largest) has the same figure in the table, which goes on with
    the smaller ones; a row links to the list filtered on its place, which has its figure."""
    page = drawn(browser, 1280, f"/{key}")
    facet = browser.driver.execute_script("""
        return [...document.querySelectorAll('section.facet[aria-labelledby="facet-place"] a')]
          .map(a => [a.href, a.querySelector('.count').textContent]);""")
    facet = {place_of(href): number(count) for href, count in facet}
    table = {place_of(r["href"]): r["count"] for r in page["rows"]}
    assert len(facet) >= 10 and {p: table.get(p) for p in facet} == facet
    assert len(table) >= len(facet) and min(facet.values()) >= max(n for p, n in table.items() if p not in facet)
    for r in page["rows"]:
        assert number(r["shown"]) == r["count"]
    word = "acteurs?" if key == "actors" else "projets?"
    assert all(re.fullmatch(rf".+ : \d+ {word}", r["name"]) for r in page["rows"])
    reunion = next(r for r in page["rows"] if r["code"] == "RE")
    browser.open(reunion["href"].replace(browser.base, ""))
    assert results(browser) == reunion["count"]


@pytest.mark.parametrize("width", WIDTHS)
def test_place_page_map_highlights_the_place(browser, tmp_path, width):
    """La Réunion's page: the map marks La Réunion (aria-current) and its figure is the page's own."""
    page = drawn(browser, width, "/vocab/country/RE")
    check_drawn(page, width)
    shape = browser.find("figure.place-map a.map-place[data-code='RE']")
    assert shape.get_attribute("aria-current") == "location"
    assert "map-current" in shape.get_attribute("class")
    assert browser.find_all("figure.place-map a.map-current") == [shape], "only this place is highlighted"
    figure = next(r["count"] for r in page["rows"] if r["code"] == "RE")
    own = browser.driver.execute_script(
        "return [...document.querySelectorAll('.fields a')].find(a => a.href.includes('/projects?')).textContent")
    assert number(own) == figure
    assert browser.find("figure.place-map .map-readout").text == f"La Réunion : {figure} projets"
    browser.screenshot(f"map-place-reunion-fr-{width}", tmp_path)
    browser.driver.set_window_size(width, 1000)
    browser.click(browser.find("figure.place-map a.map-place[data-code='RE'] circle"))
    assert place_of(browser.driver.current_url) == REUNION and results(browser) == figure


@pytest.mark.parametrize("width", WIDTHS)
def test_map_in_english(browser, tmp_path, width):
    page = drawn(browser, width, "/actors?lang=en")
    check_drawn(page, width)
    reunion = next(r for r in page["rows"] if r["code"] == "RE")
    assert reunion["name"] == f"Réunion: {reunion['count']} actors"
    assert browser.find("figure.place-map figcaption").text == "Actors by country or territory where they work"
    browser.screenshot(f"map-actors-en-{width}", tmp_path)


def test_map_files_load_only_where_a_map_is(browser):
    """The map's scripts and world outline load on map pages only, once, and the outline is the simplified one
    (tools/make_map_places.py: 264 kB instead of the 756 kB 1:50m file)."""
    def loaded() -> list[str]:
        return browser.driver.execute_script(
            "return performance.getEntriesByType('resource').map(r => r.name)")

    for path in ("/gbf", "/id/project/best-rup", "/cbd"):
        browser.open(path)
        assert not browser.find_all("figure.place-map")
        assert not [u for u in loaded() if u.endswith(MAP_FILES)], f"{path} loads the map's files"
    drawn(browser, 1280, "/")
    fetched = browser.driver.execute_script(
        "return performance.getEntriesByType('resource').filter(r => r.name.endsWith('/map/world.json'))"
        ".map(r => r.decodedBodySize)")
    assert len(fetched) == 1, "one outline file, fetched once"
    assert fetched[0] < 0.4 * VENDORED.stat().st_size, "the simplified outline, not the 1:50m source"


@pytest.fixture(scope="module")
def arabic_portal(start_live_server) -> str:
    """A node that serves Arabic first: ``TSC_LANGUAGES="ar fr en"``."""
    return start_live_server(env={"TSC_LANGUAGES": "ar fr en"})


@pytest.mark.parametrize("width", WIDTHS)
def test_map_in_arabic_right_to_left(driver, arabic_portal, tmp_path, width):
    from .conftest import fresh_browser

    browser = fresh_browser(driver, arabic_portal)
    page = drawn(browser, width, "/projects?lang=ar")
    html = browser.find("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    check_drawn(page, width)
    reunion = next(r for r in page["rows"] if r["code"] == "RE")
    assert reunion["label"] == "روينيون" and "روينيون" in reunion["name"]
    box = browser.driver.execute_script(
        "const r = document.querySelector('figure.place-map svg').getBoundingClientRect();"
        "return [r.left, r.right, document.documentElement.clientWidth]")
    assert box[0] >= 0 and box[1] <= box[2], f"the map sticks out: {box}"
    browser.screenshot(f"map-projects-ar-{width}", tmp_path)
    browser.driver.set_window_size(width, 1000)
    browser.click(browser.find("figure.place-map a.map-place[data-code='RE'] circle"))
    assert place_of(browser.driver.current_url) == REUNION and results(browser) == reunion["count"]


@pytest.mark.parametrize("path", ["/", "/actors", "/vocab/country/RE"])
def test_map_pages_have_no_serious_accessibility_violation(browser, path):
    """axe-core's WCAG 2.1 A/AA audit once the map is drawn (its links, names and colours included)."""
    drawn(browser, 1280, path)
    violations = browser.axe()
    assert not violations, [(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in violations]


def test_focused_place_is_visible(browser, tmp_path):
    """A place reached with Tab is outlined (a dark stroke on the focus colour), on the screenshot too."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    drawn(browser, 1280, "/vocab/country/FR")
    before = browser.driver.execute_script(
        "const all = [...document.querySelectorAll('figure.place-map a.map-place')];"
        "const i = all.findIndex(a => a.dataset.code === 'RE'); all[i - 1].focus(); return all[i - 1].dataset.code")
    assert before != "RE"
    ActionChains(browser.driver).send_keys(Keys.TAB).perform()
    active = browser.driver.switch_to.active_element
    assert active.get_attribute("data-code") == "RE"
    stroke = browser.driver.execute_script(
        "return getComputedStyle(arguments[0].querySelector('circle')).strokeWidth", active)
    assert float(stroke.rstrip("px")) >= 3
    browser.find("figure.place-map").screenshot(str(tmp_path / "focus.png"))
    from .conftest import ARTIFACTS
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "map-focus-reunion.png").write_bytes((tmp_path / "focus.png").read_bytes())
