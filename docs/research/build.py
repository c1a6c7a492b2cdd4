"""Write data/fr files from the integrated blocks (run in the worktree root)."""
import sys
from pathlib import Path
PREFIXES = """@prefix tsc:      <https://w3id.org/tsc-graph/ontology#> .
@prefix tscv:     <https://w3id.org/tsc-graph/vocab/> .
@prefix actor:    <https://fr.chm-cbd.net/tsc/id/actor/> .
@prefix project:  <https://fr.chm-cbd.net/tsc/id/project/> .
@prefix commitment: <https://fr.chm-cbd.net/tsc/id/commitment/> .
@prefix practice: <https://fr.chm-cbd.net/tsc/id/practice/> .
@prefix offer:    <https://fr.chm-cbd.net/tsc/id/offer/> .
@prefix request:  <https://fr.chm-cbd.net/tsc/id/request/> .
@prefix node:     <https://fr.chm-cbd.net/tsc/id/node/> .
@prefix gbf:      <https://w3id.org/tsc-graph/vocab/gbf/> .
@prefix cbd:      <https://w3id.org/tsc-graph/vocab/cbd/> .
@prefix country:  <https://w3id.org/tsc-graph/vocab/country/> .
@prefix atype:    <https://w3id.org/tsc-graph/vocab/actor-type/> .
@prefix stype:    <https://w3id.org/tsc-graph/vocab/support-type/> .
@prefix status:   <https://w3id.org/tsc-graph/vocab/status/> .
@prefix theme:    <https://w3id.org/tsc-graph/vocab/theme/> .
@prefix evidence: <https://w3id.org/tsc-graph/vocab/evidence/> .
@prefix rule:     <https://w3id.org/tsc-graph/vocab/classification-rule/> .
@prefix foaf:     <http://xmlns.com/foaf/0.1/> .
@prefix schema:   <https://schema.org/> .
@prefix dcterms:  <http://purl.org/dc/terms/> .
@prefix prov:     <http://www.w3.org/ns/prov#> .
@prefix rdfs:     <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:      <http://www.w3.org/2001/XMLSchema#> .
"""
HEAD = {
 "projects": "cooperation and capacity-building projects",
 "commitments": "national and international commitments of France on biodiversity",
 "practices": "good practices and lessons learnt, from published project reports and evaluations",
 "bio-bridge": "Bio-Bridge material: what public pages say of the Initiative's requests, offers and funded projects",
 "actors-more": "further actors named by the projects, commitments and practices' sources",
}
POLICY = """# Evidence policy (docs/data-sources.md): every record states only what its cited pages say (dcterms:source; the
# « # src » lines above each record quote the excerpts read, for curators to re-check), in our own words.
# GBF targets and CBD articles a page names are stated (tsc:contributesTo / tsc:implementsArticle); those the
# node's curators assigned from the subject are stated too, and recorded in a tsc:Classification (who, when, by
# which rule) so that pages and queries tell them apart. Sources were read on 2026-12-06 (data/fr/sources.ttl).
"""
src = Path(sys.argv[1])
for kind, what in HEAD.items():
    f = src / (("actors" if kind == "actors-more" else kind) + ".blocks.ttl")
    if not f.exists():
        continue
    text = f"# tsc-graph — French national CHM node: {what}.\n{POLICY}\n{PREFIXES}\n{f.read_text()}"
    Path(f"data/fr/{kind}.ttl").write_text(text)
urls = [u for u in (src / "sources.txt").read_text().split() if u]
lines = ["# tsc-graph — French national CHM node: the public pages its records cite, and when the node's curators",
         "# read them (tsc:readOn). docs/data-sources.md says how a curator re-checks them.", "",
         "@prefix tsc:  <https://w3id.org/tsc-graph/ontology#> .", "@prefix foaf: <http://xmlns.com/foaf/0.1/> .",
         "@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .", ""]
lines += [f'<{u}> a foaf:Document ; tsc:readOn "2026-12-06"^^xsd:date .' for u in urls]
Path("data/fr/sources.ttl").write_text("\n".join(lines) + "\n")
