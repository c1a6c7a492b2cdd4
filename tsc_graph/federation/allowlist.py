"""The SERVICE allow-list: which remote SPARQL endpoints a query sent to *our* endpoint may make us call.

Oxigraph evaluates ``SERVICE <iri> { … }`` by calling ``<iri>`` over HTTP from the server. Without a check,
the public endpoint would be an open proxy able to reach any host the server can reach (intranet, cloud
metadata addresses…). So before a query runs we find every SERVICE target and refuse the query unless each
one is on ``settings.service_allowlist`` (``TSC_SERVICE_ALLOWLIST``, space-separated):

* an entry ending with ``/`` is a prefix (``https://be.chm-cbd.net/tsc/`` allows every URL below it);
* any other entry must match exactly (``http://127.0.0.1:8001/sparql``).

How targets are found: one linear scan of the text, no parser and no backtracking regex. The scan runs on
request input in the server's request thread, so its cost must grow with the length of the query and
nothing else (a regex with nested quantifiers here once let a 70-byte GET freeze the server).

1. SPARQL allows ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes anywhere; they are expanded first. If the text then
   does not contain ``service`` (any case) the query cannot call anything and is allowed (the fast path).
2. Every occurrence of the word ``SERVICE`` that could be the keyword — not inside a name (``?service``,
   ``ex:service``, ``myservice``) — is followed, across whitespace and comments, by an optional ``SILENT``
   and a target: ``<IRI>``, ``?var`` / ``$var`` or a prefixed name. Occurrences inside strings and comments
   count too, so no difference between this scan and the engine's tokenizer (comment ends, string escapes)
   can hide a call; a query that merely *mentions* ``SERVICE <http://…>`` in a comment may be refused.
3. Prefixed names and relative IRIs are resolved with every ``PREFIX`` / ``BASE`` declaration found the same
   way; when a name could resolve several ways, every resolution must be allowed. An unknown prefix, a
   relative IRI without a base or a variable target is refused (fail closed).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin

from ..errors import ServiceNotAllowed
from ..sparql_text import Scanner

ENV_NAME = "TSC_SERVICE_ALLOWLIST"

# Neither pattern has a quantifier inside a quantifier: both run in linear time on any input.
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_KEYWORDS = re.compile(r"service|prefix|base", re.IGNORECASE)

#: Characters that make a keyword-looking word part of a name when they stand just before it.
_NAME_BEFORE = frozenset("_?$:-")
#: Characters that make it part of a longer word when they stand just after it.
_NAME_AFTER = frozenset("_-:")
#: PN_LOCAL_ESC: characters a prefixed name's local part may escape with a backslash.
_LOCAL_ESCAPABLE = frozenset("_~.-!$&'()*+,;=/?#@%")
#: Most occurrences of the word SERVICE (comments and strings included) in one query; real federated queries
#: call a handful of endpoints, and the cap bounds the scan's work whatever the query length.
MAX_SERVICE_MENTIONS = 256
#: Longest SERVICE target read; a longer one is refused rather than read in full.
MAX_TARGET_CHARS = 1024


@dataclass(frozen=True)
class ServiceCall:
    """One SERVICE clause: its target (an absolute IRI, or ``?var`` for a variable) and SILENT flag."""

    target: str
    silent: bool = False
    variable: bool = False


def unescape_codepoints(text: str) -> str:
    """Expand SPARQL's ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes (done before parsing, SPARQL 1.1 §19.2)."""

    def repl(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        try:
            return chr(code)
        except (ValueError, OverflowError):
            return m.group(0)

    return _ESCAPE.sub(repl, text)


def mentions_service(text: str) -> bool:
    """The cheap pre-check: False means no SERVICE clause can be in this query."""
    return "service" in text.lower() or "service" in unescape_codepoints(text).lower()


def is_allowed(iri: str, allowlist: Iterable[str]) -> bool:
    """Exact entries match exactly; entries ending with ``/`` match as prefixes. Only http(s) IRIs."""
    if not iri.startswith(("http://", "https://")):
        return False
    for entry in allowlist:
        entry = entry.strip()
        if not entry:
            continue
        if iri == entry or (entry.endswith("/") and iri.startswith(entry)):
            return True
    return False


def service_calls(text: str) -> list[ServiceCall]:
    """Every SERVICE clause of a query, each possible resolution of its target once, in text order."""
    if not mentions_service(text):
        return []
    return list(dict.fromkeys(_Scan(unescape_codepoints(text)).calls()))


def check_query(text: str, allowlist: Sequence[str]) -> list[ServiceCall]:
    """Raise :class:`ServiceNotAllowed` unless every SERVICE target is allow-listed; return the calls."""
    calls = service_calls(text)
    for call in calls:
        if call.variable:
            raise ServiceNotAllowed(
                f"SERVICE {call.target} is not allowed: this endpoint only calls remote endpoints named by an IRI "
                f"in the query text, and only those on its allow-list ({ENV_NAME})"
            )
        if not is_allowed(call.target, allowlist):
            configured = " ".join(allowlist) if allowlist else "(empty: no remote endpoint may be called)"
            raise ServiceNotAllowed(
                f"SERVICE <{call.target}> is not allowed: this endpoint calls only the remote SPARQL endpoints on its "
                f"allow-list. Allowed: {configured}. The node's operator can add it to {ENV_NAME} "
                "(space-separated; exact endpoint URLs, or prefixes ending with '/') and restart the server"
            )
    return calls


# --- the scan --------------------------------------------------------------------------------------------------
class _Scan:
    """One pass over the unescaped query text: keyword positions, then a short look after each one.

    Each look skips whitespace and comments up to the next token and reads that token (the shared
    :class:`~tsc_graph.sparql_text.Scanner`). Looks from different keywords may cross the same stretch of text
    (``#service#service…``); the scanner remembers what they crossed, so the scan stays linear.
    """

    def __init__(self, text: str):
        self.text = text
        self.scan = Scanner(text)
        self.services: list[int] = []  # positions just after each SERVICE keyword
        self.prefixes: dict[str, list[str]] = {}
        self.bases: list[str] = []
        for m in _KEYWORDS.finditer(text):
            if not self._is_keyword(m.start(), m.end()):
                continue
            word = m.group().lower()
            if word == "service":
                if len(self.services) == MAX_SERVICE_MENTIONS:
                    raise ServiceNotAllowed(
                        f"the query mentions SERVICE more than {MAX_SERVICE_MENTIONS} times (comments and strings "
                        "included); a query may call at most that many remote endpoints"
                    )
                self.services.append(m.end())
            elif word == "prefix":
                self._read_prefix(m.end())
            else:
                self._read_base(m.end())

    def _is_keyword(self, start: int, end: int) -> bool:
        before = self.text[start - 1] if start else " "
        after = self.text[end] if end < len(self.text) else " "
        if before.isalnum() or before in _NAME_BEFORE:
            return False
        return not (after.isalnum() or after in _NAME_AFTER)

    def _next(self, i: int) -> tuple[str, int]:
        """The token after ``i`` (whitespace and comments skipped) and its end."""
        return self.scan.token(self.scan.skip(i), MAX_TARGET_CHARS)

    # -- declarations
    def _read_prefix(self, i: int) -> None:
        name, i = self._next(i)
        if not name.endswith(":") or name.count(":") != 1:
            return
        iri, _ = self._next(i)
        if iri.startswith("<"):
            self.prefixes.setdefault(name[:-1], []).append(iri[1:-1])

    def _read_base(self, i: int) -> None:
        iri, _ = self._next(i)
        if iri.startswith("<"):
            self.bases.append(iri[1:-1])

    # -- SERVICE clauses
    def calls(self) -> list[ServiceCall]:
        out: list[ServiceCall] = []
        for i in self.services:
            target, j = self._next(i)
            silent = target.lower() == "silent"
            if silent:
                target, _ = self._next(j)
            if not target:
                continue  # not followed by a target: not a SERVICE clause for any parser
            if len(target) > MAX_TARGET_CHARS:
                out.append(ServiceCall(f"(a target longer than {MAX_TARGET_CHARS} characters)", silent))
                continue
            if target[0] in "?$":
                out.append(ServiceCall("?" + target[1:], silent, variable=True))
            elif target.startswith("<"):
                out.extend(ServiceCall(iri, silent) for iri in self._absolute(target[1:-1]))
            elif ":" in target:
                out.extend(ServiceCall(iri, silent) for iri in self._expand(target))
        return out

    def _absolute(self, iri: str) -> list[str]:
        """Every reading of ``iri``: itself if absolute, else resolved against each BASE (none: unresolved)."""
        if re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", iri):
            return [iri]
        return [urljoin(base, iri) for base in self.bases] or [iri]

    def _expand(self, pname: str) -> list[str]:
        prefix, _, local = pname.partition(":")
        local = _unescape_local(local.rstrip("."))
        namespaces = self.prefixes.get(prefix)
        if not namespaces:
            return [pname]  # unknown prefix: not an http(s) IRI, hence refused
        return [iri for ns in namespaces for iri in self._absolute(ns + local)]


def _unescape_local(local: str) -> str:
    """A prefixed name's local part with PN_LOCAL_ESC escapes (``\\-``, ``\\#``…) removed."""
    out, i = [], 0
    while i < len(local):
        if local[i] == "\\" and i + 1 < len(local) and local[i + 1] in _LOCAL_ESCAPABLE:
            out.append(local[i + 1])
            i += 2
        else:
            out.append(local[i])
            i += 1
    return "".join(out)
