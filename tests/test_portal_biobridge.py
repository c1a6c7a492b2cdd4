"""The Bio-Bridge and network pages of the portal through Flask's test client, on the French data with
the network registry loaded and the Belgian demonstration node harvested: the Bio-Bridge page's figures, the
offers/requests/practices listings and their facets, matches on request and offer pages (closeness, explanation
in French and English, node marks), harvested records' own pages, practices on project/target/actor pages, the
Bio-Bridge registration flag and facet, and the network page's harvest figures and recent changes."""
from __future__ import annotations

import html
import re
import urllib.parse

import pytest

from checkout import DATA_DIR
from test_portal import EN, FR, page  # noqa: E402  (the same client helpers as the portal's tests)
from test_portal import text_of as portal_text  # noqa: E402
from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
from tsc_graph.federation.harvest import harvest_all
from tsc_graph.namespaces import DEFAULT_BASE_URI
from tsc_graph.store import GraphNamer, expand_sources, open_store
from tsc_graph.web import create_app

ID = "https://fr.chm-cbd.net/tsc/id/"
BE_NODE = ID + "node/be"
FR_NODE = ID + "node/fr"
MADAGASCAR = "/id/request/madagascar-crapaud-asiatique.html"
OFB_OFFER = "/id/offer/ofb-formation-especes-exotiques-envahissantes.html"
RBINS = "https://be.chm-cbd.net/tsc/id/offer/rbins-invasive-species-training"
V = "https://w3id.org/tsc-graph/vocab/"
TSC = "https://w3id.org/tsc-graph/ontology#"
RBINS_FR = ("Partage le type d'appui formation, la cible 6 du CMB et le thème espèces exotiques envahissantes ; le "
            "prestataire travaille en français ; disponible pendant la période demandée.")
RBINS_EN = ("Shares the support type training, GBF target 6, and the theme invasive alien species; provider works in "
            "French; available during the requested period.")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    store = open_store("memory:")
    store.load(expand_sources([ONTOLOGY_DIR, REFERENCE_DIR, DATA_DIR / "fr", DATA_DIR / "demo",
                               DATA_DIR / "nodes" / "registry.ttl"]), graph_for=GraphNamer(DEFAULT_BASE_URI))
    tmp = tmp_path_factory.mktemp("portal-bb")
    application = create_app({"CHANGES_DB": str(tmp / "changes.sqlite3")}, store=store)
    # the harvest goes through the same path as `make load`, recorded in the app's change feed
    [(node, report)] = harvest_all(store, base_uri=DEFAULT_BASE_URI, feed=application.extensions["tsc_changes"])
    assert node.name == "be" and report.triples == 186
    yield application
    store.close()


@pytest.fixture
def client(app):
    return app.test_client()


def text_of(body: str) -> str:
    """What a person reads (test_portal's, the Data box aside), spaces collapsed."""
    return re.sub(r"\s+", " ", portal_text(body))


def results(body: str) -> int:
    return int(re.search(r'id="results-title"[^>]*>\s*(\d+)', body).group(1))


def facet(body: str, key: str) -> dict[str, tuple[str, int]]:
    """A facet's values: label → (link, count)."""
    m = re.search(rf'id="facet-{key}">.*?</section>', body, re.S)
    assert m, f"no facet {key}"
    return {html.unescape(label).strip(): (html.unescape(href), int(n)) for href, label, n in
            re.findall(r'<a href="([^"]+)">([^<]+)<span class="count">(\d+)</span>', m.group(0))}


def section(body: str, id_: str) -> str:
    m = re.search(rf'<section class="group" id="{id_}".*?</section>', body, re.S)
    assert m, f"no section {id_}"
    return m.group(0)


