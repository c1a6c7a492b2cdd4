"""The shipped network registry (data/nodes/registry.ttl): the national CHM sites read in the CBD Secretariat's
Bioland configuration (scbd/bioland-config), each with its source, shown on /network and /api/network as sites with
no linked-data endpoint, and skipped by ``tsc-graph harvest --all`` without touching the network."""
from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF

from checkout import DATA_DIR
from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
from tsc_graph.namespaces import DEFAULT_BASE_URI
from tsc_graph.store import GraphNamer, expand_sources, open_store
from tsc_graph.web import create_app

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = DATA_DIR / "nodes" / "registry.ttl"
TSC = Namespace("https://w3id.org/tsc-graph/ontology#")
VOID = Namespace("http://rdfs.org/ns/void#")
COUNTRY = "https://w3id.org/tsc-graph/vocab/country/"
BIOLAND_FILE = re.compile(r"^https://github\.com/scbd/bioland-config/blob/[0-9a-f]{40}/src/index\.mjs$")
#: The live national sites of src/index.mjs at commit 640e8f38 (France is this node's own entry).
SITES = 35
FR = {"Accept": "text/html", "Accept-Language": "fr"}
EN = {"Accept": "text/html", "Accept-Language": "en"}


def registry() -> Graph:
    return Graph().parse(REGISTRY, format="turtle")


def sites(g: Graph) -> list[URIRef]:
    return sorted(s for s in g.subjects(TSC.publishesLinkedData, Literal(False)) if (s, RDF.type, TSC.Node) in g)


def test_every_chm_site_cites_the_bioland_configuration_and_has_a_homepage():
    g = registry()
    countries = {str(c) for c in Graph().parse(REFERENCE_DIR / "countries.ttl").subjects(RDF.type, TSC.Country)}
    found = sites(g)
    assert len(found) == SITES
    for site in found:
        [source] = g.objects(site, DCTERMS.source)
        assert BIOLAND_FILE.match(str(source)), site
        assert g.value(source, TSC.readOn).datatype == XSD.date  # when it was read (docs/data-sources.md)
        [homepage] = g.objects(site, FOAF.homepage)
        assert str(homepage).startswith("https://") and str(homepage).endswith("/"), site
        [country] = g.objects(site, DCTERMS.spatial)
        assert str(country) in countries, site
        assert str(g.value(site, TSC.nodeName)) == "chm-" + str(country).removeprefix(COUNTRY).lower()
        languages = list(g.objects(site, DCTERMS.language))
        assert languages and all(lang.datatype == XSD.language for lang in languages), site
        assert not any((site, p, None) in g for p in (VOID.sparqlEndpoint, VOID.dataDump, TSC.localDump,
                                                      TSC.harvestGraph)), site
    for node in g.subjects(RDF.type, TSC.Node):  # the tsc-graph nodes' sources too are https pages
        for source in g.objects(node, DCTERMS.source):
            assert str(source).startswith("https://")


def test_the_registry_conforms_to_the_shapes():
    from tsc_graph.validation import load_oxigraph, validate

    report = validate(load_oxigraph([ONTOLOGY_DIR, REFERENCE_DIR, REGISTRY]))
    assert report.conforms, [v.message_en for v in report.violations]


def test_a_site_without_linked_data_cannot_name_an_endpoint(tmp_path):
    """…and, naming one, it would be a tsc-graph node, which must have a label."""
    from tsc_graph.validation import load_oxigraph, validate

    path = tmp_path / "registry.ttl"
    path.write_text(REGISTRY.read_text().replace(
        "node:chm-bf a tsc:Node ;", "node:chm-bf a tsc:Node ;\n    void:sparqlEndpoint <https://bf.chm-cbd.net/sparql> ;"))
    report = validate(load_oxigraph([ONTOLOGY_DIR, REFERENCE_DIR, path]))
    assert sorted(v.shape.rsplit("#", 1)[1] for v in report.violations) == ["NoLinkedDataNodeShape", "NodeLabelShape"]


def test_a_node_without_endpoint_must_say_it_publishes_no_linked_data(tmp_path):
    from tsc_graph.validation import load_oxigraph, validate

    text = REGISTRY.read_text()
    start = text.index("node:chm-bf a tsc:Node ;")
    end = text.index("tsc:publishesLinkedData false ;", start)
    path = tmp_path / "registry.ttl"
    path.write_text(text[:end] + text[end:].replace("tsc:publishesLinkedData false ;", "", 1))
    report = validate(load_oxigraph([ONTOLOGY_DIR, REFERENCE_DIR, path]))
    assert [v.shape.rsplit("#", 1)[1] for v in report.violations] == ["NodeKindShape"]


