"""The submission forms and the curators' desk in a real browser (a visitor's journeys through them, and the Bio-Bridge offer form).

A visitor proposes a project with a new organisation and two targets through the searchable widgets, makes two
mistakes, sees both next to their fields in French with everything kept, fixes them and gets the tracking link; a
named curator signs in, edits, approves; the tracking page says "published" with the link; the project is in the
catalogue. Then the Bio-Bridge offer form, axe-core on the forms and the desk, and screenshots at 1280 and 390 px
in French and English (test-artifacts/).
"""
from __future__ import annotations

import json
import re
import urllib.parse

import pytest

from tsc_graph.curators import Curator, dump, hash_secret

pytestmark = pytest.mark.slow  # a real browser and server: `make test-fast` skips it

ADMIN_TOKEN = "browser-test-admin-token"
CURATOR, CURATOR_NAME, SECRET = "alice", "Alice Martin", "correct horse battery staple"
TITLE = "Restauration des mangroves de Petit-Bourg"


@pytest.fixture(scope="module")
def desk(start_live_server, tmp_path_factory) -> str:
    """A server with the desk on: one named curator (hashed secret in a curators file) and the admin token."""
    folder = tmp_path_factory.mktemp("curators")
    path = folder / "curators.toml"
    path.write_text(dump({CURATOR: Curator(CURATOR, CURATOR_NAME, hash_secret(SECRET))}), encoding="utf-8")
    return start_live_server(env={"TSC_ADMIN_TOKEN": ADMIN_TOKEN, "TSC_CURATORS_FILE": str(path)})


@pytest.fixture
def web(driver, desk):
    from .conftest import fresh_browser

    return fresh_browser(driver, desk)


def pick(web, select_id: str, text: str) -> None:
    """Choose in a searchable list like a person: type in the widget, take the highlighted match with Enter."""
    from selenium.webdriver.common.keys import Keys

    box = web.find(f"#{select_id}-ts-control")
    web.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus()", box)
    box.send_keys(text)
    web.wait(lambda d: d.execute_script(  # the highlighted match is one of the search's, not the list's first
        "const a = document.querySelector('#' + arguments[0] + ' .option.active');"
        "return a !== null && a.textContent.toLowerCase().includes(arguments[1].toLowerCase())",
        f"{select_id}-ts-dropdown", text))
    box.send_keys(Keys.ENTER)
    web.driver.execute_script("arguments[0].blur()", box)  # leave the field (as Tab does): its list closes


def chosen(web, select_id: str) -> list[str]:
    return web.driver.execute_script(
        "return Array.from(document.getElementById(arguments[0]).selectedOptions).map(o => o.value)", select_id)


def type_into(web, css: str, text: str) -> None:
    element = web.find(css)
    web.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.clear()
    element.send_keys(text)


def set_date(web, css: str, iso: str) -> None:
    """A date typed into the browser's own date widget, segment after segment. The widget's order (jj/mm/aaaa or
    mm/dd/yyyy) follows headless Chromium's ICU locale, not always --lang: the test tries both."""
    element = web.find(css)
    year, month, day = iso.split("-")
    for keys in (day + month + year, month + day + year):
        web.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].value = ''; arguments[0].blur();"
                                  "arguments[0].focus()", element)
        element.send_keys(keys)
        if element.get_attribute("value") == iso:
            return
    raise AssertionError(f"could not type {iso} into {css}: {element.get_attribute('value')!r}")


def submit(web) -> None:
    web.click(web.find("form.submit button[type=submit]"))


def api(http, base: str, path: str) -> dict:
    r = http(base + path, headers={"Authorization": f"Bearer {ADMIN_TOKEN}", "Accept": "application/json"})
    assert r.status == 200, r.text
    return json.loads(r.text)


def accessible(web) -> None:
    """No serious or critical WCAG 2.1 A/AA violation reported by axe-core on the page as it is now."""
    violations = web.axe()
    assert not violations, "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — "
                                     f"{[n.get('target') for n in v.get('nodes', [])][:5]} "
                                     f"{[n.get('failureSummary', '')[:200] for n in v.get('nodes', [])][:2]}"
                                     for v in violations)


def no_sideways_scroll(web) -> None:
    overflow = web.driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow} px wider than the window"


