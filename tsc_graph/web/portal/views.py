"""Routes of the portal: the home page, the listings of ``sections.SECTIONS``, the GBF and Convention overviews,
and the HTML document of every resource (the page ``/id/…`` and ``/vocab/…`` URIs redirect browsers to).
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from tsc_graph import describe as described
from tsc_graph.iri import is_web_address
from tsc_graph.namespaces import DCTERMS as DCT
from tsc_graph.namespaces import RDFS, SCHEMA, TSC

from .. import store_access, uris
from ..errors import ApiError
from . import biobridge, i18n, links, listing, network, objects, placemap
from .gbf import structure
from .labels import labels_of, name
from .queries import select, select_many
from .sections import SECTIONS, nav_sections

bp = Blueprint("portal", __name__, template_folder="templates")

NODE_PATH = "id/node"
#: Old ``/browse/<kind>`` lists → the portal's listings and overviews.
BROWSE = {"actors": "actors", "projects": "projects", "commitments": "commitments", "offers": "offers",
          "requests": "requests", "partnerships": "partnerships", "targets": "/gbf", "articles": "/cbd"}


def html(template: str, status: int = 200, **context) -> Response:
    resp = Response(render_template(template, **context), status, content_type="text/html; charset=utf-8")
    resp.headers["Vary"] = "Accept, Accept-Language, Cookie"
    resp.headers["Content-Language"] = i18n.current()
    return resp


# --- what every page's layout needs ---------------------------------------------------------------------------
def node_info() -> dict:
    """The node's own description (``{TSC_BASE_URI}id/node``, data/fr/about.ttl): name, country, figures."""
    base = store_access.settings().base_uri
    base = base if base.endswith("/") else base + "/"
    iri = base + NODE_PATH
    raw = objects.Raw(select("object-out", {"resource": iri}))
    info = {"iri": iri, "href": links.link(iri) if raw.values else None,
            "name": i18n.pick(raw.literals(DCT + "title")) or i18n.pick(raw.literals(RDFS + "label")) or "tsc-graph",
            "description": i18n.pick(raw.literals(DCT + "description")), "homepage": None, "parts": []}
    homepage = raw.iris("http://xmlns.com/foaf/0.1/homepage")
    info["homepage"] = homepage[0] if homepage else None
    for part in raw.iris(SCHEMA + "hasPart"):
        sub = objects.Raw(select("object-out", {"resource": part}))
        count = next(iter(sub.literals(SCHEMA + "numberOfItems").values()), None)
        if count is not None:
            # the figure's « source » link: the page that publishes it, else the figure's own page here
            sources = [h for h in map(uris.href, sub.iris(DCT + "source")) if h]
            info["parts"].append({"label": i18n.pick(sub.literals(RDFS + "label")), "count": count,
                                  "href": sources[0] if sources else links.link(part)})
    return info


@bp.app_context_processor
def layout() -> dict:
    lang = i18n.current()
    try:
        node = node_info()
    except Exception:  # noqa: BLE001 - an error page must render even when the store cannot answer
        node = {"name": "tsc-graph", "href": None, "parts": [], "description": None, "homepage": None}
    return {"lang": lang, "dir": i18n.direction(lang), "languages": i18n.switch_links(), "node": node,
            "nav": nav_sections(), "href": uris.href,
            "unreviewed_translation": i18n.unreviewed(lang)}


# --- pages ------------------------------------------------------------------------------------------------------
@bp.route("/")
def home():
    counts_rows, instruments = select_many([("home-counts", None), ("instruments", None)])
    counts = {r["kind"]["value"]: int(r["n"]["value"]) for r in counts_rows}
    # this node and the nodes it has harvested, whose records are here (not the CHM sites without linked data)
    counts["nodes"] = counts.get("nodes", 0) + 1
    gbf = structure()
    chart = [{"number": t.number, "label": name(t.iri, gbf.labels), "count": t.counts.get("projects", 0),
              "href": links.link(t.iri), "filter": url_for("portal.listing", key="projects", target=t.iri)}
             for t in gbf.targets.values()]
    return html("portal/home.html", counts=counts, chart=chart, gaps=[c for c in chart if not c["count"]],
                instruments=_instrument_links(instruments), projects_map=placemap.projects_by_place())


