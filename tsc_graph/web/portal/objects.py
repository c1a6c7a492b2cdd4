"""The object engine: the HTML page of one resource, cut into the field groups of its class's
:class:`~tsc_graph.web.portal.sections.Profile` (a project: who, where and when, budget, what it implements…).

Two queries give the raw material (``object-out.rq``: what the resource says; ``object-in.rq`` and
``object-in-counts.rq``: what points at it, for the inverse fields of the profile). Properties the profile does
not place are shown in a last group with their labels, so nothing published is hidden, and nothing is shown as
an IRI: values are named by their labels, headings by the ontology's and ``tsc_graph/ontology/annotations.ttl``'s labels.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import request, url_for
from flask_babel import gettext as _

from tsc_graph.namespaces import DCTERMS as DCT
from tsc_graph.namespaces import OWL, RDF_TYPE, RDFS, SCHEMA, SKOS, SKOSXL, TSC, TSCV_EVIDENCE, VCARD

from .. import uris
from . import i18n
from .formatting import as_date, as_money
from .labels import Labels, capitalised, humanize, labels_of, name, short
from .links import link
from .queries import select, select_many
from .sections import GENERIC, ILLUSTRATIVE, SECTIONS, Field, profile_for

#: Never shown as fields: names (the title), typing and bookkeeping the page says otherwise. SKOS-XL label nodes
#: only say where each name comes from (docs/conventions.md, "Sources in reference data"): the names themselves
#: are the title and skos:altLabel, the sources are in the data.
HIDDEN = {RDF_TYPE, RDFS + "label", SKOS + "prefLabel", DCT + "title", TSC + "evidence", RDFS + "comment",
          SKOS + "inScheme", SKOS + "topConceptOf", RDFS + "isDefinedBy", SCHEMA + "currency", TSC + "targetNumber",
          OWL + "sameAs", SKOSXL + "prefLabel", SKOSXL + "altLabel", SKOSXL + "hiddenLabel",
          # the node registry's bookkeeping (the network page shows it in words)
          TSC + "harvestGraph", TSC + "localDump", TSC + "nodeName", TSC + "thisNode", TSC + "demonstrationNode",
          # provenance, shown in words in the page's provenance note and beside the values it qualifies
          TSC + "classification", TSC + "checkedOn",
          # thesaurus plumbing: codes and alignments (a theme's exactMatch to a CBD subject) mean nothing to a
          # visitor; they stay in the page's RDF documents for machines
          SKOS + "notation", SKOS + "exactMatch"}
#: Links a record's curators may assign (tsc:classification) rather than read in a source.
CLASSIFIABLE = {TSC + "contributesTo", TSC + "implementsArticle"}
OBJECT_IN_CAP = 3000  # LIMIT of object-in.rq
INLINE_LIMIT = 12  # inverse lists longer than this show the first ones and link to the filtered listing


@dataclass
class Value:
    text: str
    href: str | None = None
    lang: str | None = None  # set when the text is not in the page's language
    role: str = ""
    empty: bool = False  # the profile's words for "no value" (« Aucun projet pour le moment »)
    short: str | None = None  # chips of numbered titles (« Cible 6 »); the full text goes in the tooltip
    sub: list[tuple[str, "Value"]] = field(default_factory=list)  # a contact point's name, e-mail…
    illustrative: bool = False  # a flag whose source is illustrative data (shown beside it)
    note: str | None = None  # said beside the value: « classé par le centre d'échange », « consultée le … »

    def __post_init__(self) -> None:
        if self.lang is None:  # a label picked in another language than the page's declares it in the HTML
            self.lang = i18n.declared_language(self.text)


@dataclass
class FieldView:
    field: Field
    title: str
    values: list[Value]
    count: int = 0
    more_url: str | None = None


@dataclass
class GroupView:
    title: str | None
    id: str
    fields: list[FieldView]
    panel: str = ""  # a part computed by code (panels.PANELS); its data in ``data``
    data: dict | None = None


def _literal_lang(term: dict) -> str | None:
    lang = term.get("xml:lang")
    return lang if lang and lang != i18n.current() else None


class Raw:
    """What the store says about the resource, indexed by property."""

    def __init__(self, rows: list[dict]):
        self.values: dict[str, dict[str, dict]] = {}
        for row in rows:
            p, term = row["property"]["value"], row["value"]
            entry = self.values.setdefault(p, {}).setdefault(
                term["value"], {"term": term, "labels": {}, "types": set(), "sub": {}, "subs": {}, "read": None})
            if "read" in row:
                entry["read"] = row["read"]["value"]
            if "label" in row:
                entry["labels"].setdefault(row["label"].get("xml:lang", ""), row["label"]["value"])
            if "type" in row:
                entry["types"].add(row["type"]["value"])
            if "bp" in row:
                entry["sub"].setdefault(row["bp"]["value"], row["bo"])
                entry["subs"].setdefault(row["bp"]["value"], set()).add(row["bo"]["value"])

    def iris(self, p: str) -> list[str]:
        return [v for v, e in self.values.get(p, {}).items() if e["term"]["type"] == "uri"]

    def classified(self) -> set[str]:
        """The targets and articles the node's curators assigned (tsc:classification), not stated by a source."""
        return {c for e in self.values.get(TSC + "classification", {}).values()
                for c in e["subs"].get(TSC + "classifiedAs", ())}

    def literals(self, p: str) -> dict[str, str]:
        return {e["term"].get("xml:lang", ""): e["term"]["value"] for e in self.values.get(p, {}).values()
                if e["term"]["type"] == "literal"}


