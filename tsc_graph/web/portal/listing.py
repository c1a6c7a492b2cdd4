"""The listing engine: one :class:`~tsc_graph.web.portal.sections.Section` + the request's filters → a page of cards.

1. Each chosen facet value and the search words select a set of items (``members-*.rq``, ``search.rq``); the
   listing keeps the items in every set.
2. The facets' counts are SPARQL aggregates (``facet-*.rq``) over those items (over all, without filters).
3. The items are sorted by name with French collation (the sorted list of a class is kept per store version) or
   by start date, and one page of them is shown as cards (``cards.rq``, ``cards-inverse.rq``).

Every choice is in the URL (``?type=…&place=…&q=…&sort=…&page=…``): a listing is a permalink.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import request, url_for
from flask_babel import gettext as _

from tsc_graph.iri import is_web_address
from tsc_graph.namespaces import RDF_TYPE

from .. import store_access
from ..errors import ApiError
from . import i18n, placemap
from .collation import MAX_QUERY, search_words, sort_key
from .gbf import Gbf, structure
from .labels import Labels, capitalised, labels_of, name, short
from .links import link
from .queries import cache, in_parallel, portal_queries, select, select_many
from .sections import ILLUSTRATIVE, Facet, Field, Section

MAX_VALUE = 500  # longest IRI accepted as a filter value
_CODE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{1,8})?")  # a language code as a filter value (fr, en, pt-br)
MAX_PAGE = 10_000
MAX_FACET_VALUES = 40  # values listed per facet ordered by count (the rest are reached by search or other facets)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    url: str
    selected: bool = False
    order: tuple = ()
    short: str | None = None


@dataclass
class FacetView:
    facet: Facet
    values: list[FacetValue]
    selected: FacetValue | None = None
    remove_url: str = ""

    @property
    def shown(self) -> list[FacetValue]:
        return self.values[: self.facet.shown]

    @property
    def more(self) -> list[FacetValue]:
        return self.values[self.facet.shown:]

    @property
    def visible(self) -> bool:
        """Shown when it offers a choice (``min_values``: one node only says nothing) or holds the visitor's."""
        return self.selected is not None or len(self.values) >= max(self.facet.min_values, 1)


@dataclass
class Card:
    iri: str
    href: str | None
    title: str
    fields: list[dict] = field(default_factory=list)
    illustrative: bool = False
    flags: list[dict] = field(default_factory=list)  # badges such as "Registered on Bio-Bridge"


# --- request → filters ----------------------------------------------------------------------------------------
def read_filters(section: Section) -> dict[str, str]:
    """The facet values chosen in the URL; a malformed one is a 400 in the visitor's language."""
    chosen: dict[str, str] = {}
    for facet in section.facets:
        raw = request.args.get(facet.key)
        if not raw:
            continue
        if not _acceptable(facet, raw):
            raise ApiError(400, _("Unknown value for the filter “%(name)s”.", name=facet.title), localized=True)
        chosen[facet.key] = raw
    return chosen


def _acceptable(facet: Facet, raw: str) -> bool:
    """One of the facet's fixed values when it has some (a flag), else what it accepts: an IRI or a language code."""
    if facet.values:
        return raw in {v for v, _ in facet.values}
    if facet.accepts == "code":
        return _CODE.fullmatch(raw) is not None
    return is_web_address(raw, MAX_VALUE)


def _page_number() -> int:
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or not 1 <= int(raw) <= MAX_PAGE:  # '²', 5,000 digits
        raise ApiError(400, _("The page number must be a whole number from 1 to %(n)s.", n=MAX_PAGE), localized=True)
    return int(raw)


def url_with(**changes: str | None) -> str:
    """This listing's URL with some parameters changed (None removes one); back to page 1 unless a page is given."""
    args = {k: v for k, v in request.args.items()}
    if "page" not in changes:
        args.pop("page", None)
    for k, v in changes.items():
        if v is None:
            args.pop(k, None)
        else:
            args[k] = v
    query = urlencode(sorted(args.items()))
    return f"{request.script_root}{request.path}" + (f"?{query}" if query else "")


