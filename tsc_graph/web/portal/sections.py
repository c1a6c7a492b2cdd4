"""The portal's pages as data: which listings exist, what their facets and cards show, and how an object page
of each class groups its fields (the Prez idea: one engine reads a profile, no page is hand-written).

* A :class:`Section` is a listing (``/actors``, ``/projects`` …): its class, facets, sort orders and card fields.
* A :class:`Profile` is the page of one resource (``/id/project/x.html``): its field groups, in order.

Adding a facet, a card field or a field group is one line here; adding a listing is one ``Section`` and one
line in ``SECTIONS``; a new facet *kind* is one ``.rq`` file in ``tsc_graph/sparql/portal/`` (docs/server.md, "Portal").
Headings default to the property's label in the ontology (``tsc_graph/ontology/tsc.ttl``) or in
``tsc_graph/ontology/annotations.ttl``; a ``title`` here overrides it through the gettext catalogue.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from tsc_graph.namespaces import DCAT, FOAF, ORG, RDF_TYPE, RDFS, SCHEMA, SKOS, TSC, TSCV_EVIDENCE, VOID
from tsc_graph.namespaces import DCTERMS as DCT

ILLUSTRATIVE = TSCV_EVIDENCE + "illustrative"


@dataclass(frozen=True)
class Facet:
    """One filter of a listing. ``kind`` names the pair of queries ``facet-{kind}.rq`` (counts) and
    ``members-{kind}.rq`` (items having a value); ``property`` is bound into both."""

    key: str  # URL parameter (?type=…) — stable: permalinks use it
    title: object  # lazy string
    kind: str = "direct"
    property: str | None = None
    order: str = "count"  # count | number (GBF targets) | label
    values: tuple[tuple[str, object], ...] = ()  # fixed literal values and their names (flags)
    shown: int = 8  # values shown before "more"
    accepts: str = "iri"  # what a value in the URL may be (without fixed values): "iri", or "code" (fr, en…)
    min_values: int = 1  # a facet with fewer values says nothing (the node facet before any harvest): hidden
    # the key of another facet of the listing whose chosen value is bound as ``with`` into this facet's queries,
    # when the two filters together mean more than each alone (actors working on target T *in* place P)
    joint: str = ""


@dataclass(frozen=True)
class Sort:
    key: str
    title: object
    by: str = "label"  # label | start
    descending: bool = False


@dataclass(frozen=True)
class Field:
    """One field of a card or of an object page.

    ``inverse``: the page's resource is the *object* (a target's projects). ``classes`` keeps only subjects of
    those classes; ``listing`` = (section key, facet key) links "see all" to the listing filtered by this
    resource. ``display``: text | chips | links | date | money | url | contact | languages | count | badge |
    node (the network node a harvested record comes from: ``property`` is tsc:harvestGraph, read through the
    graph that holds the record) | flag (an inverse field shown as one badge, ``title``, when anything points at
    the resource: "Registered on the Bio-Bridge platform").
    """

    property: str
    display: str = "links"
    title: object | None = None
    inverse: bool = False
    classes: tuple[str, ...] = ()
    listing: tuple[str, str] | None = None
    role: bool = False  # show the property's label beside each value (lead / partner / funder)
    empty: object | None = None  # shown when the resource has no value (a commitment no project fulfils yet)
    link: str | None = None  # display "flag": the endpoint its badge links to (the Bio-Bridge page)


@dataclass(frozen=True)
class Group:
    """A titled part of a page. ``panel`` names a part computed by code rather than read from properties
    (``panels.PANELS``: the matches of an offer or request); its ``fields`` are then empty."""

    title: object | None
    fields: tuple[Field, ...]
    id: str = ""
    panel: str = ""


@dataclass(frozen=True)
class Profile:
    """The page of a resource of these classes: what goes under the title, then the groups in order."""

    classes: tuple[str, ...]
    summary: tuple[Field, ...]  # chips and facts under the title
    groups: tuple[Group, ...]
    special: str = ""  # "target" adds previous/next target; "node" links to the network page
    # properties kept out of the page (not even under "Other information"): plumbing only machines need, which
    # the page's RDF documents still carry
    hidden: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    key: str  # URL slug and endpoint name
    title: object
    intro: object
    cls: str
    facets: tuple[Facet, ...]
    card: tuple[Field, ...]
    sorts: tuple[Sort, ...] = (Sort("title", _l("Name (A to Z)")),)
    search: bool = True
    per_page: int = 20
    nav: bool = True
    tabs: str = ""  # listings shown as tabs of one section share a name ("bio-bridge": offers, requests, practices)
    facet_by_key: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.facet_by_key.update({f.key: f for f in self.facets})


# --- facets used by several listings -------------------------------------------------------------------------
TARGET = Facet("target", _l("GBF target"), property=TSC + "contributesTo", order="number")
GOAL = Facet("goal", _l("GBF goal (direct link)"), property=TSC + "contributesTo", order="label")
GBF_SECTION = Facet("section", _l("GBF section"), kind="section", property=TSC + "contributesTo", order="label")
THEME = Facet("theme", _l("Theme"), property=TSC + "thematicArea")
PLACE = Facet("place", _l("Country or territory"), kind="place", property=DCT + "spatial")
TARGET_COUNTRY = Facet("country", _l("Country or territory concerned"), kind="place", property=TSC + "targetCountry")
SUPPORT = Facet("support", _l("Type of support"), property=TSC + "supportType")
LANGUAGE = Facet("language", _l("Working language"), kind="language", property=DCT + "language", accepts="code")
#: Where a record comes from: this node or a harvested one (hidden until the node has harvested another one).
NODE = Facet("node", _l("Node of the network"), kind="node", min_values=2)
#: On a card: the node a harvested record comes from (nothing for this node's own records).
NODE_FIELD = Field(TSC + "harvestGraph", "node", title=_l("From the node"))
PRACTICE_CLASSES = (TSC + "GoodPractice", TSC + "LessonLearnt")

SECTIONS: dict[str, Section] = {}


def _add(section: Section) -> Section:
    SECTIONS[section.key] = section
    return section


ACTORS = _add(Section(
    key="actors", title=_l("Actors"), cls=TSC + "Actor",
    intro=_l("The organisations working on biodiversity cooperation: public bodies, research institutes, NGOs, "
             "companies, funders, local authorities and networks."),
    facets=(
        Facet("type", _l("Type of actor"), property=TSC + "actorType"),
        # where the actor works: based there, or leading, joining or funding a project located there; with a
        # target chosen too, its work on that target there (the same project, or based there): docs/server.md
        Facet("place", _l("Country or territory where they work"), kind="actor-place", joint="target"),
        Facet("target", _l("GBF target of their projects"), kind="actor-target", order="number", joint="place"),
        THEME,
        Facet("biobridge", _l("Bio-Bridge"), kind="actor-biobridge",
              values=(("registered", _l("Registered on the Bio-Bridge platform")),
                      ("active", _l("Has a Bio-Bridge offer or request")))),
        NODE,
    ),
    card=(Field(SCHEMA + "alternateName", "text"), Field(TSC + "actorType", "chips"), Field(TSC + "basedIn"),
          Field(TSC + "leadOrganisation", "count", title=_l("projects"), inverse=True),
          Field(TSC + "partnerOrganisation", "count", inverse=True), Field(TSC + "funder", "count", inverse=True),
          Field(TSC + "registrant", "flag", inverse=True, title=_l("Registered on Bio-Bridge"),
                link="portal.biobridge"),
          NODE_FIELD, Field(TSC + "evidence", "badge")),
))

PROJECTS = _add(Section(
    key="projects", title=_l("Projects"), cls=TSC + "Project",
    intro=_l("Cooperation and capacity-building projects, with the Global Biodiversity Framework targets they "
             "contribute to and the CBD articles they implement."),
    facets=(GOAL, GBF_SECTION, TARGET, PLACE, THEME,
            Facet("status", _l("Status"), property=TSC + "status", order="label"),
            Facet("article", _l("CBD article"), kind="broader", property=TSC + "implementsArticle", order="label"),
            Facet("lead", _l("Lead organisation"), property=TSC + "leadOrganisation", shown=6), NODE),
    card=(Field(TSC + "leadOrganisation"), Field(TSC + "status", "chips"), Field(TSC + "contributesTo", "chips"),
          Field(DCT + "spatial"), Field(SCHEMA + "startDate", "date"), NODE_FIELD, Field(TSC + "evidence", "badge")),
    sorts=(Sort("title", _l("Title (A to Z)")), Sort("newest", _l("Start date (newest first)"), "start", True),
           Sort("oldest", _l("Start date (oldest first)"), "start")),
))

COMMITMENTS = _add(Section(
    key="commitments", title=_l("Commitments"), cls=TSC + "Commitment",
    intro=_l("National and international commitments for biodiversity, who made them, and the projects that "
             "fulfil them. Commitments no project fulfils yet are shown too."),
    facets=(Facet("kind", _l("National or international"), property=RDF_TYPE, order="label"),
            Facet("fulfilment", _l("Fulfilment"), kind="fulfilment",
                  values=(("fulfilled", _l("Fulfilled by at least one project")),
                          ("unfulfilled", _l("No project yet")))),
            Facet("by", _l("Made by"), property=TSC + "madeBy"),
            TARGET, PLACE, NODE),
    card=(Field(RDF_TYPE, "chips"), Field(TSC + "madeBy"), Field(TSC + "contributesTo", "chips"),
          Field(TSC + "fulfilledBy", "links", title=_l("Fulfilled by"), empty=_l("No project yet")),
          Field(SCHEMA + "endDate", "date"), NODE_FIELD,
          Field(TSC + "evidence", "badge")),
    sorts=(Sort("title", _l("Title (A to Z)")), Sort("newest", _l("Start date (newest first)"), "start", True)),
))

#: Offers and requests are filtered on the features the matching compares (tsc_graph/matching/), the same for both.
BIO_BRIDGE_FACETS = (SUPPORT, TARGET, THEME, TARGET_COUNTRY, LANGUAGE, NODE)


def _bio_bridge_card(party: str) -> tuple[Field, ...]:
    """The card of an offer or a request: who makes it (``party``), then the features both kinds share."""
    return (Field(party), Field(TSC + "supportType", "chips"), Field(TSC + "contributesTo", "chips"),
            Field(TSC + "targetCountry"), NODE_FIELD, Field(TSC + "evidence", "badge"))


OFFERS = _add(Section(
    key="offers", title=_l("Bio-Bridge offers"), cls=TSC + "CooperationOffer", tabs="bio-bridge",
    intro=_l("What actors offer through the Bio-Bridge Initiative: training, technology, expertise, data "
             "or funding, on given themes and for given countries. Each offer's page lists the requests it "
             "could answer."),
    facets=BIO_BRIDGE_FACETS,
    card=_bio_bridge_card(SCHEMA + "offeredBy"),
))

REQUESTS = _add(Section(
    key="requests", title=_l("Bio-Bridge requests"), cls=TSC + "CooperationRequest", tabs="bio-bridge",
    intro=_l("Requests for technical and scientific assistance made through the Bio-Bridge Initiative. Each "
             "request's page lists the offers that best match it, and why."),
    facets=BIO_BRIDGE_FACETS,
    card=_bio_bridge_card(TSC + "requestedBy"),
))

PRACTICES = _add(Section(
    key="practices", title=_l("Good practices and lessons learnt"), cls=TSC + "Practice", tabs="bio-bridge",
    nav=False,
    intro=_l("Knowledge drawn from experience and shared between actors, as the Bio-Bridge Initiative's "
             "knowledge-sharing space offers it: methods that proved themselves, and lessons for future projects."),
    facets=(Facet("type", _l("Good practice or lesson learnt"), property=RDF_TYPE, order="label"),
            TARGET, Facet("actor", _l("Shared by"), property=TSC + "sharedBy"),
            Facet("project", _l("Drawn from the project"), property=TSC + "fromProject"), THEME, NODE),
    card=(Field(RDF_TYPE, "chips"), Field(TSC + "sharedBy"), Field(TSC + "fromProject"),
          Field(TSC + "contributesTo", "chips"), NODE_FIELD, Field(TSC + "evidence", "badge")),
))

PARTNERSHIPS = _add(Section(
    key="partnerships", title=_l("Partnerships"), cls=TSC + "Partnership", nav=False,
    intro=_l("Cooperation agreements and twinnings between actors."),
    facets=(Facet("member", _l("Member"), property=ORG + "hasMember"), NODE),
    card=(Field(RDF_TYPE, "chips"), Field(ORG + "hasMember"), Field(SCHEMA + "startDate", "date"), NODE_FIELD),
))


# --- object pages ----------------------------------------------------------------------------------------------
SOURCES = Group(_l("Sources"), (Field(DCT + "source", "url"), Field(FOAF + "homepage", "url"),
                                Field(FOAF + "page", "url"), Field(SCHEMA + "url", "url"),
                                Field(RDFS + "seeAlso", "url")), id="sources")
CONTRIBUTIONS = (
    Field(TSC + "contributesTo", inverse=True, classes=(TSC + "Project",), title=_l("Projects"),
          listing=("projects", "target")),
    Field(TSC + "contributesTo", inverse=True, classes=(TSC + "NationalCommitment", TSC + "InternationalCommitment"),
          title=_l("Commitments"), listing=("commitments", "target")),
    Field(TSC + "contributesTo", inverse=True, classes=(TSC + "CooperationOffer",), title=_l("Bio-Bridge offers"),
          listing=("offers", "target")),
    Field(TSC + "contributesTo", inverse=True, classes=(TSC + "CooperationRequest",),
          title=_l("Bio-Bridge requests"), listing=("requests", "target")),
)


def practices(prop: str, facet: str) -> Group:
    """Good practices and lessons learnt pointing at the page's resource (a project, a target, an actor)."""
    return Group(_l("Good practices and lessons learnt"), (
        Field(prop, inverse=True, classes=(TSC + "GoodPractice",), title=_l("Good practices"),
              listing=("practices", facet)),
        Field(prop, inverse=True, classes=(TSC + "LessonLearnt",), title=_l("Lessons learnt"),
              listing=("practices", facet))), id="practices")


