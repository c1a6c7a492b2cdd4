"""IRI checks in one place, so every door of the node (named-query parameters, uploads, the matching API, visitor
forms, CHM files) accepts the same IRIs.

Whether a text is an absolute IRI is Oxigraph's call (:class:`pyoxigraph.NamedNode` parses RFC 3987): a text it
accepts can be written between ``<`` and ``>`` in SPARQL and Turtle without escaping. On top of that, no white
space at all (a no-break space is legal in an IRI, but never meant in one typed or pasted into a form), a length
cap, and the scheme rules a caller asks for.
"""
from __future__ import annotations

import re
from collections.abc import Collection

import pyoxigraph as ox

from .errors import BadInput

#: Longest IRI accepted from outside (characters): longer ones are refused, never cut.
MAX_LENGTH = 2000
WEB_SCHEMES = ("http", "https")
#: What names a graph or a cooperation record from outside: web addresses and URNs.
NAME_SCHEMES = ("http", "https", "urn")

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_URN = re.compile(r"urn:[a-z0-9][a-z0-9-]{0,31}:.", re.IGNORECASE)  # RFC 8141: urn:<NID>:<NSS>


def scheme(text: str) -> str | None:
    """The scheme of a text that starts like an absolute IRI (lower case), else None. Tells an IRI from a blank
    node id or a plain word without judging the rest."""
    found = _SCHEME.match(text)
    return found.group()[:-1].lower() if found else None


def parses(text: str) -> bool:
    """Whether the store accepts ``text`` as an IRI (Oxigraph's RFC 3987 parser): rdflib builds a URIRef of
    anything, and ``>``, ``"``, a space or a control character only fail when the graph is written out."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def is_iri(text: str, schemes: Collection[str] | None = None, max_length: int = MAX_LENGTH) -> bool:
    """``text`` is an absolute IRI of at most ``max_length`` characters, without white space, and (when
    ``schemes`` is given) of one of those schemes (lower case)."""
    if not text or len(text) > max_length or any(c.isspace() for c in text):
        return False
    if schemes is not None and scheme(text) not in schemes:
        return False
    return parses(text)


def is_web_address(text: str, max_length: int = MAX_LENGTH) -> bool:
    """An ``http://`` or ``https://`` IRI with something after the ``//``."""
    rest = text.partition(":")[2]
    return is_iri(text, WEB_SCHEMES, max_length) and rest.startswith("//") and len(rest) > 2


def is_name(text: str, max_length: int = MAX_LENGTH) -> bool:
    """An IRI fit to name a graph: a web address (:func:`is_web_address`) or a well-formed URN (``urn:nid:…``)."""
    if scheme(text) == "urn":
        return is_iri(text, ("urn",), max_length) and _URN.match(text) is not None
    return is_web_address(text, max_length)


def check_iri(text: str, what: str, schemes: Collection[str] | None = None,
              max_length: int = MAX_LENGTH) -> str:
    """``text`` if :func:`is_iri`, else :class:`~tsc_graph.errors.BadInput` naming ``what`` was given."""
    if not is_iri(text, schemes, max_length):
        kinds = f" ({', '.join(schemes)})" if schemes else ""
        raise BadInput(f"{what}: {text[:200]!r} is not an absolute IRI{kinds}")
    return text
