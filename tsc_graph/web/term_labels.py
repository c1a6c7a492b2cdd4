"""The ontology's term labels as gettext messages, for the UI languages the ontology is not documented in.

The ontology (``tsc.ttl``) and the labels of the terms it reuses (``annotations.ttl``) are written in French and
English only: their ``rdfs:label`` name the fields and types every card and resource page shows. A node in Spanish,
Arabic, Chinese or Russian needs those names in its own language, and translators work on gettext catalogues, not
on Turtle. So ``make translations`` extracts each term's English label into ``messages.pot`` (the Babel extractor
:func:`extract`, declared in ``babel.cfg``), and the portal uses the catalogue's translation of a term's English
label when the term has no label in the page's language (:func:`tsc_graph.web.portal.i18n.pick`). The ontology's
own labels stay the source: French pages keep its ``@fr`` labels, and the French catalogue repeats them.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import IO, Any

from rdflib import Graph, Literal
from rdflib.namespace import RDFS

from tsc_graph import ONTOLOGY_DIR


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


@lru_cache(maxsize=1)
def messages() -> frozenset[str]:
    """The English labels of the terms the software ships (the message ids :func:`extract` writes)."""
    return frozenset(text for path in sorted(ONTOLOGY_DIR.glob("*.ttl"))
                     for _line, text, _term in english_labels(path.read_text(encoding="utf-8")))
