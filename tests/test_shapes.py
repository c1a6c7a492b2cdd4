"""SHACL shapes, ontology and reference vocabularies (docs/conventions.md is the contract).

(a) the real ontology + reference vocabularies (+ the French node when present) conform to tsc_graph/shapes/*.ttl;
(b) every constraint of tsc_graph/shapes/*.ttl rejects a small realistic broken case (one case per constraint, each made by
    breaking ONE thing in a valid minimal graph), and the report names the expected constraint component, shape
    and focus node; a coverage test proves every (shape, constraint component) pair has a case;
(c) every constraint carries sh:message in French and English and sh:severity sh:Violation;
(d) every tsc: ontology term has rdfs:label and rdfs:comment in French and English, and the ontology mints exactly
    the terms conventions.md names;
(e) the GBF scheme has 4 goals and 23 targets GBF-TARGET-01..23; the CBD scheme has articles 16, 17, 18 (…);
    countries and SKOS type schemes are complete.

Helpers live in this module on purpose (tests/conftest.py belongs to another part of the suite).
"""
from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR, SHAPES_DIR
from tsc_graph.namespaces import DCAT, DCTERMS, FOAF, ORG, SCHEMA, SH, TSC, VCARD
from tsc_graph.namespaces import ONTOLOGY_IRI as _ONTOLOGY_IRI
from tsc_graph.namespaces import TSCV as _TSCV

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_FILE = ONTOLOGY_DIR / "tsc.ttl"
FR_DIR = ROOT / "data" / "fr"
CONVENTIONS = ROOT / "docs" / "conventions.md"

TSCV = str(_TSCV)
TSCSH = Namespace("https://w3id.org/tsc-graph/shapes#")
ONTOLOGY_IRI = URIRef(_ONTOLOGY_IRI)
NODE = "https://fr.chm-cbd.net/tsc/id/"

PREFIXES = {
    "tsc": str(TSC), "tscv": TSCV, "rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL), "xsd": str(XSD),
    "skos": str(SKOS), "dcterms": str(DCTERMS), "schema": str(SCHEMA), "org": str(ORG), "foaf": str(FOAF),
    "dcat": str(DCAT), "vcard": str(VCARD), "skosxl": "http://www.w3.org/2008/05/skos-xl#",
    "actor": NODE + "actor/", "project": NODE + "project/", "commitment": NODE + "commitment/",
    "offer": NODE + "offer/", "request": NODE + "request/", "partnership": NODE + "partnership/",
    "country": TSCV + "country/", "gbf": TSCV + "gbf/", "cbd": TSCV + "cbd/", "theme": TSCV + "theme/",
    "atype": TSCV + "actor-type/", "stype": TSCV + "support-type/", "status": TSCV + "status/",
    "evidence": TSCV + "evidence/", "prov": "http://www.w3.org/ns/prov#",
}
TTL_HEADER = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())


def u(name: str) -> URIRef:
    """'actor:mnhn' -> full IRI; '<…>' and full IRIs are accepted too."""
    if name.startswith("<"):
        return URIRef(name[1:-1])
    if re.match(r"^https?://", name):
        return URIRef(name)
    prefix, local = name.split(":", 1)
    return URIRef(PREFIXES[prefix] + local)


def parse_files(paths, into: Graph | None = None) -> Graph:
    g = into if into is not None else Graph()
    for p in paths:
        g.parse(p, format="turtle")
    return g


@lru_cache(maxsize=None)
def shapes_graph() -> Graph:
    return parse_files(sorted(SHAPES_DIR.glob("*.ttl")))


@lru_cache(maxsize=None)
def ontology_graph() -> Graph:
    return parse_files([ONTOLOGY_FILE])


@lru_cache(maxsize=None)
def reference_graph() -> Graph:
    return parse_files(sorted(REFERENCE_DIR.glob("*.ttl")))


def run_shacl(data: Graph):
    """Validate the data graph as is (ontology already inside it), the way the project does: no inference."""
    conforms, report, text = validate(
        data, shacl_graph=shapes_graph(), ont_graph=None, inference="none", advanced=True, allow_warnings=True
    )
    return conforms, report, text


def results(report: Graph) -> list[dict]:
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        out.append({
            "focus": report.value(r, SH.focusNode),
            "component": report.value(r, SH.sourceConstraintComponent),
            "shape": report.value(r, SH.sourceShape),
            "constraint": report.value(r, SH.sourceConstraint),
            "severity": report.value(r, SH.resultSeverity),
            "messages": {m.language: str(m) for m in report.objects(r, SH.resultMessage) if isinstance(m, Literal)},
        })
    return out


# ---------------------------------------------------------------------------------------------------------------
# (a) the real files conform
# ---------------------------------------------------------------------------------------------------------------

ALL_TURTLE = sorted(
    list(SHAPES_DIR.glob("*.ttl")) + [ONTOLOGY_FILE] + list(REFERENCE_DIR.glob("*.ttl")) + list(FR_DIR.glob("*.ttl"))
)


@pytest.mark.parametrize("path", ALL_TURTLE, ids=lambda p: str(p.relative_to(ROOT)))
def test_turtle_file_parses(path):
    g = Graph().parse(path, format="turtle")
    assert len(g) > 0


def test_reference_vocabularies_and_ontology_conform():
    data = Graph()
    data += ontology_graph()
    data += reference_graph()
    conforms, _, text = run_shacl(data)
    assert conforms, text


@pytest.mark.skipif(not list(FR_DIR.glob("*.ttl")), reason="no French node data yet")
def test_french_node_conforms_with_reference_and_ontology():
    data = Graph()
    data += ontology_graph()
    data += reference_graph()
    parse_files(sorted(FR_DIR.glob("*.ttl")), into=data)
    conforms, _, text = run_shacl(data)
    assert conforms, text


# ---------------------------------------------------------------------------------------------------------------
# (b) one broken case per constraint
# ---------------------------------------------------------------------------------------------------------------

