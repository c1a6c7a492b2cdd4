"""Hostile records (hardening, round 3): clearing-house JSON that Python or the store cannot hold, and what the
submission forms, the curators' desk and the network APIs did with hostile or simultaneous requests.

Each test of an item failed before its fix: a traceback where a message and exit code 2 (or an issue on the record)
belong, two records merged into one resource, a session that outlived its sign-out, a 500, a receipt to three
addresses, a resource published twice, a decision recorded twice, an edit answered "saved" and lost. The last test
checks that the moderation log appended decision by decision says what the log rebuilt whole said.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_desk import SECRET, csrf, sign_in, submit
from test_submissions import BEARER, TOKEN, form_page, valid_form
from tsc_graph.chm import reader
from tsc_graph.cli import main

BASE = "https://fr.chm-cbd.net/tsc/"


# --- clearing-house import ---------------------------------------------------------------------------------------
@pytest.fixture
def store(tmp_path):
    return f"oxigraph:{tmp_path / 'store'}"


def organisation(uid: str, **fields) -> dict:
    return {"header": {"identifier": uid, "schema": "organization", "languages": ["en"]}, "name": {"en": f"Org {uid}"},
            **fields}


def write(tmp_path: Path, name: str, content) -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def import_chm(store, *argv) -> int:
    return main(["--store", store, "--base-uri", BASE, "import-chm", *map(str, argv)])


def report_of(capsys) -> tuple[dict, str]:
    out = capsys.readouterr()
    return json.loads(out.out), out.err


def test_json_nested_deeper_than_records_nest_is_refused_with_exit_2(store, tmp_path, capsys):
    """100,000 levels: json raised RecursionError. Around 990 levels json parsed, and json.dumps of the fields kept
    verbatim raised it instead; so the limit is far below Python's, and the place is named."""
    assert import_chm(store, write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000), "--no-validate") == 2
    assert f"deep.json: JSON nested more than {reader.MAX_DEPTH} levels deep;" in capsys.readouterr().err
    text = json.dumps(organisation("DEEP-1", relevantInformation="X")).replace('"X"', "[" * 100 + "]" * 100)
    assert import_chm(store, write(tmp_path, "record.json", text), "--no-validate") == 2
    err = capsys.readouterr().err
    assert f"record.json: JSON nested more than {reader.MAX_DEPTH} levels deep (at relevantInformation[0][0]" in err


def test_a_record_type_that_is_not_a_name_is_refused_not_printed_into_the_report(store, tmp_path, capsys):
    """A record of a type we do not map is imported unmapped and its type printed in the report; a "type" holding a
    line break would forge report lines, so only a name is a record type: anything else is bad input."""
    forged = "x\n- [bad-value] everything: fine"
    f = write(tmp_path, "forged.json", {"header": {"identifier": "FORGED-RECORD-1", "schema": forged}})
    assert import_chm(store, f) == 2
    err = capsys.readouterr().err
    assert "record FORGED-RECORD-1: header.schema 'x\\n- [bad-value] everything: fine' is not a record type name" in err
    f = write(tmp_path, "named.json", {"header": {"identifier": "NAMED-RECORD-1", "schema": "meetingDocument"}})
    assert import_chm(store, f, "--format", "json") == 0
    assert report_of(capsys)[0]["unmapped"] == {"meetingDocument": 1}


def test_a_record_too_long_for_the_store_is_refused_with_exit_2(store, tmp_path, capsys):
    """A 17 MB name: Oxigraph's parser raised MemoryError (its buffer stops at 16 MiB) after validation."""
    path = write(tmp_path, "big.json", organisation("BIG-1", name={"en": "x" * 17_000_000}))
    assert import_chm(store, path, "--no-validate") == 2
    err = capsys.readouterr().err
    assert "big.json: record BIG-1: 17,000,1" in err and "the limit is 2,000,000" in err
    assert "shorten its longest field, name" in err


