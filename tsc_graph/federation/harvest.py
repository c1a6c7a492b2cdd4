"""Harvesting: copy another node's TSC graph into a named graph of ours, with provenance and validation.

``harvest(store, url)`` (the ``tsc-graph harvest`` command):

1. **Fetch** — a SPARQL endpoint gets the CONSTRUCT of ``tsc_graph/sparql/harvest-construct.rq`` (one HTTP GET of the
   SPARQL 1.1 Protocol); a dump URL (``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``, ``.nq``, ``.trig``, optionally
   ``.gz``, or ``--dump``) is downloaded as is; an operator may also name a local dump (a file or directory, or a
   ``file:`` URL: the demonstration node's shipped data). ``timeout`` bounds the **whole transfer** (connect,
   redirects, headers, body), not each read: a peer answering one byte a second is cut off at the deadline.
   Redirects are followed within the source's origin (scheme, host, port) only: what is stored under a
   source's provenance comes from that source. **Conditional**: the validators the source gave last time
   (``ETag``, ``Last-Modified``, kept in the provenance) are sent back (``If-None-Match``,
   ``If-Modified-Since``); an answer ``304 Not Modified`` ends the harvest there — nothing transferred, parsed,
   validated or written. A local dump's validator is the SHA-256 of its files.
2. **Parse** with Oxigraph through the parser path and guards of ``tsc-graph load``
   (``store.oxigraph.parse_source``: JSON-LD and RDF/XML nested too deep, and RDF/XML entity declarations, are
   refused), streamed into an in-memory staging store (blank nodes renamed so they cannot collide with ours;
   named graphs of a quad dump merged). Statements a peer may not make are dropped there. An empty answer is
   refused unless ``allow_empty`` (a misconfigured remote must not wipe our copy).
3. **Validate** the staging store against our shapes, with the ontology and ``tsc_graph/reference`` as context, in
   Oxigraph (compiled SHACL). Violations do not reject the node: the data is loaded and the report is
   returned, stored and printed.
4. **Write, all or nothing, in one store transaction**: the node graph ``{base}graph/node/{name}`` (replaced),
   its validation report ``{node graph}/validation`` (replaced) and the provenance log
   ``{base}graph/harvest-log`` (one more ``prov:Activity``; the log keeps the history). A failure in any
   step before this one leaves the store exactly as it was.
5. **Record** the harvest in the change feed (:mod:`tsc_graph.changes`), when one is given.

Steps 1-3 (:func:`collect`) read what a peer sent and touch no store. :func:`harvest_all` harvests every node of
the network registry (named query ``network-nodes``), each node's steps 1-3 in a child process of its own, so
that a node whose data crashes a parser is reported as that node's failure and the next nodes are harvested.
"""
from __future__ import annotations

import email.message
import functools
import gzip
import hashlib
import http.client
import io
import json
import multiprocessing as mp
import re
import signal
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .. import REFERENCE_DIR, SPARQL_DIR, __version__
from ..errors import BadInput, LoadError, RemoteError, TscGraphError
from ..formats import RDF_FORMATS, rdf_format_for_media_type, rdf_format_for_path
from ..queries import bind, get_query
from ..store import Source, Store, expand_sources
from ..store.oxigraph import parse_source

if TYPE_CHECKING:  # rdflib comes with it: imported where validation runs, not by whoever imports this module
    from ..validation import ValidationReport

#: Suffixes that make a URL a dump rather than a SPARQL endpoint.
DUMP_SUFFIXES = (".ttl", ".nt", ".jsonld", ".rdf", ".owl", ".nq", ".trig")
#: Largest download accepted (bytes, after decompression).
MAX_BYTES = 512 * 1024 * 1024
LOG_GRAPH = "graph/harvest-log"
USER_AGENT = f"tsc-graph/{__version__} harvest (+https://w3id.org/tsc-graph)"

PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
VOID = "http://rdfs.org/ns/void#"
SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
TSC = "https://w3id.org/tsc-graph/ontology#"


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


