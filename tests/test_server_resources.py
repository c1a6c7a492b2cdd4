"""Dereferenceable URIs over real HTTP: 303 See Other to a document, conneg for every resource type,
file extensions, HTML for browsers, 404 in the negotiated format, the ontology at its namespace URI.
"""
from __future__ import annotations

import json
import re
import urllib.parse

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from tsc_graph import ONTOLOGY_DIR

TSC = "https://w3id.org/tsc-graph/ontology#"
BASE = "https://fr.chm-cbd.net/tsc/"
VOCAB = "https://w3id.org/tsc-graph/vocab/"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDF_ACCEPT = {  # Accept → (extension, parser)
    "text/turtle": ("ttl", "turtle"),
    "application/n-triples": ("nt", "nt"),
    "application/ld+json": ("jsonld", "json-ld"),
    "application/rdf+xml": ("rdf", "xml"),
}
TYPES = ["Actor", "Project", "NationalCommitment", "InternationalCommitment", "CooperationOffer",
         "CooperationRequest", "Partnership", "GBFTarget", "GBFGoal", "CBDArticle", "Country", "Territory"]


@pytest.fixture(scope="module")
def examples(live_server, http) -> dict[str, str]:
    """One IRI per resource type, found by querying the server (the French data grows in parallel)."""
    out = {}
    for cls in TYPES:
        q = (f"SELECT ?s WHERE {{ ?s a <{TSC}{cls}> FILTER(STRSTARTS(STR(?s), \"{BASE}\") || STRSTARTS(STR(?s), \"{VOCAB}\")) }} "
             "ORDER BY ?s LIMIT 1")
        r = http(f"{live_server}/sparql?query={urllib.parse.quote(q)}", headers={"Accept": "application/sparql-results+json"})
        rows = json.loads(r.body)["results"]["bindings"]
        if rows:
            out[cls] = rows[0]["s"]["value"]
    return out


def local_path(uri: str) -> str:
    if uri.startswith(BASE):
        return "/" + uri[len(BASE):]
    if uri.startswith(VOCAB):
        return "/vocab/" + uri[len(VOCAB):]
    raise AssertionError(uri)


def iri_of(examples, cls) -> str:
    if cls not in examples:
        pytest.skip(f"no tsc:{cls} in the data yet")
    return examples[cls]


@pytest.mark.parametrize("cls", TYPES)
@pytest.mark.parametrize("accept", list(RDF_ACCEPT))
def test_conneg_303_then_rdf_document(live_server, http, examples, cls, accept):
    uri = iri_of(examples, cls)
    path = local_path(uri)
    ext, parser = RDF_ACCEPT[accept]
    r = http(live_server + path, headers={"Accept": accept})
    assert r.status == 303, r.text
    assert r.headers["location"].endswith(f"{path}.{ext}")
    assert "Accept" in r.headers["vary"]
    doc = http(live_server + path + "." + ext, headers={"Accept": accept})
    assert doc.status == 200
    assert doc.media_type == accept and doc.headers["content-type"].endswith("charset=utf-8")
    assert f'<{uri}>; rel="describes"' in doc.headers["link"]
    g = Graph().parse(data=doc.body, format=parser)
    assert (URIRef(uri), RDF.type, URIRef(TSC + cls)) in g
    labels = {o.language for o in g.objects(URIRef(uri), RDFS.label)} | {o.language for o in g.objects(URIRef(uri), SKOS.prefLabel)}
    assert labels & {"fr", "en"}


@pytest.mark.parametrize("cls", TYPES)
def test_html_for_browsers(live_server, http, examples, cls):
    uri = iri_of(examples, cls)
    path = local_path(uri)
    r = http(live_server + path, headers={"Accept": BROWSER})
    assert r.status == 303 and r.headers["location"].endswith(f"{path}.html")
    page = http(live_server + path + ".html", headers={"Accept": BROWSER, "Accept-Language": "fr"})
    assert page.status == 200 and page.media_type == "text/html"
    assert f"<code>{uri}</code>" in page.text
    for ext, media in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples"), ("rdf", "application/rdf+xml")):
        assert f'<link rel="alternate" type="{media}" href="{path}.{ext}">' in page.text
    assert "Traceback" not in page.text


def test_html_page_content_links_and_languages(live_server, http, examples):
    uri = iri_of(examples, "Actor")
    path = local_path(uri)
    g = Graph().parse(data=http(f"{live_server}{path}.ttl").body, format="turtle")
    label_fr = next(str(o) for o in g.objects(URIRef(uri), RDFS.label) if o.language == "fr")
    label_en = next(str(o) for o in g.objects(URIRef(uri), RDFS.label) if o.language == "en")
    country = next(g.objects(URIRef(uri), URIRef(TSC + "basedIn")))
    fr = http(f"{live_server}{path}.html", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).text
    en = http(f"{live_server}{path}.html", headers={"Accept-Language": "en"}).text
    import html as html_lib
    assert f"<h1>{html_lib.escape(label_fr)}</h1>" in fr
    assert f"<h1>{html_lib.escape(label_en)}</h1>" in en
    assert f'href="{local_path(str(country))}"' in en  # internal links point at this server
    projects = http(f"{live_server}{local_path(iri_of(examples, 'GBFTarget'))}.html").text
    assert 'id="contributions"' in projects  # what points at a target is grouped under headings


