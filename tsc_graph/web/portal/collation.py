"""Sorting and searching text the way French readers expect, without ICU.

``sort_key``: the primary key folds case and accents and ignores punctuation, so « Éducation » sorts with E,
« l'Agence » with « lagence », « Œuvre » with « oeuvre »; ties fall back to the accented form, then to the
raw text, so the order is total and stable. That is the first level of the Unicode Collation Algorithm, which is
all French ordering needs for names (unicodedata only: fast enough to key a few thousand names per request).

``search_words``: the visitor's words folded the same way as ``tsc_graph/sparql/portal/search.rq`` folds the data (lower
case, accents removed), at most ``MAX_WORDS`` words of at most ``MAX_WORD`` characters: plain strings, matched with
SPARQL CONTAINS (never a regular expression built from request input).
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

MAX_QUERY = 200
MAX_WORDS = 4
MAX_WORD = 40
_EXPAND = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o", "đ": "d",
                         "ł": "l", "Ł": "l", "ı": "i"})


def fold(text: str) -> str:
    """Lower-case, without accents or ligatures: ``Écologie`` → ``ecologie``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXPAND))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=50_000)
def sort_key(text: str) -> tuple[str, str, str]:
    folded = fold(text)
    primary = "".join(c for c in folded if c.isalnum() or c.isspace()).strip()
    return (primary or folded, text.casefold(), text)


def search_words(query: str) -> list[str]:
    """The folded words of a search box (bounded), duplicates and one-letter words dropped."""
    words: list[str] = []
    for raw in fold(query[:MAX_QUERY]).split():
        word = raw.strip(".,;:!?\"'()[]{}«»“”‘’")[:MAX_WORD]
        if len(word) >= 2 and word not in words:
            words.append(word)
    return words[:MAX_WORDS]