# --- naming --------------------------------------------------------------------------------------------------
def node_name(url: str) -> str:
    """A slug for a remote node from its URL's host and port: ``http://127.0.0.1:8001/sparql`` → ``127-0-0-1-8001``."""
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "node").lower()
    if parts.port:
        host += f"-{parts.port}"
    slug = re.sub(r"[^a-z0-9]+", "-", host).strip("-")
    return slug or "node"


def harvest_prefix(base_uri: str) -> str:
    """Where harvested copies live: ``{base}graph/node/``. Nothing else is ever written by a harvest, so a peer
    can never replace one of this node's own graphs (docs/federation.md, "What a peer can and cannot do")."""
    base = base_uri if base_uri.endswith("/") else base_uri + "/"
    return f"{base}graph/node/"


def target_graph(base_uri: str, url: str, name: str | None = None, graph: str | None = None) -> str:
    prefix = harvest_prefix(base_uri)
    if graph:
        slug = graph[len(prefix):] if graph.startswith(prefix) else ""
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
            raise BadInput(f"--graph {graph!r}: a harvested copy goes into a graph {prefix}<slug> (lowercase "
                           "letters, digits and single hyphens), never into one of this node's own graphs")
        return graph
    if name is not None and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name):
        raise BadInput(f"--name {name!r} must be a slug: lowercase letters, digits and single hyphens")
    return f"{prefix}{name or node_name(url)}"


def is_dump_url(url: str) -> bool:
    path = urllib.parse.urlsplit(url).path.lower().removesuffix(".gz")
    return path.endswith(DUMP_SUFFIXES)


# --- fetching ------------------------------------------------------------------------------------------------
def _check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or re.search(r"[<>\"{}|^`\\\s]", url):
        raise BadInput(f"{url!r}: harvest takes an http(s) URL of a SPARQL endpoint or of a dump, or (from the "
                       "command line) an existing local dump: a file, a directory or a file: URL")


def _read_limited(resp, max_bytes: int, url: str) -> bytes:
    data = resp.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise RemoteError(f"{url}: the answer is larger than the limit of {max_bytes} bytes")
    return data


def _gunzip(data: bytes, max_bytes: int, url: str) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
            out = f.read(max_bytes + 1)
    except (OSError, EOFError) as e:
        raise RemoteError(f"{url}: the gzip data is corrupt ({e})") from None
    if len(out) > max_bytes:
        raise RemoteError(f"{url}: the decompressed dump is larger than the limit of {max_bytes} bytes")
    return out


def _network_reason(e: BaseException) -> str:
    if isinstance(e, urllib.error.HTTPError):
        body = ""
        try:
            body = e.read(300).decode("utf-8", "replace").strip().splitlines()[0]
        except Exception:
            pass
        return f"HTTP {e.code} {e.reason}" + (f": {body}" if body else "")
    if isinstance(e, urllib.error.URLError):
        r = e.reason
        if isinstance(r, TimeoutError) or "timed out" in str(r):
            return "timed out"
        return f"cannot connect ({getattr(r, 'strerror', None) or r})"
    if isinstance(e, TimeoutError) or "timed out" in str(e):
        return "timed out"
    return f"{type(e).__name__}: {e}".strip()


class _Deadline:
    """The time limit of one whole transfer: connect, redirects, headers and body.

    A socket timeout bounds each read only, so a peer sending one byte a second never trips it and kept a harvest
    going for as long as it liked. At the deadline a timer shuts down every socket the transfer opened (the first
    connection and any redirect's): the blocked read returns at once, and the transfer fails as timed out.
    """

    def __init__(self, seconds: float):
        self.expired = False
        self._end = time.monotonic() + seconds
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()

    def remaining(self) -> float:
        """Seconds left, at least a millisecond (a zero socket timeout would mean non-blocking)."""
        return max(self._end - time.monotonic(), 0.001)

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # already closed
        pass


class _Watched:
    """What the connections of a transfer add: connect within what is left of the deadline, then hand the socket
    to the deadline. (A TLS handshake is bounded by the socket timeout, which CPython applies to it as a whole.)"""

    def __init__(self, host: str, *, deadline: _Deadline, **kwargs):
        super().__init__(host, **{**kwargs, "timeout": deadline.remaining()})
        self.deadline = deadline

    def connect(self) -> None:
        super().connect()
        self.deadline.watch(self.sock)


