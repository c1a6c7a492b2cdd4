"""Named queries: the ``.rq`` files under ``sparql/``.

Each file starts with comment headers that document it for humans and for the HTML query page::

    # title: Projects per GBF target
    # description: How many projects contribute to each target of the Kunming-Montreal GBF.
    # param: target  (optional) a GBF target IRI, bound with VALUES

Parameters are substituted as SPARQL ``VALUES`` so a user value never becomes query text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import SPARQL_DIR
from .errors import BadInput

_HEADER = re.compile(r"^#\s*(title|description|param):\s*(.*)$")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    text: str
    title: str = ""
    description: str = ""
    params: tuple[str, ...] = field(default_factory=tuple)
    #: Parameters documented ``(optional)``: unbound, the query answers for every value.
    optional_params: tuple[str, ...] = field(default_factory=tuple)

    @property
    def required_params(self) -> tuple[str, ...]:
        return tuple(p for p in self.params if p not in self.optional_params)


def _parse(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    meta: dict[str, list[str]] = {"title": [], "description": [], "param": []}
    for line in text.splitlines():
        m = _HEADER.match(line.strip())
        if m:
            meta[m.group(1)].append(m.group(2).strip())
        elif line.strip() and not line.lstrip().startswith("#"):
            break
    return NamedQuery(
        name=path.stem,
        path=path,
        text=text,
        title=" ".join(meta["title"]),
        description=" ".join(meta["description"]),
        params=tuple(p.split()[0] for p in meta["param"] if p),
        optional_params=tuple(p.split()[0] for p in meta["param"] if p and "(optional)" in p),
    )


def named_queries(directory: Path = SPARQL_DIR) -> dict[str, NamedQuery]:
    """All named queries, by file stem."""
    return {p.stem: _parse(p) for p in sorted(directory.glob("*.rq"))}


def get_query(name_or_path: str, directory: Path = SPARQL_DIR) -> NamedQuery:
    """A named query by name, or any ``.rq`` file by path."""
    p = Path(name_or_path)
    if p.suffix == ".rq" and p.is_file():
        return _parse(p)
    queries = named_queries(directory)
    if name_or_path in queries:
        return queries[name_or_path]
    known = ", ".join(sorted(queries)) or "(none)"
    raise BadInput(f"no named query {name_or_path!r}; known: {known}")


_IRI_OK = re.compile(r"^[^<>\"{}|^`\\\s]+$")


def bind(query: NamedQuery, values: dict[str, str]) -> str:
    """Query text with parameters bound through a ``VALUES`` block at the start of the outer WHERE.

    At the start of the group (not as a trailing VALUES clause, which SPARQL joins *after* GROUP BY
    and would not constrain an aggregate query).

    An IRI-looking value (``http…``/``https…``/``urn:``) becomes an IRI, anything else a plain literal.
    """
    if not values:
        return query.text
    unknown = set(values) - set(query.params)
    if unknown:
        raise BadInput(f"query {query.name!r} has no parameter {', '.join(sorted(unknown))}; it takes: {', '.join(query.params) or 'none'}")
    terms = []
    for v in values.values():
        if re.match(r"^(https?:|urn:)", v):
            if not _IRI_OK.match(v):
                raise BadInput(f"not a valid IRI: {v!r}")
            terms.append(f"<{v}>")
        else:
            terms.append(str(ox.Literal(v)))  # Oxigraph escapes every character a SPARQL string may not hold
    block = f"VALUES ({' '.join('?' + k for k in values)}) {{ ({' '.join(terms)}) }}"
    where = _WHERE.search(query.text)
    if where is None:
        raise BadInput(f"query {query.name!r} has no WHERE {{ … }} to bind parameters in")
    return f"{query.text[: where.end()]}\n  {block}\n{query.text[where.end():]}"


_WHERE = re.compile(r"\b(?:WHERE|ASK)\s*\{", re.IGNORECASE)  # ASK may omit WHERE
