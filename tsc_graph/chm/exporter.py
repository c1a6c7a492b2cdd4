"""RDF → clearing-house JSON records: the reverse of :mod:`tsc_graph.chm.importer`, from the same table.

Why it works on any data, not only imported data: a French actor written in Turtle exports as an
``organization`` record too (uid = dcterms:identifier, else the last IRI segment; themes without a CBD subject
get the crosswalk's subject), so a node can hand its own data to the clearing-house.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from ..namespaces import TSCV, VCARD
from .mapping import EXPORT_TYPES, RECORD_TYPES, Field, RecordType
from .terms import SCHEMES, THEME_SUBJECTS, chm_identifier

Node = URIRef | BNode | Literal


def _sorted(nodes) -> list:
    return sorted(set(nodes), key=lambda n: (str(n), getattr(n, "language", None) or ""))


def record_uid(g: Graph, node: URIRef) -> str:
    ident = g.value(node, DCTERMS.identifier)
    if ident is not None:
        return str(ident)
    last = str(node).rstrip("/").rsplit("/", 1)[-1]
    return last.removeprefix("chm-")


def _source_record(g: Graph, node: URIRef) -> URIRef | None:
    return next((r for r in _sorted(g.objects(node, PROV.wasDerivedFrom)) if (r, DCTERMS.type, None) in g), None)


def record_type_of(g: Graph, node: URIRef) -> RecordType | None:
    """The record type a resource exports as: its source record's type if it has one, else by class."""
    classes = set(g.objects(node, RDF.type))
    rec = _source_record(g, node)
    if rec is not None:
        rt = RECORD_TYPES.get(str(g.value(rec, DCTERMS.type)))
        if rt is not None and rt.rdf_class in classes:
            return rt
    for cls, schema in EXPORT_TYPES.items():
        if cls in classes:
            return RECORD_TYPES[schema]
    return None


def _set(record: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    cur = record
    for p in parts[:-1]:
        cur = cur.setdefault(p, {})
    cur[parts[-1]] = value


def _json_number(lit: Literal) -> int | float:
    d = Decimal(str(lit))
    return int(d) if d == d.to_integral_value() else float(d)


class RecordExporter:
    def __init__(self, graph: Graph):
        self.g = graph

    def resources(self, types: list[str] | None = None) -> list[tuple[URIRef, RecordType]]:
        out = []
        for node in set(self.g.subjects(RDF.type, None)):
            if not isinstance(node, URIRef):
                continue
            rt = record_type_of(self.g, node)
            if rt is not None and (not types or rt.schema in types):
                out.append((node, rt))
        order = list(RECORD_TYPES)
        return sorted(out, key=lambda x: (order.index(x[1].schema), record_uid(self.g, x[0])))

    def export(self, types: list[str] | None = None) -> list[dict[str, Any]]:
        return [self.record(node, rt) for node, rt in self.resources(types)]

    def record(self, node: URIRef, rt: RecordType) -> dict[str, Any]:
        g = self.g
        uid = record_uid(g, node)
        out: dict[str, Any] = {"header": {"identifier": uid, "schema": rt.schema, "languages": []}}
        rec = _source_record(g, node)
        for f in rt.mapped:
            if f.path in ("header.identifier", "header.schema"):
                continue
            subject: Node | None = rec if f.on == "record" else node
            if f.via is not None:
                subject = g.value(node, f.via)
            if subject is None:
                continue
            values = self._values(subject, f, out)
            if values:
                _set(out, f.path, values if f.many else values[0])
        if not out["header"]["languages"]:
            langs = sorted({lit.language for lit in g.objects(node, None) if isinstance(lit, Literal) and lit.language})
            out["header"]["languages"] = langs or ["en"]
        return out

    def _values(self, s: Node, f: Field, out: dict[str, Any]) -> list[Any]:
        g = self.g
        assert f.prop is not None
        objs = _sorted(g.objects(s, f.prop))
        if f.overflow is not None:
            objs += [o for o in _sorted(g.objects(s, f.overflow)) if o not in objs]
        if f.exclude is not None:
            objs = [o for o in objs if (s, f.exclude, o) not in g]
        k = f.kind
        if k == "string":
            return [str(o) for o in objs if isinstance(o, Literal)]
        if k == "language":
            return [str(o) for o in objs if isinstance(o, Literal)]
        if k == "lstring":
            texts: dict[str, str] = {}
            for o in objs:
                if isinstance(o, Literal) and o.language:
                    texts.setdefault(o.language, str(o))
            return [texts] if texts else []
        if k == "plain-lstring":
            vals = [str(o) for o in objs if isinstance(o, Literal)]
            if not vals:
                return []
            langs = out["header"]["languages"] or ["en"]
            if len(vals) == 1:
                return [{lang: vals[0] for lang in langs}]
            return [{(langs[i] if i < len(langs) else f"x{i}"): v for i, v in enumerate(vals)}]
        if k == "term":
            scheme = SCHEMES[f.scheme or "chm"]
            ids = [scheme.to_identifier(o) for o in objs if isinstance(o, URIRef)]
            return [{"identifier": i} for i in ids if i is not None]
        if k == "subject":
            subjects = [chm_identifier(o) for o in _sorted(g.objects(s, f.also)) if isinstance(o, URIRef)] if f.also else []
            subjects = [x for x in subjects if x]
            for theme in objs:  # themes with no CBD subject of their own (data not imported from the CHM)
                slug = str(theme).removeprefix(f"{TSCV}theme/")
                canon = THEME_SUBJECTS.get(slug, (None, False))[0]
                if canon and canon not in subjects and not any(
                    SCHEMES["theme"].forward(x) == theme for x in subjects
                ):
                    subjects.append(canon)
            return [{"identifier": x} for x in subjects]
        if k == "record":
            return [{"identifier": record_uid(g, o)} for o in objs if isinstance(o, URIRef)]
        if k == "date":
            return [str(o) for o in objs if isinstance(o, Literal)]
        if k == "decimal":
            return [_json_number(o) for o in objs if isinstance(o, Literal)]
        if k == "link":
            return [{"url": str(o)} for o in (objs[:1] + [o for o in objs[1:]]) if isinstance(o, URIRef)]
        if k == "email":
            return [str(o).removeprefix("mailto:") for o in objs if isinstance(o, URIRef)]
        if k == "contact":
            return [self._contact(o) for o in objs]
        if k == "schema":
            return []
        raise ValueError(f"unknown value kind {k!r}")

    def _contact(self, node: Node) -> dict[str, Any]:
        g = self.g
        given, family, fn = (g.value(node, VCARD[p]) for p in ("given-name", "family-name", "fn"))
        c: dict[str, Any] = {}
        if given is not None:
            c["firstName"] = str(given)
        if family is not None:
            c["lastName"] = str(family)
        if given is None and family is None and fn is not None:
            c["lastName"] = str(fn)
        emails = sorted(str(e).removeprefix("mailto:") for e in g.objects(node, VCARD.hasEmail))
        if emails:
            c["emails"] = emails
        return c


def export_records(graph: Graph, types: list[str] | None = None) -> list[dict[str, Any]]:
    return RecordExporter(graph).export(types)
