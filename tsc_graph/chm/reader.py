"""Reading clearing-house JSON: records, API envelopes, lists of either, directories, thesaurus dumps.

Why a reader of its own: curators hand us exports of every shape — one record per file, the API's document
envelope ``{identifier, metadata, body: {header…}, revision…}``, a list of envelopes or of records, an API page
``{"Items": […]}``, a thesaurus dump — and a malformed file must be named with its line and column so it can be
fixed. Every file is read and checked before anything is converted, so a bad file stops the whole import (exit
code 2) with nothing written. A well-formed record of a type the mapping does not know is not a bad file: the
importer keeps it whole (see :meth:`tsc_graph.chm.importer.RecordImporter.add`).

Why limits (:data:`MAX_FILE_BYTES`, :data:`MAX_DEPTH`, :data:`MAX_RECORD_CHARS`): a file is whatever a curator was
handed, and what Python and Oxigraph cannot hold fails deep inside them — a RecursionError from ``json`` on a
document nested 100,000 levels deep, a MemoryError from Oxigraph's parser on a text over 16 MiB, a
UnicodeEncodeError on a lone surrogate (``"\\ud800"`` is valid JSON, not valid Unicode). Each is refused here,
naming the file (and the record and field where there is one), like malformed JSON.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BadInput, LoadError
from .mapping import RECORD_TYPES

#: Largest file read (a bigger export is split into several files: json holds a whole file in memory, several
#: times its size).
MAX_FILE_BYTES = 100 * 1024 * 1024
#: Deepest nesting of objects and lists in a file. An API page nests records 6 levels deep; json and the
#: importer recurse, and Python stops near 1,000 levels.
MAX_DEPTH = 64
#: Longest record, in characters of its JSON (with its envelope). Its longest field becomes one literal (or is kept
#: verbatim, escaped twice, in ``tsc:sourceFields``), and Oxigraph refuses a token over 16 MiB: 2 million
#: characters stay under it however they are escaped.
MAX_RECORD_CHARS = 2_000_000
#: What a record type (``header.schema``) looks like: a name such as ``nationalTarget7``. A record of a type we do
#: not map is imported unmapped, its type printed in the report; a "type" with spaces, line breaks or markup is not
#: a record type, and printed it could forge lines of the curator's report.
RECORD_TYPE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,99}$")
#: A lone UTF-16 surrogate: only a JSON escape (``\ud800``) can make one, and UTF-8 cannot encode it.
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class Item:
    """One record to import: the file it came from, the record body, and the API envelope around it (if any)."""

    file: str
    record: dict[str, Any]
    envelope: dict[str, Any] | None = None

    @property
    def uid(self) -> str:
        return self.record["header"]["identifier"]

    @property
    def schema(self) -> str:
        return self.record["header"]["schema"]


@dataclass
class Batch:
    """What a set of JSON files holds: records (with the file each came from) and thesaurus terms per domain."""

    records: list[Item] = field(default_factory=list)
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
    """Parse one file; malformed JSON, and JSON Python or the store cannot hold, raise LoadError naming the file
    (and the line and column, or the place in the document)."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise LoadError(str(path), f"{size:,} bytes; the limit is {MAX_FILE_BYTES:,} per file: split the export "
                                   "into several files")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise LoadError(str(path), f"not UTF-8 text ({e.reason} at byte {e.start})") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        raise LoadError(str(path), f"malformed JSON: {e.msg}", line=e.lineno, column=e.colno) from None
    except RecursionError:
        raise LoadError(str(path), _too_deep()) from None
    check_tree(str(path), obj)
    return obj


def _too_deep(where: str = "") -> str:
    return f"JSON nested more than {MAX_DEPTH} levels deep" + (f" (at {where})" if where else "") + \
        "; clearing-house records nest a few levels"


def json_path(keys: tuple[str | int, ...]) -> str:
    """``("Items", 0, "name", "en")`` → ``Items[0].name.en``: where in a file, as a curator searches for it."""
    out = ""
    for k in keys:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out or "(the document)"