# --- the Bio-Bridge page -----------------------------------------------------------------------------------------
def test_bio_bridge_page_says_what_it_is_with_the_published_count_and_its_source(client):
    body = page(client, "/bio-bridge")
    text = text_of(body)
    assert "met en relation, parmi les acteurs de tous les pays membres, des offreurs et des demandeurs" in text
    assert "espace de partage de connaissances, de bonnes pratiques et de retours d'expériences" in text
    assert re.search(r"33 Organisations françaises inscrites sur la plateforme Bio-Bridge — source", text)
    # the figure's source, from the data: the French CHM's page on technical and scientific cooperation
    assert '<a href="https://biodiv.mnhn.fr/implementation/cooperation">source</a>' in body
    assert "Inscrire votre organisation sur la plateforme" not in text  # no registration link a source gives
    # counts from the data: 3 sourced + 8 demonstration French offers and 3 Belgian ones, 5 + 1 requests,
    # 32 sourced + 4 demonstration practices; links to the listings
    assert re.search(r"14 offres d'appui", text) and re.search(r"6 demandes d'appui", text)
    assert re.search(r"36 bonnes pratiques et retours d'expérience", text)
    assert "Office français de la biodiversité" in text  # registered actors, marked illustrative
    assert "La plateforme ne publie pas la liste de ses membres" in text
    for path in ("/api/bio-bridge/items", "/api/matches", "/api/matches.csv"):
        assert f'href="{path}?lang=fr"' in body
    english = text_of(page(client, "/bio-bridge", EN))
    assert "33 French organisations registered on the Bio-Bridge platform" in english
    assert "It puts offerers and requesters of techniques, knowledge and technology in touch" in english


def test_bio_bridge_page_lists_requests_with_their_closest_offer(client):
    rows = [text_of(r).strip() for r in re.findall(r"<tr><th scope=\"row\">.*?</tr>", page(client, "/bio-bridge"), re.S)]
    assert ("Contenir l'invasion du crapaud asiatique (Duttaphrynus melanostictus) à Madagascar Formation et expertise "
            "sur la gestion des espèces exotiques envahissantes en milieu insulaire Très proche 5") in rows
    assert "Renforcer la détection des organismes vivants modifiés en Côte d'Ivoire Pas encore d'offre 0" in rows
    belgian = next(r for r in rows if r.startswith("Former des équipes à la lutte contre la jacinthe d'eau"))
    assert "Belgique (nœud de démonstration) Nœud de démonstration" in belgian  # a harvested request says so


# --- listings --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("key,total", [("offers", 14), ("requests", 6)])
def test_offers_and_requests_have_every_facet_with_counts_that_hold(client, key, total):
    body = page(client, f"/{key}")
    assert results(body) == total
    for name in ("support", "target", "theme", "country", "language", "node"):
        values = facet(body, name)
        assert values, name
        href, count = next(iter(values.values()))
        assert results(page(client, href)) == count, (name, href)  # a facet's count is what choosing it gives
    nodes = facet(body, "node")
    assert set(nodes) == {"France : centre d'échange français de la CDB", "Belgique (nœud de démonstration)"}
    assert sum(n for _, n in nodes.values()) == total


def test_node_filter_keeps_the_harvested_node_records_marked_as_demonstration(client):
    body = page(client, "/offers?" + urllib.parse.urlencode({"node": BE_NODE}))
    assert results(body) == 3
    cards = body.split('<li class="card">')[1:]
    assert len(cards) == 3
    for card in cards:
        assert "Nœud d’origine" in card and "Belgique (nœud de démonstration)" in card and "Nœud de démonstration" in card
        assert '<h3><a href="/resource?uri=https://be.chm-cbd.net/tsc/id/offer/' in card  # the copy held here
    ours = page(client, "/offers?" + urllib.parse.urlencode({"node": FR_NODE}))
    assert results(ours) == 11 and "Nœud de démonstration" not in ours


def test_language_facet_names_languages_in_the_page_language(client):
    fr = facet(page(client, "/offers"), "language")
    assert {"Français", "Anglais", "Espagnol"} <= set(fr)
    en = facet(page(client, "/offers", EN), "language")
    assert {"French", "English", "Spanish"} <= set(en)
    assert results(page(client, "/offers?language=es")) == fr["Espagnol"][1] == 1


@pytest.mark.parametrize("query", ["language=fr%27%29", "language=" + "x" * 20, "node=javascript:alert(1)",
                                   "node=" + urllib.parse.quote("https://x/<a>")])
def test_bad_filter_values_are_clear_errors(client, query):
    body = page(client, "/offers?" + query, status=400)
    assert "Valeur inconnue pour le filtre" in text_of(body)


