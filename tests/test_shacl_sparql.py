"""The SHACL constraints compiled to SPARQL (tsc_graph/shacl_sparql.py) report exactly what pyshacl reports.

Cross-checked on every broken case of tests/test_shapes.py (one per constraint of shapes/), on its valid base
graph and on the real data (ontology + reference vocabularies + the French node): the same results, counted
with their multiplicity — focus node, path, value, severity, constraint component, source shape, messages.
"""
from __future__ import annotations

from collections import Counter

import pytest
from rdflib import Graph, URIRef

import test_shapes
from tsc_graph.shacl_sparql import Compiler, NotCompilable, compile_shapes
from tsc_graph.validation import load_oxigraph, validate


def report_key(report) -> Counter:
    return Counter((v.focus, v.path, v.value, v.severity, v.component, v.shape, v.message_en, v.message_fr)
                   for v in report.violations)


def same_report(data: Graph) -> None:
    shapes = test_shapes.shapes_graph()
    compiled = validate(data, shapes=shapes, engine="sparql")
    reference = validate(data, shapes=shapes, engine="pyshacl", workers=1)
    assert compiled.conforms == reference.conforms
    assert report_key(compiled) == report_key(reference), (
        f"only pyshacl: {report_key(reference) - report_key(compiled)}\nonly compiled: {report_key(compiled) - report_key(reference)}")


def test_every_shape_compiles():
    checks, left = compile_shapes(test_shapes.shapes_graph())
    assert not left, f"shapes left to pyshacl: {left}"
    assert len(checks) > 300


@pytest.mark.parametrize("case", test_shapes.CASES, ids=lambda c: c.id)
def test_broken_case_gives_pyshacl_s_report(case):
    same_report(case.graph())


def test_base_graph_and_real_data_give_pyshacl_s_report():
    same_report(test_shapes.base_graph())
    real = Graph()
    real += test_shapes.ontology_graph()
    real += test_shapes.reference_graph()
    test_shapes.parse_files(sorted(test_shapes.FR_DIR.glob("*.ttl")), into=real)
    same_report(real)


def test_files_parsed_by_oxigraph_give_the_same_verdict(tmp_path):
    """The path `tsc-graph validate` and the benchmark take: files straight into Oxigraph, no rdflib graph."""
    case = next(c for c in test_shapes.CASES if c.id == "budget-negative")
    path = tmp_path / "broken.nt"
    case.graph().serialize(path, format="nt")
    from_files = validate(load_oxigraph([path]), shapes=test_shapes.shapes_graph())
    from_graph = validate(case.graph(), shapes=test_shapes.shapes_graph())
    assert not from_files.conforms
    strip = Counter((v.focus, v.component, v.shape) for v in from_files.violations)
    assert strip == Counter((v.focus, v.component, v.shape) for v in from_graph.violations)


def test_a_shape_the_compiler_does_not_translate_goes_to_pyshacl():
    """sh:xone is not compiled: that shape is validated by pyshacl, the others by SPARQL, one report."""
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:Xone a sh:NodeShape ; sh:targetClass ex:Thing ; sh:message "xone"@en ;
            sh:xone ( [ sh:class ex:A ] [ sh:class ex:B ] ) .
        ex:Label a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property ex:LabelProp .
        ex:LabelProp sh:path ex:label ; sh:minCount 1 ; sh:message "label"@en .
    """, format="turtle")
    data = Graph().parse(data="""
        @prefix ex: <http://example.org/> .
        ex:t a ex:Thing , ex:A , ex:B .
    """, format="turtle")
    checks, left = compile_shapes(shapes)
    assert left == [URIRef("http://example.org/Xone")] and len(checks) == 1
    report = validate(data, shapes=shapes)
    assert {(v.component.rsplit("#")[-1], v.message_en) for v in report.violations} == {
        ("XoneConstraintComponent", "xone"), ("MinCountConstraintComponent", "label")}
    assert report_key(report) == report_key(validate(data, shapes=shapes, engine="pyshacl"))


def test_literals_in_shapes_are_escaped():
    """A pattern with quotes and backslashes reaches the query as the same string."""
    shapes = Graph()
    shapes.parse(data=r'''
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:code ; sh:pattern "^\"[a-z]+\\\\$" ] .
    ''', format="turtle")
    data = Graph().parse(data=r'''
        @prefix ex: <http://example.org/> .
        ex:ok a ex:Thing ; ex:code "\"abc\\" . ex:bad a ex:Thing ; ex:code "abc" .
    ''', format="turtle")
    report = validate(data, shapes=shapes)
    assert [v.focus for v in report.violations] == ["http://example.org/bad"]
    with pytest.raises(NotCompilable):  # a shape without targets has nothing to compile
        Compiler(shapes).compile(URIRef("http://example.org/none"))