def test_a_thesaurus_term_too_long_and_a_file_too_big_are_refused(store, tmp_path, capsys, monkeypatch):
    path = write(tmp_path, "th.json", [{"identifier": "T1", "title": {"en": "x" * 2_100_000}}])
    assert import_chm(store, path, "--thesaurus") == 2
    assert "term 'T1': 2,100,0" in capsys.readouterr().err
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 1000)
    path = write(tmp_path, "records.json", [organisation(f"ORG-{n}") for n in range(20)])
    assert import_chm(store, path, "--no-validate") == 2
    assert f"records.json: {path.stat().st_size:,} bytes; the limit is 1,000 per file: split" in capsys.readouterr().err


def test_a_lone_surrogate_is_refused_with_exit_2_naming_where(store, tmp_path, capsys):
    """``"\\ud800"`` is valid JSON, not Unicode: UnicodeEncodeError when the graph was written."""
    path = write(tmp_path, "surrogate.json", '{"Items": [{"header": {"identifier": "SU-1", "schema": "organization"}, '
                                             '"name": {"en": "a\\ud800b"}}]}')
    assert import_chm(store, path, "--no-validate") == 2
    assert "surrogate.json: a lone UTF-16 surrogate (\\ud800) at Items[0].name.en" in capsys.readouterr().err


def test_values_the_store_refuses_are_bad_values_on_their_record(store, tmp_path, capsys):
    """``a>b@…`` became ``<mailto:a>b@…>`` (rdflib: "does not look like a valid URI"), ``en<script>`` a ValueError,
    a URL with a control character a load error on the whole graph; ``root,postmaster,…`` three addresses."""
    record = organisation("BAD-1", emails=["a>b@example.org", 'x"y@example.org', "root,postmaster,victim@example.org",
                                           "ok@example.org"],
                          name={"en<script>": "Evil", "fr": "Bonne"}, websites=[{"url": "https://example.org/\u0001"}])
    record["header"]["languages"] = ["en", "en<script>"]
    assert import_chm(store, write(tmp_path, "bad.json", record), "--format", "json") == 1  # loaded, with violations
    report, err = report_of(capsys)
    assert report["loaded"] and "Traceback" not in err
    messages = {(i["field"], i["message"].split(" (kept")[0]) for i in report["issues"] if i["kind"] == "bad-value"}
    assert messages == {
        ("emails", "'a>b@example.org' is not an email address"),
        ("emails", "'x\"y@example.org' is not an email address"),
        ("emails", "'root,postmaster,victim@example.org' is not an email address"),
        ("name", "'en<script>' is not a language code (a BCP 47 tag: en, fr, pt-BR)"),
        ("header.languages", "'en<script>' is not a language code (a BCP 47 tag: en, fr, pt-BR)"),
        ("websites", "'https://example.org/\\x01' is not a URL"),
    }
    assert "<mailto:ok@example.org>" in export_nt(store, report["graph"])


def export_nt(store, graph: str) -> str:
    from tsc_graph.store import open_store

    with open_store(store) as s:
        return s.to_rdflib(graph).serialize(format="nt")


def test_uids_that_make_one_iri_are_reported_not_merged(store, tmp_path, capsys):
    """``ORG-1`` and ``org_1`` are two records for the clearing-house; both became ``chm-org-1``, with both names."""
    assert import_chm(store, write(tmp_path, "two.json", [organisation("ORG-1"), organisation("org_1")]),
                      "--no-validate", "--format", "json") == 0
    report, _ = report_of(capsys)
    [issue] = report["issues"]
    assert issue["kind"] == "colliding-record" and issue["record"] == "org_1"
    assert f"<{BASE}id/actor/chm-org-1> as record ORG-1 (from " in issue["message"]
    assert report["records"] == {"organization": 1}
    assert "Org org_1" not in export_nt(store, report["graph"])
    # another import, into another graph: the resource is already published from ORG-1
    assert import_chm(store, write(tmp_path, "other.json", organisation("org_1")), "--no-validate", "--format",
                      "json") == 2  # every record skipped: nothing to load, said in the report
    report, err = report_of(capsys)
    [issue] = report["issues"]
    assert issue["kind"] == "colliding-record" and f"as record ORG-1 (graph <{BASE}graph/chm-two>)" in issue["message"]
    assert "every record was skipped; nothing loaded" in err
    assert import_chm(store, tmp_path / "two.json", "--no-validate", "--strict") == 2  # a strict failure too
    capsys.readouterr()
    assert import_chm(store, write(tmp_path, "again.json", organisation("ORG-1")), "--no-validate") == 0  # same uid


