"""Faceted browsing of offers and requests: filter by support type, target, theme, country, language, node.

Facet counts follow the usual rule of faceted search: the count shown for a value of one facet is the number
of items matching every *other* active filter plus that value, so a reader sees what each click would give.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .catalog import Catalog, Item

#: Facet name → the values an item has for it. ``node`` is the harvested node's name, ``local`` for ours.
LOCAL_NODE = "local"
FACETS = ("kind", "support", "target", "theme", "country", "language", "node")


def facet_values(item: Item, catalog: Catalog) -> dict[str, Iterable[str]]:
    return {
        "kind": (item.kind,), "support": item.supports, "target": item.targets, "theme": item.themes,
        "country": catalog.places(item), "language": item.languages, "node": (item.node or LOCAL_NODE,),
    }


def browse(catalog: Catalog, filters: dict[str, set[str]]) -> tuple[list[Item], dict[str, Counter]]:
    """Items matching every filter (any of the values given for one facet), sorted by IRI; facet counts."""
    rows = [(item, facet_values(item, catalog)) for item in catalog.items.values()]

    def passes(values: dict[str, Iterable[str]], skip: str | None = None) -> bool:
        return all(name == skip or not wanted.isdisjoint(values[name]) for name, wanted in filters.items() if wanted)

    hits = sorted((item for item, values in rows if passes(values)), key=lambda i: i.iri)
    counts: dict[str, Counter] = {}
    for name in FACETS:
        c: Counter = Counter()
        for _, values in rows:
            if passes(values, skip=name):
                c.update(set(values[name]))
        counts[name] = c
    return hits, counts