def test_node_facet_hidden_until_another_node_is_harvested(french_memory_store):
    plain = create_app({"store": "memory:"}, store=french_memory_store).test_client()
    assert 'id="facet-node"' not in page(plain, "/offers")  # only this node: the choice would say nothing


def test_pages_of_a_node_without_registry_or_harvest(french_memory_store):
    plain = create_app({"store": "memory:"}, store=french_memory_store).test_client()
    assert "Ce nœud n'a pas encore de registre du réseau." in text_of(page(plain, "/network"))
    text = text_of(page(plain, "/bio-bridge"))
    assert "11 offres d'appui" in text and "33 Organisations françaises inscrites" in text
    assert "Nœud :" in text_of(page(plain, MADAGASCAR)) and "Nœud de démonstration" not in page(plain, MADAGASCAR)


#: Practices (sourced and demonstration) that contribute to GBF target 6, from the data files.
TARGET_6_PRACTICES = sum(
    1 for f in ("fr/practices.ttl", "demo/demo.ttl")
    for block in (DATA_DIR / f).read_text().split("\n\n")
    if re.search(r"^practice:\S+ a tsc:(GoodPractice|LessonLearnt)", block, re.M)
    and re.search(r"tsc:contributesTo[^;]*gbf:target-06\b", block))


def test_practices_listing_with_type_target_and_actor_facets(client):
    body = page(client, "/practices")
    assert results(body) == 36
    types = facet(body, "type")
    assert types == {"Bonne pratique": (types["Bonne pratique"][0], 18),
                     "Retour d'expérience": (types["Retour d'expérience"][0], 18)}
    lessons = page(client, types["Retour d'expérience"][0])
    assert results(lessons) == 18 and "Sur une île, agir dès les premières détections" in text_of(lessons)
    for name in ("target", "actor", "project", "theme"):
        href, count = next(iter(facet(body, name).values()))
        assert results(page(client, href)) == count
    assert facet(body, "target")["Cible 6 : Réduire de 50 % l'introduction d'espèces exotiques envahissantes et "
                                 "réduire au minimum leur impact"][1] == TARGET_6_PRACTICES


# --- matches on request and offer pages ------------------------------------------------------------------------
def test_request_page_lists_its_matches_with_closeness_explanation_and_node(client):
    body = page(client, MADAGASCAR)
    matches = section(body, "matches")
    text = text_of(matches)
    assert "Meilleures correspondances" in text and "5 offres correspondent à cette demande." in text
    items = re.findall(r'<li class="match match-(\w+)">(.*?)</li>', matches, re.S)
    assert len(items) == 5
    first_level, first = items[0]
    assert first_level == "strong" and "Formation et expertise sur la gestion des espèces exotiques" in first
    assert "16 points sur 16 possibles" in text_of(first) and "Nœud : Ce nœud" in text_of(first)
    belgian = next(item for level, item in items if "Formation à la surveillance des espèces exotiques" in item)
    words = text_of(belgian)
    assert RBINS_FR in words and "9 points sur 11 possibles" in words  # at most 11 for this pair (the offer names less)
    assert "Proposée par Institut royal des Sciences naturelles de Belgique" in words
    assert "Nœud : Belgique (nœud de démonstration) Nœud de démonstration" in words
    assert f'href="/resource?uri={RBINS}"' in belgian
    assert 'href="/id/node/be"' in belgian  # the node's own page
    assert "Détail du score" in words and "Types d'appui communs 3 points" in words
    assert f'href="/api/matches?request={ID}request/madagascar-crapaud-asiatique&amp;lang=fr"' in matches
    assert '/api/matches.csv?request=' in matches


def test_request_matches_in_english(client):
    text = text_of(section(page(client, MADAGASCAR, EN), "matches"))
    assert "Best matches" in text and "5 offers match this request." in text
    assert RBINS_EN in text and "Node: Belgium (demonstration node) Demonstration node" in text
    assert "16 points out of a possible 16" in text and "Close match" in text


def test_offer_page_lists_the_requests_it_could_answer(client):
    text = text_of(section(page(client, OFB_OFFER), "matches"))
    assert re.search(r"Cette offre pourrait répondre à \d+ demandes?\.", text)
    assert "Contenir l'invasion du crapaud asiatique" in text and "Demandée par Ministère de l'Environnement" in text


