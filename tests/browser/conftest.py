"""Browser tests of the portal: real headless Chromium (Debian ``chromium`` + ``chromium-driver``, installed by
.ci/run) driven by Selenium, against a real ``tsc-graph serve`` on a copy of the French store.

Without chromium the tests skip with the reason locally, and fail in CI (``CI`` set): a missing browser must
never pass silently there. Selenium is pointed at /usr/bin/chromedriver so Selenium Manager never downloads one.
Screenshots are kept under ``test-artifacts/`` (and the pytest tmp dir).
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMEDRIVER = Path(os.environ.get("TSC_CHROMEDRIVER", "/usr/bin/chromedriver"))
CHROMIUM = Path(os.environ.get("TSC_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "test-artifacts"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--lang=fr-FR"]


def _missing() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            return f"{path} is not installed (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session")
def driver():
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    browser.set_page_load_timeout(60)
    browser.set_script_timeout(60)
    browser.set_window_size(1280, 1000)
    yield browser
    browser.quit()


@pytest.fixture(scope="session")
def portal(start_live_server) -> str:
    """Base URL of a real server on a private copy of the French store (tests/conftest.py)."""
    return start_live_server()


@pytest.fixture
def browser(driver, portal):
    """The shared browser, reset to desktop width, French and no cookies, with helpers."""
    return fresh_browser(driver, portal)


def fresh_browser(driver, base: str) -> "Browser":
    """The shared driver reset for a new test on the site at ``base``: desktop width, no cookies, no old logs."""
    driver.set_window_size(1280, 1000)
    driver.get(base + "/static/style.css")  # a page of the site, so its cookies can be cleared
    driver.delete_all_cookies()
    driver.get_log("browser")  # forget earlier pages' console messages
    return Browser(driver, base)


class Browser:
    def __init__(self, driver, base: str):
        self.driver = driver
        self.base = base

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete")

    def wait(self, condition, timeout: float = 20, ignored: tuple = ()):
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, timeout, ignored_exceptions=ignored).until(condition)

    def find(self, css: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def click(self, element) -> None:
        """Click like a person, then wait for the next page.

        The old page is marked with a window property rather than watched through an element reference: while a
        page unloads, Chromium may answer a question about one of its elements with an inspector error ("Node with
        given id does not belong to the document") instead of "stale element", which made the wait fail at random.
        """
        from selenium.common.exceptions import WebDriverException

        self.driver.execute_script("window.__tscLeaving = true; arguments[0].scrollIntoView({block: 'center'})",
                                   element)
        element.click()
        self.wait(lambda d: d.execute_script("return !window.__tscLeaving && document.readyState === 'complete'"),
                  ignored=(WebDriverException,))

    @property
    def path(self) -> str:
        return self.driver.current_url[len(self.base):]

    def errors(self) -> list[str]:
        """Console errors of the page (CSP violations, script errors), favicon requests aside."""
        return [e["message"] for e in self.driver.get_log("browser")
                if e["level"] == "SEVERE" and "favicon.ico" not in e["message"]]

    def axe(self) -> list[dict]:
        """Serious and critical WCAG 2.1 A/AA violations reported by axe-core (vendored, tests/browser/vendor/)."""
        self.driver.execute_script(AXE.read_text(encoding="utf-8"))
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
            ".then(r => done(r.violations)).catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));")
        return [v for v in result if v.get("impact") in ("serious", "critical")]

    def screenshot(self, name: str, tmp_path: Path, full_page: bool = True) -> Path:
        if full_page:
            width = self.driver.execute_script("return window.innerWidth")
            height = self.driver.execute_script("return document.documentElement.scrollHeight")
            self.driver.set_window_size(width, min(height + 140, 6000))
            time.sleep(0.2)
        shot = tmp_path / f"{name}.png"
        self.driver.save_screenshot(str(shot))
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(shot, ARTIFACTS / shot.name)
        return ARTIFACTS / shot.name


@pytest.fixture(scope="session")
def network_portal(french_store_dir, tmp_path_factory) -> str:
    """Base URL of a real server on a copy of the French store with the network registry loaded and the Belgian
    demonstration node harvested from its shipped dump: what ``make serve`` serves (the Bio-Bridge and network
    pages)."""
    import subprocess
    import sys

    from checkout import DATA_DIR
    from tsc_graph.serverproc import ServerProcess

    root = tmp_path_factory.mktemp("network-portal")
    store = root / "store"
    shutil.copytree(french_store_dir, store, ignore=shutil.ignore_patterns("snapshots", "LOCK"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TSC_")}
    for args in (["load", "--no-progress", str(DATA_DIR / "nodes" / "registry.ttl")], ["harvest", "--all"]):
        proc = subprocess.run([sys.executable, "-m", "tsc_graph.cli", "--store", f"oxigraph:{store}", *args],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    server = ServerProcess(store, log=root / "server.log")
    try:
        yield server.start().url
    finally:
        server.stop()


@pytest.fixture
def network_browser(driver, network_portal):
    """The shared browser on the network portal, reset like ``browser``."""
    return fresh_browser(driver, network_portal)
