"""SHACL validation of TSC graphs, and the reports curators read.

Why a report object of our own: the CLI prints it as text, JSON or Turtle, the server shows it on the
moderation page, and harvesting stores it with the harvested graph — one shape for all three.

Engines (for speed): the shapes' SHACL Core constraints are compiled to SPARQL and run by Oxigraph
(``tsc_graph/shacl_sparql.py``: the same report as pyshacl, tested on every broken case of
``tests/test_shapes.py``, 10-40x faster); a shape the compiler does not translate is validated by pyshacl
(``engine="pyshacl"`` runs pyshacl alone, as before).
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from . import ONTOLOGY_DIR, SHAPES_DIR
from .namespaces import SH


class ShapeMessage:
    """A shape's ``sh:message`` in English and French (``message_en``, ``message_fr``), either one possibly empty."""

    message_en: str
    message_fr: str

    def message(self, lang: str = "en") -> str:
        """In ``lang`` (French or English), else in the other language."""
        return (self.message_fr if lang == "fr" else self.message_en) or self.message_en or self.message_fr


@dataclass
class Violation(ShapeMessage):
    focus: str
    path: str | None
    value: str | None
    severity: str
    component: str
    shape: str | None
    message_en: str
    message_fr: str


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    graph: Graph | None = None
    triples: int = 0
    #: Results of another severity (sh:Warning: a fact no source gave, such as a start date); never a failure.
    warnings: list[Violation] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(
            {"conforms": self.conforms, "triples": self.triples, "violations": [asdict(v) for v in self.violations],
             "warnings": [asdict(v) for v in self.warnings]},
            ensure_ascii=False,
            indent=2,
        )

    def to_text(self, lang: str = "en") -> str:
        if self.conforms:
            lines = [f"Conforms: {self.triples} triples checked, no violation"
                     + (f"; {len(self.warnings)} warning(s) (facts no source gave):" if self.warnings else ".")]
        else:
            lines = [f"Does not conform: {len(self.violations)} violation(s) in {self.triples} triples"
                     + (f", and {len(self.warnings)} warning(s)." if self.warnings else ".")]
        for v in self.violations + self.warnings:
            where = v.focus + (f" {_short(v.path)}" if v.path else "")
            lines.append(f"- [{_short(v.severity)}] {where}: {v.message(lang)}" + (f" (value: {v.value})" if v.value else ""))
        return "\n".join(lines)

    def to_turtle(self) -> str:
        from .rdfwrite import turtle

        assert self.graph is not None
        return turtle(self.graph)


def _short(iri: str | None) -> str:
    if not iri:
        return ""
    for sep in ("#", "/"):
        if sep in iri:
            return iri.rsplit(sep, 1)[1]
    return iri


def load_rdf_files(paths, into: Graph | None = None) -> Graph:
    """Parse Turtle/RDF files (or all RDF files under directories) into one rdflib graph."""
    from .errors import LoadError
    from .formats import rdf_format_for_path
    from .store import expand_sources

    g = into if into is not None else Graph()
    rdflib_names = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml", "nquads": "nquads", "trig": "trig"}
    for src in expand_sources(paths):
        fmt = rdflib_names[rdf_format_for_path(src.name) or "turtle"]
        try:
            g.parse(src.name, format=fmt)
        except Exception as e:  # rdflib raises many parser-specific types
            raise LoadError(src.name, str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__) from None
    return g


def shapes_graph(directory: Path = SHAPES_DIR, languages: list[str] | None = None) -> Graph:
    shapes = load_rdf_files([directory])
    return with_node_languages(shapes, languages) if languages else shapes


#: The shapes whose ``sh:languageIn`` lists the node's own languages (a record's label must be in one of them).
#: The shapes files keep the French node's list, ("fr" "en"), so that they stay plain SHACL any engine (pyshacl,
#: Jena, the SPARQL compiler) reads as is; the node's profile (node.toml, ``languages``) replaces it here, in the
#: shapes graph, before validating. Why not a list per node in shapes/: the shapes are shared by every node and
#: checked by harvesting peers; a node changes which languages it writes in, not the contract. The reference
#: vocabularies' shapes (tsc_graph/shapes/reference.ttl: a French and an English label on every shared term) are not
#: node-specific and keep their fixed languages.
NODE_LANGUAGE_SHAPES = ("https://w3id.org/tsc-graph/shapes#NodeLabelShape",)
DEFAULT_NODE_LANGUAGES = ("fr", "en")