def _record(href: str) -> str:
    """A record's page as links name it: a listing's ``/id/…`` and a panel's ``/id/….html`` are the same page."""
    return html.unescape(href).removesuffix(".html")


def _cards(client, path: str) -> list[str]:
    """Every record a listing shows, over all its pages."""
    hrefs, url = [], path
    while url:
        body = page(client, url)
        hrefs += re.findall(r'<li class="card">\s*<h3><a href="([^"]+)"', body)
        after = re.search(r'<a href="([^"]+)" rel="next">', body)
        url = html.unescape(after.group(1)) if after else None
    return [_record(h) for h in hrefs]


def _shown_matches(client, href: str) -> dict[str, tuple[int, int, str, str]]:
    """The matches a record's page shows: counterpart link → (score, possible, level, words)."""
    found = {}
    r = client.get(href, headers=FR, follow_redirects=True)
    assert r.status_code == 200, href
    for level, item in re.findall(r'<li class="match match-(\w+)">(.*?)</li>', section(r.get_data(as_text=True),
                                  "matches"), re.S):
        other = _record(re.search(r'<h3><a href="([^"]+)"', item).group(1))
        score, best = map(int, re.search(r"(\d+) points sur (\d+) possibles", text_of(item)).groups())
        words = text_of(re.search(r'<span class="match-strength">(.*?)</span>', item).group(1))
        found[other] = (score, best, level, words)
    return found


def test_a_pair_reads_the_same_on_the_request_page_and_the_offer_page(client):
    """One pair, one strength: "Proche, 8 sur 16" on the request's page and "Très proche, 8 sur 13" on the offer's
    was the same match measured against what one side names. Every pair both pages show has the same score,
    possible score and strength there, and the Bio-Bridge page's "closest offer" the same strength again."""
    by_request = {(r, o): shown for r in _cards(client, "/requests") for o, shown in _shown_matches(client, r).items()}
    by_offer = {(r, o): shown for o in _cards(client, "/offers") for r, shown in _shown_matches(client, o).items()}
    both = by_request.keys() & by_offer.keys()
    assert len(both) >= 10, both  # the French data and the Belgian node give pairs shown on both sides
    assert {pair: by_request[pair] for pair in both} == {pair: by_offer[pair] for pair in both}
    assert all(score <= best for score, best, *_ in by_request.values())
    rows = [re.search(r'<th scope="row"><a href="([^"]+)">.*?<td><a href="([^"]+)">.*?'
                      r'<span class="strength-chip match-(\w+)">', row, re.S)
            for row in re.findall(r"<tr><th.*?</tr>", page(client, "/bio-bridge"), re.S)]
    assert any(rows)
    for request, offer, level in (row.groups() for row in rows if row):
        assert by_request[(_record(request), _record(offer))][2] == level


def test_a_request_without_match_says_so(client):
    text = text_of(section(page(client, "/id/request/cote-divoire-biosecurite.html"), "matches"))
    assert "Aucune offre ne correspond encore à cette demande." in text


# --- harvested records -----------------------------------------------------------------------------------------
def test_harvested_record_page_says_where_it_comes_from(client):
    url = "/resource?" + urllib.parse.urlencode({"uri": RBINS})
    body = page(client, url)
    text = text_of(body)
    assert "Formation à la surveillance des espèces exotiques envahissantes" in text
    assert "Une fiche d'un autre nœud." in text and "publiée par le nœud Belgique (nœud de démonstration)" in text
    assert "Nœud de démonstration" in text and "Données illustratives, non vérifiées." in text
    assert "Contenir l'invasion du crapaud asiatique" in text_of(section(body, "matches"))  # it matches our request
    turtle = client.get(url + "&format=ttl")
    assert turtle.status_code == 200 and turtle.mimetype == "text/turtle"
    assert b"rbins-invasive-species-training" in turtle.data
    english = text_of(page(client, url, EN))
    assert "A record of another node." in english and "published by the node Belgium (demonstration node)" in english


