#!/usr/bin/env python3
"""Generate tsc_graph/reference/countries.ttl: ISO 3166-1 countries and territories, named as people name them
(provenance record).

The generated Turtle is committed; re-run the script after upgrading Babel or pycountry (their versions are pinned
in pyproject.toml's ``test`` extra, and ``tests/test_shapes.py::test_countries_file_matches_its_generator``
regenerates the file and compares)::

    .venv/bin/python tools/make_countries.py > tsc_graph/reference/countries.ttl

Why two kinds of names: ISO 3166-1 short names are lexicographic forms made for sorted lists (« Réunion, Île de
la », "Korea, Republic of"); pages show the common display name instead (« La Réunion », « Corée du Sud »).

Sources, and what each gives (docs/conventions.md, "Sources in reference data"):

- Unicode CLDR territory names, as shipped by Babel (``babel.Locale(lang).territories[code]``; CLDR version from
  ``babel.core.get_cldr_version()``): the display name in the six UN languages, ``rdfs:label`` and
  ``skos:prefLabel`` @ar @en @es @fr @ru @zh. Chinese: Babel's ``zh`` locale is CLDR's ``zh`` (Simplified
  script; ``zh_Hans`` inherits it unchanged), emitted with the tag ``zh``, the tag a portal configured with
  ``TSC_LANGUAGES=… zh`` asks for. CLDR's own wording is kept, abbreviations included (Russian « о-ва »).
- ISO 3166-1 (ISO's Online Browsing Platform): the alpha-2 code, the English short name, and for French overseas
  entities the link to France (ISO 3166-2:FR lists them).
- The iso-codes project's French translation of ISO 3166-1 (the ``iso3166-1`` gettext domain shipped by
  pycountry): the French short name.
- ISO short names (en, fr) are ``skos:altLabel`` where they differ from the display name in the same language;
  where they are the same, the display name's label node cites ISO as well (a literal cannot be both prefLabel
  and altLabel of one concept, SKOS S13). No ``skos:hiddenLabel``: portal search (tsc_graph/sparql/portal/search.rq) reads
  ``rdfs:label`` and ``skos:altLabel``, which already hold both forms.

Modelling:

- every ISO 3166-1 entry is ``tscv:country/{alpha-2}`` in the scheme ``tscv:country`` with ``skos:notation``;
- every label is also a SKOS-XL label node ``{resource}/label/{pref|alt}-{lang}`` with its own ``dcterms:source``;
- French overseas entities that have their own ISO code are ``tsc:Territory`` (not ``tsc:Country``) with
  ``tsc:territoryOf tscv:country/FR`` and ``skos:broader tscv:country/FR``;
- every other entry is a ``tsc:Country``: other dependent territories are not classified (that would need a
  sourced list of sovereignty relations; add them to TERRITORY_OF when one is).

The output depends only on the installed Babel and pycountry: entries are sorted by code, languages and sources
in fixed orders, and literals and IRIs are written by Oxigraph's term serialiser (every escape right).
"""
from __future__ import annotations

import gettext
import re
import sys
from collections.abc import Iterable
from typing import TextIO

import babel
import pycountry
import pyoxigraph as ox
from babel.core import get_cldr_version

VOCAB = "https://w3id.org/tsc-graph/vocab/"
#: The six UN languages, in the order labels are written; each is a Babel locale and the emitted language tag.
LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")
#: Entries whose CLDR name departs from the name the United Nations and ISO use ("Palestinian Territories",
#: "Taiwan"): a CBD node names them by ISO 3166-1's official name (iso-codes translations), CLDR's as altLabel.
ISO_NAMED = ("PS", "TW")
#: iso-codes catalogue per language tag we emit.
ISO_CODES_LOCALE = {"ar": "ar", "es": "es", "fr": "fr", "ru": "ru", "zh": "zh_CN"}
ISO_OBP = "https://www.iso.org/obp/ui/#iso:code:3166:{code}"
ISO_3166 = "https://www.iso.org/iso-3166-country-codes.html"
ISO_CODES = "https://salsa.debian.org/iso-codes-team/iso-codes"
#: The CLDR release Babel ships (its release note names the data and the GitHub tag), cited by the scheme and each
#: entry, and the locale file at that tag that holds one display name, cited by that name's label node.
CLDR_RELEASE = "https://cldr.unicode.org/downloads/cldr-{version}"
CLDR_LOCALES = "https://github.com/unicode-org/cldr/blob/release-{version}/common/main/"
CLDR_LOCALE_FILE = CLDR_LOCALES + "{lang}.xml"

