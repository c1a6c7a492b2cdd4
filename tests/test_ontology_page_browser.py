"""The ontology documentation page in a real browser (headless Chromium driven by Selenium).

A person opens the ontology term IRI ``/ontology#Actor``: the server answers 303 to ``/ontology.html``, the browser
keeps the fragment and shows the section of the class Actor, in French or English. Screenshots are written to
``var/screenshots/`` for a person to look at.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

pytestmark = pytest.mark.slow  # a real browser: `make test-fast` skips it

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,900")


def browser(lang: str):
    if not (Path(CHROMEDRIVER).exists() and (shutil.which("chromium") or shutil.which("chromium-browser"))):
        pytest.skip("Debian chromium and chromium-driver are not installed")
    options = webdriver.ChromeOptions()
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--lang={lang}")
    options.add_experimental_option("prefs", {"intl.accept_languages": lang})
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


@pytest.mark.parametrize("lang,title,heading", [("fr", "Acteur", "Classes"), ("en", "Actor", "Classes")])
def test_term_iri_opens_its_section_of_the_documentation(live_server, lang, title, heading):
    driver = browser(lang)
    try:
        driver.get(f"{live_server}/ontology#Actor")
        assert driver.current_url.endswith("/ontology.html#Actor")
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
        section = driver.find_element(By.ID, "Actor")
        assert section.find_element(By.TAG_NAME, "h3").text.startswith(title)
        # the browser scrolled the term into view
        top = driver.execute_script("return arguments[0].getBoundingClientRect().top", section)
        assert -5 <= top < 300
        assert heading in [h.text for h in driver.find_elements(By.TAG_NAME, "h2")]
        SHOTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SHOTS / f"ontology-actor-{lang}.png"))
        driver.get(f"{live_server}/ontology.html")
        driver.save_screenshot(str(SHOTS / f"ontology-top-{lang}.png"))
        other = driver.find_element(By.CSS_SELECTOR, ".ontology a[hreflang]")  # (the site header has a switch too)
        other.click()
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == ("en" if lang == "fr" else "fr")
    finally:
        driver.quit()


def test_on_an_arabic_node_the_page_is_arabic_and_the_terms_declared_english(start_live_server):
    """The ontology is documented in French and English only: on a node in Arabic, the headings are Arabic (right to
    left) and the terms' English text is declared English and left to right, so a screen reader and the layout
    treat it as such; the French documentation is one link away."""
    server = start_live_server(env={"TSC_LANGUAGES": "ar en"})
    driver = browser("ar")
    try:
        driver.get(f"{server}/ontology#Actor")
        html = driver.find_element(By.TAG_NAME, "html")
        assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
        assert "الفئات" in [h.text for h in driver.find_elements(By.TAG_NAME, "h2")]  # Classes
        title = driver.find_element(By.CSS_SELECTOR, "#Actor h3 a")
        assert (title.text, title.get_attribute("lang"), title.get_attribute("dir")) == ("Actor", "en", "ltr")
        assert driver.execute_script("return getComputedStyle(arguments[0]).direction", title) == "ltr"
        SHOTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SHOTS / "ontology-actor-ar.png"))
        driver.get(f"{server}/ontology.html")
        driver.save_screenshot(str(SHOTS / "ontology-top-ar.png"))
        french = driver.find_element(By.CSS_SELECTOR, '.ontology a[hreflang="fr"]')
        assert french.text == "Français"
        french.click()
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
        assert driver.find_element(By.CSS_SELECTOR, "#Actor h3 a").text == "Acteur"
    finally:
        driver.quit()
