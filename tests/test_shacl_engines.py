"""The shapes give the same verdict in a second, independent SHACL engine (docs/conventions.md, "SHACL engines").

The shapes are SHACL Core only, so a curator's engine must not skip any of them. Apache Jena's SHACL (Debian's
``libapache-jena-java``, installed by ``.ci/run``) validates the real data and broken copies — one per kind of
constraint component among the broken cases of tests/test_shapes.py, plus the cases that depend on reaching
subclass instances (``sh:targetClass skos:Concept`` on GBF targets and countries) and on the ``tsc:``-only rules —
and must agree with pyshacl on conformance and on which (focus node, constraint component) pairs fail.
Each Jena run starts a JVM (~2 s), so the broken copies are a representative set rather than all of them.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import Graph
from rdflib.namespace import RDF

import jena_shacl
import test_shapes
from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
from tsc_graph.namespaces import SH

pytestmark = pytest.mark.slow  # Apache Jena in a JVM for every broken copy: `make test-fast` skips it

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def jena():
    jars, why = jena_shacl.find_jena()
    if jars is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install the second SHACL engine (.ci/run): {why}")
        pytest.skip(why)
    return jars


def failures(report: Graph) -> set[tuple[str, str]]:
    """Violations (warnings, for facts no source gives, are not failures: docs/conventions.md)."""
    return {(str(report.value(r, SH.focusNode)), str(report.value(r, SH.sourceConstraintComponent)))
            for r in report.subjects(RDF.type, SH.ValidationResult)
            if report.value(r, SH.resultSeverity) == SH.Violation}


def conforms(report: Graph) -> bool:
    """No violation. (SHACL's own sh:conforms is false for any result; Jena follows it, pyshacl with
    allow_warnings does not: both are read the same way here.)"""
    return not failures(report)


def both_engines(data: Graph, tmp_path: Path) -> tuple[tuple[bool, set], tuple[bool, set]]:
    shapes = test_shapes.shapes_graph()
    _, py_report, _ = pyshacl_validate(data, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True)
    jena_report = jena_shacl.validate(data, shapes, tmp_path)
    return (conforms(py_report), failures(py_report)), (conforms(jena_report), failures(jena_report))


@lru_cache(maxsize=None)
def real_data() -> Graph:
    g = Graph()
    for f in [ONTOLOGY_DIR / "tsc.ttl", *sorted((REFERENCE_DIR).glob("*.ttl")),
              *sorted((ROOT / "data" / "fr").glob("*.ttl"))]:
        g.parse(f, format="turtle")
    return g


def test_jena_agrees_the_real_data_conforms(jena, tmp_path):
    (py_ok, py_fail), (jena_ok, jena_fail) = both_engines(real_data(), tmp_path)
    assert py_ok and jena_ok, f"pyshacl: {sorted(py_fail)[:5]}; jena: {sorted(jena_fail)[:5]}"


#: Cases whose verdict depends on subclass targeting or on the tsc:-only rules, beside one case per component.
MUST = ("target-without-english-label", "concept-without-source", "class-without-french-comment",
        "country-without-french-label", "xl-label-without-source", "project-with-homepage", "section-member-is-an-actor")


def representative_cases() -> list:
    chosen, components = [], set()
    for case in test_shapes.CASES:
        if case.id in MUST or case.component not in components:
            chosen.append(case)
            components.add(case.component)
    return chosen


@pytest.mark.parametrize("case", representative_cases(), ids=lambda c: c.id)
def test_jena_and_pyshacl_reject_the_same_broken_copy(jena, case, tmp_path):
    (py_ok, py_fail), (jena_ok, jena_fail) = both_engines(case.graph(), tmp_path)
    assert not py_ok and not jena_ok, f"{case.id}: pyshacl conforms={py_ok}, jena conforms={jena_ok}"
    assert (str(case.focus), str(case.component)) in jena_fail, f"{case.id}: jena reported {sorted(jena_fail)}"
    assert py_fail == jena_fail, f"{case.id}: only pyshacl {py_fail - jena_fail}; only jena {jena_fail - py_fail}"


def test_jena_and_pyshacl_reject_a_broken_copy_of_the_real_data(jena, tmp_path):
    """Real GBF data: a target loses its English labels, a project gets a homepage, a section loses its source."""
    g = Graph()
    g += real_data()
    target = test_shapes.V("gbf/target-06")
    section = test_shapes.V("gbf/section-2")
    for lbl in [o for o in g.objects(target, test_shapes.RDFS.label) if o.language == "en"]:
        g.remove((target, test_shapes.RDFS.label, lbl))
    project = next(g.subjects(RDF.type, test_shapes.TSC.Project))
    g.add((project, test_shapes.FOAF.homepage, test_shapes.URIRef("https://www.mnhn.fr/")))
    g.remove((section, test_shapes.DCTERMS.source, None))
    (py_ok, py_fail), (jena_ok, jena_fail) = both_engines(g, tmp_path)
    assert not py_ok and not jena_ok
    assert py_fail == jena_fail
    assert {str(target), str(project), str(section)} == {focus for focus, _ in jena_fail}
