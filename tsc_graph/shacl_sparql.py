"""SHACL Core constraints compiled to SPARQL and run by Oxigraph, because pyshacl is too slow for a node's data.

pyshacl checks every focus node in Python, one constraint at a time: 8-13 s for 100k triples, and a million
triples do not even fit its rdflib graph comfortably (20 s to parse, 8 GB). Most of our shapes are plain SHACL
Core, and each such constraint *is* a query: "the focus nodes of this shape whose values break this rule". This
module turns each (shape, constraint) into one SPARQL SELECT that returns the failing ``(focus node, value)``
pairs, runs it on an in-memory Oxigraph store, and writes the results pyshacl would write (same focus node, path,
value, severity, constraint component, source shape and messages; ``tests/test_shacl_sparql.py`` checks that on
every broken case of ``tests/test_shapes.py``).

Covered (what ``shapes/`` uses): targets ``sh:targetClass`` (SHACL instances: ``rdf:type/rdfs:subClassOf*``),
``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``; property shapes with an IRI path; ``sh:class``,
``sh:datatype``, ``sh:nodeKind``, ``sh:minCount``, ``sh:maxCount``, ``sh:pattern`` (+ ``sh:flags``),
``sh:languageIn``, ``sh:uniqueLang``, ``sh:in``, ``sh:hasValue``, ``sh:min/maxInclusive``,
``sh:min/maxExclusive``, ``sh:min/maxLength``, ``sh:lessThan(OrEquals)``, ``sh:qualifiedValueShape`` +
``sh:qualifiedMinCount``, ``sh:or`` and ``sh:not`` over shapes made of these. Anything else raises
:class:`NotCompilable`, and :func:`tsc_graph.validation.validate` hands that shape to pyshacl.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, XSD

from .namespaces import SH

RDF_TYPE = str(RDF.type)
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
LANG_STRING = str(RDF.langString)
#: XSD datatypes whose lexical forms Oxigraph can check (a cast to them fails on an ill-typed literal).
CHECKED_DATATYPES = {str(XSD[t]) for t in ("boolean", "integer", "decimal", "double", "float", "date", "dateTime",
                                           "time", "duration", "gYear", "gYearMonth", "dayTimeDuration",
                                           "yearMonthDuration")}
#: Parameters that make a shape carry a constraint (so we can tell when a shape has one we do not compile).
KNOWN = {SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.pattern, SH.flags, SH.languageIn,
         SH.uniqueLang, SH["in"], SH.hasValue, SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive,
         SH.minLength, SH.maxLength, SH.lessThan, SH.lessThanOrEquals, SH.qualifiedValueShape,
         SH.qualifiedMinCount, SH["or"], SH["not"]}
UNSUPPORTED = {SH["and"], SH.xone, SH.node, SH.closed, SH.ignoredProperties, SH.equals, SH.disjoint,
               SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint, SH.sparql, SH.target, SH.deactivated}
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


class NotCompilable(Exception):
    """A shape uses something this compiler does not translate: pyshacl validates it instead."""


@dataclass
class Check:
    """One compiled constraint: its query and how to turn each row into a validation result."""

    shape: URIRef | BNode  # the source shape
    component: str  # e.g. "MinCount" (→ sh:MinCountConstraintComponent)
    query: str  # returns ?this and, when the component reports one, ?value
    path: URIRef | None
    severity: URIRef
    messages: list[Literal] = field(default_factory=list)
    reports_value: bool = True
    #: for pair comparisons: keeps a row (value, other) only if pyshacl reports it (see ``pair_fails``)
    compare: str | None = None


@dataclass
class Result:
    focus: object  # rdflib terms
    path: URIRef | None
    value: object | None
    severity: URIRef
    component: URIRef
    shape: object
    messages: list[Literal]


# ------------------------------------------------------------------------------------------------------------
# SPARQL text
# ------------------------------------------------------------------------------------------------------------
def term(t) -> str:
    """A term of the shapes graph as SPARQL text."""
    if isinstance(t, URIRef):
        return f"<{_iri(t)}>"
    if isinstance(t, Literal):
        body = json.dumps(str(t), ensure_ascii=False)  # a JSON string is a valid SPARQL string literal
        if t.language:
            return f"{body}@{t.language}"
        return f"{body}^^<{_iri(t.datatype or XSD.string)}>"
    raise NotCompilable(f"a blank node cannot appear in a compiled query: {t!r}")


def _iri(t) -> str:
    text = str(t)
    if any(c in text for c in '<>"{}|^`\\ \n'):
        raise NotCompilable(f"IRI not usable in SPARQL: {text!r}")
    return text


def string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


class Compiler:
    """Compiles the shapes of one shapes graph (see the module docstring)."""

    def __init__(self, shapes: Graph):
        self.g = shapes

    # --- shapes graph helpers ----------------------------------------------------------------------
    def one(self, s, p):
        return self.g.value(s, p)

    def all(self, s, p) -> list:
        return list(self.g.objects(s, p))

    def items(self, lst) -> list:
        return list(Collection(self.g, lst))

    def severity(self, shape) -> URIRef:
        return self.one(shape, SH.severity) or SH.Violation

    def messages(self, shape) -> list[Literal]:
        return self.all(shape, SH.message)

    # --- top level -----------------------------------------------------------------------------------
    def top_level(self) -> list:
        """Shapes with targets (node shapes; property shapes with targets of their own)."""
        return sorted({s for t in TARGETS for s in self.g.subjects(t, None)}, key=str)

    def compile(self, shape) -> list[Check]:
        """Every check of a targeted shape and of its property shapes; NotCompilable if any part is not."""
        if self.one(shape, SH.deactivated) == Literal(True):
            return []
        focus = self.focus_pattern(shape)
        checks = []
        if self.one(shape, SH.path) is not None:  # a property shape with its own targets
            checks += self.property_checks(shape, focus)
        else:
            checks += self.node_checks(shape, focus)
        for prop in self.all(shape, SH.property):
            if self.one(prop, SH.deactivated) == Literal(True):
                continue
            checks += self.property_checks(prop, focus)
        return checks

    def focus_pattern(self, shape) -> str:
        parts = []
        for cls in self.all(shape, SH.targetClass):
            parts.append(f"?this <{RDF_TYPE}>/<{SUBCLASS}>* {term(cls)} .")
        nodes = self.all(shape, SH.targetNode)
        if nodes:
            parts.append(f"VALUES ?this {{ {' '.join(term(n) for n in nodes)} }}")
        for p in self.all(shape, SH.targetSubjectsOf):
            parts.append(f"?this {term(p)} ?any_o .")
        for p in self.all(shape, SH.targetObjectsOf):
            parts.append(f"?any_s {term(p)} ?this .")
        if self.all(shape, SH.target):
            raise NotCompilable("SHACL-SPARQL targets")
        if not parts:
            raise NotCompilable("a shape without targets")
        union = " UNION ".join(f"{{ {p} }}" for p in parts)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"

    def _unsupported(self, shape) -> None:
        for p in UNSUPPORTED:
            if (shape, p, None) in self.g:
                raise NotCompilable(f"{p} on {shape}")

    # --- constraints on the focus node itself ----------------------------------------------------------
    def node_checks(self, shape, focus: str) -> list[Check]:
        self._unsupported(shape)
        out = []
        for component, condition, _ in self.value_conditions(shape, "?value"):
            query = f"SELECT DISTINCT ?this ?value WHERE {{ {focus} BIND(?this AS ?value) FILTER({condition}) }}"
            out.append(self._check(shape, component, query, None))
        return out

    # --- property shapes -------------------------------------------------------------------------------
    def property_checks(self, prop, focus: str) -> list[Check]:
        self._unsupported(prop)
        path = self.one(prop, SH.path)
        if not isinstance(path, URIRef):
            raise NotCompilable(f"a path that is not an IRI on {prop}")
        p = term(path)
        out = []
        values = f"{focus} ?this {p} ?value ."
        for component, condition, _ in self.value_conditions(prop, "?value"):
            query = f"SELECT DISTINCT ?this ?value WHERE {{ {values} FILTER({condition}) }}"
            out.append(self._check(prop, component, query, path))
        n = self.one(prop, SH.minCount)
        if n is not None and int(n) > 0:
            query = (f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {p} ?value }} }} GROUP BY ?this "
                     f"HAVING (COUNT(DISTINCT ?value) < {int(n)})")
            out.append(self._check(prop, "MinCount", query, path, reports_value=False))
        n = self.one(prop, SH.maxCount)
        if n is not None:
            query = (f"SELECT ?this WHERE {{ {values} }} GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {int(n)})")
            out.append(self._check(prop, "MaxCount", query, path, reports_value=False))
        if self.one(prop, SH.uniqueLang) == Literal(True):
            query = (f"SELECT ?this WHERE {{ {values} BIND(LANG(?value) AS ?lang) FILTER(?lang != \"\") }} "
                     f"GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?value) > 1)")
            out.append(self._check(prop, "UniqueLang", query, path, reports_value=False))
        for value in self.all(prop, SH.hasValue):
            query = f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {p} {term(value)} }} }}"
            out.append(self._check(prop, "HasValue", query, path, reports_value=False))
        for param, component, op in ((SH.lessThan, "LessThan", "<"), (SH.lessThanOrEquals, "LessThanOrEquals", "<=")):
            for other in self.all(prop, param):  # one result per failing (value, other value) pair, as pyshacl
                query = (f"SELECT ?this ?value ?other WHERE {{ {values} ?this {term(other)} ?other "
                         f"FILTER(!COALESCE(?value {op} ?other, false)) }}")
                check = self._check(prop, component, query, path)
                check.compare = op
                out.append(check)
        qualified = self.one(prop, SH.qualifiedValueShape)
        if qualified is not None:
            n = self.one(prop, SH.qualifiedMinCount)
            if n is None:
                raise NotCompilable("sh:qualifiedValueShape without sh:qualifiedMinCount")
            condition = self.conforms(qualified, "?value")
            query = (f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {p} ?value FILTER({condition}) }} }} "
                     f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {int(n)})")
            out.append(self._check(prop, "QualifiedMinCount", query, path, reports_value=False))
        return out

    def _check(self, shape, component: str, query: str, path, reports_value: bool = True) -> Check:
        return Check(shape, component, query, path, self.severity(shape), self.messages(shape), reports_value)

    # --- value constraints, as SPARQL conditions that are TRUE when the value node FAILS ----------------
    def value_conditions(self, shape, v: str) -> Iterator[tuple[str, str, None]]:
        for cls in self.all(shape, SH["class"]):
            yield "Class", f"NOT EXISTS {{ {v} <{RDF_TYPE}>/<{SUBCLASS}>* {term(cls)} }}", None
        for dt in self.all(shape, SH.datatype):
            yield "Datatype", f"!({self.datatype_ok(dt, v)})", None
        kind = self.one(shape, SH.nodeKind)
        if kind is not None:
            yield "NodeKind", f"!({self.node_kind_ok(kind, v)})", None
        pattern = self.one(shape, SH.pattern)
        if pattern is not None:
            yield "Pattern", f"!({self.pattern_ok(shape, pattern, v)})", None
        langs = self.one(shape, SH.languageIn)
        if langs is not None:
            yield "LanguageIn", f"!({self.language_ok(langs, v)})", None
        allowed = self.one(shape, SH["in"])
        if allowed is not None:
            yield "In", f"!({self.in_ok(allowed, v)})", None
        for param, component, op in ((SH.minInclusive, "MinInclusive", ">="), (SH.maxInclusive, "MaxInclusive", "<="),
                                     (SH.minExclusive, "MinExclusive", ">"), (SH.maxExclusive, "MaxExclusive", "<")):
            bound = self.one(shape, param)
            if bound is not None:
                yield component, f"!COALESCE({v} {op} {term(bound)}, false)", None
        for param, component, op in ((SH.minLength, "MinLength", ">="), (SH.maxLength, "MaxLength", "<=")):
            n = self.one(shape, param)
            if n is not None:
                yield component, f"!COALESCE(!isBlank({v}) && STRLEN(STR({v})) {op} {int(n)}, false)", None
        alternatives = self.one(shape, SH["or"])
        if alternatives is not None:
            either = " || ".join(f"({self.conforms(s, v)})" for s in self.items(alternatives))
            yield "Or", f"!({either or 'false'})", None
        for negated in self.all(shape, SH["not"]):
            yield "Not", f"({self.conforms(negated, v)})", None

    def datatype_ok(self, dt, v: str) -> str:
        if str(dt) == LANG_STRING:
            return f"isLiteral({v}) && LANG({v}) != \"\""
        ok = f"isLiteral({v}) && sameTerm(DATATYPE({v}), {term(dt)})"
        if str(dt) in CHECKED_DATATYPES:  # an ill-typed literal ("2025-13-45"^^xsd:date) fails too
            ok += f" && COALESCE(sameTerm(<{dt}>(STR({v})), <{dt}>(STR({v}))), false)"
        return ok

    @staticmethod
    def node_kind_ok(kind, v: str) -> str:
        tests = {"IRI": f"isIRI({v})", "Literal": f"isLiteral({v})", "BlankNode": f"isBlank({v})",
                 "BlankNodeOrIRI": f"(isBlank({v}) || isIRI({v}))", "BlankNodeOrLiteral": f"(isBlank({v}) || isLiteral({v}))",
                 "IRIOrLiteral": f"(isIRI({v}) || isLiteral({v}))"}
        name = str(kind).rsplit("#", 1)[-1]
        if name not in tests:
            raise NotCompilable(f"sh:nodeKind {kind}")
        return tests[name]

    def pattern_ok(self, shape, pattern, v: str) -> str:
        flags = self.one(shape, SH.flags)
        args = f"STR({v}), {string(str(pattern))}" + (f", {string(str(flags))}" if flags is not None else "")
        return f"!isBlank({v}) && COALESCE(REGEX({args}), false)"

    def language_ok(self, langs, v: str) -> str:
        ranges = [str(x) for x in self.items(langs)]
        if not ranges:
            return "false"
        return f"isLiteral({v}) && (" + " || ".join(f"langMatches(LANG({v}), {string(r)})" for r in ranges) + ")"

    def in_ok(self, allowed, v: str) -> str:
        values = self.items(allowed)
        if not values:
            return "false"
        return " || ".join(f"sameTerm({v}, {term(x)})" for x in values)

    # --- does a value node conform to a (nested) shape? --------------------------------------------------
    def conforms(self, shape, v: str) -> str:
        """A SPARQL condition, TRUE when the node ``v`` conforms to ``shape`` (used by sh:or, sh:not and
        qualified value shapes)."""
        self._unsupported(shape)
        for p, _ in self.g.predicate_objects(shape):
            if p.startswith(str(SH)) and p not in KNOWN | {SH.path, SH.message, SH.severity, SH.name, SH.description,
                                                           SH.order, SH.group} | set(TARGETS) | {SH.property}:
                raise NotCompilable(f"{p} in a nested shape")
        conditions = []
        path = self.one(shape, SH.path)
        if path is not None:
            if not isinstance(path, URIRef):
                raise NotCompilable("a path that is not an IRI in a nested shape")
            conditions += self.nested_property(shape, path, v)
        else:
            conditions += [f"!({fails})" for _, fails, _ in self.value_conditions(shape, v)]
            for prop in self.all(shape, SH.property):
                conditions += self.nested_property(prop, self.one(prop, SH.path), v)
        return " && ".join(conditions) if conditions else "true"

    def nested_property(self, prop, path, v: str) -> list[str]:
        """Conditions for ``v`` to conform to a property shape (counts 0/1 only: no aggregate in an expression)."""
        if not isinstance(path, URIRef):
            raise NotCompilable("a path that is not an IRI in a nested shape")
        p = term(path)
        out = []
        n = self.one(prop, SH.minCount)
        if n is not None and int(n) > 1:
            raise NotCompilable("sh:minCount above 1 in a nested shape")
        if n is not None and int(n) == 1:
            out.append(f"EXISTS {{ {v} {p} ?nested_value }}")
        n = self.one(prop, SH.maxCount)
        if n is not None:
            if int(n) != 0:
                raise NotCompilable("sh:maxCount above 0 in a nested shape")
            out.append(f"NOT EXISTS {{ {v} {p} ?nested_value }}")
        for value in self.all(prop, SH.hasValue):
            out.append(f"EXISTS {{ {v} {p} {term(value)} }}")
        fails = [f for _, f, _ in self.value_conditions(prop, "?nested_value")]
        if fails:
            out.append(f"NOT EXISTS {{ {v} {p} ?nested_value FILTER({' || '.join(fails)}) }}")
        qualified = self.one(prop, SH.qualifiedValueShape)
        if qualified is not None:
            n = int(self.one(prop, SH.qualifiedMinCount) or 0)
            if n > 1 or self.one(prop, SH.qualifiedMaxCount) is not None:
                raise NotCompilable("qualified counts above 1 in a nested shape")
            if n == 1:
                inner = self.conforms(qualified, "?nested_value")
                out.append(f"EXISTS {{ {v} {p} ?nested_value FILTER({inner}) }}")
        if self.one(prop, SH.uniqueLang) == Literal(True) or self.all(prop, SH.lessThan) or self.all(prop, SH.lessThanOrEquals):
            raise NotCompilable("pair constraints in a nested shape")
        return out


# ------------------------------------------------------------------------------------------------------------
# running
# ------------------------------------------------------------------------------------------------------------
def compile_shapes(shapes: Graph) -> tuple[list[Check], list]:
    """(checks, shapes left to pyshacl) for every targeted shape of ``shapes``."""
    compiler = Compiler(shapes)
    checks, left = [], []
    for shape in compiler.top_level():
        try:
            checks += compiler.compile(shape)
        except NotCompilable:
            left.append(shape)
    return checks, left


def run_checks(store: ox.Store, checks: list[Check]) -> list[Result]:
    """Run every check on ``store`` (its default graph = the union of its graphs)."""
    out = []
    for check in checks:
        component = SH[check.component + "ConstraintComponent"]
        for row in store.query(check.query, use_default_graph_as_union=True):
            value = to_rdflib(row["value"]) if check.reports_value else None
            if check.compare and not pair_fails(value, to_rdflib(row["other"]), check.compare):
                continue
            out.append(Result(to_rdflib(row["this"]), check.path, value, check.severity, component, check.shape,
                              check.messages))
    return out


def pair_fails(value, other, op: str) -> bool:
    """Whether pyshacl reports a (value, other) pair of sh:lessThan(OrEquals) that SPARQL found failing or not
    comparable: it compares strings with strings (IRIs, plain literals) and other literals by rdflib's ordering
    (a date and a date-time, which SPARQL cannot compare, pass there)."""
    def plain(t):
        if isinstance(t, URIRef):
            return str(t), True
        if isinstance(t, Literal) and isinstance(t.value, str):
            return t.value, True
        return t, False

    a, a_text = plain(value)
    b, b_text = plain(other)
    if a_text != b_text:
        return True
    try:
        return not (a < b if op == "<" else a <= b)
    except TypeError:
        return True


def to_rdflib(t):
    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if t.language:
        return Literal(t.value, lang=t.language)
    if t.datatype.value == XSD_STRING:  # rdflib writes plain literals without a datatype
        return Literal(t.value)
    return Literal(t.value, datatype=URIRef(t.datatype.value))


XSD_STRING = str(XSD.string)


def to_oxigraph(t):
    if isinstance(t, URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, BNode):
        return ox.BlankNode(str(t))
    if t.language:
        return ox.Literal(str(t), language=t.language)
    return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype or XSD.string)))


def report_graph(results: list[Result], conforms: bool) -> Graph:
    """The results as a SHACL validation report graph (what pyshacl returns)."""
    g = Graph()
    g.bind("sh", SH)
    report = BNode()
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(conforms)))
    for r in results:
        node = BNode()
        g.add((report, SH.result, node))
        g.add((node, RDF.type, SH.ValidationResult))
        g.add((node, SH.focusNode, r.focus))
        if r.path is not None:
            g.add((node, SH.resultPath, r.path))
        if r.value is not None:
            g.add((node, SH.value, r.value))
        g.add((node, SH.resultSeverity, r.severity))
        g.add((node, SH.sourceConstraintComponent, r.component))
        g.add((node, SH.sourceShape, r.shape))
        for m in r.messages:
            g.add((node, SH.resultMessage, m))
    return g
