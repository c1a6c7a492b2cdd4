"""RDF written by tsc-graph parses everywhere, whatever text the data holds (a submitted description once broke its own approval)."""
from __future__ import annotations

import pyoxigraph as ox
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from tsc_graph.namespaces import TSC
from tsc_graph.rdfwrite import turtle
from tsc_graph.validation import validate

HOSTILE_TEXT = st.text(alphabet=st.sampled_from(['"', "'", "\\", "\n", "\r", "\t", "a", "é", "\u2028", "#", "<", ">",
                                                 "u", "0", " ", "@", "^"]), max_size=30)


def _parse_with_oxigraph(text: str) -> set:
    return {(str(t.subject), str(t.predicate), t.object.value) for t in ox.parse(text.encode(), ox.RdfFormat.TURTLE)}


@settings(max_examples=300, deadline=None, derandomize=True)
@given(HOSTILE_TEXT)
@example('a\nb\\"')  # rdflib's Turtle serialiser wrote this one as invalid Turtle
def test_any_literal_is_written_as_turtle_oxigraph_reads_back(text):
    g = Graph()
    subject = URIRef("https://fr.chm-cbd.net/tsc/id/project/x")
    g.add((subject, DCTERMS.description, Literal(text, lang="fr")))
    g.add((subject, RDF.value, Literal(text)))
    node = BNode()
    g.add((subject, TSC.contactPoint, node))
    g.add((node, TSC.budget, Literal("12.5", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))))
    written = turtle(g)
    values = {o for _, _, o in _parse_with_oxigraph(written)}
    assert text in values
    assert "@prefix dcterms:" in written and "@prefix sh:" not in written  # only the prefixes in use
    assert len(Graph().parse(data=written, format="turtle")) == 4


def test_validation_report_of_hostile_data_is_valid_turtle():
    """Reports are stored with harvested graphs: a hostile literal in a violation must not break the load."""
    data = Graph()
    project = URIRef("https://be.example/id/project/p")
    data.add((project, RDF.type, TSC.Project))
    data.add((project, TSC.budget, Literal('a\nb\\"')))  # a violation whose sh:value is the killer literal
    report = validate(data)
    assert not report.conforms
    assert any(v.value == 'a\nb\\"' for v in report.violations)
    assert 'a\nb\\"' in {o for _, _, o in _parse_with_oxigraph(report.to_turtle())}


def test_harvest_provenance_keeps_hostile_header_values_as_literals():
    """ETag and Last-Modified come from the remote node's headers: any character must stay inside its literal."""
    from datetime import datetime, timezone

    from tsc_graph.federation.harvest import HarvestReport, provenance_ntriples

    now = datetime.now(timezone.utc)
    etag = 'W/"a\\"b\\\\c" .\n<http://evil.example/> <http://evil.example/p> "x'
    report = HarvestReport("https://be.example/tsc/dump.ttl", "dump", "https://fr.example/graph/node/be", 3, now, now,
                           "https://fr.example/harvest/1", "https://fr.example/graph/harvest-log", etag=etag,
                           last_modified="Wed, 21 Oct 2015 07:28:00 GMT\r\n\"")
    triples = list(ox.parse(provenance_ntriples(report), ox.RdfFormat.N_TRIPLES))
    assert etag in {t.object.value for t in triples}
    assert not any("evil.example" in t.subject.value for t in triples)
