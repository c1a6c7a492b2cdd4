"""Dereferenceable URIs, following "Cool URIs for the Semantic Web" (W3C note) with **303 See Other**.

A resource URI names a thing (an organisation, a GBF target), not a document, so ``GET /id/actor/ofb``
answers ``303 See Other`` to the document that describes it in the negotiated format:
``/id/actor/ofb.html`` for browsers, ``.ttl`` / ``.nt`` / ``.jsonld`` / ``.rdf`` for RDF clients.
Documents answer 200 whatever the Accept header (the extension decides), with ``Link`` headers to the
other formats (``rel="alternate"``) and to the resource they describe (``rel="describes"``, RFC 6892).
Which paths map to which canonical URIs is the ``URI_SPACES`` table (see :mod:`tsc_graph.web.uris`).
"""
from __future__ import annotations

from contextlib import nullcontext

from flask import Blueprint, Response, redirect, render_template, request

from tsc_graph import describe as described
from tsc_graph.formats import RDF_FORMATS

from . import conneg, ontology_doc, store_access, uris
from .errors import ApiError, error_response

bp = Blueprint("resources", __name__)


def exists(target: uris.Target) -> bool:
    """The ontology (a URI space with a ``namespace``) is described by its file, whatever the store holds;
    anything else by the store (:func:`tsc_graph.describe.exists`)."""
    if target.namespace:
        return ontology_doc.available()
    return described.exists(store_access.store(), target.uri, **store_access.limits())


def describe(target: uris.Target, fmt: str) -> bytes:
    if target.namespace:
        return ontology_doc.serialise(fmt)
    return described.describe(store_access.store(), target.uri, fmt, **store_access.limits())


def _alternates(doc_path: str, target: uris.Target) -> str:
    links = [f'<{target.uri}>; rel="describes"']
    for ext, fmt in conneg.DOC_EXTENSIONS.items():
        media = "text/html" if fmt == "html" else RDF_FORMATS[fmt].media_type
        links.append(f'<{doc_path}.{ext}>; rel="alternate"; type="{media}"')
    return ", ".join(links)


def _not_found(path: str, fmt: str | None = None) -> Response:
    return error_response(404, f"nothing is published at {path} on this server", rdf_format=fmt)


@bp.route("/<path:path>", methods=["GET"])
def dereference(path: str):
    full = "/" + path
    target = uris.path_to_target(full)
    if target is not None and exists(target):
        fmt = conneg.resource_format()
        if fmt is None:
            raise ApiError(406, "this resource is described in HTML, Turtle, N-Triples, JSON-LD and RDF/XML; "
                                "the Accept header allows none of them")
        resp = redirect(f"{request.script_root}{full}.{conneg.EXTENSION_OF[fmt]}", code=303)
        resp.headers["Vary"] = "Accept"
        return resp
    stem, dot, ext = full.rpartition(".")
    if dot and ext in conneg.DOC_EXTENSIONS and "/" not in ext:
        doc_target = uris.path_to_target(stem)
        fmt = conneg.DOC_EXTENSIONS[ext]
        if doc_target is None or not exists(doc_target):
            return _not_found(full, fmt)
        return document(stem, doc_target, fmt)
    return _not_found(full)


def ontology_page(stem: str) -> Response:
    """The ontology's documentation: headings in the page's language, the terms' text in the language of the page if
    the ontology is documented in it (fr, en), else in the node's first such language, else English.

    ``?lang=fr`` or ``?lang=en`` shows that documentation, in a page of that language, on a node whose visitors
    pick other languages too: every node ships the ontology documented in both (the "other version" link)."""
    from flask_babel import force_locale

    from .portal import i18n

    asked = request.args.get("lang")
    forced = asked if asked in ontology_doc.LANGUAGES and asked not in i18n.languages() else None
    with force_locale(forced) if forced else nullcontext():
        page_lang = i18n.current()
        lang = next((x for x in (page_lang, *i18n.languages()) if x in ontology_doc.LANGUAGES), "en")
        other = [{"lang": x, "name": i18n.language_name(x)} for x in ontology_doc.LANGUAGES if x != lang]
        downloads = [(ext, RDF_FORMATS[fmt].media_type) for ext, fmt in conneg.DOC_EXTENSIONS.items() if fmt != "html"]
        html = render_template("ontology.html", doc=ontology_doc.documentation(lang), downloads=downloads,
                               other_versions=other, doc_path=f"{request.script_root}{stem}")
    resp = Response(html, 200, content_type="text/html; charset=utf-8")
    resp.headers["Vary"] = "Accept, Accept-Language"
    resp.headers["Content-Language"] = page_lang
    return resp


def document(stem: str, target: uris.Target, fmt: str) -> Response:
    if fmt == "html" and target.namespace:
        resp = ontology_page(stem)
    elif fmt == "html":
        from .portal.views import resource_page

        resp = resource_page(target, stem)
    else:
        resp = Response(describe(target, fmt), 200, content_type=RDF_FORMATS[fmt].content_type)
    resp.headers["Link"] = _alternates(f"{request.script_root}{stem}", target)
    return resp