def test_hostile_thesaurus_terms_are_reported_not_tracebacks(store, tmp_path, capsys):
    """A ValueError (language key), a TypeError (an identifier that is a number or an object, a list of hidden labels
    that is a number) or an AttributeError (a shortTitle that is a string) each stopped the import."""
    terms = [{"identifier": "T1", "title": {"en<x>": "a", "fr": "b"}}, {"identifier": 5, "title": {"en": "a"}},
             {"identifier": {"a": 1}, "title": {"en": "a"}},
             {"identifier": "T3", "title": {"en": "a"}, "shortTitle": "x"}, {"identifier": "T4", "title": ["a"]},
             {"identifier": "T5", "title": {"en": "a"}, "nonPreferedTerms": 5, "broaderTerms": "abc",
              "narrowerTerms": 3}]
    assert import_chm(store, write(tmp_path, "terms.json", terms), "--thesaurus", "--format", "json") == 0
    report, _ = report_of(capsys)
    assert report["loaded"] and report["thesaurus"]["concepts"] == 4
    assert report["thesaurus"]["issues"] == [
        "TERMS/T1 title: 'en<x>' is not a language code (a BCP 47 tag: en, fr, pt-BR), not imported",
        "TERMS: a term's identifier 5 is not a text, term not imported",
        "TERMS: a term's identifier {'a': 1} is not a text, term not imported"]


# --- network APIs ------------------------------------------------------------------------------------------------
HOSTILE_CELLS = ['=HYPERLINK("https://evil.example/","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0",
                 "\tTAB", "\rCR"]


@pytest.fixture(scope="module")
def network_app(tmp_path_factory):
    """The French data and a "harvested" node whose offer matches the Madagascar request, labelled with formulas."""
    from checkout import DATA_DIR
    from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
    from tsc_graph.namespaces import DEFAULT_BASE_URI
    from tsc_graph.store import GraphNamer, Source, expand_sources, open_store
    from tsc_graph.web import create_app

    labels = json.dumps(HOSTILE_CELLS[0]) + "@en, " + json.dumps(HOSTILE_CELLS[1]) + "@fr"
    evil = f"""
        @prefix tsc: <https://w3id.org/tsc-graph/ontology#> . @prefix schema: <https://schema.org/> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <https://evil.example/id/offer/x> a tsc:CooperationOffer ; rdfs:label {labels} ;
            schema:offeredBy <https://evil.example/id/actor/y> ;
            tsc:supportType <https://w3id.org/tsc-graph/vocab/support-type/training> ;
            tsc:thematicArea <https://w3id.org/tsc-graph/vocab/theme/invasive-species> ;
            tsc:contributesTo <https://w3id.org/tsc-graph/vocab/gbf/target-06> ;
            tsc:targetCountry <https://w3id.org/tsc-graph/vocab/country/MG> .
        <https://evil.example/id/actor/y> a tsc:Actor ; rdfs:label {json.dumps(HOSTILE_CELLS[3])}@en ."""
    store = open_store("memory:")
    store.load(expand_sources([ONTOLOGY_DIR, REFERENCE_DIR, DATA_DIR / "fr", DATA_DIR / "demo"]),
               graph_for=GraphNamer(DEFAULT_BASE_URI))
    store.load([Source("evil.ttl", data=evil.encode(), format="turtle")],
               graph_for=GraphNamer(DEFAULT_BASE_URI, fixed=f"{DEFAULT_BASE_URI}graph/node/evil"))
    tmp = tmp_path_factory.mktemp("network")
    yield create_app({"MODERATION_DB": str(tmp / "queue.sqlite3"), "CHANGES_DB": str(tmp / "changes.sqlite3")},
                     store=store)
    store.close()