def test_visitor_submits_curator_edits_and_approves_project_is_published(web, desk, http, tmp_path):
    # --- the visitor ---------------------------------------------------------------------------------------
    web.open("/projects/submit")
    assert web.find("html").get_attribute("lang") == "fr" and web.find("h1").text == "Proposer un projet"
    assert not web.errors()
    type_into(web, "#f-title_fr", TITLE)
    type_into(web, "#f-description_fr", "Replanter des palétuviers avec les habitants.")
    details = web.find("#org1")
    web.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", details)
    details.find_element("css selector", "summary").click()
    type_into(web, "#f-org1_name", "Association Mangrove Vivante")
    from selenium.webdriver.support.ui import Select

    Select(web.find("#f-org1_type")).select_by_visible_text("Organisation non gouvernementale")
    pick(web, "f-org1_country", "Guadel")
    type_into(web, "#f-org1_website", "https://mangrove-vivante.example.org")
    pick(web, "f-targets", "exotiques envahissantes")  # target 6
    pick(web, "f-targets", "Cible 8")
    assert len(chosen(web, "f-targets")) == 2
    pick(web, "f-themes", "côtière")
    web.find("input[name=status][value$='/planned']").click()
    set_date(web, "#f-start", "2027-03-01")
    set_date(web, "#f-end", "2026-12-31")  # mistake 1: ends before it starts
    type_into(web, "#f-budget", "120 000")
    type_into(web, "#f-email", "equipe@mangrove-vivante.example.org")
    # mistake 2: no country or territory
    web.screenshot("form-project-filled-fr-1280", tmp_path)
    submit(web)

    assert "Erreur" in web.driver.title
    summary = web.find("#error-summary")
    assert "2 points à corriger" in summary.text
    assert web.find("#err-countries").text.endswith("Indiquez au moins un pays ou territoire.")
    assert "La date de début ne doit pas être postérieure à la date de fin" in web.find("#err-end").text
    for field in ("f-countries", "f-end"):  # next to their fields, for screen readers too
        described = web.find(f"#{field}").get_attribute("aria-describedby") or ""
        assert f"err-{field[2:]}" in described and web.find(f"#{field}").get_attribute("aria-invalid") == "true"
    assert web.driver.switch_to.active_element == summary  # the summary is read first
    # everything typed is kept
    assert web.find("#f-title_fr").get_attribute("value") == TITLE
    assert web.find("#f-org1_name").get_attribute("value") == "Association Mangrove Vivante"
    assert web.find("#f-org1_website").get_attribute("value") == "https://mangrove-vivante.example.org"
    assert len(chosen(web, "f-targets")) == 2 and chosen(web, "f-themes")
    assert web.find("#f-start").get_attribute("value") == "2027-03-01"
    assert web.find("#f-budget").get_attribute("value") == "120 000"
    assert web.find("#f-email").get_attribute("value") == "equipe@mangrove-vivante.example.org"
    assert web.find("#org1").get_attribute("open") is not None
    accessible(web)
    web.screenshot("form-project-errors-fr-1280", tmp_path)
    web.driver.set_window_size(390, 844)
    no_sideways_scroll(web)
    web.screenshot("form-project-errors-fr-390", tmp_path)
    web.driver.set_window_size(1280, 1000)

    pick(web, "f-countries", "Guadel")
    set_date(web, "#f-end", "2029-12-31")
    submit(web)
    assert web.find("h1").text == "Merci ! Votre proposition a été enregistrée."
    link = web.find("#tracking-link").get_attribute("href")
    assert re.search(r"/submissions/track/[A-Za-z0-9_-]{40,}$", link)
    sent = web.find("dl.sent").text
    assert "Association Mangrove Vivante" in sent and "Cible 6" in sent and "Guadeloupe" in sent
    web.screenshot("form-project-received-fr-1280", tmp_path)
    web.driver.get(link)
    assert "En attente de relecture" in web.find(".state-box").text

    # --- the curator -----------------------------------------------------------------------------------------
    web.open("/admin/")
    assert web.path.startswith("/admin/login")
    type_into(web, "#f-account", CURATOR)
    type_into(web, "#f-password", SECRET)
    web.click(web.find("form.login button"))
    assert web.find("h1").text == "Bureau des curateurs" and CURATOR_NAME in web.find(".desk-bar").text
    assert web.find("#desk-link")  # the site links to the desk for a signed-in curator
    row = next(a for a in web.find_all(".desk-queue td a") if a.text == TITLE)
    web.click(row)
    assert web.find(".review-head h1").text == TITLE
    preview = web.find("#preview .preview-frame")
    assert TITLE in preview.find_element("css selector", "h1").text  # rendered as the published page
    assert "Association Mangrove Vivante" in preview.text and "Cible 6" in preview.text
    assert "rien à corriger" in web.find("#report").text
    accessible(web)
    web.screenshot("desk-review-fr-1280", tmp_path)

    web.click(web.find("#edit"))
    type_into(web, "#f-title_en", "Restoring the mangroves of Petit-Bourg")
    web.click(web.find("#save"))
    assert "Modifiée" in web.find("#history").text and CURATOR_NAME in web.find("#history").text
    web.click(web.find("#approve"))
    assert web.find(".review-head .state").text.casefold() == "publiée"
    sub = next(s for s in api(http, desk, "/admin/submissions?state=approved")["submissions"] if s["title"] == TITLE)

    # --- published -----------------------------------------------------------------------------------------
    web.driver.get(link)
    assert "Publiée" in web.find(".state-box h2").text
    web.click(web.find("#published-link"))
    assert web.find("h1").text == TITLE and web.path.startswith("/id/project/")
    assert "Association Mangrove Vivante" in web.find("main").text
    web.open("/projects?" + urllib.parse.urlencode({"q": "Petit-Bourg"}))
    assert TITLE in [a.text for a in web.find_all(".card h3 a")]
    # who decided, queryable over SPARQL (PROV-O)
    query = ("PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dcterms: <http://purl.org/dc/terms/> "
             "SELECT ?who WHERE { ?graph dcterms:subject <%s> ; prov:wasGeneratedBy ?act . "
             "?act prov:wasAssociatedWith ?agent . ?agent <http://www.w3.org/2000/01/rdf-schema#label> ?who }"
             % sub["resource"])
    r = http(desk + "/sparql?" + urllib.parse.urlencode({"query": query}), headers={"Accept": "application/sparql-results+json"})
    assert [b["who"]["value"] for b in json.loads(r.text)["results"]["bindings"]] == [CURATOR_NAME]
    assert not [e for e in web.errors() if "status of 400" not in e]  # the form with mistakes answers 400


