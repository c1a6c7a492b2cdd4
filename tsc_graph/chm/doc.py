"""Renders the mapping table as Markdown for docs/chm-mapping.md.

Why generated: the doc is the table curators and the Secretariat read; generating it from
:data:`~tsc_graph.chm.mapping.RECORD_TYPES` (and testing that the file is in sync) means it cannot drift.
Regenerate with ``python -m tsc_graph.chm.doc > docs/chm-mapping.md``.
"""
from __future__ import annotations

from rdflib import URIRef

from ..namespaces import PREFIXES
from .mapping import KINDS, RECORD_TYPES
from .terms import ACTOR_TYPE_IDS, SCHEMES, STATUS_IDS, SUPPORT_TYPE_IDS, THEME_SUBJECTS

INTRO = """# Clearing-house (CHM) JSON ↔ RDF mapping

<!-- GENERATED from tsc_graph/chm/mapping.py and terms.py by `python -m tsc_graph.chm.doc > docs/chm-mapping.md`;
     tests/test_chm_cli.py fails if this file is out of date. Edit the Python table, not this file. -->

`tsc-graph import-chm FILE|DIR…` reads clearing-house JSON records (the Secretariat's shape, as served by its API
and by Bioland national sites) and thesaurus dumps; `tsc-graph export-chm` writes records back in the same shape.
Both read the one table in `tsc_graph/chm/mapping.py`, rendered below.

## Every record

* Resource IRI: `{base}id/<kind>/chm-<uid, lowercased, non [a-z0-9] runs → "-">` (kinds per docs/conventions.md).
* Provenance: the resource has `dcterms:identifier` (the CHM uid), `prov:wasDerivedFrom` and `dcterms:source`
  pointing to a source-record node `<{source-base}<uid>>` (default source base `https://api.cbd.int/api/v2013/documents/`,
  option `--source-base`), which is a `prov:Entity` with `dcterms:identifier` and `dcterms:type "<record type>"`
  (this is how export tells a `bbiOpportunity` from a `bbiProfile`: both are `tsc:CooperationOffer`).
* `tsc:evidence tscv:evidence/public-source` (records come from the public clearing-house; `--evidence illustrative`
  for test or unverified data).
* Term references (`{"identifier": …}`) become links to our SKOS concepts through the term schemes below, and the
  import states `<our concept> skos:exactMatch <https://w3id.org/tsc-graph/vocab/chm/<identifier>>`. An identifier
  with no concept of ours links to `https://w3id.org/tsc-graph/vocab/chm/<identifier>` (the concept the thesaurus
  import mints for that term) and comes back unchanged on export.
* CBD subjects (`thematicAreas`, `cbdSubjects`) give `tsc:thematicArea tscv:theme/…` where the crosswalk has a theme,
  and always `dcterms:subject <…/vocab/chm/CBD-SUBJECT-…>` (lossless export; unmapped subjects are kept this way).
* Unknown fields (not in the table, at any level: `header.revision`, `websites.name`…) are reported with record uid
  and field, and not imported; `--strict` makes them (and bad values, unmapped terms) fail with exit code 2.
  Known fields we do not map (property column "—") are reported as `not-mapped`, with the reason.
* All records of one import go into one named graph, replaced atomically: `--graph IRI`, default
  `{base}graph/chm-<file or directory name>` (`chm-import` for several paths). The graph is validated with the
  SHACL shapes (ontology, reference vocabularies and the rest of the store as context); every violation is reported
  with the record uid, the JSON field and the file. Default policy: load and report (exit 1 on violations);
  `--reject-invalid` refuses to load an invalid graph; `--dry-run` writes nothing. Malformed JSON: exit 2, with
  file, line and column.

## Thesaurus dumps

`import-chm --thesaurus FILE` (auto-detected: a JSON list of terms, or `{"<domain>": [terms]}`): one
`skos:ConceptScheme` per domain (`…/vocab/chm/scheme/<domain slug>`), one `skos:Concept`
`https://w3id.org/tsc-graph/vocab/chm/<identifier>` per term with `skos:notation` (identifier), `dcterms:identifier`
(termId), `skos:prefLabel` + `rdfs:label` per language (title), `skos:altLabel` (shortTitle, when it differs),
`skos:definition` (description), `skos:broader`/`skos:narrower` (both ways), `skos:related`, `skos:topConceptOf`
for terms without broader terms, and `skos:exactMatch` both ways with our concept for GBF targets and goals,
crosswalked CBD subjects and (in the `countries` domain) ISO country codes.
"""