class _WatchedHTTPConnection(_Watched, http.client.HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline):
        super().__init__()
        self.deadline = deadline

    def http_open(self, req):
        return self.do_open(functools.partial(_WatchedHTTPConnection, deadline=self.deadline), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline):
        super().__init__()
        self.deadline = deadline

    def https_open(self, req):
        return self.do_open(functools.partial(_WatchedHTTPSConnection, deadline=self.deadline), req,
                            context=self._context)


class _RedirectRefused(Exception):
    """A redirect out of the origin asked for (the message says where to)."""


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a URL, the port made explicit; None when the URL has no valid one."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme, 0)
    except ValueError:  # a port out of range
        return None
    return scheme, (parts.hostname or "").lower(), port


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects within the origin (scheme, host, port) of the URL asked for, and refuse any other.

    What a harvest fetches is stored under that URL's provenance: a redirect to another host or port would file that
    host's data under this source's name, and let a peer make us call an address of its choosing.
    """

    def __init__(self, origin: tuple[str, str, int] | None):
        self.origin = origin

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = _origin(newurl)
        if target is None or target != self.origin:
            fp.close()
            where = "an invalid address" if target is None else f"{target[0]}://{target[1]}:{target[2]}"
            raise _RedirectRefused(f"the answer is a redirect (HTTP {code}) to {where}, another origin; a harvest "
                                   "follows redirects within the same scheme, host and port only")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _get(url: str, headers: dict[str, str], timeout: float, max_bytes: int, what: str,
         name: str) -> tuple[bytes | None, email.message.Message]:
    """GET ``url`` in at most ``timeout`` seconds for the whole transfer, following same-origin redirects only:
    (body, headers), or (None, headers) for 304 Not Modified. Failures raise RemoteError "{name}: {what} …"."""
    deadline = _Deadline(timeout)
    opener = urllib.request.build_opener(_SameOriginRedirects(_origin(url)), _HTTPHandler(deadline),
                                         _HTTPSHandler(deadline))
    with deadline:
        try:
            with opener.open(urllib.request.Request(url, headers=headers)) as resp:
                data, got = _read_limited(resp, max_bytes, name), resp.headers
            if not deadline.expired:  # else the socket was shut mid-body: what was read may be cut short
                return data, got
        except _RedirectRefused as e:
            raise RemoteError(f"{name}: {what} refused: {e}") from None
        except urllib.error.HTTPError as e:
            if e.code == 304 and not deadline.expired:
                return None, e.headers
            reason = _network_reason(e)
        except RemoteError:
            if not deadline.expired:
                raise
        except Exception as e:  # URLError, resets, whatever a socket shut at the deadline makes http.client raise
            reason = _network_reason(e)
        if deadline.expired:
            reason = f"timed out (the whole transfer is limited to {timeout:g} s)"
    raise RemoteError(f"{name}: {what} failed: {reason}")


@dataclass
class Fetched:
    """What a source answered: its RDF documents as (name, bytes, format), or ``parts=None`` when not modified."""

    parts: list[tuple[str, bytes, str]] | None
    etag: str = ""
    last_modified: str = ""


def _conditional_headers(etag: str, last_modified: str) -> dict[str, str]:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def fetch_dump(url: str, timeout: float, max_bytes: int = MAX_BYTES, etag: str = "", last_modified: str = "") -> Fetched:
    """Download a dump, conditionally when validators from the last harvest are given."""
    accept = "text/turtle, application/n-triples;q=0.9, application/ld+json;q=0.8, application/rdf+xml;q=0.7, */*;q=0.1"
    headers = {"Accept": accept, "User-Agent": USER_AGENT, **_conditional_headers(etag, last_modified)}
    data, got = _get(url, headers, timeout, max_bytes, "download", url)
    if data is None:
        return Fetched(None, etag=got.get("ETag", etag), last_modified=last_modified)
    if got.get("Content-Encoding", "") == "gzip" or url.lower().endswith(".gz") or data[:2] == b"\x1f\x8b":
        data = _gunzip(data, max_bytes, url)
    fmt = (rdf_format_for_path(urllib.parse.urlsplit(url).path) or _format_from_type(got.get("Content-Type", ""))
           or "turtle")
    return Fetched([(url, data, fmt)], got.get("ETag", ""), got.get("Last-Modified", ""))


def _format_from_type(ctype: str) -> str | None:
    mt = ctype.split(";", 1)[0].strip().lower()
    if mt in ("text/plain", "application/octet-stream", ""):
        return None  # says nothing about the syntax
    return rdf_format_for_media_type(mt)


def construct_query() -> str:
    return (SPARQL_DIR / "harvest-construct.rq").read_text(encoding="utf-8")


def fetch_sparql(url: str, timeout: float, max_bytes: int = MAX_BYTES, etag: str = "",
                 last_modified: str = "") -> Fetched:
    """CONSTRUCT the node's TSC graph from a SPARQL endpoint: one GET of the SPARQL 1.1 Protocol (GET, so that it can
    be conditional), through the same bounded transfer as a dump."""
    separator = "&" if urllib.parse.urlsplit(url).query else "?"
    query_url = url + separator + urllib.parse.urlencode({"query": construct_query()})
    headers = {"Accept": "text/turtle, application/n-triples;q=0.9", "User-Agent": USER_AGENT,
               **_conditional_headers(etag, last_modified)}
    data, got = _get(query_url, headers, timeout, max_bytes, "SPARQL request", url)
    if data is None:
        return Fetched(None, etag=got.get("ETag", etag), last_modified=last_modified)
    ctype = got.get("Content-Type", "")
    fmt = _format_from_type(ctype) or "turtle"
    if fmt not in RDF_FORMATS:
        raise RemoteError(f"{url}: the endpoint answered {ctype!r}, not RDF; is this a SPARQL endpoint?")
    return Fetched([(url, data, fmt)], got.get("ETag", ""), got.get("Last-Modified", ""))


def local_path(source: str) -> Path | None:
    """The local file or directory a source names (a path, or a ``file:`` URL); None for anything else."""
    if source.startswith("file:"):
        parts = urllib.parse.urlsplit(source)
        if parts.netloc not in ("", "localhost"):
            return None
        raw = urllib.request.url2pathname(parts.path)
        path = Path(raw) if parts.path.startswith("/") else Path.cwd() / raw
    elif "://" in source:
        return None
    else:
        path = Path(source)
    return path if path.exists() else None


def local_source_iri(path: Path) -> str:
    """How a local dump is named in the provenance: ``file:`` + its path relative to the node's directory (the
    working directory) when it lies under it, as a shipped dump does (machine-independent), else its absolute
    ``file://`` URL."""
    path = path.resolve()
    try:
        return "file:" + urllib.parse.quote(path.relative_to(Path.cwd().resolve()).as_posix())
    except ValueError:
        return path.as_uri()