def with_node_languages(shapes: Graph, languages) -> Graph:
    """A copy of ``shapes`` in which the node-language shapes accept ``languages`` (and say so in their messages);
    ``shapes`` itself when they are the default ones."""
    from rdflib.collection import Collection

    languages = [str(t) for t in languages]
    if tuple(languages) == DEFAULT_NODE_LANGUAGES:
        return shapes
    out = Graph()
    for prefix, ns in shapes.namespaces():
        out.bind(prefix, ns)
    out += shapes
    tags = ", ".join(f"@{t}" for t in languages)
    for iri in NODE_LANGUAGE_SHAPES:
        shape = URIRef(iri)
        for qualified in list(out.objects(shape, SH.qualifiedValueShape)):
            for old in list(out.objects(qualified, SH.languageIn)):
                Collection(out, old).clear()
                out.remove((qualified, SH.languageIn, old))
                new = BNode()
                Collection(out, new, [Literal(t) for t in languages])
                out.add((qualified, SH.languageIn, new))
        if (shape, SH.message, None) in out:
            out.remove((shape, SH.message, None))
            out.add((shape, SH.message, Literal(
                f"La ressource doit avoir au moins un rdfs:label dans une des langues du nœud ({tags}).", lang="fr")))
            out.add((shape, SH.message, Literal(
                f"The resource must have at least one rdfs:label in one of the node's languages ({tags}).", lang="en")))
    return out


def ontology_graph(directory: Path = ONTOLOGY_DIR) -> Graph:
    return load_rdf_files([directory])


#: Below this many triples one process validates: forking costs more than it saves.
PARALLEL_THRESHOLD = 20_000
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def load_oxigraph(paths, into=None):
    """Parse RDF files (or all RDF files under directories) into an in-memory Oxigraph store (~1M triples/s:
    what validating a million triples needs; rdflib takes 20 s and 8 GB for them). Each file goes to the
    default graph, through the parser path and guards of ``load`` (``store.oxigraph.parse_source``); malformed
    input raises LoadError naming file, line and column."""
    import pyoxigraph as ox

    from .store import expand_sources
    from .store.oxigraph import parse_source

    store = into if into is not None else ox.Store()
    for src in expand_sources(paths):
        store.bulk_extend(parse_source(src))
    return store


def validate(data, shapes: Graph | None = None, ontology: Graph | None = None,
             workers: int | None = None, engine: str = "sparql", languages: list[str] | None = None) -> ValidationReport:
    """Validate ``data`` (an rdflib Graph, or a pyoxigraph Store whose graphs are read as one) against our
    shapes; the ontology, when given, is mixed in so sh:class sees declared types.

    ``engine="sparql"`` (default): compiled constraints on Oxigraph, pyshacl for the shapes left over (see the
    module docstring). ``engine="pyshacl"``: pyshacl only, in forked processes for large graphs, each checking a
    share of the targeted shapes against the same data (inherited copy-on-write, never re-parsed).

    ``languages``: the node's languages (its profile's), which a record's label must be in
    (``with_node_languages``); None: the shapes' own list (fr, en).
    """
    shapes = shapes if shapes is not None else shapes_graph()
    if languages:
        shapes = with_node_languages(shapes, languages)
    if engine == "sparql":
        return _validate_sparql(data, shapes, ontology)
    if engine != "pyshacl":
        raise ValueError(f"unknown SHACL engine {engine!r}")
    if not isinstance(data, Graph):
        data = _to_rdflib(data)
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if len(data) >= PARALLEL_THRESHOLD else 1
    can_fork = "fork" in mp.get_all_start_methods() and not mp.current_process().daemon  # daemons have no children
    groups = _partition_shapes(shapes, data, workers) if workers > 1 and can_fork else []
    if len(groups) < 2:
        return _report(_run_pyshacl(data, shapes, ontology), len(data))
    global _FORKED
    _FORKED = (data, shapes, ontology, groups)
    try:
        with mp.get_context("fork").Pool(len(groups)) as pool:
            parts = pool.map(_validate_share, range(len(groups)))
    finally:
        _FORKED = None
    merged = Graph()
    merged.bind("sh", SH)
    report_node = BNode()
    merged.add((report_node, RDF.type, SH.ValidationReport))
    conforms = True
    for part_conforms, ntriples in parts:
        conforms = conforms and part_conforms
        part = Graph().parse(data=ntriples, format="nt")
        for old_report in part.subjects(RDF.type, SH.ValidationReport):
            for result in part.objects(old_report, SH.result):
                merged.add((report_node, SH.result, result))
            part.remove((old_report, None, None))
        merged += part
    merged.add((report_node, SH.conforms, Literal(conforms)))
    return _report((conforms, merged), len(data))


_FORKED: tuple | None = None