#: A valid minimal graph: stubs of the reference vocabularies and one resource of each node class.
BASE_TTL = TTL_HEADER + """
# --- reference stubs ---
tscv:country a skos:ConceptScheme ; rdfs:label "Pays"@fr , "Countries"@en ;
    dcterms:source <https://example.org/reference-source> .
country:FR a tsc:Country ; skos:inScheme tscv:country ; skos:notation "FR" ;
    rdfs:label "France"@fr , "France"@en ; skos:prefLabel "France"@fr , "France"@en ;
    dcterms:source <https://example.org/reference-source> .
country:BR a tsc:Country ; skos:inScheme tscv:country ; skos:notation "BR" ;
    rdfs:label "Brésil"@fr , "Brazil"@en ; skos:prefLabel "Brésil"@fr , "Brazil"@en ;
    dcterms:source <https://example.org/reference-source> .
country:MU a tsc:Country ; skos:inScheme tscv:country ; skos:notation "MU" ;
    rdfs:label "Maurice"@fr , "Mauritius"@en ; skos:prefLabel "Maurice"@fr , "Mauritius"@en ;
    dcterms:source <https://example.org/reference-source> .
country:GP a tsc:Territory ; skos:inScheme tscv:country ; skos:notation "GP" ; tsc:territoryOf country:FR ;
    skos:broader country:FR ;
    rdfs:label "Guadeloupe"@fr , "Guadeloupe"@en ; skos:prefLabel "Guadeloupe"@fr , "Guadeloupe"@en ;
    dcterms:source <https://example.org/reference-source> .
country:RE a tsc:Territory ; skos:inScheme tscv:country ; skos:notation "RE" ; tsc:territoryOf country:FR ;
    rdfs:label "Réunion"@fr , "Réunion"@en ; skos:prefLabel "Réunion"@fr , "Réunion"@en ;
    dcterms:source <https://example.org/reference-source> .

tscv:gbf a skos:ConceptScheme ; rdfs:label "Cadre mondial de la biodiversité"@fr , "Global Biodiversity Framework"@en ;
    dcterms:source <https://example.org/reference-source> .
gbf:goal-A a tsc:GBFGoal ; skos:inScheme tscv:gbf ; skos:topConceptOf tscv:gbf ; skos:notation "GBF-GOAL-A" ;
    rdfs:label "Objectif A"@fr , "Goal A"@en ;
    skos:prefLabel "Objectif A"@fr , "Goal A"@en ;
    dcterms:source <https://example.org/reference-source> .
gbf:goal-D a tsc:GBFGoal ; skos:inScheme tscv:gbf ; skos:topConceptOf tscv:gbf ; skos:notation "GBF-GOAL-D" ;
    rdfs:label "Objectif D"@fr , "Goal D"@en ;
    skos:prefLabel "Objectif D"@fr , "Goal D"@en ;
    dcterms:source <https://example.org/reference-source> .
gbf:target-06 a tsc:GBFTarget ; skos:inScheme tscv:gbf ; skos:notation "GBF-TARGET-06" ; tsc:targetNumber 6 ;
    skos:topConceptOf tscv:gbf ; skosxl:prefLabel gbf:target-06-label-en ;
    rdfs:label "Cible 6 : Réduire l'introduction d'espèces exotiques envahissantes"@fr ,
        "Target 6: Reduce the introduction of invasive alien species by 50% and minimize their impact"@en ;
    skos:prefLabel "Cible 6 : Réduire l'introduction d'espèces exotiques envahissantes"@fr ,
        "Target 6: Reduce the introduction of invasive alien species by 50% and minimize their impact"@en ;
    dcterms:source <https://example.org/reference-source> .
gbf:target-20 a tsc:GBFTarget ; skos:inScheme tscv:gbf ; skos:notation "GBF-TARGET-20" ; tsc:targetNumber 20 ;
    skos:topConceptOf tscv:gbf ;
    rdfs:label "Cible 20 : Renforcer les capacités et la coopération"@fr ,
        "Target 20: Strengthen capacity-building, technology transfer, and scientific and technical cooperation for biodiversity"@en ;
    skos:prefLabel "Cible 20 : Renforcer les capacités et la coopération"@fr ,
        "Target 20: Strengthen capacity-building, technology transfer, and scientific and technical cooperation for biodiversity"@en ;
    dcterms:source <https://example.org/reference-source> .

tscv:cbd a skos:ConceptScheme ; rdfs:label "Convention sur la diversité biologique"@fr , "Convention on Biological Diversity"@en ;
    dcterms:source <https://example.org/reference-source> .
cbd:convention a tsc:Convention ; skos:inScheme tscv:cbd ; skos:notation "CBD" ;
    rdfs:label "Convention sur la diversité biologique"@fr , "Convention on Biological Diversity"@en ;
    skos:prefLabel "Convention sur la diversité biologique"@fr , "Convention on Biological Diversity"@en ;
    dcterms:source <https://example.org/reference-source> .
cbd:article-18 a tsc:CBDArticle ; skos:inScheme tscv:cbd ; skos:notation "CBD-ART-18" ; skos:broader cbd:convention ;
    rdfs:label "Article 18 : Coopération technique et scientifique"@fr , "Article 18: Technical and Scientific Cooperation"@en ;
    skos:prefLabel "Article 18 : Coopération technique et scientifique"@fr , "Article 18: Technical and Scientific Cooperation"@en ;
    dcterms:source <https://example.org/reference-source> .
cbd:article-18-3 a tsc:CBDArticle ; skos:inScheme tscv:cbd ; skos:notation "CBD-ART-18-3" ; skos:broader cbd:article-18 ;
    rdfs:label "Article 18, paragraphe 3 : Centre d'échange"@fr , "Article 18, paragraph 3: Clearing-house mechanism"@en ;
    skos:prefLabel "Article 18, paragraphe 3 : Centre d'échange"@fr , "Article 18, paragraph 3: Clearing-house mechanism"@en ;
    dcterms:source <https://example.org/reference-source> .
cbd:nagoya-protocol a tsc:Protocol ; skos:inScheme tscv:cbd ; skos:notation "NP" ;
    rdfs:label "Protocole de Nagoya"@fr , "Nagoya Protocol"@en ; skos:prefLabel "Protocole de Nagoya"@fr , "Nagoya Protocol"@en ;
    dcterms:source <https://example.org/reference-source> .
cbd:decision-15-8 a tsc:Decision ; skos:inScheme tscv:cbd ; skos:notation "CBD/COP/DEC/15/8" ;
    rdfs:label "Décision 15/8"@fr , "Decision 15/8"@en ; skos:prefLabel "Décision 15/8"@fr , "Decision 15/8"@en ;
    dcterms:source <https://example.org/reference-source> .

<https://w3id.org/tsc-graph/vocab/theme> a skos:ConceptScheme ; rdfs:label "Domaines thématiques"@fr , "Thematic areas"@en ;
    dcterms:source <https://example.org/reference-source> .
theme:invasive-species a skos:Concept ; skos:inScheme <https://w3id.org/tsc-graph/vocab/theme> ; skos:notation "invasive-species" ;
    rdfs:label "Espèces exotiques envahissantes"@fr , "Invasive alien species"@en ;
    skos:prefLabel "Espèces exotiques envahissantes"@fr , "Invasive alien species"@en ;
    dcterms:source <https://example.org/reference-source> .

gbf:target-06-label-en a skosxl:Label ;
    skosxl:literalForm "Target 6: Reduce the introduction of invasive alien species by 50% and minimize their impact"@en ;
    dcterms:source <https://www.cbd.int/gbf/targets/6/> .
gbf:section-1 a skos:Collection ; skos:notation "1" ;
    rdfs:label "Réduire les menaces pesant sur la biodiversité"@fr , "Reducing threats to biodiversity"@en ;
    skos:prefLabel "Réduire les menaces pesant sur la biodiversité"@fr , "Reducing threats to biodiversity"@en ;
    skos:member gbf:target-06 ;
    dcterms:source <https://www.cbd.int/doc/decisions/cop-15/cop-15-dec-04-en.pdf> .

# --- node resources ---
actor:mnhn a tsc:Actor ;
    rdfs:label "Muséum national d'Histoire naturelle"@fr , "National Museum of Natural History"@en ;
    schema:alternateName "MNHN" ;
    tsc:actorType atype:research-institute ;
    tsc:basedIn country:FR ;
    foaf:homepage <https://www.mnhn.fr/> ;
    tsc:thematicArea theme:taxonomy , theme:data-information ;
    dcterms:description "Établissement public de recherche ; il anime le centre d'échange français."@fr ;
    dcat:contactPoint <https://fr.chm-cbd.net/tsc/id/actor/mnhn#contact> ;
    tsc:evidence evidence:public-source ;
    dcterms:source <https://www.mnhn.fr/> .
<https://fr.chm-cbd.net/tsc/id/actor/mnhn#contact> a vcard:Organization ;
    vcard:fn "Centre d'échange français" ; vcard:hasEmail <mailto:chm@example.org> .
actor:jardim-botanico-rio a tsc:Actor ;
    rdfs:label "Jardim Botânico do Rio de Janeiro"@en ;
    tsc:actorType atype:research-institute ;
    tsc:basedIn country:BR ;
    tsc:evidence evidence:illustrative .
actor:parc-national-guadeloupe a tsc:Actor ;
    rdfs:label "Parc national de la Guadeloupe"@fr ;
    tsc:actorType atype:public-body ;
    tsc:basedIn country:GP ;
    tsc:evidence evidence:illustrative .

project:eee-guadeloupe a tsc:Project ;
    rdfs:label "Formation à la détection précoce des espèces exotiques envahissantes"@fr ,
        "Training in early detection of invasive alien species"@en ;
    foaf:page <https://www.guadeloupe-parcnational.fr/> ;
    tsc:leadOrganisation actor:parc-national-guadeloupe ;
    tsc:partnerOrganisation actor:mnhn ;
    tsc:funder actor:mnhn ;
    schema:startDate "2024-03-01"^^xsd:date ;
    schema:endDate "2026-02-28"^^xsd:date ;
    tsc:budget 120000.00 ;
    schema:currency "EUR" ;
    tsc:status status:ongoing ;
    dcterms:spatial country:GP ;
    tsc:contributesTo gbf:target-06 ;
    tsc:implementsArticle cbd:article-18-3 ;
    tsc:relatesToInstrument cbd:decision-15-8 ;
    tsc:thematicArea theme:invasive-species ;
    tsc:fulfils commitment:snb-eee ;
    tsc:evidence evidence:illustrative .

commitment:snb-eee a tsc:NationalCommitment ;
    rdfs:label "Renforcer la lutte contre les espèces exotiques envahissantes"@fr ;
    tsc:madeBy country:FR ;
    tsc:fulfilledBy project:eee-guadeloupe ;
    schema:startDate "2024-01-01"^^xsd:date ;
    schema:endDate "2030-12-31"^^xsd:date ;
    dcterms:spatial country:FR , country:GP ;
    tsc:contributesTo gbf:target-06 ;
    tsc:relatesToInstrument cbd:convention ;
    tsc:evidence evidence:illustrative .
commitment:chm-support a tsc:InternationalCommitment ;
    rdfs:label "Support to partner clearing-houses"@en ;
    tsc:madeBy actor:mnhn ;
    tsc:contributesTo gbf:goal-D ;
    tsc:evidence evidence:illustrative .

offer:formation-taxonomie a tsc:CooperationOffer ;
    rdfs:label "Formation en taxonomie"@fr , "Taxonomy training"@en ;
    schema:offeredBy actor:mnhn ;
    tsc:supportType stype:training , stype:expertise ;
    tsc:thematicArea theme:taxonomy ;
    tsc:targetCountry country:MU , country:RE ;
    tsc:contributesTo gbf:target-20 ;
    dcterms:language "fr"^^xsd:language , "en"^^xsd:language ;
    schema:startDate "2025-01-01"^^xsd:date ;
    schema:endDate "2026-12-31"^^xsd:date ;
    dcat:contactPoint <https://fr.chm-cbd.net/tsc/id/offer/formation-taxonomie#contact> ;
    tsc:evidence evidence:illustrative .
<https://fr.chm-cbd.net/tsc/id/offer/formation-taxonomie#contact> a vcard:Kind ;
    vcard:fn "Bio-Bridge MNHN" ; vcard:hasEmail <mailto:biobridge@example.org> .

request:maurice-eee a tsc:CooperationRequest ;
    rdfs:label "Appui à la détection des espèces envahissantes"@fr ;
    tsc:requestedBy actor:jardim-botanico-rio ;
    tsc:supportType stype:training ;
    tsc:thematicArea theme:invasive-species ;
    tsc:targetCountry country:MU ;
    tsc:contributesTo gbf:target-06 ;
    dcterms:language "fr"^^xsd:language ;
    dcat:contactPoint <https://fr.chm-cbd.net/tsc/id/request/maurice-eee#contact> ;
    tsc:evidence evidence:illustrative .
<https://fr.chm-cbd.net/tsc/id/request/maurice-eee#contact> a vcard:Individual ;
    vcard:fn "Point focal" ; vcard:hasEmail <mailto:focal@example.org> .

partnership:mnhn-jbrj a tsc:Partnership ;
    rdfs:label "Accord de coopération MNHN – JBRJ"@fr ;
    org:hasMember actor:mnhn , actor:jardim-botanico-rio ;
    schema:startDate "2023-06-01"^^xsd:date ;
    tsc:evidence evidence:illustrative .
partnership:jumelage-guadeloupe-rio a tsc:Twinning ;
    rdfs:label "Jumelage Guadeloupe – Rio"@fr ;
    org:hasMember actor:parc-national-guadeloupe , actor:jardim-botanico-rio ;
    tsc:evidence evidence:illustrative .
"""


@lru_cache(maxsize=None)
def base_graph() -> Graph:
    g = Graph().parse(data=BASE_TTL, format="turtle")
    g += ontology_graph()
    return g


def _obj(o):
    if o is None or isinstance(o, (Literal, URIRef, BNode)):
        return o
    return u(o)


class Case:
    """Break ONE thing in the valid base graph; expect (component, shape, focus) in the report."""

    def __init__(self, id, component, shape, focus, remove=(), add="", rename=None, severity="Violation"):
        self.id = id
        self.severity = SH[severity]
        self.component = SH[component + "ConstraintComponent"]
        self.shape = TSCSH[shape]
        self.focus = u(focus)
        self.remove = [(u(s), u(p), _obj(o)) for s, p, o in remove]
        self.add = add
        self.rename = (u(rename[0]), u(rename[1])) if rename else None

    def graph(self) -> Graph:
        g = Graph()
        g += base_graph()
        for s, p, o in self.remove:
            triples = list(g.triples((s, p, o)))
            assert triples, f"{self.id}: nothing to remove for {(s, p, o)}"
            for t in triples:
                g.remove(t)
        if self.rename:
            old, new = self.rename
            for s, p, o in list(g.triples((old, None, None))):
                g.remove((s, p, o))
                g.add((new, p, o))
            for s, p, o in list(g.triples((None, None, old))):
                g.remove((s, p, o))
                g.add((s, p, new))
        if self.add:
            g.parse(data=TTL_HEADER + self.add, format="turtle")
        return g


def L(text, lang=None, datatype=None):
    return Literal(text, lang=lang, datatype=datatype)


NODE_RESOURCES = {
    "ActorShape": "actor:mnhn",
    "ProjectShape": "project:eee-guadeloupe",
    "CommitmentShape": "commitment:snb-eee",
    "CooperationOfferShape": "offer:formation-taxonomie",
    "CooperationRequestShape": "request:maurice-eee",
    "PartnershipShape": "partnership:mnhn-jbrj",
}

CASES: list[Case] = []
add = CASES.append

# --- shared on every node resource: label (fr or en) and evidence ------------------------------------------------
for shape, res in {**NODE_RESOURCES, "twinning": "partnership:jumelage-guadeloupe-rio",
                   "international": "commitment:chm-support"}.items():
    add(Case(f"{shape}-no-fr-or-en-label", "QualifiedMinCount", "NodeLabelShape", res,
             remove=[(res, "rdfs:label", None)], add=f'{res} rdfs:label "Etiqueta solo en español"@es .'))
    add(Case(f"{shape}-no-evidence", "MinCount", "EvidenceShape", res, remove=[(res, "tsc:evidence", None)]))

# --- common.ttl -------------------------------------------------------------------------------------------------
add(Case("label-plain-literal", "Datatype", "LabelFormShape", "actor:mnhn", add='actor:mnhn rdfs:label "MNHN" .'))
add(Case("label-two-in-french", "UniqueLang", "LabelFormShape", "actor:mnhn",
         add='actor:mnhn rdfs:label "Le Muséum"@fr .'))
add(Case("description-plain-literal", "Datatype", "DescriptionShape", "project:eee-guadeloupe",
         add='project:eee-guadeloupe dcterms:description "Sans langue" .'))
add(Case("two-evidence-levels", "MaxCount", "EvidenceShape", "offer:formation-taxonomie",
         add="offer:formation-taxonomie tsc:evidence evidence:public-source ."))
add(Case("evidence-not-in-scheme", "In", "EvidenceShape", "partnership:mnhn-jbrj",
         remove=[("partnership:mnhn-jbrj", "tsc:evidence", None)],
         add="partnership:mnhn-jbrj tsc:evidence status:completed ."))
add(Case("source-is-literal", "NodeKind", "SourceShape", "actor:mnhn",
         remove=[("actor:mnhn", "dcterms:source", None)], add='actor:mnhn dcterms:source "https://www.mnhn.fr/" .'))
add(Case("source-not-a-web-page", "Pattern", "SourceShape", "actor:mnhn",
         remove=[("actor:mnhn", "dcterms:source", None)], add="actor:mnhn dcterms:source <file:///etc/passwd> ."))
add(Case("public-source-record-without-source", "Or", "SourcedRecordShape", "actor:mnhn",
         remove=[("actor:mnhn", "dcterms:source", None)]))
add(Case("two-homepages", "MaxCount", "HomepageShape", "actor:mnhn",
         add="actor:mnhn foaf:homepage <https://www.mnhn.fr/en> ."))
add(Case("homepage-is-literal", "NodeKind", "HomepageShape", "actor:mnhn",
         remove=[("actor:mnhn", "foaf:homepage", None)], add='actor:mnhn foaf:homepage "https://www.mnhn.fr/" .'))
add(Case("project-with-two-pages", "MaxCount", "ProjectPageShape", "project:eee-guadeloupe",
         add="project:eee-guadeloupe foaf:page <https://www.mnhn.fr/> ."))
add(Case("project-page-is-literal", "NodeKind", "ProjectPageShape", "project:eee-guadeloupe",
         remove=[("project:eee-guadeloupe", "foaf:page", None)], add='project:eee-guadeloupe foaf:page "https://www.mnhn.fr/" .'))
add(Case("project-with-homepage", "MaxCount", "ProjectNoHomepageShape", "project:eee-guadeloupe",
         add="project:eee-guadeloupe foaf:homepage <https://www.mnhn.fr/> ."))
