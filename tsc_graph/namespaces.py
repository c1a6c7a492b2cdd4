"""The namespaces of docs/conventions.md, in one place so code and data cannot drift apart."""
from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

TSC = Namespace("https://w3id.org/tsc-graph/ontology#")
TSCV = Namespace("https://w3id.org/tsc-graph/vocab/")
ONTOLOGY_IRI = "https://w3id.org/tsc-graph/ontology"
SCHEMA = Namespace("https://schema.org/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SH = Namespace("http://www.w3.org/ns/shacl#")

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
