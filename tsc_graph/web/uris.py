"""Canonical URIs ↔ paths on this server, driven by the ``URI_SPACES`` table (see ``default_uri_spaces``).

The data keeps its canonical URIs (``https://fr.chm-cbd.net/tsc/id/...``, ``https://w3id.org/tsc-graph/...``)
whatever host serves it, so the same store can be published under the node's domain, behind w3id.org
redirects, or on 127.0.0.1 in tests.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class Target:
    """What a request path names: a canonical URI, and for an ontology the namespace of its terms."""

    uri: str
    namespace: str | None = None


def spaces() -> list[dict[str, str]]:
    return current_app.config["URI_SPACES"]


def path_to_target(path: str) -> Target | None:
    """``/id/actor/ofb`` → ``{base}id/actor/ofb``; ``None`` when no URI space covers the path."""
    for space in spaces():
        prefix = space["path"]
        if prefix.endswith("/"):
            if path.startswith(prefix) and len(path) > len(prefix):
                return Target(space["uri"] + path[len(prefix):], space.get("namespace"))
        elif path == prefix:
            return Target(space["uri"], space.get("namespace"))
    return None


def uri_to_path(uri: str) -> str | None:
    """The local path that dereferences a canonical URI (hash terms keep their fragment), else ``None``."""
    for space in spaces():
        ns = space.get("namespace")
        if ns and uri.startswith(ns) and len(uri) > len(ns):
            return space["path"] + "#" + uri[len(ns):] if ns.endswith("#") else space["path"] + "/" + uri[len(ns):]
        base = space["uri"]
        if space["path"].endswith("/"):
            if uri.startswith(base) and len(uri) > len(base):
                return space["path"] + uri[len(base):]
        elif uri == base:
            return space["path"]
    return None


def href(uri: str) -> str | None:
    """A safe link target for a URI in an HTML page: local path, or the URI itself for http(s)/mailto."""
    local = uri_to_path(uri)
    if local is not None:
        return local
    if uri.lower().startswith(("http://", "https://", "mailto:")):
        return uri
    return None  # javascript:, data:, urn:... are shown as text, never linked
