"""Names for IRIs: labels from the data (ontology, annotations, vocabularies, node data) in the page's language.

A page never shows an IRI or a prefixed name: a term without any label gets its local name made readable
(``alternateName`` → "Alternate name"), and ``test_terms_shown_have_french_and_english_labels`` in
tests/test_portal.py checks that every term the portal shows has a label in the ontology or in
``tsc_graph/ontology/annotations.ttl``.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from . import i18n
from .queries import select

Labels = dict[str, dict[str, str]]  # IRI → {language tag: label}


def labels_of(iris: Iterable[str]) -> tuple[Labels, dict[str, str]]:
    """(labels, notations) of the given IRIs, one query per distinct set (cached per store version)."""
    wanted = sorted({i for i in iris if i and i.startswith(("http://", "https://", "urn:"))})
    labels: Labels = {}
    notations: dict[str, str] = {}
    if not wanted:
        return labels, notations
    for row in select("labels", {"resource": wanted}):
        iri = row["resource"]["value"]
        if "label" in row:
            term = row["label"]
            labels.setdefault(iri, {}).setdefault(term.get("xml:lang", ""), term["value"])
        if "notation" in row:
            notations.setdefault(iri, row["notation"]["value"])
    return labels, notations


def humanize(iri: str) -> str:
    """A readable fallback from an IRI's last segment: ``alternateName`` → "Alternate name"."""
    local = re.split(r"[#/]", iri.rstrip("/#"))[-1] or iri
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).replace("-", " ").replace("_", " ").strip()
    return (words[:1].upper() + words[1:].lower()) if words else iri


def name(iri: str, labels: Labels) -> str:
    return i18n.pick(labels.get(iri)) or humanize(iri)


def capitalised(text: str) -> str:
    """Capital first letter, keeping a label's declared language (:class:`i18n.Label`)."""
    return i18n.like(text, text[:1].upper() + text[1:]) if text else text


def short(label: str) -> str | None:
    """The short form of a numbered title, for chips: « Cible 6 : Réduire… » → « Cible 6 », "Goal A: …" → "Goal A"
    (the full title stays in the chip's tooltip and on the page it links to). None for other labels."""
    head, sep, _rest = label.partition(":")
    words = head.split()
    if not sep or len(words) != 2 or len(head.strip()) > 14:
        return None
    numbered = words[1].isdigit() or (len(words[1]) == 1 and words[1].isalpha() and words[1].isupper())
    return " ".join(words) if numbered else None