@pytest.fixture(scope="module")
def client():
    store = open_store("memory:")
    store.load(expand_sources([ONTOLOGY_DIR, REFERENCE_DIR, DATA_DIR / "fr", REGISTRY]),
               graph_for=GraphNamer(DEFAULT_BASE_URI))
    yield create_app({"store": "memory:"}, store=store).test_client()
    store.close()


def test_network_page_lists_the_sites_with_country_languages_link_and_source(client):
    for headers, country, no_endpoint, lang_name, source in (
            (FR, "Burkina Faso", "Aucun point d’accès de données liées pour l’instant", "anglais", "configuration Bioland"),
            (EN, "Burkina Faso", "No linked-data endpoint yet", "English", "Bioland configuration")):
        r = client.get("/network", headers=headers)
        assert r.status_code == 200
        text = html.unescape(r.get_data(as_text=True))
        cards = re.findall(r'<li class="site-card" id="node-(chm-[a-z]+)">(.*?)</li>', text, re.DOTALL)
        assert len(cards) == SITES
        card = dict(cards)["chm-bf"]
        assert f">{country}</a>" in card and no_endpoint in card and lang_name.lower() in card.lower()
        assert 'href="https://bf.chm-cbd.net/"' in card
        assert re.search(r'href="https://github\.com/scbd/bioland-config/blob/[0-9a-f]{40}/src/index\.mjs">'
                         + source, card, re.IGNORECASE)
        assert "Belgi" in dict(cards)["chm-be"] and 'href="https://www.biodiv.be/"' in dict(cards)["chm-be"]
        # the tsc-graph nodes stay cards of their own, marked as harvestable
        assert text.count('class="badge badge-ld"') == 2


def test_network_page_sites_are_in_alphabetical_order_of_country(client):
    from tsc_graph.web.portal.network import sort_key

    text = html.unescape(client.get("/network", headers=FR).get_data(as_text=True))
    names = re.findall(r'<li class="site-card" id="node-chm-[a-z]+">\s*<h3><a [^>]*>([^<]+)</a>', text)
    assert names == sorted(names, key=sort_key) and names[0] == "Belgique"


def test_api_network_lists_the_sites_with_the_same_fields(client):
    nodes = {n["name"]: n for n in client.get("/api/network", headers={"Accept-Language": "en"}).get_json()["nodes"]}
    chm = {k: n for k, n in nodes.items() if k.startswith("chm-")}
    assert len(chm) == SITES and len(nodes) == SITES + 2
    bf = chm["chm-bf"]
    assert bf["linked_data"] is False and bf["label"] == "Burkina Faso"
    assert bf["country"]["id"] == COUNTRY + "BF" and bf["homepage"] == "https://bf.chm-cbd.net/"
    assert bf["languages"] == ["en", "fr"] and bf["endpoint"] is None and bf["dump"] is None
    assert len(bf["sources"]) == 1 and BIOLAND_FILE.match(bf["sources"][0]) and bf["read_on"]
    assert nodes["fr"]["linked_data"] is True and nodes["be"]["linked_data"] is True
    assert sorted(chm["chm-bt"]["languages"]) == ["dz", "en"]


def test_harvest_all_skips_the_sites_and_fetches_nothing(tmp_path):
    """harvest --all with the shipped registry: only the demonstration node, from its shipped dump; any
    attempt to reach a site would go to a dead proxy on 127.0.0.1 and fail the run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TSC_")}
    env.update({"TSC_BASE_URI": DEFAULT_BASE_URI, "PYTHONPATH": str(ROOT),
                "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
                "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "no_proxy": ""})
    store = f"oxigraph:{tmp_path / 'store'}"

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "tsc_graph.cli", "--store", store, *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300, check=False)

    proc = cli("load", "--no-progress", str(ONTOLOGY_DIR), str(REFERENCE_DIR), str(REGISTRY))
    assert proc.returncode == 0, proc.stderr
    proc = cli("harvest", "--all", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    outcomes = json.loads(proc.stdout)
    assert [(o["name"], o["source"]) for o in outcomes] == [("be", "file:data/nodes/be")]
    assert "chm-" not in proc.stderr


def test_registered_nodes_leaves_the_sites_out(client):
    """What harvest --all iterates over (tsc_graph.federation.harvest.registered_nodes): the sites are not in it."""
    from tsc_graph.federation.harvest import registered_nodes

    store = client.application.extensions["tsc_store"]
    assert [n.name for n in registered_nodes(store, DEFAULT_BASE_URI)] == ["be"]
