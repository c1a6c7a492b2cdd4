"""THE mapping between clearing-house JSON records and our ontology — one declarative table.

Why one table for both directions: import and export read the same :data:`RECORD_TYPES`, so a field mapped one
way is mapped the other way, the per-record-type tests are parametrised over it, and docs/chm-mapping.md is
rendered from it (:func:`tsc_graph.chm.doc.render_mapping`; a test keeps the doc in sync).

Every field is one of:

* **mapped** (``prop`` set): the value becomes RDF through its value kind (:data:`KINDS`), and export rebuilds it
  from the RDF. Where the RDF cannot carry the whole JSON value (the order of a list, a term's ``customValue``, a
  link's ``name``…), the original value is also kept verbatim (see below) and wins on export as long as the RDF
  still says the same thing;
* **kept** (``prop`` None): no property of the ontology fits; the value is kept verbatim.

"Kept verbatim" means: the source-record node carries ``tsc:sourceFields``, an ``rdf:JSON`` literal holding the
original JSON value of those fields, so export → import → export gives back every field of the record. Fields the
table does not know are kept the same way (and reported as ``unknown-field``).

Each record type and field names the documentation its JSON shape comes from (:data:`SOURCES`).
"""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, RDF, RDFS

from ..namespaces import SCHEMA, TSC, VCARD

#: Where the shapes of the records come from: key → (repository, path, commit).
SOURCES: dict[str, tuple[str, str, str]] = {
    "chd-types": ("scbd/clearing-house-documentation", "components/records/custom-types.md", "9fa4fa490df80a08d76bc32ba8925cab464bdf66"),
    "chd-org": ("scbd/clearing-house-documentation", "components/org/request-body.md", "032985fb2f4bbb359b07e0170f6ef7866a4b925e"),
    "chd-cdi": ("scbd/clearing-house-documentation", "components/cdi/request-body.md", "a9d20cd8ec02515bdede5596dbdab8913d7c875c"),
    "ae-cbi": ("scbd/api-examples", "schema-definitions/ECapacityBuildingIntitiative.cs", "0e3ebc818d05631ec14aa645a35a7dfcd407155d"),
    "ae-contactref": ("scbd/api-examples", "schema-definitions/Chm/EContactRef.cs", "0e3ebc818d05631ec14aa645a35a7dfcd407155d"),
    "chd-sc": ("scbd/clearing-house-documentation", "components/stakeholderCommitment/request-body.md", "142d628d8a6befe83ba88c4dea5489f6a96a79ee"),
    "ort-sc": ("scbd/online-reporting-tool", "types/schemas/EStakeholderCommitment.ts", "b33338a755a561de003bd89939968d8873312b42"),
    "ort-contactbase": ("scbd/online-reporting-tool", "types/schemas/EContactBase.ts", "13584ec2dd5c7e302598ee769fb0d7358226d741"),
    "chd-nt": ("scbd/clearing-house-documentation", "components/nationalTarget/request-body.md", "3880c6b2acbeb80ba9658b1370fc1692141049ec"),
    "ort-nt7": ("scbd/online-reporting-tool", "types/schemas/ENationalTarget7.ts", "0911029d8bc818b7712c1df9a185896b25e405d3"),
    "chm-bbi-request": ("scbd/chm.cbd.int", "app/directives/formats/views/bbi-request.html", "7f6df43ba71863dc31f47c3c408b4efaed7f3347"),
    "chm-bbi-request-js": ("scbd/chm.cbd.int", "app/directives/formats/views/bbi-request.js", "910b989c3c58b0e020a6c204554c13a7410bc835"),
    "chm-bbi-profile": ("scbd/chm.cbd.int", "app/directives/formats/views/bbi-profile.html", "46305c2ceccb71a93a232e4420cbf8eec92272ce"),
    "chm-bbi-profile-js": ("scbd/chm.cbd.int", "app/directives/formats/views/bbi-profile.js", "46305c2ceccb71a93a232e4420cbf8eec92272ce"),
    "chm-bbi-opportunity": ("scbd/chm.cbd.int", "app/directives/formats/views/bbi-opportunity.html", "46305c2ceccb71a93a232e4420cbf8eec92272ce"),
    "chm-bbi-opportunity-js": ("scbd/chm.cbd.int", "app/directives/formats/views/bbi-opportunity.js", "9aedde26eedd67524845dfbc4849211b90c2fb93"),
    "chm-bbi-contact": ("scbd/chm.cbd.int", "app/directives/formats/views/bbi-contact.html", "5cba55f8915a7df20c57291a47dbb922ef7113a8"),
    "chd-contact": ("scbd/clearing-house-documentation", "components/contact/request-body.md", "4cb1a9847c7f77f2f321a6d60f6d7b70a3231654"),
    "ae-contact": ("scbd/api-examples", "schema-definitions/EContact.cs", "002c1254730e22406faee84e179e06a7bd75f5b3"),
    "ae-contactbase": ("scbd/api-examples", "schema-definitions/base/EContactBase.cs", "87896a944a05932e948caa604baad29008f080cb"),
    "ort-docinfo": ("scbd/online-reporting-tool", "types/schemas/base/EDocumentInfo.ts", "027937a244ce1ee456b29ab175e64f80e072fbe2"),
    "chd-get": ("scbd/clearing-house-documentation", "swagger/json/stakeholderCommitment/get.json", "25789b676c56cb0377b8ae0cc48fe0e8aa75dab7"),
    "chm-nt": ("scbd/chm.cbd.int", "app/directives/formats/views/national-target.html", "22cb7cfff62d10df5f0c48bc022c87fe9192205e"),
    "chm-nt-js": ("scbd/chm.cbd.int", "app/directives/formats/views/national-target.js", "3acb29f99c557f15e9b3194925753352e933d412"),
    "chm-form-loader": ("scbd/chm.cbd.int", "app/directives/formats/views/form-loader.js", "1d0ca18b6404022057b6fd37c43d54fdfa93a26d"),
    "chd-org-mandatory": ("scbd/clearing-house-documentation", "components/org/request-body.md", "9fa4fa490df80a08d76bc32ba8925cab464bdf66"),
    "chd-cdi-mandatory": ("scbd/clearing-house-documentation", "components/cdi/request-body.md", "9fa4fa490df80a08d76bc32ba8925cab464bdf66"),
    "chd-contact-mandatory": ("scbd/clearing-house-documentation", "components/contact/request-body.md", "9fa4fa490df80a08d76bc32ba8925cab464bdf66"),
    "chd-sc-mandatory": ("scbd/clearing-house-documentation", "components/stakeholderCommitment/request-body.md", "4b16cc34f0e124b430bb3c2fe511b3f04eeb337c"),
    "chd-nt-mandatory": ("scbd/clearing-house-documentation", "components/nationalTarget/request-body.md", "65aa43e3bc60f52f0266fb3fbd103241bfe0b778"),
    "chd-uid": ("scbd/clearing-house-documentation", "swagger/json/contact/update.ts", "4b16cc34f0e124b430bb3c2fe511b3f04eeb337c"),
    "chd-vlr": ("scbd/clearing-house-documentation", "components/vlr/request-body.md", "9fa4fa490df80a08d76bc32ba8925cab464bdf66"),
    "chd-nbsap": ("scbd/clearing-house-documentation", "components/nbsap/request-body.md", "71b14ee2a6ed677f8297702afe731657b52c57e8"),
    "chd-nfp": ("scbd/clearing-house-documentation", "components/nfp/request-body.md", "9fa4fa490df80a08d76bc32ba8925cab464bdf66"),
}