add(Case("two-start-dates", "MaxCount", "StartDateShape", "commitment:snb-eee",
         add='commitment:snb-eee schema:startDate "2024-06-01"^^xsd:date .'))
add(Case("start-date-not-xsd-date", "Or", "StartDateShape", "offer:formation-taxonomie",
         remove=[("offer:formation-taxonomie", "schema:startDate", None)],
         add='offer:formation-taxonomie schema:startDate "2025-01-01" .'))
add(Case("project-ends-before-it-starts", "LessThanOrEquals", "StartDateShape", "project:eee-guadeloupe",
         remove=[("project:eee-guadeloupe", "schema:endDate", None)],
         add='project:eee-guadeloupe schema:endDate "2023-12-31"^^xsd:date .'))
add(Case("commitment-ends-before-it-starts", "LessThanOrEquals", "StartDateShape", "commitment:snb-eee",
         remove=[("commitment:snb-eee", "schema:startDate", None)],
         add='commitment:snb-eee schema:startDate "2031-01-01"^^xsd:date .'))
add(Case("two-end-dates", "MaxCount", "EndDateShape", "project:eee-guadeloupe",
         add='project:eee-guadeloupe schema:endDate "2026-06-30"^^xsd:date .'))
add(Case("end-date-is-datetime", "Or", "EndDateShape", "project:eee-guadeloupe",
         remove=[("project:eee-guadeloupe", "schema:endDate", None)],
         add='project:eee-guadeloupe schema:endDate "2026-02-28T00:00:00"^^xsd:dateTime .'))
add(Case("theme-not-in-scheme", "In", "ThematicAreaShape", "actor:mnhn",
         add="actor:mnhn tsc:thematicArea stype:training ."))
add(Case("offer-without-theme", "MinCount", "RequiredThematicAreaShape", "offer:formation-taxonomie",
         remove=[("offer:formation-taxonomie", "tsc:thematicArea", None)]))
add(Case("request-without-theme", "MinCount", "RequiredThematicAreaShape", "request:maurice-eee",
         remove=[("request:maurice-eee", "tsc:thematicArea", None)]))
add(Case("project-without-theme", "MinCount", "RequiredThematicAreaShape", "project:eee-guadeloupe",
         remove=[("project:eee-guadeloupe", "tsc:thematicArea", None)]))
add(Case("contributes-to-an-article", "Or", "ContributesToShape", "commitment:snb-eee",
         add="commitment:snb-eee tsc:contributesTo cbd:article-18 ."))
add(Case("spatial-is-an-actor", "Or", "SpatialShape", "commitment:snb-eee",
         add="commitment:snb-eee dcterms:spatial actor:mnhn ."))
add(Case("instrument-is-an-article", "Or", "RelatesToInstrumentShape", "project:eee-guadeloupe",
         add="project:eee-guadeloupe tsc:relatesToInstrument cbd:article-18 ."))
add(Case("offer-without-contact", "MinCount", "ContactPointExpectedShape", "offer:formation-taxonomie",
         remove=[("offer:formation-taxonomie", "dcat:contactPoint", None)], severity="Warning"))
add(Case("request-with-two-contacts", "MaxCount", "RequiredContactPointShape", "request:maurice-eee",
         add="request:maurice-eee dcat:contactPoint <https://fr.chm-cbd.net/tsc/id/actor/mnhn#contact> ."))
CONTACT = "<https://fr.chm-cbd.net/tsc/id/offer/formation-taxonomie#contact>"
add(Case("contact-not-vcard", "Or", "ContactShape", CONTACT, remove=[(CONTACT, "rdf:type", None)],
         add=f"{CONTACT} a foaf:Person ."))
add(Case("contact-without-name", "MinCount", "ContactNameShape", CONTACT, remove=[(CONTACT, "vcard:fn", None)]))
add(Case("contact-name-is-iri", "NodeKind", "ContactNameShape", CONTACT, remove=[(CONTACT, "vcard:fn", None)],
         add=f"{CONTACT} vcard:fn <https://www.mnhn.fr/> ."))
add(Case("contact-without-email", "MinCount", "ContactEmailShape", CONTACT,
         remove=[(CONTACT, "vcard:hasEmail", None)]))
add(Case("contact-email-is-literal", "NodeKind", "ContactEmailShape", CONTACT,
         remove=[(CONTACT, "vcard:hasEmail", None)], add=f'{CONTACT} vcard:hasEmail "biobridge@example.org" .'))
add(Case("contact-email-not-mailto", "Pattern", "ContactEmailShape", CONTACT,
         remove=[(CONTACT, "vcard:hasEmail", None)], add=f"{CONTACT} vcard:hasEmail <https://example.org/contact> ."))
add(Case("actor-contact-without-email", "MinCount", "ContactEmailShape",
         "<https://fr.chm-cbd.net/tsc/id/actor/mnhn#contact>",
         remove=[("<https://fr.chm-cbd.net/tsc/id/actor/mnhn#contact>", "vcard:hasEmail", None)]))

# --- actors.ttl -------------------------------------------------------------------------------------------------
add(Case("actor-iri-pattern", "Pattern", "ActorShape", "https://fr.chm-cbd.net/tsc/id/actor/MNHN_Paris",
         rename=("actor:mnhn", "https://fr.chm-cbd.net/tsc/id/actor/MNHN_Paris")))
add(Case("actor-in-wrong-path", "Pattern", "ActorShape", "https://fr.chm-cbd.net/tsc/id/organisation/mnhn",
         rename=("actor:mnhn", "https://fr.chm-cbd.net/tsc/id/organisation/mnhn")))
add(Case("actor-without-type", "MinCount", "ActorTypeShape", "actor:mnhn", remove=[("actor:mnhn", "tsc:actorType", None)]))
add(Case("actor-with-two-types", "MaxCount", "ActorTypeShape", "actor:mnhn", add="actor:mnhn tsc:actorType atype:public-body ."))
add(Case("actor-type-not-in-scheme", "In", "ActorTypeShape", "actor:mnhn", remove=[("actor:mnhn", "tsc:actorType", None)],
         add="actor:mnhn tsc:actorType theme:taxonomy ."))
add(Case("acronym-with-language", "Datatype", "AlternateNameShape", "actor:mnhn",
         remove=[("actor:mnhn", "schema:alternateName", None)], add='actor:mnhn schema:alternateName "MNHN"@fr .'))
add(Case("actor-without-country", "MinCount", "BasedInExpectedShape", "actor:mnhn", remove=[("actor:mnhn", "tsc:basedIn", None)],
         severity="Warning"))
add(Case("actor-in-two-countries", "MaxCount", "BasedInShape", "actor:mnhn", add="actor:mnhn tsc:basedIn country:BR ."))
add(Case("actor-based-in-a-target", "Or", "BasedInShape", "actor:mnhn", remove=[("actor:mnhn", "tsc:basedIn", None)],
         add="actor:mnhn tsc:basedIn gbf:target-06 ."))

# --- projects.ttl -----------------------------------------------------------------------------------------------
P = "project:eee-guadeloupe"
add(Case("project-iri-pattern", "Pattern", "ProjectShape", "https://fr.chm-cbd.net/tsc/id/project/EEE_Guadeloupe",
         rename=(P, "https://fr.chm-cbd.net/tsc/id/project/EEE_Guadeloupe")))
add(Case("project-iri-trailing-slash", "Pattern", "ProjectShape", "https://fr.chm-cbd.net/tsc/id/project/eee-guadeloupe/",
         rename=(P, "https://fr.chm-cbd.net/tsc/id/project/eee-guadeloupe/")))
add(Case("project-without-lead", "MinCount", "LeadOrganisationExpectedShape", P, remove=[(P, "tsc:leadOrganisation", None)],
         severity="Warning"))
add(Case("project-with-two-leads", "MaxCount", "LeadOrganisationShape", P, add=f"{P} tsc:leadOrganisation actor:mnhn ."))
add(Case("project-led-by-a-country", "Class", "LeadOrganisationShape", P, remove=[(P, "tsc:leadOrganisation", None)],
         add=f"{P} tsc:leadOrganisation country:FR ."))
add(Case("partner-not-an-actor", "Class", "PartnerOrganisationShape", P, add=f"{P} tsc:partnerOrganisation country:BR ."))
add(Case("funder-not-an-actor", "Class", "FunderShape", P, add=f"{P} tsc:funder <https://www.afd.fr/> ."))
add(Case("project-without-start", "MinCount", "ProjectStartDateRequiredShape", P, remove=[(P, "schema:startDate", None)],
         severity="Warning"))
add(Case("budget-twice", "MaxCount", "BudgetShape", P, add=f"{P} tsc:budget 95000.00 ."))
add(Case("budget-as-string", "Datatype", "BudgetShape", P, remove=[(P, "tsc:budget", None)],
         add=f'{P} tsc:budget "120000 EUR" .'))
add(Case("budget-negative", "MinInclusive", "BudgetShape", P, remove=[(P, "tsc:budget", None)],
         add=f"{P} tsc:budget -5000.00 ."))
add(Case("currency-lowercase", "Pattern", "CurrencyShape", P, remove=[(P, "schema:currency", None)],
         add=f'{P} schema:currency "eur" .'))
add(Case("currency-symbol", "Pattern", "CurrencyShape", P, remove=[(P, "schema:currency", None)],
         add=f'{P} schema:currency "€" .'))
add(Case("two-currencies", "MaxCount", "CurrencyShape", P, add=f'{P} schema:currency "USD" .'))
add(Case("currency-with-language", "Datatype", "CurrencyShape", P, remove=[(P, "schema:currency", None)],
         add=f'{P} schema:currency "EUR"@fr .'))
add(Case("budget-without-currency", "Or", "BudgetCurrencyRuleShape", P, remove=[(P, "schema:currency", None)]))
add(Case("project-without-status", "MinCount", "StatusExpectedShape", P, remove=[(P, "tsc:status", None)], severity="Warning"))
add(Case("project-with-two-statuses", "MaxCount", "StatusShape", P, add=f"{P} tsc:status status:completed ."))
add(Case("status-not-in-scheme", "In", "StatusShape", P, remove=[(P, "tsc:status", None)],
         add=f"{P} tsc:status evidence:illustrative ."))
add(Case("project-without-spatial", "MinCount", "ProjectSpatialRequiredShape", P, remove=[(P, "dcterms:spatial", None)],
         severity="Warning"))  # a worldwide initiative has no country: a warning
add(Case("project-without-contribution", "MinCount", "ProjectContributesToRequiredShape", P,
         remove=[(P, "tsc:contributesTo", None)]))
add(Case("project-implements-a-protocol", "Class", "ImplementsArticleShape", P,
         add=f"{P} tsc:implementsArticle cbd:nagoya-protocol ."))
add(Case("project-fulfils-an-actor", "Or", "FulfilsShape", P, add=f"{P} tsc:fulfils actor:mnhn ."))

# --- commitments.ttl --------------------------------------------------------------------------------------------
C = "commitment:snb-eee"
add(Case("commitment-iri-pattern", "Pattern", "CommitmentShape", "https://fr.chm-cbd.net/tsc/id/commitments/snb-eee",
         rename=(C, "https://fr.chm-cbd.net/tsc/id/commitments/snb-eee")))
add(Case("commitment-abstract-class", "Or", "CommitmentSubclassRuleShape", C,
         remove=[(C, "rdf:type", None)], add=f"{C} a tsc:Commitment ."))
add(Case("commitment-without-author", "MinCount", "MadeByShape", C, remove=[(C, "tsc:madeBy", None)]))
add(Case("international-commitment-without-author", "MinCount", "MadeByShape", "commitment:chm-support",
         remove=[("commitment:chm-support", "tsc:madeBy", None)]))
add(Case("commitment-with-two-authors", "MaxCount", "MadeByShape", C, add=f"{C} tsc:madeBy actor:mnhn ."))
add(Case("commitment-made-by-a-territory", "Or", "MadeByShape", C, remove=[(C, "tsc:madeBy", None)],
         add=f"{C} tsc:madeBy country:GP ."))
add(Case("commitment-fulfilled-by-an-actor", "Class", "FulfilledByShape", C, add=f"{C} tsc:fulfilledBy actor:mnhn ."))

