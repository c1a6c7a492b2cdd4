"""Cheap lexical facts about SPARQL text, for choosing error messages (never for security decisions).

These run on request input in the request thread, so every pattern here is linear on any text: no quantifier
inside a quantifier that could split the same characters two ways, and no pattern that scans past a character
where a later attempt would start again (an IRI cannot contain ``<``, so ``<[^<>\\s]*>`` never rescans).
"""
from __future__ import annotations

import re

_COMMENT = re.compile(r"#[^\n]*")
_IRI = re.compile(r"<[^<>\s]*>")
_PROLOGUE = re.compile(r"^\s*((PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*)*", re.IGNORECASE)
_UPDATE_START = re.compile(
    r"^\s*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE
)


def strip_comments(text: str) -> str:
    """Remove ``#`` comments outside IRIs (good enough to find the first keyword)."""
    out = []
    for line in text.splitlines():
        masked = _IRI.sub(lambda m: "\0" * len(m.group()), line)
        cut = masked.find("#")
        out.append(line if cut < 0 else line[:cut])
    return "\n".join(out)


def after_prologue(text: str) -> str:
    """The text without comments and without its PREFIX / BASE declarations: it starts with the query form."""
    return _PROLOGUE.sub("", strip_comments(text), count=1)


def looks_like_update(text: str) -> bool:
    """True if the text, after its prologue, starts with an update keyword (INSERT, DELETE, LOAD…)."""
    return bool(_UPDATE_START.match(after_prologue(text)))
