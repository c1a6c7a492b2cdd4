"""VoID + DCAT description at /.well-known/void and the downloadable dumps, over real HTTP."""
from __future__ import annotations

import gzip
import json
import urllib.parse

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

VOID = "http://rdfs.org/ns/void#"
TSC = "https://w3id.org/tsc-graph/ontology#"


def count(http, base, query) -> int:
    r = http(f"{base}/sparql?query={urllib.parse.quote(query)}", headers={"Accept": "application/sparql-results+json"})
    row = json.loads(r.body)["results"]["bindings"][0]
    return int(next(iter(row.values()))["value"])


@pytest.fixture(scope="module")
def void(live_server, http) -> Graph:
    r = http(f"{live_server}/.well-known/void", headers={"Accept": "text/turtle"})
    assert r.status == 200 and r.media_type == "text/turtle"
    return Graph().parse(data=r.body, format="turtle")


@pytest.fixture(scope="module")
def dataset(void):
    # the node's dataset; a demonstration graph, when loaded, is a void:subset of its own
    [ds] = [d for d in void.subjects(RDF.type, URIRef(VOID + "Dataset")) if (None, URIRef(VOID + "subset"), d) not in void]
    return ds


def test_void_counts_match_the_endpoint(void, dataset, live_server, http):
    def value(p):
        return int(void.value(dataset, URIRef(VOID + p)))
    assert value("triples") == count(http, live_server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert value("distinctSubjects") == count(http, live_server, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")
    assert value("classes") == count(http, live_server, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c FILTER isIRI(?s) }")
    assert value("entities") > 300
    assert void.value(dataset, URIRef(VOID + "triples")).datatype == XSD.integer


def test_void_class_partitions(void, dataset):
    parts = {void.value(p, URIRef(VOID + "class")): int(void.value(p, URIRef(VOID + "entities")))
             for p in void.objects(dataset, URIRef(VOID + "classPartition"))}
    assert parts[URIRef(TSC + "GBFTarget")] == 23
    assert parts[URIRef(TSC + "GBFGoal")] == 4
    assert parts[URIRef(TSC + "Actor")] >= 1


def test_void_links_and_dcat(void, dataset, live_server):
    assert (dataset, URIRef(VOID + "sparqlEndpoint"), URIRef(f"{live_server}/sparql")) in void
    dumps = set(void.objects(dataset, URIRef(VOID + "dataDump")))
    assert dumps == {URIRef(f"{live_server}/dumps/tsc-graph.ttl"), URIRef(f"{live_server}/dumps/tsc-graph.nt.gz")}
    assert (dataset, URIRef(VOID + "uriSpace"), Literal("https://fr.chm-cbd.net/tsc/id/")) in void
    vocabularies = set(void.objects(dataset, URIRef(VOID + "vocabulary")))
    assert URIRef(TSC) in vocabularies and URIRef("http://www.w3.org/2004/02/skos/core#") in vocabularies
    assert {t.language for t in void.objects(dataset, DCTERMS.title)} == {"fr", "en"}
    assert {t.language for t in void.objects(dataset, DCTERMS.description)} == {"fr", "en"}
    assert void.value(dataset, DCTERMS.license) is not None
    assert (dataset, RDF.type, DCAT.Dataset) in void
    distributions = list(void.objects(dataset, DCAT.distribution))
    assert len(distributions) == 2
    urls = {void.value(d, DCAT.downloadURL) for d in distributions}
    assert urls == dumps
    assert all(void.value(d, DCAT.mediaType) is not None for d in distributions)
    service = void.value(dataset, DCAT.accessService)
    assert void.value(service, DCAT.endpointURL) == URIRef(f"{live_server}/sparql")


@pytest.mark.parametrize("accept,parser", [("application/rdf+xml", "xml"), ("application/ld+json", "json-ld"),
                                           ("application/n-triples", "nt")])
def test_void_formats(live_server, http, accept, parser):
    r = http(f"{live_server}/.well-known/void", headers={"Accept": accept})
    assert r.status == 200 and r.media_type == accept and "Accept" in r.headers["vary"]
    g = Graph().parse(data=r.body, format=parser)
    assert list(g.subjects(RDF.type, URIRef(VOID + "Dataset")))


def published_triples(void, dataset) -> int:
    """The dataset's triples less its demonstration subset's: what the dumps hold (docs/data-sources.md)."""
    demo = sum(int(void.value(d, URIRef(VOID + "triples"))) for d in void.objects(dataset, URIRef(VOID + "subset")))
    return int(void.value(dataset, URIRef(VOID + "triples"))) - demo


def test_turtle_dump(live_server, http, void, dataset):
    r = http(f"{live_server}/dumps/tsc-graph.ttl")
    assert r.status == 200 and r.headers["content-type"] == "text/turtle; charset=utf-8"
    assert 'filename=tsc-graph.ttl' in r.headers["content-disposition"]
    g = Graph().parse(data=r.body, format="turtle")
    assert len(g) == published_triples(void, dataset)
    assert len(list(g.subjects(RDF.type, URIRef(TSC + "GBFTarget")))) == 23
    assert b"example.org" not in r.body  # the demonstration graph (placeholder contacts) never leaves the node
    again = http(f"{live_server}/dumps/tsc-graph.ttl", headers={"If-None-Match": r.headers["etag"]})
    assert again.status == 304  # cached file, conditional requests work


def test_ntriples_gzip_dump(live_server, http, void, dataset):
    r = http(f"{live_server}/dumps/tsc-graph.nt.gz")
    assert r.status == 200 and r.headers["content-type"] == "application/gzip"
    assert "content-encoding" not in r.headers  # the file is the gzip; clients save it as is
    assert 'filename=tsc-graph.nt.gz' in r.headers["content-disposition"]
    g = Graph().parse(data=gzip.decompress(r.body), format="nt")
    assert len(g) == published_triples(void, dataset)


def test_unknown_dump_404(live_server, http):
    r = http(f"{live_server}/dumps/everything.zip", headers={"Accept": "application/json"})
    assert r.status == 404 and "tsc-graph.ttl" in json.loads(r.body)["message"]


def test_cors_on_dataset(live_server, http):
    r = http(f"{live_server}/.well-known/void", headers={"Origin": "https://other-node.example"})
    assert r.headers["access-control-allow-origin"] == "*"
