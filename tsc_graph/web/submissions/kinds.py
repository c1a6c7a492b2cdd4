"""What visitors can submit, as data: a :class:`Kind` per form (project, good practice or lesson learnt, Bio-Bridge
offer, Bio-Bridge request), each a list of :class:`FieldSpec` in groups. One engine reads a kind to show its form
(``templates/submit.html``), read the request (:mod:`.reading`), build the RDF (:mod:`.rdf`) and put each SHACL
result next to the field it is about (:mod:`.catalogue`): adding a field is one line here.

The title and description fields are the node's languages' (``title_es``, ``title_en`` under ``es, en``; the
default first): :data:`KINDS` holds each kind with that group empty, :func:`for_node` the kind as this node shows it.

Every field that fills an RDF property names it (``prop``): that is how a SHACL result about a property finds its
field. Fields that do not end up in the graph (the private e-mail, the kind of practice) have none.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from tsc_graph.namespaces import DCTERMS as DCT
from tsc_graph.namespaces import FOAF, RDFS, SCHEMA, TSC, VCARD

from .languages import description_label, node_languages, title_label

#: Lengths a visitor may type (characters), refused beyond, never cut.
TITLE_MAX, DESCRIPTION_MAX, NAME_MAX, URL_MAX, EMAIL_MAX = 300, 5000, 200, 500, 254
#: Organisations a visitor may propose inline, per submission.
NEW_ORGS = 2


@dataclass(frozen=True)
class FieldSpec:
    """One field of a form.

    ``widget``: text | textarea | select (one) | multi (several, searchable) | checkboxes | radio | date |
    amount | currency | email | url. ``choices`` names an option list of :mod:`.choices`. ``value``: how it
    becomes RDF — iri, text@lang (a language-tagged literal in ``lang``), date, decimal, code (plain string),
    url (an IRI typed as an address), language (xsd:language), mailto, name (plain string), none.
    """

    name: str
    label: object  # lazy string
    widget: str = "text"
    prop: str | None = None
    value: str = "iri"
    choices: str | None = None
    required: bool = False  # shown as required; the shapes (or, for non-RDF fields, the reader) enforce it
    max_length: int | None = None
    lang: str | None = None
    hint: object = None
    actor_role: bool = False  # a field an organisation proposed inline can fill
    searchable: bool = True


@dataclass(frozen=True)
class Group:
    key: str
    legend: object | None
    fields: tuple[FieldSpec, ...]
    #: A group of a title and a description per language of the node (its fields made by :meth:`Kind.in_languages`).
    per_language: bool = False
    #: The hint of the first title (the default language's), in a per-language group.
    hint: object = None


@dataclass(frozen=True)
class Kind:
    """One form: its URL key (``/projects/submit``), the class(es) it creates, where its IRIs live
    (``{base}id/{path}/{slug}``), its headings and its groups of fields."""

    key: str
    classes: tuple[str, ...]
    path: str
    heading: object
    intro: object
    noun: object  # « projet », "offer" — in sentences of the desk and the tracking page
    groups: tuple[Group, ...]
    type_field: str | None = None  # a field choosing the class among ``classes`` (good practice / lesson learnt)
    contact_point: bool = False  # the public dcat:contactPoint of Bio-Bridge records
    url_rule: str = ""

    @property
    def fields(self) -> list[FieldSpec]:
        return [f for g in self.groups for f in g.fields]

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    def by_prop(self, prop: str) -> list[FieldSpec]:
        return [f for f in self.fields if f.prop == prop]

    @property
    def actor_fields(self) -> list[FieldSpec]:
        return [f for f in self.fields if f.actor_role]

    @property
    def titles(self) -> list[FieldSpec]:
        """The title fields, the node's default language first."""
        return [f for f in self.fields if f.prop == RDFS + "label" and f.value == "text@lang"]

    def title(self, values: dict, lang: str) -> str:
        """The title typed in ``lang``, else the first typed in the node's order ("" if none)."""
        typed = {f.lang: values.get(f.name) for f in self.titles}
        return str(typed.get(lang) or next((t for t in typed.values() if t), ""))

    def in_languages(self, languages: tuple[str, ...]) -> "Kind":
        """This kind with a title and a description field per language in ``languages`` (the first the default)."""
        return replace(self, groups=tuple(replace(g, fields=_language_fields(languages, g.hint)) if g.per_language
                                          else g for g in self.groups))


# --- the fields every kind shares -----------------------------------------------------------------------------
def _titles(what: object) -> Group:
    return Group("about", _l("Description"), (), per_language=True, hint=what)


