"""Harvesting: copy another node's TSC graph into a named graph of ours, with provenance and validation.

``harvest(store, url)`` (the ``tsc-graph harvest`` command):

1. **Fetch** — a SPARQL endpoint gets the CONSTRUCT of ``sparql/harvest-construct.rq`` through SPARQLWrapper
   (the node's own resources only, HTTP GET); a dump URL (``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``, ``.nq``,
   ``.trig``, optionally ``.gz``, or ``--dump``) is downloaded as is; an operator may also name a local dump
   (a file or directory, or a ``file:`` URL: the demonstration node's shipped data). Network timeout per
   connect/read: ``timeout``. **Conditional**: the validators the source gave last time (``ETag``,
   ``Last-Modified``, kept in the provenance) are sent back (``If-None-Match``, ``If-Modified-Since``); an
   answer ``304 Not Modified`` ends the harvest there — nothing transferred, parsed, validated or written.
   A local dump's validator is the SHA-256 of its files.
2. **Parse** with Oxigraph (blank nodes renamed so they cannot collide with ours; named graphs of a quad
   dump are merged). An empty answer is refused unless ``allow_empty`` (a misconfigured remote must not
   wipe our copy).
3. **Validate** against our shapes, with the ontology and ``data/reference`` as context. Violations do
   not reject the node: the data is loaded and the report is returned, stored and printed.
4. **Write, all or nothing, in one store transaction**: the node graph ``{base}graph/node/{name}`` (replaced),
   its validation report ``{node graph}/validation`` (replaced) and the provenance log
   ``{base}graph/harvest-log`` (one more ``prov:Activity``; the log keeps the history). A failure in any
   step before this one leaves the store exactly as it was.
5. **Record** the harvest in the change feed (:mod:`tsc_graph.changes`), when one is given.

:func:`harvest_all` harvests every node of the network registry (named query ``network-nodes``).
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from .. import PROJECT_ROOT, SPARQL_DIR, __version__
from ..errors import BadInput, RemoteError, TscGraphError
from ..formats import OXIGRAPH_RDF, QUAD_FORMATS, RDF_FORMATS, rdf_format_for_media_type, rdf_format_for_path
from ..queries import bind, get_query
from ..store import Source, Store, expand_sources

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
    validation: object | None = None  # tsc_graph.validation.ValidationReport
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


@dataclass
class Fetched:
    """What a source answered: RDF bytes and their format, or ``data=None`` when it was not modified."""

    data: bytes | None
    format: str = ""
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
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            data = _read_limited(resp, max_bytes, url)
            ctype = resp.headers.get("Content-Type", "")
            encoding = resp.headers.get("Content-Encoding", "")
            validators = resp.headers.get("ETag", ""), resp.headers.get("Last-Modified", "")
    except RemoteError:
        raise
    except urllib.error.HTTPError as e:
        if e.code == 304:
            return Fetched(None, etag=e.headers.get("ETag", etag), last_modified=last_modified)
        raise RemoteError(f"{url}: download failed: {_network_reason(e)}") from None
    except Exception as e:  # URLError, timeouts, resets
        raise RemoteError(f"{url}: download failed: {_network_reason(e)}") from None
    if encoding == "gzip" or url.lower().endswith(".gz") or data[:2] == b"\x1f\x8b":
        data = _gunzip(data, max_bytes, url)
    fmt = rdf_format_for_path(urllib.parse.urlsplit(url).path) or _format_from_type(ctype) or "turtle"
    return Fetched(data, fmt, *validators)


def _format_from_type(ctype: str) -> str | None:
    mt = ctype.split(";", 1)[0].strip().lower()
    if mt in ("text/plain", "application/octet-stream", ""):
        return None  # says nothing about the syntax
    return rdf_format_for_media_type(mt)


def construct_query() -> str:
    return (SPARQL_DIR / "harvest-construct.rq").read_text(encoding="utf-8")


def fetch_sparql(url: str, timeout: float, max_bytes: int = MAX_BYTES, etag: str = "",
                 last_modified: str = "") -> Fetched:
    """CONSTRUCT the node's TSC graph from a SPARQL endpoint (SPARQLWrapper, GET so that it can be conditional)."""
    import warnings

    from SPARQLWrapper import GET, TURTLE, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    sw = SPARQLWrapper(url, agent=USER_AGENT)
    sw.setQuery(construct_query())
    sw.setMethod(GET)
    sw.setReturnFormat(TURTLE)
    sw.setTimeout(int(max(1, round(timeout))))
    for name, value in _conditional_headers(etag, last_modified).items():
        sw.addCustomHttpHeader(name, value)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = sw.query()
        resp = result.response
        data = _read_limited(resp, max_bytes, url)
        headers = resp.headers if hasattr(resp, "headers") else {}
        ctype = headers.get("Content-Type", "")
        validators = headers.get("ETag", ""), headers.get("Last-Modified", "")
    except RemoteError:
        raise
    except SPARQLWrapperException as e:
        msg = str(e).strip().splitlines()
        raise RemoteError(f"{url}: the SPARQL endpoint refused the harvest query: {' '.join(msg[:2])[:300]}") from None
    except urllib.error.HTTPError as e:
        if e.code == 304:
            return Fetched(None, etag=e.headers.get("ETag", etag), last_modified=last_modified)
        raise RemoteError(f"{url}: SPARQL request failed: {_network_reason(e)}") from None
    except Exception as e:
        raise RemoteError(f"{url}: SPARQL request failed: {_network_reason(e)}") from None
    fmt = _format_from_type(ctype) or "turtle"
    if fmt not in RDF_FORMATS:
        raise RemoteError(f"{url}: the endpoint answered {ctype!r}, not RDF; is this a SPARQL endpoint?")
    return Fetched(data, fmt, *validators)