# --- bio-bridge.ttl ---------------------------------------------------------------------------------------------
OF, R = "offer:formation-taxonomie", "request:maurice-eee"
add(Case("offer-iri-pattern", "Pattern", "CooperationOfferShape", "https://fr.chm-cbd.net/tsc/id/offer/Formation--Taxonomie",
         rename=(OF, "https://fr.chm-cbd.net/tsc/id/offer/Formation--Taxonomie")))
add(Case("request-iri-pattern", "Pattern", "CooperationRequestShape", "https://fr.chm-cbd.net/tsc/id/demande/maurice-eee",
         rename=(R, "https://fr.chm-cbd.net/tsc/id/demande/maurice-eee")))
add(Case("offer-without-offerer", "MinCount", "OfferedByShape", OF, remove=[(OF, "schema:offeredBy", None)]))
add(Case("offer-with-two-offerers", "MaxCount", "OfferedByShape", OF, add=f"{OF} schema:offeredBy actor:jardim-botanico-rio ."))
add(Case("offer-offered-by-a-country", "Class", "OfferedByShape", OF, remove=[(OF, "schema:offeredBy", None)],
         add=f"{OF} schema:offeredBy country:FR ."))
add(Case("request-without-requester", "MinCount", "RequestedByShape", R, remove=[(R, "tsc:requestedBy", None)]))
add(Case("request-with-two-requesters", "MaxCount", "RequestedByShape", R, add=f"{R} tsc:requestedBy actor:mnhn ."))
add(Case("request-by-a-country", "Class", "RequestedByShape", R, remove=[(R, "tsc:requestedBy", None)],
         add=f"{R} tsc:requestedBy country:MU ."))
add(Case("offer-without-support-type", "MinCount", "SupportTypeShape", OF, remove=[(OF, "tsc:supportType", None)]))
add(Case("request-support-type-not-in-scheme", "In", "SupportTypeShape", R, remove=[(R, "tsc:supportType", None)],
         add=f"{R} tsc:supportType theme:invasive-species ."))
add(Case("offer-target-country-is-a-goal", "Or", "TargetCountryShape", OF, add=f"{OF} tsc:targetCountry gbf:goal-A ."))
add(Case("request-without-language", "MinCount", "LanguageShape", R, remove=[(R, "dcterms:language", None)]))
add(Case("offer-language-plain-string", "Datatype", "LanguageShape", OF, remove=[(OF, "dcterms:language", None)],
         add=f'{OF} dcterms:language "fr" .'))

# --- partnerships.ttl -------------------------------------------------------------------------------------------
PA = "partnership:mnhn-jbrj"
add(Case("partnership-iri-pattern", "Pattern", "PartnershipShape", "https://fr.chm-cbd.net/tsc/id/partnership/mnhn_jbrj",
         rename=(PA, "https://fr.chm-cbd.net/tsc/id/partnership/mnhn_jbrj")))
add(Case("partnership-with-one-member", "MinCount", "HasMemberShape", PA,
         remove=[(PA, "org:hasMember", u("actor:jardim-botanico-rio"))]))
add(Case("twinning-with-one-member", "MinCount", "HasMemberShape", "partnership:jumelage-guadeloupe-rio",
         remove=[("partnership:jumelage-guadeloupe-rio", "org:hasMember", u("actor:jardim-botanico-rio"))]))
add(Case("partnership-member-is-a-country", "Class", "HasMemberShape", PA, add=f"{PA} org:hasMember country:BR ."))

# --- reference.ttl: labels and notation -------------------------------------------------------------------------
add(Case("country-without-french-label", "QualifiedMinCount", "RefLabelFrShape", "country:FR",
         remove=[("country:FR", "rdfs:label", L("France", "fr"))]))
add(Case("target-without-english-label", "QualifiedMinCount", "RefLabelEnShape", "gbf:target-06",
         remove=[("gbf:target-06", "rdfs:label", None)],
         add='gbf:target-06 rdfs:label "Cible 6 : Réduire l\'introduction d\'espèces exotiques envahissantes"@fr .'))
add(Case("article-without-french-preflabel", "QualifiedMinCount", "RefPrefLabelFrShape", "cbd:article-18",
         remove=[("cbd:article-18", "skos:prefLabel", L("Article 18 : Coopération technique et scientifique", "fr"))]))
add(Case("goal-without-english-preflabel", "QualifiedMinCount", "RefPrefLabelEnShape", "gbf:goal-A",
         remove=[("gbf:goal-A", "skos:prefLabel", L("Goal A", "en"))]))
add(Case("two-english-preflabels", "UniqueLang", "PrefLabelFormShape", "country:BR",
         add='country:BR skos:prefLabel "Federative Republic of Brazil"@en .'))
add(Case("preflabel-plain-literal", "Datatype", "PrefLabelFormShape", "cbd:nagoya-protocol",
         add='cbd:nagoya-protocol skos:prefLabel "Nagoya" .'))
add(Case("instrument-without-notation", "MinCount", "NotationShape", "cbd:decision-15-8",
         remove=[("cbd:decision-15-8", "skos:notation", None)]))
add(Case("instrument-with-two-notations", "MaxCount", "NotationShape", "cbd:nagoya-protocol",
         add='cbd:nagoya-protocol skos:notation "NAGOYA" .'))
add(Case("instrument-notation-typed", "Datatype", "NotationShape", "cbd:convention",
         remove=[("cbd:convention", "skos:notation", None)],
         add='cbd:convention skos:notation "CBD"^^<https://w3id.org/tsc-graph/vocab/notation-type> .'))
add(Case("concept-without-scheme", "MinCount", "InSchemeShape", "theme:invasive-species",
         remove=[("theme:invasive-species", "skos:inScheme", None)]))
add(Case("concept-in-a-non-scheme", "Class", "InSchemeShape", "theme:invasive-species",
         remove=[("theme:invasive-species", "skos:inScheme", None)],
         add="theme:invasive-species skos:inScheme gbf:goal-A ."))
add(Case("theme-concept-without-notation", "MinCount", "NotationShape", "theme:invasive-species",
         remove=[("theme:invasive-species", "skos:notation", None)]))
add(Case("scheme-without-french-label", "QualifiedMinCount", "RefLabelFrShape", "tscv:gbf",
         remove=[("tscv:gbf", "rdfs:label", L("Cadre mondial de la biodiversité", "fr"))]))

# --- reference.ttl: ontology terms ------------------------------------------------------------------------------
add(Case("class-without-french-comment", "Or", "OntologyTermCommentFrRuleShape", "tsc:Actor",
         remove=[("tsc:Actor", "rdfs:comment", None)],
         add='tsc:Actor rdfs:comment "Organisation involved in technical and scientific cooperation."@en .'))
add(Case("property-without-english-comment", "Or", "OntologyTermCommentEnRuleShape", "tsc:basedIn",
         remove=[("tsc:basedIn", "rdfs:comment", None)],
         add='tsc:basedIn rdfs:comment "Pays ou territoire où l\'acteur a son siège."@fr .'))
add(Case("datatype-property-without-english-label", "Or", "OntologyTermLabelEnRuleShape", "tsc:budget",
         remove=[("tsc:budget", "rdfs:label", L("budget", "en"))]))
add(Case("term-not-defined-by-ontology", "Or", "OntologyTermDefinedByRuleShape", "tsc:Project",
         remove=[("tsc:Project", "rdfs:isDefinedBy", None)]))
add(Case("object-property-without-french-label", "Or", "OntologyTermLabelFrRuleShape", "tsc:funder",
         remove=[("tsc:funder", "rdfs:label", L("bailleur", "fr"))]))
add(Case("class-with-two-english-labels", "UniqueLang", "LabelFormShape", "tsc:Twinning",
         add='tsc:Twinning rdfs:label "Twinning partnership"@en .'))

# --- reference.ttl: sources, collections, SKOS-XL labels -------------------------------------------------------
add(Case("concept-without-source", "MinCount", "RequiredSourceShape", "theme:invasive-species",
         remove=[("theme:invasive-species", "dcterms:source", None)]))
add(Case("country-source-is-literal", "NodeKind", "RequiredSourceShape", "country:BR",
         remove=[("country:BR", "dcterms:source", None)], add='country:BR dcterms:source "ISO 3166" .'))
add(Case("section-without-member", "MinCount", "CollectionMemberShape", "gbf:section-1",
         remove=[("gbf:section-1", "skos:member", None)]))
add(Case("section-member-is-an-actor", "Or", "CollectionMemberShape", "gbf:section-1",
         add="gbf:section-1 skos:member actor:mnhn ."))
add(Case("section-without-english-label", "QualifiedMinCount", "RefLabelEnShape", "gbf:section-1",
         remove=[("gbf:section-1", "rdfs:label", L("Reducing threats to biodiversity", "en"))]))
add(Case("xl-label-without-source", "MinCount", "RequiredSourceShape", "gbf:target-06-label-en",
         remove=[("gbf:target-06-label-en", "dcterms:source", None)]))
add(Case("xl-label-without-literal", "MinCount", "LiteralFormShape", "gbf:target-06-label-en",
         remove=[("gbf:target-06-label-en", "skosxl:literalForm", None)]))
add(Case("xl-label-two-literals", "MaxCount", "LiteralFormShape", "gbf:target-06-label-en",
         add='gbf:target-06-label-en skosxl:literalForm "Target 6"@en .'))
add(Case("xl-label-plain-literal", "Datatype", "LiteralFormShape", "gbf:target-06-label-en",
         remove=[("gbf:target-06-label-en", "skosxl:literalForm", None)], add='gbf:target-06-label-en skosxl:literalForm "Target 6" .'))

# --- reference.ttl: countries and territories -------------------------------------------------------------------
add(Case("country-iri-lowercase", "Pattern", "CountryShape", "https://w3id.org/tsc-graph/vocab/country/br",
         rename=("country:BR", "https://w3id.org/tsc-graph/vocab/country/br")))
add(Case("territory-iri-alpha3", "Pattern", "TerritoryShape", "https://w3id.org/tsc-graph/vocab/country/GLP",
         rename=("country:GP", "https://w3id.org/tsc-graph/vocab/country/GLP")))
add(Case("country-without-notation", "MinCount", "CountryNotationShape", "country:BR",
         remove=[("country:BR", "skos:notation", None)]))
add(Case("country-with-two-notations", "MaxCount", "CountryNotationShape", "country:FR",
         add='country:FR skos:notation "FRA" .'))
add(Case("country-notation-alpha3", "Pattern", "CountryNotationShape", "country:FR",
         remove=[("country:FR", "skos:notation", None)], add='country:FR skos:notation "FRA" .'))
add(Case("territory-notation-typed", "Datatype", "CountryNotationShape", "country:GP",
         remove=[("country:GP", "skos:notation", None)], add='country:GP skos:notation "GP"^^xsd:token .'))
add(Case("country-not-in-country-scheme", "HasValue", "CountryInSchemeShape", "country:MU",
         remove=[("country:MU", "skos:inScheme", None)], add="country:MU skos:inScheme tscv:gbf ."))
add(Case("territory-without-country", "MinCount", "TerritoryOfShape", "country:GP",
         remove=[("country:GP", "tsc:territoryOf", None)]))
add(Case("territory-of-two-countries", "MaxCount", "TerritoryOfShape", "country:GP",
         add="country:GP tsc:territoryOf country:BR ."))
add(Case("territory-of-a-territory", "Class", "TerritoryOfShape", "country:RE",
         remove=[("country:RE", "tsc:territoryOf", None)], add="country:RE tsc:territoryOf country:GP ."))

# --- reference.ttl: CBD -----------------------------------------------------------------------------------------
add(Case("article-iri-pattern", "Pattern", "CBDArticleShape", "https://w3id.org/tsc-graph/vocab/cbd/art-18",
         rename=("cbd:article-18", "https://w3id.org/tsc-graph/vocab/cbd/art-18")))
add(Case("article-without-notation", "MinCount", "ArticleNotationShape", "cbd:article-18",
         remove=[("cbd:article-18", "skos:notation", None)]))
add(Case("article-with-two-notations", "MaxCount", "ArticleNotationShape", "cbd:article-18",
         add='cbd:article-18 skos:notation "CBD-ART-18-0" .'))
add(Case("article-notation-free-text", "Pattern", "ArticleNotationShape", "cbd:article-18-3",
         remove=[("cbd:article-18-3", "skos:notation", None)], add='cbd:article-18-3 skos:notation "Art. 18(3)" .'))
add(Case("article-notation-with-language", "Datatype", "ArticleNotationShape", "cbd:article-18",
         remove=[("cbd:article-18", "skos:notation", None)], add='cbd:article-18 skos:notation "CBD-ART-18"@en .'))