def build(uri: str, doc_path: str | None) -> dict:
    """The page of ``uri``: ``doc_path`` is its document's path here (``/id/actor/ofb``), None for a harvested
    copy of another node's resource (its data then comes from ``/resource?uri=…&format=…``)."""
    raw = Raw(select("object-out", {"resource": uri}))
    types = set(raw.iris(RDF_TYPE))
    profile = profile_for(types)
    fields = [f for g in profile.groups for f in g.fields] + list(profile.summary)
    inverse = [f for f in fields if f.inverse]
    in_rows: list[dict] = []
    counts: dict[tuple[str, str], int] = {}
    calls = [("cards-node", {"item": [uri]})]
    if inverse:
        props = sorted({f.property for f in inverse})
        listed = sorted({f.property for f in inverse if f.display != "count"})
        calls.append(("object-in-counts", {"resource": uri, "property": props}))
        if listed:
            calls.append(("object-in", {"resource": uri, "property": listed}))
    answers = select_many(calls)
    origin_rows = answers[0]
    if inverse:
        for row in answers[1]:
            counts[(row["property"]["value"], row["class"]["value"])] = int(row["n"]["value"])
        in_rows = answers[2] if len(answers) > 2 else []
    shown_props = set(raw.values) - HIDDEN - set(profile.hidden)
    terms, _n = labels_of(shown_props | {f.property for f in fields} | types)

    title = (i18n.pick(raw.literals(SKOS + "prefLabel")) or i18n.pick(raw.literals(RDFS + "label"))
             or i18n.pick(raw.literals(DCT + "title")) or humanize(uri))
    placed: set[str] = set()
    summary = [fv for f in profile.summary if (fv := _field(f, raw, in_rows, counts, terms, uri)).values]
    groups = []
    for g in profile.groups:
        if g.panel:
            from .panels import PANELS

            data = PANELS[g.panel](uri, types)
            if data:
                groups.append(GroupView(str(g.title) if g.title else None, g.id, [], g.panel, data))
            continue
        views = []
        for f in g.fields:
            if not f.inverse:
                placed.add(f.property)
            fv = _field(f, raw, in_rows, counts, terms, uri)
            if fv.values or fv.count:
                views.append(fv)
        if views:
            groups.append(GroupView(str(g.title) if g.title else None, g.id, views))
    placed |= {f.property for f in profile.summary if not f.inverse}
    rest = [_field(Field(p, "auto"), raw, in_rows, counts, terms, uri) for p in sorted(shown_props - placed)]
    rest = [fv for fv in rest if fv.values]
    if rest:
        rest.sort(key=lambda fv: fv.title.casefold())
        groups.append(GroupView(_("Other information"), "other", rest))

    illustrative = ILLUSTRATIVE in raw.values.get(TSC + "evidence", {})
    provenance = _provenance(raw)
    if provenance and provenance["kind"] == "declared":  # when a curator approved it: the moderation log says
        rows = select("approval", {"resource": uri})
        when = rows[0].get("approved", {}).get("value") if rows else None
        provenance["approved"] = as_date(when[:10]) if when else None
    kinds = [(capitalised(name(t, terms)), uris.href(t)) for t in sorted(types) if t in terms]
    context = {
        "title": title, "uri": uri, "kinds": kinds, "summary": summary, "groups": groups,
        "illustrative": illustrative, "note": i18n.pick(raw.literals(RDFS + "comment")), "provenance": provenance,
        "data_links": data_links(uri, doc_path), "origin": origin(origin_rows),
        "profile": profile, "neighbours": None, "types": types,
    }
    if profile.special == "target":
        from .gbf import structure

        gbf = structure()
        prev, nxt = gbf.neighbours(uri)
        context["neighbours"] = [(label, c, name(c.iri, gbf.labels), link(c.iri)) for label, c in
                                 ((_("Previous target"), prev), (_("Next target"), nxt)) if c]
    if profile is GENERIC and not groups and not summary:
        context["empty"] = True
    return context


