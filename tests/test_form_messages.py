"""Visitors read plain words, never RDF: every SHACL constraint that applies to something a form submits
maps to a form field and a message for people in both languages (tsc_graph/web/submissions/catalogue.py), and no form
response ever contains a prefixed RDF name or one of our IRIs as text."""
from __future__ import annotations

import html as html_lib
import re

import pytest
from rdflib import URIRef

from tsc_graph.namespaces import SH, TSC
from tsc_graph.validation import shapes_graph
from tsc_graph.web import create_app
from tsc_graph.web.submissions import catalogue
from tsc_graph.web.submissions.kinds import KINDS, ORG_FIELDS, Kind

DCAT_CONTACT = URIRef("http://www.w3.org/ns/dcat#contactPoint")
#: Constraint parameter → the component a result names (SHACL 1.0, section 4; qualifiedValueShape and flags are
#: parameters of the qualified-count and pattern components).
COMPONENTS = {
    "class": "Class", "datatype": "Datatype", "nodeKind": "NodeKind", "minCount": "MinCount", "maxCount": "MaxCount",
    "minExclusive": "MinExclusive", "minInclusive": "MinInclusive", "maxExclusive": "MaxExclusive",
    "maxInclusive": "MaxInclusive", "minLength": "MinLength", "maxLength": "MaxLength", "pattern": "Pattern",
    "languageIn": "LanguageIn", "uniqueLang": "UniqueLang", "equals": "Equals", "disjoint": "Disjoint",
    "lessThan": "LessThan", "lessThanOrEquals": "LessThanOrEquals", "not": "Not", "and": "And", "or": "Or",
    "xone": "Xone", "node": "Node", "property": None, "qualifiedMinCount": "QualifiedMinCount",
    "qualifiedMaxCount": "QualifiedMaxCount", "closed": "Closed", "hasValue": "HasValue", "in": "In",
    "sparql": "SPARQL",
}
PREFIXED = re.compile(r"\b(?:tsc|tscv|tscsh|schema|dcterms|dct|rdfs|rdf|xsd|sh|foaf|dcat|vcard|skos|prov|owl|org|void"
                      r"|gbf|country|theme|actor|evidence|status):[A-Za-z]")
OUR_IRIS = re.compile(r"https?://(?:w3id\.org/tsc-graph|fr\.chm-cbd\.net)\S*")


@pytest.fixture(scope="module")
def shapes():
    return shapes_graph()


def constraints(shapes, shape) -> list[tuple[str, str, str | None]]:
    """(shape local name, component local name, path IRI) of every constraint ``shape`` and its property shapes
    declare."""
    out = []
    for s in [shape, *shapes.objects(shape, SH.property)]:
        path = shapes.value(s, SH.path)
        for p in set(shapes.predicates(s)):
            name = str(p).removeprefix(str(SH))
            if str(p).startswith(str(SH)) and COMPONENTS.get(name):
                out.append((catalogue.local(str(s)), COMPONENTS[name] + "ConstraintComponent",
                            str(path) if isinstance(path, URIRef) else None))
    return out


def targeting(shapes, classes) -> list:
    return sorted({s for c in classes for s in shapes.subjects(SH.targetClass, URIRef(c))})


def applicable(shapes, kind: Kind) -> dict[str, list[tuple[str, str, str | None]]]:
    """What a submission of ``kind`` is checked against: its own resource, its contact point, proposed actors."""
    out = {"resource": [c for s in targeting(shapes, kind.classes) for c in constraints(shapes, s)], "org": [],
           "contact": []}
    if any(f.actor_role for f in kind.fields):
        out["org"] = [c for s in targeting(shapes, [str(TSC.Actor)]) for c in constraints(shapes, s)]
    if kind.contact_point:
        contact_shapes = sorted(shapes.subjects(SH.targetObjectsOf, DCAT_CONTACT))
        out["contact"] = [c for s in contact_shapes for c in constraints(shapes, s)]
    return out


def test_the_shapes_are_read_as_expected(shapes):
    """Guard against a vacuous pass: the project shapes hold the constraints a project form must explain."""
    found = {(s, c) for s, c, _p in applicable(shapes, KINDS["project"].in_languages(("fr", "en")))["resource"]}
    assert ("ProjectSpatialRequiredShape", "MinCountConstraintComponent") in found
    assert ("StatusShape", "InConstraintComponent") in found
    assert ("BudgetCurrencyRuleShape", "OrConstraintComponent") in found
    assert len(found) > 40


