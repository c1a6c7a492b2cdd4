"""Each clearing-house record type, on fixtures rebuilt from the Secretariat's documented examples
(tests/fixtures/chm/records/*.json, each citing its source): every field's mapping, and the lossless round trip.

Parametrised over tsc_graph.chm.mapping.RECORD_TYPES: a field added to the table without a fixture value, or a
value that does not come back byte for byte, fails here. The expected RDF of each value is written independently
of the importer's code paths (from the table's declared property, kind and scheme)."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from tsc_graph.chm import DEFAULT_SOURCE_BASE
from tsc_graph.chm.exporter import export_records
from tsc_graph.chm.importer import SOURCE_FIELDS, canonical, import_records, resource_iri, source_iri, split_revision
from tsc_graph.chm.mapping import NODES, RECORD_TYPES, Field
from tsc_graph.chm.reader import read
from tsc_graph.chm.terms import SCHEMES, chm_concept, subject_theme
from tsc_graph.namespaces import SCHEMA, TSC, VCARD

FIXTURES = Path(__file__).parent / "fixtures" / "chm"
BASE = "https://fr.chm-cbd.net/tsc/"
SRC = DEFAULT_SOURCE_BASE


@pytest.fixture(scope="module")
def batch():
    return read([FIXTURES / "records", FIXTURES / "envelopes"])


@pytest.fixture(scope="module")
def imported(batch):
    return import_records(batch.records, BASE)


@pytest.fixture(scope="module")
def exported(imported):
    return {r["header"]["identifier"]: r for r in export_records(imported.graph)}


def records_of(batch, schema):
    return [it.record for it in batch.records if it.schema == schema]


def value_of(record, path):
    if path.startswith("header."):
        return record["header"].get(path.split(".", 1)[1])
    return record.get(path)


def node_of(g, res, name):
    """The node a field's values sit on, found by following NODES from the resource (independent of the exporter)."""
    if name == "resource":
        return res
    spec = NODES[name]
    parent = node_of(g, res, spec.parent)
    found = [o for o in g.objects(parent, spec.link) if all((o, RDF.type, c) in g for c in spec.classes)]
    assert len(found) == 1, (res, name, found)
    return found[0]


FIELDS = [(rt.schema, f.path) for rt in RECORD_TYPES.values() for f in rt.fields]


def test_the_record_types_of_the_issue():
    assert set(RECORD_TYPES) == {"organization", "capacityBuildingInitiative", "stakeholderCommitment", "nationalTarget7",
                                 "bbiRequest", "bbiProfile", "bbiOpportunity", "contact", "bbiContact", "resource", "nbsap",
                                 "focalPoint", "nationalTarget"}


@pytest.mark.parametrize("schema,path", FIELDS)
def test_every_documented_field_is_in_a_fixture(batch, schema, path):
    assert any(value_of(r, path) not in (None, [], {}) for r in records_of(batch, schema)), \
        f"no fixture record of type {schema} has field {path}"


def expected_objects(f: Field, v, g):
    """The RDF objects one JSON value should become, and under which property."""
    k = f.kind
    if k == "identifier":
        return {f.prop: {Literal(v)}}
    if k == "language":
        return {f.prop: {Literal(v, datatype=XSD.language)}}
    if k in ("string", "phone"):
        return {f.prop: {Literal(v)}}
    if k == "lstring":
        return {f.prop: {Literal(t, lang=lang) for lang, t in v.items()} if isinstance(v, dict) else {Literal(v)}}
    if k == "plain-lstring":
        return {f.prop: {Literal(t) for t in v.values()}}
    if k == "term":
        iri, ours = SCHEMES[f.scheme].to_iri(v["identifier"])
        return {f.prop if ours or f.other is None else f.other: {iri}}
    if k == "subject":
        out = {f.also: {chm_concept(v["identifier"])}}
        theme = subject_theme(v["identifier"])
        if theme is not None:
            out[f.prop] = {theme}
        return out
    if k in ("record", "contact") and "identifier" in v:
        return {f.prop: {resource_iri(BASE, f.scheme, split_revision(v["identifier"])[0])}}
    if k == "contact-type":
        return {f.prop: {VCARD.Individual if v == "person" else VCARD.Organization}}
    if k == "date":
        return {f.prop: {Literal(v[:10], datatype=XSD.date)}}
    if k == "link":
        return {f.prop: {URIRef(v["url"])}}
    if k == "email":
        return {f.prop: {URIRef("mailto:" + v)}}
    return None