def fetch_local(path: Path, etag: str = "", max_bytes: int = MAX_BYTES) -> Fetched:
    """Read a local dump (one RDF file, or every RDF file under a directory); its validator is a content hash."""
    try:
        sources = expand_sources([path])
    except BadInput as e:
        raise RemoteError(str(e)) from None
    digest = hashlib.sha256()
    parts = []
    total = 0
    for src in sorted(sources, key=lambda s: s.name):
        raw = Path(src.name).read_bytes()
        total += len(raw)
        if total > max_bytes:
            raise RemoteError(f"{path}: the dump is larger than the limit of {max_bytes} bytes")
        digest.update(Path(src.name).name.encode() + b"\0" + raw + b"\0")
        data = _gunzip(raw, max_bytes, src.name) if src.name.endswith(".gz") else raw
        parts.append((src.name, data, src.resolved_format()))
    tag = f'"sha256-{digest.hexdigest()}"'
    if tag == etag:
        return Fetched(None, etag=tag)
    return Fetched(parts, etag=tag)


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


# --- parsing -------------------------------------------------------------------------------------------------
#: The graph of the staging store that holds what a peer sent (its context for validation goes to the default graph).
STAGED = ox.NamedNode("urn:tsc-graph:harvest:staged")


def stage(parts: list[tuple[str, bytes, str]]) -> ox.Store:
    """An in-memory Oxigraph store holding, in :data:`STAGED`, the distinct triples of every part: named graphs of
    quad formats merged, blank nodes renamed so that they cannot collide with ours.

    Parsed through the guards of ``load`` (``store.oxigraph.parse_source``) and streamed into the store: Python
    objects for every triple (a list of ``ox.Triple``, then an rdflib graph) cost 40x the size of the download.
    """
    staging = ox.Store()
    for name, data, fmt in parts:
        try:
            staging.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, STAGED)
                                for q in parse_source(Source(name, data=data, format=fmt), rename_blank_nodes=True))
        except LoadError as e:
            raise _unloadable(name, fmt, e) from None
    return staging


