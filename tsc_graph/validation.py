"""SHACL validation of TSC graphs with pyshacl, and the reports curators read.

Why a report object of our own: the CLI prints it as text, JSON or Turtle, the server shows it on the
moderation page, and harvesting stores it with the harvested graph — one shape for all three.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import RDF

from . import ONTOLOGY_DIR, SHAPES_DIR
from .namespaces import SH


@dataclass
class Violation:
    focus: str
    path: str | None
    value: str | None
    severity: str
    component: str
    shape: str | None
    message_en: str
    message_fr: str

    def message(self, lang: str = "en") -> str:
        return (self.message_fr if lang == "fr" else self.message_en) or self.message_en or self.message_fr


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    graph: Graph | None = None
    triples: int = 0

    def to_json(self) -> str:
        return json.dumps(
            {"conforms": self.conforms, "triples": self.triples, "violations": [asdict(v) for v in self.violations]},
            ensure_ascii=False,
            indent=2,
        )

    def to_text(self, lang: str = "en") -> str:
        if self.conforms:
            return f"Conforms: {self.triples} triples checked, no violation."
        lines = [f"Does not conform: {len(self.violations)} violation(s) in {self.triples} triples."]
        for v in self.violations:
            where = v.focus + (f" {_short(v.path)}" if v.path else "")
            lines.append(f"- [{_short(v.severity)}] {where}: {v.message(lang)}" + (f" (value: {v.value})" if v.value else ""))
        return "\n".join(lines)

    def to_turtle(self) -> str:
        assert self.graph is not None
        return self.graph.serialize(format="turtle")


def _short(iri: str | None) -> str:
    if not iri:
        return ""
    for sep in ("#", "/"):
        if sep in iri:
            return iri.rsplit(sep, 1)[1]
    return iri


def load_rdf_files(paths, into: Graph | None = None) -> Graph:
    """Parse Turtle/RDF files (or all RDF files under directories) into one rdflib graph."""
    from .store import expand_sources
    from .formats import rdf_format_for_path
    from .errors import LoadError

    g = into if into is not None else Graph()
    rdflib_names = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml", "nquads": "nquads", "trig": "trig"}
    for src in expand_sources(paths):
        fmt = rdflib_names[rdf_format_for_path(src.name) or "turtle"]
        try:
            g.parse(src.name, format=fmt)
        except Exception as e:  # rdflib raises many parser-specific types
            raise LoadError(src.name, str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__) from None
    return g


def shapes_graph(directory: Path = SHAPES_DIR) -> Graph:
    return load_rdf_files([directory])


def ontology_graph(directory: Path = ONTOLOGY_DIR) -> Graph:
    return load_rdf_files([directory])


def validate(data: Graph, shapes: Graph | None = None, ontology: Graph | None = None) -> ValidationReport:
    """Validate ``data`` against our shapes; the ontology is mixed in so sh:class sees declared types."""
    from pyshacl import validate as shacl_validate

    shapes = shapes if shapes is not None else shapes_graph()
    conforms, report_graph, _ = shacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    return ValidationReport(conforms=bool(conforms), violations=_violations(report_graph), graph=report_graph, triples=len(data))


def _violations(report: Graph) -> list[Violation]:
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        msgs = {"en": "", "fr": ""}
        for m in report.objects(result, SH.resultMessage):
            lang = m.language if isinstance(m, Literal) else None
            if lang in msgs and not msgs[lang]:
                msgs[lang] = str(m)
            elif not lang and not msgs["en"]:
                msgs["en"] = str(m)

        def one(p):
            v = report.value(result, p)
            return None if v is None else str(v)

        out.append(
            Violation(
                focus=one(SH.focusNode) or "",
                path=one(SH.resultPath),
                value=one(SH.value),
                severity=one(SH.resultSeverity) or str(SH.Violation),
                component=one(SH.sourceConstraintComponent) or "",
                shape=one(SH.sourceShape),
                message_en=msgs["en"],
                message_fr=msgs["fr"],
            )
        )
    out.sort(key=lambda v: (v.focus, v.path or "", v.component))
    return out


def is_violation(v: Violation) -> bool:
    return v.severity == str(SH.Violation)


