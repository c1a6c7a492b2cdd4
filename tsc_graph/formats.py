"""RDF and SPARQL-results formats: names, media types, file extensions and Oxigraph enums.

One table drives the CLI options, the HTTP content negotiation and the store's serialisers,
so a format supported in one place is supported everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import QueryResultsFormat, RdfFormat


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    extension: str
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        """Media type with charset, as sent in Content-Type (all our formats are UTF-8 text)."""
        return f"{self.media_type}; charset=utf-8"


RDF_FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("turtle", "text/turtle", "ttl", ("application/x-turtle",)),
        Format("ntriples", "application/n-triples", "nt", ("text/plain",)),
        Format("jsonld", "application/ld+json", "jsonld", ("application/json",)),
        Format("rdfxml", "application/rdf+xml", "rdf", ("application/xml", "text/xml")),
        Format("nquads", "application/n-quads", "nq"),
        Format("trig", "application/trig", "trig"),
    )
}

RESULTS_FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("json", "application/sparql-results+json", "srj", ("application/json",)),
        Format("xml", "application/sparql-results+xml", "srx", ("application/xml", "text/xml")),
        Format("csv", "text/csv", "csv"),
        Format("tsv", "text/tab-separated-values", "tsv"),
    )
}

OXIGRAPH_RDF = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
    "nquads": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
}
OXIGRAPH_RESULTS = {
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
}

#: Formats whose content is a dataset (quads), not a single graph.
QUAD_FORMATS = {"nquads", "trig"}


def quads_not_loadable(name: str, fmt: str) -> str:
    """Why a dataset file is refused by ``load`` (each file fills one graph), and the commands that do work."""
    return (f"{name}: {fmt} holds named graphs, and `tsc-graph load` puts each file into one graph (Turtle, "
            "N-Triples, JSON-LD or RDF/XML): put each graph in a file of its own (from a tsc-graph store: "
            "`tsc-graph export --graph IRI -o graph.ttl`) and load it with `tsc-graph load graph.ttl --graph IRI`; "
            "to move a whole store, use `tsc-graph backup` and `tsc-graph restore`")

_BY_EXTENSION = {
    "ttl": "turtle", "turtle": "turtle", "nt": "ntriples", "jsonld": "jsonld", "json": "jsonld",
    "rdf": "rdfxml", "owl": "rdfxml", "xml": "rdfxml", "nq": "nquads", "trig": "trig",
}


def rdf_format_for_path(path: str) -> str | None:
    """Guess an RDF format name from a file name (``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``, ``.nq``, ``.trig``)."""
    name = path.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    return _BY_EXTENSION.get(ext)


def rdf_format_for_media_type(media_type: str) -> str | None:
    mt = media_type.split(";", 1)[0].strip().lower()
    for fmt in RDF_FORMATS.values():
        if mt == fmt.media_type or mt in fmt.aliases:
            return fmt.name
    return None