def _instrument_links(rows: list[dict]) -> list[dict]:
    """Articles 16, 17, 18 (and 18's paragraphs), the protocols and Decision 15/8, for the home page and /cbd."""
    seen: dict[str, dict] = {}
    for row in rows:
        iri = row["concept"]["value"]
        entry = seen.setdefault(iri, {"iri": iri, "class": row["class"]["value"], "notation": "", "broader": None,
                                      "projects": 0})
        if "notation" in row:
            entry["notation"] = row["notation"]["value"]
        if "broader" in row:
            entry["broader"] = row["broader"]["value"]
        if "projects" in row:
            entry["projects"] = int(row["projects"]["value"])
    labels, _n = labels_of(seen)
    for e in seen.values():
        e["label"] = name(e["iri"], labels)
        e["href"] = objects.link(e["iri"])
    return sorted(seen.values(), key=lambda e: (_instrument_rank(e), _natural(e["notation"])))


def _instrument_rank(e: dict) -> int:
    return {TSC + "Convention": 0, TSC + "CBDArticle": 1, TSC + "Protocol": 2, TSC + "Decision": 3}.get(e["class"], 4)


def _natural(notation: str) -> tuple:
    import re

    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", notation))


@bp.route("/<any({}):key>".format(",".join(SECTIONS)), endpoint="listing")
def listing_page(key: str):
    section = SECTIONS[key]
    return html("portal/listing.html", **listing.build(section))


@bp.route("/bio-bridge", endpoint="biobridge")
def biobridge_page():
    return html("portal/biobridge.html", **biobridge.build())


@bp.route("/network", endpoint="network")
def network_page():
    return html("portal/network.html", **network.build())


@bp.route("/resource")
def held_resource():
    """The page of a resource this node holds but does not publish (a harvested node's record): ``?uri=IRI``;
    ``&format=ttl|nt|jsonld|rdf`` gives the same description as RDF. A URI of this node redirects to its page."""
    from .. import conneg

    uri = request.args.get("uri", "").strip()
    if not is_web_address(uri):
        raise ApiError(400, _("Give the address (URI) of a resource: /resource?uri=https://…"), localized=True)
    local = uris.uri_to_path(uri)
    if local is not None:
        return redirect(local, code=301)
    if not described.exists(store_access.store(), uri, **store_access.limits()):
        raise ApiError(404, _("This node holds nothing about this resource."), localized=True)
    ext = request.args.get("format", "html")
    fmt = conneg.DOC_EXTENSIONS.get(ext)
    if fmt is None:
        raise ApiError(400, _("Unknown format “%(format)s”: use ttl, nt, jsonld or rdf.", format=ext[:20]),
                       localized=True)
    if fmt != "html":
        from tsc_graph.formats import RDF_FORMATS

        return Response(described.describe(store_access.store(), uri, fmt, **store_access.limits()), 200, content_type=RDF_FORMATS[fmt].content_type)
    return html("portal/object.html", **objects.build(uri, None))


@bp.route("/gbf")
def gbf_overview():
    gbf = structure()
    groups = [{"section": s, "label": name(s, gbf.labels), "href": objects.link(s), "targets": gbf.members(s)}
              for s in gbf.sections]
    loose = [t for t in gbf.targets.values() if not t.sections]
    if loose:
        groups.append({"section": None, "label": _("Targets") if groups else None, "href": None, "targets": loose})
    return html("portal/gbf.html", gbf=gbf, groups=groups, name=lambda iri: name(iri, gbf.labels),
                doc=objects.link)


@bp.route("/cbd")
def cbd_overview():
    return html("portal/cbd.html", instruments=_instrument_links(select("instruments")))


@bp.route("/browse/<kind>")
def browse(kind: str):
    target = BROWSE.get(kind)
    if target is None:
        abort(404, description=_("There is no list named “%(kind)s”.", kind=kind))
    return redirect(target if target.startswith("/") else url_for("portal.listing", key=target), code=301)


def resource_page(target: uris.Target, doc_path: str) -> Response:
    """The HTML document of a resource: its portal page (its ``.ttl``/``.jsonld``… siblings are one click away).
    The ontology's own page is tsc_graph/web/ontology_doc.py's."""
    return html("portal/object.html", **objects.build(target.uri, doc_path))