# ISO 3166-1 alpha-2 of a territory -> alpha-2 of the country it belongs to.
TERRITORY_OF = {
    code: "FR"
    for code in ("GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "WF", "PF", "NC", "TF")
}


def lit(text: str, lang: str) -> str:
    return str(ox.Literal(text, language=lang))


#: A local name written as is after a prefix: letters, digits, '.', '_', '-', not ending with '.' (Turtle's
#: PN_LOCAL without escapes); any other IRI is written whole.
PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9._-]*[A-Za-z0-9_-])?")


NEXT = " ,\n        "  # between the objects of a long list, one per line


class Turtle:
    """The output: its prefixes shorten the IRIs that recur on every entry (codes, sources)."""

    def __init__(self, out: TextIO, cldr: str):
        self.write = out.write
        self.prefixes = {
            "tsc": "https://w3id.org/tsc-graph/ontology#", "tscv": VOCAB, "country": f"{VOCAB}country/",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "dcterms": "http://purl.org/dc/terms/",
            "skos": "http://www.w3.org/2004/02/skos/core#", "skosxl": "http://www.w3.org/2008/05/skos-xl#",
            "obp": ISO_OBP.format(code=""), "cldr": CLDR_LOCALES.format(version=cldr),
        }

    def iri(self, uri: str) -> str:
        for prefix, ns in self.prefixes.items():
            if uri.startswith(ns) and PLAIN_LOCAL.fullmatch(uri[len(ns):]):
                return f"{prefix}:{uri[len(ns):]}"
        return str(ox.NamedNode(uri))

    def iris(self, uris: Iterable[str], separator: str = " , ") -> str:
        return separator.join(self.iri(u) for u in uris)


def cldr_version() -> str:
    """CLDR's major version as used in its release URLs ("49"; Babel says "49" or "49.1")."""
    return get_cldr_version().split(".")[0]


def header(t: Turtle, pycountry_version: str) -> None:
    t.write("# GENERATED by tools/make_countries.py — do not edit by hand; re-run the script.\n")
    t.write(f"# Display names: Unicode CLDR {get_cldr_version()} territory names via Babel {babel.__version__} "
            f"({', '.join(LANGUAGES)}).\n")
    t.write(f"# ISO 3166-1 codes and short names via pycountry {pycountry_version} (iso-codes), French short names "
            "from its iso3166-1 gettext catalogue.\n")
    for prefix, ns in t.prefixes.items():
        t.write(f"@prefix {prefix}: {str(ox.NamedNode(ns))} .\n")
    t.write("\n")


def scheme(t: Turtle, cldr: str) -> None:
    version = get_cldr_version()
    t.write("tscv:country\n    a skos:ConceptScheme ;\n")
    names = f'{lit("Pays et territoires (ISO 3166-1)", "fr")} , {lit("Countries and territories (ISO 3166-1)", "en")}'
    t.write(f"    rdfs:label {names} ;\n    skos:prefLabel {names} ;\n")
    t.write("    dcterms:description "
            + lit("Les pays et territoires de la norme ISO 3166-1, identifiés par leur code alpha-2 et nommés par leur "
                  "nom usuel dans les six langues officielles de l'ONU. Les territoires d'outre-mer français dotés de "
                  "leur propre code sont des tsc:Territory rattachés à la France.", "fr") + " ,\n        "
            + lit("The countries and territories of the ISO 3166-1 standard, identified by their alpha-2 code and named "
                  "by their common name in the six official languages of the UN. French overseas territories with "
                  "their own code are tsc:Territory attached to France.", "en") + " ;\n")
    t.write("    skos:editorialNote "
            + lit(f"Sources : pour chaque entrée, code et nom court anglais d'après la plateforme de consultation en "
                  f"ligne de l'ISO ; nom court français d'après la traduction d'ISO 3166-1 du projet iso-codes ; "
                  f"rattachement des territoires français d'après ISO 3166-2:FR ; noms usuels (skos:prefLabel, "
                  f"rdfs:label, en arabe, anglais, espagnol, français, russe et chinois simplifié) d'après les noms de "
                  f"territoires d'Unicode CLDR {version}. Les noms courts ISO, formes lexicographiques (« Réunion, Île "
                  f"de la »), sont des skos:altLabel lorsqu'ils diffèrent du nom usuel. Chaque libellé porte sa source "
                  f"sur son nœud SKOS-XL.", "fr") + " ,\n        "
            + lit(f"Sources: for each entry, the code and English short name from ISO's Online Browsing Platform; the "
                  f"French short name from the iso-codes project's translation of ISO 3166-1; French territories' "
                  f"link to France from ISO 3166-2:FR; common names (skos:prefLabel, rdfs:label, in Arabic, English, "
                  f"Spanish, French, Russian and Simplified Chinese) from the territory names of Unicode CLDR "
                  f"{version}. ISO short names, lexicographic forms (\"Korea, Republic of\"), are skos:altLabel where "
                  f"they differ from the common name. Every label carries its source on its SKOS-XL node.", "en")
            + " ;\n")
    t.write(f"    dcterms:source {t.iris([ISO_3166, ISO_CODES, CLDR_RELEASE.format(version=cldr)])} .\n\n")