add(Case("article-not-in-cbd-scheme", "HasValue", "CBDInSchemeShape", "cbd:article-18-3",
         remove=[("cbd:article-18-3", "skos:inScheme", None)]))
add(Case("instrument-iri-pattern", "Pattern", "LegalInstrumentShape", "https://w3id.org/tsc-graph/vocab/cbd/Nagoya_Protocol",
         rename=("cbd:nagoya-protocol", "https://w3id.org/tsc-graph/vocab/cbd/Nagoya_Protocol")))
add(Case("instrument-abstract-class", "Or", "LegalInstrumentSubclassRuleShape", "cbd:decision-15-8",
         remove=[("cbd:decision-15-8", "rdf:type", None)], add="cbd:decision-15-8 a tsc:LegalInstrument ."))

# --- reference.ttl: GBF -----------------------------------------------------------------------------------------
add(Case("goal-iri-pattern", "Pattern", "GBFGoalShape", "https://w3id.org/tsc-graph/vocab/gbf/goal-E",
         rename=("gbf:goal-D", "https://w3id.org/tsc-graph/vocab/gbf/goal-E")))
add(Case("goal-without-notation", "MinCount", "GoalNotationShape", "gbf:goal-A",
         remove=[("gbf:goal-A", "skos:notation", None)]))
add(Case("goal-with-two-notations", "MaxCount", "GoalNotationShape", "gbf:goal-A", add='gbf:goal-A skos:notation "GBF-GOAL-B" .'))
add(Case("goal-notation-lowercase", "Pattern", "GoalNotationShape", "gbf:goal-A",
         remove=[("gbf:goal-A", "skos:notation", None)], add='gbf:goal-A skos:notation "gbf-goal-a" .'))
add(Case("goal-notation-with-language", "Datatype", "GoalNotationShape", "gbf:goal-D",
         remove=[("gbf:goal-D", "skos:notation", None)], add='gbf:goal-D skos:notation "GBF-GOAL-D"@en .'))
add(Case("goal-not-in-gbf-scheme", "HasValue", "GBFInSchemeShape", "gbf:goal-D",
         remove=[("gbf:goal-D", "skos:inScheme", None)], add="gbf:goal-D skos:inScheme tscv:cbd ."))
add(Case("goal-not-top-concept", "HasValue", "GoalTopConceptShape", "gbf:goal-A",
         remove=[("gbf:goal-A", "skos:topConceptOf", None)]))
add(Case("target-iri-one-digit", "Pattern", "GBFTargetShape", "https://w3id.org/tsc-graph/vocab/gbf/target-6",
         rename=("gbf:target-06", "https://w3id.org/tsc-graph/vocab/gbf/target-6")))
add(Case("target-without-notation", "MinCount", "TargetNotationShape", "gbf:target-20",
         remove=[("gbf:target-20", "skos:notation", None)]))
add(Case("target-with-two-notations", "MaxCount", "TargetNotationShape", "gbf:target-20",
         add='gbf:target-20 skos:notation "GBF-TARGET-21" .'))
add(Case("target-notation-one-digit", "Pattern", "TargetNotationShape", "gbf:target-06",
         remove=[("gbf:target-06", "skos:notation", None)], add='gbf:target-06 skos:notation "GBF-TARGET-6" .'))
add(Case("target-notation-with-language", "Datatype", "TargetNotationShape", "gbf:target-06",
         remove=[("gbf:target-06", "skos:notation", None)], add='gbf:target-06 skos:notation "GBF-TARGET-06"@en .'))
add(Case("target-without-number", "MinCount", "TargetNumberShape", "gbf:target-06",
         remove=[("gbf:target-06", "tsc:targetNumber", None)]))
add(Case("target-with-two-numbers", "MaxCount", "TargetNumberShape", "gbf:target-06", add="gbf:target-06 tsc:targetNumber 7 ."))
add(Case("target-number-as-string", "Datatype", "TargetNumberShape", "gbf:target-06",
         remove=[("gbf:target-06", "tsc:targetNumber", None)], add='gbf:target-06 tsc:targetNumber "6" .'))
add(Case("target-number-zero", "MinInclusive", "TargetNumberShape", "gbf:target-06",
         remove=[("gbf:target-06", "tsc:targetNumber", None)], add="gbf:target-06 tsc:targetNumber 0 ."))
add(Case("target-number-24", "MaxInclusive", "TargetNumberShape", "gbf:target-20",
         remove=[("gbf:target-20", "tsc:targetNumber", None)], add="gbf:target-20 tsc:targetNumber 24 ."))
add(Case("target-under-no-scheme-top", "HasValue", "TargetTopConceptShape", "gbf:target-20",
         remove=[("gbf:target-20", "skos:topConceptOf", None)]))
add(Case("target-not-in-gbf-scheme", "HasValue", "GBFInSchemeShape", "gbf:target-06",
         remove=[("gbf:target-06", "skos:inScheme", None)]))

# --- chm.ttl: clearing-house source records ----------------------------------------------------------------------
CHM_RECORD = "<https://api.cbd.int/api/v2013/documents/C7907DF4-C69A-A586-6C15-D95E3E703FFC>"


def chm_record(*, entity="a prov:Entity ;", identifier='dcterms:identifier "C7907DF4-C69A-A586-6C15-D95E3E703FFC" ;',
               type_='dcterms:type "organization" ;', extra='tsc:sourceFields "{}"^^rdf:JSON .') -> str:
    """A clearing-house source-record node with its kept fields, broken in one place by the caller."""
    return f"{CHM_RECORD} {entity} {identifier} {type_} {extra}"


add(Case("source-record-not-an-entity", "Class", "SourceRecordShape", CHM_RECORD, add=chm_record(entity="")))
add(Case("source-record-without-identifier", "MinCount", "SourceRecordIdentifierShape", CHM_RECORD, add=chm_record(identifier="")))
add(Case("source-record-with-two-identifiers", "MaxCount", "SourceRecordIdentifierShape", CHM_RECORD,
         add=chm_record(identifier='dcterms:identifier "A", "B" ;')))
add(Case("source-record-identifier-is-iri", "NodeKind", "SourceRecordIdentifierShape", CHM_RECORD,
         add=chm_record(identifier="dcterms:identifier <urn:uid:C7907DF4> ;")))
add(Case("source-record-without-type", "MinCount", "SourceRecordTypeShape", CHM_RECORD, add=chm_record(type_="")))
add(Case("source-record-with-two-types", "MaxCount", "SourceRecordTypeShape", CHM_RECORD,
         add=chm_record(type_='dcterms:type "organization", "contact" ;')))
add(Case("source-record-type-with-language", "Datatype", "SourceRecordTypeShape", CHM_RECORD,
         add=chm_record(type_='dcterms:type "organization"@en ;')))
add(Case("source-record-with-two-kept-field-sets", "MaxCount", "SourceFieldsShape", CHM_RECORD,
         add=chm_record(extra='tsc:sourceFields "{}"^^rdf:JSON, "{\\"a\\": 1}"^^rdf:JSON .')))
add(Case("source-record-kept-fields-as-string", "Datatype", "SourceFieldsShape", CHM_RECORD,
         add=chm_record(extra='tsc:sourceFields "{}" .')))
add(Case("source-record-with-two-envelopes", "MaxCount", "SourceEnvelopeShape", CHM_RECORD,
         add=chm_record(extra='tsc:sourceEnvelope "{}"^^rdf:JSON, "{\\"revision\\": 3}"^^rdf:JSON .')))
add(Case("source-record-envelope-as-string", "Datatype", "SourceEnvelopeShape", CHM_RECORD,
         add=chm_record(extra='tsc:sourceEnvelope "{}" .')))
add(Case("record-with-two-revisions", "MaxCount", "RevisionValueShape", CHM_RECORD,
         add=chm_record(extra="tsc:revision 1, 2 .")))
add(Case("record-revision-as-string", "Datatype", "RevisionValueShape", CHM_RECORD,
         add=chm_record(extra='tsc:revision "1" .')))
add(Case("record-revision-zero", "MinInclusive", "RevisionValueShape", CHM_RECORD, add=chm_record(extra="tsc:revision 0 .")))


# --- BEGIN practices, the Bio-Bridge platform, the network registry (tsc_graph/shapes/practices.ttl, network.ttl) --
PR = "https://fr.chm-cbd.net/tsc/id/practice/"
NODE_IRI = "https://fr.chm-cbd.net/tsc/id/node/be"
PLATFORM = "https://fr.chm-cbd.net/tsc/id/platform/bio-bridge"
REG = "https://fr.chm-cbd.net/tsc/id/registration/bio-bridge-mnhn"
COUNT = "https://fr.chm-cbd.net/tsc/id/registration-count/bio-bridge-fr"
VOID_NS = "http://rdfs.org/ns/void#"
BASE_TTL += f"""
<{PR}suivi-participatif> a tsc:LessonLearnt ;
    rdfs:label "Standardiser le protocole"@fr , "Standardise the protocol"@en ;
    dcterms:description "Un protocole simple et identique partout."@fr ;
    tsc:fromProject project:eee-guadeloupe ;
    tsc:sharedBy actor:mnhn ;
    tsc:contributesTo gbf:target-06 ;
    tsc:thematicArea theme:invasive-species ;
    dcterms:spatial country:GP ;
    dcterms:source <https://www.mnhn.fr/> ;
    tsc:evidence evidence:illustrative .
<{PR}detection-precoce> a tsc:GoodPractice ;
    rdfs:label "Détection précoce"@fr ;
    tsc:sharedBy actor:parc-national-guadeloupe ;
    tsc:contributesTo gbf:target-06 ;
    tsc:evidence evidence:illustrative .
<{NODE_IRI}> a tsc:Node ;
    rdfs:label "Belgique (démonstration)"@fr , "Belgium (demonstration)"@en ;
    tsc:nodeName "be" ;
    dcterms:spatial country:BR ;
    <{VOID_NS}sparqlEndpoint> <https://be.example.org/tsc/sparql> ;
    <{VOID_NS}dataDump> <https://be.example.org/tsc/dumps/tsc-graph.nt.gz> ;
    tsc:localDump "data/nodes/be" ;
    tsc:harvestGraph <https://fr.chm-cbd.net/tsc/graph/node/be> ;
    tsc:demonstrationNode true ;
    tsc:thisNode false ;
    tsc:evidence evidence:illustrative .
<{PLATFORM}> a tsc:CooperationPlatform ;
    rdfs:label "Plateforme Bio-Bridge"@fr , "Bio-Bridge platform"@en ;
    foaf:homepage <https://www.cbd.int/biobridge/> ;
    tsc:registrationPage <https://www.cbd.int/biobridge/> ;
    tsc:evidence evidence:illustrative .
<{REG}> a tsc:PlatformRegistration ;
    rdfs:label "Inscription du MNHN"@fr ;
    tsc:registrant actor:mnhn ;
    tsc:platform <{PLATFORM}> ;
    tsc:evidence evidence:illustrative .
<{COUNT}> a tsc:RegistrationCount ;
    rdfs:label "Organisations françaises inscrites"@fr ;
    tsc:platform <{PLATFORM}> ;
    dcterms:spatial country:FR ;
    tsc:organisationCount 33 ;
    dcterms:source <https://fr.chm-cbd.net/> ;
    tsc:evidence evidence:public-source .
"""
LL, GP = PR + "suivi-participatif", PR + "detection-precoce"
VOID_EP, VOID_DUMP = f"<{VOID_NS}sparqlEndpoint>", f"<{VOID_NS}dataDump>"
for res, shape in ((LL, "LessonLearntShape"), (GP, "GoodPracticeShape"), (NODE_IRI, "NodeShape"),
                   (PLATFORM, "CooperationPlatformShape"), (REG, "PlatformRegistrationShape"),
                   (COUNT, "RegistrationCountShape")):
    bad = res.rsplit("/", 1)[0] + "/Bad_Slug"
    add(Case(f"{shape}-bad-iri", "Pattern", shape, bad, rename=(res, bad)))
add(Case("practice-without-project-or-target", "Or", "PracticeAnchorRuleShape", GP,
         remove=[(GP, "tsc:contributesTo", None)]))
