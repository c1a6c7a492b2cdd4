"""RDF → clearing-house JSON records: the reverse of :mod:`tsc_graph.chm.importer`, from the same table.

Why it works on any data, not only imported data: a French actor written in Turtle exports as an
``organization`` record too (uid = dcterms:identifier, else the last IRI segment; themes without a CBD subject
get the crosswalk's subject), so a node can hand its own data to the clearing-house.

Why the kept fields are compared before they are written: a record imported from the clearing-house carries, on
its source-record node, the fields the RDF cannot give back exactly (``tsc:sourceFields``), each with what the RDF
said at import. If the RDF still says that, the original JSON value is written (a lossless round trip); if the
data was edited since, the RDF wins.

Why illustrative data is left out: the clearing-house publishes facts; a resource marked
``tsc:evidence tscv:evidence/illustrative`` is not one. ``include_illustrative`` exports it anyway, marked with
``"tscEvidence": "illustrative"`` (which the import reads back).
"""
from __future__ import annotations

import json
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from ..namespaces import TSC, TSCV, VCARD
from .identity import REVISION, SOURCE_FIELDS, canonical, slug, split_revision
from .mapping import EVIDENCE_KEY, EXPORT_TYPES, NODES, RECORD_TYPES, Field, RecordType
from .terms import SCHEMES, chm_identifier, theme_subject

Node = URIRef | BNode | Literal
ILLUSTRATIVE = URIRef(f"{TSCV}evidence/illustrative")


def _sorted(nodes) -> list:
    return sorted(set(nodes), key=lambda n: (str(n), getattr(n, "language", None) or ""))


def record_uid(g: Graph, node: URIRef) -> str:
    """The uid a resource exports under: its dcterms:identifier, else the last IRI segment (without ``chm-``)."""
    ident = g.value(node, DCTERMS.identifier)
    if ident is not None:
        return str(ident)
    last = str(node).rstrip("/").rsplit("/", 1)[-1]
    return last.removeprefix("chm-")


def source_record(g: Graph, node: URIRef) -> URIRef | None:
    return next((r for r in _sorted(g.objects(node, TSC.sourceRecord)) if (r, DCTERMS.type, None) in g), None)


def record_type_of(g: Graph, node: URIRef) -> RecordType | None:
    """The record type a resource exports as, or None.

    A resource made from a record exports as that record's type, and only if it is the record's own resource
    (same identifier): the actors minted for a commitment's organisation are part of the commitment record.
    """
    classes = set(g.objects(node, RDF.type))
    rec = source_record(g, node)
    if rec is not None:
        rt = RECORD_TYPES.get(str(g.value(rec, DCTERMS.type)))
        same = g.value(node, DCTERMS.identifier) == g.value(rec, DCTERMS.identifier)
        if rt is not None and rt.rdf_class in classes and same:
            return rt
        if not same:
            return None
    for cls, schema in EXPORT_TYPES.items():
        if cls in classes:
            return RECORD_TYPES[schema]
    return None


