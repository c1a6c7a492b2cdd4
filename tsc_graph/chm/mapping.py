"""THE mapping between clearing-house JSON records and our ontology — one declarative table.

Why one table for both directions: import and export read the same :data:`RECORD_TYPES`, so a field mapped one
way is mapped the other way, the round-trip tests are parametrised over it, and docs/chm-mapping.md is rendered
from it (:func:`tsc_graph.chm.doc.render_mapping`; a test keeps the doc in sync).

Value kinds (:data:`KINDS`) say how a JSON value becomes RDF and back. A field whose ``prop`` is None is a known
field we do not map (the reason is in ``note``): it is reported on import, never silently dropped.
"""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, RDF, RDFS

from ..namespaces import SCHEMA, TSC

#: value kind → what the JSON looks like → what the RDF looks like
KINDS: dict[str, str] = {
    "schema": '"organization" → rdf:type of the record type\'s class (+ dcterms:type on the source-record node)',
    "string": '"text" → plain literal (xsd:string)',
    "lstring": '{"en": "…", "fr": "…"} → one language-tagged literal per language',
    "plain-lstring": '{"en": "IUCN", "fr": "UICN"} → distinct plain literals (conventions want xsd:string; languages are lost)',
    "language": '["en", "fr"] → xsd:language literals',
    "term": '{"identifier": "GBF-TARGET-06"} → concept IRI through a term scheme (tsc_graph.chm.terms)',
    "subject": '{"identifier": "CBD-SUBJECT-IAS"} → tsc:thematicArea tscv:theme/… (if crosswalked) + dcterms:subject <vocab/chm/…>',
    "record": '{"identifier": "<record uid>"} → IRI of the linked record {base}id/<kind>/chm-<uid>',
    "date": '"2023-01-31" → xsd:date',
    "decimal": "250000 → xsd:decimal",
    "link": '{"url": "https://…"} → IRI',
    "email": '"name@host" → <mailto:name@host>',
    "contact": '{"firstName", "lastName", "emails": […]} → vcard:Individual node (vcard:fn, vcard:given-name, vcard:family-name, vcard:hasEmail)',
}

VCARD_NS = "http://www.w3.org/2006/vcard/ns#"
#: class of the intermediate node of ``via`` fields
VIA_CLASSES: dict[URIRef, URIRef] = {SCHEMA.address: SCHEMA.PostalAddress}


@dataclass(frozen=True)
class Field:
    """One JSON field of one record type and its RDF counterpart."""

    path: str  # JSON field; dotted for a key of a nested object ("header.identifier", "totalBudget.amount")
    prop: URIRef | None  # None: known but not mapped (reported on import; see note)
    kind: str = "string"
    many: bool = False  # the JSON value is a list
    scheme: str | None = None  # term scheme (term kind) or the linked record's IRI kind (record kind)
    on: str = "resource"  # "record": stated on the source-record node (provenance), not on the resource
    via: URIRef | None = None  # the value sits on an intermediate node reached by this property
    also: URIRef | None = None  # also assert this super-property (consumers do no inference)
    exclude: URIRef | None = None  # on export, skip values that also carry this property (a sub-property tells them apart)
    overflow: URIRef | None = None  # ``prop`` is max 1 in the shapes: values after the first go here
    note: str = ""

    @property
    def top(self) -> str:
        return self.path.split(".", 1)[0]


@dataclass(frozen=True)
class RecordType:
    """A clearing-house record type (``header.schema``) and the class and IRI kind it maps to."""

    schema: str
    kind: str  # IRI segment: {base}id/<kind>/chm-<uid>
    rdf_class: URIRef
    fields: tuple[Field, ...]
    #: label (fr, en) for record types without a title; {name} is the linked organisation's name (or the uid)
    generated_label: tuple[str, str] | None = None
    note: str = ""

    def field(self, path: str) -> Field:
        for f in self.fields:
            if f.path == path:
                return f
        raise KeyError(path)

    @property
    def mapped(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.prop is not None)


def _envelope(government: Field | None = None) -> tuple[Field, ...]:
    """Fields every record has: the header, and the government that published it."""
    return (
        Field("header.identifier", DCTERMS.identifier, "string", note="the CHM uid; also names the resource IRI and the source-record node"),
        Field("header.schema", RDF.type, "schema"),
        Field("header.languages", DCTERMS.language, "language", many=True),
        government or Field("government", DCTERMS.publisher, "term", scheme="country", on="record",
                            note="the publishing government, stated on the source-record node"),
    )


def _contact(path: str = "contact", many: bool = False) -> Field:
    return Field(path, DCAT.contactPoint, "contact", many=many)


SUBJECTS = "subject"
FREE_SUPPORT_TYPE = TSC.freeSupportType  # proposed term (docs/chm-mapping.md): sub-property of tsc:supportType

