"""The curators' desk (tsc_graph/web/admin/): named curators with sessions, CSRF on every write, the queue's filters and
counts, review (preview, report, diff), edit re-validated, reject with a reason the submitter reads, updates, the
history and the PROV-O log over SPARQL; the tracking page; e-mails through a local SMTP server (aiosmtpd)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest

from test_submissions import GBF, TOKEN, form_page, valid_form
from tsc_graph.curators import Curator, dump, hash_secret
from tsc_graph.moderation import APPROVED, PENDING, REJECTED
from tsc_graph.web import create_app

SECRET = "a long enough secret"
BEARER = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}


@pytest.fixture
def curators_file(tmp_path):
    path = tmp_path / "curators.toml"
    path.write_text(dump({"alice": Curator("alice", "Alice Martin", hash_secret(SECRET)),
                          "bob": Curator("bob", "Bob Durand", hash_secret(SECRET + "!"))}), encoding="utf-8")
    return path


@pytest.fixture
def app(french_store, tmp_path, curators_file):
    return create_app({"admin_token": TOKEN, "curators_file": str(curators_file),
                       "MODERATION_DB": str(tmp_path / "queue.sqlite3")}, store=french_store)


@pytest.fixture
def client(app):
    """A browser: it asks for HTML unless a request says otherwise."""
    c = app.test_client()
    c.environ_base["HTTP_ACCEPT"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    return c


def csrf(client, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def sign_in(client, account="alice", secret=SECRET, lang="fr"):
    return client.post(f"/admin/login?lang={lang}", data={"csrf_token": csrf(client, f"/admin/login?lang={lang}"),
                                                          "account": account, "password": secret})


def submit(client, **overrides) -> tuple[str, str]:
    """A valid project as a visitor; (submission id, tracking path)."""
    r = client.post("/projects/submit", data=valid_form(form_page(client), **overrides))
    assert r.status_code == 202, r.get_data(as_text=True)
    body = r.get_data(as_text=True)
    track = re.search(r'id="tracking-link">https?://[^/]+([^<]+)<', body).group(1)
    return re.search(r"<code>([a-z0-9-]+)</code>", body).group(1), track


def test_sign_in_session_and_sign_out(client):
    r = client.get("/admin/", headers={"Accept": "text/html"})
    assert r.status_code == 303 and "/admin/login" in r.headers["Location"]
    r = sign_in(client, secret="wrong")
    assert r.status_code == 401 and "Le compte ou le mot de passe n&#39;est pas correct." in r.get_data(as_text=True)
    r = sign_in(client, account="nobody")
    assert r.status_code == 401
    r = sign_in(client)
    assert r.status_code == 303
    assert "HttpOnly" in r.headers["Set-Cookie"] and "SameSite=Lax" in r.headers["Set-Cookie"]
    page = client.get("/admin/submissions?lang=fr").get_data(as_text=True)
    assert "Bureau des curateurs" in page and "Alice Martin" in page
    home = client.get("/?lang=fr").get_data(as_text=True)
    assert 'id="desk-link"' in home  # the site links to the desk for a signed-in curator
    r = client.post("/admin/logout", data={"csrf_token": csrf(client, "/admin/submissions")})
    assert r.status_code == 303
    assert client.get("/admin/submissions", headers={"Accept": "text/html"}).status_code == 303
    assert 'id="desk-link"' not in client.get("/?lang=fr").get_data(as_text=True)


def test_the_admin_token_still_works_for_scripts_and_signs_in(client):
    assert client.get("/admin/submissions", headers=BEARER).status_code == 200
    r = client.post("/admin/login", data={"csrf_token": csrf(client, "/admin/login"), "account": "", "password": TOKEN})
    assert r.status_code == 303
    assert "Jeton d&#39;administration" in client.get("/admin/submissions?lang=fr").get_data(as_text=True)


def test_every_write_from_a_session_needs_the_csrf_token(client, app):
    sub_id, _track = submit(client)
    sign_in(client)
    for path, data in ((f"/admin/submissions/{sub_id}/approve", {}),
                       (f"/admin/submissions/{sub_id}/reject", {"reason": "spam"}),
                       (f"/admin/submissions/{sub_id}/edit", {"title_fr": "x"}), ("/admin/logout", {})):
        r = client.post(path, data=data, headers={"Accept": "text/html"})
        assert r.status_code == 400 and "CSRF" in r.get_data(as_text=True), path
    assert app.extensions["tsc_moderation"].get(sub_id).state == PENDING


def test_a_removed_curator_is_signed_out_at_once(client, curators_file):
    sign_in(client, "bob", SECRET + "!")
    assert client.get("/admin/submissions", headers={"Accept": "text/html"}).status_code == 200
    time.sleep(0.01)
    curators_file.write_text(dump({"alice": Curator("alice", "Alice Martin", hash_secret(SECRET))}) + "\n# bob left\n",
                             encoding="utf-8")
    assert client.get("/admin/submissions", headers={"Accept": "text/html"}).status_code == 303


def test_queue_filters_counts_dates_and_translated_states(client, app):
    first, _ = submit(client, title_fr="Premier projet")
    second, _ = submit(client, title_fr="Second projet")
    queue = app.extensions["tsc_moderation"]
    queue.mark(second, REJECTED, "hors sujet", actor="alice", name="Alice Martin")
    sign_in(client)
    page = client.get("/admin/submissions?lang=fr").get_data(as_text=True)
    assert "En attente <span class=\"count\">(1)</span>" in page and "Rejetée <span class=\"count\">(1)</span>" in page
    assert re.search(r"\d{1,2} [a-zéû]+\.? \d{4}", page)  # « 26 nov. 2026, 16:05:12 », not 1795709031
    visible = re.sub(r"<[^>]+>", " ", page.split("<main")[1])
    assert "Reçue" in visible and "pending" not in visible
    page = client.get("/admin/submissions?state=pending&lang=en").get_data(as_text=True)
    assert "Premier projet" in page and "Second projet" not in page and "Pending" in page
    data = client.get("/admin/submissions?kind=offer", headers=BEARER).get_json()
    assert data["submissions"] == [] and data["kinds"] == {"project": 2}
    today = time.strftime("%Y-%m-%d", time.gmtime())
    assert len(client.get(f"/admin/submissions?since={today}", headers=BEARER).get_json()["submissions"]) == 2
    assert client.get("/admin/submissions?since=2000-01-01&until=2000-12-31", headers=BEARER).get_json()["submissions"] == []
    assert client.get("/admin/submissions?since=yesterday", headers=BEARER).status_code == 400
    assert client.get("/admin/submissions?kind=unicorn", headers=BEARER).status_code == 400


def test_review_shows_preview_report_and_history(client):
    sub_id, _ = submit(client, org1_name="Association des Mangroves", org1_type="https://w3id.org/tsc-graph/vocab/actor-type/ngo",
                       org1_country="https://w3id.org/tsc-graph/vocab/country/GP", org1_role="partners")
    sign_in(client)
    page = client.get(f"/admin/submissions/{sub_id}?lang=fr").get_data(as_text=True)
    preview = page.split('id="preview"')[1].split('id="history"')[0]
    assert "Restauration des mangroves de Guadeloupe" in preview and "Association des Mangroves" in preview
    assert "Cible 2" in preview and "Guadeloupe" in preview  # values by their names, as the published page shows them
    assert re.search("120[\u202f\u00a0 ]000", preview)  # the budget formatted in the curator's language
    assert "rien à corriger" in page
    assert "Proposée" in page.split('id="history"')[1] and "la personne qui propose" in page
    assert "tsc:" not in page and "Reçu 17" not in page


def test_edit_is_revalidated_recorded_and_approved(client, app, french_store):
    sub_id, track = submit(client)
    sign_in(client)
    edit = client.get(f"/admin/submissions/{sub_id}/edit?lang=fr").get_data(as_text=True)
    assert 'value="Restauration des mangroves de Guadeloupe"' in edit
    token = re.search(r'name="csrf_token" value="([^"]+)"', edit).group(1)
    data = valid_form(edit, title_en="Restoring Guadeloupe's mangroves (edited)", lang="fr")
    data["csrf_token"] = token
    bad = dict(data, countries="")
    r = client.post(f"/admin/submissions/{sub_id}/edit?lang=fr", data=bad)
    assert r.status_code == 400 and "Indiquez au moins un pays ou territoire." in r.get_data(as_text=True)
    r = client.post(f"/admin/submissions/{sub_id}/edit?lang=fr", data=data)
    assert r.status_code == 303
    sub = app.extensions["tsc_moderation"].get(sub_id)
    assert "(edited)" in sub.turtle and sub.fields["title_en"].endswith("(edited)")
    assert sub.fields["_iris"]["resource"] == sub.project_iri  # the same names after an edit
    history = client.get(f"/admin/submissions/{sub_id}?lang=fr").get_data(as_text=True).split('id="history"')[1]
    assert "Modifiée" in history and "Alice Martin" in history and "Titre en anglais" in history
    review = client.get(f"/admin/submissions/{sub_id}").get_data(as_text=True)
    r = client.post(f"/admin/submissions/{sub_id}/approve", data={"csrf_token": re.search(
        r'name="csrf_token" value="([^"]+)"', review).group(1)})
    assert r.status_code == 303 and app.extensions["tsc_moderation"].get(sub_id).state == APPROVED
    tracking = client.get(track + "?lang=fr").get_data(as_text=True)
    assert "Publiée" in tracking and f'href="/id/project/{sub.project_iri.rsplit("/", 1)[1]}"' in tracking
    # who approved, queryable over SPARQL
    query = ("PREFIX prov: <http://www.w3.org/ns/prov#> SELECT ?type ?who WHERE { ?act prov:type ?type ; "
             "prov:wasAssociatedWith/<http://www.w3.org/2000/01/rdf-schema#label> ?who } ORDER BY ?type")
    rows = client.get("/sparql", query_string={"query": query},
                      headers={"Accept": "application/sparql-results+json"}).get_json()["results"]["bindings"]
    assert [(r["type"]["value"], r["who"]["value"]) for r in rows] == [("approved", "Alice Martin"),
                                                                      ("edited", "Alice Martin")]


def test_reject_needs_a_reason_which_the_submitter_reads(client, app):
    sub_id, track = submit(client)
    sign_in(client)
    review = client.get(f"/admin/submissions/{sub_id}?lang=fr").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', review).group(1)
    r = client.post(f"/admin/submissions/{sub_id}/reject?lang=fr", data={"csrf_token": token, "reason": ""},
                    headers={"Accept": "text/html"})
    assert r.status_code == 400 and "la personne qui a proposé lira ce motif" in r.get_data(as_text=True)
    r = client.post(f"/admin/submissions/{sub_id}/reject", data={"csrf_token": token, "reason": "Projet déjà publié."},
                    headers={"Accept": "text/html"})
    assert r.status_code == 303
    page = client.get(track + "?lang=fr").get_data(as_text=True)
    assert "Non publiée" in page and "Projet déjà publié." in page
    rows = client.get("/sparql", query_string={"query": "PREFIX prov: <http://www.w3.org/ns/prov#> SELECT ?e WHERE "
                                                        "{ ?a prov:type \"rejected\" ; prov:used ?e }"},
                      headers={"Accept": "application/sparql-results+json"}).get_json()["results"]["bindings"]
    assert len(rows) == 1 and "mangroves" not in rows[0]["e"]["value"]  # a rejected title leaves no word public


def test_an_update_shows_what_changes_and_replaces_the_published_version(client, app, french_store):
    sub_id, _ = submit(client)
    assert client.post(f"/admin/submissions/{sub_id}/approve", headers=BEARER).status_code == 200
    r = client.post(f"/admin/submissions/{sub_id}/update", headers=BEARER)
    assert r.status_code == 201
    new_id = r.get_json()["id"]
    queue = app.extensions["tsc_moderation"]
    new = queue.get(new_id)
    assert new.state == PENDING and new.replaces == sub_id and new.project_iri == queue.get(sub_id).project_iri
    sign_in(client)
    edit = client.get(f"/admin/submissions/{new_id}/edit?lang=fr").get_data(as_text=True)
    data = valid_form(edit, title_fr="Restauration des mangroves de Guadeloupe, phase 2", budget="150000")
    data["csrf_token"] = re.search(r'name="csrf_token" value="([^"]+)"', edit).group(1)
    assert client.post(f"/admin/submissions/{new_id}/edit", data=data).status_code == 303
    review = client.get(f"/admin/submissions/{new_id}?lang=fr").get_data(as_text=True)
    diff = review.split('id="diff"')[1].split("</section>")[0]
    assert "<del>Restauration des mangroves de Guadeloupe (fr)</del>" in diff
    assert "<ins>Restauration des mangroves de Guadeloupe, phase 2 (fr)</ins>" in diff
    assert "<del>120000</del>" in diff and "<ins>150000</ins>" in diff and "Budget" in diff
    assert client.post(f"/admin/submissions/{new_id}/approve", headers=BEARER).status_code == 200
    graphs = french_store.graphs()
    assert new.graph_iri in graphs and queue.get(sub_id).graph_iri not in graphs  # one version published
    q = f"SELECT ?t WHERE {{ <{new.project_iri}> <http://www.w3.org/2000/01/rdf-schema#label> ?t }}"
    rows = client.get("/sparql", query_string={"query": q},
                      headers={"Accept": "application/sparql-results+json"}).get_json()["results"]["bindings"]
    assert sorted(r["t"]["value"] for r in rows) == ["Restauration des mangroves de Guadeloupe, phase 2",
                                                    "Restoring Guadeloupe's mangroves"]
    assert "Remplacée par une mise à jour" in client.get(f"/admin/submissions/{sub_id}?lang=fr").get_data(as_text=True)


def test_practice_offer_and_request_forms_submit_into_moderation(client, app):
    options = {}
    for segment, extra in (
        ("practices", {"practice_type": "https://w3id.org/tsc-graph/ontology#LessonLearnt",
                       "shared_by": "https://fr.chm-cbd.net/tsc/id/actor/mnhn", "targets": GBF + "target-21"}),
        ("offers", {"offered_by": "https://fr.chm-cbd.net/tsc/id/actor/ofb"}),
        ("requests", {"requested_by": "https://fr.chm-cbd.net/tsc/id/actor/ofb"}),
    ):
        html = client.get(f"/{segment}/submit?lang=en").get_data(as_text=True)
        data = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html).group(1), "lang": "en",
                "title_en": f"A test {segment[:-1]}", "email": "me@example.org",
                "themes": "https://w3id.org/tsc-graph/vocab/theme/invasive-species",
                "support": "https://w3id.org/tsc-graph/vocab/support-type/training", "languages": ["fr", "en"],
                "countries": "https://w3id.org/tsc-graph/vocab/country/MG", "contact_name": "Desk",
                "contact_email": "desk@example.org", **extra}
        r = client.post(f"/{segment}/submit", data=data)
        assert r.status_code == 202, re.findall(r'class="form-field-error" id="err-([^"]+)">(.*?)</p>', r.get_data(as_text=True))
        options[segment] = re.search(r"<code>([a-z0-9-]+)</code>", r.get_data(as_text=True)).group(1)
    queue = app.extensions["tsc_moderation"]
    practice = queue.get(options["practices"])
    assert practice.kind == "practice" and "/id/practice/" in practice.project_iri and "tsc:LessonLearnt" in practice.turtle
    offer = queue.get(options["offers"])
    assert offer.kind == "offer" and '"fr"^^xsd:language' in offer.turtle and "mailto:desk@example.org" in offer.turtle
    assert queue.get(options["requests"]).kind == "request"
    assert client.get("/admin/submissions?kind=practice", headers=BEARER).get_json()["kinds"] == {
        "practice": 1, "offer": 1, "request": 1}
    sign_in(client)
    for segment, sub_id in options.items():
        review = client.get(f"/admin/submissions/{sub_id}?lang=en").get_data(as_text=True)
        preview = review.split('id="preview"')[1].split('id="history"')[0]
        assert f"A test {segment[:-1]}" in preview and "preview could not be made" not in preview, segment
        assert "nothing to fix" in review
    for sub_id in options.values():
        assert client.post(f"/admin/submissions/{sub_id}/approve", headers=BEARER).status_code == 200


def test_tracking_links_are_unguessable_and_only_their_hash_is_kept(client, app):
    sub_id, track = submit(client)
    token = track.rsplit("/", 1)[1]
    assert len(token) >= 40
    sub = app.extensions["tsc_moderation"].get(sub_id)
    assert token not in json.dumps(sub.__dict__) and len(sub.tracking) == 64
    for wrong in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x", "a" * 300):
        r = client.get(f"/submissions/track/{wrong}?lang=fr")
        assert r.status_code == 404 and "Ce lien de suivi n&#39;est pas valide" in r.get_data(as_text=True)
    r = client.get(track)
    assert r.headers["Referrer-Policy"] == "no-referrer" and "noindex" in r.headers["X-Robots-Tag"]


def test_desk_is_off_without_token_or_curators(french_store, tmp_path):
    app = create_app({"admin_token": "", "MODERATION_DB": str(tmp_path / "q.sqlite3")}, store=french_store)
    c = app.test_client()
    assert c.get("/admin/login", headers={"Accept": "text/html"}).status_code == 403
    assert c.get("/admin/", headers={"Accept": "text/html"}).status_code == 403


def test_curators_command_writes_hashes_only(tmp_path):
    path = tmp_path / "c.toml"
    run = lambda *args, stdin="": subprocess.run(  # noqa: E731
        [sys.executable, "-m", "tsc_graph.cli", "curators", "--file", str(path), *args], input=stdin,
        capture_output=True, text=True, timeout=60)
    r = run("add", "carla", "--name", "Carla Nunes", stdin="une phrase de passe longue\n")
    assert r.returncode == 0, r.stderr
    text = path.read_text()
    assert "une phrase de passe longue" not in text and "scrypt:" in text and "Carla Nunes" in text
    assert run("add", "dan", stdin="short\n").returncode == 2
    assert run("add", "Not An Account", stdin="une phrase de passe longue\n").returncode == 2
    assert run("list").stdout.strip() == "carla\tCarla Nunes"
    assert run("remove", "carla").returncode == 0 and run("list").stdout.strip() == ""


# --- e-mail ---------------------------------------------------------------------------------------------------
def test_submitter_gets_a_receipt_and_the_decision_by_email(french_store, tmp_path, smtp_server):
    from email import message_from_string
    from email.header import decode_header, make_header

    controller, handler = smtp_server
    app = create_app({"admin_token": TOKEN, "MODERATION_DB": str(tmp_path / "q.sqlite3"), "smtp_host": "127.0.0.1",
                      "smtp_port": controller.port, "smtp_from": "chm@example.org"}, store=french_store)
    client = app.test_client()
    sub_id, track = submit(client)
    mailer = app.extensions["tsc_mailer"]
    assert mailer.wait()
    assert len(handler.messages) == 1
    to, raw = handler.messages[0]
    mail = message_from_string(raw)
    body = mail.get_payload(decode=True).decode("utf-8")
    assert to == ["contact@example.org"] and mail["From"] == "chm@example.org"
    assert str(make_header(decode_header(mail["Subject"]))) == \
        "Votre proposition a bien été reçue : Restauration des mangroves de Guadeloupe"
    assert track in body and "Cible 2" in body
    client.post(f"/admin/submissions/{sub_id}/reject", data={"reason": "Déjà publié par l'OFB."}, headers=BEARER)
    assert mailer.wait()
    mail = message_from_string(handler.messages[1][1])
    body = mail.get_payload(decode=True).decode("utf-8")
    assert "n'est pas publiée" in body and "Déjà publié par l'OFB." in body


def test_email_is_off_by_default_and_a_dead_server_never_fails_a_submission(french_store, tmp_path):
    from tsc_graph.serverproc import free_port

    app = create_app({"MODERATION_DB": str(tmp_path / "q.sqlite3")}, store=french_store)
    assert not app.extensions["tsc_mailer"].enabled
    app = create_app({"MODERATION_DB": str(tmp_path / "q2.sqlite3"), "smtp_host": "127.0.0.1", "smtp_port": free_port(),
                      "smtp_from": "chm@example.org", "smtp_timeout": 2}, store=french_store)
    client = app.test_client()
    submit(client)  # 202 although nobody listens on that port
    assert app.extensions["tsc_mailer"].wait() and app.extensions["tsc_mailer"].sent == 0
    with pytest.raises(ValueError):
        create_app({"MODERATION_DB": str(tmp_path / "q3.sqlite3"), "smtp_host": "127.0.0.1"}, store=french_store)


def test_the_submitter_proposes_a_correction_from_the_tracking_link(client, app, french_store):
    sub_id, track = submit(client)
    assert client.get(track + "/correct").status_code == 409  # not published yet
    assert client.post(f"/admin/submissions/{sub_id}/approve", headers=BEARER).status_code == 200
    page = client.get(track + "?lang=fr").get_data(as_text=True)
    assert 'id="correct-link"' in page
    form = client.get(track + "/correct?lang=fr").get_data(as_text=True)
    assert "Proposer une correction" in form and 'value="Restauration des mangroves de Guadeloupe"' in form
    data = valid_form(form, title_fr="Restauration des mangroves de Guadeloupe (corrigé)")
    r = client.post(track + "/correct", data=data)
    assert r.status_code == 202, re.findall(r'id="err-([^"]+)">(.*?)</p>', r.get_data(as_text=True))
    queue = app.extensions["tsc_moderation"]
    new = queue.page(PENDING).submissions[0]
    old = queue.get(sub_id)
    assert new.replaces == sub_id and new.project_iri == old.project_iri and new.tracking != old.tracking
    sign_in(client)
    review = client.get(f"/admin/submissions/{new.id}?lang=fr").get_data(as_text=True)
    assert "<ins>Restauration des mangroves de Guadeloupe (corrigé) (fr)</ins>" in review
    assert client.post(f"/admin/submissions/{new.id}/approve", headers=BEARER).status_code == 200
    assert old.graph_iri not in french_store.graphs() and new.graph_iri in french_store.graphs()