def test_matches_csv_neutralises_cells_a_spreadsheet_would_run(network_app):
    """OWASP: a cell starting with = + - @ tab or CR gets a leading single quote (it was written as the node gave it)."""
    import csv
    import io

    r = network_app.test_client().get("/api/matches.csv?request=https://fr.chm-cbd.net/tsc/id/request/"
                                      "madagascar-crapaud-asiatique&lang=en")
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True), newline="")))
    [evil] = [row for row in rows if row["offer"] == "https://evil.example/id/offer/x"]
    assert evil["offer_label"] == "'" + HOSTILE_CELLS[0] and evil["provider_label"] == "'" + HOSTILE_CELLS[3]
    starts = tuple("=+-@\t\r")
    assert not [(k, v) for row in rows for k, v in row.items() if v.startswith(starts)]
    from tsc_graph.matching.present import spreadsheet_safe

    assert [spreadsheet_safe(c) for c in HOSTILE_CELLS] == ["'" + c for c in HOSTILE_CELLS]
    assert [spreadsheet_safe(c) for c in ("plain", "'quoted", "a=b", 16, -2)] == ["plain", "'quoted", "a=b", 16, -2]


def test_a_change_number_past_sqlite_integers_is_a_404(network_app):
    """``/changes/99999999999999999999``: OverflowError binding it to SQLite, a 500."""
    client = network_app.test_client()
    for number in ("99999999999999999999", str(2**63), "9" * 4000):
        r = client.get(f"/changes/{number}")
        assert r.status_code == 404, (number[:30], r.status_code)
    assert "no change number 99999999999999999999" in client.get("/changes/99999999999999999999").get_data(as_text=True)


# --- the desk, the forms and the mail ----------------------------------------------------------------------------
HTML = {"Accept": "text/html"}


@pytest.fixture
def desk(french_store, tmp_path):
    """An app with a curators file (alice, bob), the admin token and a queue of its own."""
    from tsc_graph.curators import Curator, dump, hash_secret
    from tsc_graph.web import create_app

    curators = tmp_path / "curators.toml"
    curators.write_text(dump({"alice": Curator("alice", "Alice Martin", hash_secret(SECRET))}), encoding="utf-8")
    return create_app({"admin_token": TOKEN, "curators_file": str(curators), "MODERATION_DB": str(tmp_path / "q.sqlite3")},
                      store=french_store)


def browser_of(app):
    """A test client that asks for HTML, as a browser does."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT"] = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
    return client


def test_a_session_cookie_copied_before_sign_out_is_refused_after_it(desk):
    """The session was a signed cookie only: sign-out cleared the browser's copy, and a copy kept working for 8 h."""
    browser = browser_of(desk)
    assert sign_in(browser).status_code == 303
    stolen = browser.get_cookie("session").value
    thief = browser_of(desk)
    thief.set_cookie("session", stolen)
    assert thief.get("/admin/submissions", headers=HTML).status_code == 200  # the copy works while signed in
    assert browser.post("/admin/logout", data={"csrf_token": csrf(browser, "/admin/submissions")}).status_code == 303
    r = thief.get("/admin/submissions", headers=HTML)
    assert r.status_code == 303 and "/admin/login" in r.headers["Location"]
    assert thief.post("/admin/logout", data={}).status_code == 400  # and nothing else it could do
    assert sign_in(browser).status_code == 303  # signing in again opens a new session
    assert browser.get("/admin/submissions", headers=HTML).status_code == 200
    assert thief.get("/admin/submissions", headers=HTML).status_code == 303