add(Case("practice-from-an-actor", "Class", "FromProjectShape", LL, add=f"<{LL}> tsc:fromProject actor:mnhn ."))
add(Case("practice-shared-by-nobody", "MinCount", "SharedByShape", GP, remove=[(GP, "tsc:sharedBy", None)]))
add(Case("practice-shared-by-a-country", "Class", "SharedByShape", LL, add=f"<{LL}> tsc:sharedBy country:FR ."))
add(Case("node-without-name", "MinCount", "NodeNameShape", NODE_IRI, remove=[(NODE_IRI, "tsc:nodeName", None)]))
add(Case("node-with-two-names", "MaxCount", "NodeNameShape", NODE_IRI, add=f'<{NODE_IRI}> tsc:nodeName "bel" .'))
add(Case("node-name-with-language", "Datatype", "NodeNameShape", NODE_IRI,
         remove=[(NODE_IRI, "tsc:nodeName", None)], add=f'<{NODE_IRI}> tsc:nodeName "be"@fr .'))
add(Case("node-name-not-a-slug", "Pattern", "NodeNameShape", NODE_IRI,
         remove=[(NODE_IRI, "tsc:nodeName", None)], add=f'<{NODE_IRI}> tsc:nodeName "Belgium" .'))
add(Case("node-without-country", "MinCount", "NodeCountryShape", NODE_IRI, remove=[(NODE_IRI, "dcterms:spatial", None)]))
add(Case("node-with-two-countries", "MaxCount", "NodeCountryShape", NODE_IRI, add=f"<{NODE_IRI}> dcterms:spatial country:FR ."))
add(Case("node-country-is-a-territory", "Class", "NodeCountryShape", NODE_IRI,
         remove=[(NODE_IRI, "dcterms:spatial", None)], add=f"<{NODE_IRI}> dcterms:spatial country:GP ."))
for path, shape, iri in ((VOID_EP, "SparqlEndpointShape", "https://be.example.org/sparql2"),
                         (VOID_DUMP, "DataDumpShape", "https://be.example.org/dump2.nt"),
                         ("tsc:registrationPage", "RegistrationPageShape", "https://www.cbd.int/biobridge/register")):
    res = PLATFORM if shape == "RegistrationPageShape" else NODE_IRI
    add(Case(f"{shape}-two-values", "MaxCount", shape, res, add=f"<{res}> {path} <{iri}> ."))
    add(Case(f"{shape}-literal", "NodeKind", shape, res, remove=[(res, path, None)], add=f'<{res}> {path} "{iri}" .'))
    add(Case(f"{shape}-not-http", "Pattern", shape, res, remove=[(res, path, None)], add=f"<{res}> {path} <ftp://x.org/a> ."))
add(Case("node-two-local-dumps", "MaxCount", "LocalDumpShape", NODE_IRI, add=f'<{NODE_IRI}> tsc:localDump "data/nodes/b2" .'))
add(Case("node-local-dump-iri", "Datatype", "LocalDumpShape", NODE_IRI,
         remove=[(NODE_IRI, "tsc:localDump", None)], add=f'<{NODE_IRI}> tsc:localDump "data/nodes/be"@en .'))
add(Case("node-local-dump-escapes-the-root", "Pattern", "LocalDumpShape", NODE_IRI,
         remove=[(NODE_IRI, "tsc:localDump", None)], add=f'<{NODE_IRI}> tsc:localDump "../../etc" .'))
add(Case("node-two-harvest-graphs", "MaxCount", "HarvestGraphShape", NODE_IRI,
         add=f"<{NODE_IRI}> tsc:harvestGraph <https://fr.chm-cbd.net/tsc/graph/node/be2> ."))
add(Case("node-harvest-graph-literal", "NodeKind", "HarvestGraphShape", NODE_IRI,
         remove=[(NODE_IRI, "tsc:harvestGraph", None)], add=f'<{NODE_IRI}> tsc:harvestGraph "graph" .'))
for prop, shape in (("tsc:demonstrationNode", "DemonstrationNodeShape"), ("tsc:thisNode", "ThisNodeShape")):
    add(Case(f"{shape}-twice", "MaxCount", shape, NODE_IRI, add=f"<{NODE_IRI}> {prop} {'false' if 'demo' in prop else 'true'} ."))
    add(Case(f"{shape}-string", "Datatype", shape, NODE_IRI, remove=[(NODE_IRI, prop, None)], add=f'<{NODE_IRI}> {prop} "yes" .'))
# a national CHM site known from a public source: no endpoint or dump, says so, has a homepage
NO_SOURCE_OF_DATA = [(NODE_IRI, p, None) for p in (VOID_EP, VOID_DUMP, "tsc:localDump", "tsc:harvestGraph")]
add(Case("node-without-any-source-of-data", "Or", "NodeKindShape", NODE_IRI, remove=NO_SOURCE_OF_DATA))
add(Case("site-without-linked-data-naming-an-endpoint", "Or", "NoLinkedDataNodeShape", NODE_IRI,
         add=f"<{NODE_IRI}> tsc:publishesLinkedData false ; foaf:homepage <https://www.biodiv.be/> ."))
add(Case("site-without-linked-data-or-homepage", "Or", "NoLinkedDataHomepageShape", NODE_IRI, remove=NO_SOURCE_OF_DATA,
         add=f"<{NODE_IRI}> tsc:publishesLinkedData false ."))
add(Case("publishes-linked-data-twice", "MaxCount", "PublishesLinkedDataShape", NODE_IRI,
         add=f"<{NODE_IRI}> tsc:publishesLinkedData true , false ."))
add(Case("publishes-linked-data-string", "Datatype", "PublishesLinkedDataShape", NODE_IRI,
         add=f'<{NODE_IRI}> tsc:publishesLinkedData "yes" .'))
add(Case("node-language-plain-string", "Datatype", "NodeLanguageShape", NODE_IRI,
         add=f'<{NODE_IRI}> dcterms:language "nl" .'))
add(Case("registration-without-registrant", "MinCount", "RegistrantShape", REG, remove=[(REG, "tsc:registrant", None)]))
add(Case("registration-two-registrants", "MaxCount", "RegistrantShape", REG, add=f"<{REG}> tsc:registrant actor:jardim-botanico-rio ."))
add(Case("registrant-is-a-country", "Class", "RegistrantShape", REG,
         remove=[(REG, "tsc:registrant", None)], add=f"<{REG}> tsc:registrant country:FR ."))
add(Case("registration-without-platform", "MinCount", "PlatformShape", REG, remove=[(REG, "tsc:platform", None)]))
add(Case("count-two-platforms", "MaxCount", "PlatformShape", COUNT,
         add=f"<{COUNT}> tsc:platform <https://fr.chm-cbd.net/tsc/id/platform/other> ."))
add(Case("platform-is-an-actor", "Class", "PlatformShape", REG,
         remove=[(REG, "tsc:platform", None)], add=f"<{REG}> tsc:platform actor:mnhn ."))
add(Case("count-without-number", "MinCount", "OrganisationCountShape", COUNT, remove=[(COUNT, "tsc:organisationCount", None)]))
add(Case("count-two-numbers", "MaxCount", "OrganisationCountShape", COUNT, add=f"<{COUNT}> tsc:organisationCount 34 ."))
add(Case("count-as-string", "Datatype", "OrganisationCountShape", COUNT,
         remove=[(COUNT, "tsc:organisationCount", None)], add=f'<{COUNT}> tsc:organisationCount "33" .'))
add(Case("count-negative", "MinInclusive", "OrganisationCountShape", COUNT,
         remove=[(COUNT, "tsc:organisationCount", None)], add=f"<{COUNT}> tsc:organisationCount -1 ."))
add(Case("count-without-country", "MinCount", "CountCountryShape", COUNT, remove=[(COUNT, "dcterms:spatial", None)]))
add(Case("count-two-countries", "MaxCount", "CountCountryShape", COUNT, add=f"<{COUNT}> dcterms:spatial country:BR ."))
add(Case("count-country-is-a-territory", "Class", "CountCountryShape", COUNT,
         remove=[(COUNT, "dcterms:spatial", None)], add=f"<{COUNT}> dcterms:spatial country:GP ."))
add(Case("count-without-source", "MinCount", "RequiredSourceShape", COUNT, remove=[(COUNT, "dcterms:source", None)]))
# --- END practices -----------------------------------------------------------------------------------------------


def test_base_graph_conforms():
    conforms, _, text = run_shacl(base_graph())
    assert conforms, text


def test_case_ids_are_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_broken_case_is_rejected(case: Case):
    conforms, report, text = run_shacl(case.graph())
    # a missing fact a source may not give (start date, lead, status, seat) is a warning: the record still conforms
    assert conforms == (case.severity == SH.Warning), f"{case.id}: conforms={conforms}\n{text}"
    found = [
        r for r in results(report)
        if r["component"] == case.component and r["focus"] == case.focus
        and (r["constraint"] == case.shape if case.component == SH.SPARQLConstraintComponent else r["shape"] == case.shape)
    ]
    assert found, f"{case.id}: expected {case.component} from {case.shape} on {case.focus}; got:\n{text}"
    for r in found:
        assert r["severity"] == case.severity
        assert r["messages"].get("fr") and r["messages"].get("en"), f"{case.id}: result lacks fr/en messages: {r}"


# ---------------------------------------------------------------------------------------------------------------
# (c) structure of the shapes: messages, severity, coverage
# ---------------------------------------------------------------------------------------------------------------

#: constraint parameter -> constraint component it activates (SHACL Core + SPARQL)
PARAMETERS = {
    SH["class"]: "Class", SH.datatype: "Datatype", SH.nodeKind: "NodeKind", SH.minCount: "MinCount",
    SH.maxCount: "MaxCount", SH.minInclusive: "MinInclusive", SH.maxInclusive: "MaxInclusive",
    SH.minExclusive: "MinExclusive", SH.maxExclusive: "MaxExclusive", SH.minLength: "MinLength",
    SH.maxLength: "MaxLength", SH.pattern: "Pattern", SH.languageIn: "LanguageIn", SH.uniqueLang: "UniqueLang",
    SH.equals: "Equals", SH.disjoint: "Disjoint", SH.lessThan: "LessThan", SH.lessThanOrEquals: "LessThanOrEquals",
    SH["not"]: "Not", SH["and"]: "And", SH["or"]: "Or", SH.xone: "Xone", SH.node: "Node",
    SH.qualifiedMinCount: "QualifiedMinCount", SH.qualifiedMaxCount: "QualifiedMaxCount", SH.closed: "Closed",
    SH.hasValue: "HasValue", SH["in"]: "In",
}


def top_level_shapes(g: Graph) -> set:
    """Shapes whose constraints produce results: targeted node shapes and every sh:property value.
    Shapes nested in sh:or / sh:qualifiedValueShape only feed their parent's constraint."""
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
    shapes = {s for t in targets for s in g.subjects(t, None)}
    shapes |= set(g.objects(None, SH.property))
    return shapes


def constraint_keys(g: Graph) -> set[tuple]:
    keys = set()
    for shape in top_level_shapes(g):
        for p, comp in PARAMETERS.items():
            if (shape, p, None) in g:
                keys.add((shape, SH[comp + "ConstraintComponent"]))
        for sparql in g.objects(shape, SH.sparql):
            keys.add((sparql, SH.SPARQLConstraintComponent))
    return keys


def constraint_nodes(g: Graph) -> set:
    """Shapes carrying at least one constraint parameter, plus SPARQL constraint nodes."""
    return {s for s, _ in constraint_keys(g)}


def test_shapes_use_only_our_shape_iris():
    g = shapes_graph()
    for shape in top_level_shapes(g) | set(g.objects(None, SH.sparql)):
        assert isinstance(shape, URIRef) and str(shape).startswith(str(TSCSH)), f"anonymous or foreign shape: {shape}"


@pytest.mark.parametrize("node", sorted(constraint_nodes(shapes_graph())), ids=lambda n: n.split("#")[-1])
def test_every_constraint_has_french_and_english_message_and_violation_severity(node):
    g = shapes_graph()
    langs = {m.language for m in g.objects(node, SH.message) if isinstance(m, Literal)}
    assert {"fr", "en"} <= langs, f"{node} lacks sh:message @fr/@en (has {langs})"
    if (node, SH.severity, SH.Warning) in g:  # a fact a source may not give: only its absence, only a warning
        assert {p for p in g.predicates(node) if p in PARAMETERS} == {SH.minCount}, f"{node}: a warning only says a value is missing"
        return
    assert (node, SH.severity, SH.Violation) in g, f"{node} lacks sh:severity sh:Violation"


