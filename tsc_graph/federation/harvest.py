"""Harvesting: copy another node's TSC graph into a named graph of ours, with provenance and validation.

``harvest(store, url)`` (the ``tsc-graph harvest`` command):

1. **Fetch** — a SPARQL endpoint gets the CONSTRUCT of ``sparql/harvest-construct.rq`` through SPARQLWrapper
   (the node's own resources only); a dump URL (``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``, ``.nq``, ``.trig``,
   optionally ``.gz``, or ``--dump``) is downloaded as is. Network timeout per connect/read: ``timeout``.
2. **Parse** with Oxigraph (blank nodes renamed so they cannot collide with ours; named graphs of a quad
   dump are merged). An empty answer is refused unless ``allow_empty`` (a misconfigured remote must not
   wipe our copy).
3. **Validate** against our shapes, with the ontology and ``data/reference`` as context. Violations do
   not reject the node: the data is loaded and the report is returned, stored and printed.
4. **Write, all or nothing, in one store transaction**: the node graph ``{base}graph/node/{name}`` (replaced),
   its validation report ``{node graph}/validation`` (replaced) and the provenance log
   ``{base}graph/harvest-log`` (one more ``prov:Activity``; the log keeps the history). A failure in any
   step before this one leaves the store exactly as it was.
"""
from __future__ import annotations

import gzip
import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pyoxigraph as ox

from .. import SPARQL_DIR, __version__
from ..errors import BadInput, RemoteError
from ..formats import OXIGRAPH_RDF, QUAD_FORMATS, RDF_FORMATS, rdf_format_for_media_type, rdf_format_for_path
from ..store import Source, Store

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
        }, ensure_ascii=False, indent=2)

    def nonconforming_resources(self) -> list[str]:
        return sorted({v.focus for v in self.violations})

    def to_text(self, lang: str = "en") -> str:
        kind = "SPARQL endpoint" if self.mode == "sparql" else "dump"
        secs = (self.ended - self.started).total_seconds()
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


def target_graph(base_uri: str, url: str, name: str | None = None, graph: str | None = None) -> str:
    if graph:
        if not re.match(r"^(https?|urn):[^<>\"{}|^`\\\s]+$", graph):
            raise BadInput(f"--graph {graph!r} is not an absolute IRI (http:, https: or urn:)")
        return graph
    if name is not None and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name):
        raise BadInput(f"--name {name!r} must be a slug: lowercase letters, digits and single hyphens")
    base = base_uri if base_uri.endswith("/") else base_uri + "/"
    return f"{base}graph/node/{name or node_name(url)}"


def is_dump_url(url: str) -> bool:
    path = urllib.parse.urlsplit(url).path.lower().removesuffix(".gz")
    return path.endswith(DUMP_SUFFIXES)


# --- fetching ------------------------------------------------------------------------------------------------
def _check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or re.search(r"[<>\"{}|^`\\\s]", url):
        raise BadInput(f"{url!r}: harvest takes an http(s) URL of a SPARQL endpoint or of a dump "
                       "(for a local file use `tsc-graph load --graph IRI FILE`)")


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


def fetch_dump(url: str, timeout: float, max_bytes: int = MAX_BYTES) -> tuple[bytes, str]:
    """Download a dump; returns (bytes, format name)."""
    accept = "text/turtle, application/n-triples;q=0.9, application/ld+json;q=0.8, application/rdf+xml;q=0.7, */*;q=0.1"
    req = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            data = _read_limited(resp, max_bytes, url)
            ctype = resp.headers.get("Content-Type", "")
            encoding = resp.headers.get("Content-Encoding", "")
    except RemoteError:
        raise
    except Exception as e:  # URLError, HTTPError, timeouts, resets
        raise RemoteError(f"{url}: download failed: {_network_reason(e)}") from None
    if encoding == "gzip" or url.lower().endswith(".gz") or data[:2] == b"\x1f\x8b":
        data = _gunzip(data, max_bytes, url)
    fmt = rdf_format_for_path(urllib.parse.urlsplit(url).path) or _format_from_type(ctype) or "turtle"
    return data, fmt