def curie(iri: URIRef | str | None) -> str:
    if iri is None:
        return "—"
    s = str(iri)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if s.startswith(ns):
            return f"{prefix}:{s[len(ns):]}"
    return f"<{s}>"


def render_mapping() -> str:
    out = [INTRO, "## Value kinds\n", "| kind | JSON → RDF |", "|---|---|"]
    out += [f"| `{k}` | {d.replace('|', '/')} |" for k, d in KINDS.items()]
    out += ["", "## Term schemes\n", "| scheme | identifiers → concepts |", "|---|---|"]
    out += [f"| `{s.name}` | {s.description} |" for s in SCHEMES.values()]
    out += ["", "CBD subject crosswalk (✔ = identifier seen in the Secretariat's data; ? = to check against a live dump):\n",
            "| tscv:theme | CBD subject | |", "|---|---|---|"]
    out += [f"| `{t}` | `{s}` | {'✔' if ok else '?'} |" for t, (s, ok) in THEME_SUBJECTS.items()]
    out += ["", "Organisation types, assistance types and statuses: the crosswalks (`ACTOR_TYPE_IDS`, `SUPPORT_TYPE_IDS`,",
            "`STATUS_IDS` in `tsc_graph/chm/terms.py`) accept our notations — "
            + ", ".join(f"`{x}`" for x in (*ACTOR_TYPE_IDS, *SUPPORT_TYPE_IDS, *STATUS_IDS))
            + " — and are where the Secretariat's own ids for these domains go once verified.", ""]
    for rt in RECORD_TYPES.values():
        out.append(f"## `{rt.schema}` → `{curie(rt.rdf_class)}` (`{{base}}id/{rt.kind}/chm-<uid>`)\n")
        if rt.note:
            out.append(rt.note[0].upper() + rt.note[1:] + ".\n")
        if rt.generated_label:
            out.append(f"No title field: `rdfs:label` is generated — “{rt.generated_label[1]}” / “{rt.generated_label[0]}”.\n")
        out += ["| JSON field | kind | RDF property | scheme / target | notes |", "|---|---|---|---|---|"]
        for f in rt.fields:
            kind = f.kind + ("[]" if f.many else "")
            prop = curie(f.prop)
            if f.on == "record":
                prop += " (on the source-record node)"
            if f.via is not None:
                prop = f"{curie(f.via)} / {prop}"
            extra = []
            if f.also is not None:
                extra.append(f"also {curie(f.also)}")
            if f.exclude is not None:
                extra.append(f"export skips values with {curie(f.exclude)}")
            if f.overflow is not None:
                extra.append(f"values after the first → {curie(f.overflow)}")
            if f.note:
                extra.append(f.note)
            target = f.scheme or ""
            out.append(f"| `{f.path}` | {kind} | {prop} | {target} | {'; '.join(extra)} |")
        out.append("")
    out += [
        "## Terms proposed to the ontology",
        "",
        "* `tsc:freeSupportType` — sub-property of `tsc:supportType`: a support type an offer provides free of charge",
        "  (`bbiProfile.assistanceTypesFree`). Used by the mapping now; `tsc:supportType` is asserted alongside it.",
        "* Not yet used (the fields are reported as `not-mapped`): `tsc:objectives` (bbiRequest), `tsc:results` and",
        "  `tsc:lessonsLearned` (capacityBuildingInitiative), `tsc:eligibility` (bbiOpportunity), `tsc:fundingSourceType`.",
        "",
        "## Known losses",
        "",
        "* `acronym` is multilingual in the CHM but a plain `schema:alternateName` string in our conventions: export",
        "  puts a single acronym under every language of the record, and several acronyms one per language, in order.",
        "* Contacts are inline (`firstName`, `lastName`, `emails`); a contact given only by reference to a `bbiContact`",
        "  record is reported as a bad value.",
        "",
    ]
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    print(render_mapping(), end="")
