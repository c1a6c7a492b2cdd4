"""The namespaces of docs/conventions.md, in one place so code and data cannot drift apart.

Each is an rdflib :class:`~rdflib.Namespace`, which is a ``str``: ``TSC + "Project"`` is the IRI as text (what
SPARQL text and query results hold, and what compares equal to them), ``TSC.Project`` / ``TSC["Project"]`` a
``URIRef`` for rdflib graphs. (rdflib's own ``DCTERMS``, ``RDFS``… are not strings: ``RDFS + "label"`` there is
a ``URIRef``, which never equals the text of the same IRI.)
"""
from __future__ import annotations

from rdflib import Namespace

TSC = Namespace("https://w3id.org/tsc-graph/ontology#")
TSCV = Namespace("https://w3id.org/tsc-graph/vocab/")
ONTOLOGY_IRI = "https://w3id.org/tsc-graph/ontology"
#: Sub-vocabularies of TSCV: countries, CHM code lists, evidence levels.
TSCV_COUNTRY = Namespace(TSCV + "country/")
TSCV_CHM = Namespace(TSCV + "chm/")
TSCV_EVIDENCE = Namespace(TSCV + "evidence/")

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
ORG = Namespace("http://www.w3.org/ns/org#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
PROV = Namespace("http://www.w3.org/ns/prov#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SKOSXL = Namespace("http://www.w3.org/2008/05/skos-xl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SCHEMA = Namespace("https://schema.org/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SH = Namespace("http://www.w3.org/ns/shacl#")

#: rdf:type as text (the predicate most code compares against).
RDF_TYPE = RDF + "type"

DEFAULT_BASE_URI = "https://fr.chm-cbd.net/tsc/"

#: Prefixes used for Turtle output and for named queries.
PREFIXES: dict[str, str] = {
    "tsc": str(TSC),
    "tscv": str(TSCV),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "foaf": str(FOAF),
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcat": str(DCAT),
    "vcard": str(VCARD),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "sh": str(SH),
    "void": str(VOID),
}
