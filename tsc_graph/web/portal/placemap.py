"""The map of a listing's places (issue #24): how many items each country or territory has, as a table that
``static/js/map.js`` also draws on a world map (vendored d3-geo and Natural Earth boundaries, simplified to the
map's scale in ``static/map/world.json`` by tools/make_map_places.py: no tile server).

The figures are the rows of the listing's own place facet query (``facet-place.rq``, ``facet-actor-place.rq``),
so a shape, its row in the table and the filtered listing it links to give the same number. The table is the
map's accessible alternative and its only source: the script reads the rows (code, count, link, name).
"""
from __future__ import annotations

import re
from collections.abc import Callable

from flask import url_for
from flask_babel import ngettext

from tsc_graph.namespaces import DCTERMS, TSC

from .collation import sort_key
from .labels import capitalised, labels_of, name
from .queries import select

COUNTRY = "https://w3id.org/tsc-graph/vocab/country/"
_CODE = re.compile(r"[A-Z]{2}")
#: The listings that show a map, and their place facet.
SECTIONS = {"projects": "place", "actors": "place"}


def accessible_name(section: str, place: str, n: int) -> str:
    """« La Réunion : 6 projets »: what a screen reader says for a shape, and its tooltip."""
    if section == "actors":
        return ngettext("%(place)s: %(num)s actor", "%(place)s: %(num)s actors", n, place=place)
    return ngettext("%(place)s: %(num)s project", "%(place)s: %(num)s projects", n, place=place)


def build(section: str, rows: list[dict], href: Callable[[str], str], current: str | None = None) -> dict | None:
    """The map of ``section`` (projects | actors) from a place facet's rows (value, n), each place linking to
    ``href(value)``; ``current``, a place's IRI, is highlighted (its page). None when no place has an item."""
    rows = [r for r in rows if r["value"]["value"].startswith(COUNTRY)]
    if not rows:
        return None
    labels, _n = labels_of({r["value"]["value"] for r in rows})
    places = []
    for r in rows:
        iri, n = r["value"]["value"], int(r["n"]["value"])
        code = iri[len(COUNTRY):]
        label = capitalised(name(iri, labels))
        places.append({"iri": iri, "code": code if _CODE.fullmatch(code) else "", "label": label, "count": n,
                       "href": href(iri), "name": accessible_name(section, label, n)})
    places.sort(key=lambda p: (-p["count"], sort_key(p["label"])))
    shown = next((p["code"] for p in places if p["iri"] == current), "")
    return {"section": section, "places": places, "current": shown,
            "topology": url_for("static", filename="map/world.json"),
            "codes": url_for("static", filename="map/places.json")}


def projects_by_place(current: str | None = None) -> dict | None:
    """Projects per country or territory, linking to the projects listing (home page, place pages)."""
    rows = select("facet-place", {"class": TSC + "Project", "property": DCTERMS + "spatial"})
    return build("projects", rows, lambda iri: url_for("portal.listing", key="projects", place=iri), current)


def actors_by_place(current: str | None = None) -> dict | None:
    """Actors per country or territory where they work, linking to the actors listing (place pages)."""
    rows = select("facet-actor-place", {})
    return build("actors", rows, lambda iri: url_for("portal.listing", key="actors", place=iri), current)


def for_place(iri: str, has_projects: bool) -> dict | None:
    """A place page's map: where the projects are (where the actors work, for a place with no project), the
    place highlighted; None when the place cannot be drawn (not a country or territory of the vocabulary)."""
    m = (projects_by_place if has_projects else actors_by_place)(iri)
    return m if m and m["current"] else None