def iso_official_names(code: str) -> dict[str, str]:
    """ISO 3166-1's official name in every language (English from ISO, the others from iso-codes), no article."""
    country = pycountry.countries.get(alpha_2=code)
    official = getattr(country, "official_name", country.name)
    names = {"en": official}
    for lang in LANGUAGES:
        if lang != "en":
            catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[ISO_CODES_LOCALE[lang]])
            names[lang] = catalogue.gettext(official)
    for lang, name in names.items():
        for article in ("the ", "L'", "l'"):
            if name.startswith(article):
                name = name[len(article):]
                name = name[0].upper() + name[1:]
        names[lang] = name
    return names


def entry(t: Turtle, code: str, iso_en: str, iso_fr: str, cldr: str) -> None:
    resource = f"{VOCAB}country/{code}"
    display = {lang: babel.Locale(lang).territories[code] for lang in LANGUAGES}
    pref_sources = {lang: [CLDR_LOCALE_FILE.format(version=cldr, lang=lang)] for lang in LANGUAGES}
    alt: dict[str, tuple[str, str, str]] = {}  # label node suffix -> (name, language, source)
    if code in ISO_NAMED:
        official = iso_official_names(code)
        for lang in LANGUAGES:
            alt[f"alt-{lang}"] = (display[lang], lang, CLDR_LOCALE_FILE.format(version=cldr, lang=lang))
        display = official
        pref_sources = {lang: [ISO_OBP.format(code=code) if lang == "en" else ISO_CODES] for lang in LANGUAGES}
    for lang, name, source in (("en", iso_en, ISO_OBP.format(code=code)), ("fr", iso_fr, ISO_CODES)):
        if name == display[lang]:
            pref_sources[lang].append(source)
        elif code in ISO_NAMED:
            alt[f"alt-iso-{lang}"] = (name, lang, source)
        else:
            alt[f"alt-{lang}"] = (name, lang, source)

    t.write(f"{t.iri(resource)}\n")
    if code in TERRITORY_OF:
        parent = t.iri(f"{VOCAB}country/{TERRITORY_OF[code]}")
        t.write(f"    a tsc:Territory ;\n    tsc:territoryOf {parent} ;\n    skos:broader {parent} ;\n")
    else:
        t.write("    a tsc:Country ;\n    skos:topConceptOf tscv:country ;\n")
    t.write(f"    skos:inScheme tscv:country ;\n    skos:notation {str(ox.Literal(code))} ;\n")
    names = " , ".join(lit(display[lang], lang) for lang in LANGUAGES)
    t.write(f"    rdfs:label {names} ;\n    skos:prefLabel {names} ;\n")
    t.write(f"    skosxl:prefLabel {t.iris((f'{resource}/label/pref-{lang}' for lang in LANGUAGES), NEXT)} ;\n")
    if alt:
        t.write(f"    skos:altLabel {' , '.join(lit(name, lang) for name, lang, _ in alt.values())} ;\n")
        t.write(f"    skosxl:altLabel {t.iris((f'{resource}/label/{suffix}' for suffix in alt), NEXT)} ;\n")
    sources = [ISO_OBP.format(code=code), ISO_CODES]
    if code in TERRITORY_OF:
        sources.append(ISO_OBP.format(code=TERRITORY_OF[code]))
    sources.append(CLDR_RELEASE.format(version=cldr))
    t.write(f"    dcterms:source {t.iris(sources)} .\n\n")

    for lang in LANGUAGES:
        xl_label(t, f"{resource}/label/pref-{lang}", display[lang], lang, pref_sources[lang])
    for suffix, (name, lang, source) in alt.items():
        xl_label(t, f"{resource}/label/{suffix}", name, lang, [source])


def xl_label(t: Turtle, node: str, text: str, lang: str, sources: list[str]) -> None:
    """A SKOS-XL label node: the label's literal form and where that form comes from."""
    t.write(f"{t.iri(node)}\n    a skosxl:Label ;\n    skosxl:literalForm {lit(text, lang)} ;\n"
            f"    dcterms:source {t.iris(sources)} .\n\n")


def main(out: TextIO = sys.stdout) -> None:
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    cldr = cldr_version()
    t = Turtle(out, cldr)
    header(t, getattr(pycountry, "__version__", ""))
    scheme(t, cldr)
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        entry(t, country.alpha_2, country.name, french.gettext(country.name), cldr)


if __name__ == "__main__":
    main()
