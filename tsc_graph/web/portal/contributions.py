"""What each node of the network has on this node, per listing: the network page and each node's page show it.

Counted by the listings' node facet (``/offers?node=…``), so a figure and the list it opens agree.
"""
from __future__ import annotations

from flask import url_for

from .queries import select_many
from .sections import NODE, SECTIONS

#: Listings a node's records are browsed in, in this order.
BROWSED = ("actors", "projects", "commitments", "offers", "requests", "practices")


def contributions() -> dict[str, list[dict]]:
    """Node IRI → what its records are, per listing, with the count and link of the listing's node facet (so the
    figure and the list it opens agree): the network page and each node's page show them."""
    browse = select_many([("facet-node", {"class": SECTIONS[key].cls}) for key in BROWSED])
    per_node: dict[str, list[dict]] = {}
    for key, counted in zip(BROWSED, browse):
        for r in counted:
            n = int(r["n"]["value"])
            if n:
                per_node.setdefault(r["value"]["value"], []).append(
                    {"label": str(SECTIONS[key].title), "count": n,
                     "href": url_for("portal.listing", key=key, **{NODE.key: r["value"]["value"]})})
    return per_node
