"""Where a page links to a resource: one rule for every page (objects, listings, panels, search results)."""
from __future__ import annotations

from flask import url_for

from .. import uris


def link(iri: str, held: bool = False) -> str | None:
    """Pages link to resources by their URI's local path (``/id/actor/ofb``, 303 to its page), never to a
    document: the same link works for people and for linked-data clients. A resource published by another node
    that this node ``held`` (a harvested copy: the store describes it) links to that copy's page here,
    ``/resource?uri=…``, which says where it comes from; anything else links to its own address."""
    if held and uris.uri_to_path(iri) is None and iri.startswith(("http://", "https://")):
        return url_for("portal.held_resource", uri=iri)
    return uris.href(iri)