def test_bio_bridge_offer_form_submits_into_moderation(web, desk, http, tmp_path):
    web.open("/offers/submit?lang=en")
    assert web.find("h1").text == "Offer cooperation on Bio-Bridge"
    type_into(web, "#f-title_en", "Training in coral reef monitoring for Indian Ocean islands")
    pick(web, "f-offered_by", "IFRECOR")
    web.find("input[name=support][value$='/training']").click()
    pick(web, "f-themes", "Marine")
    pick(web, "f-countries", "Comoros")
    pick(web, "f-languages", "French")
    type_into(web, "#f-contact_name", "IFRECOR secretariat")
    type_into(web, "#f-contact_email", "contact@ifrecor.example.org")
    type_into(web, "#f-email", "me@example.org")
    web.screenshot("form-offer-en-1280", tmp_path)
    submit(web)
    assert web.find("h1").text == "Thank you! Your submission has been recorded."
    pending = api(http, desk, "/admin/submissions?state=pending&kind=offer")["submissions"]
    offer = next(s for s in pending if s["title"].startswith("Training in coral reef monitoring"))
    assert "/id/offer/" in offer["resource"]
    detail = api(http, desk, f"/admin/submissions/{offer['id']}")
    assert "tsc:CooperationOffer" in detail["turtle"] and "mailto:contact@ifrecor.example.org" in detail["turtle"]
    assert detail["report"] == []
    assert not web.errors()


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("path", ["/projects/submit", "/practices/submit", "/offers/submit", "/requests/submit"])
def test_forms_are_accessible_and_fit_a_phone(web, tmp_path, path, lang):
    web.open(f"{path}?lang={lang}")
    assert not web.errors()
    assert web.find_all(".ts-wrapper"), "the searchable lists are on"
    accessible(web)
    name = path.strip("/").split("/")[0]
    if path in ("/projects/submit", "/offers/submit"):
        web.screenshot(f"form-{name}-{lang}-1280", tmp_path)
    web.driver.set_window_size(390, 844)
    no_sideways_scroll(web)
    if path in ("/projects/submit", "/offers/submit"):
        web.screenshot(f"form-{name}-{lang}-390", tmp_path)


