"""Clearing-house records → RDF, driven by :data:`tsc_graph.chm.mapping.RECORD_TYPES`.

Why the import keeps an index: SHACL reports speak of focus nodes and property paths, curators think of records
and JSON fields. Every triple the import writes is remembered with the record uid and the JSON field it came
from, so :mod:`tsc_graph.chm.report` can say "record B0A1…, field endDate" for each violation.

Why references keep their revision on the source-record node: ``{"identifier": "2C86F905-…-BDE9@1"}`` names
revision 1 of record 2C86F905-…. The link goes to the record's resource (revision stripped, so it resolves
whichever of the two records is imported first), and the source-record node of the referencing record says
``dcterms:references <…/documents/2C86F905-…-BDE9/versions/1>``, a ``prov:Entity`` with the identifier in its
original case and ``tsc:revision 1`` — which is how export writes the reference back exactly.

Why the original JSON is kept: see :mod:`tsc_graph.chm.mapping`. :meth:`RecordImporter.finish` rebuilds each
record from the RDF with the exporter and keeps, in ``tsc:sourceFields``, every field the RDF does not give back
byte for byte — with what the RDF said at import, so that export can tell an unchanged field (write the original)
from one edited since (write what the RDF now says).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from ..guards import is_email, is_language_tag
from ..iri import parses, scheme
from ..namespaces import SCHEMA, TSC, TSCV, VCARD
from . import DEFAULT_SOURCE_BASE
from .identity import (
    REVISION,
    SOURCE_ENVELOPE,
    SOURCE_FIELDS,
    canonical,
    resource_iri,
    revision_iri,
    source_iri,
    split_revision,
)
from .mapping import EVIDENCE_KEY, NODES, RECORD_TYPES, Field, RecordType
from .reader import Item
from .terms import SCHEMES, chm_concept, subject_theme

Node = URIRef | BNode | Literal

#: sub-keys a value may have besides the one the mapping reads (kept verbatim with the field)
SUB_KEYS = {
    "term": {"identifier", "customValue", "title", "degreeOfAlignment"},
    "subject": {"identifier", "customValue", "title"},
    "record": {"identifier"},
    "contact": {"identifier", "prefix", "firstName", "middleName", "lastName", "designation", "department", "organization",
                "organizationAcronym", "organizationType", "address", "city", "state", "postalCode", "country", "phones",
                "faxes", "emails", "websites", "source", "type", "gender"},
    "link": {"url", "name", "tags", "language"},
}


@dataclass
class Issue:
    """Something about a record the curator should know: an unknown field, a bad value, a term we cannot map."""

    file: str
    record: str | None
    field: str | None
    kind: str  # unknown-field | bad-value | unmapped-term | unknown-term | duplicate-record | colliding-record | unmapped-record
    message: str

    def to_text(self) -> str:
        where = " ".join(x for x in (f"record {self.record}" if self.record else "", f"field {self.field}" if self.field else "") if x)
        return f"- [{self.kind}] {self.file}{': ' + where if where else ''}: {self.message}"


#: issue kinds that make ``--strict`` fail
STRICT_KINDS = {"unknown-field", "bad-value", "duplicate-record", "colliding-record", "unmapped-term", "unknown-term"}


def decimal_literal(value: Any) -> Literal:
    """One lexical form per number (12.50 → "12.5", 250000.0 → "250000") so a round trip is stable."""
    d = Decimal(str(value).strip())
    if not d.is_finite():
        raise InvalidOperation
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
    return URIRef(s) if scheme(s) else BNode(s)


@dataclass
class Imported:
    """One record as imported: what finish() needs to keep the fields the RDF cannot give back."""

    item: Item
    rt: RecordType
    uid: str
    res: URIRef
    rec: URIRef


class RecordImporter:
    """Converts records one by one into one graph; collects issues and provenance as it goes.

    Why ``owners``: a resource IRI is made of the uid's lowercase slug, so ``ORG-1`` and ``org_1`` — two records
    for the clearing-house, whose identifiers are case-sensitive — would silently become one resource with the
    names and links of both. The importer remembers which uid each resource IRI came from (``owners`` seeds it
    with what other graphs of the store already publish) and reports a second uid as ``colliding-record``.
    """

    def __init__(self, base_uri: str, source_base: str = DEFAULT_SOURCE_BASE, evidence: str = "public-source",
                 known_terms: dict[str, set[str]] | None = None, owners: dict[URIRef, tuple[str, str]] | None = None):
        self.base_uri = base_uri
        self.source_base = source_base
        self.evidence = URIRef(f"{TSCV}evidence/{evidence}")
        self.known_terms = known_terms or {}
        self.graph = Graph()
        self.issues: list[Issue] = []
        self.prov = Provenance()
        self.records: list[Imported] = []
        #: record type → field → number of records whose value is kept verbatim (no property, or not all in the RDF)
        self.kept: dict[str, Counter[str]] = {}
        #: record types the mapping does not know → number of records kept whole, unmapped
        self.unmapped: Counter[str] = Counter()
        self._nodes: dict[tuple[URIRef, str], Node] = {}
        #: resource IRI → (uid it was made from, where that record is)
        self._owners: dict[URIRef, tuple[str, str]] = dict(owners or {})

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
    def add(self, item: Item) -> None:
        record, file = item.record, item.file
        uid, revision = split_revision(item.uid)
        if uid in self.prov.schema_of:
            self._issue(file, uid, "header.identifier", "duplicate-record", f"uid already imported from {self.prov.file_of[uid]}; skipped")
            return
        rt = RECORD_TYPES.get(item.schema)
        if rt is None:
            self._unmapped(item, uid, revision)
            return
        res = resource_iri(self.base_uri, rt.kind, uid)
        owner, where = self._owners.get(res, (uid, ""))
        if owner != uid:
            self._issue(file, uid, "header.identifier", "colliding-record",
                        f"names the same resource <{res}> as record {owner} ({where}): identifiers that differ only in "
                        "case or punctuation make one IRI; skipped (rename one of them in the clearing-house)")
            return
        self._owners[res] = (uid, f"from {file}")
        self.prov.schema_of[uid], self.prov.file_of[uid] = rt.schema, file
        rec = source_iri(self.source_base, uid)
        self.prov.nodes[res] = (uid, None)
        self.prov.nodes[rec] = (uid, None)
        evidence = self.evidence
        marker = record.get(EVIDENCE_KEY)
        if marker == "illustrative":
            evidence = URIRef(f"{TSCV}evidence/illustrative")
        elif marker is not None:
            self._issue(file, uid, EVIDENCE_KEY, "bad-value", f"{marker!r}: the only value tsc-graph writes is \"illustrative\"")
        self._derived(res, rec, uid, evidence)
        self._emit(rec, RDF.type, PROV.Entity, uid, "header.identifier")
        self._emit(rec, DCTERMS.identifier, Literal(uid), uid, "header.identifier")
        self._emit(rec, DCTERMS.type, Literal(rt.schema), uid, "header.schema")
        self._envelope(item, rec, uid, revision)

        known = {f.top for f in rt.fields} | {EVIDENCE_KEY}
        for key in record:
            if key not in known:
                self._issue(file, uid, key, "unknown-field", "unknown field, kept verbatim (not mapped to RDF)")
        header = record["header"]
        for key in header:
            if key not in ("identifier", "schema", "languages"):
                self._issue(file, uid, f"header.{key}", "unknown-field", "unknown field, kept verbatim (not mapped to RDF)")

        for f in rt.fields:
            value = header.get(f.path.split(".", 1)[1]) if f.path.startswith("header.") else record.get(f.path)
            if f.path == "header.identifier":
                value = uid
            if value is None or value == [] or value == {} or not f.mapped:
                continue
            if f.many and not isinstance(value, list):
                self._issue(file, uid, f.path, "bad-value", f"expected a list, got {type(value).__name__} (kept verbatim)")
                continue
            for i, v in enumerate(value if f.many else [value]):
                subject = self._subject(f, res, rec, uid, evidence)
                prop = f.overflow if (f.overflow is not None and i > 0) else f.prop
                assert prop is not None
                self._value(subject, prop, f, v, rt, file, uid, rec)
        self._vcard_names(rt, res, uid)
        self.records.append(Imported(item, rt, uid, res, rec))

    def _unmapped(self, item: Item, uid: str, revision: int | None) -> None:
        """A record of a type the mapping does not know, kept whole on its source-record node.

        Why not refuse it: a clearing-house export mixes record types, and refusing one record would refuse the
        curator's whole file. The record has no resource of ours (no class fits), but its source-record node says
        its type (dcterms:type) and keeps every field verbatim (tsc:sourceFields), so export gives it back unchanged.
        With no resource to carry tsc:evidence, an illustrative record keeps the export's marker (``tscEvidence``).
        """
        rec = source_iri(self.source_base, uid)
        self.prov.schema_of[uid], self.prov.file_of[uid] = item.schema, item.file
        self.prov.nodes[rec] = (uid, None)
        self._emit(rec, RDF.type, PROV.Entity, uid, "header.identifier")
        self._emit(rec, DCTERMS.identifier, Literal(uid), uid, "header.identifier")
        self._emit(rec, DCTERMS.type, Literal(item.schema), uid, "header.schema")
        self._envelope(item, rec, uid, revision)
        kept = {key: {"value": value} for key, value in item.record.items()}
        if self.evidence == URIRef(f"{TSCV}evidence/illustrative"):
            kept[EVIDENCE_KEY] = {"value": "illustrative"}
        self._emit(rec, SOURCE_FIELDS, Literal(canonical(kept), datatype=RDF.JSON), uid, "(kept fields)")
        self.unmapped[item.schema] += 1
        self._issue(item.file, uid, "header.schema", "unmapped-record",
                    f"kept unmapped: {item.schema} (a record type tsc-graph does not map to RDF: the record is kept whole "
                    "on its source-record node, and export-chm gives it back unchanged)")

    def _derived(self, res: URIRef, rec: URIRef, uid: str, evidence: URIRef) -> None:
        """A resource made from a record: its provenance and evidence level."""
        self._emit(res, TSC.sourceRecord, rec, uid, "header.identifier")
        self._emit(res, DCTERMS.source, rec, uid, "header.identifier")
        self._emit(res, TSC.evidence, evidence, uid, "header.identifier")

    def _envelope(self, item: Item, rec: URIRef, uid: str, revision: int | None) -> None:
        """The API envelope: revision and dates on the source-record node, the rest kept verbatim."""
        env = item.envelope or {}
        rev = env.get("revision", revision)
        if isinstance(rev, int) and not isinstance(rev, bool) and rev >= 1:
            self._emit(rec, REVISION, Literal(rev), uid, "revision")
        for key, prop in (("createdOn", DCTERMS.created), ("updatedOn", DCTERMS.modified), ("submittedOn", DCTERMS.dateSubmitted)):
            if isinstance(env.get(key), str):
                self._emit(rec, prop, Literal(env[key], datatype=XSD.dateTime), uid, key)
        if env:
            self._emit(rec, SOURCE_ENVELOPE, Literal(canonical(env), datatype=RDF.JSON), uid, "(envelope)")
            if isinstance(env.get("identifier"), str) and split_revision(env["identifier"])[0] != uid:
                self._issue(item.file, uid, "identifier", "bad-value",
                            f"the envelope's identifier {env['identifier']!r} is not the body's header.identifier")

    def _subject(self, f: Field, res: URIRef, rec: URIRef, uid: str, evidence: URIRef) -> Node:
        if f.node == "resource":
            return res
        if f.node == "record":
            return rec
        return self._node_for(res, rec, f.node, uid, evidence, f.path)

    def _node_for(self, res: URIRef, rec: URIRef, name: str, uid: str, evidence: URIRef, path: str) -> Node:
        key = (res, name)
        if key not in self._nodes:
            spec = NODES[name]
            parent = res if spec.parent == "resource" else self._node_for(res, rec, spec.parent, uid, evidence, path)
            node: Node
            if spec.mint:
                node = URIRef(f"{resource_iri(self.base_uri, spec.mint, uid)}-{name}")
                self._derived(node, rec, uid, evidence)
            else:
                node = BNode()
            self._emit(parent, spec.link, node, uid, path)
            for cls in spec.classes:
                self.graph.add((node, RDF.type, cls))
            self.prov.nodes[node] = (uid, None)
            self._nodes[key] = node
        return self._nodes[key]

    def _vcard_names(self, rt: RecordType, res: URIRef, uid: str) -> None:
        """vcard:fn (the shapes want one) of a contact record or an inline contact, from its names."""
        nodes = [res] if rt.rdf_class == VCARD.Kind else []
        if (res, "contact") in self._nodes:
            nodes.append(self._nodes[(res, "contact")])
        for node in nodes:
            parts = [str(self.graph.value(node, VCARD[p]) or "") for p in ("given-name", "additional-name", "family-name")]
            fn = " ".join(p for p in parts if p.strip())
            if not fn:
                org = sorted(self.graph.objects(node, VCARD["organization-name"]), key=lambda o: (o.language or "", str(o)))
                fn = str(org[0]) if org else uid
            self._emit(node, VCARD.fn, Literal(fn), uid, "(generated name)")

    # --- values ---------------------------------------------------------------------------------------------
    def _value(self, s: Node, p: URIRef, f: Field, v: Any, rt: RecordType, file: str, uid: str, rec: URIRef) -> None:
        def bad(msg: str) -> None:
            self._issue(file, uid, f.path, "bad-value", msg + " (kept verbatim)")

        def emit(o: Node, prop: URIRef = p) -> None:
            self._emit(s, prop, o, uid, f.path)

        k = f.kind
        if isinstance(v, dict) and k in SUB_KEYS:
            for key in v:
                if key not in SUB_KEYS[k]:
                    self._issue(file, uid, f"{f.path}.{key}", "unknown-field", "unknown field, kept verbatim")
        if k == "identifier":
            emit(Literal(v))
        elif k == "schema":
            emit(rt.rdf_class)
        elif k == "string":
            if isinstance(v, str):
                emit(Literal(v))
            else:
                bad(f"expected text, got {type(v).__name__}")
        elif k in ("lstring", "plain-lstring"):
            if isinstance(v, str):
                if v.strip():
                    emit(Literal(v))
            elif isinstance(v, dict) and all(isinstance(t, str) for t in v.values()):
                for lang, text in sorted(v.items()):
                    if k == "lstring" and not is_language_tag(lang):
                        bad(f"{lang!r} is not a language code (a BCP 47 tag: en, fr, pt-BR)")
                    elif text.strip():
                        emit(Literal(text, lang=lang) if k == "lstring" else Literal(text))
            else:
                bad('expected multilingual text {"en": "…", "fr": "…"}')
        elif k == "language":
            if isinstance(v, str) and is_language_tag(v):
                emit(Literal(v, datatype=XSD.language))
            else:
                bad(f"{v!r} is not a language code (a BCP 47 tag: en, fr, pt-BR)")
        elif k in ("term", "subject", "record") or (k == "contact" and isinstance(v, dict) and "identifier" in v):
            if not (isinstance(v, dict) and isinstance(v.get("identifier"), str) and v["identifier"].strip()):
                bad('expected a reference {"identifier": "…"}')
                return
            ident = v["identifier"]
            if k in ("record", "contact"):
                self._reference(s, p, f, ident, uid, rec)
            elif k == "subject":
                theme = subject_theme(ident)
                if theme is not None:
                    emit(theme)
                    self.graph.add((theme, SKOS.exactMatch, chm_concept(ident)))
                assert f.also is not None
                emit(chm_concept(ident), f.also)
                self._check_term(f, ident, file, uid)
            else:
                iri, ours = SCHEMES[f.scheme or "chm"].to_iri(ident)
                emit(iri, p if ours or f.other is None else f.other)
                if f.also is not None:
                    emit(iri, f.also)
                if ours:
                    self.graph.add((iri, SKOS.exactMatch, chm_concept(ident)))
                self._check_term(f, ident, file, uid)
        elif k == "contact":
            self._inline_contact(s, p, f, v, uid, bad)
        elif k == "contact-type":
            if v in ("person", "organization"):
                emit(VCARD.Individual if v == "person" else VCARD.Organization)
            else:
                bad(f"{v!r} is neither \"person\" nor \"organization\"")
        elif k == "date":
            text = v[:10] if isinstance(v, str) and re.match(r"^\d{4}-\d{2}-\d{2}T", v) else v
            try:
                date.fromisoformat(text)
            except (TypeError, ValueError):
                bad(f"{v!r} is not a date YYYY-MM-DD")
                return
            emit(Literal(text, datatype=XSD.date))
        elif k == "usd":
            try:
                if isinstance(v, bool) or not isinstance(v, (str, int, float)):
                    raise InvalidOperation
                emit(decimal_literal(v))
                emit(Literal("USD"), SCHEMA.currency)
            except (InvalidOperation, ValueError):
                bad(f"{v!r} is not an amount")
        elif k == "link":
            url = v.get("url") if isinstance(v, dict) else v
            if isinstance(url, str) and parses(url.strip()):
                emit(URIRef(url.strip()))
            else:
                bad(f"{url!r} is not a URL")
        elif k == "email":
            if isinstance(v, str) and is_email(v.strip()):
                emit(URIRef("mailto:" + v.strip()))
            else:
                bad(f"{v!r} is not an email address")
        elif k == "phone":
            if isinstance(v, str) and v.strip():
                emit(Literal(v))
            else:
                bad(f"{v!r} is not a phone number")
        else:  # pragma: no cover - the table is checked by tests
            raise ValueError(f"unknown value kind {k!r}")

    def _check_term(self, f: Field, ident: str, file: str, uid: str) -> None:
        """An identifier no domain of the field knows, or one without a concept of ours, is reported with its domain."""
        scheme = SCHEMES[f.scheme or "chm"]
        if not scheme.domains:
            return
        iri, match, domain = scheme.resolve(ident)
        names = " or ".join(d.name for d in scheme.domains)
        if domain is None and not any(ident in self.known_terms.get(d.name, ()) for d in scheme.domains):
            shipped = sum(len(d.terms) for d in scheme.domains)
            self._issue(file, uid, f.path, "unknown-term",
                        f"{ident!r} is not a known term of the thesaurus domain {names} (the shipped thesaurus lists {shipped} "
                        f"of its terms; refresh it with `tsc-graph import-chm --thesaurus <dump>`); linked to {iri}")
        elif match is None and scheme.ours:
            self._issue(file, uid, f.path, "unmapped-term",
                        f"{ident!r} (thesaurus domain {names}) has no concept in {scheme.ours} in the crosswalk "
                        f"(tsc_graph/chm/data/thesaurus.json); linked to {iri}")

    def _reference(self, s: Node, p: URIRef, f: Field, ident: str, uid: str, rec: URIRef) -> None:
        """A link to another record's resource; the exact identifier (case, revision) kept on the source-record node."""
        target_uid, rev = split_revision(ident)
        self._emit(s, p, resource_iri(self.base_uri, f.scheme or "actor", target_uid), uid, f.path)
        node = revision_iri(self.source_base, target_uid, rev) if rev is not None else source_iri(self.source_base, target_uid)
        self._emit(rec, DCTERMS.references, node, uid, f.path)
        self.graph.add((node, RDF.type, PROV.Entity))
        self.graph.add((node, DCTERMS.identifier, Literal(target_uid)))
        if rev is not None:
            self.graph.add((node, REVISION, Literal(rev)))
            self.graph.add((node, PROV.specializationOf, source_iri(self.source_base, target_uid)))

    def _inline_contact(self, s: Node, p: URIRef, f: Field, v: Any, uid: str, bad) -> None:
        """The older inline contact (EContactRef): a vcard:Individual blank node with names and emails."""
        if not isinstance(v, dict):
            bad("expected a contact: a reference {\"identifier\"} or an inline {firstName, lastName, emails}")
            return
        node = BNode()
        self._emit(s, p, node, uid, f.path)
        self.prov.nodes[node] = (uid, f.path)
        self.graph.add((node, RDF.type, VCARD.Individual))
        for key, prop in (("firstName", VCARD["given-name"]), ("lastName", VCARD["family-name"])):
            if isinstance(v.get(key), str) and v[key].strip():
                self._emit(node, prop, Literal(v[key]), uid, f"{f.path}.{key}")
        fn = " ".join(v[k] for k in ("firstName", "lastName") if isinstance(v.get(k), str) and v[k].strip())
        organization = v.get("organization")
        if not fn and isinstance(organization, dict):
            fn = next((t for _, t in sorted(organization.items()) if isinstance(t, str) and t.strip()), "")
        if fn:
            self._emit(node, VCARD.fn, Literal(fn), uid, f"{f.path}.firstName")
        emails = v.get("emails") or []
        for e in emails if isinstance(emails, list) else [emails]:
            if isinstance(e, str) and is_email(e.strip()):
                self._emit(node, VCARD.hasEmail, URIRef("mailto:" + e.strip()), uid, f"{f.path}.emails")
            else:
                bad(f"{e!r} is not an email address")

    # --- finishing ------------------------------------------------------------------------------------------
    def finish(self) -> Graph:
        """Labels of title-less profiles, then the fields the RDF cannot give back, kept on each source-record node."""
        from .exporter import RecordExporter  # the exporter reads what the importer writes: import here, not at the top

        for imp in self.records:
            rt = imp.rt
            if rt.generated_label and not any(True for _ in self.graph.objects(imp.res, RDFS.label)):
                org_field = next((f for f in rt.mapped if f.kind == "record"), None)
                org = self.graph.value(imp.res, org_field.prop) if org_field else None
                names = {lit.language: str(lit) for lit in self.graph.objects(org, RDFS.label)} if org is not None else {}
                for lang, template in zip(("fr", "en"), rt.generated_label):
                    name = names.get(lang) or names.get("en") or names.get("fr") or imp.uid
                    self._emit(imp.res, RDFS.label, Literal(template.format(name=name), lang=lang), imp.uid, "(generated label)")
        exporter = RecordExporter(self.graph)
        for imp in self.records:
            self._keep(imp, exporter.fields(imp.res, imp.rt))
        return self.graph

    def _keep(self, imp: Imported, rebuilt: dict[str, Any]) -> None:
        """``tsc:sourceFields``: {field: {"value": original, "rdf": what the RDF gave at import}} for every field the
        RDF does not give back exactly; {"value"} alone for fields with no RDF; {"absent", "rdf"} for values the import
        generated (a profile's label) that the record did not have."""
        record, rt = imp.item.record, imp.rt
        mapped_tops = {f.top for f in rt.mapped}
        kept: dict[str, Any] = {}
        counts = self.kept.setdefault(rt.schema, Counter())
        for key, value in record.items():
            if key == EVIDENCE_KEY:
                continue
            if key in mapped_tops:
                if canonical(rebuilt.get(key)) != canonical(value):
                    kept[key] = {"value": value, "rdf": rebuilt.get(key)}
                    counts[key] += 1
            else:
                kept[key] = {"value": value}
                counts[key] += 1
        for key, value in rebuilt.items():
            if key not in record:
                kept[key] = {"absent": True, "rdf": value}
        if kept:
            self._emit(imp.rec, SOURCE_FIELDS, Literal(canonical(kept), datatype=RDF.JSON), imp.uid, "(kept fields)")


def import_records(records: list[Item], base_uri: str, source_base: str = DEFAULT_SOURCE_BASE,
                   evidence: str = "public-source", known_terms: dict[str, set[str]] | None = None,
                   owners: dict[URIRef, tuple[str, str]] | None = None) -> RecordImporter:
    """Convert records; the returned importer holds ``graph``, ``issues``, ``prov`` and ``kept``."""
    imp = RecordImporter(base_uri, source_base, evidence, known_terms, owners)
    for item in records:
        imp.add(item)
    imp.finish()
    return imp
