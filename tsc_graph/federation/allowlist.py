"""The SERVICE allow-list: which remote SPARQL endpoints a query sent to *our* endpoint may make us call.

Oxigraph evaluates ``SERVICE <iri> { … }`` by calling ``<iri>`` over HTTP from the server. Without a check,
the public endpoint would be an open proxy able to reach any host the server can reach (intranet, cloud
metadata addresses…). So before a query runs we find every SERVICE target and refuse the query unless each
one is on ``settings.service_allowlist`` (``TSC_SERVICE_ALLOWLIST``, space-separated):

* an entry ending with ``/`` is a prefix (``https://be.chm-cbd.net/tsc/`` allows every URL below it);
* any other entry must match exactly (``http://127.0.0.1:8001/sparql``).

How targets are found (two independent checks, both must pass — fail closed):

1. SPARQL allows ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes anywhere; they are expanded first. If the text then
   does not contain ``service`` (any case) the query cannot call anything and is allowed without parsing
   (the endpoint's fast path).
2. The query is parsed with rdflib's SPARQL parser; every ``ServiceGraphPattern`` is collected wherever it
   is (nested groups, OPTIONAL, UNION, FILTER EXISTS, sub-queries), prefixed names and BASE resolved.
   A variable target (``SERVICE ?x``) is refused. If rdflib cannot parse a text that mentions SERVICE
   (Oxigraph accepts some syntax rdflib does not), the query is refused with a clear message.
3. A lexical scan finds every ``SERVICE [SILENT] <target>`` in the text, comments and strings included, so
   that a difference between rdflib's and Oxigraph's parsers (comments, escapes) cannot hide a call. It may
   refuse a harmless query that merely *mentions* ``SERVICE <http://…>`` in a comment or a string; rephrase.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import ServiceNotAllowed

ENV_NAME = "TSC_SERVICE_ALLOWLIST"

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# SERVICE not preceded by a name character, '?', '$' or ':' (so ?service, ex:service, myservice don't count),
# then whitespace/comments, optional SILENT, then the target: <IRI>, ?var/$var, or a prefixed name.
_SEP = r"(?:\s|#[^\n\r]*[\n\r]?)+"
_LEXICAL = re.compile(
    r"(?<![\w?$:.\-])SERVICE" + _SEP + r"(?:SILENT" + _SEP + r")?"
    r"(?P<target><[^<>\s]*>|[?$][\w]+|(?P<prefix>[A-Za-z][\w.\-]*)?:(?P<local>[\w\-.%\\:]*))",
    re.IGNORECASE | re.UNICODE,
)
_PARSE_LOCK = threading.Lock()  # pyparsing grammars are shared module state: one parse at a time


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
    """Every SERVICE clause of a query (parsed + lexical). Raises ServiceNotAllowed if that cannot be known."""
    if not mentions_service(text):
        return []
    prologue, parsed_calls = _parsed_calls(text)
    calls = list(parsed_calls)
    seen = {c.target for c in calls}
    for call in _lexical_calls(unescape_codepoints(text), prologue):
        if call.target not in seen:
            calls.append(call)
            seen.add(call.target)
    return calls


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


# --- parsing -------------------------------------------------------------------------------------------------
def _parsed_calls(text: str):
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        with _PARSE_LOCK:
            parsed = parseQuery(text)
        prologue = _prologue(parsed[0])
        calls: list[ServiceCall] = []
        _walk(parsed[1], prologue, calls)
    except ServiceNotAllowed:
        raise
    except Exception as e:  # pyparsing errors, unknown prefixes, odd IRIs: fail closed
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ServiceNotAllowed(
            "this query mentions SERVICE but its remote endpoints could not be checked against the allow-list "
            f"({reason}); queries with SERVICE must use standard SPARQL 1.1 syntax"
        ) from None
    return prologue, calls


def _prologue(decls):
    from rdflib.plugins.sparql.algebra import translatePrologue

    return translatePrologue(decls, None)


def _resolve(term, prologue) -> ServiceCall:
    from rdflib.term import URIRef, Variable

    if isinstance(term, Variable):
        return ServiceCall(f"?{term}", variable=True)
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(term, CompValue) and term.name == "pname":
        iri = prologue.resolvePName(dict.get(term, "prefix"), dict.get(term, "localname"))
        return ServiceCall(str(iri))
    if isinstance(term, URIRef):
        return ServiceCall(str(prologue.absolutize(term)))
    raise ValueError(f"unexpected SERVICE target {term!r}")


def _walk(node, prologue, out: list[ServiceCall]) -> None:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            call = _resolve(dict.get(node, "term"), prologue)
            silent = dict.get(node, "silent") is not None
            out.append(ServiceCall(call.target, silent=silent, variable=call.variable))
        for value in node.values():
            _walk(value, prologue, out)
    elif isinstance(node, (list, tuple, ParseResults)):
        for child in node:
            _walk(child, prologue, out)
    elif isinstance(node, dict):
        for value in node.values():
            _walk(value, prologue, out)


def _lexical_calls(text: str, prologue) -> list[ServiceCall]:
    from rdflib.term import URIRef

    out = []
    for m in _LEXICAL.finditer(text):
        target = m.group("target")
        silent = "silent" in m.group(0).lower()
        if target.startswith(("?", "$")):
            out.append(ServiceCall("?" + target[1:], silent, variable=True))
        elif target.startswith("<"):
            iri = target[1:-1]
            try:
                iri = str(prologue.absolutize(URIRef(iri)))
            except Exception:
                pass
            out.append(ServiceCall(iri, silent))
        else:
            try:
                iri = str(prologue.resolvePName(m.group("prefix") or "", m.group("local") or ""))
            except Exception:
                iri = target  # unknown prefix: not an http(s) IRI, hence refused
            out.append(ServiceCall(iri, silent))
    return out