# --- queries ---------------------------------------------------------------------------------------------------
def _params(name: str, section: Section, facet: Facet | None, chosen: dict[str, str] | None = None, **extra) -> dict:
    """Bind only what the query declares (each ``.rq`` lists its parameters); ``with`` is the value chosen in the
    facet's ``joint`` facet, if any."""
    wanted = set(portal_queries()[name].params)
    joint = (chosen or {}).get(facet.joint) if facet and facet.joint else None
    values = {"class": section.cls, "property": facet.property if facet else None, "with": joint, **extra}
    return {k: v for k, v in values.items() if k in wanted and v is not None}


def sorted_items(section: Section, lang: str) -> list[tuple[str, str, str]]:
    """(IRI, name, start date) of every item of the section's class, collated by name: kept per store version."""

    def compute():
        names: dict[str, dict[str, str]] = {}
        starts: dict[str, str] = {}
        for row in select("items", {"class": section.cls}):
            iri = row["item"]["value"]
            entry = names.setdefault(iri, {})
            if "label" in row:
                entry.setdefault(row["label"].get("xml:lang", ""), row["label"]["value"])
            if "start" in row:
                starts[iri] = min(starts.get(iri, row["start"]["value"]), row["start"]["value"])
        items = [(iri, i18n.pick(labels, lang) or iri.rsplit("/", 1)[-1], starts.get(iri, "")) for iri, labels in names.items()]
        items.sort(key=lambda t: sort_key(t[1]))
        return items

    return cache().get(store_access.store(), ("sorted", section.cls, lang), compute)


