"""The portal's pages through Flask's test client on the French data (tsc_graph/web/portal/): sections, facets,
search, collation, languages, labels, illustrative banners, error pages, and the machine side left as it was."""
from __future__ import annotations

import html
import re
import urllib.parse

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from rdflib import Graph, URIRef

from tsc_graph import ONTOLOGY_DIR, PACKAGE_DIR
from tsc_graph.web import create_app
from tsc_graph.web.portal import sections
from tsc_graph.web.portal.collation import fold, search_words, sort_key

GBF = "https://w3id.org/tsc-graph/vocab/gbf/"
TSC = "https://w3id.org/tsc-graph/ontology#"
FR = {"Accept": "text/html", "Accept-Language": "fr-FR,fr;q=0.9"}
EN = {"Accept": "text/html", "Accept-Language": "en"}


@pytest.fixture(scope="module")
def app(french_memory_store):
    return create_app({"store": "memory:"}, store=french_memory_store)


@pytest.fixture
def client(app):
    return app.test_client()


def page(client, path, headers=FR, status=200) -> str:
    r = client.get(path, headers=headers)
    assert r.status_code == status, r.get_data(as_text=True)[:2000]
    return r.get_data(as_text=True)


def text_of(body: str) -> str:
    """What a person reads: the body without tags, scripts, or the Data box (which rightly shows the URI)."""
    body = re.sub(r'<section class="group data-links".*?</section>', "", body, flags=re.S)
    body = re.sub(r"<(script|style|head)\b.*?</\1>", "", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


# --- collation and search ---------------------------------------------------------------------------------------
def test_french_collation():
    names = ["Forêts", "Zones humides", "eau", "Éducation", "Économie", "Aires protégées", "Œuvre", "l'Agence"]
    assert sorted(names, key=sort_key) == ["Aires protégées", "eau", "Économie", "Éducation", "Forêts", "l'Agence",
                                           "Œuvre", "Zones humides"]


def test_search_words_are_folded_and_bounded():
    assert search_words("  Éducation  ÉCOLOGIE  ") == ["education", "ecologie"]
    assert fold("Œuvre à l'Île") == "oeuvre a l'ile"
    assert len(search_words("a b c d e f g h ij kl mn op qr st")) == 4
    assert search_words("x" * 5000) == ["x" * 40]


def test_search_is_accent_and_case_insensitive(client):
    plain = page(client, "/actors?q=education")
    accented = page(client, "/actors?q=%C3%89DUCATION")
    count = re.search(r'id="results-title"[^>]*>(\d+)', plain).group(1)
    assert int(count) > 0 and count == re.search(r'id="results-title"[^>]*>(\d+)', accented).group(1)
    assert "Ministère de l'Éducation" in html.unescape(plain) or int(count) > 0


def test_actors_are_collated_the_french_way(client):
    names = [html.unescape(n) for n in re.findall(r'<h3><a href="/id/actor/[^"]+">([^<]+)</a></h3>', page(client, "/actors"))]
    assert names == sorted(names, key=sort_key) and len(names) == 20


# --- listings --------------------------------------------------------------------------------------------------
def test_every_section_renders_in_both_languages(client):
    for key, section in sections.SECTIONS.items():
        for headers, title in ((FR, None), (EN, None)):
            body = page(client, f"/{key}", headers)
            assert "<h1>" in body and 'class="cards"' in body


def test_facet_counts_match_the_filtered_results(client):
    body = page(client, "/projects")
    link = re.search(r'<a href="([^"]*target=[^"]*target-06[^"]*)">[^<]+<span class="count">(\d+)</span>', body)
    filtered = page(client, html.unescape(link.group(1)))
    assert re.search(r'id="results-title"[^>]*>(\d+)', filtered).group(1) == link.group(2)
    assert "Retirer ce filtre" in filtered


def test_targets_in_numeric_order_everywhere(client):
    gbf = page(client, "/gbf")
    numbers = [int(n) for n in re.findall(r'href="/vocab/gbf/target-(\d\d)">', gbf)]
    assert numbers == list(range(1, 24))
    home = page(client, "/")
    assert [int(n) for n in re.findall(r'<tr data-number="(\d+)"', home)] == list(range(1, 24))


def test_country_filter_includes_overseas_territories(client):
    france = page(client, "/projects?place=https://w3id.org/tsc-graph/vocab/country/FR")
    guadeloupe = page(client, "/projects?place=https://w3id.org/tsc-graph/vocab/country/GP")
    count = lambda body: int(re.search(r'id="results-title"[^>]*>(\d+)', body).group(1))  # noqa: E731
    assert count(france) > count(guadeloupe) > 0
    gp_projects = set(re.findall(r'<h3><a href="(/id/project/[^"]+)"', guadeloupe))
    assert gp_projects and gp_projects <= set(re.findall(r'<h3><a href="(/id/project/[^"]+)"', page(
        client, "/projects?place=https://w3id.org/tsc-graph/vocab/country/FR&page=1"))) | gp_projects


def test_countries_and_territories_are_named_as_people_name_them(client):
    """CLDR's common names on pages (« La Réunion »); ISO's lexicographic short names (« Réunion, Île de la ») and
    the sources of the names only in the RDF: visitors search by the common name, and ISO, CLDR and Debian's
    iso-codes are the curators' sourcing, not something a visitor needs to read."""
    project = text_of(page(client, "/id/project/temeum-ofb.html"))
    assert "La Réunion" in project and "Polynésie française" in project and "Réunion, Île de la" not in project
    assert "Réunion," not in text_of(page(client, "/projects?place=https://w3id.org/tsc-graph/vocab/country/RE"))
    territory = page(client, "/vocab/country/RE.html")
    assert re.search(r"<h1[^>]*>\s*La Réunion\s*</h1>", territory)
    said = re.sub(r"\s+", " ", text_of(territory))
    assert "Réunion, Île de la" not in said and "Autres noms" not in said
    assert "Pref label" not in said and "Alt label" not in said  # SKOS-XL nodes are provenance, not fields
    assert "cldr.unicode.org" not in said and "iso-codes" not in said
    assert "Réunion, Île de la" in page(client, "/vocab/country/RE.ttl", {"Accept": "text/turtle"})  # kept in the RDF
    korea = re.sub(r"\s+", " ", text_of(page(client, "/vocab/country/KR.html", EN)))
    assert "South Korea" in korea and "Korea, Republic of" not in korea
    assert "Pref label" not in text_of(page(client, "/vocab/gbf/target-06.html"))


def test_country_names_in_every_configured_un_language(french_memory_store):
    app = create_app({"store": "memory:", "languages": ["fr", "en", "ar", "zh", "ru", "es"]}, store=french_memory_store)
    c = app.test_client()
    for lang, name in (("ar", "روينيون"), ("zh", "留尼汪"), ("ru", "Реюньон"), ("es", "Reunión"), ("en", "Réunion"),
                       ("fr", "La Réunion")):
        body = page(c, f"/vocab/country/RE.html?lang={lang}", {"Accept": "text/html"})
        assert re.search(rf"<h1[^>]*>\s*{name}\s*</h1>", body), lang


def test_reference_data_in_spanish_from_official_sources_with_their_source(french_memory_store):
    """A Spanish-speaking node: GBF target 1, CBD article 18 and an actor type show the titles the Secretariat (or
    the Convention's Spanish text) gives, and each page credits where the Spanish title comes from; a target
    without an official Spanish title falls back to the node's next language (English), not a translation."""
    app = create_app({"store": "memory:", "languages": ["es", "en"]}, store=french_memory_store)
    c = app.test_client()
    es = {"Accept": "text/html", "Accept-Language": "es"}
    for path, title, source in (
        ("/vocab/gbf/target-01.html", "Meta 1: Someter todas las zonas a planificación y gestión para reducir la "
         "pérdida de biodiversidad", "https://github.com/scbd/clearing-house-documentation/blob/"
         "dc3443751ea94b9276e3f0b0b2c01d7bcaf01973/swagger/json/thesaurus/national-target/gbf-targets.json"),
        ("/vocab/cbd/article-18.html", "Artículo 18: Cooperación científica y técnica",
         "https://chm.minam.gob.pe/art-15-acceso-a-los-recursos-geneticos/"),
        ("/vocab/actor-type/research-institute.html", "Instituto académico o de investigación",
         "https://github.com/scbd/clearing-house-documentation/blob/140b9e94fb6817028e3483a285575a9943be87b0/"
         "swagger/json/thesaurus/resource/bch-ra-author-affiliation.json"),
    ):
        body = page(c, path, es)
        assert re.search(rf"<h1[^>]*>\s*{re.escape(title)}\s*</h1>", body), path
        assert f'href="{source}"' in body, path
    second = page(c, "/vocab/gbf/target-02.html", es)
    assert re.search(r"<h1[^>]*>\s*Target 2: Restore 30% of all degraded ecosystems\s*</h1>", second)
    assert "Cible 2" not in text_of(second)


def test_commitments_show_unfulfilled_ones(client):
    body = page(client, "/commitments?fulfilment=unfulfilled")
    assert int(re.search(r'id="results-title"[^>]*>(\d+)', body).group(1)) >= 1
    assert "Aucun projet pour le moment" in html.unescape(body)
    assert "Engagement national" in html.unescape(page(client, "/commitments"))


def test_a_commitment_lists_the_projects_that_fulfil_it_and_each_project_says_so(client):
    """What fulfils a commitment is what a source says: France's contribution to the Kiwa Initiative is carried out
    by the initiative and the Kiwa projects of this node (journey « commitments and what fulfils them »)."""
    body = html.unescape(page(client, "/id/commitment/kiwa-pacifique.html"))
    fulfilment = body[body.index('id="fulfilment"'):body.index('id="implements"')]
    for slug in ("kiwa-initiative", "kiwa-perenne-nera", "kiwa-resico", "kiwa-protect-ua-huka"):
        assert f'href="/id/project/{slug}"' in fulfilment, slug
    assert "Aucun projet pour le moment" not in fulfilment
    project = html.unescape(page(client, "/id/project/life-biodiv-france.html"))
    assert 'href="/id/commitment/snb-2030"' in project  # the other way round, from the project
    fulfilled = page(client, "/commitments?fulfilment=fulfilled")
    assert int(re.search(r'id="results-title"[^>]*>(\d+)', fulfilled).group(1)) == 4


def test_sort_by_start_date_and_pagination(client):
    newest = page(client, "/projects?sort=newest")
    oldest = page(client, "/projects?sort=oldest")
    first = lambda body: re.search(r'<h3><a href="([^"]+)"', body).group(1)  # noqa: E731
    assert first(newest) != first(oldest)
    total = int(re.search(r'id="results-title"[^>]*>(\d+)', newest).group(1))
    if total > 20:
        second = page(client, "/projects?page=2")
        assert 'aria-current="page">2</a>' in second and first(second) != first(page(client, "/projects"))
    else:  # one page: asking for the second is a clear 404 in the visitor's language
        assert "Il n&#39;y a pas de page 2" in page(client, "/projects?page=2", FR, 404)
    actors = page(client, "/actors?page=2")  # the actors do span several pages
    assert 'aria-current="page">2</a>' in actors


@pytest.mark.parametrize("query,status", [("type=javascript:alert(1)", 400), ("type=https://x/<script>", 400),
                                          ("page=0", 400), ("page=abc", 400), ("page=999", 404),
                                          ("biobridge=maybe", 400)])
def test_bad_listing_parameters_are_clear_errors_in_the_visitors_language(client, query, status):
    body = page(client, f"/actors?{query}", FR, status)
    assert 'lang="fr"' in body and "<script>alert" not in body
    assert ("Valeur inconnue" in html.unescape(body) or "page" in body)


# --- object pages --------------------------------------------------------------------------------------------------
def _a_project(client) -> dict:
    """A project of the data with a lead, places and a start date, read over SPARQL."""
    q = ("PREFIX tsc: <https://w3id.org/tsc-graph/ontology#> PREFIX schema: <https://schema.org/> "
         "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
         "SELECT ?p ?start ?target ?label WHERE { ?p a tsc:Project ; "
         "tsc:leadOrganisation ?lead ; dcterms:spatial ?place ; schema:startDate ?start ; tsc:contributesTo ?target ; "
         "rdfs:label ?label FILTER(lang(?label) = 'fr') } ORDER BY ?p LIMIT 1")
    rows = client.get("/sparql", query_string={"query": q}, headers={"Accept": "application/sparql-results+json"}).get_json()
    rows = rows["results"]["bindings"]
    if not rows:
        pytest.skip("no project with a lead, places and a start date in the data")
    return {k: v["value"] for k, v in rows[0].items()}


def test_project_page_is_a_real_page(client, app):
    from flask_babel import force_locale

    from tsc_graph.web.portal.formatting import as_date

    p = _a_project(client)
    path = p["p"].replace("https://fr.chm-cbd.net/tsc", "")
    body = page(client, path + ".html")
    text = text_of(body)
    assert p["label"] in text and "Organisation cheffe de file" in text and "Territoires" in text
    with app.test_request_context(), force_locale("fr"):
        assert as_date(p["start"]) in text
    assert f'class="chip" href="{p["target"].replace("https://w3id.org/tsc-graph", "")}"' in body
    for ext in ("ttl", "jsonld", "nt", "rdf"):
        assert f'href="{path}.{ext}"' in body
    en = text_of(page(client, path + ".html", EN))
    assert "Lead organisation" in en and "Places" in en


def test_amounts_and_dates_in_the_visitors_locale(app):
    from flask_babel import force_locale

    from tsc_graph.web.portal.formatting import as_date, as_money

    with app.test_request_context():
        with force_locale("fr"):
            assert as_money("2500000", "EUR") == "2\u202f500\u202f000\u00a0€"
            assert as_money("1234.5", "EUR") == "1\u202f234,50\u00a0€"
            assert as_date("2009-01-01") == "1 janvier 2009"
        with force_locale("en"):
            assert as_money("2500000", "EUR") == "€2,500,000"
            assert as_date("2009-01-01") == "January 1, 2009"


def test_budget_on_a_project_page(tmp_path):
    """The French data has no budget any more (only facts found in a source are kept): a test project gets one."""
    from checkout import DATA_DIR
    from tsc_graph import REFERENCE_DIR
    from tsc_graph.namespaces import DEFAULT_BASE_URI
    from tsc_graph.store import GraphNamer, expand_sources, open_store

    store = open_store("memory:")
    store.load(expand_sources([ONTOLOGY_DIR, REFERENCE_DIR, DATA_DIR / "fr", DATA_DIR / "demo"]), graph_for=GraphNamer(DEFAULT_BASE_URI))
    store.update("""PREFIX tsc: <https://w3id.org/tsc-graph/ontology#> PREFIX schema: <https://schema.org/>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        INSERT DATA { GRAPH <urn:test:budget> { <https://fr.chm-cbd.net/tsc/id/project/budget-test> a tsc:Project ;
          rdfs:label "Projet d'essai"@fr , "Test project"@en ; tsc:budget "2500000"^^xsd:decimal ; schema:currency "EUR" ;
          schema:startDate "2021-03-01"^^xsd:date ;
          tsc:evidence <https://w3id.org/tsc-graph/vocab/evidence/illustrative> } }""")
    try:
        c = create_app({"store": "memory:"}, store=store).test_client()
        fr = text_of(page(c, "/id/project/budget-test.html", FR))
        assert "2\u202f500\u202f000\u00a0€" in fr and "1 mars 2021" in fr and "Données illustratives" in fr
        en = text_of(page(c, "/id/project/budget-test.html", EN))
        assert "€2,500,000" in en and "March 1, 2021" in en
    finally:
        store.close()


def test_no_iri_or_prefixed_name_on_pages(client):
    paths = ["/", "/actors", "/projects", "/commitments", "/offers", "/requests", "/gbf", "/cbd",
             "/id/project/plantnet.html", "/id/actor/ofb.html", "/vocab/gbf/target-06.html", "/vocab/gbf/goal-A.html",
             "/vocab/cbd/article-18.html", "/vocab/country/FR.html", "/vocab/theme/forests.html",
             "/id/commitment/ecophyto-2030.html", "/id/node.html"]
    offers = re.findall(r'href="(/id/offer/[^"]+)"', page(client, "/offers"))
    paths += [offers[0] + ".html"]
    for path in paths:
        for headers in (FR, EN):
            text = text_of(page(client, path, headers))
            assert not re.search(r"https?://(?!fr\.chm-cbd\.net/?\s)", text), (path, re.findall(r"https?://\S+", text)[:3])
            assert not re.search(r"\b(tsc|tscv|schema|dcterms|skos|rdfs|foaf|org|dcat):[A-Za-z]", text), path


def test_terms_shown_have_french_and_english_labels():
    """Every property or class the sections and profiles show is labelled in the ontology or the annotations."""
    g = Graph()
    for f in ONTOLOGY_DIR.glob("*.ttl"):
        g.parse(f)
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    used = {f.property for s in sections.SECTIONS.values() for f in s.card}
    used |= {f.property for p in [*sections.PROFILES, sections.GENERIC] for g_ in p.groups for f in g_.fields}
    used |= {f.property for s in sections.SECTIONS.values() for f in s.facets if f.property}
    for term in sorted(used):
        langs = {o.language for o in g.objects(URIRef(term), label)}
        assert {"fr", "en"} <= langs, f"{term} needs rdfs:label @fr and @en (tsc_graph/ontology/annotations.ttl)"


def test_target_page_groups_and_neighbours(client):
    body = text_of(page(client, "/vocab/gbf/target-06.html"))
    assert "Ce qui y contribue" in body and "Projets" in body and "Engagements" in body
    assert "Cible précédente" in body and "Cible suivante" in body
    first = text_of(page(client, "/vocab/gbf/target-01.html"))
    assert "Cible précédente" not in first and "Cible suivante" in first


def test_actor_page_shows_roles_and_bio_bridge(client):
    body = text_of(page(client, "/id/actor/ofb.html"))
    assert "Pilote" in body and "Partenaire de" in body and "Offres" in body


def test_illustrative_banner_only_where_the_data_says_so(client):
    q = ("SELECT ?s ?e WHERE { ?s <https://w3id.org/tsc-graph/ontology#evidence> ?e } ORDER BY ?s")
    rows = client.get("/sparql", query_string={"query": q}, headers={"Accept": "application/sparql-results+json"}).get_json()
    by_kind: dict[bool, str] = {}
    for row in rows["results"]["bindings"]:
        by_kind.setdefault(row["e"]["value"].endswith("/illustrative"), row["s"]["value"])
    assert set(by_kind) == {True, False}
    for illustrative, iri in by_kind.items():
        text = text_of(page(client, iri.replace("https://fr.chm-cbd.net/tsc", "") + ".html"))
        assert ("Données illustratives, non vérifiées" in text) == illustrative


# --- languages -------------------------------------------------------------------------------------------------
def test_french_by_default_english_on_request_and_the_choice_is_remembered(client):
    assert 'lang="fr"' in page(client, "/", {"Accept": "text/html"})
    assert 'lang="fr"' in page(client, "/", {"Accept": "text/html", "Accept-Language": "de-DE"})
    assert 'lang="en"' in page(client, "/", EN)
    r = client.get("/projects?lang=en", headers=FR)
    assert 'lang="en"' in r.get_data(as_text=True) and "tsc_lang=en" in r.headers["Set-Cookie"]
    assert 'lang="en"' in page(client, "/actors", FR)  # the cookie wins over the browser's French
    switch = re.findall(r'<a href="([^"]+)" lang="(\w+)" hreflang', page(client, "/projects?type=x&page=1"))
    assert [lang for _, lang in switch] == ["fr", "en"] and all(u.startswith("/projects?") for u, _ in switch)


def test_languages_are_configuration(french_memory_store):
    app = create_app({"store": "memory:", "languages": ["en", "fr", "ar"]}, store=french_memory_store)
    c = app.test_client()
    assert 'lang="en"' in page(c, "/", {"Accept": "text/html"})  # the first configured language is the default
    arabic = page(c, "/", {"Accept": "text/html", "Accept-Language": "ar"})
    assert '<html lang="ar" dir="rtl">' in arabic and "العربية" in arabic


#: The languages with a machine-assisted catalogue, and a few of their UI strings (nav labels, skip link, footer).
NEW_LANGUAGES = {
    "es": ("Inicio", "Actores", "Proyectos", "Compromisos", "Ir al contenido", "Datos abiertos",
           "Traducción no revisada por un hablante nativo."),
    "ar": ("الرئيسية", "الجهات الفاعلة", "المشاريع", "الالتزامات", "انتقل إلى المحتوى", "البيانات المفتوحة",
           "ترجمة لم يراجعها متحدث أصلي بعد."),
    "zh": ("首页", "行动方", "项目", "承诺", "跳到内容", "开放数据", "译文尚未经母语人士审校。"),
    "ru": ("Главная", "Участники", "Проекты", "Обязательства", "Перейти к содержимому", "Открытые данные",
           "Перевод ещё не проверен носителем языка."),
}
#: English UI strings (message ids) that must not show in a page's header, menu and footer in another language.
ENGLISH_CHROME = ("Home", "Actors", "Projects", "Commitments", "Global Framework", "The Convention", "Network",
                  "Query the data", "Skip to content", "Open data", "SPARQL endpoint", "About", "Ontology")


def english_ui_strings() -> list[str]:
    """The portal's message ids that read as English sentences or headings (long enough not to be a name or a phrase quoted in English data)."""
    catalog = read_po((PACKAGE_DIR / "web" / "translations" / "messages.pot").open("rb"))
    return [m.id for m in catalog if isinstance(m.id, str) and len(m.id) >= 20 and "%(" not in m.id]


@pytest.mark.parametrize("lang", sorted(NEW_LANGUAGES))
def test_a_node_serves_its_own_languages(french_memory_store, lang):
    app = create_app({"store": "memory:", "languages": [lang, "en"]}, store=french_memory_store)
    c = app.test_client()
    ui = english_ui_strings()
    for path in ("/", "/projects", "/bio-bridge", "/id/project/temeum-ofb.html"):
        body = page(c, path, {"Accept": "text/html", "Accept-Language": lang})
        assert f'<html lang="{lang}"' in body, path
        assert 'aria-label="Main menu"' not in body, path
        chrome = text_of(body.split('<main', 1)[0] + body.split("</main>", 1)[-1])
        english = [s for s in ENGLISH_CHROME if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", chrome)]
        assert not english, (path, english)
        text = text_of(body)
        english = [s for s in ui if s in text]
        assert not english, (path, english)
        for s in NEW_LANGUAGES[lang]:
            assert s in text, (path, s)
    # a browser's regional tag picks the language too (es-ES, ar-EG, zh-CN, ru-RU)
    regional = {"es": "es-ES,es;q=0.9", "ar": "ar-EG", "zh": "zh-CN,zh;q=0.9", "ru": "ru-RU,ru;q=0.9,en;q=0.8"}[lang]
    assert f'<html lang="{lang}"' in page(c, "/", {"Accept": "text/html", "Accept-Language": regional})
    # the notice is in the page's language, once, and not on a reviewed language's page
    home = page(c, "/", {"Accept": "text/html", "Accept-Language": lang})
    assert home.count('class="muted translation-notice"') == 1
    assert "translation-notice" not in page(c, "/", EN)
    french = create_app({"store": "memory:"}, store=french_memory_store).test_client()
    assert "translation-notice" not in page(french, "/", FR)


def test_compiled_catalogues_match_their_po_files():
    for po in (PACKAGE_DIR / "web" / "translations").glob("*/LC_MESSAGES/messages.po"):
        catalog = read_po(po.open("rb"))
        compiled = read_mo(po.with_suffix(".mo").open("rb"))
        key = lambda v: tuple(v) if isinstance(v, (list, tuple)) else v  # noqa: E731 - plural forms
        expected = {key(m.id): key(m.string) for m in catalog if m.id and m.string and not m.fuzzy}
        got = {key(m.id): key(m.string) for m in compiled if m.id}
        assert got == expected, f"{po}: run `make translations` (or pybabel compile)"
        untranslated = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
        assert not untranslated, f"{po}: untranslated {untranslated[:5]}"


def test_node_identity_comes_from_the_data(client):
    body = page(client, "/")
    assert "Centre d&#39;échange français de la CDB" in body and ">33<" in body
    for template in (PACKAGE_DIR / "web").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "France" not in text and "français" not in text.lower().replace("français</a>", ""), template


# --- errors ------------------------------------------------------------------------------------------------------
def test_error_pages_in_the_visitors_language_and_layout(client):
    fr = page(client, "/id/project/nope.html", FR, 404)
    assert "Page introuvable" in fr and 'class="main-nav"' in fr
    en = page(client, "/nowhere", EN, 404)
    assert "Page not found" in en
    bad = page(client, "/sparql?query=SELECT%20%3Coops&format=html", FR, 400)
    assert "La demande n&#39;est pas valide" in bad and 'lang="en"' in bad  # the parser's message, marked English


def test_machines_still_get_machine_errors(client):
    r = client.get("/id/project/nope", headers={"Accept": "application/json"})
    assert r.status_code == 404 and r.get_json()["error"] == "not_found"
    r = client.get("/sparql?query=SELECT%20%3Coops")
    assert r.status_code == 400 and r.mimetype == "text/plain"
    r = client.get("/id/project/nope", headers={"Accept": "text/turtle"})
    assert r.status_code == 404 and r.mimetype == "text/turtle"


def test_query_page_for_browsers_results_for_clients(client):
    q = urllib.parse.quote("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    chromium = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    r = client.get(f"/sparql?query={q}", headers={"Accept": chromium})
    assert r.status_code == 200 and r.mimetype == "text/html" and 'id="yasgui"' in r.get_data(as_text=True)
    r = client.get(f"/sparql?query={q}", headers={"Accept": "application/sparql-results+json"})
    assert r.mimetype == "application/sparql-results+json"
    r = client.get(f"/sparql?query={q}")  # no Accept: */*
    assert r.mimetype == "application/sparql-results+json"
    body = page(client, "/sparql", EN)
    assert "Projects per GBF target" in body and "<textarea" in body
    assert "Projets par cible du CMB" in page(client, "/sparql", FR)


def test_security_headers_allow_our_scripts_only(client):
    r = client.get("/", headers=FR)
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "<script>" not in r.get_data(as_text=True)  # no inline script anywhere
    q = client.get("/sparql", headers=FR).headers["Content-Security-Policy"]
    assert "script-src 'self';" in q and "unsafe-eval" not in q


def test_old_browse_lists_redirect(client):
    assert client.get("/browse/projects").headers["Location"].endswith("/projects")
    assert client.get("/browse/targets").headers["Location"].endswith("/gbf")


def test_403_and_429_pages_for_people(french_memory_store, tmp_path):
    app = create_app({"store": "memory:", "SUBMIT_ATTEMPT_LIMIT": "1 per hour", "MODERATION_DB": str(tmp_path / "m.db")},
                     store=french_memory_store)
    c = app.test_client()
    forbidden = page(c, "/admin/submissions", FR, 403)
    assert "Accès refusé" in forbidden and 'class="main-nav"' in forbidden
    c.post("/projects/submit", data={"title_fr": "x"}, headers=FR)
    limited = c.post("/projects/submit", data={"title_fr": "x"}, headers=FR)
    assert limited.status_code == 429
    body = limited.get_data(as_text=True)
    assert "Trop de demandes" in body and '<html lang="fr"' in body
    machine = c.post("/projects/submit", data={"title_fr": "x"}, headers={"Accept": "application/json"})
    assert machine.status_code == 429 and machine.get_json()["error"] == "too_many_requests"