#: value kind → what the JSON looks like → what the RDF looks like
KINDS: dict[str, str] = {
    "identifier": '"2C86F905-…" → dcterms:identifier (case kept); the resource IRI is {base}id/<kind>/chm-<lowercase slug>',
    "schema": '"organization" → rdf:type of the record type\'s class (+ dcterms:type on the source-record node)',
    "language": '["en", "fr"] → xsd:language literals',
    "string": '"text" → plain literal (xsd:string)',
    "lstring": '{"en": "…", "fr": "…"} → one language-tagged literal per language (a plain string → a plain literal)',
    "plain-lstring": '{"en": "IUCN", "fr": "UICN"} → distinct plain literals (the conventions want xsd:string)',
    "term": '{"identifier": "…", "customValue"?} → concept IRI through a term scheme (tsc_graph.chm.terms)',
    "subject": '{"identifier": "CBD-SUBJECT-…"} → tsc:thematicArea tscv:theme/… (if crosswalked) + dcterms:subject <vocab/chm/…>',
    "record": '{"identifier": "<uid>@<revision>"} → IRI of the linked record (revision stripped, kept on the source-record node)',
    "contact": '{"identifier": "SIMP-…@1"} → IRI of the contact resource; an inline contact {firstName, lastName, emails} → vcard:Individual node',
    "contact-type": '"person" / "organization" → rdf:type vcard:Individual / vcard:Organization',
    "date": '"2023-01-31" (or a date-time) → xsd:date',
    "usd": '"1234" (US dollars) → tsc:budget xsd:decimal, with schema:currency "USD"',
    "link": '{"url": "https://…", "name"?, "language"?} → IRI',
    "email": '"name@host" → <mailto:name@host>',
    "phone": '"+33 1 40 79 30 00" → plain literal',
}

#: JSON shapes the documentation uses (value of Field.shape)
SHAPES = ("string", "string[]", "lstring", "lstring[]", "term", "term[]", "reference", "reference[]", "contact[]",
          "link[]", "datetime", "int", "bool", "header", "MapLocation", "TargetAlignment[]", "NationalIndicators[]", "LTerm",
          "Nagoya", "Biosafety")


@dataclass(frozen=True)
class Node:
    """A node the values of some fields sit on, other than the resource itself (an address, an inline contact…)."""

    link: URIRef  # property from the parent node to this node
    classes: tuple[URIRef, ...]
    parent: str = "resource"
    mint: str | None = None  # IRI kind of a node that is a resource of its own ({base}id/<kind>/chm-<uid>-<name>); else blank
    note: str = ""


NODES: dict[str, Node] = {
    "address": Node(SCHEMA.address, (SCHEMA.PostalAddress,), note="a schema:PostalAddress blank node"),
    "vcard-address": Node(VCARD.hasAddress, (VCARD.Address,), note="a vcard:Address blank node"),
    "contact": Node(DCAT.contactPoint, (VCARD.Individual,), note="the inline contact person, a vcard:Individual blank node"),
    "organization": Node(TSC.madeBy, (TSC.Actor,), mint="actor",
                         note="the committing organisation, an actor of its own: {base}id/actor/chm-<uid>-organization"),
    "organization-address": Node(SCHEMA.address, (SCHEMA.PostalAddress,), parent="organization",
                                 note="the organisation's schema:PostalAddress"),
}


@dataclass(frozen=True)
class Field:
    """One JSON field of one record type and its RDF counterpart."""

    path: str  # top-level JSON key; "header.identifier" etc. for the header's keys
    shape: str  # JSON shape as the documentation gives it (SHAPES)
    prop: URIRef | None = None  # None: no property fits; the value is kept verbatim
    kind: str = "string"
    scheme: str | None = None  # term scheme (term kinds) or the linked record's IRI kind (record / contact kinds)
    node: str = "resource"  # "resource", "record" (the source-record node) or a key of NODES
    also: URIRef | None = None  # also assert this super-property (consumers do no inference)
    exclude: URIRef | None = None  # on export, skip values that also carry this property
    overflow: URIRef | None = None  # ``prop`` is max 1 in the shapes: values after the first go here
    other: URIRef | None = None  # term values with no concept of ours (a region among countries) go here
    source: str = ""  # key of SOURCES the shape comes from ("" = the record type's first source)
    note: str = ""

    @property
    def top(self) -> str:
        return self.path.split(".", 1)[0]

    @property
    def many(self) -> bool:
        return self.shape.endswith("[]")

    @property
    def mapped(self) -> bool:
        return self.prop is not None


