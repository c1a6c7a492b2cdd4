"""Clearing-house records → RDF, driven by :data:`tsc_graph.chm.mapping.RECORD_TYPES`.

Why the import keeps an index: SHACL reports speak of focus nodes and property paths, curators think of records
and JSON fields. Every triple the import writes is remembered with the record uid and the JSON field it came
from, so :mod:`tsc_graph.chm.report` can say "record B0A1…, field endDate" for each violation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from ..namespaces import TSC, TSCV, VCARD
from . import DEFAULT_SOURCE_BASE
from .mapping import RECORD_TYPES, VIA_CLASSES, Field, RecordType
from .terms import SCHEMES, SUBJECT_THEMES, chm_concept

Node = URIRef | BNode | Literal


@dataclass
class Issue:
    """Something about a record the curator should know: an unknown field, a field we do not map, a bad value."""

    file: str
    record: str | None
    field: str | None
    kind: str  # unknown-field | not-mapped | bad-value | unmapped-term | bad-record | duplicate-record
    message: str

    def to_text(self) -> str:
        where = " ".join(x for x in (f"record {self.record}" if self.record else "", f"field {self.field}" if self.field else "") if x)
        return f"- [{self.kind}] {self.file}{': ' + where if where else ''}: {self.message}"


#: issue kinds that make ``--strict`` fail
STRICT_KINDS = {"unknown-field", "bad-value", "bad-record", "duplicate-record", "unmapped-term"}


def slug(text: str) -> str:
    """Lowercase slug of a CHM uid for our IRI patterns ([a-z0-9]+(-[a-z0-9]+)*)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def resource_iri(base_uri: str, kind: str, uid: str) -> URIRef:
    base = base_uri if base_uri.endswith("/") else base_uri + "/"
    return URIRef(f"{base}id/{kind}/chm-{slug(uid)}")


def decimal_literal(value: Any) -> Literal:
    """One lexical form per number (12.50 → "12.5", 250000.0 → "250000") so a round trip is stable."""
    d = Decimal(str(value))
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return Literal(s, datatype=XSD.decimal)


@dataclass
class Provenance:
    """Where each node and triple came from: the reverse index behind the record/field report."""

    triples: dict[tuple[Node, Node], list[tuple[Node, str, str]]] = field(default_factory=dict)  # (s, p) → [(o, uid, field)]
    props: dict[tuple[Node, Node], list[tuple[str, str]]] = field(default_factory=dict)
    nodes: dict[Node, tuple[str, str | None]] = field(default_factory=dict)  # node → (uid, field or None)
    schema_of: dict[str, str] = field(default_factory=dict)  # uid → record type
    file_of: dict[str, str] = field(default_factory=dict)  # uid → file

    def where(self, focus: str, path: str | None, value: str | None) -> tuple[str | None, str | None]:
        """(record uid, JSON field) of a violation given as strings (focus, path, value), as far as known."""
        node = _node(focus)
        uid, fld = self.nodes.get(node, (None, None))
        if path:
            p = URIRef(path)
            if value is not None:
                for o, u, f in self.triples.get((node, p), []):
                    if str(o) == value:
                        return u, f
            hits = self.props.get((node, p))
            if hits:
                return hits[0][0], "|".join(dict.fromkeys(f for _, f in hits))
            if uid and fld is None:  # nothing written for this property: name the field that would have
                rt = RECORD_TYPES.get(self.schema_of.get(uid, ""))
                if rt:
                    names = [f.path for f in rt.mapped if p in (f.prop, f.also, f.overflow)]
                    if names:
                        return uid, "|".join(names)
        return uid, fld


def _node(s: str) -> Node:
    # report strings: blank nodes come back as their id; IRIs as text
    return URIRef(s) if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", s) else BNode(s)


