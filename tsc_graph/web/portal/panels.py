"""Parts of a page computed by code rather than read from the resource's properties (``Group(panel=…)`` in
``sections.py``): the best matches of a Bio-Bridge offer or request; what a country or territory has on this node.

Matches come from the matchmaking engine's index (``tsc_graph.web.matching.cache()``, rebuilt once per store version;
docs/matching.md), in the same words as the API (``tsc_graph.matching.present``), so a page, ``/api/matches`` and
its CSV say the same thing about a match.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import url_for
from flask_babel import lazy_gettext as _l

from tsc_graph.matching import REQUEST, Item, Match, best_possible
from tsc_graph.matching.present import match_dict

from . import i18n
from .labels import capitalised
from .links import link

MATCHES_SHOWN = 10

#: Criteria of the score as people read them (the weights table is tsc_graph/matching/weights.py).
CRITERIA_NAMES = {
    "support": _l("Shared type of support"), "target": _l("Shared GBF targets"), "theme": _l("Shared themes"),
    "language": _l("Shared working language"), "country": _l("Country served"), "dates": _l("Dates that fit"),
}


def strength(score: int, best: int) -> tuple[str, str]:
    """(CSS class, words) for a pair's score on the pair's scale (``best_possible``): how close the match is, in
    words a visitor reads, the same on the request's page, the offer's page and the Bio-Bridge page."""
    share = score / best if best else 0
    if share >= 0.6:
        return "strong", str(_l("Close match"))
    if share >= 0.35:
        return "good", str(_l("Good match"))
    return "partial", str(_l("Partial match"))


def node_mark(node: dict | None) -> dict | None:
    """A record's node as the templates mark it (``macros.node_mark``) from the engine's node dict; None: ours."""
    if node is None:
        return None
    return {"label": node["label"], "demonstration": node["demonstration"],
            "href": link(node["id"]) if node.get("id") else None}


def _counterpart(m: Match, kind: str) -> Item:
    return m.offer if kind == REQUEST else m.request


def matches(uri: str, types: set[str]) -> dict | None:
    """The matches of an offer or request, best first, each with its score in words, its explanation in the
    page's language and the node its counterpart comes from; None when the engine does not know ``uri``."""
    from ..matching import cache as index_cache

    index = index_cache().get()
    kind = index.kind_of(uri)
    if kind is None:
        return None
    lang = i18n.current()
    catalog = index.catalog
    found = index.matches_for(uri)
    shown = []
    for rank, m in enumerate(found[:MATCHES_SHOWN], start=1):
        d = match_dict(m, catalog, lang, rank)
        other_item = _counterpart(m, kind)
        other = d["offer" if kind == REQUEST else "request"]
        actor = other.get("provider" if kind == REQUEST else "requester")
        best = best_possible(m.offer, m.request, catalog)
        level, words = strength(m.score, best)
        shown.append({
            "rank": rank, "score": m.score, "best": best, "level": level, "strength": words,
            "explanation": capitalised(d["explanation"]),
            "title": other["label"], "href": link(other_item.iri, held=other_item.node is not None),
            "actor": actor and {"label": actor["label"], "href": link(actor["id"], held=other_item.node is not None)},
            "node": node_mark(other["node"]),
            "points": [(str(CRITERIA_NAMES[k]), v) for k, v in d["points"].items() if v],
        })
    return {
        "kind": kind, "total": len(found), "shown": shown,
        "api_json": url_for("matching.matches", **{kind: uri}, lang=lang),
        "api_csv": url_for("matching.matches_csv", **{kind: uri}, lang=lang),
        "others": url_for("portal.listing", key="offers" if kind == REQUEST else "requests"),
    }


def place(uri: str, types: set[str]) -> dict | None:
    """A country's or territory's figures on this node, counted by the queries its listings filter with (the
    actors working there: ``members-actor-place``; the projects located there: ``members-place``), so the figure
    and the list it links to agree; a country counts its territories, as its listings do. With them, the map of
    the projects (or, with none here, the actors) by place, this one highlighted."""
    from tsc_graph.namespaces import DCTERMS, TSC

    from .queries import select_many

    actors, projects = select_many([
        ("members-actor-place", {"value": uri}),
        ("members-place", {"class": TSC + "Project", "property": DCTERMS + "spatial", "value": uri})])
    rows = [{"title": str(title), "count": len(found), "href": url_for("portal.listing", key=key, place=uri)}
            for key, title, found in (("actors", _l("Actors working here"), actors),
                                      ("projects", _l("Projects here"), projects)) if found]
    if not rows:
        return None
    from . import placemap

    return {"rows": rows, "map": placemap.for_place(uri, bool(projects))}


PANELS: dict[str, Callable[[str, set[str]], dict | None]] = {"matches": matches, "place": place}