def check_field(g, rt, record, f: Field):
    uid = split_revision(record["header"]["identifier"])[0]
    res = resource_iri(BASE, rt.kind, uid)
    rec = source_iri(SRC, uid)
    value = value_of(record, f.path)
    kept = json.loads(str(g.value(rec, SOURCE_FIELDS) or "{}"))
    if not f.mapped:
        assert kept[f.top]["value"] == value, f"{uid} {f.path}: not kept verbatim"
        return
    if f.kind == "schema":
        assert (res, RDF.type, rt.rdf_class) in g
        assert (rec, DCTERMS.type, Literal(rt.schema)) in g
        return
    subject = rec if f.node == "record" else node_of(g, res, f.node)
    for v in (value if f.many else [value]):
        if f.kind == "usd":
            assert {Decimal(str(o)) for o in g.objects(subject, f.prop)} == {Decimal(v)}
            assert (subject, SCHEMA.currency, Literal("USD")) in g
            continue
        if f.kind == "contact" and "identifier" not in v:  # the older inline contact
            nodes = [n for n in g.objects(subject, f.prop) if isinstance(n, BNode)]
            assert any((n, VCARD["given-name"], Literal(v["firstName"])) in g and (n, RDF.type, VCARD.Individual) in g for n in nodes)
            continue
        for prop, objects in expected_objects(f, v, g).items():
            got = set(g.objects(subject, prop))
            if prop == f.prop and f.overflow is not None:
                got |= set(g.objects(subject, f.overflow))
            assert objects <= got, (uid, f.path, prop, objects - got)
        if f.kind in ("record", "contact"):  # the exact identifier (case, revision) on the source-record node
            ident, rev = split_revision(v["identifier"])
            refs = {(str(g.value(n, DCTERMS.identifier)), g.value(n, TSC.revision)) for n in g.objects(rec, DCTERMS.references)}
            assert (ident, Literal(rev) if rev is not None else None) in refs
        if f.kind == "term" and SCHEMES[f.scheme].to_iri(v["identifier"])[1]:
            iri = SCHEMES[f.scheme].to_iri(v["identifier"])[0]
            assert (iri, SKOS.exactMatch, chm_concept(v["identifier"])) in g


@pytest.mark.parametrize("schema", list(RECORD_TYPES))
def test_every_field_maps_as_the_table_says(batch, imported, schema):
    rt = RECORD_TYPES[schema]
    g = imported.graph
    records = records_of(batch, schema)
    assert records
    for record in records:
        uid = record["header"]["identifier"]
        res = resource_iri(BASE, rt.kind, uid)
        assert (res, DCTERMS.identifier, Literal(uid)) in g  # case kept
        assert (res, TSC.sourceRecord, source_iri(SRC, uid)) in g
        for f in rt.fields:
            if value_of(record, f.path) not in (None, [], {}):
                check_field(g, rt, record, f)


@pytest.mark.parametrize("schema", list(RECORD_TYPES))
def test_round_trip_is_lossless(batch, imported, exported, schema):
    """import → export gives back every field of the source record, and export → import → export the same again."""
    records = records_of(batch, schema)
    for record in records:
        out = exported[record["header"]["identifier"]]
        for key in set(record) | set(out):
            assert canonical(out.get(key)) == canonical(record.get(key)), (record["header"]["identifier"], key)
    again = import_records([type(batch.records[0])("export", r) for r in exported.values()], BASE)
    twice = {r["header"]["identifier"]: r for r in export_records(again.graph)}
    for record in records:
        uid = record["header"]["identifier"]
        assert canonical(twice[uid]) == canonical(record), uid


def test_round_trip_graph_is_stable(batch, imported, exported):
    """Re-importing the export gives the same RDF (envelopes aside: export writes record bodies)."""
    bodies = [type(it)(it.file, it.record) for it in batch.records]
    first = import_records(bodies, BASE)
    again = import_records([type(it)("export", r) for it, r in zip(batch.records, exported.values())], BASE)
    assert len(first.graph) == len(again.graph)
    assert isomorphic(first.graph, again.graph)


def test_field_counts_per_record_type(batch, imported):
    """The figures of the report: per record type, the documented fields, and how many round-trip losslessly."""
    counts = {}
    for schema, rt in RECORD_TYPES.items():
        tops = set(rt.tops)
        present = {k for r in records_of(batch, schema) for k in r}
        counts[schema] = (len(tops), len(tops & present))
    assert all(documented == present for documented, present in counts.values()), counts
