"""Renders the mapping table as Markdown for docs/chm-mapping.md.

Why generated: the doc is the table curators and the Secretariat read; generating it from
:data:`~tsc_graph.chm.mapping.RECORD_TYPES` and the shipped thesaurus data (and testing that the file is in sync)
means it cannot drift. Regenerate with ``python -m tsc_graph.chm.doc > docs/chm-mapping.md``.
"""
from __future__ import annotations

from rdflib import URIRef

from ..namespaces import PREFIXES
from .mapping import KINDS, NODES, RECORD_TYPES, REQUIRED, SOURCES, UID_PATTERN
from .terms import SCHEMES, domains

INTRO = """# Clearing-house (CHM) JSON ↔ RDF mapping

<!-- GENERATED from tsc_graph/chm/mapping.py and tsc_graph/chm/data/thesaurus.json by
     `python -m tsc_graph.chm.doc > docs/chm-mapping.md`; tests/test_chm_cli.py fails if this file is out of date.
     Edit the Python table or the JSON, not this file. -->

`tsc-graph import-chm FILE|DIR…` reads clearing-house JSON as the CBD Secretariat publishes it — records
(`{"header": {"identifier", "schema", "languages"}, …}`), the document API's envelope
(`{"identifier", "metadata", "revision", …, "body": {record}}`), lists of either, API pages (`{"Items": […]}`) — and
thesaurus dumps; `tsc-graph export-chm` writes records back in the same shape. Both read the one table in
`tsc_graph/chm/mapping.py`, rendered below with the documentation each record and field shape comes from.

## Every record

* Resource IRI: `{base}id/<kind>/chm-<uid, lowercased, non [a-z0-9] runs → "-">` (kinds per docs/conventions.md;
  the shapes want lowercase slugs). The uid keeps its case in `dcterms:identifier` and on export (the API says
  identifiers are case-sensitive): two records whose uids differ only by case or punctuation (`ORG-1`, `org_1`)
  would share an IRI, so the second is skipped and reported as `colliding-record` — also when another graph of the
  store already publishes that resource from the other uid.
* Provenance: the resource has `dcterms:identifier` (the uid), `tsc:sourceRecord` and `dcterms:source` pointing
  to the source-record node `<{source-base}<uid>>` (default source base `https://api.cbd.int/api/v2013/documents/`,
  option `--source-base`), a `prov:Entity` with `dcterms:identifier`, `dcterms:type "<record type>"` (how export tells
  a `bbiOpportunity` from a `bbiProfile`, a `bbiContact` from a `contact`), and, from the API envelope,
  `tsc:revision`, `dcterms:created`, `dcterms:modified`, `dcterms:dateSubmitted`, and the whole envelope kept as
  `tsc:sourceEnvelope` (`rdf:JSON`).
* References `{"identifier": "2C86F905-…-BDE9@1"}`: the revision is stripped from the link (so a link resolves whether
  the linked record is imported before, after, with, or without the record that cites it), and kept: the
  source-record node states `dcterms:references <…/documents/2C86F905-…-BDE9/versions/1>`, a `prov:Entity` with
  `dcterms:identifier` (original case), `tsc:revision 1` and `prov:specializationOf <…/documents/2C86F905-…-BDE9>`.
  Export writes the reference back exactly.
* Contacts: `contacts` / `contact` references (`SIMP-…@1`, bbiContact records) link with `dcat:contactPoint` to the
  contact resource `{base}id/contact/chm-<uid>`, which the `contact` and `bbiContact` records describe (a `vcard:Kind`).
  The older inline contact (EContactRef) becomes a `vcard:Individual` blank node.
* Terms `{"identifier": …}` link to our SKOS concepts through the term schemes and the shipped crosswalk below, and
  the import states `<our concept> skos:exactMatch <https://w3id.org/tsc-graph/vocab/chm/<identifier>>`. An identifier
  with no concept of ours links to `https://w3id.org/tsc-graph/vocab/chm/<identifier>` (the concept the thesaurus
  import mints for that term); one no domain of the field knows is reported as `unknown-term` with its domain, one
  known but not crosswalked to the scheme the field needs as `unmapped-term`.
* **Lossless**: a field with no property (shape column, "kept verbatim"), a field the table does not know (reported as
  `unknown-field`), and a mapped value the RDF keeps only in part (the order of a list, a link's `name`, a term's
  `customValue`, a date-time's time) are kept verbatim on the source-record node: `tsc:sourceFields`, an `rdf:JSON`
  object `{field: {"value": original, "rdf": what the RDF gave at import}}`. Export writes the original value while
  the RDF still says the same, and what the RDF says once the data has been edited. So export → import → export
  gives back every field of the source record, byte-for-byte equal JSON values (key order aside).
* `tsc:evidence tscv:evidence/public-source` (records come from the public clearing-house; `--evidence illustrative`
  for test or unverified data). `export-chm` leaves out resources marked `tsc:evidence tscv:evidence/illustrative`
  unless `--include-illustrative`, which exports them with `"tscEvidence": "illustrative"` (read back on import).
* `export-chm` exports this node's own graphs: every graph but the harvested copies (`{base}graph/node/…`), whose
  records are the peers' (each peer publishes its own to the clearing-house). `--graph G` (repeatable, a harvested
  copy too) or `--include-harvested` asks for them; they come back as imported, with the peer's source record.
* All records of one import go into one named graph, replaced atomically: `--graph IRI`, default
  `{base}graph/chm-<file or directory name>` (`chm-import` for several paths). The graph is validated with the
  SHACL shapes (ontology, reference vocabularies and the rest of the store as context); every violation is reported
  with the record uid, the JSON field and the file. Default policy: load and report (exit 1 on violations);
  `--reject-invalid` refuses to load an invalid graph; `--dry-run` writes nothing; `--strict` fails (exit 2) on any
  issue but a record kept unmapped. Malformed JSON (file, line, column), a file that is neither records nor a
  thesaurus, a record without identifier or record type (a name: a letter, then letters, digits, `-` or `_`):
  exit 2, nothing written. So is JSON that Python or the store cannot hold, named with the file and the record
  or place: a file over 100 MB, nesting deeper than 64 levels, a record (or thesaurus term) over 2 million
  characters of JSON (Oxigraph refuses a text over 16 MiB), a lone UTF-16 surrogate (`"\\ud800"`). A value the store
  would refuse is a `bad-value` issue, kept verbatim: an e-mail that is not one address or not a `mailto:` IRI
  (`a>b@…`, `a"b@…`), a URL that is not an IRI, a language key or code that is not a BCP 47 tag (`en<script>`).
* A well-formed record of a type the table below does not map (`header.schema` of another clearing-house record type)
  is kept whole, unmapped: no resource of ours (no class fits), only its source-record node, a `prov:Entity` with
  `dcterms:identifier`, `dcterms:type "<record type>"` and every field in `tsc:sourceFields`. The import reports it
  (`unmapped-record`: "kept unmapped: <record type>"; not an error, exit 0) and `export-chm` gives it back unchanged
  (left out with `--type`, which names mapped types; with `--evidence illustrative` it keeps `"tscEvidence"`).

## Thesaurus dumps

`import-chm --thesaurus FILE` (auto-detected: a JSON list of terms, or `{"<domain>": [terms]}`; the term shape of
`GET /api/v2013/thesaurus/domains/{domain}/terms`): one `skos:ConceptScheme` per domain
(`…/vocab/chm/scheme/<domain slug>`), one `skos:Concept` `https://w3id.org/tsc-graph/vocab/chm/<identifier>` per term
with `skos:notation` (identifier), `dcterms:identifier` (termId), `skos:prefLabel` + `rdfs:label` per language
(title, else name), `skos:altLabel` (shortTitle, when it differs), `skos:definition` (description, a plain string),
`dcterms:description` per language (longDescription), `dc:source` (source), `skos:hiddenLabel` (nonPreferedTerms),
`skos:broader`/`skos:narrower` (both ways), `skos:related`, `skos:topConceptOf` for terms without broader terms, and
`skos:exactMatch` both ways with our concept where the crosswalk has one (`skos:editorialNote` when not verified).
Imported into the store, a domain's terms are known to later record imports (no `unknown-term`).

The crosswalk and the terms the Secretariat documents ship in `tsc_graph/chm/data/thesaurus.json`, rendered as
`tsc_graph/reference/chm-thesaurus.ttl` (`python -m tsc_graph.chm.shipped`; terms left untyped there, since the
reference shapes want labels in French and English the documentation does not give).
"""


