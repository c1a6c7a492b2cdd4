"""Thesaurus terms of the clearing-house ↔ our SKOS concepts, driven by the shipped thesaurus data.

Why a module apart from the mapping table: the same resolution serves record import (``{"identifier": …}`` →
concept IRI), record export (concept IRI → identifier) and thesaurus import (``skos:exactMatch`` between the
Secretariat's term and ours). The Secretariat's domains and our crosswalk are data, not code:
``tsc_graph/chm/data/thesaurus.json`` lists, per domain, the terms its documentation publishes, where from, what is
missing, and which of our concepts each term matches (with ``verified`` false where the match rests on an
unchecked title). An identifier we cannot map is never dropped: it becomes the concept the thesaurus import mints
for that term, ``https://w3id.org/tsc-graph/vocab/chm/<identifier>``, and comes back out unchanged on export.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from rdflib import URIRef

from ..namespaces import TSCV, TSCV_CHM

SHIPPED = Path(__file__).parent / "data" / "thesaurus.json"
#: keys of a shipped term that are our crosswalk, not the Secretariat's term
CROSSWALK_KEYS = ("ours", "verified", "evidence")


def chm_concept(identifier: str) -> URIRef:
    """The concept minted for a Secretariat term (percent-encoded: identifiers may hold spaces or slashes)."""
    return URIRef(TSCV_CHM + quote(identifier, safe="-_.~"))


def chm_identifier(iri: URIRef | str) -> str | None:
    """The Secretariat identifier behind a :func:`chm_concept` IRI, else None."""
    s = str(iri)
    if not s.startswith(TSCV_CHM) or s.startswith(TSCV_CHM + "scheme/"):
        return None
    return unquote(s[len(TSCV_CHM):])


@dataclass(frozen=True)
class Match:
    """One crosswalk entry: a Secretariat term and our concept."""

    identifier: str
    concept: URIRef
    verified: bool
    evidence: str


@dataclass
class Domain:
    """A thesaurus domain of the Secretariat: its documented terms and their crosswalk to our concepts."""

    name: str
    api: str | None
    documented_in: list[str]
    complete: bool
    missing: str
    terms: list[dict[str, Any]]  # Secretariat-shaped terms (crosswalk keys removed)
    matches: dict[str, Match] = field(default_factory=dict)
    pattern: re.Pattern[str] | None = None
    pattern_ours: str | None = None  # template over our vocab: country/{IDENTIFIER}, gbf/target-{NN}, gbf/goal-{X}
    pattern_verified: bool = True
    pattern_evidence: str = ""

    @property
    def identifiers(self) -> list[str]:
        return [t["identifier"] for t in self.terms]

    def knows(self, identifier: str) -> bool:
        return identifier in self.matches or identifier in self.identifiers or bool(self.pattern and self.pattern.match(identifier))

    def ours(self, identifier: str) -> Match | None:
        m = self.matches.get(identifier)
        if m is not None:
            return m
        if self.pattern and self.pattern_ours and self.pattern.match(identifier):
            return Match(identifier, URIRef(str(TSCV) + _fill(self.pattern_ours, identifier)), self.pattern_verified, self.pattern_evidence)
        return None

    def back(self, iri: URIRef) -> str | None:
        """The identifier to export for one of our concepts (the first listed term matching it), else None."""
        for m in self.matches.values():
            if m.concept == iri:
                return m.identifier
        if self.pattern_ours:
            return _unfill(self.pattern_ours, str(iri))
        return None


def _fill(template: str, identifier: str) -> str:
    if "{IDENTIFIER}" in template:
        return template.replace("{IDENTIFIER}", identifier.upper())
    if "{NN}" in template:
        return template.replace("{NN}", f"{int(re.sub(r'[^0-9]', '', identifier)):02d}")
    if "{X}" in template:
        return template.replace("{X}", identifier[-1])
    return template


_UNFILL: dict[str, tuple[str, Callable[[str], str]]] = {
    "{IDENTIFIER}": (r"([A-Z]{2})", lambda v: v.lower()),
    "{NN}": (r"(0[1-9]|1[0-9]|2[0-3])", lambda v: f"GBF-TARGET-{v}"),
    "{X}": (r"([A-D])", lambda v: f"GBF-GOAL-{v}"),
}


def _unfill(template: str, iri: str) -> str | None:
    for placeholder, (regex, make) in _UNFILL.items():
        if placeholder in template:
            pre, post = template.split(placeholder)
            m = re.fullmatch(re.escape(str(TSCV) + pre) + regex + re.escape(post), iri)
            return make(m.group(1)) if m else None
    return None


def _our_iri(ref: str) -> URIRef:
    return URIRef(ref if ref.startswith("http") else str(TSCV) + ref)


def load_domains(path: Path = SHIPPED) -> dict[str, Domain]:
    """The shipped domains (one JSON file: see its "about")."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, Domain] = {}
    for name, d in data["domains"].items():
        terms, matches = [], {}
        for t in d.get("terms", []):
            terms.append({k: v for k, v in t.items() if k not in CROSSWALK_KEYS})
            if t.get("ours"):
                matches[t["identifier"]] = Match(t["identifier"], _our_iri(t["ours"]), bool(t.get("verified")), t.get("evidence", ""))
        p = d.get("pattern") or {}
        out[name] = Domain(
            name, d.get("api"), list(d.get("documentedIn", [])), bool(d.get("complete")), d.get("missing", ""), terms, matches,
            re.compile(p["identifier"]) if p.get("identifier") else None, p.get("ours"), bool(p.get("verified", True)),
            p.get("evidence", ""),
        )
    return out


