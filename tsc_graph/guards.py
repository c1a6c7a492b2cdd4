"""Cheap checks that keep hostile input away from parsers that crash on it.

Oxigraph's SPARQL, JSON-LD and RDF/XML parsers are recursive: a query nested a few thousand levels deep
(``{{{{…``, ``((((…``) or an equally deep JSON-LD / RDF/XML document overflows the native stack and kills
the whole process with SIGSEGV — no Python exception, no chance to answer. Its RDF/XML parser also expands
entity declarations: 600 bytes of nested ones ("billion laughs") make a 10 MB literal, 700 bytes make 100 MB.
These guards reject such input with a clear :class:`~tsc_graph.errors.QueryTooComplex` /
:class:`~tsc_graph.errors.LoadError` before the engine sees it. They are a first line only: other shapes of
query (thousands of chained OPTIONALs, UNIONs or ``+`` operators) also overflow the engine, which is why the
server evaluates queries in worker processes (store/pool.py) and answers a worker crash with 400 "query too
complex" (docs/reliability.md), and why ``harvest --all`` reads each node in a child process.
"""
from __future__ import annotations

import re

import pyoxigraph as ox

from .errors import LoadError, QueryTooComplex
from .iri import parses
from .sparql_text import Scanner

#: The store package still imports the IRI check from here (it moves to :mod:`tsc_graph.iri` with the store's split).
is_iri = parses

#: Deepest bracket nesting ({ ( [) accepted in a SPARQL query. Real queries stay under 20; Oxigraph
#: overflows somewhere between 1,000 and 3,000 levels.
MAX_QUERY_DEPTH = 200
#: Longest query text, in characters (the HTTP layer also caps request bodies).
MAX_QUERY_CHARS = 1_000_000
#: Deepest element / object nesting accepted in RDF/XML and JSON-LD sources.
MAX_DOCUMENT_DEPTH = 500

#: One e-mail address, nothing else: a dot-atom local part (letters, digits and ``!$&'*+=~_-``: no comma, semicolon,
#: quote, angle bracket or space, which would make a list of recipients or break the ``mailto:`` IRI) and a host
#: name. ``email.utils`` would accept ``root,postmaster,victim@example.org`` as three addresses.
_EMAIL = re.compile(r"[\w!$&'*+=~-]{1,64}(?:\.[\w!$&'*+=~-]{1,64})*@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9-]{1,63})+")
#: Longest e-mail address (RFC 5321: 254 characters in a path, 64 in the local part).
MAX_EMAIL = 254

#: What the nesting scan stops at: brackets, and what may open a string or a comment.
_SPECIAL = re.compile(r"[{}()\[\]'\"#]")


def query_depth(sparql: str) -> int:
    """Deepest bracket nesting of a SPARQL text, strings (long and short, both quotes) and comments ignored.

    One pass, linear in the length of the text whatever it holds (the scanner's string and comment ends,
    :class:`~tsc_graph.sparql_text.Scanner`). It runs on request input in the request thread: a regex that
    re-scanned the rest of a line from every quote made ``'\\'`` × 80,000 cost 48 s. An unclosed string leaves
    its quote as an ordinary character.
    """
    scan = Scanner(sparql)
    depth = deepest = 0
    i = 0
    while True:
        m = _SPECIAL.search(sparql, i)
        if m is None:
            return deepest
        i = m.start()
        c = sparql[i]
        if c in "{([":
            depth += 1
            deepest = max(deepest, depth)
            i += 1
        elif c in "})]":
            depth = max(depth - 1, 0)
            i += 1
        elif c == "#":
            i = scan.end_of_line(i)
        else:
            end = scan.string_end(i)
            i = i + 1 if end is None else end


def check_query(sparql: str) -> None:
    if len(sparql) > MAX_QUERY_CHARS:
        raise QueryTooComplex(f"the query is too complex: {len(sparql)} characters long, the limit is {MAX_QUERY_CHARS}")
    # the cheap test first: without many brackets there is nothing to measure
    if sparql.count("{") + sparql.count("(") + sparql.count("[") > MAX_QUERY_DEPTH:
        depth = query_depth(sparql)
        if depth > MAX_QUERY_DEPTH:
            raise QueryTooComplex(
                f"the query is too complex: nested {depth} levels deep, the limit is {MAX_QUERY_DEPTH}; simplify it"
            )


def check_document(name: str, data: bytes, fmt: str) -> None:
    """Refuse JSON-LD / RDF/XML nested deeper than :data:`MAX_DOCUMENT_DEPTH`, and RDF/XML that declares entities
    (other formats: no-op)."""
    if fmt == "jsonld":
        _check_json(name, data)
    elif fmt == "rdfxml":
        _check_xml(name, data)


def _check_json(name: str, data: bytes) -> None:
    depth = deepest = 0
    in_string = escaped = False
    # bytes.translate-free scan over only the structural characters and quotes
    for m in re.finditer(rb'[\[\]{}"\\]', data):
        c = m.group()
        if in_string:
            if escaped:
                escaped = False
            elif c == b"\\":
                # an escape consumes the next byte; if that byte is structural it is found next
                escaped = m.end() < len(data) and data[m.end():m.end() + 1] in b'"\\'
            elif c == b'"':
                in_string = False
            continue
        if c == b'"':
            in_string = True
        elif c in (b"{", b"["):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DOCUMENT_DEPTH:
                    raise LoadError(name, f"JSON nested more than {MAX_DOCUMENT_DEPTH} levels deep")
        elif c in (b"}", b"]"):
            depth -= 1


def _check_xml(name: str, data: bytes) -> None:
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate()
    state = {"depth": 0}

    def start(_name, _attrs):
        state["depth"] += 1
        if state["depth"] > MAX_DOCUMENT_DEPTH:
            raise LoadError(name, f"XML nested more than {MAX_DOCUMENT_DEPTH} elements deep")

    def end(_name):
        state["depth"] -= 1

    def entity(entity_name, *_):
        # refused outright, as defusedxml does: the declaration is where an expansion bomb starts, and RDF/XML
        # never needs one (an entity only abbreviates text that can be written out)
        raise LoadError(name, f"XML entity declarations are refused (<!ENTITY {entity_name} …>): entities "
                              "expand, and a few hundred bytes of nested ones make gigabytes; write their text out")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.EntityDeclHandler = entity
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as e:
        raise LoadError(name, f"malformed XML: {xml.parsers.expat.errors.messages.get(e.code, str(e))}",
                        e.lineno, e.offset + 1) from None


def is_email(text: str) -> bool:
    """Whether ``text`` is exactly one e-mail address that is also a valid ``mailto:`` IRI (see :data:`_EMAIL`)."""
    local = text.partition("@")[0]
    return len(text) <= MAX_EMAIL and len(local) <= 64 and bool(_EMAIL.fullmatch(text)) and parses("mailto:" + text)


def is_language_tag(tag: str) -> bool:
    """Whether ``tag`` is a well-formed BCP 47 language tag (what Oxigraph accepts on a literal; rdflib raises
    ValueError on ``en<script>`` when the literal is made)."""
    try:
        ox.Literal("", language=tag)
    except ValueError:
        return False
    return True
