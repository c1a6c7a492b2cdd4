"""The Bio-Bridge section's own page (``/bio-bridge``): what the initiative is, how many organisations its
platform counts (a published figure, with its source), the registration link, the actors of this node recorded
as registered, the offers, requests and shared practices with their counts, the requests with their closest
offer, and the API for machines.

Its listings (offers, requests, practices) are ordinary sections of ``sections.py``; this page is the one part
of the section that is not a listing. Figures come from ``tsc_graph/sparql/portal/bio-bridge-figures.rq`` and the shared
named query ``bio-bridge-registered-actors``; matches from the matchmaking engine's index.
"""
from __future__ import annotations

from flask import url_for

from tsc_graph.matching import REQUEST, best_possible

from . import i18n
from .labels import labels_of, name
from .links import link
from .panels import node_mark, strength
from .queries import select_many
from .sections import ILLUSTRATIVE

#: Requests shown with their closest offer on the page (the listing has them all).
REQUESTS_SHOWN = 6


def _labelled(rows: list[dict]) -> dict[str, dict]:
    """Rows of one resource per language → one entry per resource with its labels gathered."""
    out: dict[str, dict] = {}
    for row in rows:
        entry = out.setdefault(row["resource"]["value"], {"labels": {}, **{k: v["value"] for k, v in row.items()}})
        if "label" in row:
            entry["labels"][row["label"].get("xml:lang", "")] = row["label"]["value"]
    return out


def build() -> dict:
    figures, registered_rows = select_many([("bio-bridge-figures", None), ("bio-bridge-registered-actors", None)])
    counts = {r["kind"]["value"]: int(r["n"]["value"]) for r in figures if "n" in r}
    platforms = _labelled([r for r in figures if r["kind"]["value"] == "platform"])
    published = _labelled([r for r in figures if r["kind"]["value"] == "registration-count"])
    places, _n = labels_of({c["country"] for c in published.values() if "country" in c})

    platform = None
    if platforms:
        iri, p = sorted(platforms.items())[0]
        platform = {"iri": iri, "href": link(iri), "label": i18n.pick(p["labels"]) or name(iri, {}),
                    "homepage": p.get("homepage"), "registration": p.get("registration_page"),
                    "illustrative": p.get("evidence") == ILLUSTRATIVE}
    registrations = [{
        "count": int(c["organisations"]), "label": i18n.pick(c["labels"]) or "",
        "country": name(c["country"], places) if "country" in c else None, "source": c.get("source"),
        "href": link(iri), "illustrative": c.get("evidence") == ILLUSTRATIVE,
    } for iri, c in sorted(published.items())]

    actors: dict[str, dict] = {}
    for row in registered_rows:
        iri = row["actor"]["value"]
        entry = actors.setdefault(iri, {"labels": {}, "illustrative": True})
        for lang in ("fr", "en"):
            if f"label_{lang}" in row:
                entry["labels"][lang] = row[f"label_{lang}"]["value"]
        entry["illustrative"] &= row.get("evidence", {}).get("value") == ILLUSTRATIVE
    from .collation import sort_key

    registered = sorted(({"label": i18n.pick(a["labels"]) or name(iri, {}), "href": link(iri, held=True),
                          "illustrative": a["illustrative"]} for iri, a in actors.items()),
                        key=lambda a: sort_key(a["label"]))

    closest, matched_pairs = _closest_offers()
    return {
        "platform": platform, "registrations": registrations, "registered": registered,
        "registered_illustrative": bool(registered) and all(a["illustrative"] for a in registered),
        "counts": counts, "closest": closest, "pairs": matched_pairs,
        "api": [
            (url_for("matching.items", lang=i18n.current()), "/api/bio-bridge/items", "application/json"),
            (url_for("matching.matches", lang=i18n.current()), "/api/matches", "application/json"),
            (url_for("matching.matches_csv", lang=i18n.current()), "/api/matches.csv", "text/csv"),
        ],
    }


def _closest_offers() -> tuple[list[dict], int]:
    """A few requests (this node's first) with the offer closest to each; and how many pairs match in all."""
    from tsc_graph.matching.explain import label, labelled
    from tsc_graph.matching.present import node_dict

    from ..matching import cache as index_cache

    index = index_cache().get()
    catalog = index.catalog
    lang = i18n.current()
    requests = sorted((i for i in catalog.items.values() if i.kind == REQUEST),
                      key=lambda i: (i.node is not None, label(catalog, i.iri, lang, {i.iri: i.labels}).casefold()))
    rows = []
    for item in requests[:REQUESTS_SHOWN]:
        found = index.matches_for(item.iri)
        row = {"title": i18n.declare(*labelled(catalog, item.iri, lang, {item.iri: item.labels})),
               "href": link(item.iri, held=item.node is not None), "matches": len(found), "offer": None,
               "node": node_mark(node_dict(catalog, item.node, lang), catalog)}
        if found:
            top = found[0]
            level, words = strength(top.score, best_possible(top.offer, item, catalog))
            row["offer"] = {"title": i18n.declare(*labelled(catalog, top.offer.iri, lang, {top.offer.iri: top.offer.labels})),
                            "href": link(top.offer.iri, held=top.offer.node is not None),
                            "level": level, "strength": words}
        rows.append(row)
    return rows, index.count()
