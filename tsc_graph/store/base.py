"""The store interface every backend implements, and what loading shares (sources, graph names, hashes).

Why a module of its own: the backends (oxigraph.py, remote.py) import these names, and ``tsc_graph.store``
(the package) opens the backends; with the interface here, neither imports the other.

Query semantics shared by every backend: unless ``default_graph_uris`` is given, a query's default graph
is the union of all named graphs (Fuseki's ``unionDefaultGraph``), because every loaded file and every
harvested node lives in a named graph of its own.
"""
from __future__ import annotations

import abc
import hashlib
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..errors import BadInput, LoadError
from ..formats import RDF_FORMATS, rdf_format_for_path

if TYPE_CHECKING:  # rdflib is heavy; query worker processes import this package and must start fast
    from rdflib import Graph
    from rdflib.term import Node

QueryKind = Literal["SELECT", "ASK", "CONSTRUCT"]


@dataclass
class QueryResult:
    """A query's answer as Python values (rdflib terms), for the CLI, tests and Python users."""

    kind: QueryKind
    variables: list[str] = field(default_factory=list)
    bindings: list[dict[str, Node]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None

    def column(self, name: str) -> list[Node | None]:
        return [row.get(name) for row in self.bindings]


@dataclass
class SerializedResult:
    """A query's answer already serialised by the engine (the endpoint's fast path)."""

    kind: QueryKind
    format: str  # a key of formats.RESULTS_FORMATS (SELECT/ASK) or formats.RDF_FORMATS (CONSTRUCT/DESCRIBE)
    body: bytes


@dataclass
class Source:
    """Something to load: a file path, or bytes with a name (used in error messages) and a format."""

    name: str
    data: bytes | None = None
    format: str | None = None

    @property
    def path(self) -> Path | None:
        return Path(self.name) if self.data is None else None

    def resolved_format(self) -> str:
        fmt = self.format or rdf_format_for_path(self.name)
        if fmt is None or fmt not in RDF_FORMATS:
            raise BadInput(
                f"{self.name}: unknown RDF format (use .ttl, .nt, .jsonld, .rdf, .nq or .trig, or give a format)"
            )
        return fmt


@dataclass(frozen=True)
class StoreVersion:
    """Identifies the store's content: ``token`` changes with every committed write, ``modified`` says when.

    What HTTP validators (ETag / Last-Modified of the endpoint and the dumps), the matching index cache and the
    change feed compare, instead of hashing the content.
    """

    token: str
    modified: datetime


@dataclass
class LoadReport:
    """What a load did: triples per graph written, and per graph ``kept`` because its files had not changed since
    they were last loaded into it (see :func:`sources_hash`)."""

    graphs: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.graphs.values())


class Store(abc.ABC):
    """The store interface. Writes are transactional: on error the previous content is kept."""

    #: Whether ``timeout`` really stops a running query (worker processes) or is only checked afterwards.
    hard_timeouts: bool = False

    # --- reading -----------------------------------------------------------------------------------
    @abc.abstractmethod
    def query(
        self,
        sparql: str,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout: float | None = None,
    ) -> QueryResult:
        """Run a SPARQL query and return Python values."""

    @abc.abstractmethod
    def query_serialized(
        self,
        sparql: str,
        *,
        results_format: str = "json",
        graph_format: str = "turtle",
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout: float | None = None,
        max_bytes: int | None = None,
        lane: str = "public",
    ) -> SerializedResult:
        """Run a SPARQL query and serialise its answer with the engine itself (no Python-level rows).

        ``lane`` says who asks: ``"public"`` (the SPARQL endpoint: anyone's query) or ``"site"`` (the server's
        own named queries for pages, forms, the portal), so that backends with a worker pool can keep capacity
        for the site whatever the public sends (store/pool.py). Backends without lanes ignore it.
        """

    @abc.abstractmethod
    def graphs(self) -> list[str]:
        """Names of the named graphs, sorted."""

    def has_graph(self, graph: str) -> bool:
        """Whether the named graph exists (backends that can tell without listing every graph override this)."""
        return graph in self.graphs()

    @abc.abstractmethod
    def count(self, graph: str | None = None) -> int:
        """Number of quads in the store, or triples in one named graph."""

    @abc.abstractmethod
    def export(self, output, fmt: str, graph: str | None = None) -> None:
        """Write the whole dataset (quad formats), or the union / one graph (triple formats), to a binary file."""

    # --- writing -----------------------------------------------------------------------------------
    @abc.abstractmethod
    def load(
        self,
        sources: Sequence[Source],
        *,
        graph_for: "GraphNamer",
        progress: bool = False,
        allow_empty: bool = False,
    ) -> LoadReport:
        """Replace each target graph with the content of its sources, all or nothing.

        A target whose files are those it was last loaded from, unchanged (:func:`sources_hash`), is kept as it is
        (``LoadReport.kept``) by backends that keep hashes (the embedded one): a restart that loads the same files
        again writes nothing, so the version, the HTTP validators and the change feed stay as they were. Others
        replace every target.

        A target whose sources hold no triple at all is refused (:class:`EmptySource`) unless ``allow_empty``:
        an empty or truncated file must not silently empty its graph.
        """

    def append(self, graph: str, ntriples: bytes) -> None:
        """Add N-Triples (no blank nodes) to a named graph, keeping what it holds, all or nothing.

        Why not :meth:`load`: it replaces the graph, so a graph that grows by a few triples per event (the
        moderation log) would be written whole each time, at a cost growing with its history. Backends with a
        cheaper way than a SPARQL ``INSERT DATA`` override this.
        """
        from ..guards import is_iri

        if not is_iri(graph):  # an IRI that cannot leave the brackets it is written in
            raise BadInput(f"not a valid graph IRI: {graph!r}")
        self.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{ntriples.decode('utf-8')}\n}} }}")

    @abc.abstractmethod
    def update(self, sparql_update: str) -> None:
        """Run a SPARQL Update, all or nothing. Only trusted callers (CLI, authenticated routes) get here."""

    @abc.abstractmethod
    def drop_graph(self, graph: str) -> None:
        """Remove a named graph (no error if absent)."""

    def close(self) -> None:  # noqa: B027 - optional for backends
        """Release files, processes and connections."""

    def version(self) -> StoreVersion | None:
        """The current :class:`StoreVersion`, or None when the backend cannot tell cheaply (an external store
        written by other tools): callers then skip HTTP validators and answer in full."""
        return None

    # --- derived -----------------------------------------------------------------------------------
    def content_hash(self) -> str:
        """SHA-256 of the sorted canonical N-Quads: equal hashes mean equal content (blank nodes aside)."""
        import io

        buf = io.BytesIO()
        self.export(buf, "nquads")
        lines = sorted(line for line in buf.getvalue().splitlines() if line.strip())
        return hashlib.sha256(b"\n".join(lines)).hexdigest()

    def to_rdflib(self, graph: str | None = None) -> Graph:
        """Copy the union graph (or one named graph) into an rdflib Graph, e.g. for pyshacl."""
        import io

        from rdflib import Graph

        buf = io.BytesIO()
        self.export(buf, "ntriples", graph=graph)
        g = Graph()
        g.parse(data=buf.getvalue(), format="nt")
        return g

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


