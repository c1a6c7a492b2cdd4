"""Named queries: the ``.rq`` files under ``sparql/``.

Each file starts with comment headers that document it for humans and for the HTML query page::

    # title: Projects per GBF target
    # title@fr: Projets par cible du CMB
    # description: How many projects contribute to each target of the Kunming-Montreal GBF.
    # param: target  (optional) a GBF target IRI, bound with VALUES

``title``/``description`` are English; ``title@fr:`` (any language tag) gives the same in another language,
for the query page's examples (``NamedQuery.title_in``).

Parameters are substituted as SPARQL ``VALUES`` so a user value never becomes query text.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import SPARQL_DIR, iri
from .errors import BadInput

_HEADER = re.compile(r"^#\s*(title|description|param)(?:@([a-zA-Z-]{2,12}))?:\s*(.*)$")


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
    #: Titles and descriptions in other languages (``# title@fr:``), by language tag.
    titles: dict[str, str] = field(default_factory=dict, compare=False)
    descriptions: dict[str, str] = field(default_factory=dict, compare=False)

    def title_in(self, lang: str) -> str:
        return self.titles.get(lang) or self.title or self.name

    def description_in(self, lang: str) -> str:
        return self.descriptions.get(lang) or self.description

    @property
    def required_params(self) -> tuple[str, ...]:
        return tuple(p for p in self.params if p not in self.optional_params)


def _parse(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    meta: dict[str, list[str]] = {"title": [], "description": [], "param": []}
    translated: dict[str, dict[str, list[str]]] = {"title": {}, "description": {}}
    for line in text.splitlines():
        m = _HEADER.match(line.strip())
        if m and m.group(2) and m.group(1) in translated:
            translated[m.group(1)].setdefault(m.group(2).lower(), []).append(m.group(3).strip())
        elif m:
            meta[m.group(1)].append(m.group(3).strip())
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
        titles={lang: " ".join(v) for lang, v in translated["title"].items()},
        descriptions={lang: " ".join(v) for lang, v in translated["description"].items()},
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


def _term(v: str) -> str:
    """A parameter value as a SPARQL term: IRI-looking values (``http…``/``https…``/``urn:``) become IRIs."""
    if v.startswith(("http:", "https:", "urn:")):
        if not iri.is_iri(v):
            raise BadInput(f"not a valid IRI: {v!r}")
        return f"<{v}>"
    return str(ox.Literal(v))  # Oxigraph escapes every character a SPARQL string may not hold


def bind(query: NamedQuery, values: Mapping[str, str | Sequence[str]]) -> str:
    """Query text with parameters bound through a ``VALUES`` block at the start of the outer WHERE.

    At the start of the group (not as a trailing VALUES clause, which SPARQL joins *after* GROUP BY
    and would not constrain an aggregate query).

    An IRI-looking value (``http…``/``https…``/``urn:``) becomes an IRI, anything else a plain literal.
    A list of values binds one row per value (several lists: every combination), so a page can ask about
    a set of resources in one query; an empty list matches nothing.
    """
    if not values:
        return query.text
    unknown = set(values) - set(query.params)
    if unknown:
        raise BadInput(f"query {query.name!r} has no parameter {', '.join(sorted(unknown))}; it takes: {', '.join(query.params) or 'none'}")
    columns = [[v] if isinstance(v, str) else list(v) for v in values.values()]
    rows = [" ".join(_term(v) for v in combo) for combo in itertools.product(*columns)]
    block = f"VALUES ({' '.join('?' + k for k in values)}) {{ {' '.join(f'({r})' for r in rows)} }}"
    where = _WHERE.search(query.text)
    if where is None:
        raise BadInput(f"query {query.name!r} has no WHERE {{ … }} to bind parameters in")
    return f"{query.text[: where.end()]}\n  {block}\n{query.text[where.end():]}"


_WHERE = re.compile(r"\b(?:WHERE|ASK)\s*\{", re.IGNORECASE)  # ASK may omit WHERE