def test_wrong_passwords_for_one_account_from_many_addresses_make_it_wait(desk):
    """200 wrong passwords for alice from 10 addresses (20 each: under the limit per address) were all checked."""
    client = desk.test_client()
    token = csrf(client, "/admin/login")
    answers = []
    for n in range(200):
        r = client.post("/admin/login", data={"csrf_token": token, "account": "alice", "password": f"guess {n}"},
                        environ_base={"REMOTE_ADDR": f"10.9.0.{n % 10}"})
        answers.append((r.status_code, r.headers.get("Retry-After")))
    assert [status for status, _ in answers[:5]] == [401] * 5
    assert {status for status, _ in answers[5:]} == {429}
    sessions = desk.extensions["tsc_curator_sessions"]
    assert int(answers[5][1]) >= 30  # the account's wait, or the address's window if that ends later (Flask-Limiter)
    assert 0 < sessions.attempt("alice") <= 30  # a refused attempt does not count
    r = client.post("/admin/login?lang=fr", data={"csrf_token": token, "account": "alice", "password": SECRET},
                    environ_base={"REMOTE_ADDR": "10.9.1.1"})  # even the right password, from a new address
    assert r.status_code == 429 and "Trop de tentatives de connexion pour ce compte" in r.get_data(as_text=True)
    real = sessions.clock
    sessions.clock = lambda: real() + 31  # the wait is over: one more attempt, and then twice as long
    r = client.post("/admin/login", data={"csrf_token": token, "account": "alice", "password": "guess"},
                    environ_base={"REMOTE_ADDR": "10.9.1.2"})
    assert r.status_code == 401
    r = client.post("/admin/login", data={"csrf_token": token, "account": "alice", "password": SECRET},
                    environ_base={"REMOTE_ADDR": "10.9.1.2"})
    assert r.status_code == 429 and 30 < sessions.attempt("alice") <= 60
    sessions.clock = lambda: real() + 100
    assert client.post("/admin/login", data={"csrf_token": token, "account": "alice", "password": SECRET},
                       environ_base={"REMOTE_ADDR": "10.9.1.3"}).status_code == 303
    # an account that does not exist answers the same way: nothing tells which accounts exist
    other = desk.test_client()
    token = csrf(other, "/admin/login")
    codes = [other.post("/admin/login", data={"csrf_token": token, "account": "mallory", "password": "x"},
                        environ_base={"REMOTE_ADDR": f"10.9.2.{n}"}).status_code for n in range(7)]
    assert codes == [401] * 5 + [429] * 2


@pytest.mark.parametrize("separator", ["\u2028", "\u0085", "\r", "\n"])
def test_a_title_with_a_line_separator_gets_its_tracking_link_and_its_mails(french_store, tmp_path, smtp_server,
                                                                          separator):
    """U+2028 in a title made the receipt's Subject header raise ValueError: a 500 after the submission was queued,
    so the visitor had no tracking link; the decision mail did the same to the curator's approval."""
    from email import message_from_string
    from email.header import decode_header, make_header

    from tsc_graph.web import create_app

    controller, handler = smtp_server
    app = create_app({"admin_token": TOKEN, "MODERATION_DB": str(tmp_path / "q.sqlite3"), "smtp_host": "127.0.0.1",
                      "smtp_port": controller.port, "smtp_from": "chm@example.org"}, store=french_store)
    client = app.test_client()
    sub_id, track = submit(client, title_fr=f"Mangroves{separator}phase 2")
    assert app.extensions["tsc_moderation"].counts()["pending"] == 1
    assert client.post(f"/admin/submissions/{sub_id}/approve", headers=BEARER).status_code == 200
    assert app.extensions["tsc_mailer"].wait()
    subjects = [str(make_header(decode_header(message_from_string(raw)["Subject"]))) for _to, raw in handler.messages]
    assert subjects == ["Votre proposition a bien été reçue : Mangroves phase 2",
                        "Votre proposition est publiée : Mangroves phase 2"]
    assert client.get(track).status_code == 200