@dataclass(frozen=True)
class RecordType:
    """A clearing-house record type (``header.schema``) and the class and IRI kind it maps to."""

    schema: str
    kind: str  # IRI segment: {base}id/<kind>/chm-<uid>
    rdf_class: URIRef
    sources: tuple[str, ...]
    fields: tuple[Field, ...]
    #: label (fr, en) for records without a title; {name} is the linked organisation's name (or the uid)
    generated_label: tuple[str, str] | None = None
    #: labels made of other fields ((fr, en) templates over field values); vcard:fn of contacts
    note: str = ""

    def field(self, path: str) -> Field:
        for f in self.fields:
            if f.path == path:
                return f
        raise KeyError(path)

    @property
    def mapped(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.mapped)

    @property
    def tops(self) -> tuple[str, ...]:
        """Top-level JSON keys, in table order."""
        return tuple(dict.fromkeys(f.top for f in self.fields))


def _header(schema_note: str = "") -> tuple[Field, ...]:
    return (
        Field("header.identifier", "header", DCTERMS.identifier, "identifier", source="chd-types",
              note="the CHM uid, case kept; also names the resource IRI and the source-record node"),
        Field("header.schema", "header", RDF.type, "schema", source="chd-types", note=schema_note),
        Field("header.languages", "string[]", DCTERMS.language, "language", source="chd-types"),
    )


def _kept(path: str, shape: str, source: str = "", note: str = "") -> Field:
    return Field(path, shape, None, "json", source=source, note=note)


def _contact_person(source: str, *, node: str = "resource") -> tuple[Field, ...]:
    """The person part of EContactBase: names, job title, department, phones, faxes, emails."""
    return (
        Field("prefix", "lstring", VCARD["honorific-prefix"], "lstring", node=node, source=source),
        Field("firstName", "string", VCARD["given-name"], node=node, source=source),
        Field("middleName", "string", VCARD["additional-name"], node=node, source=source),
        Field("lastName", "string", VCARD["family-name"], node=node, source=source),
        _kept("gender", "term", source, "a person's gender: not published as linked data"),
        Field("designation", "lstring", VCARD.title, "lstring", node=node, source=source),
        Field("department", "lstring", VCARD["organization-unit"], "lstring", node=node, source=source),
    )


def _contact_record(schema: str, sources: tuple[str, ...], organization_kind: str, extra: tuple[Field, ...] = (),
                    omit: frozenset[str] = frozenset()) -> RecordType:
    s = sources[0]
    fields = _header() + _contact_person(s) + (
            Field("organization", "lstring", VCARD["organization-name"], "lstring", source=s),
            _kept("organizationAcronym", "lstring", s, "vCard has no property for an organisation's acronym"),
            _kept("organizationType", "term", s, "the type of the contact's organisation is stated on the organisation"),
            Field("address", "lstring", VCARD["street-address"], "lstring", node="vcard-address", source=s),
            Field("city", "lstring", VCARD.locality, "lstring", node="vcard-address", source=s),
            Field("state", "lstring", VCARD.region, "lstring", node="vcard-address", source=s),
            Field("postalCode", "lstring", VCARD["postal-code"], "lstring", node="vcard-address", source=s),
            Field("country", "term", SCHEMA.addressCountry, "term", "country", node="vcard-address", source=s),
            Field("phones", "string[]", SCHEMA.telephone, "phone", source=s),
            Field("faxes", "string[]", SCHEMA.faxNumber, "phone", source=s),
            Field("emails", "string[]", VCARD.hasEmail, "email", source=s),
            Field("websites", "link[]", VCARD.hasURL, "link", source=s),
            Field("contactOrganization", "reference", SCHEMA.worksFor, "record", organization_kind, source=sources[-1],
                  note="the organisation the contact works for"),
    ) + extra
    return RecordType(
        schema, "contact", VCARD.Kind, sources, tuple(f for f in fields if f.path not in omit),
        note="a contact person or organisation, a vcard:Kind resource of its own that other records link to by reference; "
             "vcard:fn is generated from prefix, names (or organization)",
    )


GBF = "gbf"