#: The RDF formats of the "Data" box: (extension, format name, media type, what people call it).
DATA_FORMATS = (("ttl", "turtle", "text/turtle", "Turtle"), ("nt", "ntriples", "application/n-triples", "N-Triples"),
                ("jsonld", "jsonld", "application/ld+json", "JSON-LD"), ("rdf", "rdfxml", "application/rdf+xml", "RDF/XML"))


def data_links(uri: str, doc_path: str | None) -> list[dict]:
    """The page's facts as RDF: its documents (``/id/actor/ofb.ttl``…), or for a harvested copy the same
    description served by ``/resource?uri=…&format=…``."""
    out = []
    for ext, fmt, media, label in DATA_FORMATS:
        href = (f"{request.script_root}{doc_path}.{ext}" if doc_path is not None
                else url_for("portal.held_resource", uri=uri, format=ext))
        out.append({"ext": ext, "format": fmt, "type": media, "label": label, "href": href})
    return out


def origin(rows: list[dict]) -> dict | None:
    """The harvested node a resource's description comes from (``cards-node.rq`` rows), None for this node's."""
    if not rows:
        return None
    labels = {r["label"].get("xml:lang", ""): r["label"]["value"] for r in rows if "label" in r}
    node = rows[0]["node"]["value"]
    return {"node": node, "label": i18n.pick(labels) or humanize(node), "href": link(node),
            "demonstration": any(r.get("demonstration", {}).get("value") == "true" for r in rows)}


def _provenance(raw: Raw) -> dict | None:
    """Where the page's facts come from, in words: read in public sources (how many, last checked when), or
    declared by the record's lead and approved by a curator; None for illustrative data (its banner says so)."""
    evidence = set(raw.values.get(TSC + "evidence", {}))
    checked = next(iter(raw.values.get(TSC + "checkedOn", {})), None)
    if TSCV_EVIDENCE + "public-source" in evidence:
        sources = raw.iris(DCT + "source")
        return {"kind": "public-source", "sources": len(sources), "checked": as_date(checked) if checked else None,
                "classified": bool(raw.classified())}
    if TSCV_EVIDENCE + "declared" in evidence:
        return {"kind": "declared"}
    return None


