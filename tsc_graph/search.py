"""One search for the whole site: a SQLite FTS5 index of every resource a visitor may look for.

Why FTS5 rather than SPARQL: the portal's listing search (``tsc_graph/sparql/portal/search.rq``) scans the texts of one
class with regular expressions per request; it cannot rank, nor look through the names of a project's
organisations or places. Here each resource is one document, built from the store with one SPARQL query per
kind (``tsc_graph/sparql/search-index.rq``, through the :class:`~tsc_graph.store.Store` interface, so any backend works):

* ``title`` — its names in every language, other names and acronyms, and for a GBF target "cible 6",
  "target 6", "meta 6" and "T6";
* ``related`` — names and acronyms of the organisations that lead, partner, fund, offer, request, share or make
  it, and the names of the places it concerns in every language (``ofb`` finds the projects OFB leads,
  ``réunion`` the projects in La Réunion);
* ``description`` — its descriptions.

The tokenizer ``unicode61 remove_diacritics 2`` folds case and accents in every script; bm25 weighs a title hit
above a related one above a description one. The index follows the store: it is rebuilt when
:meth:`Store.version` changes, in a file beside an on-disk store (``search.sqlite3``, reused after a restart
when it is of the same version) or in memory otherwise.
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from .errors import BadInput
from .namespaces import TSC
from .queries import bind, get_query
from .store import Store

#: The kinds of resource searched: a hit's ``kind`` (and the page's ``?kind=``) → the classes indexed under it.
KINDS: dict[str, tuple[str, ...]] = {
    "actors": (f"{TSC}Actor",),
    "projects": (f"{TSC}Project",),
    "commitments": (f"{TSC}Commitment",),
    "offers": (f"{TSC}CooperationOffer",),
    "requests": (f"{TSC}CooperationRequest",),
    "practices": (f"{TSC}Practice",),
    "targets": (f"{TSC}GBFTarget",),
    "articles": (f"{TSC}CBDArticle",),
    "places": (f"{TSC}Country", f"{TSC}Territory"),
}
#: bm25 weights of the columns in table order: kind, iri, names (unindexed, but bm25 counts them), title,
#: related, description.
WEIGHTS = (0.0, 0.0, 0.0, 10.0, 3.0, 1.0)
MAX_QUERY = 200  # characters of a search box
MAX_WORDS = 12
#: How "6" is said of a GBF target: visitors type "cible 6", "target 6", "meta 6" or "T6".
TARGET_NAMES = ("cible {n}", "target {n}", "meta {n}", "T{n}")
FILE_NAME = "search.sqlite3"
_WORD = re.compile(r"\w+")
#: Around the matched words of a snippet: control characters, which the page turns into ``<mark>`` after escaping
#: the snippet (a literal that holds one only adds a highlight, never markup of its own).
MARKS = ("\x02", "\x03")


@dataclass(frozen=True)
class Hit:
    """One resource found: its kind, IRI, names by language and a snippet of its description (matched words
    between :data:`MARKS`)."""

    kind: str
    iri: str
    names: dict[str, str]
    snippet: str


def match_expression(query: str, prefix: bool = False) -> str:
    """The FTS5 expression for what a visitor typed: each word quoted (so ``"``, ``*``, ``NEAR(``, ``OR``… are
    words or nothing, never syntax), all required; ``prefix`` lets the last word be unfinished (suggestions as
    one types). Raises :class:`BadInput` for a query too long or without a word."""
    if len(query) > MAX_QUERY:
        raise BadInput(f"a search is at most {MAX_QUERY} characters")
    words = _WORD.findall(unicodedata.normalize("NFC", query))[:MAX_WORDS]
    if not words:
        raise BadInput("type at least one word or number to search for")
    quoted = [f'"{w}"' for w in words]  # \w+ holds no double quote
    if prefix:
        quoted[-1] += "*"
    return " ".join(quoted)


def _documents(store: Store, kind: str, classes: Sequence[str]) -> list[tuple]:
    """Rows (kind, iri, names JSON, title, related, description) of one kind, from one query."""
    body = store.query_serialized(bind(get_query("search-index"), {"class": list(classes)}),
                                  results_format="json", lane="site").body
    docs: dict[str, dict] = {}
    for row in json.loads(body)["results"]["bindings"]:
        doc = docs.setdefault(row["item"]["value"], {"names": {}, "title": [], "related": [], "description": []})
        field, text = row["field"]["value"], row["text"]["value"]
        if field == "title":
            doc["names"].setdefault(row["text"].get("xml:lang", ""), text)
        if field == "number":
            doc["title"].extend(t.format(n=text) for t in TARGET_NAMES)
        else:
            column = {"title": "title", "alt": "title", "org": "related", "place": "related"}.get(field, "description")
            if text not in doc[column]:
                doc[column].append(text)
    return [(kind, iri, json.dumps(d["names"], ensure_ascii=False), "\n".join(d["title"]), "\n".join(d["related"]),
             "\n".join(d["description"])) for iri, d in docs.items()]


def _fill(db: sqlite3.Connection, store: Store, token: str) -> sqlite3.Connection:
    """Index every kind into ``db``, tagged with the version ``token`` (so that a file built before a restart is
    reused when the store has not changed), merged into one b-tree: searches then read one segment."""
    db.executescript("""
        DROP TABLE IF EXISTS docs; DROP TABLE IF EXISTS meta;
        CREATE VIRTUAL TABLE docs USING fts5(kind UNINDEXED, iri UNINDEXED, names UNINDEXED, title, related,
                                             description, tokenize = 'unicode61 remove_diacritics 2');
        CREATE TABLE meta (token TEXT);
    """)
    for kind, classes in KINDS.items():
        db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)", _documents(store, kind, classes))
    db.execute("INSERT INTO meta VALUES (?)", (token,))
    db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    db.commit()
    return db


class SearchIndex:
    """The index of one store, rebuilt by the first search after the store changes (the others wait for it).

    The version is ``Store.version()``'s token; a backend that cannot tell (an external SPARQL store) is
    versioned by its graphs and size, re-read at most every ``recheck`` seconds, as the portal cache does.
    """

    def __init__(self, store: Store, directory: str | os.PathLike | None = None, recheck: float = 5.0):
        self.store = store
        self.path = Path(directory) / FILE_NAME if directory is not None else None
        self.recheck = recheck
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._token: str | None = None
        self._checked = 0.0
        self._fallback_token = ""

    def _current_token(self) -> str:
        version = self.store.version()
        if version is not None:
            return version.token
        now = time.monotonic()
        if not self._fallback_token or now - self._checked > self.recheck:
            self._fallback_token = repr((self.store.graphs(), self.store.count()))
            self._checked = now
        return self._fallback_token

    def _connection(self) -> sqlite3.Connection:
        """The index of the store's current version, built or reopened if need be. Call with the lock held."""
        token = self._current_token()
        if self._db is not None and self._token == token:
            return self._db
        if self._db is not None:
            self._db.close()
        if self.path is None:
            self._db = _fill(sqlite3.connect(":memory:", check_same_thread=False), self.store, token)
        else:
            if _file_token(self.path) != token:
                tmp = self.path.with_suffix(".tmp")
                tmp.unlink(missing_ok=True)
                _fill(sqlite3.connect(tmp), self.store, token).close()
                os.replace(tmp, self.path)  # a reader of the old file keeps it; a crash keeps the old one
            self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._token = token
        return self._db

    def counts(self, expression: str) -> dict[str, int]:
        """How many resources of each kind match (bm25 cannot be aggregated: :meth:`search` gives the order)."""
        with self._lock:
            rows = self._connection().execute(
                "SELECT kind, count(*) FROM docs WHERE docs MATCH ? GROUP BY kind", (expression,)).fetchall()
        return dict(rows)

    def search(self, expression: str, kind: str | None = None, limit: int = 20, per_kind: int | None = None
               ) -> list[Hit]:
        """The best ``limit`` hits, best first (of one ``kind``; with ``per_kind``, at most that many of each).

        Ranks first, snippets after, of the chosen rows only: a common word matches thousands of resources
        and a snippet costs more than a rank."""
        where, params = "docs MATCH ?", [expression]
        if kind is not None:
            where += " AND kind = ?"
            params.append(kind)
        ranked = f"SELECT rowid, kind, bm25(docs, ?, ?, ?, ?, ?, ?) AS score FROM docs WHERE {where}"
        if per_kind is not None:
            ranked = (f"SELECT rowid, score FROM (SELECT rowid, score, row_number() OVER (PARTITION BY kind ORDER BY "
                      f"score) AS n FROM ({ranked})) WHERE n <= ?")
            params.append(per_kind)
        with self._lock:
            db = self._connection()
            order = [rowid for rowid, *_ in
                     db.execute(f"{ranked} ORDER BY score LIMIT ?", (*WEIGHTS, *params, limit)).fetchall()]
            marks = ", ".join("?" * len(order))
            rows = {row[0]: row[1:] for row in db.execute(
                f"SELECT rowid, kind, iri, names, snippet(docs, 5, '{MARKS[0]}', '{MARKS[1]}', '…', 24) FROM docs "
                f"WHERE docs MATCH ? AND rowid IN ({marks})", (expression, *order))}
        return [Hit(rows[r][0], rows[r][1], json.loads(rows[r][2]), rows[r][3] or "") for r in order]

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


def _file_token(path: Path) -> str | None:
    """The version an index file was built for, or None when there is no readable one."""
    if not path.exists():
        return None
    try:
        with closing(sqlite3.connect(path)) as db:
            row = db.execute("SELECT token FROM meta").fetchone()
        return row[0] if row else None
    except sqlite3.Error:
        return None
