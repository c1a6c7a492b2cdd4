"""The project submission form and its moderation (tsc_graph/web/submissions.py, tsc_graph/web/admin.py, tsc_graph/moderation.py)."""
from __future__ import annotations

import base64
import json
import re
import urllib.parse

import pytest

from tsc_graph.moderation import APPROVED, PENDING, REJECTED, ModerationQueue, Submission
from tsc_graph.namespaces import DEFAULT_BASE_URI
from tsc_graph.store import GraphNamer, Source, open_store
from tsc_graph.web import create_app

TOKEN = "test-admin-token"
GBF = "https://w3id.org/tsc-graph/vocab/gbf/"
HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>']


@pytest.fixture
def app(french_store, tmp_path):
    return create_app({"admin_token": TOKEN, "MODERATION_DB": str(tmp_path / "queue.sqlite3")}, store=french_store)


@pytest.fixture
def client(app):
    return app.test_client()


BEARER = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}


def basic(password: str = TOKEN) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"curator:{password}".encode()).decode()}


def form_page(client, lang="fr", headers=None):
    r = client.get(f"/projects/submit?lang={lang}", headers=headers or {})
    assert r.status_code == 200
    return r.get_data(as_text=True)


def valid_form(html: str, **overrides) -> dict:
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    lead = re.search(r'<option value="(https://fr\.chm-cbd\.net/tsc/id/actor/[^"]+)"', html).group(1)
    data = {"csrf_token": token, "lang": "fr", "title_fr": "Restauration des mangroves de Guadeloupe",
            "title_en": "Restoring Guadeloupe's mangroves", "description_fr": "Un projet.", "lead": lead,
            "targets": [GBF + "target-02", GBF + "target-08"],
            "themes": "https://w3id.org/tsc-graph/vocab/theme/marine-coastal",
            "articles": "https://w3id.org/tsc-graph/vocab/cbd/article-18",
            "countries": "https://w3id.org/tsc-graph/vocab/country/GP", "start": "2025-01-01", "end": "2027-12-31",
            "budget": "120000", "currency": "EUR", "status": "https://w3id.org/tsc-graph/vocab/status/planned",
            "email": "contact@example.org"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def ask(client, iri: str) -> bool:
    r = client.get("/sparql", query_string={"query": f"ASK {{ <{iri}> ?p ?o }}"},
                   headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    return r.get_json()["boolean"]


def submit_valid(client, **overrides) -> str:
    r = client.post("/projects/submit", data=valid_form(form_page(client), **overrides))
    assert r.status_code == 202, r.get_data(as_text=True)
    return re.search(r"<code>([a-z0-9-]+)</code>", r.get_data(as_text=True)).group(1)


# --- the form ---------------------------------------------------------------------------------------------
def test_form_is_bilingual_and_lists_choices_from_the_store(client):
    fr, en = form_page(client, "fr"), form_page(client, "en")
    assert "Proposer un projet" in fr and "Organisation cheffe de file" in fr
    assert "Submit a project" in en and "Lead organisation" in en
    for n in range(1, 24):
        assert f'value="{GBF}target-{n:02d}"' in en
    for art in ("16", "17", "18"):
        assert f"cbd/article-{art}\"" in en
    assert 'name="csrf_token"' in en
    assert "https://fr.chm-cbd.net/tsc/id/actor/mnhn" in en


def test_post_without_csrf_token_is_refused_and_the_form_comes_back_with_a_fresh_token(client, app):
    """An expired or missing token records nothing, and everything typed comes back (a visitor never types twice)."""
    data = valid_form(form_page(client))
    del data["csrf_token"]
    r = client.post("/projects/submit", data=data)
    assert r.status_code == 400
    body = r.get_data(as_text=True)
    assert "Votre formulaire n'a pas été envoyé" in html_text(body)
    assert 'value="Restauration des mangroves de Guadeloupe"' in body and 'value="2027-12-31"' in body
    assert f'value="{GBF}target-08" selected' in body and 'value="120000"' in body
    assert re.search(r'name="csrf_token" value="[^"]+"', body)
    assert app.extensions["tsc_moderation"].counts()["pending"] == 0


def test_every_problem_at_once_next_to_its_field_in_plain_words(client, french_store):
    """Issue #14: SHACL jargon ("au moins un dcterms:spatial"), errors in two rounds and only at the top."""
    before = french_store.content_hash()
    html = form_page(client)
    r = client.post("/projects/submit", data=valid_form(html, lead="", targets=None, countries=None,
                                                        end="2024-01-01", currency="EURO", lang="fr"))
    assert r.status_code == 400
    body = r.get_data(as_text=True)
    expected = {
        "lead": "Choisissez l'organisation cheffe de file, ou proposez-la sous « Organisations absentes de la liste ».",
        "targets": "Choisissez au moins une cible du Cadre mondial de la biodiversité.",
        "countries": "Indiquez au moins un pays ou territoire.",
        "end": "La date de début ne doit pas être postérieure à la date de fin.",
        "currency": "Ce texte compte 4 caractères ; la limite est de 3.",
    }
    for field, message in expected.items():
        paragraph = re.search(rf'<p class="form-field-error" id="err-{field}">(.*?)</p>', body, re.S)
        assert paragraph and html_text(message) in html_text(paragraph.group(1)), field
        assert re.search(rf'id="f-{field}"[^>]*aria-describedby="[^"]*err-{field}"[^>]*aria-invalid="true"', body), field
    assert "5 points à corriger" in body
    assert 'value="EURO"' in body  # refused, never cut to "EUR"
    r = client.post("/projects/submit", data=valid_form(html, start="2028-01-01", lang="en"))
    assert "The start date must not be after the end date." in r.get_data(as_text=True)
    assert french_store.content_hash() == before


def html_text(fragment: str) -> str:
    import html as html_lib

    return html_lib.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_too_long_values_are_refused_with_the_limit_never_cut(client, app):
    long_title = "Mangroves " * 120  # 1,200 characters
    r = client.post("/projects/submit", data=valid_form(form_page(client), title_fr=long_title, lang="en"))
    assert r.status_code == 400
    body = r.get_data(as_text=True)
    assert "This text has 1,199 characters; the limit is 300." in body
    assert f'value="{long_title}"' in body and 'maxlength="300"' in body
    assert app.extensions["tsc_moderation"].counts()["pending"] == 0


def test_form_checks_choices_dates_budget_and_email(client):
    html = form_page(client)
    r = client.post("/projects/submit", data=valid_form(
        html, lang="en", lead="https://evil.example/actor", start="2025-13-45", budget="-3", email="nope",
        title_fr="", title_en=""))
    assert r.status_code == 400
    body = r.get_data(as_text=True)
    for message in ("Choose from the list.", "Give a real day between 1900 and 2100", "Give a number zero or more",
                    "Give a valid e-mail address", "Give a title in French or in English."):
        assert message in body
    assert "evil.example" not in body.split("<form")[1]  # an unknown IRI is never echoed back as an option
    assert 'value="2025-13-45"' in body and 'value="-3"' in body  # what was typed comes back as typed


@pytest.mark.parametrize("budget", ["1e99999999", "1e999999999", "NaN", "Infinity", "-0", "1000000000000000",
                                    "12.34567", "sNaN"])
def test_budget_is_bounded_after_parsing_not_only_in_characters(client, budget):
    """Issue #11: '1e99999999' (10 characters) was accepted and stored as a 100 MB decimal."""
    import time

    def post(value: str):
        start = time.perf_counter()
        r = client.post("/projects/submit", data=valid_form(form_page(client), lang="en", budget=value))
        return time.perf_counter() - start, r

    baseline, plain = post("12x")  # refused by the same form, a plain wrong number: what a refusal costs here
    assert plain.status_code == 400
    seconds, r = post(budget)
    assert seconds < 10 * baseline, (seconds, baseline)  # not a 100 MB decimal built first
    assert r.status_code == 400
    assert "with at most 15 digits before the decimal point and 4 after it" in r.get_data(as_text=True)


@pytest.mark.parametrize("budget,stored", [("1E6", "1000000"), ("120 000,50", "120000.5"), ("0", "0"),
                                           ("999999999999999.9999", "999999999999999.9999")])
def test_budget_is_stored_as_a_canonical_decimal(client, app, budget, stored):
    sub_id = submit_valid(client, budget=budget)
    sub = app.extensions["tsc_moderation"].get(sub_id)
    assert f'tsc:budget {stored}' in sub.turtle or f'"{stored}"^^xsd:decimal' in sub.turtle, sub.turtle
    assert sub.fields["budget"] == budget  # kept as typed, for the summary and an edit


@pytest.mark.parametrize("day", ["0001-01-01", "2101-01-01", "1899-12-31", "\u0662\u0660\u0662\u0665-01-01", "2025-1-01"])
def test_dates_are_real_days_in_a_sensible_range(client, day):
    r = client.post("/projects/submit", data=valid_form(form_page(client), lang="en", start=day.encode().decode("unicode_escape")))
    assert r.status_code == 400
    assert "Give a real day between 1900 and 2100, as YYYY-MM-DD." in r.get_data(as_text=True)


def test_valid_submission_is_queued_pending_and_stays_out_of_the_public_union(client, app, french_store):
    before = french_store.content_hash()
    sub_id = submit_valid(client)
    assert sub_id.startswith("restauration-des-mangroves-de-guadeloupe-")
    sub = app.extensions["tsc_moderation"].get(sub_id)
    assert sub.state == PENDING and sub.contact == "contact@example.org"
    assert "tsc:evidence" in sub.turtle or "evidence/illustrative" in sub.turtle
    assert "contact@example.org" not in sub.turtle  # the contact is never published
    assert french_store.content_hash() == before
    assert not ask(client, sub.project_iri)


def test_rate_limit_counts_accepted_submissions_and_survives_a_restart(french_store, tmp_path):
    """Issue #11 item 14 / #14: failed attempts do not use the quota up; a restart does not reset it; the 429
    keeps what the client typed."""
    config = {"SUBMIT_RATE_LIMIT": "2 per hour", "MODERATION_DB": str(tmp_path / "q.sqlite3")}
    client = create_app(config, store=french_store).test_client()
    html = form_page(client)
    codes = [client.post("/projects/submit", data=valid_form(html, email="")).status_code for _ in range(3)]
    assert codes == [400, 400, 400]  # failed attempts are not counted
    assert submit_valid(client) and submit_valid(client)
    client = create_app(config, store=french_store).test_client()  # a restart: same queue, new process state
    r = client.post("/projects/submit", data=valid_form(form_page(client), lang="en", title_en="Kept title"))
    assert r.status_code == 429 and 0 < int(r.headers["Retry-After"]) <= 3600
    body = r.get_data(as_text=True)
    assert "as many submissions as allowed" in body and 'value="Kept title"' in body
    assert client.get("/projects/submit").status_code == 200  # only POST is limited
    other = create_app(config, store=french_store).test_client()
    r = other.post("/projects/submit", data=valid_form(form_page(other)), environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert r.status_code == 202  # another client has its own quota


def test_flood_of_attempts_is_stopped_in_memory(french_store, tmp_path):
    app = create_app({"SUBMIT_ATTEMPT_LIMIT": "3 per hour", "MODERATION_DB": str(tmp_path / "q.sqlite3")},
                     store=french_store)
    client = app.test_client()
    html = form_page(client)
    codes = [client.post("/projects/submit", data=valid_form(html, email="")).status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]


# --- authentication ---------------------------------------------------------------------------------------
def test_admin_routes_are_off_without_a_token(french_store, tmp_path):
    app = create_app({"admin_token": "", "MODERATION_DB": str(tmp_path / "q.sqlite3")}, store=french_store)
    client = app.test_client()
    for method, path in [("GET", "/admin/submissions"), ("POST", "/admin/submissions/x/approve"),
                         ("PUT", "/admin/graphs?graph=http://example.org/g"), ("DELETE", "/admin/graphs?graph=http://e/g")]:
        r = client.open(path, method=method, headers={"Authorization": "Bearer ", "Accept": "application/json"})
        assert r.status_code == 403, path
        assert "TSC_ADMIN_TOKEN" in r.get_json()["message"]


@pytest.mark.parametrize("description", ['Première ligne\nse termine par \\"', 'a\n\\""', '"""\n\\\\"',
                                         'x\r\n\\\'"', '\\u0022 \\"\n"'])
def test_description_with_backslash_and_quote_across_lines_is_approved_as_written(client, app, french_store,
                                                                                  description):
    """Issue #11: such a description was accepted, but its Turtle was invalid, so approval failed with 400."""
    from rdflib import Graph, Literal
    from rdflib.namespace import DCTERMS

    sub_id = submit_valid(client, description_fr=description)
    sub = app.extensions["tsc_moderation"].get(sub_id)
    r = client.post(f"/admin/submissions/{sub_id}/approve", headers=BEARER)
    assert r.status_code == 200, r.get_data(as_text=True)
    stored = Graph().parse(data=sub.turtle, format="turtle")
    assert Literal(description.replace("\r\n", "\n"), lang="fr") in set(stored.objects(None, DCTERMS.description)) \
        or Literal(description, lang="fr") in set(stored.objects(None, DCTERMS.description))
    r = client.get("/sparql", query_string={"query": f"SELECT ?d WHERE {{ <{sub.project_iri}> <{DCTERMS.description}> ?d }}"},
                   headers={"Accept": "application/sparql-results+json"})
    assert [b["d"]["value"] for b in r.get_json()["results"]["bindings"]] == [sub.fields["description_fr"]]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, basic("wrong"),
                                     {"Authorization": "Basic !!!notbase64"}, {"Authorization": "Token " + TOKEN}])
def test_admin_routes_need_the_token(client, headers):
    for method, path in [("GET", "/admin/submissions"), ("POST", "/admin/submissions/x/approve"),
                         ("PUT", "/admin/graphs?graph=http://example.org/g")]:
        r = client.open(path, method=method, headers=dict(headers, Accept="application/json"),
                        data=b"<http://a> <http://b> <http://c> .", content_type="text/turtle")
        assert r.status_code == 401, (path, headers)
        assert r.headers["WWW-Authenticate"].startswith("Basic")


# --- moderation -------------------------------------------------------------------------------------------
def test_approve_publishes_in_its_own_graph_and_is_idempotent(client, app, french_store):
    sub_id = submit_valid(client)
    queue = app.extensions["tsc_moderation"]
    sub = queue.get(sub_id)
    r = client.post(f"/admin/submissions/{sub_id}/approve", headers=BEARER)
    assert r.status_code == 200 and r.get_json()["state"] == APPROVED
    assert sub.graph_iri in french_store.graphs()
    assert ask(client, sub.project_iri)
    after = french_store.content_hash()
    r = client.post(f"/admin/submissions/{sub_id}/approve", headers=BEARER)
    assert r.status_code == 200 and french_store.content_hash() == after
    # withdraw: rejected, graph gone, cannot be approved again
    r = client.post(f"/admin/submissions/{sub_id}/reject", headers=BEARER, data={"reason": "duplicate"})
    assert r.get_json()["state"] == REJECTED
    assert sub.graph_iri not in french_store.graphs() and not ask(client, sub.project_iri)
    assert client.post(f"/admin/submissions/{sub_id}/approve", headers=BEARER).status_code == 409
    assert client.post("/admin/submissions/nope/approve", headers=BEARER).status_code == 404


def test_an_approved_project_says_it_was_declared_by_its_lead_and_when_approved(client, app, french_store):
    """An approved submission is not illustrative: its page says who proposed it and when a curator approved it."""
    sub_id = submit_valid(client)
    sub = app.extensions["tsc_moderation"].get(sub_id)
    assert client.post(f"/admin/submissions/{sub_id}/approve", headers=BEARER).status_code == 200
    path = urllib.parse.urlsplit(sub.project_iri).path.removeprefix("/tsc")
    page = client.get(f"{path}.html", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Proposé par son porteur, validé par un curateur." in page
    assert "Validé par un curateur le " in page and "Données illustratives" not in page
    client.post(f"/admin/submissions/{sub_id}/reject", headers=BEARER, data={"reason": "test over"})


def test_browser_moderation_with_basic_auth_needs_the_csrf_token(client, app):
    sub_id = submit_valid(client)
    page = client.get(f"/admin/submissions/{sub_id}", headers=dict(basic(), Accept="text/html"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    r = client.post(f"/admin/submissions/{sub_id}/reject", headers=dict(basic(), Accept="text/html"),
                    data={"reason": "spam"})
    assert r.status_code == 400 and "CSRF" in r.get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    r = client.post(f"/admin/submissions/{sub_id}/reject", headers=dict(basic(), Accept="text/html"),
                    data={"reason": "spam", "csrf_token": token})
    assert r.status_code == 303
    assert app.extensions["tsc_moderation"].get(sub_id).state == REJECTED


def test_moderation_pages_escape_hostile_text(client):
    sub_id = submit_valid(client, title_fr=HOSTILE[0], title_en=HOSTILE[1], description_fr=HOSTILE[1])
    for path in ("/admin/submissions", f"/admin/submissions/{sub_id}"):
        html = client.get(path, headers=dict(basic(), Accept="text/html")).get_data(as_text=True)
        for raw in HOSTILE:
            assert raw not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_reconcile_finishes_an_approval_or_withdrawal_interrupted_by_a_crash(tmp_path):
    """The state a kill -9 can leave between the two steps: graph loaded + row pending, or row rejected + graph left."""
    store = open_store(f"oxigraph:{tmp_path / 'store'}")
    try:
        queue = ModerationQueue(store.path / "moderation.sqlite3")
        for sub_id, state in (("half-approved", PENDING), ("half-withdrawn", REJECTED), ("untouched", PENDING)):
            graph = f"{DEFAULT_BASE_URI}graph/submission/{sub_id}"
            turtle = f"<{DEFAULT_BASE_URI}id/project/{sub_id}> a <https://w3id.org/tsc-graph/ontology#Project> ."
            queue.add(Submission(sub_id, f"{DEFAULT_BASE_URI}id/project/{sub_id}", graph, sub_id, turtle,
                                 "a@b.org", "en", {}, state, 0.0))
            if sub_id != "untouched":
                store.load([Source(sub_id, data=turtle.encode(), format="turtle")],
                           graph_for=GraphNamer(DEFAULT_BASE_URI, fixed=graph))
        queue.close()
        app = create_app({"admin_token": TOKEN}, store=store)
        queue = app.extensions["tsc_moderation"]
        assert queue.get("half-approved").state == APPROVED
        assert queue.get("untouched").state == PENDING
        assert f"{DEFAULT_BASE_URI}graph/submission/half-withdrawn" not in store.graphs()
        assert f"{DEFAULT_BASE_URI}graph/submission/half-approved" in store.graphs()
        r = app.test_client().get("/admin/submissions", headers=BEARER)
        assert json.loads(r.data)["counts"] == {"pending": 1, "approved": 1, "rejected": 1}
    finally:
        store.close()


def test_restart_repair_and_admin_list_see_every_row_beyond_a_thousand(tmp_path):
    """Issue #11: both read at most 1,000 rows, so with 1,005 newer pending submissions an interrupted approval
    stayed "pending" while its graph was public, and the curators' list never showed it."""
    store = open_store(f"oxigraph:{tmp_path / 'store'}")
    try:
        queue = ModerationQueue(store.path / "moderation.sqlite3")
        for n in range(1_010):  # n = 0 is the oldest: its approval was interrupted after the load
            sub_id = f"p{n:04d}"
            graph = f"{DEFAULT_BASE_URI}graph/submission/{sub_id}"
            turtle = f"<{DEFAULT_BASE_URI}id/project/{sub_id}> a <https://w3id.org/tsc-graph/ontology#Project> ."
            queue.add(Submission(sub_id, f"{DEFAULT_BASE_URI}id/project/{sub_id}", graph, sub_id, turtle, "a@b.org",
                                 "en", {}, PENDING, 1000.0 + n // 3))  # equal times too: the id breaks ties
            if n == 0:
                store.load([Source(sub_id, data=turtle.encode(), format="turtle")],
                           graph_for=GraphNamer(DEFAULT_BASE_URI, fixed=graph))
        queue.add(Submission("old-withdrawn", f"{DEFAULT_BASE_URI}id/project/w", f"{DEFAULT_BASE_URI}graph/submission/w",
                             "w", "<a:b> <a:b> <a:b> .", "a@b.org", "en", {}, REJECTED, 1.0))
        store.load([Source("w", data=b"<a:b> <a:b> <a:b> .", format="turtle")],
                   graph_for=GraphNamer(DEFAULT_BASE_URI, fixed=f"{DEFAULT_BASE_URI}graph/submission/w"))
        queue.close()
        app = create_app({"admin_token": TOKEN}, store=store)
        assert app.extensions["tsc_moderation"].get("p0000").state == APPROVED
        assert f"{DEFAULT_BASE_URI}graph/submission/w" not in store.graphs()
        client = app.test_client()
        seen, url, pages = [], "/admin/submissions?state=pending", 0
        while url:
            body = client.get(url, headers=BEARER).get_json()
            seen += [s["id"] for s in body["submissions"]]
            url, pages = body["next"], pages + 1
        assert body["counts"]["pending"] == 1_009
        assert sorted(seen) == [f"p{n:04d}" for n in range(1, 1_010)] and pages == 11  # 100 a page, none twice
        html = client.get("/admin/submissions", headers=dict(basic(), Accept="text/html")).get_data(as_text=True)
        assert 'rel="next"' in html and html.count("<tr>") == 101
        assert client.get("/admin/submissions?after=nonsense", headers=BEARER).status_code == 400
    finally:
        store.close()


# --- a node in other languages (the profile's ``languages``: Colombia's es, en) ----------------------------------
CO_BASE = "https://co.chm-cbd.net/tsc/"


@pytest.fixture
def spanish_app(french_store, tmp_path):
    """A Spanish-speaking node (es, en) serving the French node's records as choices."""
    return create_app({"admin_token": TOKEN, "MODERATION_DB": str(tmp_path / "queue-es.sqlite3"),
                       "languages": ["es", "en"], "base_uri": CO_BASE}, store=french_store)


def field_names(html: str) -> list[str]:
    return re.findall(r'name="((?:title|description)_[a-z-]+)"', html)


def label_of(html: str, name: str) -> str:
    return html_text(re.search(rf'<label for="f-{name}"[^>]*>(.*?)</label>', html, re.S).group(1)).strip()


def test_the_french_node_asks_for_french_then_english(client):
    fr, en = form_page(client, "fr"), form_page(client, "en")
    assert field_names(fr) == ["title_fr", "title_en", "description_fr", "description_en"]
    assert label_of(fr, "title_fr").startswith("Titre en français") and label_of(fr, "title_en").startswith("Titre en anglais")
    assert label_of(en, "description_en").startswith("Description in English")
    assert "Vous pouvez écrire en français, en anglais, ou dans les deux langues." in html_text(fr)


@pytest.mark.parametrize("segment", ["projects", "practices", "offers", "requests"])
def test_a_spanish_node_asks_for_titles_in_spanish_and_english(spanish_app, segment):
    client = spanish_app.test_client()
    es = client.get(f"/{segment}/submit?lang=es").get_data(as_text=True)
    en = client.get(f"/{segment}/submit?lang=en").get_data(as_text=True)
    for page in (es, en):
        assert field_names(page) == ["title_es", "title_en", "description_es", "description_en"]
        assert 'lang="es"' in page.split('name="title_es"')[1].split(">")[0]
    assert label_of(es, "title_es").startswith("Título en español")
    assert label_of(es, "title_en").startswith("Título en inglés")
    assert label_of(es, "description_es").startswith("Descripción en español")
    assert label_of(en, "title_es").startswith("Title in Spanish")
    assert "Puede escribir en español, en inglés o en ambos." in html_text(es)
    assert "You can write in Spanish, in English, or both." in html_text(en)
    about = {lang: html_text(page.split("<form")[1].split('name="description_en"')[0]) for lang, page in (("es", es), ("en", en))}
    assert "francés" not in about["es"] and "French" not in about["en"]  # the records' names may be French


def spanish_form(client, **overrides) -> dict:
    html = client.get("/projects/submit?lang=es").get_data(as_text=True)
    data = valid_form(html, lang="es", title_fr=None, title_en=None, description_fr=None,
                      title_es="Restauración de manglares en el Caribe", description_es="Un proyecto de prueba.")
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_spanish_only_title_reaches_the_moderation_queue_tagged_es(spanish_app):
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCTERMS, RDFS

    client = spanish_app.test_client()
    r = client.post("/projects/submit?lang=es", data=spanish_form(client))
    assert r.status_code == 202, html_text(r.get_data(as_text=True))[:2000]
    sub_id = re.search(r"<code>([a-z0-9-]+)</code>", r.get_data(as_text=True)).group(1)
    sub = spanish_app.extensions["tsc_moderation"].get(sub_id)
    assert sub.state == PENDING and sub.title == "Restauración de manglares en el Caribe"
    assert sub.project_iri.startswith(f"{CO_BASE}id/project/restauracion-de-manglares-en-el-caribe-")
    g = Graph().parse(data=sub.turtle, format="turtle")
    resource = URIRef(sub.project_iri)
    assert [(str(lit), lit.language) for lit in g.objects(resource, RDFS.label)] == [
        ("Restauración de manglares en el Caribe", "es")]
    assert [lit.language for lit in g.objects(resource, DCTERMS.description)] == ["es"]
    # the curators' desk edits it with the node's fields, the Spanish title in its own
    edit = client.get(f"/admin/submissions/{sub_id}/edit?lang=es", headers=dict(basic(), Accept="text/html"))
    assert edit.status_code == 200
    body = edit.get_data(as_text=True)
    assert field_names(body) == ["title_es", "title_en", "description_es", "description_en"]
    assert re.search(r'name="title_es"[^>]*value="Restauración de manglares en el Caribe"', body)


def test_a_spanish_node_refuses_a_submission_with_no_title_in_its_languages(spanish_app):
    client = spanish_app.test_client()
    r = client.post("/projects/submit?lang=es", data=spanish_form(client, title_es="", title_fr="Un titre français"))
    assert r.status_code == 400
    body = r.get_data(as_text=True)
    error = re.search(r'<p class="form-field-error" id="err-title_es">(.*?)</p>', body, re.S)
    assert error and "Indique un título en español o en inglés." in html_text(error.group(1))
    assert "Un titre français" not in body  # not a field of this node's form: never echoed back
    assert spanish_app.extensions["tsc_moderation"].counts()["pending"] == 0
    r = client.post("/projects/submit?lang=en", data=spanish_form(client, title_es="", lang="en"))
    assert "Give a title in Spanish or in English." in html_text(r.get_data(as_text=True))