@pytest.mark.parametrize("shape", sorted(set(shapes_graph().subjects(RDF.type, SH.NodeShape))
                                         | set(shapes_graph().subjects(RDF.type, SH.PropertyShape))
                                         | set(shapes_graph().subjects(RDF.type, SH.SPARQLConstraint))),
                         ids=lambda n: n.split("#")[-1])
def test_every_shape_is_documented_in_french_and_english(shape):
    g = shapes_graph()
    for p in (RDFS.label, RDFS.comment):
        langs = {m.language for m in g.objects(shape, p) if isinstance(m, Literal)}
        assert {"fr", "en"} <= langs, f"{shape} lacks {p} @fr/@en"


def test_every_constraint_has_a_broken_case():
    expected = constraint_keys(shapes_graph())
    covered = {(c.shape, c.component) for c in CASES}
    missing = sorted(f"{s.split('#')[-1]} / {c.split('#')[-1]}" for s, c in expected - covered)
    assert not missing, "constraints without a broken-data case:\n" + "\n".join(missing)
    unknown = sorted(f"{s.split('#')[-1]} / {c.split('#')[-1]}" for s, c in covered - expected)
    assert not unknown, "cases naming a constraint the shapes do not have:\n" + "\n".join(unknown)


def test_one_node_shape_per_class_of_the_contract():
    g = shapes_graph()
    targeted = set(g.objects(None, SH.targetClass))
    for cls in ("Actor", "Project", "Commitment", "NationalCommitment", "InternationalCommitment", "CooperationOffer",
                "CooperationRequest", "Partnership", "Twinning", "Country", "Territory", "CBDArticle", "GBFGoal",
                "GBFTarget", "LegalInstrument", "Convention", "Protocol", "Decision"):
        assert TSC[cls] in targeted, f"no sh:targetClass tsc:{cls}"
    assert SKOS.ConceptScheme in targeted


def test_no_shacl_advanced_features():
    """Core SHACL only: a curator's core-only engine must not skip a shape silently (docs/conventions.md,
    "SHACL engines"). pyshacl 0.40 also drops the language tags of sh:message on SPARQL-based results."""
    g = shapes_graph()
    assert not list(g.subjects(SH.sparql, None))
    assert not list(g.objects(None, SH.target)), "SPARQL-based (SHACL-AF) targets: list them in docs/conventions.md"
    for feature in (SH.rule, SH.condition, SH.order, SH.expression):
        assert not list(g.subject_objects(feature)), feature


# ---------------------------------------------------------------------------------------------------------------
# (d) ontology
# ---------------------------------------------------------------------------------------------------------------

def tsc_terms(g: Graph) -> set[URIRef]:
    return {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(str(TSC))}


def test_ontology_header():
    g = ontology_graph()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in g
    assert g.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    for p in (DCTERMS.title, DCTERMS.description):
        assert {o.language for o in g.objects(ONTOLOGY_IRI, p)} >= {"fr", "en"}
    assert g.value(ONTOLOGY_IRI, DCTERMS.created) is not None
    assert isinstance(g.value(ONTOLOGY_IRI, DCTERMS.license), URIRef)


@pytest.mark.parametrize("term", sorted(tsc_terms(ontology_graph())), ids=lambda t: t.split("#")[-1])
def test_every_tsc_term_has_label_and_comment_in_french_and_english(term):
    g = ontology_graph()
    for p in (RDFS.label, RDFS.comment):
        langs = [o.language for o in g.objects(term, p)]
        assert "fr" in langs and "en" in langs, f"{term} {p}: {langs}"
        assert len(langs) == len(set(langs)), f"{term} has two {p} in one language"
    assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in g
    kinds = set(g.objects(term, RDF.type)) & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}
    assert len(kinds) == 1, f"{term} must be exactly one of owl:Class / ObjectProperty / DatatypeProperty"
    if kinds != {OWL.Class}:
        assert g.value(term, RDFS.domain) is not None and g.value(term, RDFS.range) is not None


def test_ontology_mints_exactly_the_terms_of_the_conventions():
    named = set(re.findall(r"tsc:([A-Za-z]+)", CONVENTIONS.read_text(encoding="utf-8")))
    minted = {t.split("#")[-1] for t in tsc_terms(ontology_graph())}
    assert minted == named, f"only in ontology: {minted - named}; only in conventions: {named - minted}"


def test_ontology_reuse_and_inverse():
    g = ontology_graph()
    SCHEMA_, PROV = SCHEMA, Namespace("http://www.w3.org/ns/prov#")
    expected_sub_class = {
        "Actor": {ORG.Organization, SCHEMA_.Organization}, "Project": {SCHEMA_.Project, PROV.Activity},
        "Commitment": {PROV.Entity}, "NationalCommitment": {TSC.Commitment}, "InternationalCommitment": {TSC.Commitment},
        "CooperationOffer": {SCHEMA_.Offer}, "CooperationRequest": {SCHEMA_.Demand},
        "Partnership": {ORG.OrganizationalCollaboration}, "Twinning": {TSC.Partnership},
        "Country": {SCHEMA_.Country, SKOS.Concept}, "Territory": {SCHEMA_.AdministrativeArea, SKOS.Concept},
        "LegalInstrument": {SKOS.Concept}, "Convention": {TSC.LegalInstrument}, "Protocol": {TSC.LegalInstrument},
        "Decision": {TSC.LegalInstrument}, "CBDArticle": {SKOS.Concept}, "GBFGoal": {SKOS.Concept},
        "GBFTarget": {SKOS.Concept},
    }
    for cls, supers in expected_sub_class.items():
        assert set(g.objects(TSC[cls], RDFS.subClassOf)) == supers, cls
    expected_sub_property = {
        "basedIn": SCHEMA_.location, "thematicArea": DCTERMS.subject,
        "leadOrganisation": PROV.wasAssociatedWith, "partnerOrganisation": PROV.wasAssociatedWith,
        "funder": SCHEMA_.funder, "implementsArticle": DCTERMS.relation, "relatesToInstrument": DCTERMS.relation,
        "targetCountry": SCHEMA_.areaServed, "territoryOf": SKOS.broader,
    }
    # reuses that the reused vocabularies' own axioms make wrong (tests/test_reasoning.py checks the consequences)
    assert (TSC.actorType, RDFS.subPropertyOf, DCTERMS.type) not in g  # dcterms:type ranges over rdfs:Class
    assert (TSC.madeBy, RDFS.subPropertyOf, PROV.wasAttributedTo) not in g  # ranges over prov:Agent, not countries
    for prop, sup in expected_sub_property.items():
        assert (TSC[prop], RDFS.subPropertyOf, sup) in g, prop
    assert (TSC.fulfilledBy, OWL.inverseOf, TSC.fulfils) in g
    for prop in ("budget", "targetNumber"):
        assert (TSC[prop], RDF.type, OWL.DatatypeProperty) in g
    assert g.value(TSC.targetNumber, RDFS.range) == XSD.integer
    assert g.value(TSC.budget, RDFS.range) == XSD.decimal


# ---------------------------------------------------------------------------------------------------------------
# (e) reference vocabularies
# ---------------------------------------------------------------------------------------------------------------

def V(path: str) -> URIRef:
    return URIRef(TSCV + path)


def test_gbf_has_4_goals_and_23_targets_and_no_hierarchy():
    g = reference_graph()
    goals = set(g.subjects(RDF.type, TSC.GBFGoal))
    targets = set(g.subjects(RDF.type, TSC.GBFTarget))
    assert goals == {V(f"gbf/goal-{x}") for x in "ABCD"}
    assert targets == {V(f"gbf/target-{n:02d}") for n in range(1, 24)}
    assert {str(g.value(t, SKOS.notation)) for t in targets} == {f"GBF-TARGET-{n:02d}" for n in range(1, 24)}
    assert {str(g.value(x, SKOS.notation)) for x in goals} == {f"GBF-GOAL-{x}" for x in "ABCD"}
    for concept in goals | targets:
        assert (concept, SKOS.topConceptOf, V("gbf")) in g and (concept, SKOS.inScheme, V("gbf")) in g
        identifier = str(g.value(concept, SKOS.notation))
        assert (concept, SKOS.exactMatch, URIRef(f"https://api.cbd.int/api/v2013/thesaurus/terms/{identifier}")) in g
    for n in range(1, 24):
        assert g.value(V(f"gbf/target-{n:02d}"), TSC.targetNumber).toPython() == n
    # no source puts targets under goals (decision 15/4; the thesaurus' broaderTerms are empty)
    gbf_concepts = goals | targets
    for p in (SKOS.broader, SKOS.narrower, SKOS.related, SKOS.broaderTransitive, SKOS.narrowerTransitive):
        assert not [(s, o) for s, o in g.subject_objects(p) if s in gbf_concepts and o in gbf_concepts], p
    assert not list(g.triples((None, TSC.goal, None)))


def test_gbf_sections_are_the_framework_s_three_collections():
    g = reference_graph()
    expected = {1: (range(1, 9), "Reducing threats to biodiversity"),
                2: (range(9, 14), "Meeting people's needs through sustainable use and benefit-sharing"),
                3: (range(14, 24), "Tools and solutions for implementation and mainstreaming")}
    assert set(g.subjects(RDF.type, SKOS.Collection)) == {V(f"gbf/section-{k}") for k in expected}
    for k, (numbers, english) in expected.items():
        section = V(f"gbf/section-{k}")
        assert set(g.objects(section, SKOS.member)) == {V(f"gbf/target-{n:02d}") for n in numbers}
        assert {str(x) for x in g.objects(section, SKOS.prefLabel) if x.language == "en"} == {english}
        assert {x.language for x in g.objects(section, SKOS.prefLabel)} == {"fr", "en"}
        assert URIRef("https://www.cbd.int/doc/decisions/cop-15/cop-15-dec-04-en.pdf") in set(g.objects(section, DCTERMS.source))


SKOSXL = Namespace("http://www.w3.org/2008/05/skos-xl#")


def assert_every_label_has_a_sourced_skos_xl_twin(g: Graph, subjects) -> None:
    """docs/conventions.md, "Sources in reference data": each label of a resource has its own source."""
    for s in subjects:
        for plain, xl in ((SKOS.prefLabel, SKOSXL.prefLabel), (SKOS.altLabel, SKOSXL.altLabel)):
            literals = set(g.objects(s, plain))
            forms = {g.value(x, SKOSXL.literalForm) for x in g.objects(s, xl)}
            assert literals == forms, (s, plain)
            for x in g.objects(s, xl):
                assert list(g.objects(x, DCTERMS.source)), (s, g.value(x, SKOSXL.literalForm))
        assert set(g.objects(s, RDFS.label)) == set(g.objects(s, SKOS.prefLabel)), s


def test_every_gbf_label_has_a_sourced_skos_xl_twin():
    g = reference_graph()
    subjects = set(g.subjects(SKOS.inScheme, V("gbf"))) | set(g.subjects(RDF.type, SKOS.Collection)) | {V("gbf")}
    assert_every_label_has_a_sourced_skos_xl_twin(g, subjects)


def test_every_country_label_has_a_sourced_skos_xl_twin():
    g = reference_graph()
    countries = set(g.subjects(SKOS.inScheme, V("country")))
    assert len(countries) >= 249
    assert_every_label_has_a_sourced_skos_xl_twin(g, countries)


def test_gbf_labels_from_the_secretariat_thesaurus():
    g = reference_graph()
    target1 = {x.language: str(x) for x in g.objects(V("gbf/target-01"), SKOS.prefLabel)}
    assert target1 == {"en": "Target 1: Plan and manage all areas to reduce biodiversity loss",
                       "fr": "Cible 1 : Planifier et gérer toutes les zones afin de réduire la perte de biodiversité",
                       "es": "Meta 1: Someter todas las zonas a planificación y gestión para reducir la pérdida de "
                             "biodiversidad"}
    goal_b = {str(x) for x in g.objects(V("gbf/goal-B"), SKOS.altLabel)}
    assert "Biodiversity is sustainably used" in goal_b
    assert {x.language for x in g.objects(V("gbf/goal-B"), SKOS.definition)} == {"en", "es", "fr"}
    # the informal goal names of no source are gone
    every_text = {str(o) for o in g.objects() if isinstance(o, Literal)}
    for informal in ("Protect and restore", "Prosper with nature", "Share benefits fairly", "Invest and collaborate",
                     "Protéger et restaurer", "Prospérer avec la nature"):
        assert not any(informal in text for text in every_text), informal
    en = {str(lbl) for lbl in g.objects(V("gbf/target-20"), SKOS.prefLabel) if lbl.language == "en"}
    assert en == {"Target 20: Strengthen capacity-building, technology transfer, and scientific and technical "
                  "cooperation for biodiversity"}