class RecordExporter:
    def __init__(self, graph: Graph, include_illustrative: bool = False):
        self.g = graph
        self.include_illustrative = include_illustrative
        self.skipped_illustrative: list[URIRef] = []

    def resources(self, types: list[str] | None = None) -> list[tuple[URIRef, RecordType]]:
        out = []
        for node in set(self.g.subjects(RDF.type, None)):
            if not isinstance(node, URIRef):
                continue
            rt = record_type_of(self.g, node)
            if rt is None or (types and rt.schema not in types):
                continue
            if (node, TSC.evidence, ILLUSTRATIVE) in self.g and not self.include_illustrative:
                self.skipped_illustrative.append(node)
                continue
            out.append((node, rt))
        order = list(RECORD_TYPES)
        return sorted(out, key=lambda x: (order.index(x[1].schema), record_uid(self.g, x[0])))

    def export(self, types: list[str] | None = None) -> list[dict[str, Any]]:
        """Records of the mapped types (only ``types`` if given), then, unless ``types``, the records kept unmapped."""
        records = [self.record(node, rt) for node, rt in self.resources(types)]
        return records if types else records + self.unmapped()

    def unmapped(self) -> list[dict[str, Any]]:
        """Records of types the mapping does not know, as imported: every field from ``tsc:sourceFields``.

        Why only source-record nodes no resource points to: a mapped record's source-record node keeps only the
        fields the RDF does not give back; it is exported through its resource.
        """
        out = []
        for rec in set(self.g.subjects(SOURCE_FIELDS, None)):
            schema = self.g.value(rec, DCTERMS.type)
            if schema is None or str(schema) in RECORD_TYPES or (None, TSC.sourceRecord, rec) in self.g:
                continue
            kept = json.loads(str(self.g.value(rec, SOURCE_FIELDS)))
            record = {key: k["value"] for key, k in kept.items() if isinstance(k, dict) and "value" in k}
            if not isinstance(record.get("header"), dict):
                continue
            if record.get(EVIDENCE_KEY) == "illustrative" and not self.include_illustrative:
                self.skipped_illustrative.append(rec)
                continue
            out.append(record)
        return sorted(out, key=lambda r: (str(r["header"].get("schema")), str(r["header"].get("identifier"))))

    # --- one record -----------------------------------------------------------------------------------------
    def record(self, node: URIRef, rt: RecordType) -> dict[str, Any]:
        """The record: rebuilt from the RDF, with the kept original of every field the RDF still agrees with."""
        rebuilt = self.fields(node, rt)
        rec = source_record(self.g, node)
        kept_text = self.g.value(rec, SOURCE_FIELDS) if rec is not None else None
        kept: dict[str, Any] = json.loads(str(kept_text)) if kept_text is not None else {}
        out: dict[str, Any] = {}
        for key in list(rebuilt) + [k for k in kept if k not in rebuilt]:
            k = kept.get(key)
            now = rebuilt.get(key)
            if k is None:
                out[key] = now
            elif "rdf" not in k:
                out[key] = k["value"]
            elif canonical(now) == canonical(k["rdf"]):
                if not k.get("absent"):
                    out[key] = k["value"]
            elif now is not None:
                out[key] = now
        if (node, TSC.evidence, ILLUSTRATIVE) in self.g:
            out[EVIDENCE_KEY] = "illustrative"
        return out

    def fields(self, node: URIRef, rt: RecordType) -> dict[str, Any]:
        """Every field the RDF gives, by top-level key (the header as one object)."""
        g = self.g
        rec = source_record(g, node)
        out: dict[str, Any] = {"header": {"identifier": record_uid(g, node), "schema": rt.schema}}
        for f in rt.mapped:
            if f.path in ("header.identifier", "header.schema"):
                continue
            subject = self._subject(node, rec, f)
            if subject is None:
                continue
            values = self._values(subject, f, rec, out)
            if not values:
                continue
            if f.path.startswith("header."):
                out["header"][f.path.split(".", 1)[1]] = values
            else:
                out[f.path] = values if f.many else values[0]
        if "languages" not in out["header"]:
            langs = sorted({lit.language for lit in g.objects(node, None) if isinstance(lit, Literal) and lit.language})
            out["header"]["languages"] = langs or ["en"]
        return out

    def _subject(self, node: URIRef, rec: URIRef | None, f: Field) -> Node | None:
        if f.node == "resource":
            return node
        if f.node == "record":
            return rec
        return self._node(node, f.node)

    def _node(self, node: URIRef, name: str) -> Node | None:
        spec = NODES[name]
        parent = node if spec.parent == "resource" else self._node(node, spec.parent)
        if parent is None:
            return None
        for o in _sorted(self.g.objects(parent, spec.link)):
            if all((o, RDF.type, c) in self.g for c in spec.classes) and (spec.mint is not None) == isinstance(o, URIRef):
                return o
        return None

    def _values(self, s: Node, f: Field, rec: URIRef | None, out: dict[str, Any]) -> list[Any]:
        g = self.g
        assert f.prop is not None
        objs = _sorted(g.objects(s, f.prop))
        if f.overflow is not None:
            objs += [o for o in _sorted(g.objects(s, f.overflow)) if o not in objs]
        if f.other is not None:
            objs += [o for o in _sorted(g.objects(s, f.other)) if o not in objs]
        if f.exclude is not None:
            objs = [o for o in objs if (s, f.exclude, o) not in g]
        k = f.kind
        literals = [o for o in objs if isinstance(o, Literal)]
        iris = [o for o in objs if isinstance(o, URIRef)]
        if k in ("string", "language", "date", "phone", "identifier"):
            return [str(o) for o in literals]
        if k == "lstring":
            texts: dict[str, str] = {}
            for o in literals:
                if o.language:
                    texts.setdefault(o.language, str(o))
            if texts:
                return [texts]
            return [str(literals[0])] if literals else []
        if k == "plain-lstring":
            vals = [str(o) for o in literals]
            if not vals:
                return []
            langs = out["header"].get("languages") or ["en"]
            if len(vals) == 1:
                return [{lang: vals[0] for lang in langs}]
            return [{(langs[i] if i < len(langs) else f"x{i}"): v for i, v in enumerate(vals)}]
        if k == "term":
            scheme = SCHEMES[f.scheme or "chm"]
            ids = [scheme.to_identifier(o) for o in iris]
            return [{"identifier": i} for i in ids if i is not None]
        if k == "subject":
            assert f.also is not None
            subjects = [x for x in (chm_identifier(o) for o in _sorted(g.objects(s, f.also)) if isinstance(o, URIRef)) if x]
            for theme in iris:  # themes with no CBD subject of their own (data not imported from the CHM)
                canon = theme_subject(theme)
                if canon and canon not in subjects and not any(SCHEMES["theme"].to_iri(x)[0] == theme for x in subjects):
                    subjects.append(canon)
            return [{"identifier": x} for x in subjects]
        if k in ("record", "contact"):
            values: list[Any] = []
            for o in objs:
                if isinstance(o, URIRef) and f"/id/{f.scheme}/" in str(o):
                    values.append({"identifier": self._reference(rec, o)})
                elif isinstance(o, BNode) and k == "contact":
                    values.append(self._inline_contact(o))
            return values
        if k == "contact-type":
            return ["organization" if (s, RDF.type, VCARD.Organization) in g else "person"] if \
                {VCARD.Organization, VCARD.Individual} & set(g.objects(s, RDF.type)) else []
        if k == "usd":
            return [str(o) for o in literals]
        if k == "link":
            return [{"url": str(o)} for o in iris]
        if k == "email":
            return [str(o).removeprefix("mailto:") for o in iris]
        if k == "schema":
            return []
        raise ValueError(f"unknown value kind {k!r}")

    def _reference(self, rec: URIRef | None, target: URIRef) -> str:
        """The identifier of a linked record as the source record wrote it (case, revision), else the target's uid."""
        want = str(target).rsplit("/", 1)[-1].removeprefix("chm-")
        if rec is not None:
            for ref in _sorted(self.g.objects(rec, DCTERMS.references)):
                ident = self.g.value(ref, DCTERMS.identifier)
                if ident is not None and slug(split_revision(str(ident))[0]) == want:
                    rev = self.g.value(ref, REVISION)
                    return f"{ident}@{rev}" if rev is not None else str(ident)
        return record_uid(self.g, target)

    def _inline_contact(self, node: BNode) -> dict[str, Any]:
        g = self.g
        c: dict[str, Any] = {}
        given, family, fn = (g.value(node, VCARD[p]) for p in ("given-name", "family-name", "fn"))
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


def export_records(graph: Graph, types: list[str] | None = None, include_illustrative: bool = False) -> list[dict[str, Any]]:
    return RecordExporter(graph, include_illustrative).export(types)
