"""The dataset description (VoID + DCAT) at ``/.well-known/void`` (RFC 5785 / VoID §6) and the dumps.

Counts come from named queries (``tsc_graph/sparql/void-*.rq``). Dumps are produced by the store's own exporter
and cached on disk, keyed by the store's shape (graphs and their sizes): a write that changes the
content changes the key, so a dump is regenerated at most once per change and then served as a file.
"""
from __future__ import annotations

import atexit
import gzip
import hashlib
import json
import os
import shutil
import tempfile
import threading
from pathlib import Path

from flask import Blueprint, Response, current_app, send_file, url_for
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from tsc_graph import __version__
from tsc_graph.demo import demo_graphs, export_published
from tsc_graph.formats import RDF_FORMATS
from tsc_graph.namespaces import PREFIXES, VOID

from . import conneg, store_access
from .errors import ApiError
from .sparql import RDFLIB_FORMAT

bp = Blueprint("dataset", __name__)

#: Dump file name → (store export format, Content-Type, gzip-compressed?).
DUMPS = {
    "tsc-graph.ttl": ("turtle", RDF_FORMATS["turtle"].content_type, False),
    "tsc-graph.nt.gz": ("ntriples", "application/gzip", True),
}
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
_lock = threading.Lock()


def _store_key() -> str:
    """Changes with every write: the store's version token, or (a store that cannot tell) its graphs' sizes."""
    store = store_access.store()
    version = store.version()
    if version is not None:
        return version.token[:16]
    shape = [(g, store.count(g)) for g in store.graphs()] + [("*", store.count())]
    return hashlib.sha256(json.dumps(shape).encode()).hexdigest()[:16]


def _dump_dir() -> Path:
    configured = current_app.config.get("DUMP_DIR")
    if configured:
        Path(configured).mkdir(parents=True, exist_ok=True)
        return Path(configured)
    d = current_app.extensions.get("tsc_dump_dir")
    if d is None:
        d = Path(tempfile.mkdtemp(prefix="tsc-graph-dumps-"))
        atexit.register(shutil.rmtree, d, True)
        current_app.extensions["tsc_dump_dir"] = d
    return d


def dump_file(name: str) -> Path:
    """The cached dump for the current store content, exported on first use."""
    fmt, _, compressed = DUMPS[name]
    directory = _dump_dir()
    path = directory / f"{_store_key()}-{name}"
    with _lock:
        if not path.exists():
            for old in directory.glob(f"*-{name}"):
                old.unlink(missing_ok=True)
            tmp = directory / f".{path.name}.{os.getpid()}.tmp"
            with (gzip.open(tmp, "wb") if compressed else open(tmp, "wb")) as out:
                export_published(store_access.store(), out, fmt)  # never the demonstration graph
            os.replace(tmp, path)
    return path


@bp.route("/dumps/<name>")
def dump(name: str):
    if name not in DUMPS:
        raise ApiError(404, f"no dump named {name!r}; available: {', '.join(DUMPS)}")
    _, content_type, _ = DUMPS[name]
    # validators from the store's version, so they survive a restart (and a regenerated file): a harvesting peer
    # sending If-None-Match / If-Modified-Since gets 304 while nothing changed
    version = store_access.store().version()
    resp = send_file(dump_file(name), mimetype=content_type, as_attachment=True, download_name=name,
                     conditional=True, etag=f"{version.token}-{name}" if version else True, max_age=0,
                     last_modified=version.modified if version else None)
    resp.headers["Content-Type"] = content_type
    resp.headers["Cache-Control"] = "no-cache"
    return resp


def _one_row(name: str) -> dict[str, int]:
    rows = store_access.select(name)
    return {k: int(v["value"]) for k, v in rows[0].items()} if rows else {}


def _namespace(uri: str) -> str | None:
    for sep in ("#", "/"):
        if sep in uri:
            ns = uri[: uri.rindex(sep) + 1]
            if ns not in ("http://", "https://"):
                return ns
    return None