def _unloadable(name: str, fmt: str, e: LoadError) -> RemoteError:
    """How a harvest reports a syntax error (it has a line) or a refusal by the guards (it has none)."""
    if e.line is None:
        return RemoteError(f"{name}: the {fmt} data received cannot be loaded: {e.reason}")
    column = f", column {e.column}" if e.column else ""
    return RemoteError(f"{name}: the {fmt} data received does not parse (line {e.line}{column}): {e.reason}")


#: Predicates that configure the node that holds them (its registry): a peer's copy of them means nothing here.
NODE_CONFIGURATION = frozenset(ox.NamedNode(TSC + p) for p in ("thisNode", "harvestGraph", "localDump",
                                                                "demonstrationNode"))
#: Shared vocabularies and the ontology: every node has its own copy; a peer never adds to ours.
SHARED_NAMESPACE = "https://w3id.org/tsc-graph/"


def peer_statements(staging: ox.Store, base_uri: str) -> int:
    """Keep in ``staging`` only what a peer may tell us: statements about its own resources. Dropped: statements
    whose subject is one of this node's resources (under ``base_uri``) or a shared vocabulary term,
    node-configuration statements, and the blank nodes only those statements reached. Returns how many were dropped.
    """
    base = base_uri if base_uri.endswith("/") else base_uri + "/"
    before = len(staging)
    configuration = ", ".join(str(p) for p in sorted(NODE_CONFIGURATION, key=str))
    staging.update(f"""DELETE {{ GRAPH {STAGED} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {STAGED} {{ ?s ?p ?o }}
        FILTER(?p IN ({configuration}) || isIRI(?s) && (STRSTARTS(STR(?s), {ox.Literal(base)})
                                                        || STRSTARTS(STR(?s), {ox.Literal(SHARED_NAMESPACE)}))) }}""")
    reached = _reached_blank_nodes(staging)
    orphans = [row["b"] for row in staging.query(
        f"SELECT DISTINCT ?b WHERE {{ GRAPH {STAGED} {{ ?b ?p ?o }} FILTER(isBlank(?b)) }}") if row["b"] not in reached]
    for b in orphans:
        for q in list(staging.quads_for_pattern(b, None, None, STAGED)):
            staging.remove(q)
    return before - len(staging)


def _reached_blank_nodes(staging: ox.Store) -> set[ox.BlankNode]:
    """Blank nodes reachable from a named subject through blank nodes only (contact points of the peer's resources)."""
    todo = [row["b"] for row in staging.query(
        f"SELECT DISTINCT ?b WHERE {{ GRAPH {STAGED} {{ ?s ?p ?b }} FILTER(!isBlank(?s) && isBlank(?b)) }}")]
    reached: set[ox.BlankNode] = set()
    while todo:
        b = todo.pop()
        if b in reached:
            continue
        reached.add(b)
        objects = (q.object for q in staging.quads_for_pattern(b, None, None, STAGED))
        todo.extend(o for o in objects if isinstance(o, ox.BlankNode))
    return reached


def to_ntriples(triples) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


# --- provenance ----------------------------------------------------------------------------------------------
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