def test_the_email_field_takes_one_address_and_the_mailer_sends_to_one(french_store, tmp_path, smtp_server):
    """``root,postmaster,victim@example.org`` was accepted, and the receipt went to the three of them (the old check
    wanted one ``@`` and no space, quote or angle bracket)."""
    import re

    from tsc_graph.moderation import REJECTED
    from tsc_graph.web import create_app

    controller, handler = smtp_server
    app = create_app({"admin_token": TOKEN, "MODERATION_DB": str(tmp_path / "q.sqlite3"), "smtp_host": "127.0.0.1",
                      "smtp_port": controller.port, "smtp_from": "chm@example.org"}, store=french_store)
    client = app.test_client()
    queue = app.extensions["tsc_moderation"]
    for address in ("root,postmaster,victim@example.org", "a@example.org; b@example.org", "a@example.org b@example.org",
                    "Victim <victim@example.org>", '"a,b"@example.org', "a@b@example.org"):
        r = client.post("/projects/submit", data=valid_form(form_page(client), email=address))
        body = r.get_data(as_text=True)
        assert r.status_code == 400, address
        message = re.search(r'id="err-email">(.*?)</p>', body).group(1)
        assert "Indiquez une seule adresse électronique, par exemple nom@exemple.org." in message, address
    assert queue.counts()["pending"] == 0
    # an address list kept from before the check: the decision mail is not sent to it
    sub_id, _track = submit(client)
    queue._db.execute("UPDATE submissions SET contact = ? WHERE id = ?", ("root,postmaster,victim@example.org", sub_id))
    assert app.extensions["tsc_mailer"].wait()
    client.post(f"/admin/submissions/{sub_id}/reject", data={"reason": "test"}, headers=BEARER)
    assert queue.get(sub_id).state == REJECTED and app.extensions["tsc_mailer"].wait()
    assert [to for to, _raw in handler.messages] == [["contact@example.org"]]


# --- decisions: one at a time, on the version the curator saw ----------------------------------------------------
@pytest.fixture
def own_store():
    """The French data in a store of this test's own (approvals must not leak into other tests' store)."""
    from checkout import DATA_DIR
    from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
    from tsc_graph.namespaces import DEFAULT_BASE_URI
    from tsc_graph.store import GraphNamer, expand_sources, open_store

    store = open_store("memory:")
    store.load(expand_sources([ONTOLOGY_DIR, REFERENCE_DIR, DATA_DIR / "fr", DATA_DIR / "demo"]),
               graph_for=GraphNamer(DEFAULT_BASE_URI))
    yield store
    store.close()


@pytest.fixture
def moderated(own_store, tmp_path):
    from tsc_graph.web import create_app

    return create_app({"admin_token": TOKEN, "MODERATION_DB": str(tmp_path / "q.sqlite3"),
                       "CHANGES_DB": str(tmp_path / "changes.sqlite3")}, store=own_store)


def labels_of(client, iri: str) -> list[str]:
    q = f"SELECT ?t WHERE {{ <{iri}> <http://www.w3.org/2000/01/rdf-schema#label> ?t }}"
    rows = client.get("/sparql", query_string={"query": q},
                      headers={"Accept": "application/sparql-results+json"}).get_json()["results"]["bindings"]
    return sorted(r["t"]["value"] for r in rows)


def correct(client, track: str, title: str) -> str:
    """The submitter proposes a correction from the tracking link; the id of the pending update."""
    import re

    r = client.post(track + "/correct", data=valid_form(client.get(track + "/correct?lang=fr").get_data(as_text=True),
                                                        title_fr=title))
    assert r.status_code == 202, r.get_data(as_text=True)
    return re.search(r"<code>([a-z0-9-]+)</code>", r.get_data(as_text=True)).group(1)


