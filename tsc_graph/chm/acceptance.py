"""What the Secretariat's clearing-house would refuse in an exported record, and why.

Why a check of its own: ``export-chm`` writes records for curators to submit, and a record the documents API refuses
(an identifier outside its uid pattern, a field its form marks mandatory left empty) is found out only at submission,
one record at a time. Naming every such record and reason at export lets the curator fix the data first. The rules
are the Secretariat's documentation, cited in :data:`~tsc_graph.chm.mapping.REQUIRED` and
:data:`~tsc_graph.chm.mapping.UID_PATTERN`; nothing here changes the exported record.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from .mapping import REQUIRED, SOURCES, UID_PATTERN

_UID = re.compile(UID_PATTERN[0])
_UID_CHARS = re.compile(r"[^A-Za-z0-9\-_]")


@dataclass
class Refusal:
    """One reason the clearing-house would refuse one record."""

    identifier: str
    schema: str
    field: str
    reason: str
    source: str  # "repository path@commit" of the rule

    def to_text(self) -> str:
        return f"- {self.schema} {self.identifier}: {self.field}: {self.reason}"

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def _cite(key: str) -> str:
    repo, path, commit = SOURCES[key]
    return f"{repo} {path}@{commit[:8]}"


def empty(value: Any) -> bool:
    """No value as the form sees it: absent, null, "", [], {} or a multilingual text whose texts are all blank."""
    if value is None or value == "" or value == [] or value == {}:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, dict) and value and all(isinstance(t, str) for t in value.values()):
        return not any(t.strip() for t in value.values())
    return False


def uid_problem(uid: str) -> str | None:
    """Why the documents API would refuse this uid, or None."""
    if _UID.match(uid):
        return None
    if len(uid) < 11:
        return f"{uid!r} is {len(uid)} character(s); the documents API takes identifiers of 11 to 128"
    if len(uid) > 128:
        return f"{len(uid)} characters; the documents API takes identifiers of 11 to 128"
    bad = "".join(dict.fromkeys(_UID_CHARS.findall(uid)))
    return f"{uid!r} holds {bad!r}: the documents API takes letters A-Z a-z, digits, - and _ only"


def refusals(record: dict[str, Any]) -> list[Refusal]:
    """Every reason the clearing-house would refuse this record (an empty list: none we know of)."""
    header = record.get("header") or {}
    uid, schema = str(header.get("identifier", "")), str(header.get("schema", ""))
    out: list[Refusal] = []
    problem = uid_problem(uid)
    if problem:
        out.append(Refusal(uid, schema, "header.identifier", problem, _cite(UID_PATTERN[1])))
    source, required = REQUIRED.get(schema, ("", ()))
    for entry in required:
        names = entry.split("|")
        if all(empty(record.get(n)) for n in names):
            what = " or ".join(names)
            out.append(Refusal(uid, schema, entry, f"mandatory field {what} is missing or empty", _cite(source)))
    return out