# --- the whole harvest ---------------------------------------------------------------------------------------
def validate_staged(staging: ox.Store) -> tuple[ValidationReport, bytes]:
    """Validate what ``staging`` holds against our shapes, with the ontology and ``tsc_graph/reference`` as context, in
    Oxigraph (the shapes compiled to SPARQL, as ``tsc-graph validate`` does): linear in the data, where rdflib's
    N-Triples reader took 6 s for one 1 MB literal and 86 s for 4 MB. Adds the context to ``staging``.

    Returns the report without its rdflib graph (it crosses from a child process) and that graph as Turtle."""
    from .. import ONTOLOGY_DIR
    from ..validation import load_oxigraph, validate

    context = [ONTOLOGY_DIR, REFERENCE_DIR]
    validation = validate(load_oxigraph(context, into=staging) if context else staging)
    return replace(validation, graph=None), validation.to_turtle().encode("utf-8")  # written by Oxigraph: valid


@dataclass(frozen=True)
class Plan:
    """One source to collect, and how: all :func:`collect` needs, and nothing of the store (it may cross into a
    child process)."""

    location: str  # URL, or local path when mode is "local"
    mode: str  # "sparql", "dump" or "local"
    source: str  # how messages and the provenance name it
    target: str
    base_uri: str
    timeout: float
    max_bytes: int
    etag: str = ""
    last_modified: str = ""
    validate: bool = True
    allow_empty: bool = False


@dataclass
class Collected:
    """What a source gave, filtered and validated, ready to write; ``ntriples=None``: not modified."""

    ntriples: bytes | None
    etag: str = ""
    last_modified: str = ""
    triples: int = 0
    dropped: int = 0
    validation: ValidationReport | None = None
    report_turtle: bytes | None = None


def collect(plan: Plan) -> Collected:
    """Fetch, parse, filter and validate one source, touching no store: the steps that read what a peer sent.

    Memory: the download, then the staging store, then its N-Triples export; never a Python object per triple.
    """
    fetched = _fetch(plan)
    if fetched.parts is None:
        return Collected(None, fetched.etag, fetched.last_modified)
    etag, last_modified = fetched.etag, fetched.last_modified
    staging = stage(fetched.parts)
    del fetched  # the downloaded bytes: the staging store holds the triples now
    dropped = peer_statements(staging, plan.base_uri)
    if not len(staging) and not plan.allow_empty:
        raise RemoteError(f"{plan.source}: the harvest returned no triple; the previous copy in <{plan.target}> is "
                          "kept (use --allow-empty to really empty it)")
    collected = Collected(staging.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=STAGED) or b"", etag, last_modified,
                          len(staging), dropped)
    if plan.validate:
        collected.validation, collected.report_turtle = validate_staged(staging)
    return collected


def _fetch(plan: Plan) -> Fetched:
    if plan.mode == "local":
        return fetch_local(Path(plan.location), plan.etag, plan.max_bytes)
    fetch = fetch_dump if plan.mode == "dump" else fetch_sparql
    return fetch(plan.location, plan.timeout, plan.max_bytes, plan.etag, plan.last_modified)


def run_isolated(func, arg, label: str):
    """``func(arg)`` in a fresh child process (spawn: it inherits nothing but ``arg``), so that whatever a peer's
    data does to a parser ends that child only: a native stack overflow is a SIGSEGV, not an exception, and took
    ``harvest --all`` down before the next nodes were reached. The child's TscGraphError is raised here as it was;
    any other failure, a crash included, as a RemoteError naming ``label``."""
    ctx = mp.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_isolated_main, args=(sender, func, arg, label), name=f"tsc-graph harvest {label}",
                        daemon=True)
    child.start()
    sender.close()  # the child holds the only writer: its death ends recv() with EOFError
    try:
        ok, value = receiver.recv()
    except EOFError:
        child.join()
        raise RemoteError(f"{label}: the harvest process died ({_exit_status(child.exitcode)}) fetching, parsing or "
                          "validating the data; nothing was written") from None
    finally:
        receiver.close()
    child.join()
    if not ok:
        raise value
    return value


