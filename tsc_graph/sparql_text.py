"""The one scanner of SPARQL text: the query nesting guard (:mod:`tsc_graph.guards`), the SERVICE allow-list
(:mod:`tsc_graph.federation.allowlist`) and the lexical facts used to choose error messages all read query text
through :class:`Scanner`.

It runs on request input in the request thread, so every method is linear in the text whatever it holds, and
repeated calls from many starting points stay linear together: what a look has crossed (a skip of whitespace and
comments, a comment's end, a run of name characters, a string that cannot close) is remembered, so no character
is examined more than a bounded number of times. No regex here has a quantifier inside a quantifier.
"""
from __future__ import annotations

import re

#: Characters a name-like token cannot contain (SPARQL whitespace, brackets, punctuation of the grammar).
TOKEN_END = frozenset(" \t\r\n{}()[];,\"'<>#")

#: Where a short string that opens at a quote stops: its closing quote, or the end of its line if unclosed.
_SHORT_BODY = {"'": re.compile(r"'(?:[^'\\\n]|\\.)*", re.S), '"': re.compile(r'"(?:[^"\\\n]|\\.)*', re.S)}
_EOL = re.compile(r"[\r\n]")
_UPDATE_START = re.compile(r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)


class Scanner:
    """Looks at one text from any position: where a comment ends, the next token after whitespace and comments,
    the token there (an ``<IRI>`` or a run of name characters), where a string literal ends."""

    def __init__(self, text: str):
        self.text = text
        self._skips: dict[int, int] = {}
        self._tokens: dict[int, tuple[str, int]] = {}
        self._eol = (0, -1)  # (from, to): no CR/LF in text[from:to], and text[to] is one (or to == len)
        self._run = (0, -1)  # (from, to): no token-ending character in text[from:to]
        self._long_can_close = {"'": True, '"': True}  # False once a long string found no closing triple quote
        self._short_fails_until = {"'": -1, '"': -1}  # a short string opening before this position cannot close

    def end_of_line(self, i: int) -> int:
        """The first CR or LF from ``i`` (where a ``#`` comment ends, as in SPARQL), or the end of the text."""
        lo, hi = self._eol
        if lo <= i <= hi:
            return hi
        found = _EOL.search(self.text, i)
        j = len(self.text) if found is None else found.start()
        self._eol = (i, j)
        return j

    def skip(self, i: int) -> int:
        """Position of the next token: whitespace and ``#`` comments skipped."""
        text, n = self.text, len(self.text)
        passed: list[int] = []
        while i < n and i not in self._skips:
            c = text[i]
            if c.isspace():
                passed.append(i)
                i += 1
            elif c == "#":
                passed.append(i)
                i = self.end_of_line(i)
            else:
                break
        end = self._skips.get(i, i)
        for p in passed:
            self._skips[p] = end
        return end

    def token(self, i: int, longest: int) -> tuple[str, int]:
        """The token starting at ``i`` — an IRI in angle brackets, or a run of name characters (backslash escapes
        kept) — and its end; ``("", i)`` for a ``<`` that does not close. At most ``longest + 1`` characters of a
        run are copied (overlapping runs must not cost their length each time)."""
        if i not in self._tokens:
            self._tokens[i] = self._read_token(i, longest)
        return self._tokens[i]

    def _read_token(self, i: int, longest: int) -> tuple[str, int]:
        text, n = self.text, len(self.text)
        if i < n and text[i] == "<":  # an IRI ends at the next '>', '<' or whitespace: IRIs never overlap
            j = i + 1
            while j < n and text[j] != ">" and text[j] not in " \t\r\n<":
                j += 1
            if j < n and text[j] == ">":
                return text[i:j + 1], j + 1
            return "", i
        lo, hi = self._run
        if not lo <= i <= hi:
            hi = i
            while hi < n and text[hi] not in TOKEN_END:
                hi += 2 if text[hi] == "\\" else 1
            hi = min(hi, n)
            self._run = (i, hi)
        return text[i:min(hi, i + longest + 1)], hi

    def string_end(self, i: int) -> int | None:
        """End of the string literal whose opening quote is at ``i`` (long ``'''…'''`` or short ``'…'``, either
        quote), or None: the quote is an ordinary character (unclosed). A failed attempt is remembered: every
        later quote of that kind before where it stopped would fail the same way (all of them are escaped as
        seen from the first), so none is tried again."""
        text, n, c = self.text, len(self.text), self.text[i]
        if self._long_can_close[c] and text.startswith(c * 3, i):
            end = text.find(c * 3, i + 3)
            if end >= 0:
                return end + 3
            self._long_can_close[c] = False  # no later one can close either
        if i < self._short_fails_until[c]:
            return None
        end = _SHORT_BODY[c].match(text, i).end()
        if end < n and text[end] == c:
            return end + 1
        self._short_fails_until[c] = end
        return None

    def after_prologue(self) -> int:
        """Where the query form starts: after whitespace, comments and the ``PREFIX`` / ``BASE`` declarations."""
        i = self.skip(0)
        while True:
            word, j = self.token(i, 6)
            keyword = word.lower()
            if keyword == "base":
                iri, j = self.token(self.skip(j), len(self.text))
            elif keyword == "prefix":
                name, j = self.token(self.skip(j), len(self.text))
                iri, j = self.token(self.skip(j), len(self.text)) if name.endswith(":") else ("", j)
            else:
                return i
            if not iri.startswith("<"):
                return i
            i = self.skip(j)


def after_prologue(text: str) -> str:
    """The text from its query form on (comments and PREFIX / BASE declarations before it left out)."""
    return text[Scanner(text).after_prologue():]


def looks_like_update(text: str) -> bool:
    """True if the text, after its prologue, starts with an update keyword (INSERT, DELETE, LOAD…). For choosing
    an error message, never for a security decision."""
    return bool(_UPDATE_START.match(after_prologue(text)))
