"""``tsc-graph import-chm``: clearing-house JSON records and thesaurus dumps → RDF in one named graph.

Exit codes: 0 imported and conforms; 1 imported (or refused with ``--reject-invalid``) with SHACL violations;
2 bad input (malformed JSON, not a record or thesaurus, a record without identifier or type, or any issue under
``--strict``) — nothing written. A record of a type the mapping does not know is kept whole, unmapped (reported
``kept unmapped: <schema>``), and export-chm gives it back unchanged. Default policy is load-but-report: curators
fix records in the CHM and re-import (the graph is replaced).
"""
from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Graph, URIRef

from .. import ONTOLOGY_DIR, REFERENCE_DIR
from ..chm import DEFAULT_SOURCE_BASE
from ..chm.identity import resource_iri, slug, split_revision
from ..chm.importer import RecordImporter, import_records
from ..chm.mapping import RECORD_TYPES
from ..chm.reader import Item, read
from ..chm.report import ImportReport, trace
from ..chm.thesaurus import thesaurus_graph
from ..errors import BadInput
from ..queries import bind, get_query
from ..store import GraphNamer, Source, Store
from ..validation import load_rdf_files, validate
from . import store_from_args


def register(sub) -> None:
    p = sub.add_parser("import-chm", help="import clearing-house JSON records (or a thesaurus dump) as RDF")
    p.add_argument("paths", nargs="+", help="JSON files or directories: records, API envelopes, lists of either, thesaurus dumps")
    p.add_argument("--thesaurus", action="store_true", help="read the files as thesaurus dumps (auto-detected otherwise)")
    p.add_argument("--graph", help="named graph to replace (default {base}graph/chm-<file or directory name>)")
    p.add_argument("--source-base", default=DEFAULT_SOURCE_BASE, help="base IRI of source records (default %(default)s)")
    p.add_argument("--evidence", choices=["public-source", "illustrative"], default="public-source",
                   help="tsc:evidence of imported resources (default %(default)s: taken from the public clearing-house)")
    p.add_argument("--strict", action="store_true",
                   help="fail (exit 2, nothing loaded) on unknown fields, bad values, unknown or unmapped terms")
    p.add_argument("--reject-invalid", action="store_true", help="do not load if the graph violates the SHACL shapes (exit 1)")
    p.add_argument("--no-validate", action="store_true", help="skip SHACL validation")
    p.add_argument("--dry-run", action="store_true", help="convert and validate, but write nothing")
    p.add_argument("--format", "-f", choices=["text", "json"], default="text", help="report format")
    p.add_argument("--lang", choices=["en", "fr"], default="en", help="language of violation messages in text reports")
    p.set_defaults(func=run)


def default_graph(base_uri: str, paths: list[str]) -> str:
    base = base_uri if base_uri.endswith("/") else base_uri + "/"
    name = slug(Path(paths[0]).stem) if len(paths) == 1 else "import"
    return f"{base}graph/chm-{name or 'import'}"


def context_graph(store: Store, exclude: str) -> Graph:
    """What the imported graph is validated with: ontology, reference vocabularies, and the rest of the store."""
    g = load_rdf_files([ONTOLOGY_DIR, REFERENCE_DIR])
    for name in store.graphs():
        if name != exclude:
            g += store.to_rdflib(name)
    return g


def known_terms(store: Store) -> dict[str, set[str]]:
    """Thesaurus terms in the store per domain (a refreshed domain makes its terms known to the record import)."""
    out: dict[str, set[str]] = {}
    for row in store.query(get_query("chm-known-terms").text).bindings:
        out.setdefault(str(row["domain"]), set()).add(str(row["identifier"]))
    return out


#: Resources asked about per query (a query's text is bounded: tsc_graph.guards.MAX_QUERY_CHARS).
OWNERS_PER_QUERY = 500


def published_owners(store: Store, base_uri: str, records: list[Item], replaced: str) -> dict[URIRef, tuple[str, str]]:
    """Resource IRI → (uid, "graph <…>") for the records' resources that other graphs of the store already publish
    (``replaced``, the graph this import rewrites, does not count)."""
    iris = sorted({str(resource_iri(base_uri, RECORD_TYPES[it.schema].kind, split_revision(it.uid)[0]))
                   for it in records if it.schema in RECORD_TYPES})
    out: dict[URIRef, tuple[str, str]] = {}
    for start in range(0, len(iris), OWNERS_PER_QUERY):
        query = bind(get_query("chm-record-owners"), {"resource": iris[start:start + OWNERS_PER_QUERY]})
        for row in store.query(query).bindings:
            if str(row["graph"]) != replaced:
                out.setdefault(URIRef(str(row["resource"])), (str(row["identifier"]), f"graph <{row['graph']}>"))
    return out


def run(args) -> int:
    batch = read(args.paths, thesaurus=args.thesaurus)
    if not batch.records and not batch.terms:
        raise BadInput("no clearing-house records or thesaurus terms in " + ", ".join(args.paths))
    target = args.graph or default_graph(args.base_uri, args.paths)
    with store_from_args(args) as store:
        known = known_terms(store)
        for domain, terms in batch.terms.items():  # terms imported together with the records are known too
            known.setdefault(domain, set()).update(t["identifier"] for t in terms if isinstance(t["identifier"], str))
        owners = published_owners(store, args.base_uri, batch.records, target)
        imp: RecordImporter = import_records(batch.records, args.base_uri, args.source_base, args.evidence, known,
                                             owners)
        graph = imp.graph
        report = ImportReport(files=batch.files, graph=target, issues=imp.issues,
                              kept={schema: dict(sorted(c.items())) for schema, c in imp.kept.items()},
                              unmapped=dict(sorted(imp.unmapped.items())))
        for schema in imp.prov.schema_of.values():
            report.records[schema] = report.records.get(schema, 0) + 1
        if batch.terms:
            th = thesaurus_graph(batch.terms)
            graph += th.graph
            report.thesaurus = {"concepts": th.concepts, "schemes": th.schemes, "matches": th.matches, "issues": th.issues}
        report.triples = len(graph)

        def finish(code: int) -> int:
            print(report.to_json() if args.format == "json" else report.to_text(args.lang))
            if report.issues:
                print(f"import-chm: {len(report.issues)} issue(s) in the records (unknown fields, bad values, unknown or "
                      "unmapped terms, duplicate or colliding records, records kept unmapped); see the report", file=sys.stderr)
            return code

        if args.strict and report.strict_failures:
            print(f"import-chm: --strict: {len(report.strict_failures)} issue(s); nothing loaded", file=sys.stderr)
            return finish(2)
        if not len(graph):  # every record skipped (duplicates, collisions): loading would empty the graph
            print("import-chm: every record was skipped; nothing loaded", file=sys.stderr)
            return finish(2)
        if batch.records and not args.no_validate:
            data = Graph()
            data += graph
            data += context_graph(store, report.graph)
            report.violations = trace(validate(data), imp.prov)
            report.validated = True
        if args.dry_run or (args.reject_invalid and not report.conforms):
            return finish(0 if report.conforms else 1)
        body = graph.serialize(format="nt", encoding="utf-8")
        store.load([Source(name=report.graph, data=body, format="ntriples")], graph_for=GraphNamer(args.base_uri, fixed=report.graph))
        report.loaded = True
    return finish(0 if report.conforms else 1)