def check_tree(name: str, obj: Any) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH` and lone surrogates in keys or texts (iteratively: a check
    must not recurse into what it guards against)."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(obj, ())] if isinstance(obj, (dict, list)) else []
    while stack:
        node, where = stack.pop()
        if len(where) >= MAX_DEPTH:
            raise LoadError(name, _too_deep(json_path(where)))
        for key, value in (node.items() if isinstance(node, dict) else enumerate(node)):
            for text in (key, value):
                if isinstance(text, str) and not text.isascii() and (bad := _SURROGATE.search(text)):
                    raise LoadError(name, f"a lone UTF-16 surrogate (\\u{ord(bad.group()):04x}) at "
                                          f"{json_path((*where, key))}: not Unicode text; fix the escape in the record")
            if isinstance(value, (dict, list)):
                stack.append((value, (*where, key)))


def is_record(obj: Any) -> bool:
    return isinstance(obj, dict) and isinstance(obj.get("header"), dict)


def is_envelope(obj: Any) -> bool:
    """The API's document info with its body: {identifier, metadata, body: {header, …}, …}."""
    return isinstance(obj, dict) and "header" not in obj and is_record(obj.get("body"))


def is_term(obj: Any) -> bool:
    return isinstance(obj, dict) and "header" not in obj and "identifier" in obj and ("title" in obj or "name" in obj)


def _item(obj: dict[str, Any], name: str) -> Item:
    if is_envelope(obj):
        return Item(name, obj["body"], {k: v for k, v in obj.items() if k != "body"})
    return Item(name, obj)


def check(item: Item) -> None:
    """A record we cannot import at all (no identifier, no record type) stops the import: exit code 2, naming the
    file and the reason. A record type the mapping does not know is imported unmapped, not refused."""
    header = item.record["header"]
    uid, schema = header.get("identifier"), header.get("schema")
    if not isinstance(uid, str) or not uid.strip():
        raise BadInput(f"{item.file}: a record has no header.identifier (a non-empty string)")
    if not isinstance(schema, str) or not schema.strip():
        raise BadInput(f"{item.file}: record {uid}: no header.schema (a non-empty string naming the record type, "
                       f"such as {', '.join(RECORD_TYPES)})")
    if not RECORD_TYPE_NAME.match(schema):
        raise BadInput(f"{item.file}: record {uid}: header.schema {schema[:120]!r} is not a record type name (a letter "
                       "then up to 99 letters, digits, - or _, such as nationalTarget7)")
    bounded(item.file, f"record {uid}", item.record, item.envelope)


def bounded(file: str, what: str, obj: dict[str, Any], around: Any = None) -> None:
    """Refuse a record (or a thesaurus term) longer than :data:`MAX_RECORD_CHARS`, naming its longest field."""
    size = len(json.dumps([around, obj], ensure_ascii=False))
    if size > MAX_RECORD_CHARS:
        longest = max(obj, key=lambda k: len(json.dumps(obj[k], ensure_ascii=False)))
        raise BadInput(f"{file}: {what}: {size:,} characters of JSON; the limit is {MAX_RECORD_CHARS:,} (the store "
                       f"cannot hold longer texts): shorten its longest field, {longest}")


def classify(obj: Any, name: str, batch: Batch, thesaurus: bool = False) -> None:
    """Sort the content of one file into records or thesaurus terms (auto-detected unless ``thesaurus``)."""
    stem = Path(name).stem
    records = obj.get("Items") if isinstance(obj, dict) and isinstance(obj.get("Items"), list) else obj
    one = is_record(records) or is_envelope(records)
    many = isinstance(records, list) and records and all(is_record(o) or is_envelope(o) for o in records)
    if (one or many) and not thesaurus:
        items = [_item(records, name)] if one else [_item(o, name) for o in records]
        for it in items:
            check(it)
        batch.records.extend(items)
    elif isinstance(obj, list) and all(is_term(o) for o in obj):
        for term in obj:
            bounded(name, f"term {term['identifier']!r}", term)
        batch.terms.setdefault(stem.upper(), []).extend(obj)
    elif isinstance(obj, dict) and obj and all(isinstance(v, list) and all(is_term(t) for t in v) for v in obj.values()):
        for domain, terms in obj.items():
            for term in terms:
                bounded(name, f"term {term['identifier']!r}", term)
            batch.terms.setdefault(domain, []).extend(terms)
    else:
        raise BadInput(
            f"{name}: neither a clearing-house record ({{\"header\": {{\"identifier\", \"schema\"}}, …}}), an API document "
            "envelope ({\"identifier\", \"metadata\", \"body\": {\"header\", …}}), a list of either, nor a thesaurus dump "
            "(a list of terms with identifier and title, or {domain: [terms]})"
        )


def read(paths: list[str | Path], thesaurus: bool = False) -> Batch:
    """Read every file first, so a malformed file stops the import before anything is written."""
    batch = Batch()
    for f in json_files(paths):
        classify(parse_json(f), str(f), batch, thesaurus=thesaurus)
        batch.files.append(str(f))
    return batch
