"""The record of a harvest: the report it returns, its PROV-O activity in the harvest log, and the validators
(ETag, Last-Modified) read back from that log for the next, conditional, harvest.

Why a module of its own: the harvest log is what other nodes and auditors read about where a copy came from;
its vocabulary (PROV-O, VoID, SHACL) is written here only, as RDF terms (a source URL or label is never pasted
into a query or a document).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..errors import TscGraphError
from ..namespaces import DCTERMS, PROV, RDF, RDFS, SH, TSC, VOID, XSD
from ..queries import bind, get_query
from ..store import Store

if TYPE_CHECKING:  # the validation module: imported where validation runs
    from ..validation import ValidationReport

@dataclass
class HarvestReport:
    source: str
    mode: str  # "sparql" or "dump"
    graph: str
    triples: int
    started: datetime
    ended: datetime
    activity: str
    log_graph: str
    validation_graph: str | None = None
    validation: ValidationReport | None = None
    previous_triples: int = 0
    warnings: list[str] = field(default_factory=list)
    #: The source answered 304 Not Modified (or a local dump's content is unchanged): nothing was written.
    not_modified: bool = False
    etag: str = ""
    last_modified: str = ""

    @property
    def conforms(self) -> bool | None:
        return None if self.validation is None else self.validation.conforms

    @property
    def violations(self) -> list:
        return [] if self.validation is None else self.validation.violations

    def to_json(self) -> str:
        from dataclasses import asdict

        return json.dumps({
            "source": self.source, "mode": self.mode, "graph": self.graph, "triples": self.triples,
            "previous_triples": self.previous_triples,
            "started": _iso(self.started), "ended": _iso(self.ended), "activity": self.activity,
            "log_graph": self.log_graph, "validation_graph": self.validation_graph,
            "conforms": self.conforms, "violations": [asdict(v) for v in self.violations],
            "nonconforming_resources": self.nonconforming_resources(),
            "not_modified": self.not_modified, "etag": self.etag, "last_modified": self.last_modified,
            "warnings": self.warnings,
        }, ensure_ascii=False, indent=2)

    def nonconforming_resources(self) -> list[str]:
        return sorted({v.focus for v in self.violations})

    def to_text(self, lang: str = "en") -> str:
        kind = {"sparql": "SPARQL endpoint", "dump": "dump", "local": "local dump"}[self.mode]
        secs = (self.ended - self.started).total_seconds()
        if self.not_modified:
            return (f"{self.source} ({kind}) unchanged since the last harvest (HTTP 304 Not Modified or same content): "
                    f"nothing transferred or written; <{self.graph}> keeps its {self.previous_triples} triples")
        lines = [f"harvested {self.triples} triples from {self.source} ({kind}) into <{self.graph}> in {secs:.1f} s"
                 f" (replacing {self.previous_triples})"]
        if self.validation is None:
            lines.append("validation: skipped (--no-validate)")
        elif self.conforms:
            lines.append("validation: conforms, no violation")
        else:
            res = self.nonconforming_resources()
            lines.append(f"validation: {len(self.violations)} violation(s) in {len(res)} resource(s) — loaded anyway; "
                         f"report in <{self.validation_graph}>")
            for v in self.violations:
                where = v.focus + (f" {_short(v.path)}" if v.path else "")
                lines.append(f"  - {where}: {v.message(lang)}" + (f" (value: {v.value})" if v.value else ""))
        lines += [f"warning: {w}" for w in self.warnings]
        lines.append(f"provenance: <{self.activity}> in <{self.log_graph}>")
        return "\n".join(lines)


def _short(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1] if iri else ""


def _iso(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")


def last_validators(store: Store, graph: str, source: str) -> tuple[str, str]:
    """(ETag, Last-Modified) the source gave at the latest harvest of ``graph`` from that same source."""
    try:
        rows = store.query(bind(get_query("harvest-validators"), {"graph": graph})).bindings
    except TscGraphError:
        return "", ""
    for row in rows:  # latest first
        if str(row.get("source", "")) == source:
            return str(row.get("etag") or ""), str(row.get("last_modified") or "")
        return "", ""  # the latest harvest came from elsewhere: fetch in full
    return "", ""


def to_ntriples(triples) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def provenance_ntriples(r: HarvestReport) -> bytes:
    """The PROV-O record of one harvest, built as RDF terms (the source URL and labels are never pasted in)."""
    def iri(value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    def typed(value, datatype: str) -> ox.Literal:
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))

    act, snap = iri(r.activity), iri(f"{r.activity}#graph")
    source = iri(r.source)
    t = [
        (act, RDF + "type", iri(PROV + "Activity")),
        (act, RDFS + "label", ox.Literal(f"Harvest of {r.source} into {r.graph}", language="en")),
        (act, RDFS + "label", ox.Literal(f"Moissonnage de {r.source} dans {r.graph}", language="fr")),
        (act, PROV + "startedAtTime", typed(_iso(r.started), "dateTime")),
        (act, PROV + "endedAtTime", typed(_iso(r.ended), "dateTime")),
        (act, PROV + "used", source),
        (act, DCTERMS + "source", source),
        (act, PROV + "generated", snap),
        (snap, RDF + "type", iri(PROV + "Entity")),
        (snap, RDF + "type", iri(VOID + "Dataset")),
        (snap, PROV + "specializationOf", iri(r.graph)),
        (snap, PROV + "wasGeneratedBy", act),
        (snap, PROV + "generatedAtTime", typed(_iso(r.ended), "dateTime")),
        (snap, DCTERMS + "source", source),
        (snap, VOID + "triples", typed(r.triples, "integer")),
        (snap, VOID + ("sparqlEndpoint" if r.mode == "sparql" else "dataDump"), source),
    ]
    if r.etag:  # header values of the remote node: written as literals, whatever characters they hold
        t.append((snap, TSC + "sourceETag", ox.Literal(r.etag)))
    if r.last_modified:
        t.append((snap, TSC + "sourceLastModified", ox.Literal(r.last_modified)))
    if r.validation is not None:
        rep = iri(f"{r.activity}#validation")
        t += [
            (act, PROV + "generated", rep),
            (rep, RDF + "type", iri(SH + "ValidationReport")),
            (rep, RDF + "type", iri(PROV + "Entity")),
            (rep, SH + "conforms", typed("true" if r.conforms else "false", "boolean")),
            (rep, RDF + "value", typed(len(r.violations), "integer")),
            (rep, PROV + "wasGeneratedBy", act),
            (rep, PROV + "wasDerivedFrom", snap),
            (rep, RDFS + "comment", ox.Literal(
                f"{len(r.violations)} SHACL violation(s); report in graph {r.validation_graph}", language="en")),
            (rep, RDFS + "seeAlso", iri(r.validation_graph)),
        ]
    return to_ntriples(ox.Triple(s, iri(p), o) for s, p, o in t)