def _language_fields(languages: tuple[str, ...], hint: object) -> tuple[FieldSpec, ...]:
    """``title_{lang}`` then ``description_{lang}`` per language: the names stay those of the French node's forms
    (``title_fr``, ``title_en``), so that a link, a stored submission or a test written for it still fits. None is
    required on its own: the shapes ask for one title in any of the node's languages."""
    titles = tuple(FieldSpec(f"title_{t}", LazyString(title_label, t), prop=RDFS + "label", value="text@lang", lang=t,
                             max_length=TITLE_MAX, hint=hint if i == 0 else None) for i, t in enumerate(languages))
    descriptions = tuple(FieldSpec(f"description_{t}", LazyString(description_label, t), "textarea",
                                   prop=DCT + "description", value="text@lang", lang=t, max_length=DESCRIPTION_MAX)
                         for t in languages)
    return titles + descriptions


PRIVATE_EMAIL = FieldSpec("email", _l("Your e-mail address (not published)"), "email", value="none", required=True,
                          max_length=EMAIL_MAX,
                          hint=_l("Only the clearing-house team sees it, to contact you about this submission."))
TARGETS = FieldSpec("targets", _l("Global Biodiversity Framework targets"), "multi", prop=TSC + "contributesTo",
                    choices="targets", hint=_l("Type a number or a word to search, e.g. “6” or “invasive”."))
THEMES = FieldSpec("themes", _l("Thematic areas"), "multi", prop=TSC + "thematicArea", choices="themes")
START = FieldSpec("start", _l("Start date"), "date", prop=SCHEMA + "startDate", value="date")
END = FieldSpec("end", _l("End date"), "date", prop=SCHEMA + "endDate", value="date")


def _bio_bridge(key: str, cls: str, path: str, heading, intro, noun, actor: FieldSpec, countries_label) -> Kind:
    return Kind(key, (cls,), path, heading, intro, noun, (
        _titles(_l("A short sentence saying what is offered or needed.")),
        Group("who", _l("Who"), (actor,)),
        Group("what", _l("What"), (
            FieldSpec("support", _l("Types of support"), "checkboxes", prop=TSC + "supportType", choices="support",
                      required=True),
            replace(THEMES, required=True),
            TARGETS,
            FieldSpec("countries", countries_label, "multi", prop=TSC + "targetCountry", choices="countries"),
            FieldSpec("languages", _l("Working languages"), "multi", prop=DCT + "language", value="language",
                      choices="languages", required=True),
        )),
        Group("when", _l("When"), (START, END)),
        Group("contact", _l("Public contact"), (
            FieldSpec("contact_name", _l("Name of the contact (published)"), prop=VCARD + "fn", value="name",
                      required=True, max_length=NAME_MAX, hint=_l("A person or a service, e.g. “International relations”.")),
            FieldSpec("contact_email", _l("E-mail of the contact (published)"), "email", prop=VCARD + "hasEmail",
                      value="mailto", required=True, max_length=EMAIL_MAX),
        )),
        Group("you", _l("You"), (PRIVATE_EMAIL,)),
    ), contact_point=True)


KINDS: dict[str, Kind] = {}

KINDS["project"] = Kind(
    "project", (TSC + "Project",), "project", _l("Submit a project"),
    _l("Use this form to add a biodiversity-related project yourself. It is published once the clearing-house "
       "team has reviewed it."), _l("project"),
    (
        _titles(_l("The project's name as its team writes it. Give at least one title.")),
        Group("who", _l("Who"), (
            FieldSpec("lead", _l("Lead organisation"), "select", prop=TSC + "leadOrganisation", choices="actors",
                      required=True, actor_role=True,
                      hint=_l("Not in the list? Propose it under “Organisations not listed”.")),
            FieldSpec("partners", _l("Partner organisations"), "multi", prop=TSC + "partnerOrganisation",
                      choices="actors", actor_role=True),
        )),
        Group("what", _l("What"), (
            replace(TARGETS, required=True),
            replace(THEMES, required=True),
            FieldSpec("articles", _l("CBD articles"), "checkboxes", prop=TSC + "implementsArticle", choices="articles"),
            FieldSpec("status", _l("Status"), "radio", prop=TSC + "status", choices="status", required=True),
            FieldSpec("page", _l("Project web page"), "url", prop=FOAF + "page", value="url", max_length=URL_MAX),
        )),
        Group("where", _l("Where and when"), (
            FieldSpec("countries", _l("Countries and territories"), "multi", prop=DCT + "spatial", choices="countries",
                      required=True, hint=_l("Overseas territories are listed by name, e.g. “Guadeloupe”.")),
            replace(START, required=True), END,
        )),
        Group("money", _l("Budget"), (
            FieldSpec("budget", _l("Budget"), "amount", prop=TSC + "budget", value="decimal", max_length=40,
                      hint=_l("The total amount, e.g. 250000 or 250 000,50.")),
            FieldSpec("currency", _l("Currency"), "currency", prop=SCHEMA + "currency", value="code", max_length=3,
                      hint=_l("Three-letter code, e.g. EUR, USD, XOF.")),
        )),
        Group("you", _l("You"), (PRIVATE_EMAIL,)),
    ),
)