def _isolated_main(sender, func, arg, label: str) -> None:
    """The child of :func:`run_isolated`: send back (True, result) or (False, error)."""
    try:
        outcome = (True, func(arg))
    except TscGraphError as e:  # rebuilt from its message: subclasses with their own arguments do not unpickle
        outcome = (False, (BadInput if isinstance(e, BadInput) else RemoteError)(str(e)))
    except Exception as e:  # MemoryError on hostile data, or a bug: this node's failure, never the others'
        outcome = (False, RemoteError(f"{label}: the harvest failed: {type(e).__name__}: {e}"))
    sender.send(outcome)
    sender.close()


def _exit_status(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def harvest(
    store: Store,
    url: str,
    *,
    base_uri: str,
    graph: str | None = None,
    name: str | None = None,
    dump: bool | None = None,
    timeout: float = 20.0,
    validate: bool = True,
    allow_empty: bool = False,
    max_bytes: int = MAX_BYTES,
    allow_local: bool = False,
    conditional: bool = True,
    feed=None,
    isolate: bool = False,
) -> HarvestReport:
    """Harvest ``url`` into ``store``. Raises RemoteError (nothing changed) or BadInput.

    ``allow_local``: ``url`` may also be a local file or directory, or a ``file:`` URL (operators only: the
    server never harvests). ``conditional``: send back the validators of the last harvest from this source.
    ``feed``: a :class:`tsc_graph.changes.ChangeFeed` that records the harvest. ``timeout``: seconds for the whole
    transfer. ``isolate``: fetch, parse and validate in a child process (:func:`run_isolated`).
    """
    local = local_path(url) if allow_local else None
    if local is None:
        _check_url(url)
        source = url
        mode = "dump" if (dump if dump is not None else is_dump_url(url)) else "sparql"
    else:
        source, mode = local_source_iri(local), "local"
        if name is None and graph is None:
            name = re.sub(r"[^a-z0-9]+", "-", local.resolve().name.lower()).strip("-") or "node"
    target = target_graph(base_uri, url, name=name, graph=graph)
    base = base_uri if base_uri.endswith("/") else base_uri + "/"
    log_graph = f"{base}{LOG_GRAPH}"
    started = datetime.now(timezone.utc)
    existed = target in store.graphs()
    previous = store.count(target) if existed else 0
    etag, last_modified = last_validators(store, target, source) if conditional and previous else ("", "")
    plan = Plan(str(local) if local is not None else url, mode, source, target, base_uri, timeout, max_bytes, etag,
                last_modified, validate, allow_empty)
    collected = run_isolated(collect, plan, source) if isolate else collect(plan)

    report = HarvestReport(source=source, mode=mode, graph=target, triples=previous, started=started,
                           ended=datetime.now(timezone.utc), activity="", log_graph=log_graph,
                           previous_triples=previous, etag=collected.etag, last_modified=collected.last_modified)
    if collected.ntriples is None:
        report.not_modified = True
        return report
    stamp = started.strftime("%Y%m%dt%H%M%S%fz")
    report.activity = f"{base}id/harvest/{node_name(url) if name is None else name}-{stamp}"
    report.triples, report.validation = collected.triples, collected.validation
    report.validation_graph = f"{target}/validation" if collected.validation is not None else None
    if collected.dropped:
        report.warnings.append(f"{collected.dropped} triple(s) not kept: statements about this node's own resources, "
                               "shared vocabularies or node configuration are never taken from a peer")
    _write(store, report, collected, allow_empty)
    if feed is not None:
        from ..changes import graph_change

        feed.record(store, [graph_change("harvest", target, existed, collected.triples, origin=source)])
    return report


def _write(store: Store, report: HarvestReport, collected: Collected, allow_empty: bool) -> None:
    """Replace the copy, its validation report and the harvest log in one store transaction (all or nothing)."""
    log = io.BytesIO()
    if report.log_graph in store.graphs():
        store.export(log, "ntriples", graph=report.log_graph)
    log.write(provenance_ntriples(report))
    sources = [Source(f"{report.source} (harvested data)", data=collected.ntriples, format="ntriples"),
               Source(f"{report.source} (harvest log)", data=log.getvalue(), format="ntriples")]
    graphs = {sources[0].name: report.graph, sources[1].name: report.log_graph}
    if collected.report_turtle is not None:
        sources.append(Source(f"{report.source} (validation report)", data=collected.report_turtle, format="turtle"))
        graphs[sources[2].name] = report.validation_graph
    # --no-validate: the last report stays, and says which harvest it belongs to
    store.load(sources, graph_for=lambda src: graphs[src.name], allow_empty=allow_empty)


@dataclass
class RegisteredNode:
    """A node of the network registry, as :func:`harvest_all` harvests it."""

    iri: str
    name: str
    source: str  # endpoint, dump URL or local dump path
    graph: str | None
    demonstration: bool = False
    #: Why this node cannot be harvested as registered (then it is reported, never fetched).
    refused: str = ""


def registered_nodes(store: Store, base_uri: str | None = None) -> list[RegisteredNode]:
    """Every node of the registry but this one, with the source to harvest it from (endpoint, then dump URL,
    then the dump shipped with tsc-graph); nodes with none are skipped.

    The registry is read from this node's own graphs only (named query ``network-nodes``): a harvested peer
    cannot add a node, name a source or declare itself "this node". An endpoint or dump must be an http(s) URL
    and the copy's graph must be under ``{base}graph/node/``; a registered node that breaks either rule is
    returned with ``refused`` set, so that ``harvest --all`` reports it instead of fetching anything."""
    out = []
    for row in store.query(get_query("network-nodes").text).bindings:
        if str(row.get("this_node", "")).lower() == "true":
            continue
        remote = row.get("endpoint") or row.get("dump")
        source = remote or row.get("local_dump")
        if source is None:
            continue
        node = RegisteredNode(str(row["node"]), str(row["name"]), str(source),
                              str(row["graph"]) if row.get("graph") is not None else None,
                              str(row.get("demonstration", "")).lower() == "true")
        if remote is not None and not node.source.startswith(("http://", "https://")):
            node.refused = (f"the registry names {node.source!r} as its endpoint or dump: only http(s) URLs are "
                            "harvested (a dump shipped with tsc-graph is named with tsc:localDump)")
        elif remote is None and (node.source.startswith("/") or ":" in node.source or ".." in Path(node.source).parts):
            node.refused = (f"tsc:localDump {node.source!r} must be a path inside the node's directory, "
                            "e.g. data/nodes/be")
        elif base_uri is not None and node.graph is not None:
            try:
                target_graph(base_uri, node.source, graph=node.graph)
            except BadInput:
                node.refused = (f"tsc:harvestGraph <{node.graph}> is not under {harvest_prefix(base_uri)}: a "
                                "harvest never writes into one of this node's own graphs")
        out.append(node)
    return out


def harvest_all(store: Store, *, base_uri: str, on_result=None, home: Path | None = None,
                **options) -> list[tuple[RegisteredNode, HarvestReport | Exception]]:
    """Harvest every registered node (``harvest`` options apply to each); one failure does not stop the others,
    not even a crash: each node is fetched, parsed and validated in a child process of its own (``isolate``).
    A ``tsc:localDump`` is a path under ``home``, the node's directory (that of its profile; default: the
    working directory).

    ``on_result(node, report_or_error)`` is called after each node (progress for the CLI).
    """
    results: list[tuple[RegisteredNode, HarvestReport | Exception]] = []
    home = Path.cwd() if home is None else home
    for node in registered_nodes(store, base_uri):
        try:
            if node.refused:
                raise BadInput(f"node {node.name!r} <{node.iri}>: {node.refused}")
            local = not node.source.startswith(("http://", "https://"))
            report: HarvestReport | Exception = harvest(
                store, node.source if not local else str(home / node.source), base_uri=base_uri,
                graph=node.graph, name=node.name, allow_local=local, isolate=True, **options)
        except (RemoteError, BadInput) as e:
            report = e
        results.append((node, report))
        if on_result is not None:
            on_result(node, report)
    return results