RECORD_TYPES: dict[str, RecordType] = {
    rt.schema: rt
    for rt in (
        RecordType(
            "organization", "actor", TSC.Actor,
            _envelope() + (
                Field("name", RDFS.label, "lstring"),
                Field("acronym", SCHEMA.alternateName, "plain-lstring"),
                Field("organizationType", TSC.actorType, "term", scheme="actor-type"),
                Field("country", TSC.basedIn, "term", scheme="country"),
                Field("thematicAreas", TSC.thematicArea, SUBJECTS, many=True, scheme="theme", also=DCTERMS.subject),
                Field("address", SCHEMA.streetAddress, "lstring", via=SCHEMA.address),
                Field("city", SCHEMA.addressLocality, "lstring", via=SCHEMA.address),
                Field("emails", FOAF.mbox, "email", many=True),
                Field("websites", FOAF.homepage, "link", many=True, overflow=RDFS.seeAlso,
                      note="first URL → foaf:homepage (max 1), the others → rdfs:seeAlso"),
                _contact("contacts", many=True),
                Field("linkedOrganizations", ORG.linkedTo, "record", many=True, scheme="actor"),
                Field("relevantDocuments", DCTERMS.references, "link", many=True),
            ),
        ),
        RecordType(
            "capacityBuildingInitiative", "project", TSC.Project,
            _envelope() + (
                Field("title", RDFS.label, "lstring"),
                Field("projectNumber", SCHEMA.identifier, "string", note="dcterms:identifier already holds the CHM uid"),
                _contact("contacts", many=True),
                Field("geographicScope", DCTERMS.coverage, "term", scheme="chm"),
                Field("countryRegions", DCTERMS.spatial, "term", many=True, scheme="country"),
                Field("status", TSC.status, "term", scheme="status"),
                Field("startDate", SCHEMA.startDate, "date"),
                Field("endDate", SCHEMA.endDate, "date"),
                Field("broaderProjects", DCTERMS.isPartOf, "record", many=True, scheme="project"),
                Field("implementingAgencies", TSC.leadOrganisation, "record", many=True, scheme="actor",
                      note="the shapes want exactly one lead organisation"),
                Field("executingAgencies", TSC.partnerOrganisation, "record", many=True, scheme="actor"),
                Field("description", DCTERMS.description, "lstring"),
                Field("categories", DCTERMS.type, "term", many=True, scheme="chm"),
                Field("targetGroups", SCHEMA.audience, "term", many=True, scheme="chm"),
                Field("cbdSubjects", TSC.thematicArea, SUBJECTS, many=True, scheme="theme", also=DCTERMS.subject),
                Field("gbfTargets", TSC.contributesTo, "term", many=True, scheme="gbf-target"),
                Field("aichiTargets", DCTERMS.relation, "term", many=True, scheme="chm"),
                Field("fundingSourceTypes", None, "term", many=True,
                      note="no property in the conventions for a kind of funding source; proposal: tsc:fundingSourceType"),
                Field("coreFundingSources", TSC.funder, "record", many=True, scheme="actor"),
                Field("coFinancingSources", SCHEMA.sponsor, "record", many=True, scheme="actor"),
                Field("totalBudget.amount", TSC.budget, "decimal"),
                Field("totalBudget.currency", SCHEMA.currency, "string"),
                Field("resultsAchievements", None, "lstring", note="no property in the conventions; proposal: tsc:results"),
                Field("bestPractices", None, "lstring", note="no property in the conventions; proposal: tsc:lessonsLearned"),
            ),
        ),
        RecordType(
            "stakeholderCommitment", "commitment", TSC.InternationalCommitment,
            _envelope() + (
                Field("organization", TSC.madeBy, "record", scheme="actor"),
                Field("organizationType", None, "term",
                      note="the type of the committing organisation: stated on its own record (tsc:actorType)"),
                Field("jurisdiction", DCTERMS.coverage, "term", scheme="chm"),
                Field("title", RDFS.label, "lstring"),
                Field("description", DCTERMS.description, "lstring"),
                Field("timelineStartDate", SCHEMA.startDate, "date"),
                Field("timelineEndDate", SCHEMA.endDate, "date"),
                Field("primaryGlobalAlignment", TSC.contributesTo, "term", many=True, scheme="gbf"),
                Field("otherGlobalAlignments", DCTERMS.relation, "term", many=True, scheme="gbf",
                      note="secondary alignments: a weaker link than tsc:contributesTo"),
                Field("coverageCountries", DCTERMS.spatial, "term", many=True, scheme="country"),
                Field("partners", DCTERMS.contributor, "record", many=True, scheme="actor"),
                Field("fundingSource", None, "lstring", note="free text; no property in the conventions"),
            ),
        ),
        RecordType(
            "nationalTarget7", "commitment", TSC.NationalCommitment,
            _envelope(Field("government", TSC.madeBy, "term", scheme="country",
                            note="a national target is made by its country")) + (
                Field("title", RDFS.label, "lstring"),
                Field("description", DCTERMS.description, "lstring"),
                Field("globalGoalAlignment", TSC.contributesTo, "term", many=True, scheme="gbf-goal"),
                Field("globalTargetAlignment", TSC.contributesTo, "term", many=True, scheme="gbf-target"),
                Field("degreeOfAlignment", None, "term",
                      note="qualifies the alignment; needs a qualified relation the conventions do not have"),
                Field("indicators", None, "term", many=True, note="indicator records/terms have no class in the ontology"),
            ),
        ),
        RecordType(
            "bbiRequest", "request", TSC.CooperationRequest,
            _envelope() + (
                Field("title", RDFS.label, "lstring"),
                Field("organization", TSC.requestedBy, "record", scheme="actor"),
                _contact(),
                Field("country", TSC.targetCountry, "term", scheme="country"),
                Field("jurisdiction", DCTERMS.coverage, "term", scheme="chm"),
                Field("startDate", SCHEMA.startDate, "date"),
                Field("endDate", SCHEMA.endDate, "date"),
                Field("problem", DCTERMS.description, "lstring"),
                Field("objectives", None, "lstring", note="no property in the conventions; proposal: tsc:objectives"),
                Field("assistanceTypes", TSC.supportType, "term", many=True, scheme="support-type"),
                Field("cbdSubjects", TSC.thematicArea, SUBJECTS, many=True, scheme="theme", also=DCTERMS.subject),
                Field("gbfTargets", TSC.contributesTo, "term", many=True, scheme="gbf-target"),
                Field("beneficiaryTypes", SCHEMA.audience, "term", many=True, scheme="chm"),
                Field("coFinancing", None, "lstring", note="free text; no property in the conventions"),
            ),
        ),
        RecordType(
            "bbiProfile", "offer", TSC.CooperationOffer,
            _envelope() + (
                Field("organization", SCHEMA.offeredBy, "record", scheme="actor"),
                _contact(),
                Field("assistanceTypes", TSC.supportType, "term", many=True, scheme="support-type", exclude=FREE_SUPPORT_TYPE,
                      note="assistance offered at cost"),
                Field("assistanceTypesFree", FREE_SUPPORT_TYPE, "term", many=True, scheme="support-type", also=TSC.supportType,
                      note="proposed sub-property of tsc:supportType; tsc:supportType is asserted too"),
                Field("cbdSubjects", TSC.thematicArea, SUBJECTS, many=True, scheme="theme", also=DCTERMS.subject),
                Field("coverageAreas", TSC.targetCountry, "term", many=True, scheme="country"),
                Field("suggestedExpertise", DCTERMS.description, "lstring"),
                Field("collaborationAreas", None, "lstring", note="free text; no property in the conventions"),
            ),
            generated_label=("Profil de fournisseur Bio-Bridge : {name}", "Bio-Bridge provider profile: {name}"),
            note="a provider's standing offer; the record has no title, so the label is generated from the organisation",
        ),
        RecordType(
            "bbiOpportunity", "offer", TSC.CooperationOffer,
            _envelope() + (
                Field("title", RDFS.label, "lstring"),
                Field("description", DCTERMS.description, "lstring"),
                Field("organizations", SCHEMA.offeredBy, "record", many=True, scheme="actor",
                      note="the shapes want exactly one offering organisation"),
                _contact(),
                Field("assistanceTypes", TSC.supportType, "term", many=True, scheme="support-type"),
                Field("cbdSubjects", TSC.thematicArea, SUBJECTS, many=True, scheme="theme", also=DCTERMS.subject),
                Field("gbfTargets", TSC.contributesTo, "term", many=True, scheme="gbf-target"),
                Field("applicationDeadline", SCHEMA.validThrough, "date"),
                Field("eligibility", None, "lstring", note="free text; no property in the conventions; proposal: tsc:eligibility"),
            ),
            note="a funding or training opportunity: an offer told apart from bbiProfile by the source record's dcterms:type",
        ),
    )
}

#: Classes to record types, for export (an offer without a source record is exported as a bbiProfile).
EXPORT_TYPES: dict[URIRef, str] = {
    TSC.Actor: "organization",
    TSC.Project: "capacityBuildingInitiative",
    TSC.InternationalCommitment: "stakeholderCommitment",
    TSC.NationalCommitment: "nationalTarget7",
    TSC.CooperationRequest: "bbiRequest",
    TSC.CooperationOffer: "bbiProfile",
}