def test_every_reference_resource_cites_a_source():
    g = reference_graph()
    for s in {s for s in g.subjects() if isinstance(s, URIRef)}:
        assert list(g.objects(s, DCTERMS.source)), f"{s} cites no source"
    for node in {s for s in g.subjects() if isinstance(s, BNode)}:
        if (node, RDF.type, SKOSXL.Label) in g:
            assert list(g.objects(node, DCTERMS.source)), node


LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)


@pytest.mark.parametrize("path", sorted(REFERENCE_DIR.glob("*.ttl")), ids=lambda p: p.name)
def test_every_label_beyond_french_and_english_cites_its_source_in_its_file(path):
    """A label in another language (ar, es, ru, zh…) is a fact taken from somewhere: the same file says where,
    on its SKOS-XL twin or on its resource, and the tsc-graph ontology (our own words) does not count."""
    g = Graph().parse(path)
    ours = URIRef(_ONTOLOGY_IRI)

    def cited(node) -> bool:
        return any(src != ours for src in g.objects(node, DCTERMS.source))

    for p in (*LABEL_PROPERTIES, SKOSXL.literalForm):
        for s, o in g.subject_objects(p):
            if not isinstance(o, Literal) or o.language in (None, "fr", "en"):
                continue
            if p == SKOSXL.literalForm:
                assert cited(s), f"{path.name}: SKOS-XL label {s} ({o!r}) cites no outside source"
                continue
            twins = [x for x in g.subjects(SKOSXL.literalForm, o) if (s, SKOSXL.prefLabel, x) in g
                     or (s, SKOSXL.altLabel, x) in g]
            assert any(cited(x) for x in twins) or cited(s), f"{path.name}: {s} {o!r}@{o.language} cites no source"


def test_cbd_scheme_has_the_articles_protocols_and_decision():
    g = reference_graph()
    articles = set(g.subjects(RDF.type, TSC.CBDArticle))
    for a in ("12", "16", "17", "18", "18-3", "18-4", "18-5", "19"):
        assert V(f"cbd/article-{a}") in articles, a
        assert (V(f"cbd/article-{a}"), SKOS.inScheme, V("cbd")) in g
        assert g.value(V(f"cbd/article-{a}"), DCTERMS.source) is not None
    for p in ("3", "4", "5"):
        assert (V(f"cbd/article-18-{p}"), SKOS.broader, V("cbd/article-18")) in g
    assert (V("cbd/convention"), RDF.type, TSC.Convention) in g
    assert (V("cbd/cartagena-protocol"), RDF.type, TSC.Protocol) in g
    assert (V("cbd/nagoya-protocol"), RDF.type, TSC.Protocol) in g
    assert (V("cbd/decision-15-8"), RDF.type, TSC.Decision) in g
    assert (V("cbd/decision-15-8"), DCTERMS.source,
            URIRef("https://www.cbd.int/doc/decisions/cop-15/cop-15-dec-08-en.pdf")) in g
    for s in g.subjects(SKOS.inScheme, V("cbd")):
        assert {d.language for d in g.objects(s, DCTERMS.description)} >= {"fr", "en"}, s


def test_reference_notations_match_iris():
    """Consistency of our own reference files (kept out of SHACL-SPARQL, see test_no_sparql_based_constraints)."""
    g = reference_graph()
    for c in set(g.subjects(RDF.type, TSC.Country)) | set(g.subjects(RDF.type, TSC.Territory)):
        assert str(c) == TSCV + "country/" + str(g.value(c, SKOS.notation)), c
    for goal in g.subjects(RDF.type, TSC.GBFGoal):
        assert str(goal).endswith("/goal-" + str(g.value(goal, SKOS.notation))[-1]), goal
    for t in g.subjects(RDF.type, TSC.GBFTarget):
        nn = f"{g.value(t, TSC.targetNumber).toPython():02d}"
        assert str(g.value(t, SKOS.notation)) == "GBF-TARGET-" + nn and str(t).endswith("/target-" + nn), t
    for a in g.subjects(RDF.type, TSC.CBDArticle):
        suffix = str(a).rsplit("/article-", 1)[1]
        assert str(g.value(a, SKOS.notation)) == "CBD-ART-" + suffix, a
        if "-" in suffix:  # a paragraph: skos:broader its article
            assert (a, SKOS.broader, V("cbd/article-" + suffix.split("-")[0])) in g, a


def test_countries_cover_iso_3166_with_french_territories():
    g = reference_graph()
    countries = set(g.subjects(RDF.type, TSC.Country))
    territories = set(g.subjects(RDF.type, TSC.Territory))
    assert len(countries) + len(territories) >= 249
    assert not countries & territories
    assert {V(f"country/{c}") for c in ("FR", "BR", "MG", "US", "CN")} <= countries
    french = {"GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "WF", "PF", "NC", "TF"}
    for code in french:
        t = V(f"country/{code}")
        assert t in territories, code
        assert g.value(t, TSC.territoryOf) == V("country/FR")
        assert (t, SKOS.broader, V("country/FR")) in g
    labels_fr = {str(lbl) for lbl in g.objects(V("country/FR"), RDFS.label) if lbl.language == "fr"}
    assert labels_fr == {"France"}
    assert {str(lbl) for lbl in g.objects(V("country/DE"), RDFS.label) if lbl.language == "fr"} == {"Allemagne"}


UN_LANGUAGES = {"ar", "en", "es", "fr", "ru", "zh"}


def test_countries_are_named_as_people_name_them_in_the_six_un_languages():
    """Pages show CLDR's common names (« La Réunion »); ISO's lexicographic short names (« Réunion, Île de la »)
    stay as other names, each label with its source (tools/make_countries.py)."""
    g = reference_graph()

    def names(code: str, prop=SKOS.prefLabel) -> dict[str, str]:
        return {lbl.language: str(lbl) for lbl in g.objects(V(f"country/{code}"), prop)}

    assert names("RE")["fr"] == "La Réunion" and names("RE")["en"] == "Réunion"
    assert names("SB")["fr"] == "Îles Salomon" and names("SB")["en"] == "Solomon Islands"
    assert names("KR")["fr"] == "Corée du Sud" and names("KR")["en"] == "South Korea"
    assert names("RU")["fr"] == "Russie" and names("KR")["zh"] == "韩国" and names("KR")["ar"] == "كوريا الجنوبية"
    assert names("RE", SKOS.altLabel) == {"fr": "Réunion, Île de la"}  # ISO's English short name is the display one
    assert names("KR", SKOS.altLabel) == {"en": "Korea, Republic of", "fr": "Corée, République de"}
    assert names("RU", SKOS.altLabel) == {"en": "Russian Federation", "fr": "Russie, Fédération de"}
    # where CLDR departs from the names the UN and ISO use, ISO's official name is shown, CLDR's kept as another
    assert names("PS")["en"] == "State of Palestine" and names("PS")["fr"] == "État de Palestine"
    assert names("TW")["en"] == "Taiwan, Province of China" and names("TW")["zh"] == "中国台湾省"
    assert "Palestinian Territories" in {str(x) for x in g.objects(V("country/PS"), SKOS.altLabel)}

    cited_release = None
    for s in g.subjects(SKOS.inScheme, V("country")):
        pref = {lbl.language: str(lbl) for lbl in g.objects(s, SKOS.prefLabel)}
        assert set(pref) == UN_LANGUAGES and all(pref.values()), s
        assert set(g.objects(s, RDFS.label)) == set(g.objects(s, SKOS.prefLabel)), s
        for alt in g.objects(s, SKOS.altLabel):  # SKOS S13: never the same literal as a prefLabel
            assert alt.language in UN_LANGUAGES and pref[alt.language] != str(alt), (s, alt)
        releases = {str(x) for x in g.objects(s, DCTERMS.source) if str(x).startswith("https://cldr.unicode.org/")}
        assert len(releases) == 1, s
        cited_release = cited_release or releases.pop()
        for node in g.objects(s, SKOSXL.prefLabel):
            if s in (V("country/PS"), V("country/TW")):
                continue  # named by ISO 3166-1 (tools/make_countries.py ISO_NAMED)
            lang = g.value(node, SKOSXL.literalForm).language
            version = cited_release.rsplit("-", 1)[1]  # …/downloads/cldr-49 → the locale file at tag release-49
            locale_file = URIRef(f"https://github.com/unicode-org/cldr/blob/release-{version}/common/main/{lang}.xml")
            assert locale_file in set(g.objects(node, DCTERMS.source)), (s, lang)
    assert re.fullmatch(r"https://cldr\.unicode\.org/downloads/cldr-\d+", cited_release)
    assert URIRef(cited_release) in set(g.objects(V("country"), DCTERMS.source))


def test_countries_file_matches_its_generator():
    """The committed file is what tools/make_countries.py writes with the pinned Babel (CLDR) and pycountry."""
    import importlib.util

    import babel

    pycountry = pytest.importorskip("pycountry")
    committed = (REFERENCE_DIR / "countries.ttl").read_text(encoding="utf-8")
    made_with = re.search(r"via Babel (\S+) .*?via pycountry (\S+) ", committed, re.S)
    assert made_with, "countries.ttl names the Babel and pycountry versions it was generated with"
    regenerate = "re-run: .venv/bin/python tools/make_countries.py > tsc_graph/reference/countries.ttl"
    assert (babel.__version__, pycountry.__version__) == made_with.groups(), (
        f"countries.ttl was generated with Babel {made_with[1]} and pycountry {made_with[2]}, installed are "
        f"{babel.__version__} and {pycountry.__version__}: keep pyproject.toml's pins of the test extra and the "
        f"file in step ({regenerate})")
    spec = importlib.util.spec_from_file_location("make_countries", ROOT / "tools" / "make_countries.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    out = io.StringIO()
    generator.main(out)
    made, kept = out.getvalue().splitlines(keepends=True), committed.splitlines(keepends=True)
    first = next((i for i, (a, b) in enumerate(zip(made, kept)) if a != b), min(len(made), len(kept)))
    same = made == kept
    assert same, (f"tsc_graph/reference/countries.ttl is not its generator's output from line {first + 1}: generator "
                  f"{made[first:first + 1]}, file {kept[first:first + 1]}; {regenerate}")
    g = reference_graph()
    in_file = {str(g.value(s, SKOS.notation)) for s in g.subjects(SKOS.inScheme, V("country"))}
    assert in_file == {c.alpha_2 for c in pycountry.countries}


SCHEME_CONCEPTS = {
    "actor-type": {"public-body", "research-institute", "ngo", "company", "funding-agency", "local-authority",
                   "network", "international-organisation"},
    "support-type": {"training", "technology", "expertise", "data", "funding"},
    "status": {"planned", "ongoing", "completed"},
    "theme": {"invasive-species", "marine-coastal", "forests", "agriculture", "protected-areas",
              "genetic-resources-abs", "biosafety", "data-information", "restoration", "urban", "climate-change",
              "wildlife-trade", "pollution", "freshwater", "islands", "traditional-knowledge", "taxonomy", "finance",
              "education-awareness", "health"},
    "evidence": {"illustrative", "public-source", "declared"},
    "classification-rule": {"subject-of-source"},
}


@pytest.mark.parametrize("scheme", sorted(SCHEME_CONCEPTS))
def test_type_schemes_list_every_concept_of_the_conventions(scheme):
    g = reference_graph()
    assert (V(scheme), RDF.type, SKOS.ConceptScheme) in g
    members = set(g.subjects(SKOS.inScheme, V(scheme)))
    assert members == {V(f"{scheme}/{c}") for c in SCHEME_CONCEPTS[scheme]}
    for m in members:
        assert {d.language for d in g.objects(m, SKOS.definition)} >= {"fr", "en"}, m


def test_shapes_in_lists_match_the_schemes():
    """sh:in lists in the shapes and the concepts of tsc_graph/reference/schemes.ttl must not drift apart."""
    sg = shapes_graph()
    for shape, scheme in (("ActorTypeShape", "actor-type"), ("SupportTypeShape", "support-type"),
                          ("StatusShape", "status"), ("ThematicAreaShape", "theme"), ("EvidenceShape", "evidence")):
        values = set(Collection(sg, sg.value(TSCSH[shape], SH["in"])))
        assert values == {V(f"{scheme}/{c}") for c in SCHEME_CONCEPTS[scheme]}, shape
