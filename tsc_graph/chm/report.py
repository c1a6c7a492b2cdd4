"""The import report: issues found while reading records, and SHACL violations traced back to record and field.

Why not just the validation report: a curator fixes JSON records, not triples. Each violation carries the record
uid, the JSON field and the file it came from, next to the usual focus node, path and bilingual message.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from ..validation import ShapeMessage, ValidationReport, is_violation
from .importer import STRICT_KINDS, Issue, Provenance


@dataclass
class TracedViolation(ShapeMessage):
    record: str | None
    field: str | None
    file: str | None
    focus: str
    path: str | None
    value: str | None
    severity: str
    message_en: str
    message_fr: str


@dataclass
class ImportReport:
    files: list[str] = field(default_factory=list)
    records: dict[str, int] = field(default_factory=dict)  # record type → count
    triples: int = 0
    graph: str | None = None
    loaded: bool = False
    thesaurus: dict[str, Any] | None = None
    issues: list[Issue] = field(default_factory=list)
    #: record type → field → number of records whose value is kept verbatim (tsc:sourceFields)
    kept: dict[str, dict[str, int]] = field(default_factory=dict)
    #: record types the mapping does not know → number of records kept whole (also counted in ``records``)
    unmapped: dict[str, int] = field(default_factory=dict)
    violations: list[TracedViolation] = field(default_factory=list)
    validated: bool = False

    @property
    def conforms(self) -> bool:
        return not any(v.severity.endswith("Violation") for v in self.violations)

    @property
    def strict_failures(self) -> list[Issue]:
        return [i for i in self.issues if i.kind in STRICT_KINDS]

    def to_json(self) -> str:
        return json.dumps(
            {
                "conforms": self.conforms,
                "validated": self.validated,
                "loaded": self.loaded,
                "graph": self.graph,
                "files": self.files,
                "records": self.records,
                "triples": self.triples,
                "thesaurus": self.thesaurus,
                "kept": self.kept,
                "unmapped": self.unmapped,
                "issues": [asdict(i) for i in self.issues],
                "violations": [asdict(v) for v in self.violations],
            },
            ensure_ascii=False,
            indent=2,
        )

    def to_text(self, lang: str = "en") -> str:
        n = sum(self.records.values())
        kinds = ", ".join(f"{c} {t}" for t, c in sorted(self.records.items())) or "none"
        lines = [f"Imported {n} record(s) ({kinds}) from {len(self.files)} file(s): {self.triples} triples"
                 + (f" into {self.graph}" if self.graph else "") + ("" if self.loaded or not self.graph else " (NOT loaded)") + "."]
        if self.thesaurus:
            t = self.thesaurus
            lines.append(f"Thesaurus: {t['concepts']} concept(s) in {len(t['schemes'])} scheme(s), {t['matches']} exactMatch to our concepts.")
            lines.extend(f"- {issue}" for issue in t["issues"])
        if self.kept:
            lines.append("Kept verbatim on the source records (tsc:sourceFields; export gives them back unchanged):")
            lines.extend(f"- {schema}: " + ", ".join(f"{f} ({n})" for f, n in fields.items()) for schema, fields in sorted(self.kept.items()))
        lines.extend(f"Kept unmapped: {schema} ({n} record(s), kept whole; export gives them back unchanged)."
                     for schema, n in self.unmapped.items())
        if self.issues:
            lines.append(f"{len(self.issues)} issue(s) in the records:")
            lines.extend(i.to_text() for i in self.issues)
        if self.validated:
            if self.conforms:
                lines.append("Conforms to the SHACL shapes.")
            else:
                lines.append(f"Does not conform: {len(self.violations)} violation(s).")
                for v in self.violations:
                    where = f"record {v.record or '?'} field {v.field or '?'}" + (f" ({v.file})" if v.file else "")
                    lines.append(f"- {where}: {v.message(lang)}" + (f" (value: {v.value})" if v.value else "") + f" [{v.focus}]")
        return "\n".join(lines)


def trace(report: ValidationReport, prov: Provenance) -> list[TracedViolation]:
    """Violations whose focus node came from this import, each with its record and field."""
    out = []
    for v in report.violations + report.warnings:
        uid, fld = prov.where(v.focus, v.path, v.value)
        if uid is None:
            continue  # about data already in the store, not about these records
        out.append(TracedViolation(uid, fld, prov.file_of.get(uid), v.focus, v.path, v.value,
                                   "Violation" if is_violation(v) else v.severity.rsplit("#", 1)[-1],
                                   v.message_en, v.message_fr))
    out.sort(key=lambda t: (t.file or "", t.record or "", t.field or ""))
    return out