KINDS["practice"] = Kind(
    "practice", (TSC + "GoodPractice", TSC + "LessonLearnt"), "practice", _l("Share a good practice or a lesson learnt"),
    _l("Share what worked, or what your team learnt, so that others can reuse it. It is published once the "
       "clearing-house team has reviewed it."), _l("good practice or lesson learnt"),
    (
        Group("kind", None, (
            FieldSpec("practice_type", _l("What are you sharing?"), "radio", value="none", choices="practice_types",
                      required=True),
        )),
        _titles(_l("One sentence that says the practice or the lesson.")),
        Group("who", _l("Who"), (
            FieldSpec("shared_by", _l("Shared by"), "multi", prop=TSC + "sharedBy", choices="actors", required=True,
                      actor_role=True, hint=_l("Not in the list? Propose it under “Organisations not listed”.")),
        )),
        Group("what", _l("What it is about"), (
            FieldSpec("project", _l("Project it comes from"), "select", prop=TSC + "fromProject", choices="projects",
                      hint=_l("Link it to a project, to Global Framework targets, or to both.")),
            TARGETS, THEMES,
            FieldSpec("countries", _l("Countries and territories"), "multi", prop=DCT + "spatial", choices="countries"),
            FieldSpec("source", _l("Where to read more (web address)"), "url", prop=DCT + "source", value="url",
                      max_length=URL_MAX),
        )),
        Group("you", _l("You"), (PRIVATE_EMAIL,)),
    ),
    type_field="practice_type",
)

KINDS["offer"] = _bio_bridge(
    "offer", TSC + "CooperationOffer", "offer", _l("Offer cooperation on Bio-Bridge"),
    _l("Offer training, expertise, technology, data or funding to partners in other countries. The offer is "
       "published on Bio-Bridge once the clearing-house team has reviewed it."), _l("offer"),
    FieldSpec("offered_by", _l("Organisation making the offer"), "select", prop=SCHEMA + "offeredBy", choices="actors",
              required=True, actor_role=True, hint=_l("Not in the list? Propose it under “Organisations not listed”.")),
    _l("Countries and territories served"))

KINDS["request"] = _bio_bridge(
    "request", TSC + "CooperationRequest", "request", _l("Request cooperation on Bio-Bridge"),
    _l("Say what support your organisation needs; Bio-Bridge puts you in touch with those who offer it. The "
       "request is published once the clearing-house team has reviewed it."), _l("request"),
    FieldSpec("requested_by", _l("Organisation making the request"), "select", prop=TSC + "requestedBy",
              choices="actors", required=True, actor_role=True,
              hint=_l("Not in the list? Propose it under “Organisations not listed”.")),
    _l("Countries and territories concerned"))


@lru_cache(maxsize=64)
def _in_languages(key: str, languages: tuple[str, ...]) -> Kind:
    return KINDS[key].in_languages(languages)


def for_node(key: str) -> Kind:
    """The kind ``key`` (``project`` if unknown) with the fields of this node's languages."""
    return _in_languages(key if key in KINDS else "project", node_languages())


# --- an organisation proposed inline ----------------------------------------------------------------------------
ORG_FIELDS = (
    FieldSpec("name", _l("Name"), prop=RDFS + "label", value="text@lang", max_length=NAME_MAX),
    FieldSpec("acronym", _l("Acronym"), prop=SCHEMA + "alternateName", value="name", max_length=30),
    FieldSpec("type", _l("Type of organisation"), "select", prop=TSC + "actorType", choices="actor_types",
              searchable=False),
    FieldSpec("country", _l("Country or territory of its seat"), "select", prop=TSC + "basedIn", choices="countries"),
    FieldSpec("website", _l("Website"), "url", prop=FOAF + "homepage", value="url", max_length=URL_MAX),
    FieldSpec("role", _l("Its role"), "select", value="none", searchable=False),
)


def org_field(n: int, spec: FieldSpec) -> str:
    """Form name of field ``spec`` of the ``n``-th proposed organisation (``org1_name``)."""
    return f"org{n}_{spec.name}"