RECORD_TYPES: dict[str, RecordType] = {
    rt.schema: rt
    for rt in (
        RecordType(
            "organization", "actor", TSC.Actor, ("chd-org",),
            _header() + (
                Field("acronym", "lstring", SCHEMA.alternateName, "plain-lstring",
                      note="multilingual in the CHM, a plain xsd:string in our conventions: the languages are kept verbatim"),
                Field("name", "lstring", RDFS.label, "lstring"),
                Field("contacts", "reference[]", DCAT.contactPoint, "contact", "contact"),
                Field("linkedOrganizations", "reference[]", ORG.linkedTo, "record", "actor"),
                Field("address", "lstring", SCHEMA.streetAddress, "lstring", node="address"),
                Field("city", "lstring", SCHEMA.addressLocality, "lstring", node="address"),
                Field("state", "lstring", SCHEMA.addressRegion, "lstring", node="address"),
                Field("postalCode", "lstring", SCHEMA.postalCode, "lstring", node="address"),
                Field("country", "term", TSC.basedIn, "term", "country"),
                Field("phones", "string[]", SCHEMA.telephone, "phone"),
                Field("faxes", "string[]", SCHEMA.faxNumber, "phone"),
                Field("emails", "string[]", FOAF.mbox, "email"),
                Field("websites", "link[]", FOAF.homepage, "link", overflow=RDFS.seeAlso,
                      note="first URL → foaf:homepage (max 1), the others → rdfs:seeAlso; names kept verbatim"),
                _kept("libraries", "term[]", note="which clearing-houses list the record: not a fact about the organisation"),
                Field("organizationType", "term", TSC.actorType, "term", "actor-type"),
                Field("thematicAreas", "term[]", TSC.thematicArea, "subject", "theme", also=DCTERMS.subject),
                _kept("absThematicAreas", "term[]", note="ABS clearing-house subjects: no crosswalk to our themes"),
                _kept("areasOfWork", "lstring[]", note="a list of free texts: one literal per language would lose which texts go together"),
                Field("gbfTargets", "term[]", TSC.contributesTo, "term", "gbf-target"),
                Field("aichiTargets", "term[]", DCTERMS.relation, "term", "aichi"),
                _kept("coordinates", "MapLocation", note="map zoom and position of the form's map widget"),
                _kept("establishmentGooglePlaceId", "string[]", note="identifiers in a proprietary service"),
                _kept("operationalLanguages", "term[]", note="no property for an organisation's working languages"),
                Field("operationalRegions", "term[]", SCHEMA.areaServed, "term", "region"),
                Field("profile", "lstring", DCTERMS.description, "lstring"),
                _kept("profileLink", "link[]", note="a link to the profile: dcterms:references already holds relevantDocuments"),
                _kept("relevantInformation", "lstring", note="free notes; no property in the conventions"),
                Field("relevantDocuments", "link[]", DCTERMS.references, "link"),
            ),
        ),
        RecordType(
            "capacityBuildingInitiative", "project", TSC.Project, ("chd-cdi", "ae-cbi"),
            _header() + (
                _kept("libraries", "term[]", note="which clearing-houses list the record"),
                Field("title", "lstring", RDFS.label, "lstring"),
                Field("projectNumber", "lstring", SCHEMA.identifier, "lstring", note="dcterms:identifier already holds the CHM uid"),
                Field("projectDocument", "link[]", FOAF.page, "link", overflow=RDFS.seeAlso,
                      note="website address(es): first → foaf:page (max 1; not foaf:homepage, which is inverse-"
                           "functional and would identify the project with an actor sharing the page), the others "
                           "→ rdfs:seeAlso"),
                Field("contacts", "contact[]", DCAT.contactPoint, "contact", "contact",
                      note="references to contact records; the older EContactRef shape (inline contact) gives a vcard:Individual node"),
                Field("geographicScope", "term", DCTERMS.coverage, "term", "jurisdiction"),
                Field("countryRegions", "term[]", DCTERMS.spatial, "term", "country-or-region", other=SCHEMA.areaServed,
                      note="countries → dcterms:spatial, regions (no concept of ours) → schema:areaServed"),
                Field("status", "term", TSC.status, "term", "status"),
                Field("startDate", "datetime", SCHEMA.startDate, "date"),
                Field("endDate", "datetime", SCHEMA.endDate, "date"),
                _kept("durationPeriod", "int", note="a duration the form derives from the dates"),
                _kept("durationText", "string", note="the unit of durationPeriod"),
                _kept("activityScope", "term", note="type of initiative: domain not published, no concept scheme of ours"),
                _kept("isProjectProgramme", "bool", note="a form switch; broaderProjects holds the link"),
                _kept("projectProgrammeName", "lstring", note="free text naming a broader programme not in the CHM"),
                Field("broaderProjects", "reference[]", DCTERMS.isPartOf, "record", "project"),
                _kept("isImplementedByAgencies", "bool", note="a form switch"),
                Field("implementingAgencies", "reference[]", TSC.leadOrganisation, "record", "actor",
                      note="the shapes want exactly one lead organisation"),
                _kept("isExecutededByAgencies", "bool", note="a form switch"),
                Field("executingAgencies", "reference[]", TSC.partnerOrganisation, "record", "actor"),
                _kept("isCollaboratededByPartners", "bool", note="a form switch"),
                Field("collaboratingPartners", "reference[]", DCTERMS.contributor, "record", "actor", source="ae-cbi"),
                Field("description", "lstring", DCTERMS.description, "lstring"),
                Field("categories", "term[]", DCTERMS.type, "term", "cbi-category"),
                Field("targetGroups", "term[]", SCHEMA.audience, "term", "cbi-audience"),
                Field("cbdSubjects", "term[]", TSC.thematicArea, "subject", "theme", also=DCTERMS.subject),
                Field("gbfTargets", "term[]", TSC.contributesTo, "term", "gbf-target"),
                Field("aichiTargets", "term[]", DCTERMS.relation, "term", "aichi"),
                _kept("absKeyAreas", "term[]", note="ABS key areas: no concept scheme of ours"),
                _kept("cpbThematicAreas", "term[]", note="biosafety thematic areas: no concept scheme of ours"),
                _kept("fundingSourceTypes", "term[]", note="no property in the conventions for a kind of funding source"),
                _kept("selfFundingInfo", "lstring", "ae-cbi", "free text"),
                Field("coreFundingSources", "reference[]", TSC.funder, "record", "actor"),
                Field("coFinancingSources", "reference[]", SCHEMA.sponsor, "record", "actor"),
                Field("totalBudget", "string", TSC.budget, "usd", note="amount in US dollars, as a string"),
                _kept("resultsAchievements", "lstring", note="no property in the conventions; proposal: tsc:results"),
                _kept("resultsOutputs", "link[]", note="links to outputs: no property distinguishes them from documents"),
                _kept("resultsReference", "reference[]", note="virtual-library records: a record type we do not import"),
                _kept("bestPractices", "lstring", note="no property in the conventions; proposal: tsc:lessonsLearned"),
                _kept("tags", "lstring[]", note="free tags"),
                _kept("adminTags", "string[]", note="the Secretariat's administrative tags"),
                _kept("relevantInformation", "lstring", note="free notes"),
                Field("relevantDocuments", "link[]", DCTERMS.references, "link"),
                _kept("duration", "lstring", "ae-cbi", "older free-text duration"),
                _kept("type", "term", "ae-cbi", "older type of initiative"),
                _kept("typeInfo", "lstring", "ae-cbi", "older free text on the type"),
                _kept("notes", "string", "ae-cbi", "the submitter's notes to the Secretariat"),
            ),
        ),
        RecordType(
            "stakeholderCommitment", "commitment", TSC.InternationalCommitment, ("chd-sc", "ort-sc", "ort-contactbase"),
            _header() + (
                Field("firstName", "string", VCARD["given-name"], node="contact"),
                Field("lastName", "string", VCARD["family-name"], node="contact"),
                Field("designation", "lstring", VCARD.title, "lstring", node="contact"),
                Field("department", "lstring", VCARD["organization-unit"], "lstring", node="contact"),
                Field("organization", "lstring", RDFS.label, "lstring", node="organization",
                      note="the committing organisation's name: an actor of its own, linked by tsc:madeBy"),
                Field("organizationAcronym", "lstring", SCHEMA.alternateName, "plain-lstring", node="organization"),
                Field("organizationType", "term", TSC.actorType, "term", "actor-type", node="organization"),
                Field("address", "lstring", SCHEMA.streetAddress, "lstring", node="organization-address", source="ort-contactbase"),
                Field("city", "lstring", SCHEMA.addressLocality, "lstring", node="organization-address", source="ort-contactbase"),
                Field("state", "lstring", SCHEMA.addressRegion, "lstring", node="organization-address", source="ort-contactbase"),
                Field("postalCode", "lstring", SCHEMA.postalCode, "lstring", node="organization-address", source="ort-contactbase"),
                Field("country", "term", TSC.basedIn, "term", "country", node="organization", source="ort-contactbase"),
                Field("phones", "string[]", SCHEMA.telephone, "phone", node="contact", source="ort-contactbase"),
                Field("emails", "string[]", VCARD.hasEmail, "email", node="contact", source="ort-contactbase"),
                Field("websites", "link[]", FOAF.homepage, "link", node="organization", overflow=RDFS.seeAlso, source="ort-contactbase"),
                Field("jurisdiction", "term", DCTERMS.coverage, "term", "jurisdiction"),
                _kept("jurisdictionCountries", "term[]", note="countries of the jurisdiction; dcterms:spatial holds the coverage"),
                _kept("jurisdictionRegions", "term[]", note="regions of the jurisdiction"),
                Field("title", "lstring", RDFS.label, "lstring"),
                Field("description", "lstring", DCTERMS.description, "lstring"),
                Field("timelineStartDate", "datetime", SCHEMA.startDate, "date"),
                Field("timelineEndDate", "datetime", SCHEMA.endDate, "date"),
                _kept("isOpenEnded", "bool", note="no end date is stated instead"),
                _kept("nextStepsInformation", "lstring", note="free text"),
                _kept("performanceInformation", "lstring", note="free text on key performance indicators"),
                _kept("endorsementsInformation", "lstring", note="free text"),
                Field("primaryGlobalAlignment", "term", TSC.contributesTo, "term", GBF, note="a single term"),
                Field("primaryNationalTarget", "reference", DCTERMS.relation, "record", "commitment",
                      note="a nationalTarget7 record"),
                Field("otherGlobalAlignments", "term[]", DCTERMS.relation, "term", GBF,
                      note="secondary alignments: a weaker link than tsc:contributesTo"),
                _kept("otherNationalTargets", "reference[]", note="secondary national targets"),
                _kept("alignmentInformation", "lstring", note="free text"),
                _kept("indicators", "term[]", note="GBF headline indicators: no class in the ontology"),
                _kept("implementingConsiderations", "term[]", note="GBF section C considerations: no concept scheme of ours"),
                _kept("coverageScope", "string", "ort-sc", "'national', 'multiCountries' or 'global'"),
                Field("coverageCountries", "term[]", DCTERMS.spatial, "term", "country"),
                Field("coverageRegions", "term[]", SCHEMA.areaServed, "term", "region"),
                _kept("coverageOther", "lstring[]", note="free texts"),
                _kept("fundingSource", "lstring", note="free text"),
                _kept("isFundingSufficient", "bool", note="a yes/no answer"),
                _kept("internationalFrameworks", "lstring", note="free text"),
                _kept("partners", "lstring", note="free text naming partners (not references)"),
                _kept("isLinkedToNbsap", "bool", note="a yes/no answer"),
                _kept("linkedToNbsapCountries", "term[]", note="countries whose NBSAP the commitment is linked to"),
                _kept("isReportingOnTarget15", "bool", note="a yes/no answer"),
                _kept("target15Information", "lstring", note="free text"),
                _kept("isProgressTracked", "bool", note="a yes/no answer"),
                _kept("progressInformation", "lstring", note="free text"),
                _kept("progressTrackingUrl", "lstring", note="typed lstring although it holds a URL"),
                _kept("implementationStrategies", "lstring", note="free text"),
                _kept("additionalInformation", "lstring", note="free text"),
                Field("additionalDocuments", "link[]", DCTERMS.references, "link"),
                _kept("linkedAttachments", "link[]", note="attachments stored by the Secretariat"),
                _kept("notes", "string", note="the submitter's notes"),
            ),
            note="a non-State actor's commitment; the committing organisation is described inline (organization, "
                 "organizationType, address…) and becomes an actor of its own, the contact person a vcard:Individual node",
        ),
        RecordType(
            "nationalTarget7", "commitment", TSC.NationalCommitment, ("chd-nt", "ort-nt7"),
            _header() + (
                Field("government", "term", TSC.madeBy, "term", "country", note="a national target is made by its country"),
                Field("title", "lstring", RDFS.label, "lstring"),
                Field("description", "lstring", DCTERMS.description, "lstring"),
                _kept("sequence", "int", note="display order among the country's targets"),
                Field("globalGoalAlignment", "term[]", TSC.contributesTo, "term", "gbf-goal"),
                Field("globalTargetAlignment", "TargetAlignment[]", TSC.contributesTo, "term", "gbf-target", source="ort-nt7",
                      note="each item also carries degreeOfAlignment (a term of GBF-DEGREE-OF-ALIGNMENT), kept verbatim"),
                _kept("degreeOfAlignmentInfo", "lstring", note="free text"),
                _kept("implementingConsiderations", "term[]", note="GBF section C considerations"),
                _kept("implementingConsiderationsInfo", "lstring", note="free text"),
                _kept("mainPolicyOfMeasureOrActionInfo", "lstring", note="free text"),
                _kept("headlineIndicators", "term[]", note="GBF indicators have no class in the ontology"),
                _kept("binaryIndicators", "term[]", note="GBF indicators have no class in the ontology"),
                _kept("componentIndicators", "term[]", note="GBF indicators have no class in the ontology"),
                _kept("complementaryIndicators", "term[]", note="GBF indicators have no class in the ontology"),
                _kept("otherNationalIndicators", "NationalIndicators[]", "ort-nt7", "national indicators {identifier, value}"),
                _kept("nonStateActorCommitmentInfo", "lstring", note="free text"),
                _kept("hasNonStateActors", "bool", note="a yes/no answer"),
                _kept("nonStateActorsInfo", "lstring", note="free text"),
                _kept("additionalImplementation", "LTerm", note="a term with a custom value"),
                _kept("additionalImplementationInfo", "lstring", note="free text"),
                _kept("additionalInformation", "lstring", note="free text"),
                Field("additionalDocuments", "link[]", DCTERMS.references, "link"),
                _kept("notes", "string", "ort-nt7", "the submitter's notes"),
            ),
        ),
        RecordType(
            "nationalTarget", "commitment", TSC.NationalCommitment, ("chm-nt", "chm-nt-js", "chm-form-loader"),
            _header() + (
                Field("title", "lstring", RDFS.label, "lstring"),
                Field("acronym", "lstring", SCHEMA.alternateName, "plain-lstring",
                      note="multilingual in the CHM, a plain xsd:string in our conventions: the languages are kept verbatim"),
                Field("government", "term", TSC.madeBy, "term", "country", note="a national target is made by its country"),
                Field("description", "lstring", DCTERMS.description, "lstring", note="the rationale for the target"),
                Field("jurisdiction", "term", DCTERMS.coverage, "term", "jurisdiction", note="level of application"),
                _kept("jurisdictionInfo", "lstring", note="free text"),
                _kept("aichiTargets", "reference[]", "chm-nt-js",
                      "references to aichiTarget records (the view loads them as documents), a record type we do not map"),
                _kept("otherAichiTargets", "reference[]", "chm-nt-js", "sub-Aichi targets: references to records, as aichiTargets"),
                _kept("documentText", "lstring", note="free text"),
                Field("documentLinks", "link[]", DCTERMS.references, "link", note="relevant websites, links and files"),
                _kept("relevantInformation", "lstring", note="free notes"),
                Field("relevantDocuments", "link[]", RDFS.seeAlso, "link",
                      note="other relevant websites or documents: rdfs:seeAlso, since dcterms:references holds documentLinks"),
            ),
            note="the older (Aichi-era) national target, which the clearing-house's record view (national-target, the "
                 "form loader's name for header.schema nationalTarget) shows; field shapes read from that view (lstring/term "
                 "filters, lists repeated); superseded by nationalTarget7",
        ),
        RecordType(
            "bbiRequest", "request", TSC.CooperationRequest, ("chm-bbi-request", "chm-bbi-request-js"),
            _header() + (
                Field("title", "lstring", RDFS.label, "lstring"),
                Field("problem", "lstring", DCTERMS.description, "lstring"),
                Field("country", "term", TSC.targetCountry, "term", "country", note="the related government"),
                Field("contact", "reference", DCAT.contactPoint, "contact", "contact", source="chm-bbi-request-js",
                      note="a bbiContact record"),
                Field("organization", "reference", TSC.requestedBy, "record", "actor", source="chm-bbi-request-js"),
                Field("coverage", "term[]", DCTERMS.spatial, "term", "country-or-region", other=SCHEMA.areaServed,
                      note="geographic target(s): countries → dcterms:spatial, regions → schema:areaServed"),
                Field("assistanceTypes", "term[]", TSC.supportType, "term", "support-type"),
                _kept("addressedPriorities", "lstring", note="free text"),
                Field("cbdSubjects", "term[]", TSC.thematicArea, "subject", "theme", also=DCTERMS.subject),
                Field("aichiTargets", "term[]", DCTERMS.relation, "term", "aichi"),
                _kept("otherGovernments", "term[]", note="other governments involved: no property in the conventions"),
                Field("jurisdiction", "term[]", DCTERMS.coverage, "term", "jurisdiction", note="level of application"),
                Field("beneficiaryTypes", "term[]", SCHEMA.audience, "term", "chm"),
                Field("startDate", "datetime", SCHEMA.startDate, "date"),
                Field("endDate", "datetime", SCHEMA.endDate, "date"),
                _kept("other", "lstring", note="free text"),
                Field("websites", "link[]", DCTERMS.references, "link", note="relevant links and files"),
                _kept("existingInitiatives", "lstring", note="free text"),
                _kept("sameRequests", "lstring", note="free text"),
                _kept("objectives", "lstring", note="no property in the conventions; proposal: tsc:objectives"),
                _kept("potentialOOI", "lstring", note="potential outputs, outcomes and indicators: free text"),
                _kept("coFinancing", "lstring", note="free text"),
                _kept("addressedPrioritiesOther", "lstring", note="free text"),
            ),
            note="field shapes read from the record view (lstring/term filters, lists repeated)",
        ),
        RecordType(
            "bbiProfile", "offer", TSC.CooperationOffer, ("chm-bbi-profile", "chm-bbi-profile-js"),
            _header() + (
                Field("title", "lstring", RDFS.label, "lstring"),
                Field("coverageArea", "term[]", TSC.targetCountry, "term", "country", note="geographic coverage"),
                Field("assistanceTypes", "term[]", TSC.supportType, "term", "support-type"),
                Field("relevantDocuments", "link[]", DCTERMS.references, "link"),
                Field("suggestedExpertise", "lstring", DCTERMS.description, "lstring"),
                _kept("collaborationAreas", "lstring", note="free text"),
                _kept("recentExperiance", "lstring", note="free text (the Secretariat's spelling)"),
                Field("websites", "link[]", FOAF.page, "link", overflow=RDFS.seeAlso,
                      note="first → foaf:page (an offer is not identified by its web page), the others → rdfs:seeAlso"),
                Field("contact", "reference", DCAT.contactPoint, "contact", "contact", source="chm-bbi-profile-js",
                      note="a bbiContact record"),
                Field("organization", "reference", SCHEMA.offeredBy, "record", "actor", source="chm-bbi-profile-js"),
            ),
            generated_label=("Profil de fournisseur Bio-Bridge : {name}", "Bio-Bridge provider profile: {name}"),
            note="a provider's standing offer; a record without a title gets a label generated from its organisation "
                 "(not exported)",
        ),
        RecordType(
            "bbiOpportunity", "offer", TSC.CooperationOffer, ("chm-bbi-opportunity", "chm-bbi-opportunity-js"),
            _header() + (
                Field("title", "lstring", RDFS.label, "lstring"),
                Field("description", "lstring", DCTERMS.description, "lstring"),
                Field("areasBenifited", "term[]", TSC.targetCountry, "term", "country", note="geographic coverage"),
                Field("assistanceTypes", "term[]", TSC.supportType, "term", "support-type"),
                _kept("otherAssistanceType", "lstring", note="free text"),
                _kept("relevantInfo", "lstring", note="free text"),
                Field("relevantDocuments", "link[]", DCTERMS.references, "link"),
                _kept("primaryBeneficiary", "lstring", note="free text"),
                _kept("primaryBeneficiaries", "lstring", note="free text"),
                _kept("potentialOutcomes", "lstring", note="free text"),
                _kept("eligibility", "lstring", note="no property in the conventions; proposal: tsc:eligibility"),
                _kept("applicationProcess", "lstring", note="free text"),
                Field("startDate", "datetime", SCHEMA.startDate, "date"),
                Field("endDate", "datetime", SCHEMA.endDate, "date"),
                Field("applicationDeadline", "datetime", SCHEMA.validThrough, "date"),
                _kept("applicationDocuments", "link[]", note="application forms"),
                _kept("active", "bool", note="a publication switch"),
                Field("aichiTargets", "term[]", DCTERMS.relation, "term", "aichi"),
                Field("cbdSubjects", "term[]", TSC.thematicArea, "subject", "theme", also=DCTERMS.subject),
                Field("contact", "reference", DCAT.contactPoint, "contact", "contact", source="chm-bbi-opportunity-js",
                      note="a bbiContact record"),
                Field("primaryOrganization", "reference", SCHEMA.offeredBy, "record", "actor", source="chm-bbi-opportunity-js"),
                Field("organizations", "reference[]", DCTERMS.contributor, "record", "actor", source="chm-bbi-opportunity-js",
                      note="contributing organisations"),
            ),
            note="a funding or training opportunity: an offer told apart from bbiProfile by the source record's dcterms:type",
        ),
        _contact_record("contact", ("chd-contact", "ae-contact"), "contact", (
            Field("type", "string", RDF.type, "contact-type", source="chd-contact"),
            Field("government", "term", DCTERMS.publisher, "term", "country", node="record",
                  note="the publishing government, stated on the source-record node"),
            _kept("addressType", "string", "chd-contact", "whether the address is the organisation's"),
            _kept("relevantInformation", "lstring", "chd-contact", "free notes"),
            Field("relevantDocuments", "link[]", DCTERMS.references, "link", source="chd-contact"),
            _kept("notes", "string", "ae-contact", "the submitter's notes"),
        )),
        RecordType(
            "resource", "document", SCHEMA.CreativeWork, ("chd-vlr",),
            _header() + (
                Field("title", "lstring", RDFS.label, "lstring"),
                Field("resourceTypes", "term[]", DCTERMS.type, "term", "chm",
                      note="types of resource (thesaurus resource-type-vlr), on the resource; the source-record node's "
                           "dcterms:type is the record type"),
                Field("authors", "lstring", SCHEMA.author, "lstring", note="author names, free text (schema:author accepts text)"),
                Field("organizations", "reference[]", DCTERMS.creator, "record", "actor", note="the authoring organisations"),
                _kept("publisher", "lstring", note="free text: dcterms:publisher and schema:publisher want an agent"),
                _kept("source", "lstring", note="free text: dcterms:source holds the source record"),
                Field("publicationDate", "lstring", DCTERMS.issued, "string",
                      note="documented as lstring, given as a year and month (\"2024-12\"): a plain literal, not an xsd:date"),
                _kept("rights", "lstring", note="free text: dcterms:rights wants a rights statement resource"),
                Field("resourceLinks", "link[]", SCHEMA.url, "link", note="links to the resource itself; names and languages kept verbatim"),
                _kept("covers", "link[]", note="cover images stored by the Secretariat (relative URLs, a \"tag\" key)"),
                Field("summary", "lstring", DCTERMS.description, "lstring"),
                Field("countryRegions", "term[]", DCTERMS.spatial, "term", "country-or-region", other=SCHEMA.areaServed,
                      note="countries → dcterms:spatial, regions (no concept of ours) → schema:areaServed"),
                Field("gbfTargets", "term[]", DCTERMS.relation, "term", "gbf-target",
                      note="the targets a library resource is about: dcterms:relation (tsc:contributesTo is for actions)"),
                Field("aichiTargets", "term[]", DCTERMS.relation, "term", "aichi"),
                Field("cbdSubjects", "term[]", TSC.thematicArea, "subject", "theme", also=DCTERMS.subject),
                _kept("nagoya", "Nagoya", note="ABS clearing-house fields (mccKeywords, subjects, keyAreas): no crosswalk to our themes"),
                _kept("biosafety", "Biosafety", note="biosafety clearing-house fields (subjects, LMOs, organisms, genes)"),
                _kept("tags", "lstring[]", note="free keywords"),
                _kept("adminTags", "string[]", note="the Secretariat's administrative tags"),
                _kept("relevantInformation", "lstring", note="free notes"),
                Field("relevantDocuments", "link[]", DCTERMS.references, "link"),
            ),
            note="a virtual-library record (publication, guidance, tool): a schema:CreativeWork of its own, {base}id/document/chm-<uid>",
        ),
        RecordType(
            "nbsap", "document", SCHEMA.CreativeWork, ("chd-nbsap",),
            _header() + (
                Field("government", "term", DCTERMS.publisher, "term", "country", note="the country whose strategy it is"),
                Field("title", "lstring", RDFS.label, "lstring"),
                Field("summary", "lstring", DCTERMS.description, "lstring"),
                Field("jurisdiction", "term", DCTERMS.coverage, "term", "jurisdiction", note="level of application"),
                _kept("jurisdictionInfo", "lstring", note="free text"),
                _kept("isGbfAligned", "bool", note="a yes/no answer"),
                Field("startDate", "datetime", SCHEMA.startDate, "date", note="start of the period the strategy covers"),
                Field("endDate", "datetime", SCHEMA.endDate, "date", note="end of the period the strategy covers"),
                _kept("status", "term", note="NBSAP status: a domain other than the initiative statuses of tscv:status"),
                _kept("completionYear", "string", note="a year"),
                Field("adoptionDate", "string", DCTERMS.dateAccepted, "date", note="date of completion and adoption"),
                _kept("approvedStatus", "term", note="status of the approved document: domain not published"),
                _kept("approvingBody", "term", note="approving body: domain not published"),
                _kept("approvingBodyInfo", "lstring", note="free text"),
                _kept("documentText", "lstring", note="the strategy's text"),
                Field("documentLinks", "link[]", SCHEMA.url, "link", note="the NBSAP documents and websites; names kept verbatim"),
                _kept("relevantInformation", "lstring", note="free notes"),
                Field("relevantDocuments", "link[]", DCTERMS.references, "link"),
            ),
            note="a national biodiversity strategy and action plan: the strategy document (schema:CreativeWork, "
                 "{base}id/document/chm-<uid>) published by its country; its measures and targets are national commitments",
        ),
        _contact_record("focalPoint", ("chd-nfp",), "actor", (
            Field("government", "term", DCTERMS.publisher, "term", "country", node="record",
                  note="the government whose focal point it is, stated on the source-record node"),
            _kept("categories", "string[]", note="the focal point's categories (which convention or protocol, which role)"),
            _kept("description", "string", note="free text"),
            _kept("title", "lstring", note="the focal point's title: vcard:title holds designation"),
            Field("addressLine1", "lstring", VCARD["street-address"], "lstring", node="vcard-address"),
            _kept("addressLine2", "lstring", note="a second street line: vcard:street-address holds the first"),
            _kept("mobiles", "string[]", note="mobile numbers: schema:telephone holds phones, which export must tell apart"),
        ), omit=frozenset({"prefix", "address", "contactOrganization"})),
        _contact_record("bbiContact", ("chm-bbi-contact", "chm-bbi-opportunity-js"), "actor", (
            _kept("relevantInformation", "lstring", "chm-bbi-contact", "free notes"),
            Field("relevantDocuments", "link[]", DCTERMS.references, "link", source="chm-bbi-contact"),
        ), omit=frozenset({"gender", "organizationType"})),
    )
}