def local_path(source: str) -> Path | None:
    """The local file or directory a source names (a path, or a ``file:`` URL); None for anything else."""
    if source.startswith("file:"):
        parts = urllib.parse.urlsplit(source)
        if parts.netloc not in ("", "localhost"):
            return None
        raw = urllib.request.url2pathname(parts.path)
        path = Path(raw) if parts.path.startswith("/") else PROJECT_ROOT / raw
    elif "://" in source:
        return None
    else:
        path = Path(source)
    return path if path.exists() else None


def local_source_iri(path: Path) -> str:
    """How a local dump is named in the provenance: ``file:`` + its path relative to the tsc-graph root when it
    ships with tsc-graph (machine-independent), else its absolute ``file://`` URL."""
    path = path.resolve()
    try:
        return "file:" + urllib.parse.quote(path.relative_to(PROJECT_ROOT).as_posix())
    except ValueError:
        return path.as_uri()


def fetch_local(path: Path, etag: str = "", max_bytes: int = MAX_BYTES) -> Fetched:
    """Read a local dump (one RDF file, or every RDF file under a directory); its validator is a content hash."""
    try:
        sources = expand_sources([path])
    except BadInput as e:
        raise RemoteError(str(e)) from None
    digest = hashlib.sha256()
    blobs = []
    total = 0
    for src in sorted(sources, key=lambda s: s.name):
        raw = Path(src.name).read_bytes()
        total += len(raw)
        if total > max_bytes:
            raise RemoteError(f"{path}: the dump is larger than the limit of {max_bytes} bytes")
        digest.update(Path(src.name).name.encode() + b"\0" + raw + b"\0")
        blobs.append((src, raw))
    tag = f'"sha256-{digest.hexdigest()}"'
    if tag == etag:
        return Fetched(None, etag=tag)
    seen: dict[ox.Triple, None] = {}
    for src, raw in blobs:
        fmt = src.resolved_format()
        if src.name.endswith(".gz"):
            raw = _gunzip(raw, max_bytes, src.name)
        for t in parse_triples(raw, fmt, src.name):
            seen.setdefault(t, None)
    return Fetched(to_ntriples(list(seen)), "ntriples", etag=tag)


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
def parse_triples(data: bytes, fmt: str, source: str) -> list[ox.Triple]:
    """Distinct triples of ``data`` (named graphs of quad formats merged), blank nodes renamed."""
    try:
        seen: dict[ox.Triple, None] = {}
        for q in ox.parse(data, OXIGRAPH_RDF[fmt], rename_blank_nodes=True):
            t = q.triple if fmt in QUAD_FORMATS else q
            seen.setdefault(t if isinstance(t, ox.Triple) else ox.Triple(t.subject, t.predicate, t.object), None)
    except SyntaxError as e:
        raise RemoteError(f"{source}: the {fmt} data received does not parse: {e}") from None
    except (OSError, ValueError) as e:
        raise RemoteError(f"{source}: the data received cannot be read as {fmt}: {e}") from None
    return list(seen)