def _format_from_type(ctype: str) -> str | None:
    mt = ctype.split(";", 1)[0].strip().lower()
    if mt in ("text/plain", "application/octet-stream", ""):
        return None  # says nothing about the syntax
    return rdf_format_for_media_type(mt)


def construct_query() -> str:
    return (SPARQL_DIR / "harvest-construct.rq").read_text(encoding="utf-8")


def fetch_sparql(url: str, timeout: float, max_bytes: int = MAX_BYTES) -> tuple[bytes, str]:
    """CONSTRUCT the node's TSC graph from a SPARQL endpoint (SPARQLWrapper); returns (bytes, format name)."""
    import warnings

    from SPARQLWrapper import POST, TURTLE, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    sw = SPARQLWrapper(url, agent=USER_AGENT)
    sw.setQuery(construct_query())
    sw.setMethod(POST)
    sw.setReturnFormat(TURTLE)
    sw.setTimeout(int(max(1, round(timeout))))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = sw.query()
        resp = result.response
        data = _read_limited(resp, max_bytes, url)
        ctype = resp.headers.get("Content-Type", "") if hasattr(resp, "headers") else ""
    except RemoteError:
        raise
    except SPARQLWrapperException as e:
        msg = str(e).strip().splitlines()
        raise RemoteError(f"{url}: the SPARQL endpoint refused the harvest query: {' '.join(msg[:2])[:300]}") from None
    except Exception as e:
        raise RemoteError(f"{url}: SPARQL request failed: {_network_reason(e)}") from None
    fmt = _format_from_type(ctype) or "turtle"
    if fmt not in RDF_FORMATS:
        raise RemoteError(f"{url}: the endpoint answered {ctype!r}, not RDF; is this a SPARQL endpoint?")
    return data, fmt


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
) -> HarvestReport:
    """Harvest ``url`` into ``store``. Raises RemoteError (nothing changed) or BadInput."""
    _check_url(url)
    target = target_graph(base_uri, url, name=name, graph=graph)
    base = base_uri if base_uri.endswith("/") else base_uri + "/"
    log_graph = f"{base}{LOG_GRAPH}"
    mode = "dump" if (dump if dump is not None else is_dump_url(url)) else "sparql"
    started = datetime.now(timezone.utc)

    data, fmt = (fetch_dump if mode == "dump" else fetch_sparql)(url, timeout, max_bytes)
    triples = parse_triples(data, fmt, url)
    if not triples and not allow_empty:
        raise RemoteError(f"{url}: the harvest returned no triple; the previous copy in <{target}> is kept "
                          "(use --allow-empty to really empty it)")
    nt = to_ntriples(triples)

    report_data = None
    validation_graph = f"{target}/validation"
    validation = validate_triples(nt) if validate else None
    if validation is not None:
        report_data = validation.to_turtle().encode("utf-8")  # written by Oxigraph: valid whatever the data

    previous = store.count(target) if target in store.graphs() else 0
    ended = datetime.now(timezone.utc)
    stamp = started.strftime("%Y%m%dt%H%M%S%fz")
    activity = f"{base}id/harvest/{node_name(url) if name is None else name}-{stamp}"
    report = HarvestReport(
        source=url, mode=mode, graph=target, triples=len(triples), started=started, ended=ended,
        activity=activity, log_graph=log_graph, validation_graph=validation_graph if validation is not None else None,
        validation=validation, previous_triples=previous,
    )

    log = io.BytesIO()
    if log_graph in store.graphs():
        store.export(log, "ntriples", graph=log_graph)
    log.write(provenance_ntriples(report))

    sources = [Source(f"{url} (harvested data)", data=nt, format="ntriples"),
               Source(f"{url} (harvest log)", data=log.getvalue(), format="ntriples")]
    graphs = {sources[0].name: target, sources[1].name: log_graph}
    if report_data is not None:
        sources.append(Source(f"{url} (validation report)", data=report_data, format="turtle"))
        graphs[sources[2].name] = validation_graph
    elif validation_graph in store.graphs():
        pass  # --no-validate: the last report stays, and says which harvest it belongs to
    store.load(sources, graph_for=lambda src: graphs[src.name], allow_empty=allow_empty)
    return report