class RecordImporter:
    """Converts records one by one into one graph; collects issues and provenance as it goes."""

    def __init__(self, base_uri: str, source_base: str = DEFAULT_SOURCE_BASE, evidence: str = "public-source"):
        self.base_uri = base_uri
        self.source_base = source_base
        self.evidence = URIRef(f"{TSCV}evidence/{evidence}")
        self.graph = Graph()
        self.issues: list[Issue] = []
        self.prov = Provenance()
        self._via: dict[tuple[Node, URIRef], BNode] = {}
        self._labels: list[tuple[URIRef, RecordType, str]] = []

    # --- bookkeeping ----------------------------------------------------------------------------------------
    def _issue(self, file: str, uid: str | None, fld: str | None, kind: str, message: str) -> None:
        self.issues.append(Issue(file, uid, fld, kind, message))

    def _emit(self, s: Node, p: URIRef, o: Node, uid: str, fld: str) -> None:
        self.graph.add((s, p, o))
        self.prov.triples.setdefault((s, p), []).append((o, uid, fld))
        hits = self.prov.props.setdefault((s, p), [])
        if (uid, fld) not in hits:
            hits.append((uid, fld))

    # --- records --------------------------------------------------------------------------------------------
    def add(self, record: dict[str, Any], file: str) -> None:
        header = record["header"]
        uid, schema = header.get("identifier"), header.get("schema")
        if not isinstance(uid, str) or not uid.strip():
            self._issue(file, None, "header.identifier", "bad-record", "record without a header.identifier; skipped")
            return
        rt = RECORD_TYPES.get(schema) if isinstance(schema, str) else None
        if rt is None:
            known = ", ".join(RECORD_TYPES)
            self._issue(file, uid, "header.schema", "bad-record", f"record type {schema!r} is not one we map ({known}); skipped")
            return
        if uid in self.prov.schema_of:
            self._issue(file, uid, "header.identifier", "duplicate-record", f"uid already imported from {self.prov.file_of[uid]}; skipped")
            return
        self.prov.schema_of[uid], self.prov.file_of[uid] = schema, file
        res = resource_iri(self.base_uri, rt.kind, uid)
        rec = URIRef(self.source_base + quote(uid, safe="-_.~"))
        self.prov.nodes[res] = (uid, None)
        self.prov.nodes[rec] = (uid, None)
        self._emit(res, PROV.wasDerivedFrom, rec, uid, "header.identifier")
        self._emit(res, DCTERMS.source, rec, uid, "header.identifier")
        self._emit(res, TSC.evidence, self.evidence, uid, "header.identifier")
        self._emit(rec, RDF.type, PROV.Entity, uid, "header.identifier")
        self._emit(rec, DCTERMS.identifier, Literal(uid), uid, "header.identifier")
        self._emit(rec, DCTERMS.type, Literal(schema), uid, "header.schema")

        self._check_unknown(record, rt, file, uid)
        for f in rt.fields:
            value = _get(record, f.path)
            if value is None or value == [] or value == {}:
                continue
            if f.prop is None:
                self._issue(file, uid, f.path, "not-mapped", f"known field, not mapped: {f.note}")
                continue
            subject = rec if f.on == "record" else res
            if f.via is not None:
                subject = self._via_node(res, f.via, uid, f.path)
            values = value if f.many else [value]
            if f.many and not isinstance(value, list):
                self._issue(file, uid, f.path, "bad-value", f"expected a list, got {type(value).__name__}")
                continue
            for i, v in enumerate(values):
                prop = f.overflow if (f.overflow is not None and i > 0) else f.prop
                self._value(subject, prop, f, v, rt, file, uid)
        if rt.generated_label and not any(True for _ in self.graph.objects(res, RDFS.label)):
            self._labels.append((res, rt, uid))

    def _via_node(self, res: URIRef, via: URIRef, uid: str, path: str) -> BNode:
        key = (res, via)
        if key not in self._via:
            node = BNode()
            self._via[key] = node
            self._emit(res, via, node, uid, path)
            self.graph.add((node, RDF.type, VIA_CLASSES[via]))
            self.prov.nodes[node] = (uid, None)
        return self._via[key]

    def _check_unknown(self, record: dict[str, Any], rt: RecordType, file: str, uid: str) -> None:
        tops = {f.top for f in rt.fields}
        subs: dict[str, set[str]] = {}
        for f in rt.fields:
            if "." in f.path:
                top, rest = f.path.split(".", 1)
                subs.setdefault(top, set()).add(rest)
        for key, value in record.items():
            if key not in tops:
                self._issue(file, uid, key, "unknown-field", "unknown field, not imported")
            elif key in subs and isinstance(value, dict):
                for sub in value:
                    if sub not in subs[key]:
                        self._issue(file, uid, f"{key}.{sub}", "unknown-field", "unknown field, not imported")

    # --- values ---------------------------------------------------------------------------------------------
    def _value(self, s: Node, p: URIRef, f: Field, v: Any, rt: RecordType, file: str, uid: str) -> None:
        def bad(msg: str) -> None:
            self._issue(file, uid, f.path, "bad-value", msg)

        def extra_keys(obj: dict, allowed: set[str]) -> None:
            for k in obj:
                if k not in allowed:
                    self._issue(file, uid, f"{f.path}.{k}", "unknown-field", "unknown field, not imported")

        emit = lambda o, prop=p: self._emit(s, prop, o, uid, f.path)  # noqa: E731
        k = f.kind
        if k == "schema":
            emit(rt.rdf_class)
        elif k == "string":
            if isinstance(v, (str, int, float)) and not isinstance(v, bool):
                emit(Literal(str(v)))
            else:
                bad(f"expected text, got {type(v).__name__}")
        elif k in ("lstring", "plain-lstring"):
            if isinstance(v, str) and k == "plain-lstring":
                emit(Literal(v))
            elif isinstance(v, dict) and all(isinstance(t, str) for t in v.values()):
                for lang, text in sorted(v.items()):
                    if text.strip():
                        emit(Literal(text, lang=lang) if k == "lstring" else Literal(text))
            else:
                bad('expected multilingual text {"en": "…", "fr": "…"}')
        elif k == "language":
            if isinstance(v, str):
                emit(Literal(v, datatype=XSD.language))
            else:
                bad("expected a language code")
        elif k in ("term", "subject", "record"):
            if not (isinstance(v, dict) and isinstance(v.get("identifier"), str)):
                bad('expected a reference {"identifier": "…"}')
                return
            extra_keys(v, {"identifier"})
            ident = v["identifier"]
            if k == "record":
                emit(resource_iri(self.base_uri, f.scheme or "actor", ident))
                return
            if k == "subject":
                theme = SUBJECT_THEMES.get(ident)
                if theme:
                    ours = URIRef(f"{TSCV}theme/{theme}")
                    emit(ours)
                    self.graph.add((ours, SKOS.exactMatch, chm_concept(ident)))
                emit(chm_concept(ident), f.also)
                return
            scheme = SCHEMES[f.scheme or "chm"]
            iri, ours = scheme.to_iri(ident)
            emit(iri)
            if f.also is not None:
                emit(iri, f.also)
            if ours:
                self.graph.add((iri, SKOS.exactMatch, chm_concept(ident)))
            elif scheme.name != "chm":
                self._issue(file, uid, f.path, "unmapped-term",
                            f"{ident!r} has no {scheme.name} concept of ours; linked to {iri} instead")
        elif k == "date":
            text = v[:10] if isinstance(v, str) and re.match(r"^\d{4}-\d{2}-\d{2}T", v) else v
            if not isinstance(text, str):
                bad("expected a date YYYY-MM-DD")
                return
            try:
                date.fromisoformat(text)
            except ValueError:
                bad(f"{text!r} is not a date YYYY-MM-DD (kept as an ill-typed xsd:date)")
            emit(Literal(text, datatype=XSD.date))
        elif k == "decimal":
            try:
                if isinstance(v, bool):
                    raise InvalidOperation
                emit(decimal_literal(v))
            except (InvalidOperation, ValueError):
                bad(f"{v!r} is not a number")
        elif k == "link":
            url = v.get("url") if isinstance(v, dict) else v
            if isinstance(v, dict):
                extra_keys(v, {"url"})
            if isinstance(url, str) and re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|^`\\]*$", url):
                emit(URIRef(url))
            else:
                bad(f"{url!r} is not a URL")
        elif k == "email":
            if isinstance(v, str) and re.match(r"^[^@\s]+@[^@\s]+$", v.strip()):
                emit(URIRef("mailto:" + v.strip()))
            else:
                bad(f"{v!r} is not an email address")
        elif k == "contact":
            self._contact(s, p, f, v, file, uid, bad, extra_keys)
        else:  # pragma: no cover - the table is checked by tests
            raise ValueError(f"unknown value kind {k!r}")

    def _contact(self, s, p, f: Field, v: Any, file: str, uid: str, bad, extra_keys) -> None:
        if not isinstance(v, dict):
            bad("expected a contact object {firstName, lastName, emails}")
            return
        if "identifier" in v and not ({"firstName", "lastName", "emails"} & set(v)):
            bad(f"contact given by reference ({v['identifier']!r}) to a bbiContact record: only inline contacts are imported")
            return
        extra_keys(v, {"firstName", "lastName", "emails"})
        node = BNode()
        self._emit(s, p, node, uid, f.path)
        self.prov.nodes[node] = (uid, f.path)
        self._emit(node, RDF.type, VCARD.Individual, uid, f.path)
        first, last = v.get("firstName"), v.get("lastName")
        if isinstance(first, str) and first.strip():
            self._emit(node, VCARD["given-name"], Literal(first), uid, f.path + ".firstName")
        if isinstance(last, str) and last.strip():
            self._emit(node, VCARD["family-name"], Literal(last), uid, f.path + ".lastName")
        fn = " ".join(x for x in (first, last) if isinstance(x, str) and x.strip())
        if fn:
            self._emit(node, VCARD.fn, Literal(fn), uid, f.path + ".firstName")
        emails = v.get("emails") or []
        for e in emails if isinstance(emails, list) else [emails]:
            if isinstance(e, str) and re.match(r"^[^@\s]+@[^@\s]+$", e.strip()):
                self._emit(node, VCARD.hasEmail, URIRef("mailto:" + e.strip()), uid, f.path + ".emails")
            else:
                self._issue(file, uid, f.path + ".emails", "bad-value", f"{e!r} is not an email address")

    # --- finishing ------------------------------------------------------------------------------------------
    def finish(self) -> Graph:
        """Labels of title-less records (bbiProfile) from their organisation's name, once every record is in."""
        for res, rt, uid in self._labels:
            assert rt.generated_label is not None
            org_field = next((f for f in rt.mapped if f.kind == "record"), None)
            org = self.graph.value(res, org_field.prop) if org_field else None
            names = {lit.language: str(lit) for lit in self.graph.objects(org, RDFS.label)} if org is not None else {}
            for lang, template in zip(("fr", "en"), rt.generated_label):
                name = names.get(lang) or names.get("en") or names.get("fr") or uid
                self._emit(res, RDFS.label, Literal(template.format(name=name), lang=lang), uid, "(generated label)")
        return self.graph


def _get(record: dict[str, Any], path: str) -> Any:
    cur: Any = record
    for part in path.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def import_records(records: list[tuple[str, dict[str, Any]]], base_uri: str, source_base: str = DEFAULT_SOURCE_BASE,
                   evidence: str = "public-source") -> RecordImporter:
    """Convert (file, record) pairs; the returned importer holds ``graph``, ``issues`` and ``prov``."""
    imp = RecordImporter(base_uri, source_base, evidence)
    for file, record in records:
        imp.add(record, file)
    imp.finish()
    return imp