#: Predicates that configure the node that holds them (its registry): a peer's copy of them means nothing here.
NODE_CONFIGURATION = frozenset(ox.NamedNode(TSC + p) for p in ("thisNode", "harvestGraph", "localDump",
                                                                "demonstrationNode"))
#: Shared vocabularies and the ontology: every node has its own copy; a peer never adds to ours.
SHARED_NAMESPACE = "https://w3id.org/tsc-graph/"


def peer_statements(triples: list[ox.Triple], base_uri: str) -> tuple[list[ox.Triple], int]:
    """What a peer may tell us: statements about its own resources. Dropped: statements whose subject is one of
    this node's resources (under ``base_uri``) or a shared vocabulary term, node-configuration statements, and
    the blank nodes only those statements reached. Returns (kept triples, number dropped)."""
    base = base_uri if base_uri.endswith("/") else base_uri + "/"

    def foreign(subject) -> bool:
        return isinstance(subject, ox.NamedNode) and subject.value.startswith((base, SHARED_NAMESPACE))

    kept = [t for t in triples if not foreign(t.subject) and t.predicate not in NODE_CONFIGURATION]
    # blank nodes: keep those reachable from a kept named subject (contact points of the peer's resources)
    by_subject: dict[ox.BlankNode, list[ox.Triple]] = {}
    roots: list[ox.Triple] = []
    for t in kept:
        (by_subject.setdefault(t.subject, []) if isinstance(t.subject, ox.BlankNode) else roots).append(t)
    reached: set[ox.BlankNode] = set()
    todo = [t.object for t in roots if isinstance(t.object, ox.BlankNode)]
    while todo:
        b = todo.pop()
        if b in reached:
            continue
        reached.add(b)
        todo.extend(t.object for t in by_subject.get(b, ()) if isinstance(t.object, ox.BlankNode))
    out = roots + [t for b in reached for t in by_subject.get(b, ())]
    return out, len(triples) - len(out)


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
def validate_triples(ntriples: bytes):
    from rdflib import Graph

    from .. import DATA_DIR, ONTOLOGY_DIR
    from ..validation import load_rdf_files, validate

    g = Graph()
    g.parse(data=ntriples, format="nt")
    context = [p for p in (ONTOLOGY_DIR, DATA_DIR / "reference") if p.exists()]
    return validate(load_rdf_files(context, into=g) if context else g)


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
) -> HarvestReport:
    """Harvest ``url`` into ``store``. Raises RemoteError (nothing changed) or BadInput.

    ``allow_local``: ``url`` may also be a local file or directory, or a ``file:`` URL (operators only: the
    server never harvests). ``conditional``: send back the validators of the last harvest from this source.
    ``feed``: a :class:`tsc_graph.changes.ChangeFeed` that records the harvest.
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
    previous = store.count(target) if target in store.graphs() else 0
    etag, last_modified = last_validators(store, target, source) if conditional and previous else ("", "")

    if mode == "local":
        fetched = fetch_local(local, etag, max_bytes)
    elif mode == "dump":
        fetched = fetch_dump(url, timeout, max_bytes, etag, last_modified)
    else:
        fetched = fetch_sparql(url, timeout, max_bytes, etag, last_modified)
    validation_graph = f"{target}/validation"
    if fetched.data is None:
        return HarvestReport(source=source, mode=mode, graph=target, triples=previous, started=started,
                             ended=datetime.now(timezone.utc), activity="", log_graph=log_graph,
                             previous_triples=previous, not_modified=True, etag=fetched.etag,
                             last_modified=fetched.last_modified)
    triples, dropped = peer_statements(parse_triples(fetched.data, fetched.format, source), base_uri)
    if not triples and not allow_empty:
        raise RemoteError(f"{source}: the harvest returned no triple; the previous copy in <{target}> is kept "
                          "(use --allow-empty to really empty it)")
    nt = to_ntriples(triples)

    report_data = None
    validation = validate_triples(nt) if validate else None
    if validation is not None:
        report_data = validation.to_turtle().encode("utf-8")  # written by Oxigraph: valid whatever the data

    ended = datetime.now(timezone.utc)
    stamp = started.strftime("%Y%m%dt%H%M%S%fz")
    activity = f"{base}id/harvest/{node_name(url) if name is None else name}-{stamp}"
    report = HarvestReport(
        source=source, mode=mode, graph=target, triples=len(triples), started=started, ended=ended,
        activity=activity, log_graph=log_graph, validation_graph=validation_graph if validation is not None else None,
        validation=validation, previous_triples=previous, etag=fetched.etag, last_modified=fetched.last_modified,
    )
    if dropped:
        report.warnings.append(f"{dropped} triple(s) not kept: statements about this node's own resources, shared "
                               "vocabularies or node configuration are never taken from a peer")

    log = io.BytesIO()
    if log_graph in store.graphs():
        store.export(log, "ntriples", graph=log_graph)
    log.write(provenance_ntriples(report))

    sources = [Source(f"{source} (harvested data)", data=nt, format="ntriples"),
               Source(f"{source} (harvest log)", data=log.getvalue(), format="ntriples")]
    graphs = {sources[0].name: target, sources[1].name: log_graph}
    if report_data is not None:
        sources.append(Source(f"{source} (validation report)", data=report_data, format="turtle"))
        graphs[sources[2].name] = validation_graph
    # --no-validate: the last report stays, and says which harvest it belongs to
    existed = target in store.graphs()
    store.load(sources, graph_for=lambda src: graphs[src.name], allow_empty=allow_empty)
    if feed is not None:
        from ..changes import graph_change

        feed.record(store, [graph_change("harvest", target, existed, len(triples), origin=source)])
    return report


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
            node.refused = (f"tsc:localDump {node.source!r} must be a path inside the tsc-graph directory, "
                            "e.g. data/nodes/be")
        elif base_uri is not None and node.graph is not None:
            try:
                target_graph(base_uri, node.source, graph=node.graph)
            except BadInput:
                node.refused = (f"tsc:harvestGraph <{node.graph}> is not under {harvest_prefix(base_uri)}: a "
                                "harvest never writes into one of this node's own graphs")
        out.append(node)
    return out


def harvest_all(store: Store, *, base_uri: str, on_result=None, **options) -> list[tuple[RegisteredNode, HarvestReport | Exception]]:
    """Harvest every registered node (``harvest`` options apply to each); one failure does not stop the others.

    ``on_result(node, report_or_error)`` is called after each node (progress for the CLI).
    """
    results: list[tuple[RegisteredNode, HarvestReport | Exception]] = []
    for node in registered_nodes(store, base_uri):
        try:
            if node.refused:
                raise BadInput(f"node {node.name!r} <{node.iri}>: {node.refused}")
            local = not node.source.startswith(("http://", "https://"))
            report: HarvestReport | Exception = harvest(
                store, node.source if not local else str(PROJECT_ROOT / node.source), base_uri=base_uri,
                graph=node.graph, name=node.name, allow_local=local, **options)
        except (RemoteError, BadInput) as e:
            report = e
        results.append((node, report))
        if on_result is not None:
            on_result(node, report)
    return results