@pytest.mark.parametrize("query,status,words", [
    ("", 400, "Indiquez l'adresse (URI) d'une ressource"),
    ("uri=javascript:alert(1)", 400, "Indiquez l'adresse (URI) d'une ressource"),
    ("uri=" + urllib.parse.quote("https://example.org/nothing"), 404, "Ce nœud ne détient rien sur cette ressource."),
    ("uri=" + urllib.parse.quote(RBINS) + "&format=exe", 400, "Format « exe » inconnu"),
])
def test_resource_pages_refuse_bad_input_clearly(client, query, status, words):
    assert words in text_of(page(client, "/resource?" + query, status=status))


def test_a_uri_of_this_node_redirects_to_its_own_page(client):
    r = client.get("/resource?" + urllib.parse.urlencode({"uri": ID + "actor/ofb"}), headers=FR)
    assert r.status_code == 301 and r.headers["Location"].endswith("/id/actor/ofb")


# --- good practices on project, target and actor pages ---------------------------------------------------------
@pytest.mark.parametrize("path,practice", [
    ("/id/project/centre-ressources-eee.html", "Publier des retours d'expérience de gestion des espèces exotiques"),
    ("/vocab/gbf/target-06.html", "Sur une île, agir dès les premières détections coûte bien moins"),
    ("/id/actor/mnhn.html", "Les données de sciences participatives ne servent d'indicateurs que si"),
])
def test_practices_grouped_under_a_heading(client, path, practice):
    text = text_of(section(page(client, path), "practices"))
    assert text.startswith(" Bonnes pratiques et retours d'expérience") and practice in text


def test_practice_page(client):
    text = text_of(page(client, "/id/practice/detection-precoce-iles.html"))
    assert "Retour d'expérience" in text and "Partagée par" in text and "Cible 6" in text
    assert "Données illustratives, non vérifiées." in text


# --- actors registered on the Bio-Bridge platform --------------------------------------------------------------
def test_registered_actors_marked_on_pages_cards_and_facet(client):
    body = page(client, "/actors")
    values = facet(body, "biobridge")
    assert values["Inscrit sur la plateforme Bio-Bridge"][1] == 8
    assert values["A publié une offre ou une demande Bio-Bridge"][1] == 18
    registered = page(client, values["Inscrit sur la plateforme Bio-Bridge"][0])
    assert results(registered) == 8 and registered.count('class="badge badge-flag" href="/bio-bridge">Inscrit sur Bio-Bridge') == 8
    ofb = page(client, "/id/actor/ofb.html")
    summary = re.search(r'<div class="object-summary">.*?</header>', ofb, re.S).group(0)
    assert 'href="/bio-bridge">Inscrit sur la plateforme Bio-Bridge</a>' in summary
    assert "Données illustratives" in summary  # the registration itself is illustrative, and says so
    assert "Inscrit sur la plateforme" not in text_of(page(client, "/id/actor/cnrs.html"))


# --- the network page ------------------------------------------------------------------------------------------
def test_network_page_lists_nodes_with_harvest_figures(client):
    body = page(client, "/network")
    be = body.split('id="node-be">')[1].split('<li class="node-card')[0].split("</ul>\n\n<section")[0]
    text = text_of(be)
    assert "Belgique (nœud de démonstration)" in text and "Nœud de démonstration" in text
    assert "Pays Belgique" in text and "example.org" not in text  # no invented contact
    assert "Téléchargement des données livré avec le logiciel" in text
    assert re.search(r"Dernier moissonnage \d{1,2} \w+\.? \d{4}[ ,à]+\d{2}:\d{2}:\d{2} UTC", text), text
    assert "Taille de la copie 186 faits" in text and "Contrôle de la copie Conforme à nos règles" in text
    browse = dict(re.findall(r'<a class="chip" href="([^"]+)">([^<]+)<', be))
    assert {html.unescape(v).strip() for v in browse.values()} >= {"Acteurs", "Projets", "Offres Bio-Bridge"}
    actors = next(h for h, v in browse.items() if v.strip() == "Acteurs")
    assert results(page(client, html.unescape(actors))) == 7  # the count links to a listing filtered by node
    fr = text_of(body.split('id="node-fr">')[1].split('id="node-be">')[0])
    assert "Ce nœud" in fr and "Publié ici" in fr and "fr.chm-cbd.net/tsc/sparql" in fr
    english = text_of(page(client, "/network", EN))
    assert re.search(r"Last harvest [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2}\s?[AP]M UTC", english), english
    assert "Size of the copy 186 facts" in english and "Check of the copy Conforms to our rules" in english