def void_graph() -> Graph:
    settings = store_access.settings()
    g = Graph()
    for prefix in ("void", "dcterms", "dcat", "foaf", "xsd"):
        g.bind(prefix, PREFIXES.get(prefix, {"foaf": str(FOAF)}.get(prefix)))
    ds = URIRef(url_for("dataset.void", _external=True) + "#dataset")
    sparql_url = URIRef(url_for("sparql.endpoint", _external=True))
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal("tsc-graph: technical and scientific cooperation (CBD)", lang="en")))
    g.add((ds, DCTERMS.title, Literal("tsc-graph : coopération technique et scientifique (CDB)", lang="fr")))
    g.add((ds, DCTERMS.description, Literal(
        "Linked data of a national clearing-house node of the Convention on Biological Diversity: actors, projects, "
        "commitments, cooperation offers and requests, partnerships, and their links to the Kunming-Montreal "
        "Global Biodiversity Framework and to the articles of the Convention.", lang="en")))
    g.add((ds, DCTERMS.description, Literal(
        "Données liées d'un nœud national du centre d'échange de la Convention sur la diversité biologique : acteurs, "
        "projets, engagements, offres et demandes de coopération, partenariats, et leurs liens au Cadre mondial de la "
        "biodiversité de Kunming-Montréal et aux articles de la Convention.", lang="fr")))
    g.add((ds, DCTERMS.license, URIRef(LICENSE)))
    g.add((ds, DCTERMS.hasVersion, Literal(__version__)))
    g.add((ds, FOAF.homepage, URIRef(url_for("portal.home", _external=True))))
    g.add((ds, VOID.sparqlEndpoint, sparql_url))
    g.add((ds, VOID.uriSpace, Literal(settings.base_uri.rstrip("/") + "/id/")))
    g.add((ds, VOID.rootResource, URIRef("https://w3id.org/tsc-graph/ontology")))
    stats = _one_row("void-stats")
    entities = _one_row("void-entities")
    for key, prop in (("triples", VOID.triples), ("distinctSubjects", VOID.distinctSubjects),
                      ("distinctObjects", VOID.distinctObjects), ("properties", VOID.properties)):
        if key in stats:
            g.add((ds, prop, Literal(stats[key], datatype=XSD.integer)))
    for key, prop in (("entities", VOID.entities), ("classes", VOID.classes)):
        if key in entities:
            g.add((ds, prop, Literal(entities[key], datatype=XSD.integer)))
    for row in store_access.select("void-class-partitions"):
        part = BNode()
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(row["class"]["value"])))
        g.add((part, VOID.entities, Literal(int(row["entities"]["value"]), datatype=XSD.integer)))
    vocabularies = {_namespace(r["term"]["value"]) for r in store_access.select("void-properties")}
    for ns in sorted(v for v in vocabularies if v):
        g.add((ds, VOID.vocabulary, URIRef(ns)))
    for graph in demo_graphs(store_access.store().graphs()):  # loaded on purpose (DEMO=1): say what it is
        demo = URIRef(str(ds) + "-demonstration")
        g.add((ds, VOID.subset, demo))
        g.add((demo, RDF.type, VOID.Dataset))
        g.add((demo, DCTERMS.title, Literal("Données de démonstration (illustratives)", lang="fr")))
        g.add((demo, DCTERMS.title, Literal("Demonstration data (illustrative)", lang="en")))
        g.add((demo, DCTERMS.description, Literal(
            f"Illustrative records in graph {graph}, loaded to show the portal: not facts of this node, left out of "
            "the dumps, the exports and what peers harvest.", lang="en")))
        g.add((demo, VOID.triples, Literal(store_access.store().count(graph), datatype=XSD.integer)))
    service = URIRef(str(sparql_url) + "#service")
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCAT.endpointURL, sparql_url))
    g.add((service, DCAT.endpointDescription, sparql_url))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((service, DCAT.servesDataset, ds))
    g.add((ds, DCAT.accessService, service))
    for name, (fmt, content_type, compressed) in DUMPS.items():
        url = URIRef(url_for("dataset.dump", name=name, _external=True))
        g.add((ds, VOID.dataDump, url))
        dist = URIRef(str(url) + "#distribution")
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{RDF_FORMATS[fmt].media_type}")))
        if compressed:
            g.add((dist, DCAT.compressFormat, URIRef("https://www.iana.org/assignments/media-types/application/gzip")))
        g.add((dist, DCTERMS.license, URIRef(LICENSE)))
        g.add((dist, DCTERMS.title, Literal(f"{RDF_FORMATS[fmt].name} dump" + (" (gzip)" if compressed else ""), lang="en")))
    return g


@bp.route("/.well-known/void")
def void():
    fmt = conneg.resource_format()
    if fmt is None:
        raise ApiError(406, "the dataset description is available as Turtle, N-Triples, JSON-LD and RDF/XML")
    if fmt == "html":
        fmt = "turtle"  # browsers get Turtle (text): the home page is the human-readable description
    resp = Response(void_graph().serialize(format=RDFLIB_FORMAT[fmt]), 200,
                    content_type="text/plain; charset=utf-8" if conneg.wants_html() else RDF_FORMATS[fmt].content_type)
    resp.headers["Vary"] = "Accept"
    return resp