def test_two_corrections_of_one_resource_approved_in_turn_leave_one_version_published(moderated, own_store):
    """Both replaced the first version; the second approval found it gone and dropped nothing: two graphs, two
    French titles for one resource."""
    from tsc_graph.moderation import APPROVED
    from tsc_graph.web import create_app

    client = moderated.test_client()
    queue = moderated.extensions["tsc_moderation"]
    first, track = submit(client)
    assert client.post(f"/admin/submissions/{first}/approve", headers=BEARER).status_code == 200
    a, b = correct(client, track, "Mangroves, correction A"), correct(client, track, "Mangroves, correction B")
    assert queue.get(a).replaces == queue.get(b).replaces == first
    for sub_id in (a, b):
        assert client.post(f"/admin/submissions/{sub_id}/approve", headers=BEARER).status_code == 200
    resource = queue.get(b).project_iri
    assert labels_of(client, resource) == ["Mangroves, correction B", "Restoring Guadeloupe's mangroves"]
    graphs = own_store.graphs()
    assert queue.get(b).graph_iri in graphs and queue.get(a).graph_iri not in graphs
    assert queue.get(first).graph_iri not in graphs
    assert [e.detail for e in queue.history(a) if e.action == "replaced"] == [{"by": b}]
    assert {queue.get(s).state for s in (first, a, b)} == {APPROVED}  # approved in turn, one published
    # a restart keeps it so, and the published log says who replaced what
    create_app({"admin_token": TOKEN, "MODERATION_DB": str(queue.path)}, store=own_store)
    assert labels_of(client, resource) == ["Mangroves, correction B", "Restoring Guadeloupe's mangroves"]
    q = ("PREFIX prov: <http://www.w3.org/ns/prov#> SELECT ?g WHERE { ?act prov:type \"replaced\" ; "
         "prov:invalidated ?g }")
    rows = client.get("/sparql", query_string={"query": q},
                      headers={"Accept": "application/sparql-results+json"}).get_json()["results"]["bindings"]
    assert sorted(r["g"]["value"] for r in rows) == sorted([queue.get(first).graph_iri, queue.get(a).graph_iri])


