"""The two nodes of docs/new-node.md's journey in a real browser (tests/newnode.py runs it): the Spanish-speaking
Party's node's home page in Spanish, and the French node — served with Arabic among its languages — in Arabic,
right to left, each at desktop (1280 px) and phone (390 px) width, with screenshots under test-artifacts/."""
from __future__ import annotations

import pytest

from newnode import start_journey

from .conftest import fresh_browser

pytestmark = pytest.mark.slow

WIDTHS = [1280, 390]


@pytest.fixture(scope="module")
def journey(tmp_path_factory):
    done = start_journey(tmp_path_factory.mktemp("new-node-browser"), french_env={"TSC_LANGUAGES": "fr en ar"})
    try:
        yield done
    finally:
        done.stop()


def _no_sideways_scroll(browser, width: int) -> None:
    overflow = browser.driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"something sticks out sideways at {width} px ({overflow} px)"


def _button_off_the_edges(browser, width: int) -> None:
    """The menu's "add a project" button (white, so an edge it touches shows) keeps a margin on both sides."""
    button = browser.find(".main-nav .nav-action").rect
    inner = browser.driver.execute_script("return document.documentElement.clientWidth")
    assert button["x"] >= 6 and button["x"] + button["width"] <= inner - 6, f"{button} at {width} px"


def _menu_rows(browser) -> list[list[int]]:
    return browser.driver.execute_script(
        "return [...document.querySelectorAll('.main-nav li')].map(li => { const r = li.getBoundingClientRect();"
        " return [Math.round(r.top), Math.round(r.left), Math.round(r.right)]; })")


@pytest.mark.parametrize("width", WIDTHS)
def test_spanish_node_home_page(driver, journey, tmp_path, width):
    """The browser asks for French, which this node does not serve: it gets the node's first language, Spanish."""
    browser = fresh_browser(driver, journey.spanish)
    browser.driver.set_window_size(width, 900)
    browser.open("/")
    html = browser.find("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("es", "ltr")
    assert browser.find(".main-nav a").text == "Inicio"
    assert "Mecanismo de facilitación del CDB — Colombia" in browser.find(".brand").text
    assert browser.find("h1").text == "Cooperación técnica y científica"
    items = _menu_rows(browser)
    assert items[0][1] < items[-1][1] or items[0][0] < items[-1][0], "the menu reads left to right"
    _no_sideways_scroll(browser, width)
    _button_off_the_edges(browser, width)
    cards = browser.find(".figure-list").text if browser.find_all(".figure-list") else browser.find("main").text
    assert "Ofertas de Bio\u2011Bridge" in cards  # kept whole (non-breaking hyphen), not "Bio-" / "Bridge"
    assert not browser.errors()
    assert browser.screenshot(f"new-node-es-{width}px-top", tmp_path, full_page=False).stat().st_size > 10_000
    assert browser.screenshot(f"new-node-es-{width}px", tmp_path).stat().st_size > 10_000


@pytest.mark.parametrize("width", WIDTHS)
def test_french_node_home_page_in_arabic(driver, journey, tmp_path, width):
    browser = fresh_browser(driver, journey.french)
    browser.driver.set_window_size(width, 900)
    browser.open("/?lang=ar")
    html = browser.find("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    assert browser.find(".main-nav a").text == "الرئيسية"
    items = _menu_rows(browser)
    first_row = [i for i in items if i[0] == items[0][0]]
    assert len(first_row) >= 2 and first_row[0][1] > first_row[-1][1], f"the menu does not start on the right: {items}"
    _no_sideways_scroll(browser, width)
    _button_off_the_edges(browser, width)
    assert not browser.errors()
    assert browser.screenshot(f"new-node-fr-ar-{width}px-top", tmp_path, full_page=False).stat().st_size > 10_000
    assert browser.screenshot(f"new-node-fr-ar-{width}px", tmp_path).stat().st_size > 10_000
