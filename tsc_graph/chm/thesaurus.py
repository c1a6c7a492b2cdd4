"""A thesaurus dump of the clearing-house → a SKOS concept scheme per domain.

Why: the Secretariat's thesaurus (GBF-TARGETS, GBF-GOALS, CBD-SUBJECTS, countries, Organization Types…) is SKOS in
all but format. Imported, its terms become concepts ``https://w3id.org/tsc-graph/vocab/chm/<identifier>`` — the
same IRIs the record import links unmapped identifiers to — and ``skos:exactMatch`` ties each one to our own
concept, both ways, where the crosswalk (tsc_graph/chm/data/thesaurus.json) has one. A crosswalk entry not yet
verified against the Secretariat's titles says so in a ``skos:editorialNote``.

The same function builds the shipped tsc_graph/reference/chm-thesaurus.ttl (:mod:`tsc_graph.chm.shipped`), and
``tsc-graph import-chm --thesaurus <dump>`` refreshes it in the store from a full dump of a domain.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DC, DCTERMS, RDF, RDFS, SKOS

from ..guards import is_language_tag
from ..namespaces import TSCV_CHM
from .terms import chm_concept, crosswalk_for

#: keys of a term we read (GET /api/v2013/thesaurus/domains/{domain}/terms); anything else is reported
TERM_KEYS = {"identifier", "termId", "name", "title", "shortTitle", "description", "longDescription", "source",
             "broaderTerms", "narrowerTerms", "relatedTerms", "nonPreferedTerms"}

UNVERIFIED = (
    Literal("Correspondance non vérifiée sur les intitulés du thésaurus du Secrétariat : à confirmer avec un export complet du domaine.", lang="fr"),
    Literal("Crosswalk not verified against the Secretariat's thesaurus titles: to be confirmed with a full dump of the domain.", lang="en"),
)


@dataclass
class ThesaurusResult:
    graph: Graph
    concepts: int = 0
    schemes: list[str] = field(default_factory=list)
    matches: int = 0
    issues: list[str] = field(default_factory=list)


def scheme_iri(domain: str) -> URIRef:
    return URIRef(f"{TSCV_CHM}scheme/{re.sub(r'[^a-z0-9]+', '-', domain.lower()).strip('-')}")


def _refs(value: Any) -> list[str]:
    """broader/narrower/related terms come as identifiers or as {"identifier": …} objects."""
    out = []
    for v in value if isinstance(value, list) else []:
        ident = v.get("identifier") if isinstance(v, dict) else v
        if isinstance(ident, str):
            out.append(ident)
    return out


def _lstrings(result: ThesaurusResult, s: URIRef, props: tuple[URIRef, ...], value: Any, where: str) -> None:
    """``{"en": "…", "fr": "…"}`` → one tagged literal per language; a key that is no BCP 47 tag (``en<script>``,
    which rdflib refuses with a ValueError) is reported and left out."""
    if isinstance(value, dict):
        for lang, text in sorted(value.items()):
            if not is_language_tag(lang):
                result.issues.append(f"{where}: {lang!r} is not a language code (a BCP 47 tag: en, fr, pt-BR), "
                                     "not imported")
            elif isinstance(text, str) and text.strip():
                for p in props:
                    result.graph.add((s, p, Literal(text.strip(), lang=lang)))


def thesaurus_graph(terms_by_domain: dict[str, list[dict[str, Any]]], typed: bool = True) -> ThesaurusResult:
    """SKOS for a thesaurus dump. ``typed=False`` (the shipped, partial term lists) leaves the terms untyped and out of
    the schemes' top concepts: the reference shapes want every skos:Concept labelled in French and English, which the
    Secretariat's documentation does not give; a full dump imported with ``import-chm --thesaurus`` types them."""
    g = Graph()
    result = ThesaurusResult(g)
    for domain, terms in terms_by_domain.items():
        scheme = scheme_iri(domain)
        result.schemes.append(str(scheme))
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        g.add((scheme, SKOS.notation, Literal(domain)))
        for label in (Literal(f"Thésaurus du CHM : {domain}", lang="fr"), Literal(f"CHM thesaurus: {domain}", lang="en")):
            g.add((scheme, RDFS.label, label))
            g.add((scheme, SKOS.prefLabel, label))
        for term in terms:
            ident = term["identifier"]
            if not isinstance(ident, str) or not ident.strip():
                result.issues.append(f"{domain}: a term's identifier {ident!r} is not a text, term not imported")
                continue
            c = chm_concept(ident)
            result.concepts += 1
            for k in term:
                if k not in TERM_KEYS:
                    result.issues.append(f"{domain}/{ident}: unknown term field {k!r}, not imported")
            if typed:
                g.add((c, RDF.type, SKOS.Concept))
            g.add((c, SKOS.inScheme, scheme))
            g.add((c, SKOS.notation, Literal(ident)))
            if isinstance(term.get("termId"), (str, int)) and not isinstance(term.get("termId"), bool):
                g.add((c, DCTERMS.identifier, Literal(str(term["termId"]))))
            title = term.get("title") or ({"en": term["name"]} if isinstance(term.get("name"), str) else None)
            title = title if isinstance(title, dict) else {}
            _lstrings(result, c, (SKOS.prefLabel, RDFS.label), title, f"{domain}/{ident} title")
            short = term.get("shortTitle") if isinstance(term.get("shortTitle"), dict) else {}
            _lstrings(result, c, (SKOS.altLabel,), {lang: t for lang, t in short.items() if title.get(lang) != t},
                      f"{domain}/{ident} shortTitle")
            if isinstance(term.get("description"), str) and term["description"].strip():
                g.add((c, SKOS.definition, Literal(term["description"].strip())))
            _lstrings(result, c, (DCTERMS.description,), term.get("longDescription"),
                      f"{domain}/{ident} longDescription")
            if isinstance(term.get("source"), str) and term["source"].strip():
                g.add((c, DC.source, Literal(term["source"].strip())))  # free text ("UN website"): dc, not dcterms
            hidden_terms = term.get("nonPreferedTerms")
            for hidden in hidden_terms if isinstance(hidden_terms, list) else []:
                if isinstance(hidden, str) and hidden.strip():
                    g.add((c, SKOS.hiddenLabel, Literal(hidden.strip())))
            broader = _refs(term.get("broaderTerms"))
            for b in broader:
                g.add((c, SKOS.broader, chm_concept(b)))
                g.add((chm_concept(b), SKOS.narrower, c))
            for n in _refs(term.get("narrowerTerms")):
                g.add((c, SKOS.narrower, chm_concept(n)))
                g.add((chm_concept(n), SKOS.broader, c))
            for r in _refs(term.get("relatedTerms")):
                g.add((c, SKOS.related, chm_concept(r)))
            if not broader and typed:
                g.add((c, SKOS.topConceptOf, scheme))
                g.add((scheme, SKOS.hasTopConcept, c))
            match = crosswalk_for(ident, domain)
            if match is not None:
                g.add((c, SKOS.exactMatch, match.concept))
                g.add((match.concept, SKOS.exactMatch, c))
                if not match.verified:
                    for note in UNVERIFIED:
                        g.add((c, SKOS.editorialNote, note))
                result.matches += 1
    return result