def test_description_includes_object_labels_and_contact_point(live_server, http, examples):
    iri_of(examples, "CooperationOffer")
    q = (f"SELECT ?s WHERE {{ ?s a <{TSC}CooperationOffer> ; <http://www.w3.org/ns/dcat#contactPoint> ?c "
         f"FILTER(STRSTARTS(STR(?s), \"{BASE}\")) }} ORDER BY ?s LIMIT 1")  # an offer whose source gives a contact
    rows = json.loads(http(f"{live_server}/sparql?query={urllib.parse.quote(q)}",
                           headers={"Accept": "application/sparql-results+json"}).body)["results"]["bindings"]
    offer = rows[0]["s"]["value"]
    g = Graph().parse(data=http(f"{live_server}{local_path(offer)}.ttl").body, format="turtle")
    contact = next(g.objects(URIRef(offer), URIRef("http://www.w3.org/ns/dcat#contactPoint")))
    assert list(g.objects(contact, URIRef("http://www.w3.org/2006/vcard/ns#fn")))  # blank-node closure
    target = next(g.objects(URIRef(offer), URIRef(TSC + "offeredBy")), None) or next(
        g.objects(URIRef(offer), URIRef("https://schema.org/offeredBy")))
    assert list(g.objects(target, RDFS.label))  # labels of linked resources


def test_rdflib_dereferences_like_a_linked_data_client(live_server, examples):
    uri = iri_of(examples, "Project")
    g = Graph()
    g.parse(live_server + local_path(uri))  # follows the 303, negotiates an RDF format
    assert (URIRef(uri), RDF.type, URIRef(TSC + "Project")) in g


@pytest.mark.parametrize("ext,parser", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("rdf", "xml")])
def test_extension_wins_over_accept(live_server, http, ext, parser):
    r = http(f"{live_server}/vocab/cbd/article-18.{ext}", headers={"Accept": "text/html"})
    assert r.status == 200
    g = Graph().parse(data=r.body, format=parser)
    assert (URIRef(VOCAB + "cbd/article-18"), RDF.type, URIRef(TSC + "CBDArticle")) in g


def test_default_accept_is_html(live_server, http):
    r = http(f"{live_server}/vocab/country/FR")
    assert r.status == 303 and r.headers["location"].endswith("/vocab/country/FR.html")


def test_not_acceptable_resource(live_server, http):
    r = http(f"{live_server}/vocab/country/FR", headers={"Accept": "image/png"})
    assert r.status == 406


# --- the ontology ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("accept", list(RDF_ACCEPT))
def test_ontology_at_its_namespace(live_server, http, accept):
    ext, parser = RDF_ACCEPT[accept]
    r = http(f"{live_server}/ontology", headers={"Accept": accept})
    assert r.status == 303 and r.headers["location"].endswith(f"/ontology.{ext}")
    doc = http(f"{live_server}/ontology.{ext}")
    assert doc.status == 200 and doc.media_type == accept
    g = Graph().parse(data=doc.body, format=parser)
    assert (URIRef("https://w3id.org/tsc-graph/ontology"), RDF.type, OWL.Ontology) in g
    # ontology terms (hash URIs) are described by the ontology document
    for term in ("Actor", "Project", "GBFTarget", "Partnership"):
        assert (URIRef(TSC + term), RDF.type, OWL.Class) in g
        assert {o.language for o in g.objects(URIRef(TSC + term), RDFS.label)} >= {"fr", "en"}
    assert (URIRef(TSC + "leadOrganisation"), RDF.type, OWL.ObjectProperty) in g
    assert not any(str(s).startswith(VOCAB) for s in g.subjects())  # only the ontology


ONTOLOGY_FILE = ONTOLOGY_DIR / "tsc.ttl"


@pytest.mark.parametrize("ext,parser", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("rdf", "xml")])
def test_ontology_documents_are_the_ontology_file(live_server, http, ext, parser):
    """Every format is isomorphic to tsc_graph/ontology/tsc.ttl (blank-node lists of owl:unionOf included), Turtle is the file."""
    doc = http(f"{live_server}/ontology.{ext}")
    assert doc.status == 200
    served = Graph().parse(data=doc.body, format=parser)
    assert isomorphic(served, Graph().parse(ONTOLOGY_FILE, format="turtle"))
    if ext == "ttl":
        assert doc.body == ONTOLOGY_FILE.read_bytes()


