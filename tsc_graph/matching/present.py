"""Offers, requests and matches as plain dicts and CSV rows, in the reader's language.

One representation for the JSON API (tsc_graph/web/matching.py), the CSV export, the CLI and the Bio-Bridge pages,
so they all say the same thing about a match.
"""
from __future__ import annotations

from ..demo import is_demo_graph
from .catalog import OFFER, Catalog, Item
from .engine import Match
from .explain import explain, label, language_name


def _term(catalog: Catalog, iri: str, lang: str) -> dict:
    out = {"id": iri, "label": label(catalog, iri, lang)}
    if iri in catalog.target_numbers:
        out["number"] = catalog.target_numbers[iri]
    return out


def node_dict(catalog: Catalog, name: str | None, lang: str) -> dict | None:
    """The node an item comes from (None: this node), labelled from the registry when it is registered."""
    if name is None:
        return None
    info = catalog.nodes.get(name)
    if info is None:
        return {"name": name, "label": name, "registered": False, "demonstration": False}
    return {"name": name, "label": label(catalog, info.iri, lang, {info.iri: info.labels}) if info.labels else name,
            "registered": True, "demonstration": info.demonstration, "id": info.iri}


def item_dict(item: Item, catalog: Catalog, lang: str) -> dict:
    """An offer or request: what it is about, who makes it, which node it comes from."""
    actor = item.actor
    return {
        "id": item.iri,
        "kind": item.kind,
        "label": label(catalog, item.iri, lang, {item.iri: item.labels}),
        ("provider" if item.kind == OFFER else "requester"): None if actor is None else {
            "id": actor, "label": label(catalog, actor, lang, catalog.actor_labels)},
        "node": node_dict(catalog, item.node, lang),
        "graph": item.graph,
        "support_types": [_term(catalog, s, lang) for s in sorted(item.supports)],
        "targets": sorted((_term(catalog, t, lang) for t in item.targets), key=lambda d: (d.get("number", 99), d["id"])),
        "themes": [_term(catalog, t, lang) for t in sorted(item.themes)],
        "languages": [{"code": c, "label": language_name(c, lang)} for c in sorted(item.languages)],
        "countries": [_term(catalog, c, lang) for c in sorted(catalog.places(item))],
        "start": item.start.isoformat() if item.start else None,
        "end": item.end.isoformat() if item.end else None,
        # demonstration data (this node's data/demo, or a demonstration node's records): never to be cited
        "demonstration": is_demonstration(item, catalog),
    }


def is_demonstration(item: Item, catalog: Catalog) -> bool:
    info = catalog.nodes.get(item.node) if item.node else None
    return is_demo_graph(item.graph) or bool(info and info.demonstration)


def match_dict(match: Match, catalog: Catalog, lang: str, rank: int | None = None) -> dict:
    """One match: score, points per criterion, what is shared (with labels), both sides, the explanation."""
    out = {"rank": rank} if rank is not None else {}
    out.update({
        "score": match.score,
        "points": match.points(),
        "explanation": explain(match, catalog, lang),
        "shared": {
            "support_types": [_term(catalog, s, lang) for s in match.supports],
            "targets": [_term(catalog, t, lang) for t in match.targets],
            "themes": [_term(catalog, t, lang) for t in match.themes],
            "languages": [{"code": c, "label": language_name(c, lang)} for c in match.languages],
            "countries_served": [_term(catalog, c, lang) for c in match.countries],
            "dates": match.dates,
        },
        "offer": item_dict(match.offer, catalog, lang),
        "request": item_dict(match.request, catalog, lang),
    })
    return out


CSV_COLUMNS = ["rank", "score", "offer", "offer_label", "provider", "provider_label", "offer_node", "request",
               "request_label", "requester", "requester_label", "request_node", "shared_support_types",
               "shared_targets", "shared_themes", "shared_languages", "countries_served", "dates", "explanation",
               "demonstration"]


#: What makes a spreadsheet read a cell as a formula (or, tab and carriage return, shift it into one): OWASP's list.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: object) -> object:
    """A text cell that a spreadsheet would run as a formula, prefixed with a single quote (OWASP "CSV Injection").

    Labels come from harvested nodes, so anyone running a node chooses them: ``=HYPERLINK("https://…")`` in an offer's
    title must reach the curator who opens the export as text, not as a link or a command. Numbers stay numbers.
    """
    return "'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell


def csv_row(match: Match, catalog: Catalog, lang: str, rank: int) -> list:
    """One CSV line (columns :data:`CSV_COLUMNS`); lists are joined with " | "; every text is
    :func:`spreadsheet_safe`."""
    o, r = match.offer, match.request

    def labels(iris, table=None):
        return " | ".join(label(catalog, i, lang, table) for i in iris)

    return [spreadsheet_safe(cell) for cell in (
        rank, match.score,
        o.iri, label(catalog, o.iri, lang, {o.iri: o.labels}), o.actor or "",
        label(catalog, o.actor, lang, catalog.actor_labels) if o.actor else "", o.node or "",
        r.iri, label(catalog, r.iri, lang, {r.iri: r.labels}), r.actor or "",
        label(catalog, r.actor, lang, catalog.actor_labels) if r.actor else "", r.node or "",
        labels(match.supports), labels(match.targets), labels(match.themes),
        " | ".join(language_name(c, lang) for c in match.languages), labels(match.countries), match.dates,
        explain(match, catalog, lang),
        "yes" if is_demonstration(o, catalog) or is_demonstration(r, catalog) else "no",
    )]