def test_a_node_page_lists_what_came_from_it_with_the_network_pages_figures(client):
    """/id/node/be listed none of what the Belgian node gave: it now has the network page's figures, each a link
    to the listing filtered on the node that shows the same number; this node's page lists what it publishes."""
    network = page(client, "/network")
    card = network.split('id="node-be">')[1].split('<li class="node-card')[0]
    on_network = re.findall(r'<a class="chip" href="([^"]+)">([^<]+)<span class="count">\((\d+)\)', card)
    node = page(client, "/id/node/be.html")
    section = node.split('id="contributed"')[1].split("</section>")[0]
    assert "Ses fiches sur ce nœud" in section
    on_page = re.findall(r'<a class="chip" href="([^"]+)">([^<]+)<span class="count">\((\d+)\)', section)
    assert on_page == on_network and len(on_page) >= 3
    for href, _label, count in on_page:
        assert results(page(client, html.unescape(href))) == int(count), href
    own = page(client, "/id/node/fr.html")
    assert 'id="contributed"' in own and "/actors?node=" in own


def test_network_page_shows_recent_changes_and_links_the_feed(client):
    body = page(client, "/network")
    changes = text_of(re.search(r'<table class="data-table changes">.*?</table>', body, re.S).group(0))
    assert re.search(r"\d{4}, \d{2}:\d{2}:\d{2} UTC Moissonnage Belgique \(nœud de démonstration\) 186", changes)
    assert 'href="/changes"' in body and 'href="/api/network?lang=fr"' in body


def test_home_page_leads_to_bio_bridge_and_the_network(client):
    body = page(client, "/")
    assert 'href="/bio-bridge"><strong>Bio-Bridge</strong>' in body
    assert '<a href="/network"><span class="figure">2</span>' in body  # this node and the Belgian one
    assert '<a href="/network"><strong>Le réseau des centres d\'échange</strong>' in html.unescape(body)


def test_no_iri_or_prefixed_name_on_the_new_pages(client):
    paths = ["/bio-bridge", "/network", "/offers", "/requests", "/practices", MADAGASCAR, OFB_OFFER,
             "/resource?" + urllib.parse.urlencode({"uri": RBINS}), "/id/node/be.html", "/id/platform/bio-bridge.html",
             "/id/practice/detection-precoce-iles.html", "/offers?" + urllib.parse.urlencode({"node": BE_NODE})]
    for path in paths:
        for headers in (FR, EN):
            text = text_of(page(client, path, headers))
            assert not re.search(r"https?://", text), (path, re.findall(r"https?://\S+", text)[:3])
            assert not re.search(r"\b(tsc|tscv|schema|dcterms|skos|rdfs|foaf|org|dcat|offer|request):[A-Za-z]", text), path


FORMS = {"fr": [("Proposer un appui", "/offers/submit"), ("Demander un appui", "/requests/submit"),
                ("Partager une pratique", "/practices/submit")],
         "en": [("Offer support", "/offers/submit"), ("Ask for support", "/requests/submit"),
                ("Share a practice", "/practices/submit")]}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("path", ["/bio-bridge", "/offers", "/requests", "/practices"])
def test_every_bio_bridge_page_links_the_three_forms(client, path, lang):
    """A visitor reading offers, requests or practices is told they can post one: each page of the section has the
    "take part" band with the three forms, its own form first (the main button), in the page's language."""
    body = page(client, path, FR if lang == "fr" else EN)
    band = re.search(r'<section class="take-part".*?</section>', body, re.S)
    assert band, "no call to action"
    links = [(html.unescape(re.sub(r"<[^>]+>", "", text)).strip(), href, "secondary" not in cls) for cls, href, text
             in re.findall(r'<a class="([^"]*)" href="([^"]+)">(.*?)</a>', band.group(0), re.S)]
    assert sorted((t, h) for t, h, _ in links) == sorted(FORMS[lang])
    assert ("Participer à Bio-Bridge" if lang == "fr" else "Take part in Bio-Bridge") in band.group(0)
    own = f"{path}/submit"
    if path == "/bio-bridge":
        assert all(main for *_, main in links)
    else:
        assert links[0][1] == own and links[0][2] and not any(main for *_, main in links[1:])
    for _, href in FORMS[lang]:
        assert client.get(href, headers=FR).status_code == 200


