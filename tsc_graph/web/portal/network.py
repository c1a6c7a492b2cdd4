"""The network page (``/network``): the national clearing-house nodes this node knows, how fresh and how sound its
copy of each harvested node is, what came from each, and the recent changes of this node, for people.

Machines read the same facts at ``/api/network`` (the shared named query ``network-nodes``) and ``/changes``
(the change feed, tsc_graph/web/network.py). What came from a node is browsed with the listings' node facet
(``/offers?node=…``), whose counts are the ones shown here.
"""
from __future__ import annotations

import unicodedata
from datetime import datetime, timezone

from flask import url_for
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from . import i18n
from .contributions import contributions
from .labels import labels_of, name
from .objects import link
from .queries import select
from .sections import ILLUSTRATIVE, SECTIONS

#: Changes of this node shown on the page (the feed has them all, paged, for machines).
CHANGES_SHOWN = 15

#: The change feed's kinds (tsc_graph.changes.KINDS) as people read them.
CHANGE_KINDS = {
    "load": _l("Publication"), "upload": _l("Publication"), "approval": _l("Submission approved"),
    "withdrawal": _l("Withdrawal"), "harvest": _l("Harvest"), "drop": _l("Data removed"),
    "detected": _l("Change detected"),
}

#: This node's named graphs (ontology/, tsc_graph/reference/, data/demo/) in words; any other holds its records, named
#: after the listing they belong to when the file says so.
GRAPH_WORDS = {
    "tsc": _l("The ontology"), "annotations": _l("The ontology"), "cbd": _l("The articles of the Convention"),
    "gbf": _l("The Global Biodiversity Framework"), "countries": _l("The countries and territories"),
    "chm-thesaurus": _l("The CBD thesaurus"), "schemes": _l("The lists of themes, types and statuses"),
    "demo": _l("Demonstration records"),
}

def when(value: str | float | None) -> str | None:
    """An ISO date-time or epoch seconds → the visitor's locale (« 26 nov. 2025, 15:22 UTC »)."""
    if value is None or value == "":
        return None
    try:
        moment = (datetime.fromtimestamp(value, timezone.utc) if isinstance(value, (int, float))
                  else datetime.fromisoformat(str(value).replace("Z", "+00:00")))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return format_datetime(moment, "medium") + " UTC"


def _int(row: dict, key: str) -> int | None:
    try:
        return int(row[key]["value"]) if key in row else None
    except ValueError:
        return None


def _web(url: str | None) -> str | None:
    """A URL shown as a link: http(s) only (a ``javascript:`` or ``file:`` value is not shown at all)."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def nodes() -> list[dict]:
    """The registry's nodes (this node first) with their harvest figures and links to what came from them."""
    rows = select("network-nodes")
    per_node = contributions()
    countries, _n = labels_of({r["country"]["value"] for r in rows if "country" in r})
    out = []
    for r in rows:
        v = {k: t["value"] for k, t in r.items()}
        iri = v["node"]
        country = name(v["country"], countries) if "country" in v else None
        label = (i18n.pick({lang: v[f"label_{lang}"] for lang in ("fr", "en") if f"label_{lang}" in v})
                 or country or v["name"])  # a CHM site known from a public source is named after its country
        harvested = "last_harvest" in v
        out.append({
            "iri": iri, "href": link(iri), "name": v["name"], "label": label,
            "country": country,
            "this_node": v.get("this_node") == "true", "demonstration": v.get("demonstration") == "true",
            "no_linked_data": v.get("no_linked_data") == "true",
            "languages": sorted((i18n.language_label(t) for t in v.get("languages", "").split()), key=sort_key),
            "sources": [u for u in v.get("sources", "").split() if _web(u)], "read_on": v.get("read_on"),
            "illustrative": v.get("evidence") == ILLUSTRATIVE,
            "endpoint": _web(v.get("endpoint")), "dump": _web(v.get("dump")), "local_dump": v.get("local_dump"),
            "homepage": _web(v.get("homepage")),
            "contact": {"name": v.get("contact_name"), "email": (v.get("contact_email") or "").removeprefix("mailto:")}
            if v.get("contact_name") or v.get("contact_email") else None,
            "harvest": {
                "when": when(v.get("last_harvest")), "iso": v.get("last_harvest"), "triples": _int(r, "triples"),
                "conforms": v.get("conforms") == "true" if "conforms" in v else None,
                "violations": _int(r, "violations"), "harvests": _int(r, "harvests"),
                "local": v.get("source", "").startswith("file:"),
            } if harvested else None,
            "browse": per_node.get(iri, []),
        })
    return out


def sort_key(text: str) -> str:
    """Alphabetical order as readers expect it (« Égypte » with the E's)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def changes() -> tuple[list[dict], int]:
    """The latest changes of this node, newest first, in words (and how many the feed holds)."""
    from ..network import feed

    f = feed()
    if f is None:
        return [], 0
    last = f.last_seq()
    recent = list(reversed(f.between(max(1, last - CHANGES_SHOWN + 1), last)))
    harvest_nodes = {r["graph"]["value"]: r for r in select("network-nodes") if "graph" in r}
    objects = {c.object for c in recent if c.object_type != "http://www.w3.org/ns/sparql-service-description#NamedGraph"}
    labels, _n = labels_of(objects)
    out = []
    for c in recent:
        entry = {"seq": c.seq, "when": when(c.time), "iso": datetime.fromtimestamp(c.time, timezone.utc).isoformat(),
                 "kind": str(CHANGE_KINDS.get(c.kind, c.kind)), "triples": c.triples, "href": None,
                 "what": "", "url": url_for("network.change", seq=c.seq)}
        node = harvest_nodes.get(c.graph)
        if node is not None:
            entry["what"] = i18n.pick({lang: node[f"label_{lang}"]["value"] for lang in ("fr", "en")
                                      if f"label_{lang}" in node}) or node["name"]["value"]
            entry["href"] = link(node["node"]["value"])
        elif c.object in labels:
            entry["what"] = name(c.object, labels)
            entry["href"] = link(c.object, held=True)
        else:  # one of this node's named graphs, in words (graph/chm-thesaurus → « the CBD thesaurus »)
            entry["what"] = _graph_words(c.graph or c.object)
        out.append(entry)
    return out, f.count()


def _graph_words(iri: str) -> str:
    """What one of this node's named graphs holds, as a visitor would say it: graphs are named after the files
    they were loaded from (``{base}graph/{file stem}``, tsc_graph.store.GraphNamer), which means nothing to them."""
    stem = iri.rstrip("/").rsplit("/graph/", 1)[-1]
    if stem in GRAPH_WORDS:
        return str(GRAPH_WORDS[stem])
    section = SECTIONS.get(stem.split("-", 1)[0])  # data/fr/projects.ttl → « Projets », actors-more → « Acteurs »
    return str(section.title) if section else str(_l("Records of this node"))


def build() -> dict:
    listed = nodes()
    recent, total = changes()
    sites = sorted((n for n in listed if n["no_linked_data"]), key=lambda n: sort_key(n["label"]))
    return {
        "nodes": [n for n in listed if not n["no_linked_data"]], "sites": sites,
        "harvested": [n for n in listed if n["harvest"]],
        "changes": recent, "changes_total": total,
        "api": url_for("network.network", lang=i18n.current()), "feed": url_for("network.changes"),
    }