@cache
def domains() -> dict[str, Domain]:
    return load_domains()


def domain_named(name: str) -> Domain | None:
    """A shipped domain by its name, case-insensitively, or by the domain identifier in its API path."""
    for d in domains().values():
        if d.name.lower() == name.lower() or (d.api and quote(name, safe="") in d.api):
            return d
    return None


# --- schemes: what a record field accepts ---------------------------------------------------------------------

_ISO2 = re.compile(r"^[a-z]{2}$")


@dataclass(frozen=True)
class TermScheme:
    """The terms a record field takes: the domains they come from, and which concepts the field claims on export."""

    name: str
    domain_names: tuple[str, ...]
    description: str
    #: identifiers of minted (chm-vocab) concepts this scheme claims on export; None: all
    claims: Callable[[str], bool] | None = None
    #: our concept scheme the field's values belong in: a known term without a crosswalk entry is reported
    ours: str | None = None

    @property
    def domains(self) -> list[Domain]:
        return [domains()[n] for n in self.domain_names]

    def resolve(self, identifier: str) -> tuple[URIRef, Match | None, Domain | None]:
        """(concept IRI, crosswalk match or None, the domain that knows the identifier or None)."""
        known = None
        for d in self.domains:
            m = d.ours(identifier)
            if m is not None:
                return m.concept, m, d
            if known is None and d.knows(identifier):
                known = d
        return chm_concept(identifier), None, known

    def to_iri(self, identifier: str) -> tuple[URIRef, bool]:
        iri, match, _ = self.resolve(identifier)
        return iri, match is not None

    def to_identifier(self, iri: URIRef) -> str | None:
        """The identifier to export for a concept IRI, or None if this scheme does not claim it."""
        for d in self.domains:
            ident = d.back(iri)
            if ident is not None:
                return ident
        ident = chm_identifier(iri)
        if ident is not None and (self.claims is None or self.claims(ident)):
            return ident
        return None



SCHEMES: dict[str, TermScheme] = {
    s.name: s
    for s in (
        TermScheme("gbf-target", ("GBF-TARGETS",), "GBF-TARGET-NN → tscv:gbf/target-NN", lambda i: i.startswith("GBF-TARGET-"), "tscv:gbf"),
        TermScheme("gbf-goal", ("GBF-GOALS",), "GBF-GOAL-X → tscv:gbf/goal-X", lambda i: i.startswith("GBF-GOAL-"), "tscv:gbf"),
        TermScheme("gbf", ("GBF-TARGETS", "GBF-GOALS"), "GBF-TARGET-NN or GBF-GOAL-X → tscv:gbf/…", lambda i: i.startswith("GBF-"), "tscv:gbf"),
        TermScheme("country", ("countries",), "ISO alpha-2, lower case (fr) → tscv:country/FR", lambda i: bool(_ISO2.match(i)), "tscv:country"),
        TermScheme("region", ("regions",), "region GUID → the Secretariat's term (no scheme of ours)", lambda i: not _ISO2.match(i)),
        TermScheme("country-or-region", ("countries", "regions"), "a country (→ tscv:country/XX) or a region (→ the Secretariat's term)"),
        TermScheme("theme", ("CBD-SUBJECTS",), "CBD-SUBJECT-… → tscv:theme/… (and dcterms:subject the Secretariat's term)",
                   lambda i: i.startswith("CBD-SUBJECT-")),
        TermScheme("actor-type", ("Organization Types",), "organization type GUID → tscv:actor-type/…", ours="tscv:actor-type"),
        TermScheme("status", ("cbi-status",), "initiative status GUID → tscv:status/… (no crosswalk entry yet)", ours="tscv:status"),
        TermScheme("support-type", ("bbi-assistance-types",), "Bio-Bridge assistance type → tscv:support-type/… (domain not published)",
                   ours="tscv:support-type"),
        TermScheme("jurisdiction", ("jurisdictions",), "jurisdiction GUID → the Secretariat's term"),
        TermScheme("cbi-category", ("cbi-categories",), "category GUID → the Secretariat's term"),
        TermScheme("cbi-audience", ("cbi-audience",), "target group GUID → the Secretariat's term"),
        TermScheme("aichi", ("AICHI-TARGETS",), "AICHI-TARGET-… → the Secretariat's term", lambda i: i.startswith("AICHI-")),
        TermScheme("chm", (), "any term → the Secretariat's term (no domain checked)"),
    )
}


def crosswalk_for(identifier: str, domain: str | None = None) -> Match | None:
    """Our concept for a Secretariat term (thesaurus import): in the named domain if we ship it, else in any domain."""
    candidates = [domain_named(domain)] if domain and domain_named(domain) else list(domains().values())
    for d in candidates:
        if d is None:
            continue
        m = d.ours(identifier)
        if m is not None:
            return m
    return None


def subject_theme(identifier: str) -> URIRef | None:
    """Our theme for a CBD subject (or None)."""
    iri, match, _ = SCHEMES["theme"].resolve(identifier)
    return iri if match else None


def theme_subject(theme: URIRef) -> str | None:
    """The CBD subject exported for one of our themes (data not imported from the CHM)."""
    return domains()["CBD-SUBJECTS"].back(theme)
