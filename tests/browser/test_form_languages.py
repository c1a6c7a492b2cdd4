"""The project form of a Spanish-speaking node (Colombia's, written by ``tsc-graph init --country CO --languages
es,en``, served on a copy of the French store so that its lists have choices) in a real browser, at desktop (1280 px) and phone (390 px) width: a title and a description field in Spanish then in English,
labelled in Spanish; sent with no title, the message names the node's languages next to the Spanish title; a
Spanish title alone satisfies it. Screenshots under test-artifacts/ (form-es-*).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tsc_graph.serverproc import ServerProcess

from .conftest import ROOT, fresh_browser

pytestmark = pytest.mark.slow

WIDTHS = [1280, 390]


@pytest.fixture(scope="module")
def spanish_node(french_store_dir, tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("form-es")
    store, node = root / "store", root / "co"
    shutil.copytree(french_store_dir, store, ignore=shutil.ignore_patterns("snapshots", "LOCK"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TSC_")}
    for args in (["init", "--country", "CO", "--languages", "es,en", "--dir", str(node)],
                 ["--store", f"oxigraph:{store}", "--profile", str(node / "node.toml"), "load", "--no-progress",
                  str(node)]):
        proc = subprocess.run([sys.executable, "-m", "tsc_graph.cli", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    server = ServerProcess(store, env={"TSC_PROFILE": str(node / "node.toml")}, log=root / "server.log")
    try:
        yield server.start().url
    finally:
        server.stop()


def _labels(web) -> dict[str, str]:
    """Field name → its label, in the page's order."""
    return dict(web.driver.execute_script(
        "return [...document.querySelectorAll('[name^=title_], [name^=description_]')].map(f =>"
        " [f.name, document.querySelector('label[for=\"' + f.id + '\"]').textContent.trim()]);"))


def _no_sideways_scroll(web, width: int) -> None:
    overflow = web.driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"something sticks out sideways at {width} px ({overflow} px)"


@pytest.mark.parametrize("width", WIDTHS)
def test_spanish_node_project_form(driver, spanish_node, tmp_path, width):
    """The browser asks for French, which this node does not serve: the form is in Spanish, its first language."""
    web = fresh_browser(driver, spanish_node)
    web.driver.set_window_size(width, 900)
    web.open("/projects/submit")
    assert web.find("html").get_attribute("lang") == "es"
    assert "Mecanismo de facilitación del CDB — Colombia" in web.find(".brand").text
    labels = _labels(web)
    assert list(labels) == ["title_es", "title_en", "description_es", "description_en"]
    assert labels["title_es"].startswith("Título en español") and labels["title_en"].startswith("Título en inglés")
    assert labels["description_es"].startswith("Descripción en español")
    assert web.find("#f-title_es").get_attribute("lang") == "es"
    assert "Puede escribir en español, en inglés o en ambos." in web.find("form.submit .hint").text
    _no_sideways_scroll(web, width)
    assert not web.errors()
    assert web.screenshot(f"form-es-{width}px-top", tmp_path, full_page=False).stat().st_size > 10_000

    web.driver.set_window_size(width, 900)
    web.click(web.find("form.submit button[type=submit]"))
    error = web.find("#err-title_es")
    assert "Indique un título en español o en inglés." in error.text
    assert "err-title_es" in web.find("#f-title_es").get_attribute("aria-describedby")
    _no_sideways_scroll(web, width)
    assert web.screenshot(f"form-es-{width}px-no-title", tmp_path, full_page=False).stat().st_size > 10_000

    field = web.find("#f-title_es")
    web.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", field)
    field.send_keys("Restauración de manglares en el Caribe")
    web.click(web.find("form.submit button[type=submit]"))
    assert web.find_all(".form-field-error")  # other required fields are still empty
    assert not web.find_all("#err-title_es") and not web.find_all("#err-title_en")
    assert web.find("#f-title_es").get_attribute("value") == "Restauración de manglares en el Caribe"
    assert web.screenshot(f"form-es-{width}px", tmp_path).stat().st_size > 10_000