# --- plain words on visitors' pages ----------------------------------------------------------------------------
VISITOR_PAGES = ["/", "/network", "/projects", "/actors", "/commitments", "/offers", "/requests", "/practices", "/gbf",
                 "/cbd", "/bio-bridge", "/id/project/plantnet.html", "/id/actor/ofb.html", OFB_OFFER, MADAGASCAR,
                 "/vocab/gbf/target-06.html", "/vocab/gbf/goal-A.html", "/vocab/theme/forests.html",
                 "/vocab/country/RE.html", "/id/node/be.html"]
#: What only a specialist reads: our graph names, RDF datatypes, "triples" (the download format N-Triples aside),
#: SHACL's "violations", SKOS alignments and codes. (The query page is for researchers: its SPARQL shows IRIs.)
JARGON = re.compile(r"(?<!tsc-)graph/|chm-thesaurus|\^\^xsd:|(?<!N-)\btriple(t)?s?\b|\bviolations?\b|Correspondance exacte|"
                    r"Exact match|Cbd subject|\bCode forests\b", re.I)


def test_no_graph_names_datatypes_or_triples_on_visitor_pages(app, client):
    """Visitors read records and checks in words: « 186 faits », « conforme à nos règles », « le thésaurus de la
    CDB », never a graph name, an RDF datatype, "triplets" or "violation" (issue "The portal as visitors meet it").
    Loads of this node's own graphs are in the change feed, as after ``make load``."""
    from tsc_graph.changes import graph_change

    feed = app.extensions["tsc_changes"]
    feed.record(None, [graph_change("load", DEFAULT_BASE_URI + f"graph/{stem}", False, 7424)
                       for stem in ("tsc", "chm-thesaurus", "projects", "about")])
    for path in VISITOR_PAGES:
        for headers in (FR, EN):
            text = text_of(page(client, path, headers))
            hit = JARGON.search(text)
            assert hit is None, (path, headers["Accept-Language"], text[max(0, hit.start() - 80):hit.end() + 40])
    changes = text_of(re.search(r'<table class="data-table changes">.*?</table>', page(client, "/network"),
                                re.S).group(0))
    assert "Le thésaurus de la CDB 7 424 faits" in changes and "L'ontologie" in changes
    assert "Projets 7 424 faits" in changes and "Fiches de ce nœud 7 424 faits" in changes


def test_a_theme_page_lists_what_is_tagged_with_it(client):
    """A theme's page lists the projects tagged with it, without the SKOS plumbing: its code and its alignment to
    a CBD subject stay in the RDF documents."""
    body = page(client, "/vocab/theme/forests.html")
    text = text_of(body)
    shown = re.search(r"Sur ce thème Projets \((\d+)\)", text)
    assert shown and "DynAfFor" in text, text
    projects = body.split('id="tagged-title"')[1].split("</dd>")[0]  # this node's projects and a harvested one
    assert projects.count("<li><a href=") == int(shown.group(1)) >= 10
    assert re.search(r"Acteurs \(\d+\)", text) and re.search(r"Bonnes pratiques \(\d+\)", text)
    assert "Code" not in text and "Correspondance" not in text
    assert "CBD-SUBJECT-FOR" in page(client, "/vocab/theme/forests.ttl", {"Accept": "text/turtle"})


def test_the_gbf_acronym_is_spelled_out(client):
    """« cible 6 du CMB » in a match's reasons: the acronym says what it stands for."""
    assert '<abbr title="Cadre mondial de la biodiversité">CMB</abbr>' in page(client, MADAGASCAR)
    assert '<abbr title="Global Biodiversity Framework">GBF</abbr>' in page(client, MADAGASCAR, EN)