#: What reading a source may raise besides SyntaxError: I/O, bad bytes, and a truncated or corrupt gzip stream
#: (gzip raises EOFError and zlib.error, which are not OSErrors).
READ_ERRORS = (OSError, ValueError, EOFError, zlib.error)


def read_error(name: str, e: BaseException) -> LoadError:
    """A LoadError naming the source and saying what went wrong reading it."""
    if isinstance(e, (EOFError, zlib.error)) or type(e).__name__ == "BadGzipFile":
        return LoadError(name, f"truncated or corrupt gzip file ({e})")
    return LoadError(name, str(e) or type(e).__name__)


def sources_hash(sources: Sequence[Source]) -> str | None:
    """The content hash of what one target graph is loaded from: SHA-256 of each file's format and bytes (after
    gunzip), in load order; None unless every source is a file.

    Why the bytes and not the triples (a hash of the sorted N-Triples): a parser gives blank nodes new labels at
    every parse, so the triples of any file with a blank node (OWL restrictions, lists) would hash differently at
    every load, and canonicalising them (RDFC-1.0) costs more than the load it would save; reading bytes costs a
    fraction of parsing them. The price: an edit that changes no triple (a comment) replaces its graph once — the
    error is always on the side of writing, never of keeping a graph whose data changed. The format is hashed too
    because the same bytes read as another format are other data.

    Why files only: the restart path (``make serve`` loads the same files at every start) is what must write
    nothing; bytes (uploads, approvals, harvests, the moderation log) are one-off writes whose callers mean to
    write, and a hash per approval would make the store's list of hashes grow with every decision.
    """
    if not sources or any(src.data is not None for src in sources):
        return None
    import gzip

    digest = hashlib.sha256()
    for src in sources:
        content = hashlib.sha256()
        try:
            with (gzip.open if src.name.endswith(".gz") else open)(src.name, "rb") as raw:
                while chunk := raw.read(1 << 20):
                    content.update(chunk)
        except READ_ERRORS as e:
            raise read_error(src.name, e) from None
        digest.update(src.resolved_format().encode() + b"\0" + content.digest())
    return digest.hexdigest()


class EmptySource(LoadError):
    """Every source of a target graph parsed to nothing: loading would empty that graph."""

    def __init__(self, names: Sequence[str], graph: str):
        super().__init__(", ".join(names), f"no triples: loading it would empty the graph <{graph}>; refused (to empty "
                                           "a graph on purpose: tsc-graph load --allow-empty, or drop the graph)")
        self.graph = graph


class GraphNamer:
    """Decides the named graph of each loaded file: ``{base}graph/{file stem}``, or one fixed graph."""

    def __init__(self, base_uri: str, fixed: str | None = None):
        self.base_uri = base_uri if base_uri.endswith(("/", "#")) else base_uri + "/"
        self.fixed = fixed

    def __call__(self, source: Source) -> str:
        if self.fixed:
            return self.fixed
        stem = Path(source.name).name
        for suffix in (".gz",):
            stem = stem.removesuffix(suffix)
        stem = stem.rsplit(".", 1)[0] if "." in stem else stem
        return f"{self.base_uri}graph/{stem}"


RDF_SUFFIXES = (".ttl", ".nt", ".jsonld", ".rdf", ".owl", ".nq", ".trig")


def expand_sources(paths: Iterable[str | Path]) -> list[Source]:
    """Files given directly, plus every RDF file under given directories (sorted, recursive)."""
    out: list[Source] = []
    for p in map(Path, paths):
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and f.name.lower().endswith(RDF_SUFFIXES))
            if not files:
                raise BadInput(f"{p}: no RDF files (*.ttl, *.nt, *.jsonld, *.rdf, *.nq, *.trig) in this directory")
            out.extend(Source(str(f)) for f in files)
        elif p.is_file():
            out.append(Source(str(p)))
        else:
            raise BadInput(f"{p}: no such file or directory")
    return out


def iter_rows(result: QueryResult) -> Iterator[list[str]]:
    """Rows of a SELECT result as plain strings (empty for unbound), in variable order."""
    for row in result.bindings:
        yield ["" if row.get(v) is None else str(row[v]) for v in result.variables]