def _field(f: Field, raw: Raw, in_rows: list[dict], counts: dict, terms: Labels, uri: str) -> FieldView:
    title = str(f.title) if f.title else capitalised(name(f.property, terms))
    if f.inverse:
        return _inverse(f, title, in_rows, counts, uri)
    entries = list(raw.values.get(f.property, {}).values())
    display = f.display
    if display == "auto":
        display = "text" if entries and all(e["term"]["type"] == "literal" and e["term"].get("xml:lang") for e in entries) else "links"
        if f.property in (DCT + "source", "http://xmlns.com/foaf/0.1/homepage"):
            display = "url"
    values: list[Value] = []
    if display == "text":
        literals = {e["term"].get("xml:lang", ""): e["term"] for e in entries if e["term"]["type"] == "literal"}
        picked = i18n.pick({k: v["value"] for k, v in literals.items()})
        if picked is not None:
            lang = next((k for k, v in literals.items() if v["value"] == picked), "")
            values.append(Value(picked, lang=lang if lang and lang != i18n.current() else None))
    elif display == "date":
        values = [Value(as_date(e["term"]["value"])) for e in entries]
    elif display == "money":
        currency = next(iter(raw.literals(SCHEMA + "currency").values()), None)
        values = [Value(as_money(e["term"]["value"], currency)) for e in entries]
    elif display == "languages":
        # each language by its own name (« Français », "English"), declared in that language
        values = [Value(i18n.language_name(e["term"]["value"]), lang=e["term"]["value"]) for e in entries]
    elif display == "contact":
        for e in entries:
            sub = e["sub"]
            fn = sub.get(VCARD + "fn", {}).get("value", "")
            mail = sub.get(VCARD + "hasEmail", {}).get("value", "")
            v = Value(fn or mail.removeprefix("mailto:"))
            if mail:
                v.sub.append((_("E-mail"), Value(mail.removeprefix("mailto:"), uris.href(mail))))
            values.append(v)
    elif display == "url":  # a resource described here by its name, a web page by its address
        values = [Value(i18n.pick(e["labels"]) or e["term"]["value"].removeprefix("https://").removeprefix("http://").rstrip("/"),
                        link(e["term"]["value"]),
                        note=_("read on %(date)s", date=as_date(e["read"])) if e["read"] else None)
                  for e in entries if e["term"]["type"] == "uri"]
    else:  # links, chips
        for e in entries:
            term = e["term"]
            if term["type"] == "uri":
                text = i18n.pick(e["labels"]) or i18n.pick(terms.get(term["value"])) or humanize(term["value"])
                held = bool(e["labels"] or e["types"])
                if display == "chips":
                    values.append(Value(capitalised(text), link(term["value"], held), short=short(text)))
                else:
                    values.append(Value(text, link(term["value"], held)))
            elif term["type"] == "literal":
                values.append(Value(term["value"], lang=_literal_lang(term)))
        values.sort(key=lambda v: _collate(v.text))
        if f.property in CLASSIFIABLE:
            classified = raw.classified()
            by_href = {link(e["term"]["value"], bool(e["labels"] or e["types"])): e["term"]["value"] for e in entries
                       if e["term"]["type"] == "uri"}
            for v in values:
                if by_href.get(v.href) in classified:
                    v.note = _("classified by the clearing-house")
    if f.role:
        for v in values:
            v.role = capitalised(name(f.property, terms))
    if not values and f.empty:
        values = [Value(str(f.empty), empty=True)]
    return FieldView(f, title, values)


def _collate(text: str):
    from .collation import sort_key

    return sort_key(text)


def _inverse(f: Field, title: str, in_rows: list[dict], counts: dict, uri: str) -> FieldView:
    classes = set(f.classes)
    count = sum(n for (p, c), n in counts.items() if p == f.property and (not classes or c in classes))
    more = None
    if f.listing and f.listing[0] in SECTIONS:
        more = url_for("portal.listing", key=f.listing[0], **{f.listing[1]: uri})
    if f.display == "count":
        return FieldView(f, title, [], count, more)
    subjects: dict[str, dict] = {}
    for row in in_rows:
        if row["property"]["value"] != f.property:
            continue
        entry = subjects.setdefault(row["subject"]["value"], {"classes": set(), "labels": {}, "evidence": set()})
        entry["classes"].add(row["class"]["value"])
        if "label" in row:
            entry["labels"].setdefault(row["label"].get("xml:lang", ""), row["label"]["value"])
        if "evidence" in row:
            entry["evidence"].add(row["evidence"]["value"])
    kept = {s: e for s, e in subjects.items() if not classes or e["classes"] & classes}
    if f.display == "flag":  # one badge saying so (and whether what says so is illustrative)
        if not kept:
            return FieldView(f, title, [])
        flag = Value(title, url_for(f.link) if f.link else None)
        flag.illustrative = all(ILLUSTRATIVE in e["evidence"] for e in kept.values())
        return FieldView(f, title, [flag], len(kept))
    values = [Value(i18n.pick(e["labels"]) or humanize(s), link(s, held=True)) for s, e in kept.items()]
    values.sort(key=lambda v: _collate(v.text))
    if len(in_rows) < OBJECT_IN_CAP:  # every subject is here: count them (a subject may have several classes)
        count = len(values)
    if len(values) <= INLINE_LIMIT:
        more = None
    return FieldView(f, title, values[:INLINE_LIMIT], count, more)