def curie(iri: URIRef | str | None) -> str:
    if iri is None:
        return "—"
    s = str(iri)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if s.startswith(ns):
            return f"{prefix}:{s[len(ns):]}"
    return f"<{s}>"


def source_link(key: str) -> str:
    repo, path, commit = SOURCES[key]
    return f"[{repo} `{path}`@{commit[:8]}](https://github.com/{repo}/blob/{commit}/{path})"


def _cell(text: str) -> str:
    """Text for a Markdown table cell: a pipe would end the cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def render_domains() -> list[str]:
    out = ["## Thesaurus domains and crosswalk\n",
           "| domain | API | documented terms | crosswalked | complete | what is missing |", "|---|---|---|---|---|---|"]
    for d in domains().values():
        crosswalk = f"{len(d.matches)}" + (" + pattern" if d.pattern_ours else "")
        out.append(f"| `{d.name}` | `{d.api or '—'}` | {len(d.terms)} | {crosswalk} | {'yes' if d.complete else 'no'} | {_cell(d.missing)} |")
    out += ["", "Crosswalk entries (✔ verified against the Secretariat's documentation or data; ? to check against a live dump):\n",
            "| domain | identifier | title (as documented or quoted) | our concept | | evidence |", "|---|---|---|---|---|---|"]
    for d in domains().values():
        if d.pattern_ours:
            out.append(f"| `{d.name}` | pattern `{_cell(d.pattern.pattern) if d.pattern else ''}` | | `tscv:{d.pattern_ours}` | "
                       f"{'✔' if d.pattern_verified else '?'} | {_cell(d.pattern_evidence)} |")
        for m in d.matches.values():
            title = next((t.get("name") or (t.get("title") or {}).get("en", "") for t in d.terms if t["identifier"] == m.identifier), "")
            out.append(f"| `{d.name}` | `{m.identifier}` | {_cell(title)} | `{curie(m.concept)}` | {'✔' if m.verified else '?'} | {_cell(m.evidence)} |")
    out.append("")
    return out


def render_refusals() -> list[str]:
    out = ["## What the clearing-house would refuse\n",
           "`export-chm` exports every record, and names on standard error (and as JSON in `--report FILE`) each record "
           "the Secretariat's clearing-house would refuse as it stands, with every reason (exit 0: the curator fixes "
           f"the data before submitting): an identifier outside the documents API's uid pattern `{UID_PATTERN[0]}` "
           f"({source_link(UID_PATTERN[1])}), and each field the record type's documentation marks mandatory left "
           "empty (absent, null, \"\", [], {} or blank texts; `a \\| b`: one of the two). Record types not listed "
           "have no mandatory field documented.\n",
           "| record type | mandatory fields | documented in |", "|---|---|---|"]
    for schema, (source, names) in REQUIRED.items():
        fields = ", ".join("`" + n.replace("|", " \\| ") + "`" for n in names)
        out.append(f"| `{schema}` | {fields} | {source_link(source)} |")
    out.append("")
    return out


def render_mapping() -> str:
    out = [INTRO, "## Sources of the record shapes\n", "| key | file |", "|---|---|"]
    out += [f"| `{k}` | {source_link(k)} |" for k in SOURCES]
    out += ["", "## Value kinds\n", "| kind | JSON → RDF |", "|---|---|"]
    out += [f"| `{k}` | {_cell(d)} |" for k, d in KINDS.items()]
    out += ["", "## Nodes other than the resource\n", "| node | reached by | class | |", "|---|---|---|---|"]
    out += [f"| `{n}` | {'the resource' if s.parent == 'resource' else '`' + s.parent + '`'} → `{curie(s.link)}` | "
            f"{', '.join('`' + curie(c) + '`' for c in s.classes)} | {_cell(s.note)} |" for n, s in NODES.items()]
    out += ["", "## Term schemes\n", "| scheme | domains | identifiers → concepts |", "|---|---|---|"]
    out += [f"| `{s.name}` | {', '.join('`' + n + '`' for n in s.domain_names) or '—'} | {_cell(s.description)} |" for s in SCHEMES.values()]
    out += [""] + render_domains()
    out += ["## Fields per record type\n", "| record type | class | documented fields | mapped to RDF | kept verbatim only |",
            "|---|---|---|---|---|"]
    for rt in RECORD_TYPES.values():
        tops = rt.tops
        mapped = {f.top for f in rt.mapped}
        out.append(f"| `{rt.schema}` | `{curie(rt.rdf_class)}` | {len(tops)} | {len([t for t in tops if t in mapped])} | "
                   f"{len([t for t in tops if t not in mapped])} |")
    out.append("\nEvery field of every record type round-trips losslessly (tests/test_chm_records.py); "
               "“documented fields” counts top-level keys, the header as one.\n")
    out += render_refusals()
    for rt in RECORD_TYPES.values():
        out.append(f"## `{rt.schema}` → `{curie(rt.rdf_class)}` (`{{base}}id/{rt.kind}/chm-<uid>`)\n")
        out.append("Shapes: " + "; ".join(source_link(k) for k in rt.sources) + ".\n")
        if rt.note:
            out.append(rt.note[0].upper() + rt.note[1:] + ".\n")
        if rt.generated_label:
            out.append(f"A record without a title gets a generated `rdfs:label` — “{rt.generated_label[1]}” / "
                       f"“{rt.generated_label[0]}” — which export leaves out.\n")
        out += ["| JSON field | shape | kind | RDF property | scheme / target | shape from | notes |", "|---|---|---|---|---|---|---|"]
        for f in rt.fields:
            if f.mapped:
                prop = curie(f.prop)
                if f.node == "record":
                    prop += " (on the source-record node)"
                elif f.node != "resource":
                    prop = f"`{f.node}` / {prop}"
            else:
                prop = "kept verbatim"
            extra = []
            if f.also is not None:
                extra.append(f"also {curie(f.also)}")
            if f.overflow is not None:
                extra.append(f"values after the first → {curie(f.overflow)}")
            if f.other is not None:
                extra.append(f"values with no concept of ours → {curie(f.other)}")
            if f.exclude is not None:
                extra.append(f"export skips values with {curie(f.exclude)}")
            if f.note:
                extra.append(f.note)
            kind = f.kind if f.mapped else "—"
            out.append(f"| `{f.path}` | {f.shape} | {kind} | {prop} | {f.scheme or ''} | `{f.source or rt.sources[0]}` | {_cell('; '.join(extra))} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    print(render_mapping(), end="")