def _validate_sparql(data, shapes: Graph, ontology: Graph | None) -> ValidationReport:
    import pyoxigraph as ox

    from .shacl_sparql import compile_shapes, report_graph, run_checks, to_oxigraph

    checks, left = compile_shapes(shapes)
    if isinstance(data, Graph):
        store = ox.Store()
        store.bulk_extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in data)
        triples = len(data)
    else:
        store, triples = data, len(data)
    if ontology is not None:
        store.bulk_extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in ontology)
    results = run_checks(store, checks)
    if isinstance(data, Graph):
        _restore_lexical_forms(results, data)
    conforms = not any(r.severity == SH.Violation for r in results)
    graph = report_graph(results, conforms)
    if left:  # shapes the compiler does not translate: pyshacl, on those shapes only
        rdflib_data = data if isinstance(data, Graph) else _to_rdflib(data)
        share = Graph()
        for triple in shapes:
            if triple[1] in _TARGETS and triple[0] not in set(left):
                continue
            share.add(triple)
        part_conforms, part = _run_pyshacl(rdflib_data, share, ontology)
        conforms = conforms and part_conforms
        report_node = next(graph.subjects(RDF.type, SH.ValidationReport))
        for old_report in list(part.subjects(RDF.type, SH.ValidationReport)):
            for result in part.objects(old_report, SH.result):
                graph.add((report_node, SH.result, result))
            part.remove((old_report, None, None))
        graph += part
        graph.set((report_node, SH.conforms, Literal(conforms)))
    return _report((conforms, graph), triples)


def _restore_lexical_forms(results, data: Graph) -> None:
    """Oxigraph stores numbers and dates as values ("-5000.00"^^xsd:decimal comes back as "-5000"): report the
    value as written in the data, as pyshacl does."""
    for r in results:
        if isinstance(r.value, Literal) and r.path is not None and r.value.datatype is not None:
            for written in data.objects(r.focus, r.path):
                if isinstance(written, Literal) and written.datatype == r.value.datatype and written.eq(r.value):
                    r.value = written
                    break


def _to_rdflib(store) -> Graph:
    """The quads of an Oxigraph store as one rdflib graph (pyshacl's input)."""
    from .shacl_sparql import to_rdflib

    g = Graph()
    for q in store:
        g.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return g


def _validate_share(index: int) -> tuple[bool, str]:
    """In a forked child: validate with only this share's targets kept in the shapes graph."""
    data, shapes, ontology, groups = _FORKED
    keep = groups[index]
    share = Graph()
    for triple in shapes:
        if triple[1] in _TARGETS and triple[0] not in keep:
            continue
        share.add(triple)
    conforms, report = _run_pyshacl(data, share, ontology)
    return conforms, report.serialize(format="nt")


def _partition_shapes(shapes: Graph, data: Graph, workers: int) -> list[set]:
    """Split the targeted shapes into ``workers`` groups of about equal cost (focus nodes × constraints)."""
    costs = {}
    for shape in {s for t in _TARGETS for s in shapes.subjects(t, None)}:
        focus = 0
        for cls in shapes.objects(shape, SH.targetClass):
            focus += sum(1 for _ in data.subjects(RDF.type, cls))
        focus += sum(1 for _ in shapes.objects(shape, SH.targetNode))
        for p in shapes.objects(shape, SH.targetSubjectsOf):
            focus += sum(1 for _ in data.subject_objects(p))
        for p in shapes.objects(shape, SH.targetObjectsOf):
            focus += sum(1 for _ in data.subject_objects(p))
        if any(shapes.objects(shape, SH.target)):
            focus += len(data) // 10  # SPARQL-based target: unknown size, assume large
        costs[shape] = max(focus, 1) * (1 + sum(1 for _ in shapes.objects(shape, SH.property)))
    groups: list[tuple[int, set]] = [(0, set()) for _ in range(max(1, min(workers, len(costs))))]
    for shape, cost in sorted(costs.items(), key=lambda kv: -kv[1]):
        groups.sort(key=lambda g: g[0])
        total, members = groups[0]
        members.add(shape)
        groups[0] = (total + cost, members)
    return [members for _, members in groups if members]


def _run_pyshacl(data: Graph, shapes: Graph, ontology: Graph | None) -> tuple[bool, Graph]:
    from pyshacl import validate as shacl_validate

    conforms, report_graph, _ = shacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
        inplace=ontology is None,  # nothing to mix in and no inference: no need to copy the data graph
    )
    return bool(conforms), report_graph


def _report(result: tuple[bool, Graph], triples: int) -> ValidationReport:
    conforms, report_graph = result
    results = _violations(report_graph)
    return ValidationReport(conforms=conforms, violations=[v for v in results if is_violation(v)], graph=report_graph,
                            triples=triples, warnings=[v for v in results if not is_violation(v)])


def _violations(report: Graph) -> list[Violation]:
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        msgs = {"en": "", "fr": ""}
        # sorted: a shape given messages in two files has two per language; always show the same one
        for m in sorted(report.objects(result, SH.resultMessage), key=lambda m: (str(getattr(m, "language", "")), str(m))):
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


