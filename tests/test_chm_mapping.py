"""The clearing-house mapping, field by field: every mapped field of every record type is imported to the RDF the
table says, and exported back to the same JSON value. Parametrised over tsc_graph.chm.mapping.RECORD_TYPES, so a
field added to the table without a fixture or a working conversion fails here."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from tsc_graph.chm.exporter import export_records
from tsc_graph.chm.importer import _get, import_records, resource_iri
from tsc_graph.chm.mapping import KINDS, RECORD_TYPES
from tsc_graph.chm.reader import read
from tsc_graph.chm.terms import SCHEMES, SUBJECT_THEMES, THEME_SUBJECTS, chm_concept, chm_identifier
from tsc_graph.namespaces import TSC, TSCV, VCARD

FIXTURES = Path(__file__).parent / "fixtures" / "chm"
BASE = "https://fr.chm-cbd.net/tsc/"
SRC = "https://api.cbd.int/api/v2013/documents/"


@pytest.fixture(scope="module")
def batch():
    return read([FIXTURES / "records"])


@pytest.fixture(scope="module")
def imported(batch):
    return import_records(batch.records, BASE)


@pytest.fixture(scope="module")
def exported(imported):
    return {r["header"]["identifier"]: r for r in export_records(imported.graph)}


FIELDS = [(rt.schema, f.path) for rt in RECORD_TYPES.values() for f in rt.fields]
MAPPED = [(rt.schema, f.path) for rt in RECORD_TYPES.values() for f in rt.mapped]
NOT_MAPPED = [(rt.schema, f.path) for rt in RECORD_TYPES.values() for f in rt.fields if f.prop is None]


def records_with(batch, schema, path):
    return [r for _, r in batch.records if r["header"]["schema"] == schema and _get(r, path) not in (None, [], {})]


def test_table_is_well_formed():
    assert set(RECORD_TYPES) == {"organization", "capacityBuildingInitiative", "stakeholderCommitment", "nationalTarget7",
                                 "bbiRequest", "bbiProfile", "bbiOpportunity"}
    for rt in RECORD_TYPES.values():
        paths = [f.path for f in rt.fields]
        assert len(paths) == len(set(paths)), rt.schema
        for f in rt.fields:
            assert f.kind in KINDS, (rt.schema, f.path)
            if f.prop is None:
                assert f.note, f"{rt.schema}.{f.path}: a field we do not map must say why"
            if f.kind in ("term", "subject") and f.prop is not None:
                assert f.scheme in SCHEMES, (rt.schema, f.path)


@pytest.mark.parametrize("schema,path", FIELDS)
def test_every_field_has_a_fixture(batch, schema, path):
    assert records_with(batch, schema, path), f"no fixture record of type {schema} has field {path}"


def test_two_fixtures_per_type(batch):
    for schema in RECORD_TYPES:
        assert len([r for _, r in batch.records if r["header"]["schema"] == schema]) >= 2, schema


def _expected(f, v, imported):
    """The RDF objects a JSON value should become (written independently of the importer's code paths)."""
    k = f.kind
    if k == "string":
        return {Literal(str(v))}
    if k == "lstring":
        return {Literal(t, lang=l) for l, t in v.items()}
    if k == "plain-lstring":
        return {Literal(t) for t in v.values()}
    if k == "language":
        return {Literal(v, datatype=XSD.language)}
    if k == "term":
        return {SCHEMES[f.scheme].to_iri(v["identifier"])[0]}
    if k == "subject":
        theme = SUBJECT_THEMES.get(v["identifier"])
        return {URIRef(f"{TSCV}theme/{theme}")} if theme else set()
    if k == "record":
        return {resource_iri(BASE, f.scheme, v["identifier"])}
    if k == "date":
        return {Literal(v, datatype=XSD.date)}
    if k == "link":
        return {URIRef(v["url"])}
    if k == "email":
        return {URIRef("mailto:" + v)}
    return None


@pytest.mark.parametrize("schema,path", MAPPED)
def test_field_is_imported(batch, imported, schema, path):
    rt = RECORD_TYPES[schema]
    f = rt.field(path)
    g = imported.graph
    for rec in records_with(batch, schema, path):
        uid = rec["header"]["identifier"]
        res = resource_iri(BASE, rt.kind, uid)
        subject = URIRef(SRC + uid) if f.on == "record" else res
        if f.via is not None:
            subject = g.value(res, f.via)
            assert subject is not None
        value = _get(rec, path)
        values = value if f.many else [value]
        got = set(g.objects(subject, f.prop)) | (set(g.objects(subject, f.overflow)) if f.overflow else set())
        if f.kind == "schema":
            assert (res, RDF.type, rt.rdf_class) in g
            continue
        if f.kind == "decimal":
            assert {Decimal(str(o)) for o in got} == {Decimal(str(v)) for v in values}
            continue
        if f.kind == "contact":
            for c in values:
                fn = f"{c['firstName']} {c['lastName']}"
                nodes = [n for n in got if (n, VCARD.fn, Literal(fn)) in g]
                assert nodes, fn
                assert (nodes[0], RDF.type, VCARD.Individual) in g
                assert {URIRef("mailto:" + e) for e in c["emails"]} <= set(g.objects(nodes[0], VCARD.hasEmail))
            continue
        expected = set().union(*(_expected(f, v, imported) for v in values))
        assert expected <= got, (uid, path, expected - got)
        if f.also is not None:
            also = set(g.objects(subject, f.also))
            if f.kind == "subject":
                assert {chm_concept(v["identifier"]) for v in values} <= also
            else:
                assert expected <= also
        if f.overflow is not None and len(values) > 1:
            assert len(set(g.objects(subject, f.prop))) == 1


def _norm(f, v):
    if f.kind == "plain-lstring":
        return sorted(set(v.values()))
    if f.kind == "decimal":
        return Decimal(str(v))
    if f.many:
        return sorted(json.dumps(x, sort_keys=True) for x in v)
    return v


@pytest.mark.parametrize("schema,path", MAPPED)
def test_field_is_exported_back(batch, exported, schema, path):
    f = RECORD_TYPES[schema].field(path)
    for rec in records_with(batch, schema, path):
        out = exported[rec["header"]["identifier"]]
        assert out["header"]["schema"] == schema
        got = _get(out, path)
        assert got is not None, (rec["header"]["identifier"], path)
        assert _norm(f, got) == _norm(f, _get(rec, path)), path


@pytest.mark.parametrize("schema,path", NOT_MAPPED)
def test_unmapped_known_field_is_reported(batch, imported, schema, path):
    uids = {r["header"]["identifier"] for r in records_with(batch, schema, path)}
    reported = {i.record for i in imported.issues if i.kind == "not-mapped" and i.field == path}
    assert uids <= reported


def test_language_tags(imported):
    g = imported.graph
    mnhn = resource_iri(BASE, "actor", "8D3E6F0A-1C2B-4A5D-9E7F-3B1C0A2D4E01")
    assert Literal("Muséum national d'Histoire naturelle", lang="fr") in set(g.objects(mnhn, RDFS.label))
    assert Literal("National Museum of Natural History", lang="en") in set(g.objects(mnhn, RDFS.label))
    assert set(g.objects(mnhn, DCTERMS.language)) == {Literal("en", datatype=XSD.language), Literal("fr", datatype=XSD.language)}


def test_thesaurus_identifiers_link_to_our_concepts(imported):
    g = imported.graph
    project = resource_iri(BASE, "project", "3F9A0C11-7B2E-4D6A-8E15-2C4B6D8F0A21")
    assert (project, TSC.contributesTo, URIRef(f"{TSCV}gbf/target-06")) in g
    assert (project, DCTERMS.spatial, URIRef(f"{TSCV}country/GP")) in g
    assert (project, TSC.thematicArea, URIRef(f"{TSCV}theme/invasive-species")) in g
    assert (project, DCTERMS.subject, chm_concept("CBD-SUBJECT-IAS")) in g
    assert (URIRef(f"{TSCV}gbf/target-06"), SKOS.exactMatch, chm_concept("GBF-TARGET-06")) in g
    assert (URIRef(f"{TSCV}country/GP"), SKOS.exactMatch, chm_concept("gp")) in g
    nt = resource_iri(BASE, "commitment", "E2B4C6D8-1A3F-4B5C-8D7E-9F0A1B2C3D41")
    assert (nt, RDF.type, TSC.NationalCommitment) in g
    assert (nt, TSC.madeBy, URIRef(f"{TSCV}country/FR")) in g
    assert (nt, TSC.contributesTo, URIRef(f"{TSCV}gbf/goal-A")) in g
    # an unmapped subject stays a link to the Secretariat's term
    mnhn = resource_iri(BASE, "actor", "8D3E6F0A-1C2B-4A5D-9E7F-3B1C0A2D4E01")
    assert (mnhn, DCTERMS.subject, chm_concept("CBD-SUBJECT-SUSE")) in g


def test_provenance(imported):
    g = imported.graph
    uid = "3F9A0C11-7B2E-4D6A-8E15-2C4B6D8F0A21"
    res, rec = resource_iri(BASE, "project", uid), URIRef(SRC + uid)
    assert (res, DCTERMS.identifier, Literal(uid)) in g
    assert (res, PROV.wasDerivedFrom, rec) in g and (res, DCTERMS.source, rec) in g
    assert (rec, RDF.type, PROV.Entity) in g and (rec, DCTERMS.type, Literal("capacityBuildingInitiative")) in g
    assert (res, TSC.evidence, URIRef(f"{TSCV}evidence/public-source")) in g
    assert str(res) == BASE + "id/project/chm-3f9a0c11-7b2e-4d6a-8e15-2c4b6d8f0a21"


def test_generated_label_for_profiles(imported):
    g = imported.graph
    res = resource_iri(BASE, "offer", "D1E3F5A7-3B5C-4D7E-8F9A-1B2C3D4E5F61")
    assert Literal("Profil de fournisseur Bio-Bridge : Muséum national d'Histoire naturelle", lang="fr") in set(g.objects(res, RDFS.label))


def test_opportunity_and_profile_are_told_apart(exported):
    assert exported["F6A8B0C2-4D6E-4F8A-9B0C-2D3E4F5A6B71"]["header"]["schema"] == "bbiOpportunity"
    assert exported["D1E3F5A7-3B5C-4D7E-8F9A-1B2C3D4E5F61"]["header"]["schema"] == "bbiProfile"


def test_round_trip_is_isomorphic(imported, exported):
    again = import_records([("export", r) for r in exported.values()], BASE)
    assert isomorphic(imported.graph, again.graph)
    assert not [i for i in again.issues if i.kind != "not-mapped"]


def test_term_schemes_are_reversible():
    for ident in ("GBF-TARGET-06", "GBF-TARGET-23", "GBF-GOAL-B"):
        iri, ours = SCHEMES["gbf"].to_iri(ident)
        assert ours and SCHEMES["gbf"].to_identifier(iri) == ident
    assert SCHEMES["country"].to_iri("bj") == (URIRef(f"{TSCV}country/BJ"), True)
    assert SCHEMES["country"].to_identifier(URIRef(f"{TSCV}country/BJ")) == "bj"
    for theme, (subject, _) in THEME_SUBJECTS.items():
        assert SCHEMES["theme"].to_identifier(URIRef(f"{TSCV}theme/{theme}")) == subject
    odd = "Organization Types/ABC 1"
    assert chm_identifier(chm_concept(odd)) == odd
    assert SCHEMES["gbf-target"].to_iri("GBF-TARGET-99") == (chm_concept("GBF-TARGET-99"), False)


def test_native_data_exports_too():
    """A resource written in Turtle (no source record) exports with its slug as uid and themes as CBD subjects."""
    from rdflib import Graph

    g = Graph()
    a = URIRef(BASE + "id/actor/mnhn")
    g.add((a, RDF.type, TSC.Actor))
    g.add((a, RDFS.label, Literal("Muséum", lang="fr")))
    g.add((a, TSC.thematicArea, URIRef(f"{TSCV}theme/invasive-species")))
    g.add((a, TSC.basedIn, URIRef(f"{TSCV}country/FR")))
    [rec] = export_records(g)
    assert rec["header"] == {"identifier": "mnhn", "schema": "organization", "languages": ["fr"]}
    assert rec["thematicAreas"] == [{"identifier": "CBD-SUBJECT-IAS"}]
    assert rec["country"] == {"identifier": "fr"}