@pytest.mark.parametrize("lang,heading,actor,comment", [
    ("en", "Object properties", "Actor", "Organisation involved in technical and scientific cooperation"),
    ("fr", "Propriétés de données", "Acteur", "Organisation impliquée dans la coopération technique et scientifique"),
])
def test_ontology_documentation_page_in_french_and_english(live_server, http, lang, heading, actor, comment):
    r = http(f"{live_server}/ontology.html", headers={"Accept-Language": lang})
    assert r.status == 200 and r.headers["content-language"] == lang
    page = r.text
    assert f'<html lang="{lang}"' in page and heading in page
    assert 'id="Actor"' in page and f'<a href="#Actor">{actor}</a>' in page and comment in page
    # every term of the ontology has its anchor, generated from the ontology itself
    g = Graph().parse(ONTOLOGY_FILE, format="turtle")
    for term in {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(TSC)}:
        assert f'id="{str(term)[len(TSC):]}"' in page, term
    # unions are spelt out (the range of tsc:basedIn: country or territory), reused terms link to their vocabulary
    assert ("Country" if lang == "en" else "Pays") in page and 'href="http://www.w3.org/ns/org#Organization"' in page
    other = "fr" if lang == "en" else "en"
    assert f'href="/ontology.html?lang={other}"' in page
    forced = http(f"{live_server}/ontology.html?lang={other}", headers={"Accept-Language": lang})
    assert f'<html lang="{other}"' in forced.text


def test_ontology_term_uri_in_a_browser_lands_on_its_section(live_server, http):
    r = http(f"{live_server}/ontology", headers={"Accept": BROWSER})
    assert r.status == 303 and r.headers["location"].endswith("/ontology.html")  # the browser keeps #Actor
    actor = http(f"{live_server}/id/actor/does-not-exist.html")
    assert actor.status == 404


def test_ontology_terms_link_to_the_ontology_page(live_server, http, examples):
    uri = iri_of(examples, "Actor")
    page = http(f"{live_server}{local_path(uri)}.html").text
    assert 'href="/ontology#Actor"' in page


# --- 404 in the negotiated format --------------------------------------------------------------------------------
@pytest.mark.parametrize("accept,parser", [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                           ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")])
def test_unknown_uri_404_rdf(live_server, http, accept, parser):
    r = http(f"{live_server}/id/actor/no-such-actor", headers={"Accept": accept})
    assert r.status == 404 and r.media_type == accept
    assert len(Graph().parse(data=r.body, format=parser)) == 0  # a valid, empty document
    assert b"no-such-actor" in r.body


def test_unknown_uri_404_html_json_and_extension(live_server, http):
    r = http(f"{live_server}/id/project/nope", headers={"Accept": BROWSER})
    assert r.status == 404 and r.media_type == "text/html" and "/id/project/nope" in r.text
    r = http(f"{live_server}/id/project/nope", headers={"Accept": "application/json"})
    assert r.status == 404 and json.loads(r.body)["error"] == "not_found"
    r = http(f"{live_server}/vocab/gbf/target-99.nt", headers={"Accept": BROWSER})
    assert r.status == 404 and r.media_type == "application/n-triples"
    r = http(f"{live_server}/nothing/here", headers={"Accept": "application/json"})
    assert r.status == 404 and json.loads(r.body)["message"]


def test_hostile_path_is_escaped(live_server, http):
    r = http(f"{live_server}/id/%3Cscript%3Ealert(1)%3C/script%3E", headers={"Accept": "text/html"})
    assert r.status == 404 and "<script>alert" not in r.text


def test_cors_on_resources(live_server, http):
    r = http(f"{live_server}/vocab/gbf/target-01.ttl", headers={"Origin": "https://other-node.example"})
    assert r.headers["access-control-allow-origin"] == "*"


# --- browse and home ------------------------------------------------------------------------------------------
def test_home_and_browse(live_server, http, examples):
    home = http(f"{live_server}/", headers={"Accept-Language": "fr"})
    assert home.status == 200 and "/sparql" in home.text and "/.well-known/void" in home.text
    assert "/dumps/tsc-graph.ttl" in home.text and "Explorer" in home.text
    assert http(f"{live_server}/browse/actors").headers["location"].endswith("/actors")  # old lists moved
    actors = http(f"{live_server}/actors")
    assert actors.status == 200 and f'href="{local_path(iri_of(examples, "Actor"))}"' in actors.text
    targets = http(f"{live_server}/gbf").text
    assert len(set(re.findall(r'href="/vocab/gbf/target-\d\d"', targets))) == 23
    assert http(f"{live_server}/browse/nope").status == 404


# --- the canonical base URI is configuration ---------------------------------------------------------------------
def test_base_uri_is_configuration(start_live_server, http, examples):
    other = start_live_server({"TSC_BASE_URI": "https://example.org/node/"})
    path = local_path(iri_of(examples, "Actor"))
    assert http(other + path, headers={"Accept": "text/turtle"}).status == 404  # not this node's URI space
    assert http(other + "/vocab/gbf/target-01", headers={"Accept": "text/turtle"}).status == 303  # shared vocab
