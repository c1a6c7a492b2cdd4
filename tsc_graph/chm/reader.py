"""Reading clearing-house JSON: single records, lists of records, directories, thesaurus dumps.

Why a reader of its own: curators hand us exports of every shape (one record per file, an API page holding a
list, a thesaurus dump), and a malformed file must be named with its line and column so it can be fixed — the
CLI turns :class:`~tsc_graph.errors.BadInput` into exit code 2.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BadInput, LoadError


@dataclass
class Batch:
    """What a set of JSON files holds: records (with the file each came from) and thesaurus terms per domain."""

    records: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    terms: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def json_files(paths: list[str | Path]) -> list[Path]:
    """Files given directly, plus every ``*.json`` under given directories (sorted, recursive)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*.json") if f.is_file())
            if not found:
                raise BadInput(f"{p}: no JSON files (*.json) in this directory")
            out.extend(found)
        elif p.is_file():
            out.append(p)
        else:
            raise BadInput(f"{p}: no such file or directory")
    return out


def parse_json(path: Path) -> Any:
    """Parse one file; malformed JSON raises LoadError naming the file, line and column."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise LoadError(str(path), f"not UTF-8 text ({e.reason} at byte {e.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise LoadError(str(path), f"malformed JSON: {e.msg}", line=e.lineno, column=e.colno) from None


def is_record(obj: Any) -> bool:
    return isinstance(obj, dict) and isinstance(obj.get("header"), dict)


def is_term(obj: Any) -> bool:
    return isinstance(obj, dict) and "header" not in obj and "identifier" in obj and ("title" in obj or "name" in obj)


def classify(obj: Any, name: str, batch: Batch, thesaurus: bool = False) -> None:
    """Sort the content of one file into records or thesaurus terms (auto-detected unless ``thesaurus``)."""
    stem = Path(name).stem
    if is_record(obj) and not thesaurus:
        batch.records.append((name, obj))
    elif isinstance(obj, list) and obj and all(is_record(o) for o in obj) and not thesaurus:
        batch.records.extend((name, o) for o in obj)
    elif isinstance(obj, list) and all(is_term(o) for o in obj):
        batch.terms.setdefault(stem.upper(), []).extend(obj)
    elif isinstance(obj, dict) and obj and all(isinstance(v, list) and all(is_term(t) for t in v) for v in obj.values()):
        for domain, terms in obj.items():
            batch.terms.setdefault(domain, []).extend(terms)
    else:
        raise BadInput(
            f"{name}: neither a clearing-house record ({{\"header\": {{\"identifier\", \"schema\"}}, …}}), a list of records, "
            "nor a thesaurus dump (a list of terms with identifier and title, or {domain: [terms]})"
        )


def read(paths: list[str | Path], thesaurus: bool = False) -> Batch:
    """Read every file first, so a malformed file stops the import before anything is written."""
    batch = Batch()
    for f in json_files(paths):
        classify(parse_json(f), str(f), batch, thesaurus=thesaurus)
        batch.files.append(str(f))
    return batch