def race(app, requests: list[tuple[str, dict]]) -> list[int]:
    """Send the POSTs at the same moment, each from a thread of its own (a client each); their status codes."""
    import threading

    barrier = threading.Barrier(len(requests), timeout=30)
    codes: list[int | None] = [None] * len(requests)

    def send(n: int, path: str, data: dict) -> None:
        client = app.test_client()
        barrier.wait()
        codes[n] = client.post(path, data=data, headers=BEARER).status_code

    threads = [threading.Thread(target=send, args=(n, path, data)) for n, (path, data) in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return codes


def version_of(client, sub_id: str):
    """The version of a submission as a script reads it (``GET /admin/submissions/<id>``)."""
    return client.get(f"/admin/submissions/{sub_id}", headers=BEARER).get_json().get("version")


def approvals_in_feed(app, sub_id: str) -> int:
    return sum(1 for c in app.extensions["tsc_changes"].after(0, 10_000)
               if c.kind == "approval" and f"submission {sub_id} " in c.summary["en"])


def test_a_double_click_on_approve_is_one_decision(moderated):
    """Two approvals of one submission at once: both answered 200, and the feed (and the mail) got it twice. Now the
    second, sent from the same page (same version), gets 409 with the current state; a script's retry without a
    version gets 200 and changes nothing."""
    client = moderated.test_client()
    queue = moderated.extensions["tsc_moderation"]
    for trial in range(10):
        sub_id, _track = submit(client, title_fr=f"Projet de test {trial}")
        version = version_of(client, sub_id)
        form = {"version": str(version)} if trial % 2 == 0 else {}  # a page's form, or a script without one
        codes = race(moderated, [(f"/admin/submissions/{sub_id}/approve", form)] * 2)
        assert sorted(codes) == ([200, 409] if form else [200, 200]), (trial, codes)
        assert [e.action for e in queue.history(sub_id)] == ["submitted", "approved"], trial
        assert approvals_in_feed(moderated, sub_id) == 1, trial
    r = client.post(f"/admin/submissions/{sub_id}/approve", data={"version": str(version)}, headers=BEARER)
    assert r.status_code == 409 and r.get_json()["error"] == "stale"
    assert r.get_json()["current"]["state"] == "approved" and r.get_json()["current"]["version"] > version


def test_approve_and_edit_at_once_publish_the_text_the_desk_shows(moderated, own_store):
    """An approval read the submission, an edit saved a new text, the approval published the old one and marked
    approved: the desk showed the edited text as approved. Now one of the two wins and the other gets 409."""
    from tsc_graph.moderation import APPROVED, PENDING

    client = moderated.test_client()
    queue = moderated.extensions["tsc_moderation"]
    outcomes = set()
    for trial in range(10):
        sub_id, _track = submit(client, title_fr=f"Projet original {trial}")
        version = str(version_of(client, sub_id))
        page = client.get(f"/admin/submissions/{sub_id}/edit?lang=fr", headers={**BEARER, "Accept": "text/html"})
        edit = valid_form(page.get_data(as_text=True), title_fr=f"Projet modifié {trial}", version=version)
        codes = race(moderated, [(f"/admin/submissions/{sub_id}/approve", {"version": version}),
                                 (f"/admin/submissions/{sub_id}/edit", edit)])
        now = queue.get(sub_id)
        assert codes in ([200, 409], [409, 303]), (trial, codes)
        if now.state == APPROVED:
            assert labels_of(client, now.project_iri)[0] == f"Projet original {trial}"
            assert f"Projet original {trial}" in now.turtle and "modifié" not in now.turtle
        else:
            assert now.state == PENDING and f"Projet modifié {trial}" in now.turtle
            assert now.graph_iri not in own_store.graphs()
        outcomes.add(now.state)
    print("approve ‖ edit outcomes:", outcomes)


def test_a_stale_form_gets_the_review_page_as_the_submission_stands(moderated):
    client = moderated.test_client()
    queue = moderated.extensions["tsc_moderation"]
    sub_id, _track = submit(client)
    shown = version_of(client, sub_id)
    page = client.get(f"/admin/submissions/{sub_id}/edit?lang=fr", headers={**BEARER, "Accept": "text/html"})
    assert f'name="version" value="{shown}"' in page.get_data(as_text=True)
    edit = valid_form(page.get_data(as_text=True), title_fr="Modifié par Bob", version=str(shown))
    assert client.post(f"/admin/submissions/{sub_id}/edit", data=edit, headers=BEARER).status_code == 303
    html = {"Authorization": f"Bearer {TOKEN}", "Accept": "text/html"}
    r = client.post(f"/admin/submissions/{sub_id}/approve?lang=fr", data={"version": str(shown)}, headers=html)
    body = r.get_data(as_text=True)
    assert r.status_code == 409 and 'id="stale"' in body and "Modifié par Bob" in body
    assert f'name="version" value="{shown + 1}"' in body  # the page as it stands, ready for a decision
    assert queue.get(sub_id).state == "pending"


def test_the_log_appended_decision_by_decision_is_the_log_a_rebuild_writes(moderated, own_store):
    """What append_log adds after each decision (approval, edit, rejection, withdrawal, replaced versions) adds up to
    what rebuilding the log from the whole queue writes; a log left behind by a crash is rebuilt at start."""
    import io

    from tsc_graph import provenance
    from tsc_graph.namespaces import DEFAULT_BASE_URI
    from tsc_graph.web import create_app

    client = moderated.test_client()
    queue = moderated.extensions["tsc_moderation"]
    first, track = submit(client)
    assert client.post(f"/admin/submissions/{first}/approve", headers=BEARER).status_code == 200
    update = correct(client, track, "Mangroves, phase 2")
    assert client.post(f"/admin/submissions/{update}/approve", headers=BEARER).status_code == 200
    rejected, _ = submit(client, title_fr="Hors sujet")
    client.post(f"/admin/submissions/{rejected}/reject", data={"reason": "hors sujet"}, headers=BEARER)
    client.post(f"/admin/submissions/{update}/reject", data={"reason": "retiré"}, headers=BEARER)
    graph = provenance.graph_iri(DEFAULT_BASE_URI)

    def published() -> set[str]:
        buf = io.BytesIO()
        own_store.export(buf, "ntriples", graph)
        return {line for line in buf.getvalue().decode().splitlines() if line.strip()}

    expected = {line for line in provenance.rdfwrite.serialize(provenance.log_triples(queue, DEFAULT_BASE_URI),
                                                              "ntriples").splitlines() if line.strip()}
    assert published() == expected and len(expected) > 40
    assert own_store.count(graph) == len(provenance.log_triples(queue, DEFAULT_BASE_URI))
    assert not queue.log_behind()
    # a crash between a decision and its append: the decision is in the queue, not in the log
    queue.set_logged({rejected: 0})
    own_store.drop_graph(graph)
    assert queue.log_behind()
    create_app({"admin_token": TOKEN, "MODERATION_DB": str(queue.path)}, store=own_store)
    assert published() == expected and not queue.log_behind()