@pytest.mark.parametrize("kind_key", sorted(KINDS))
def test_every_constraint_on_a_submission_maps_to_a_field_and_plain_words(shapes, kind_key):
    from flask_babel import force_locale

    kind = KINDS[kind_key].in_languages(("fr", "en"))
    app = create_app({"store": "memory:"})
    tables = {"resource": catalogue.MESSAGES, "org": catalogue.ORG_MESSAGES, "contact": catalogue.CONTACT_MESSAGES}
    missing, misplaced = [], []
    org_names = {s.name for s in ORG_FIELDS}
    with app.test_request_context("/"):
        for role, found in applicable(shapes, kind).items():
            for shape, component, path in found:
                message = tables[role].get((shape, component))
                if message is None:
                    missing.append(f"{role}: {shape} / {component}")
                    continue
                if role == "org":
                    ok = message.field in org_names or any(s.prop == path for s in ORG_FIELDS if path)
                elif message.field:  # named; a property this form never writes is reported in the general area
                    ok = (message.field in ("general", "title") or kind.field(message.field) is not None
                          or bool(path and not kind.by_prop(path)))
                else:
                    ok = bool(path and kind.by_prop(path))
                if not ok:
                    misplaced.append(f"{role}: {shape} / {component} (path {path}) has no field in the {kind_key} form")
                texts = {}
                for lang in ("en", "fr"):
                    with force_locale(lang):
                        texts[lang] = str(message.text)
                assert texts["fr"] != texts["en"], f"{shape} / {component} has no French words"
                for text in texts.values():
                    assert not PREFIXED.search(text) and not OUR_IRIS.search(text), text
    assert not missing, "constraints with no message for people:\n" + "\n".join(missing)
    assert not misplaced, "\n".join(misplaced)


# --- no RDF in any form response ------------------------------------------------------------------------------
def assert_plain(body: str, where: str) -> None:
    """No prefixed name anywhere in the page; none of our IRIs in its text (option values may hold IRIs)."""
    hit = PREFIXED.search(body)
    assert hit is None, f"{where}: prefixed RDF name {body[max(0, hit.start() - 80):hit.end() + 40]!r}"
    text = html_lib.unescape(re.sub(r"<script.*?</script>|<[^>]+>", " ", body, flags=re.S))
    hit = OUR_IRIS.search(text)
    assert hit is None, f"{where}: an IRI shown as text: {hit.group(0)!r}"


@pytest.fixture
def app(french_memory_store, tmp_path):
    return create_app({"admin_token": "t", "MODERATION_DB": str(tmp_path / "q.sqlite3"), "SUBMIT_RATE_LIMIT": "1 per hour"},
                      store=french_memory_store)


def token(client, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_form_response_contains_rdf_names(app, lang):
    client = app.test_client()
    for segment in ("projects", "practices", "offers", "requests"):
        path = f"/{segment}/submit?lang={lang}"
        r = client.get(path)
        assert r.status_code == 200
        assert_plain(r.get_data(as_text=True), f"GET {path}")
        # everything wrong at once: nothing chosen, bad formats, a half-proposed organisation
        data = {"csrf_token": token(client, path), "lang": lang, "title_fr": "x" * 301, "start": "2030-01-01",
                "end": "2020-01-01", "budget": "lots", "currency": "EURO", "email": "no", "page": "javascript:alert(1)",
                "source": "ftp://x", "contact_email": "nobody", "org1_website": "not a url", "org2_name": "Réseau",
                "targets": "https://w3id.org/tsc-graph/vocab/gbf/target-99"}
        r = client.post(f"/{segment}/submit", data=data)
        assert r.status_code == 400
        body = r.get_data(as_text=True)
        assert 'id="error-summary"' in body and body.count('class="form-field-error"') >= 5
        assert_plain(body, f"POST {path} with mistakes")
        data.pop("csrf_token")
        r = client.post(f"/{segment}/submit", data=data)  # an expired token
        assert r.status_code == 400
        assert_plain(r.get_data(as_text=True), f"POST {path} without a token")


def test_received_tracking_and_quota_pages_contain_no_rdf_names(app):
    from test_submissions import valid_form

    client = app.test_client()
    html = client.get("/projects/submit?lang=fr").get_data(as_text=True)
    data = valid_form(html, org1_name="Nouvelle association", org1_type="https://w3id.org/tsc-graph/vocab/actor-type/ngo",
                      org1_country="https://w3id.org/tsc-graph/vocab/country/FR", org1_role="partners")
    r = client.post("/projects/submit", data=data)
    assert r.status_code == 202
    body = r.get_data(as_text=True)
    assert_plain(body, "the received page")
    track = re.search(r'id="tracking-link">([^<]+)<', body).group(1)
    assert_plain(client.get(track).get_data(as_text=True), "the tracking page")
    r = client.post("/projects/submit", data=data)
    assert r.status_code == 429
    assert_plain(r.get_data(as_text=True), "the quota page")
