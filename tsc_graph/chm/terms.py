"""Thesaurus identifiers of the clearing-house ↔ our SKOS concepts.

Why a module apart from the mapping table: the same resolution serves record import (``{"identifier": …}`` →
concept IRI), record export (concept IRI → identifier) and thesaurus import (``skos:exactMatch`` between the
Secretariat's term and ours). An identifier we cannot map is never dropped: it becomes the concept minted for
that term by the thesaurus import, ``https://w3id.org/tsc-graph/vocab/chm/<identifier>``, and comes back out
unchanged on export.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, unquote

from rdflib import URIRef

from ..namespaces import TSCV
from . import CHM_VOCAB


def chm_concept(identifier: str) -> URIRef:
    """The concept minted for a Secretariat term (percent-encoded: identifiers may hold spaces or slashes)."""
    return URIRef(CHM_VOCAB + quote(identifier, safe="-_.~"))


def chm_identifier(iri: URIRef | str) -> str | None:
    """The Secretariat identifier behind a :func:`chm_concept` IRI, else None."""
    s = str(iri)
    return unquote(s[len(CHM_VOCAB):]) if s.startswith(CHM_VOCAB) else None


# --- crosswalks -----------------------------------------------------------------------------------------------

#: CBD subject (thesaurus domain CBD-SUBJECTS) → our tscv:theme slug, one subject per theme so the reverse is
#: defined. ``True`` marks identifiers seen in the Secretariat's own code/data (api.cbd.int thesaurus,
#: action-agenda category crosswalk); ``False`` marks identifiers following the same pattern that still need
#: checking against a live thesaurus dump before production use.
THEME_SUBJECTS: dict[str, tuple[str, bool]] = {
    "invasive-species": ("CBD-SUBJECT-IAS", True),
    "marine-coastal": ("CBD-SUBJECT-MAR", True),
    "freshwater": ("CBD-SUBJECT-WTR", True),
    "restoration": ("CBD-SUBJECT-ECORES", True),
    "climate-change": ("CBD-SUBJECT-CC", True),
    "genetic-resources-abs": ("CBD-SUBJECT-ABS", True),
    "biosafety": ("CBD-SUBJECT-CPB", True),
    "finance": ("CBD-SUBJECT-FIN", True),
    "health": ("CBD-SUBJECT-HH", True),
    "forests": ("CBD-SUBJECT-FOR", False),
    "agriculture": ("CBD-SUBJECT-AGR", False),
    "protected-areas": ("CBD-SUBJECT-PA", False),
    "islands": ("CBD-SUBJECT-ISL", False),
    "traditional-knowledge": ("CBD-SUBJECT-TK", False),
    "taxonomy": ("CBD-SUBJECT-GTI", False),
    "education-awareness": ("CBD-SUBJECT-CEPA", False),
    "data-information": ("CBD-SUBJECT-CHM", False),
}
SUBJECT_THEMES: dict[str, str] = {subject: theme for theme, (subject, _) in THEME_SUBJECTS.items()}

#: Organisation types, assistance types and project statuses: the Secretariat's identifiers for these domains are
#: opaque ids we have not verified, so the crosswalk accepts our own notations (the slugs of tscv:actor-type,
#: tscv:support-type, tscv:status) and any Secretariat id listed here once checked. Export writes our notation.
ACTOR_TYPE_IDS: dict[str, str] = {s: s for s in (
    "public-body", "research-institute", "ngo", "company", "funding-agency", "local-authority", "network",
    "international-organisation")}
SUPPORT_TYPE_IDS: dict[str, str] = {s: s for s in ("training", "technology", "expertise", "data", "funding")}
STATUS_IDS: dict[str, str] = {s: s for s in ("planned", "ongoing", "completed")}


# --- schemes --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TermScheme:
    """How one family of thesaurus identifiers maps to our concepts, both ways."""

    name: str
    description: str
    forward: Callable[[str], URIRef | None]
    backward: Callable[[URIRef], str | None]
    #: identifiers this scheme claims; decides which field an unmapped (chm-vocab) concept is exported under
    claims: re.Pattern[str] | None = None

    def to_iri(self, identifier: str) -> tuple[URIRef, bool]:
        """(concept IRI, whether it is one of our concepts rather than a minted chm-vocab concept)."""
        ours = self.forward(identifier)
        return (ours, True) if ours is not None else (chm_concept(identifier), False)

    def to_identifier(self, iri: URIRef) -> str | None:
        """The identifier to export for a concept IRI, or None if this scheme does not cover it."""
        ident = self.backward(iri)
        if ident is not None:
            return ident
        ident = chm_identifier(iri)
        if ident is not None and (self.claims is None or self.claims.match(ident)):
            return ident
        return None


def _prefixed(prefix: str, table: dict[str, str]) -> tuple[Callable[[str], URIRef | None], Callable[[URIRef], str | None]]:
    base = str(TSCV) + prefix + "/"
    reverse = {}
    for ident, slug in table.items():
        reverse.setdefault(slug, ident)  # first listed identifier wins on export

    def fwd(ident: str) -> URIRef | None:
        slug = table.get(ident) or table.get(ident.lower())
        return URIRef(base + slug) if slug else None

    def back(iri: URIRef) -> str | None:
        s = str(iri)
        return reverse.get(s[len(base):]) if s.startswith(base) else None

    return fwd, back


_TARGET = re.compile(r"^GBF-TARGET-(\d{1,2})$")
_GOAL = re.compile(r"^GBF-GOAL-([A-D])$")
_TARGET_IRI = re.compile(re.escape(str(TSCV)) + r"gbf/target-(\d\d)$")
_GOAL_IRI = re.compile(re.escape(str(TSCV)) + r"gbf/goal-([A-D])$")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_COUNTRY_IRI = re.compile(re.escape(str(TSCV)) + r"country/([A-Z]{2})$")


def _target_fwd(ident: str) -> URIRef | None:
    m = _TARGET.match(ident)
    return URIRef(f"{TSCV}gbf/target-{int(m.group(1)):02d}") if m and 1 <= int(m.group(1)) <= 23 else None


def _target_back(iri: URIRef) -> str | None:
    m = _TARGET_IRI.match(str(iri))
    return f"GBF-TARGET-{m.group(1)}" if m else None


def _goal_fwd(ident: str) -> URIRef | None:
    m = _GOAL.match(ident)
    return URIRef(f"{TSCV}gbf/goal-{m.group(1)}") if m else None


def _goal_back(iri: URIRef) -> str | None:
    m = _GOAL_IRI.match(str(iri))
    return f"GBF-GOAL-{m.group(1)}" if m else None


def _country_fwd(ident: str) -> URIRef | None:
    return URIRef(f"{TSCV}country/{ident.upper()}") if _COUNTRY.match(ident) else None


def _country_back(iri: URIRef) -> str | None:
    m = _COUNTRY_IRI.match(str(iri))
    return m.group(1).lower() if m else None


_theme_fwd, _theme_back = _prefixed("theme", SUBJECT_THEMES)

SCHEMES: dict[str, TermScheme] = {
    s.name: s
    for s in (
        TermScheme("gbf-target", "GBF-TARGET-NN → tscv:gbf/target-NN", _target_fwd, _target_back, re.compile(r"^GBF-TARGET-")),
        TermScheme("gbf-goal", "GBF-GOAL-X → tscv:gbf/goal-X", _goal_fwd, _goal_back, re.compile(r"^GBF-GOAL-")),
        TermScheme(
            "gbf", "GBF-TARGET-NN or GBF-GOAL-X → tscv:gbf/…",
            lambda i: _target_fwd(i) or _goal_fwd(i), lambda iri: _target_back(iri) or _goal_back(iri),
            re.compile(r"^GBF-"),
        ),
        TermScheme("country", "ISO alpha-2, lowercase (fr) → tscv:country/FR", _country_fwd, _country_back),
        TermScheme("theme", "CBD-SUBJECT-… → tscv:theme/… (crosswalk THEME_SUBJECTS)", _theme_fwd, _theme_back),
        TermScheme("actor-type", "organisation type → tscv:actor-type/… (crosswalk ACTOR_TYPE_IDS)", *_prefixed("actor-type", ACTOR_TYPE_IDS)),
        TermScheme("support-type", "assistance type → tscv:support-type/… (crosswalk SUPPORT_TYPE_IDS)", *_prefixed("support-type", SUPPORT_TYPE_IDS)),
        TermScheme("status", "status → tscv:status/… (crosswalk STATUS_IDS)", *_prefixed("status", STATUS_IDS)),
        TermScheme("chm", "any term → chm vocab concept (no crosswalk)", lambda i: None, lambda iri: None),
    )
}


def our_concept_for(identifier: str) -> URIRef | None:
    """Our concept for a Secretariat term, whatever its domain (used by the thesaurus import for exactMatch)."""
    for name in ("gbf", "theme"):
        iri = SCHEMES[name].forward(identifier)
        if iri is not None:
            return iri
    return None
