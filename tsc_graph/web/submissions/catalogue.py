"""SHACL results in plain words: each constraint a submission can break, named by its shape and its constraint
component, maps to what a visitor reads next to the field (through the gettext catalogue, so in every language
of the portal) — never the shapes' ``sh:message``, which are written for people who read RDF.

Which field: a result about a property goes to the form field that fills that property (``FieldSpec.prop``); a
node-level rule (budget ⇒ currency, practice ⇒ project or target) names its field here. Results about an
organisation proposed inline use :data:`ORG_MESSAGES`, about a Bio-Bridge contact point :data:`CONTACT_MESSAGES`.
tests/test_form_messages.py fails when a shape gains a constraint that applies to a submission and has no entry.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from .languages import title_rule


@dataclass(frozen=True)
class Message:
    text: object  # lazy string
    field: str | None = None  # the field of a node-level rule; None: the field filling the result's path


# Reused sentences.
_TITLE = LazyString(title_rule)  # names the node's languages
_TITLE_FORM = _l("Give at most one title per language, as plain text.")
_TEXT = _l("Write the description as plain text.")
_UNVERIFIED = _l("This submission could not be marked as unverified. Please tell the site's team.")
_ADDRESS = _l("Its web address could not be made from the title: use letters or digits in the title.")
_URL = _l("Give one web address, starting with https:// or http://.")
_START = _l("Give the start date as a day (YYYY-MM-DD), and only one.")
_END = _l("Give the end date as a day (YYYY-MM-DD), and only one.")
_BEFORE_END = _l("The start date must not be after the end date.")
_TARGETS = _l("Choose the targets in the list of the Global Biodiversity Framework.")
_THEMES = _l("Choose the thematic areas in the list.")
_THEME_REQUIRED = _l("Choose at least one thematic area.")
_COUNTRIES = _l("Choose the countries and territories in the list.")
_SOURCE = _l("Give the source as a web address starting with https:// or http://.")
_NOT_IN_FORM = _l("This submission contains information the form does not collect. Please tell the site's team.")

#: (shape local name, constraint component local name) → message, for the submitted resource itself.
MESSAGES: dict[tuple[str, str], Message] = {
    # shared by every kind (tsc_graph/shapes/common.ttl)
    ("NodeLabelShape", "QualifiedMinCountConstraintComponent"): Message(_TITLE),
    ("LabelFormShape", "DatatypeConstraintComponent"): Message(_TITLE_FORM),
    ("LabelFormShape", "UniqueLangConstraintComponent"): Message(_TITLE_FORM),
    ("DescriptionShape", "DatatypeConstraintComponent"): Message(_TEXT),
    ("EvidenceShape", "MinCountConstraintComponent"): Message(_UNVERIFIED, "general"),
    ("EvidenceShape", "MaxCountConstraintComponent"): Message(_UNVERIFIED, "general"),
    ("EvidenceShape", "InConstraintComponent"): Message(_UNVERIFIED, "general"),
    ("SourceShape", "NodeKindConstraintComponent"): Message(_SOURCE, "source"),
    ("SourceShape", "PatternConstraintComponent"): Message(_SOURCE, "source"),
    ("StartDateShape", "MaxCountConstraintComponent"): Message(_START),
    ("StartDateShape", "OrConstraintComponent"): Message(_START),
    ("StartDateShape", "LessThanOrEqualsConstraintComponent"): Message(_BEFORE_END, "end"),
    ("EndDateShape", "MaxCountConstraintComponent"): Message(_END),
    ("EndDateShape", "OrConstraintComponent"): Message(_END),
    ("ThematicAreaShape", "InConstraintComponent"): Message(_THEMES),
    ("RequiredThematicAreaShape", "MinCountConstraintComponent"): Message(_THEME_REQUIRED),
    ("ContributesToShape", "OrConstraintComponent"): Message(_TARGETS),
    ("SpatialShape", "OrConstraintComponent"): Message(_COUNTRIES),
    ("RelatesToInstrumentShape", "OrConstraintComponent"): Message(_NOT_IN_FORM, "general"),
    # projects (tsc_graph/shapes/projects.ttl)
    ("ProjectShape", "PatternConstraintComponent"): Message(_ADDRESS, "title"),
    ("BudgetCurrencyRuleShape", "OrConstraintComponent"): Message(
        _l("Give the currency of the budget: a three-letter code such as EUR."), "currency"),
    ("ProjectPageShape", "MaxCountConstraintComponent"): Message(_URL),
    ("ProjectPageShape", "NodeKindConstraintComponent"): Message(_URL),
    ("ProjectNoHomepageShape", "MaxCountConstraintComponent"): Message(_NOT_IN_FORM, "general"),
    ("LeadOrganisationExpectedShape", "MinCountConstraintComponent"): Message(
        _l("Choose the lead organisation, or propose it under “Organisations not listed”.")),
    ("LeadOrganisationShape", "MaxCountConstraintComponent"): Message(
        _l("Choose only one lead organisation: in the list or proposed, not both.")),
    ("LeadOrganisationShape", "ClassConstraintComponent"): Message(
        _l("Choose the lead organisation in the list, or propose it under “Organisations not listed”.")),
    ("PartnerOrganisationShape", "ClassConstraintComponent"): Message(
        _l("Choose the partners in the list, or propose them under “Organisations not listed”.")),
    ("FunderShape", "ClassConstraintComponent"): Message(_NOT_IN_FORM, "general"),
    ("ProjectStartDateRequiredShape", "MinCountConstraintComponent"): Message(_l("Give the start date of the project.")),
    ("BudgetShape", "MaxCountConstraintComponent"): Message(_l("Give one amount, zero or more.")),
    ("BudgetShape", "DatatypeConstraintComponent"): Message(_l("Give the budget as a number, e.g. 250000.")),
    ("BudgetShape", "MinInclusiveConstraintComponent"): Message(_l("The budget cannot be negative.")),
    ("CurrencyShape", "MaxCountConstraintComponent"): Message(_l("Give one currency.")),
    ("CurrencyShape", "DatatypeConstraintComponent"): Message(_l("Give the currency as a three-letter code such as EUR.")),
    ("CurrencyShape", "PatternConstraintComponent"): Message(
        _l("The currency is a code of three capital letters, such as EUR, USD or XOF.")),
    ("StatusExpectedShape", "MinCountConstraintComponent"): Message(_l("Say whether the project is planned, ongoing or completed.")),
    ("StatusShape", "MaxCountConstraintComponent"): Message(_l("Choose only one status.")),
    ("StatusShape", "InConstraintComponent"): Message(_l("Choose the status in the list.")),
    ("ProjectSpatialRequiredShape", "MinCountConstraintComponent"): Message(
        _l("Indicate at least one country or territory.")),
    ("ProjectContributesToRequiredShape", "MinCountConstraintComponent"): Message(
        _l("Choose at least one target of the Global Biodiversity Framework.")),
    ("ImplementsArticleShape", "ClassConstraintComponent"): Message(_l("Choose the articles in the list.")),
    ("FulfilsShape", "OrConstraintComponent"): Message(_NOT_IN_FORM, "general"),
    # good practices and lessons learnt (tsc_graph/shapes/practices.ttl)
    ("GoodPracticeShape", "PatternConstraintComponent"): Message(_ADDRESS, "title"),
    ("LessonLearntShape", "PatternConstraintComponent"): Message(_ADDRESS, "title"),
    ("PracticeAnchorRuleShape", "OrConstraintComponent"): Message(
        _l("Link it to the project it comes from or to at least one target of the Global Biodiversity Framework."),
        "targets"),
    ("FromProjectShape", "ClassConstraintComponent"): Message(_l("Choose the project in the list.")),
    ("SharedByShape", "MinCountConstraintComponent"): Message(
        _l("Say which organisation shares it: choose it in the list or propose it under “Organisations not listed”.")),
    ("SharedByShape", "ClassConstraintComponent"): Message(
        _l("Choose the organisations in the list, or propose them under “Organisations not listed”.")),
    # Bio-Bridge offers and requests (tsc_graph/shapes/bio-bridge.ttl)
    ("CooperationOfferShape", "PatternConstraintComponent"): Message(_ADDRESS, "title"),
    ("CooperationRequestShape", "PatternConstraintComponent"): Message(_ADDRESS, "title"),
    ("OfferedByShape", "MinCountConstraintComponent"): Message(
        _l("Say which organisation makes the offer: choose it in the list or propose it under “Organisations not listed”.")),
    ("OfferedByShape", "MaxCountConstraintComponent"): Message(
        _l("Choose only one organisation: in the list or proposed, not both.")),
    ("OfferedByShape", "ClassConstraintComponent"): Message(
        _l("Choose the organisation in the list, or propose it under “Organisations not listed”.")),
    ("RequestedByShape", "MinCountConstraintComponent"): Message(
        _l("Say which organisation makes the request: choose it in the list or propose it under “Organisations not listed”.")),
    ("RequestedByShape", "MaxCountConstraintComponent"): Message(
        _l("Choose only one organisation: in the list or proposed, not both.")),
    ("RequestedByShape", "ClassConstraintComponent"): Message(
        _l("Choose the organisation in the list, or propose it under “Organisations not listed”.")),
    ("SupportTypeShape", "MinCountConstraintComponent"): Message(_l("Choose at least one type of support.")),
    ("SupportTypeShape", "InConstraintComponent"): Message(_l("Choose the types of support in the list.")),
    ("TargetCountryShape", "OrConstraintComponent"): Message(_COUNTRIES),
    ("LanguageShape", "MinCountConstraintComponent"): Message(_l("Choose at least one working language.")),
    ("LanguageShape", "DatatypeConstraintComponent"): Message(_l("Choose the languages in the list.")),
    ("ContactPointExpectedShape", "MinCountConstraintComponent"): Message(
        _l("Give the name and the e-mail of a public contact."), "contact_name"),
    ("RequiredContactPointShape", "MaxCountConstraintComponent"): Message(
        _l("Give only one public contact."), "contact_name"),
}

#: The public contact point of an offer or request (the blank node ``dcat:contactPoint`` points to).
CONTACT_MESSAGES: dict[tuple[str, str], Message] = {
    ("ContactShape", "OrConstraintComponent"): Message(_l("Give the name and the e-mail of a public contact."),
                                                       "contact_name"),
    ("ContactNameShape", "MinCountConstraintComponent"): Message(_l("Give the name of the public contact.")),
    ("ContactNameShape", "NodeKindConstraintComponent"): Message(_l("Give the name of the public contact.")),
    ("ContactEmailShape", "MinCountConstraintComponent"): Message(_l("Give the e-mail address of the public contact.")),
    ("ContactEmailShape", "NodeKindConstraintComponent"): Message(_l("Give a valid e-mail address, e.g. name@example.org.")),
    ("ContactEmailShape", "PatternConstraintComponent"): Message(_l("Give a valid e-mail address, e.g. name@example.org.")),
}

#: An organisation proposed inline (``org1_…``): its own shape and the shared ones, worded for an organisation.
ORG_MESSAGES: dict[tuple[str, str], Message] = {
    ("ActorShape", "PatternConstraintComponent"): Message(
        _l("Its web address could not be made from the name: use letters or digits in the name."), "name"),
    ("NodeLabelShape", "QualifiedMinCountConstraintComponent"): Message(_l("Give the organisation's name.")),
    ("LabelFormShape", "DatatypeConstraintComponent"): Message(_l("Give the organisation's name as plain text.")),
    ("LabelFormShape", "UniqueLangConstraintComponent"): Message(_l("Give the organisation's name once.")),
    ("DescriptionShape", "DatatypeConstraintComponent"): Message(_NOT_IN_FORM, "name"),
    ("ActorTypeShape", "MinCountConstraintComponent"): Message(_l("Choose the type of organisation.")),
    ("ActorTypeShape", "MaxCountConstraintComponent"): Message(_l("Choose one type of organisation.")),
    ("ActorTypeShape", "InConstraintComponent"): Message(_l("Choose the type of organisation in the list.")),
    ("AlternateNameShape", "DatatypeConstraintComponent"): Message(_l("Give the acronym as plain text.")),
    ("HomepageShape", "MaxCountConstraintComponent"): Message(_URL),
    ("HomepageShape", "NodeKindConstraintComponent"): Message(_URL),
    ("BasedInExpectedShape", "MinCountConstraintComponent"): Message(
        _l("Choose the country or territory where the organisation is based.")),
    ("BasedInShape", "MaxCountConstraintComponent"): Message(_l("Choose one country or territory.")),
    ("BasedInShape", "OrConstraintComponent"): Message(_l("Choose the country or territory in the list.")),
    ("ThematicAreaShape", "InConstraintComponent"): Message(_NOT_IN_FORM, "name"),
    ("EvidenceShape", "MinCountConstraintComponent"): Message(_UNVERIFIED, "name"),
    ("EvidenceShape", "MaxCountConstraintComponent"): Message(_UNVERIFIED, "name"),
    ("EvidenceShape", "InConstraintComponent"): Message(_UNVERIFIED, "name"),
    ("SourceShape", "NodeKindConstraintComponent"): Message(_NOT_IN_FORM, "name"),
    ("SourceShape", "PatternConstraintComponent"): Message(_NOT_IN_FORM, "name"),
}

#: What a result that no entry knows says (tests make sure it never happens for the shapes as shipped).
FALLBACK = _l("Something in this submission does not fit the node's rules. Please check the fields and try again.")


def local(iri: str | None) -> str:
    if not iri:
        return ""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def lookup(table: dict[tuple[str, str], Message], shape: str | None, component: str) -> Message | None:
    return table.get((local(shape), local(component)))