#: On an actor's page and card: registered on a cooperation platform (Bio-Bridge), linking to its page.
REGISTERED = Field(TSC + "registrant", "flag", inverse=True, title=_l("Registered on the Bio-Bridge platform"),
                   link="portal.biobridge")

PROFILES: list[Profile] = [
    Profile(
        classes=(TSC + "Project",),
        summary=(Field(TSC + "status", "chips"), Field(TSC + "contributesTo", "chips")),
        groups=(
            Group(None, (Field(DCT + "description", "text"),), id="summary"),
            Group(_l("Who"), (Field(TSC + "leadOrganisation", role=True), Field(TSC + "partnerOrganisation", role=True),
                              Field(TSC + "funder", role=True),
                              # a public address only where a source gives one: never an invented one
                              Field(SCHEMA + "email", title=_l("Public contact"),
                                    empty=_l("Through the lead organisation's website"))), id="actors"),
            Group(_l("Where and when"), (Field(DCT + "spatial"), Field(SCHEMA + "startDate", "date"),
                                         Field(SCHEMA + "endDate", "date")), id="where"),
            Group(_l("Budget and status"), (Field(TSC + "budget", "money"), Field(TSC + "status")), id="budget"),
            Group(_l("What it implements"), (Field(TSC + "contributesTo", "chips"), Field(TSC + "thematicArea", "chips"),
                                             Field(TSC + "implementsArticle"), Field(TSC + "relatesToInstrument"),
                                             Field(TSC + "fulfilledBy", inverse=True, title=_l("Commitments it fulfils"))),
                  id="implements"),
            practices(TSC + "fromProject", "project"),
            SOURCES,
        ),
    ),
    Profile(
        classes=(TSC + "Actor",),
        summary=(Field(SCHEMA + "alternateName", "text"), Field(TSC + "actorType", "chips"), Field(TSC + "basedIn"),
                 REGISTERED),
        groups=(
            Group(None, (Field(DCT + "description", "text"),), id="summary"),
            Group(_l("Themes"), (Field(TSC + "thematicArea", "chips"),), id="themes"),
            Group(_l("Projects"), (Field(TSC + "leadOrganisation", inverse=True, title=_l("Leads"),
                                         listing=("projects", "lead")),
                                   Field(TSC + "partnerOrganisation", inverse=True, title=_l("Partner in")),
                                   Field(TSC + "funder", inverse=True, title=_l("Funds"))), id="projects"),
            Group(_l("Bio-Bridge"), (Field(SCHEMA + "offeredBy", inverse=True, title=_l("Offers")),
                                     Field(TSC + "requestedBy", inverse=True, title=_l("Requests"))), id="biobridge"),
            Group(_l("Commitments and partnerships"), (
                Field(TSC + "madeBy", inverse=True, title=_l("Commitments made")),
                Field(ORG + "hasMember", inverse=True, title=_l("Partnerships"))), id="commitments"),
            practices(TSC + "sharedBy", "actor"),
            SOURCES,
        ),
    ),
    Profile(
        classes=(TSC + "NationalCommitment", TSC + "InternationalCommitment", TSC + "Commitment"),
        summary=(Field(RDF_TYPE, "chips"), Field(TSC + "contributesTo", "chips")),
        groups=(
            Group(None, (Field(DCT + "description", "text"),), id="summary"),
            Group(_l("Who and where"), (Field(TSC + "madeBy"), Field(DCT + "spatial"),
                                        Field(SCHEMA + "startDate", "date"), Field(SCHEMA + "endDate", "date")),
                  id="who"),
            Group(_l("Fulfilment"), (Field(TSC + "fulfilledBy", title=_l("Projects fulfilling it"),
                                           empty=_l("No project yet")),), id="fulfilment"),
            Group(_l("What it implements"), (Field(TSC + "contributesTo", "chips"), Field(TSC + "relatesToInstrument")),
                  id="implements"),
            SOURCES,
        ),
    ),
    Profile(
        classes=(TSC + "CooperationOffer", TSC + "CooperationRequest"),
        summary=(Field(TSC + "supportType", "chips"), Field(TSC + "contributesTo", "chips")),
        groups=(
            Group(None, (Field(DCT + "description", "text"),), id="summary"),
            Group(_l("Who"), (Field(SCHEMA + "offeredBy"), Field(TSC + "requestedBy"), Field(DCAT + "contactPoint", "contact")),
                  id="who"),
            Group(_l("What and where"), (Field(TSC + "supportType", "chips"), Field(TSC + "freeSupportType", "chips"),
                                         Field(TSC + "thematicArea", "chips"), Field(TSC + "contributesTo", "chips"),
                                         Field(TSC + "targetCountry"), Field(DCT + "language", "languages"),
                                         Field(SCHEMA + "startDate", "date"), Field(SCHEMA + "endDate", "date")),
                  id="what"),
            Group(_l("Best matches"), (), id="matches", panel="matches"),
            SOURCES,
        ),
    ),
    Profile(
        classes=(TSC + "GBFTarget",), special="target",
        summary=(),
        groups=(
            Group(None, (Field(SKOS + "definition", "text"), Field(DCT + "description", "text")), id="summary"),
            Group(_l("In the Framework"), (Field(SKOS + "member", inverse=True, title=_l("Section")),
                                           Field(SKOS + "related")),
                  id="framework"),
            Group(_l("What contributes to it"), CONTRIBUTIONS, id="contributions"),
            practices(TSC + "contributesTo", "target"),
            SOURCES,
        ),
    ),
    Profile(
        classes=(TSC + "GBFGoal",),
        summary=(),
        groups=(
            Group(None, (Field(SKOS + "definition", "text"), Field(DCT + "description", "text")), id="summary"),
            Group(_l("In the Framework"), (Field(SKOS + "narrower", title=_l("Targets")), Field(SKOS + "related")),
                  id="framework"),
            Group(_l("What contributes to it directly"), CONTRIBUTIONS[:4], id="contributions"),
            SOURCES,
        ),
    ),
    Profile(
        classes=(SKOS + "Collection",),
        summary=(),
        groups=(
            Group(None, (Field(SKOS + "definition", "text"), Field(DCT + "description", "text")), id="summary"),
            Group(_l("Targets"), (Field(SKOS + "member", title=_l("Targets")),), id="members"),
            SOURCES,
        ),
    ),
    Profile(
        classes=(TSC + "CBDArticle", TSC + "Convention", TSC + "Protocol", TSC + "Decision"),
        summary=(Field(SKOS + "altLabel", "text"),),
        groups=(
            Group(None, (Field(DCT + "description", "text"),), id="summary"),
            Group(_l("In the Convention"), (Field(SKOS + "broader"), Field(SKOS + "narrower"), Field(SKOS + "related")),
                  id="structure"),
            Group(_l("Projects"), (
                Field(TSC + "implementsArticle", inverse=True, title=_l("Projects implementing it"),
                      listing=("projects", "article")),
                Field(TSC + "relatesToInstrument", inverse=True, title=_l("Projects and commitments relating to it"))),
                  id="projects"),
            SOURCES,
        ),
    ),
    Profile(
        classes=(TSC + "Partnership", TSC + "Twinning"),
        summary=(Field(RDF_TYPE, "chips"),),
        groups=(
            Group(None, (Field(DCT + "description", "text"),), id="summary"),
            Group(_l("Members"), (Field(ORG + "hasMember"), Field(SCHEMA + "startDate", "date"),
                                  Field(SCHEMA + "endDate", "date")), id="members"),
            SOURCES,
        ),
    ),
    Profile(
        classes=PRACTICE_CLASSES + (TSC + "Practice",),
        summary=(Field(TSC + "contributesTo", "chips"),),
        groups=(
            Group(None, (Field(DCT + "description", "text"),), id="summary"),
            Group(_l("Who and where"), (Field(TSC + "sharedBy"), Field(TSC + "fromProject"), Field(DCT + "spatial")),
                  id="who"),
            Group(_l("What it is about"), (Field(TSC + "contributesTo", "chips"), Field(TSC + "thematicArea", "chips")),
                  id="about"),
            SOURCES,
        ),
    ),
    Profile(
        classes=(TSC + "CooperationPlatform",),
        summary=(),
        groups=(
            Group(None, (Field(DCT + "description", "text"),), id="summary"),
            Group(_l("On the platform"), (
                Field(TSC + "registrationPage", "url"),
                Field(TSC + "platform", inverse=True, classes=(TSC + "RegistrationCount",), title=_l("Figures")),
                Field(TSC + "platform", inverse=True, classes=(TSC + "PlatformRegistration",),
                      title=_l("Registrations known to this node"))), id="platform"),
            SOURCES,
        ),
    ),
    Profile(
        classes=(TSC + "Node",), special="node",
        summary=(Field(DCT + "spatial"),),
        groups=(
            Group(None, (Field(DCT + "description", "text"),), id="summary"),
            Group(_l("In the network"), (Field(VOID + "sparqlEndpoint", "url"), Field(VOID + "dataDump", "url"),
                                         Field(FOAF + "homepage", "url"), Field(DCAT + "contactPoint", "contact")),
                  id="network"),
            Group(_l("Its records on this node"), (), id="contributed", panel="contributed"),
            SOURCES,
        ),
    ),
    Profile(
        classes=(TSC + "Country", TSC + "Territory"),
        summary=(Field(SKOS + "notation", "text"),),
        # ISO's lexicographic forms (« Réunion, Île de la ») are no name a visitor searches by, and where each
        # name comes from (ISO, CLDR, Debian's iso-codes) is sourcing for curators: both stay in the RDF
        # skos:broader repeats tsc:territoryOf for the thesaurus
        hidden=(SKOS + "altLabel", DCT + "source", SKOS + "broader"),
        groups=(
            Group(_l("Countries and territories"), (Field(TSC + "territoryOf"),
                                                     Field(TSC + "territoryOf", inverse=True, title=_l("Territories"))),
                  id="territories"),
            # the figures of the listings it links to (actors working here, projects here): panels.place
            Group(_l("On this node"), (), id="node", panel="place"),
        ),
    ),
]

#: A page for any other resource (themes, types, statuses, schemes, the node): its description and sources;
#: the remaining properties are shown with their labels (never a prefixed name).
GENERIC = Profile(
    classes=(),
    summary=(),
    groups=(Group(None, (Field(SKOS + "definition", "text"), Field(DCT + "description", "text")), id="summary"),
            # a theme's page lists what is tagged with it (empty, hence absent, on other pages)
            Group(_l("On this theme"), (
                Field(TSC + "thematicArea", inverse=True, classes=(TSC + "Project",), title=_l("Projects"),
                      listing=("projects", "theme")),
                Field(TSC + "thematicArea", inverse=True, classes=(TSC + "Actor",), title=_l("Actors"),
                      listing=("actors", "theme")),
                Field(TSC + "thematicArea", inverse=True, classes=PRACTICE_CLASSES, title=_l("Good practices"),
                      listing=("practices", "theme"))), id="tagged"),
            SOURCES),
)


def profile_for(types: set[str]) -> Profile:
    for profile in PROFILES:
        if types & set(profile.classes):
            return profile
    return GENERIC


def nav_sections() -> list[Section]:
    return [s for s in SECTIONS.values() if s.nav]
