"""HTML for people: home page, browse lists and resource pages, in French or English (Accept-Language).

Labels and values come from the data, which other nodes contribute: Jinja autoescaping is on for every
template, and only http(s)/mailto URIs or local paths are ever put in an ``href`` (see ``uris.href``).
"""
from __future__ import annotations

from collections import OrderedDict

from flask import Blueprint, Response, abort, render_template, request

from tsc_graph.namespaces import PREFIXES, TSC

from . import conneg, store_access, uris

bp = Blueprint("pages", __name__)

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABELS = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel")

#: Browse lists: URL slug → (class IRI, English title, French title).
BROWSE: dict[str, tuple[str, str, str]] = OrderedDict(
    actors=(str(TSC.Actor), "Actors", "Acteurs"),
    projects=(str(TSC.Project), "Projects", "Projets"),
    commitments=(str(TSC.Commitment), "Commitments", "Engagements"),
    offers=(str(TSC.CooperationOffer), "Cooperation offers", "Offres de coopération"),
    requests=(str(TSC.CooperationRequest), "Cooperation requests", "Demandes de coopération"),
    partnerships=(str(TSC.Partnership), "Partnerships", "Partenariats"),
    targets=(str(TSC.GBFTarget), "GBF targets", "Cibles du CMB"),
    articles=(str(TSC.CBDArticle), "CBD articles", "Articles de la CDB"),
    countries=(str(TSC.Country), "Countries", "Pays"),
)


@bp.app_template_global()
def href(uri: str) -> str | None:
    return uris.href(uri)


@bp.app_template_global()
def qname(uri: str) -> str:
    """``tsc:Actor`` for known namespaces, else the URI: a readable fallback when there is no label."""
    for prefix, ns in PREFIXES.items():
        if uri.startswith(ns) and len(uri) > len(ns):
            return f"{prefix}:{uri[len(ns):]}"
    return uri


def pick_label(candidates: list[dict], lang: str) -> str | None:
    """The label in the reader's language, else English, else French, else any."""
    by_lang: dict[str, str] = {}
    for c in candidates:
        by_lang.setdefault(c.get("xml:lang", ""), c["value"])
    for key in (lang, "en", "fr", ""):
        if key in by_lang:
            return by_lang[key]
    return next(iter(by_lang.values()), None)


def _html(template: str, status: int = 200, **context) -> Response:
    resp = Response(render_template(template, lang=conneg.preferred_language(), **context), status,
                    content_type="text/html; charset=utf-8")
    resp.headers["Vary"] = "Accept, Accept-Language"
    return resp


@bp.route("/")
def home():
    return _html("home.html", browse=BROWSE, base_uri=store_access.settings().base_uri)


@bp.route("/browse/<kind>")
def browse(kind: str):
    if kind not in BROWSE:
        abort(404, description=f"no list named {kind!r}; known: {', '.join(BROWSE)}")
    cls, en, fr = BROWSE[kind]
    lang = conneg.preferred_language()
    grouped: dict[str, list[dict]] = OrderedDict()
    for row in store_access.select("browse-class", **{"class": cls}):
        labels = grouped.setdefault(row["resource"]["value"], [])
        if "label" in row:
            labels.append(row["label"])
    items = sorted(((pick_label(labels, lang) or qname(uri), uri) for uri, labels in grouped.items()),
                   key=lambda t: t[0].lower())
    return _html("browse.html", title=fr if lang == "fr" else en, items=items, cls=cls)


def _term(t: dict, labels: list[dict] | None, lang: str) -> dict:
    """A value for the template: kind (uri/literal/bnode), text to show, link target."""
    if t["type"] == "uri":
        label = pick_label(labels or [], lang)
        return {"kind": "uri", "value": t["value"], "text": label or qname(t["value"]), "href": href(t["value"])}
    if t["type"] == "bnode":
        return {"kind": "bnode", "value": t["value"], "text": "", "href": None}
    return {"kind": "literal", "value": t["value"], "text": t["value"], "lang": t.get("xml:lang"),
            "datatype": qname(t["datatype"]) if t.get("datatype") else None}


def resource_page(target: uris.Target, doc_path: str) -> Response:
    """The HTML document of a resource: label, properties (with links), inbound links, alternates."""
    lang = conneg.preferred_language()
    rows = store_access.select("resource-properties", resource=target.uri)
    props: dict[str, dict] = OrderedDict()
    for row in rows:
        p, o = row["p"]["value"], row["o"]
        entry = props.setdefault(p, {"labels": [], "values": OrderedDict()})
        if "pLabel" in row and row["pLabel"] not in entry["labels"]:
            entry["labels"].append(row["pLabel"])
        key = (o["type"], o["value"], o.get("xml:lang"), o.get("datatype"))
        value = entry["values"].setdefault(key, {"term": o, "labels": [], "sub": []})
        if "oLabel" in row and row["oLabel"] not in value["labels"]:
            value["labels"].append(row["oLabel"])
        if "bp" in row:
            pair = (row["bp"]["value"], row["bo"]["value"])
            if pair not in [(a, b["value"]) for a, b in value["sub"]]:
                value["sub"].append((row["bp"]["value"], _term(row["bo"], None, lang)))
    labels = [v["term"] for p in LABELS if p in props for v in props[p]["values"].values()]
    title = pick_label(labels, lang) or qname(target.uri)
    properties = []
    for p, entry in props.items():
        values = [dict(_term(v["term"], v["labels"], lang), sub=[(qname(a), b) for a, b in v["sub"]])
                  for v in entry["values"].values()]
        values.sort(key=lambda v: (v.get("lang") not in (lang, None), v["text"].lower()))
        properties.append({"uri": p, "label": pick_label(entry["labels"], lang) or qname(p), "href": href(p),
                           "values": values})
    properties.sort(key=lambda e: (e["uri"] != RDF_TYPE, e["uri"] not in LABELS, e["label"].lower()))
    inbound_rows = store_access.select("resource-inbound", resource=target.uri)
    inbound: dict[tuple[str, str], dict] = OrderedDict()
    for row in inbound_rows:
        key = (row["p"]["value"], row["s"]["value"])
        item = inbound.setdefault(key, {"p": [], "s": []})
        for name, bucket in (("pLabel", "p"), ("sLabel", "s")):
            if name in row and row[name] not in item[bucket]:
                item[bucket].append(row[name])
    incoming = [{"p": pick_label(v["p"], lang) or qname(p), "s": pick_label(v["s"], lang) or qname(s),
                 "href": href(s)} for (p, s), v in inbound.items()]
    alternates = [(ext, fmt) for ext, fmt in conneg.DOC_EXTENSIONS.items() if fmt != "html"]
    return _html("resource.html", title=title, uri=target.uri, properties=properties, incoming=incoming,
                 doc_path=f"{request.script_root}{doc_path}", alternates=alternates)