#: Classes to record types, for export of data that was not imported (no source record says which type).
EXPORT_TYPES: dict[URIRef, str] = {
    TSC.Actor: "organization",
    TSC.Project: "capacityBuildingInitiative",
    TSC.InternationalCommitment: "stakeholderCommitment",
    TSC.NationalCommitment: "nationalTarget7",
    TSC.CooperationRequest: "bbiRequest",
    TSC.CooperationOffer: "bbiProfile",
    SCHEMA.CreativeWork: "resource",
    VCARD.Kind: "contact",
}

#: The fields each record type's documentation marks mandatory (its "Mandatory" column): record type → (source,
#: fields). ``a|b`` is one of two alternatives the form offers (an end date or "open-ended"; the jurisdiction's
#: countries or its regions). Types whose documentation marks none (focalPoint) or that have no documentation table
#: (the Bio-Bridge types, bbiContact, nationalTarget) are not listed: nothing is said to be missing from them.
REQUIRED: dict[str, tuple[str, tuple[str, ...]]] = {
    "organization": ("chd-org-mandatory", ("name", "city", "country", "phones", "emails", "organizationType")),
    "capacityBuildingInitiative": ("chd-cdi-mandatory", ("title", "contacts", "geographicScope", "status", "startDate",
                                                         "endDate", "durationPeriod", "durationText", "isProjectProgramme")),
    "contact": ("chd-contact-mandatory", ("firstName", "lastName", "organization", "country", "emails", "type",
                                          "contactOrganization")),
    "stakeholderCommitment": ("chd-sc-mandatory", (
        "firstName", "lastName", "designation", "department", "organization", "organizationType", "jurisdiction",
        "jurisdictionCountries|jurisdictionRegions", "title", "description", "timelineStartDate",
        "timelineEndDate|isOpenEnded", "nextStepsInformation", "primaryGlobalAlignment", "primaryNationalTarget",
        "isFundingSufficient", "isReportingOnTarget15", "target15Information", "isProgressTracked",
        "progressInformation")),
    "nationalTarget7": ("chd-nt-mandatory", ("government", "title", "globalTargetAlignment", "additionalImplementation")),
    "resource": ("chd-vlr", ("title", "resourceTypes", "authors", "organizations", "publicationDate", "resourceLinks",
                             "summary", "cbdSubjects")),
    "nbsap": ("chd-nbsap", ("government", "title", "jurisdiction", "isGbfAligned", "startDate", "endDate", "status",
                            "documentLinks")),
}

#: The record identifiers (uids) the documents API takes: the ``uid`` path parameter's pattern of its operations.
UID_PATTERN = (r"^[A-Za-z0-9\-_]{11,128}$", "chd-uid")

#: Our marker of illustrative data in an exported record (``export-chm --include-illustrative``); read back on import.
EVIDENCE_KEY = "tscEvidence"
