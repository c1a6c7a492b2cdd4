"""The ontology's term labels as gettext messages, for the UI languages the ontology is not documented in.

The ontology (``tsc.ttl``) and the labels of the terms it reuses (``annotations.ttl``) are written in French and
English only: their ``rdfs:label`` name the fields and types every card and resource page shows. A node in Spanish,
Arabic, Chinese or Russian needs those names in its own language, and translators work on gettext catalogues, not
on Turtle. So ``make translations`` extracts each term's English label into ``messages.pot`` (the Babel extractor
:func:`extract`, declared in ``babel.cfg``), and the portal uses the catalogue's translation of a term's English
label when the term has no label in the page's language (:func:`tsc_graph.web.portal.i18n.pick`). The ontology's
own labels stay the source: French pages keep its ``@fr`` labels, and the French catalogue repeats them.

The concepts tsc-graph coins itself (``tsc_graph/reference/schemes.ttl``: actor types, support types, statuses,
themes) are treated the same way: no official text names them in Spanish, Arabic, Chinese or Russian, so their
names in those languages are interface translations, in the catalogues that say they are not yet reviewed, never
data presented as official. A label the data does give in the page's language (the Secretariat's Arabic, Chinese,
Russian and Spanish titles of *research institute*) is used first.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from babel.support import Translations
from rdflib import Graph, Literal
from rdflib.namespace import RDFS

from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR


def english_labels(turtle: str) -> list[tuple[int, str, str]]:
    """(line, English label, term) of every ``rdfs:label`` in English in the Turtle text, in the file's order.

    The line is the first one holding the literal (rdflib keeps no positions; the message catalogue omits them
    anyway, but Babel wants one)."""
    g = Graph().parse(data=turtle, format="turtle")
    lines = turtle.splitlines()
    found = []
    for term, label in g.subject_objects(RDFS.label):
        if not (isinstance(label, Literal) and label.language == "en"):
            continue
        text = str(label)
        needle = re.compile(r'"' + re.escape(text) + r'"\s*@en\b')
        line = next((n for n, s in enumerate(lines, 1) if needle.search(s)), 1)
        found.append((line, text, g.namespace_manager.normalizeUri(term)))
    return sorted(found)


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple]:
    """Babel extraction method for Turtle: each English term label, with the term it names for translators."""
    for line, text, term in english_labels(fileobj.read().decode("utf-8")):
        yield line, None, text, [f"rdfs:label of {term}: keep the label's case (pages capitalise it)"]


#: Turtle files whose English labels are UI messages: the ontology's terms, and the concepts tsc-graph coins
#: (actor types, support types, statuses, themes, evidence levels: ``schemes.ttl``). Labels the Secretariat or an
#: official text gives (GBF, CBD, countries, the CHM thesaurus) are data with their sources, never catalogue entries.
def term_files() -> list[Path]:
    return sorted(ONTOLOGY_DIR.glob("*.ttl")) + [REFERENCE_DIR / "schemes.ttl"]


@lru_cache(maxsize=1)
def messages() -> frozenset[str]:
    """The English labels of the terms the software ships (the message ids :func:`extract` writes)."""
    return frozenset(text for path in term_files()
                     for _line, text, _term in english_labels(path.read_text(encoding="utf-8")))


TRANSLATIONS = Path(__file__).resolve().parent / "translations"


@lru_cache(maxsize=None)
def _catalogue(lang: str) -> Translations | None:
    folder = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo"
    return Translations.load(str(TRANSLATIONS), [lang]) if folder.exists() else None


def add_interface_names(labels: dict[str, dict[str, str]], languages: list[str] | None = None) -> None:
    """Fill a concept → language → label table (the matching engine's) with the catalogue names of the terms the
    software ships, in each of ``languages`` the data does not label them in, so that match explanations and the
    matching API name a support type or theme in the reader's language, as the pages do (:func:`messages`)."""
    shipped = messages()
    if languages is None:  # every language the software has a catalogue for
        languages = sorted(p.name for p in TRANSLATIONS.iterdir() if (p / "LC_MESSAGES").is_dir())
    for lang in languages:
        catalogue = _catalogue(lang)
        if catalogue is None:
            continue
        for by_lang in labels.values():
            english = by_lang.get("en")
            if english in shipped and lang not in by_lang:
                translated = catalogue.gettext(english)
                if translated != english:
                    by_lang[lang] = translated