def build(section: Section) -> dict:
    """Everything the listing template needs."""
    lang = i18n.current()
    chosen = read_filters(section)
    query = request.args.get("q", "")[:MAX_QUERY].strip()
    words = search_words(query)
    sorts = {s.key: s for s in section.sorts}
    sort = sorts.get(request.args.get("sort", ""), section.sorts[0])
    page = _page_number()

    # 1. the items every chosen filter (and the search) keeps
    calls = []
    for key, value in chosen.items():
        facet = section.facet_by_key[key]
        calls.append((f"members-{facet.kind}", _params(f"members-{facet.kind}", section, facet, chosen, value=value)))
    if words and section.search:
        calls.append(("search", {"class": section.cls, **{f"q{i + 1}": w for i, w in enumerate(words)}}))
    selected: set[str] | None = None
    for rows in select_many(calls):
        items = {r["item"]["value"] for r in rows}
        selected = items if selected is None else selected & items
    restrict = None if selected is None else sorted(selected)

    # 2. facet counts over those items, and (at the same time) the sorted items and the GBF structure
    facet_calls = [(f"facet-{f.kind}", _params(f"facet-{f.kind}", section, f, chosen, item=restrict)) for f in section.facets]
    facet_rows, items, gbf = in_parallel(
        lambda: select_many(facet_calls) if restrict != [] else [[] for _ in section.facets],
        lambda: sorted_items(section, lang), structure)

    # 3. sorted, paginated items
    if selected is not None:
        items = [t for t in items if t[0] in selected]
    if sort.by == "start":
        dated = sorted((t for t in items if t[2]), key=lambda t: t[2], reverse=sort.descending)
        items = dated + [t for t in items if not t[2]]
    total = len(items)
    pages = max(1, -(-total // section.per_page))
    if page > pages and total:
        raise ApiError(404, _("There is no page %(page)s: this list has %(pages)s.", page=page, pages=pages), localized=True)
    shown = items[(page - 1) * section.per_page: page * section.per_page]

    facets = _facet_views(section, chosen, facet_rows, gbf)
    cards = _cards(section, shown)
    # the map of the place facet's figures (all its rows, not the 40 listed), a way to choose a place: not
    # shown once one is chosen (another place's figure would then count the chosen place's items)
    place_key = placemap.SECTIONS.get(section.key)
    place_map = None
    if place_key and place_key not in chosen:
        index = [f.key for f in section.facets].index(place_key)
        place_map = placemap.build(section.key, facet_rows[index], lambda iri: url_with(**{place_key: iri}))
    return {
        "section": section, "facets": facets, "cards": cards, "total": total, "page": page, "pages": pages,
        "query": query, "words": words, "sort": sort, "sorts": section.sorts,
        "page_url": lambda n: url_with(page=str(n)),
        "sort_url": lambda key: url_with(sort=key),
        "chosen": [(f, fv) for f in facets if (fv := f.selected)],
        "clear_url": f"{request.script_root}{request.path}", "place_map": place_map,
    }


def _facet_views(section: Section, chosen: dict[str, str], facet_rows: list[list[dict]], gbf: Gbf) -> list[FacetView]:
    kept: list[list[dict]] = []
    for facet, rows in zip(section.facets, facet_rows):
        if facet.order == "number":
            rows = [r for r in rows if r["value"]["value"] in gbf.targets]  # goals reached the same way: goal facet
        elif facet.key == "goal":
            rows = [r for r in rows if r["value"]["value"] in gbf.goals]
        if facet.order == "count":  # the most frequent values (a lead-actor facet can have hundreds)
            rows = sorted(rows, key=lambda r: -int(r["n"]["value"]))[:MAX_FACET_VALUES]
        kept.append(rows)
    iris = {r["value"]["value"] for rows in kept for r in rows if r["value"]["type"] == "uri"} | set(chosen.values())
    labels, _notations = labels_of(iris)
    views = []
    for facet, rows in zip(section.facets, kept):
        fixed = {v: str(t) for v, t in facet.values}
        values = []

        def label_of(v: str) -> str:
            if v in fixed:
                return fixed[v]
            return i18n.language_label(v) if facet.kind == "language" else capitalised(name(v, labels))

        for r in rows:
            v = r["value"]["value"]
            label = label_of(v)
            order: tuple
            if facet.order == "number":
                order = (gbf.targets[v].number, 0)
            elif facet.order == "label":
                order = (sort_key(label),)
            else:
                order = (-int(r["n"]["value"]), sort_key(label))
            values.append(FacetValue(v, label, int(r["n"]["value"]), url_with(**{facet.key: v}),
                                     v == chosen.get(facet.key), order, short(label)))
        values.sort(key=lambda fv: fv.order)
        view = FacetView(facet, values)
        if facet.key in chosen:
            hit = next((fv for fv in values if fv.selected), None)
            v = chosen[facet.key]
            label = label_of(v)
            view.selected = hit or FacetValue(v, label, 0, "", True, (), short(label))
            view.remove_url = url_with(**{facet.key: None})
        views.append(view)
    return views


def _cards(section: Section, shown: list[tuple[str, str, str]]) -> list[Card]:
    from .. import uris
    if not shown:
        return []
    iris = [t[0] for t in shown]
    out_fields = [f for f in section.card if not f.inverse and f.display != "node"]
    counted_fields = [f for f in section.card if f.inverse and f.display != "flag"]
    flags = [f for f in section.card if f.inverse and f.display == "flag"]
    in_fields = counted_fields + flags
    calls = [("cards", {"item": iris, "property": sorted({f.property for f in out_fields})})]
    if in_fields:
        calls.append(("cards-inverse", {"item": iris, "property": sorted({f.property for f in in_fields})}))
    with_node = any(f.display == "node" for f in section.card)
    if with_node:
        calls.append(("cards-node", {"item": iris}))
    answers = select_many(calls)
    values: dict[tuple[str, str], dict[str, dict]] = {}
    for row in answers[0]:
        key = (row["item"]["value"], row["property"]["value"])
        term = row["value"]
        entry = values.setdefault(key, {}).setdefault(term["value"], {"term": term, "labels": {}})
        if "label" in row:
            entry["labels"].setdefault(row["label"].get("xml:lang", ""), row["label"]["value"])
    inverse: dict[str, dict[str, set[str]]] = {}
    for row in answers[1] if in_fields else []:
        inverse.setdefault(row["item"]["value"], {}).setdefault(row["property"]["value"], set()).add(row["subject"]["value"])
    nodes = _nodes(answers[-1]) if with_node else {}
    term_labels, _n = labels_of({f.property for f in section.card} | {v for (_, p), vs in values.items() if p == RDF_TYPE for v in vs})
    cards = []
    for iri, title, _start in shown:
        node = nodes.get(iri)
        card = Card(iri, link(iri, held=node is not None) or uris.href(iri), title)
        counted = set()
        for f in section.card:
            if f.display == "node":
                if node:
                    card.fields.append({"field": f, "title": _field_title(f, term_labels), "node": node})
                continue
            if f.display == "flag":
                if inverse.get(iri, {}).get(f.property):
                    card.flags.append({"text": str(f.title), "href": url_for(f.link) if f.link else None})
                continue
            if f.inverse:
                counted |= inverse.get(iri, {}).get(f.property, set())
                continue
            found = values.get((iri, f.property), {})
            if f.display == "badge":
                card.illustrative = ILLUSTRATIVE in found
                continue
            items = [_card_value(v, term_labels) for v in found.values()]
            items = sorted((i for i in items if i["text"]), key=lambda i: _natural(i["text"]))
            if f.display == "chips":
                for i in items:
                    i["text"] = capitalised(i["text"])
            if f.display == "text":
                items = _in_language(found)
            if not items and f.empty:
                items = [{"text": str(f.empty), "href": None, "empty": True}]
            if items:
                card.fields.append({"field": f, "title": _field_title(f, term_labels), "values": items})
        if counted_fields:
            card.fields.append({"field": counted_fields[0], "title": str(counted_fields[0].title or ""), "count": len(counted)})
        cards.append(card)
    return cards


def _natural(text: str) -> tuple:
    """Collation key where numbers count as numbers: « Cible 3 » before « Cible 21 »."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, sort_key(part))
                 for part in re.split(r"(\d+)", text) if part)


def _nodes(rows: list[dict]) -> dict[str, dict]:
    """Item → the harvested node it comes from (label in the page's language, demonstration mark, link)."""
    found: dict[str, dict] = {}
    for row in rows:
        entry = found.setdefault(row["item"]["value"], {"iri": row["node"]["value"], "labels": {},
                                                         "demonstration": row.get("demonstration", {}).get("value") == "true"})
        if "label" in row:
            entry["labels"].setdefault(row["label"].get("xml:lang", ""), row["label"]["value"])
    return {item: {"label": i18n.pick(e["labels"]) or e["iri"].rsplit("/", 1)[-1], "href": link(e["iri"]),
                   "demonstration": e["demonstration"]} for item, e in found.items()}


def _field_title(f: Field, labels: Labels) -> str:
    return str(f.title) if f.title else capitalised(name(f.property, labels))


def _card_value(v: dict, type_labels: Labels) -> dict:
    term = v["term"]
    if term["type"] == "uri":
        text = i18n.pick(v["labels"]) or i18n.pick(type_labels.get(term["value"])) or ""
        return {"text": text, "href": link(term["value"], held=bool(v["labels"])), "iri": term["value"],
                "short": short(text)}
    return {"text": term["value"], "href": None, "lang": term.get("xml:lang")}


def _in_language(found: dict[str, dict]) -> list[dict]:
    literals = {v["term"].get("xml:lang", ""): v["term"]["value"] for v in found.values() if v["term"]["type"] == "literal"}
    text = i18n.pick(literals)
    return [{"text": text, "href": None}] if text else []