def test_form_works_without_javascript(driver, desk, tmp_path):
    """The widgets are an enhancement: with scripts off the lists are plain selects and the form still sends."""
    from .conftest import Browser

    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        web = Browser(driver, desk)
        web.open("/requests/submit?lang=en")
        assert not web.find_all(".ts-wrapper") and web.find("select#f-languages").is_displayed()
        assert web.find("#hint2-languages").is_displayed()  # "Ctrl/Cmd + click to choose several."
        web.click(web.find("form.submit button[type=submit]"))
        assert web.find("#error-summary") and web.find("#err-requested_by")
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_desk_is_accessible_and_fits_a_phone(web, desk, http, tmp_path, lang):
    from httpforms import submit_project

    assert submit_project(desk, title=f"Projet pour le bureau ({lang})")[0] == 202
    web.open(f"/admin/login?lang={lang}")
    accessible(web)
    type_into(web, "#f-account", CURATOR)
    type_into(web, "#f-password", SECRET)
    web.click(web.find("form.login button"))
    for path, name in (("/admin/submissions", "desk-queue"),):
        web.open(path)
        accessible(web)
        web.screenshot(f"{name}-{lang}-1280", tmp_path)
        web.driver.set_window_size(390, 844)
        no_sideways_scroll(web)
        web.screenshot(f"{name}-{lang}-390", tmp_path)
        web.driver.set_window_size(1280, 1000)
    first = web.find(".desk-queue td a")
    web.click(first)
    accessible(web)
    web.driver.set_window_size(390, 844)
    no_sideways_scroll(web)
    web.screenshot(f"desk-review-{lang}-390", tmp_path)


TARGET = "https://w3id.org/tsc-graph/vocab/gbf/target-{:02d}"


@pytest.mark.parametrize("path", ["/projects/submit", "/requests/submit", "/offers/submit", "/practices/submit"])
def test_a_target_number_picks_that_target(web, path, tmp_path):
    """The hint says "type a number, e.g. « 6 »": typing 1, 3, 4 or 6 puts that target first (not 14, 2, 14, 16
    as Tom Select's text score did), and Enter takes it without sending the form, even typed at once."""
    from selenium.webdriver.common.keys import Keys

    web.open(path)
    box = web.find("#f-targets-ts-control")
    first = ("const d = document.getElementById('f-targets-ts-dropdown');"
             "const o = d.querySelector('.option'), a = d.querySelector('.option.active');"
             "return [o && o.textContent.trim(), a && a.textContent.trim()]")
    last = "return document.getElementById('f-targets').tomselect.items.at(-1)"  # the latest choice
    for n in (1, 3, 4, 6):
        web.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus()", box)
        box.send_keys(str(n))
        web.wait(lambda d: d.execute_script("return document.getElementById('f-targets').tomselect.lastQuery")
                 == str(n))
        top, active = web.driver.execute_script(first)
        assert top.startswith(f"Cible {n} :") and active == top, (n, top, active)
        if n == 6:
            web.screenshot(f"form-target-6-{path.strip('/').split('/')[0]}", tmp_path, full_page=False)
        box.send_keys(Keys.ENTER)
        assert web.driver.execute_script(last) == TARGET.format(n), n
        web.driver.execute_script("arguments[0].blur()", box)
    assert sorted(chosen(web, "f-targets")) == [TARGET.format(n) for n in (1, 3, 4, 6)]
    web.driver.execute_script("document.getElementById('f-targets').tomselect.clear()")
    for n in (1, 3, 4, 6):  # a quick typist: the number and Enter in one go
        web.driver.execute_script("arguments[0].focus()", box)
        box.send_keys(str(n) + Keys.ENTER)
        assert web.driver.execute_script(last) == TARGET.format(n), n
        web.driver.execute_script("arguments[0].blur()", box)
    assert web.path == path and not web.find_all("#error-summary"), "Enter sent the form"
    assert not web.errors()


ROWS = """const items = Array.from(document.querySelectorAll(arguments[0] + ' > li'));
return [new Set(items.map(li => Math.round(li.getBoundingClientRect().top))).size,
        document.querySelector(arguments[0]).getBoundingClientRect().height,
        Math.max(...items.map(li => li.getBoundingClientRect().height))]"""


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_signed_in_the_menus_keep_one_row_at_1280_px(web, desk, tmp_path, lang):
    """Signed in, the main menu had the desk's link as one more item: at 1280 px it wrapped to a second row holding
    only "Bureau des curateurs". With the desk's link on screen, the menu and the desk's own state tabs are each one
    row high: every item on one line, the list as high as its tallest item."""
    web.open(f"/admin/login?lang={lang}")
    type_into(web, "#f-account", CURATOR)
    type_into(web, "#f-password", SECRET)
    web.click(web.find("form.login button"))
    web.driver.set_window_size(1280, 1000)
    for path in ("/admin/submissions?state=pending", "/admin/submissions"):
        web.open(path)
        assert web.find("#desk-link").is_displayed()
        for menu in (".main-nav ul", ".state-tabs ul"):
            rows, height, item = web.driver.execute_script(ROWS, menu)
            assert rows == 1 and height <= item + 2, f"{menu} on {path}: {rows} rows, {height} px for {item} px items"
    web.screenshot(f"desk-menu-{lang}-1280", tmp_path, full_page=False)
