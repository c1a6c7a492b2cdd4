"""The scale-out backend: an external SPARQL 1.1 store (Virtuoso, Fuseki, GraphDB) behind the Store interface.

Spec (``--store`` / ``TSC_STORE``)::

    sparql:http://127.0.0.1:8890/sparql?update=/sparql-auth&gsp=/sparql-graph-crud-auth

* the URL is the SPARQL 1.1 *query* endpoint; give it a read-only account (Virtuoso's anonymous ``/sparql``);
* ``update=`` the SPARQL 1.1 Update endpoint (default: the query URL), ``gsp=`` the Graph Store HTTP Protocol
  endpoint used to upload loads (default: none, loads are sent as ``INSERT DATA`` batches); both may be
  relative to the query URL;
* ``auth=digest|basic`` (default ``digest``, what Virtuoso's ``-auth`` endpoints speak; Fuseki and GraphDB use
  ``basic``); credentials are the ``user`` / ``password`` options, which the server and the CLI take from
  ``TSC_STORE_USER`` / ``TSC_STORE_PASSWORD`` (``Settings.store_credentials``), never from the spec, so a spec
  can be logged;
* ``engine=virtuoso|fuseki|graphdb|generic`` (default: detected from the ``Server`` header) decides how the
  per-request timeout is passed; ``registry=IRI`` the registry graph (default ``urn:tsc-graph:registry``);
  ``http_timeout=SECONDS`` the socket timeout of non-query requests (default 300).

How the interface's semantics are kept on a server we do not control (see docs/scale-out.md):

* *Union default graph.* A store's own default graph differs per engine (Virtuoso's includes its system
  graphs), so every query is sent with an explicit dataset: ``default-graph-uri`` and ``named-graph-uri`` are
  the graphs listed in the *registry graph*, i.e. the graphs tsc-graph wrote. The registry is updated in the
  same request as each load/drop, and rebuilt from a scan after a free-form :meth:`update`.
* *Atomic loads.* Every source is parsed locally first (syntax errors name file and line, nothing is sent),
  then uploaded into fresh staging graphs, then one update request swaps staging → target. A journal entry in
  the registry is written before the swap, so a swap interrupted by a crash or a failed request is rolled
  forward (the staged data is complete by then) on the next write or open.
* *Engine-serialised answers.* Results come back as SPARQL XML / N-Triples and are re-serialised by
  Oxigraph's serialisers (Rust, no Python rows), so the endpoint's bytes do not depend on the remote's dialect
  (Virtuoso answers ASK as a one-row SELECT and writes non-standard TSV).
"""
from __future__ import annotations

import io
import re
import string
import tempfile
import threading
import uuid
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

import pyoxigraph as ox

from .. import SPARQL_DIR
from ..errors import (
    BadInput,
    QuerySyntaxError,
    QueryTimeout,
    RemoteError,
    ResultTooLarge,
    TscGraphError,
    UpdateNotAllowed,
)
from ..formats import (
    OXIGRAPH_RDF,
    OXIGRAPH_RESULTS,
    QUAD_FORMATS,
    RDF_FORMATS,
    RESULTS_FORMATS,
    quads_not_loadable,
)
from ..sparql_text import after_prologue, looks_like_update
from .base import EmptySource, GraphNamer, LoadReport, QueryResult, SerializedResult, Source, Store
from .execute import PREFIXES_FOR_OUTPUT, serialize_result
from .oxigraph import parse_source, to_rdflib
from .progress import load_progress

#: Graphs this backend uploads into before swapping them in; never listed, dropped by recovery.
STAGING_PREFIX = "urn:tsc-graph:staging:"

STORE_SPARQL_DIR = SPARQL_DIR / "store"
DEFAULT_REGISTRY = "urn:tsc-graph:registry"
#: Stands for "no graph" in a dataset: an empty default-graph-uri list would mean "the engine's default".
EMPTY_GRAPH = "urn:tsc-graph:empty"
ASK_VARIABLE = "__ASK_RETVAL"  # Virtuoso 7 answers ASK as a one-row SELECT of this variable
INSERT_BATCH = 5000  # triples per INSERT DATA request when no Graph Store endpoint is configured

#: Per engine: the request parameter that makes the server itself stop a query, and its unit.
TIMEOUT_PARAMS = {"virtuoso": ("timeout", 1000.0), "fuseki": ("timeout", 1.0), "graphdb": ("timeout", 1.0)}
#: Graph Store Protocol parameter naming the graph: ``graph`` in the Recommendation, ``graph-uri`` in Virtuoso 7.
GSP_GRAPH_PARAM = {"virtuoso": "graph-uri"}

_IRI_OK = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^<>\"{}|^`\\\s]*$")
_FORM = re.compile(r"^\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


@lru_cache(maxsize=None)
def _template(name: str) -> string.Template:
    return string.Template((STORE_SPARQL_DIR / name).read_text(encoding="utf-8"))


def _iri(value: str) -> str:
    """``<value>`` after checking it is an absolute IRI that cannot break out of the template."""
    if not _IRI_OK.match(value):
        raise BadInput(f"not a valid absolute IRI: {value!r}")
    return f"<{value}>"


def _sparql(name: str, **iris: str) -> str:
    return _template(name).substitute({k: _iri(v) for k, v in iris.items()})


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE, read lexically after the prologue (the remote parses for real)."""
    m = _FORM.match(after_prologue(sparql))
    return m.group(1).upper() if m else "SELECT"


class RemoteSparqlStore(Store):
    """A SPARQL 1.1 Query/Update + Graph Store Protocol server, seen through the Store interface."""

    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        gsp_url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        auth: str = "digest",
        engine: str | None = None,
        registry: str = DEFAULT_REGISTRY,
        http_timeout: float = 300.0,
        **options,
    ):
        import requests

        if options:  # open_store has dropped the options of the other backends (store/__init__.py)
            raise BadInput(f"unknown option(s) for a sparql: store: {', '.join(sorted(options))}")
        self.query_url = query_url
        self.update_url = urljoin(query_url, update_url) if update_url else query_url
        self.gsp_url = urljoin(query_url, gsp_url) if gsp_url else None
        self.registry = registry
        _iri(registry)
        self.http_timeout = float(http_timeout)
        self._write_lock = threading.RLock()
        self._session = requests.Session()
        if user:
            if auth not in ("digest", "basic"):
                raise BadInput(f"auth must be digest or basic, not {auth!r}")
            from requests.auth import HTTPBasicAuth, HTTPDigestAuth

            self._session.auth = (HTTPDigestAuth if auth == "digest" else HTTPBasicAuth)(user, password or "")
        server = self._probe()
        self.engine = engine or _detect_engine(server)
        if self.engine not in (*TIMEOUT_PARAMS, "generic"):
            raise BadInput(f"engine must be one of virtuoso, fuseki, graphdb, generic, not {self.engine!r}")
        #: Virtuoso stops a query at its ``timeout`` parameter (measured: see docs/scale-out.md).
        self.hard_timeouts = self.engine == "virtuoso"
        self._gsp_param = GSP_GRAPH_PARAM.get(self.engine, "graph")
        self._recover()

    @classmethod
    def from_spec(cls, spec: str, **options) -> "RemoteSparqlStore":
        """``URL[?update=URL&gsp=URL&auth=digest&engine=virtuoso&registry=IRI]``; credentials in ``options``."""
        parts = urlsplit(spec)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise BadInput(f"sparql store spec needs an http(s) URL: sparql:http://host:port/sparql, got {spec!r}")
        if "@" in parts.netloc:
            raise BadInput("put store credentials in TSC_STORE_USER / TSC_STORE_PASSWORD, not in the URL")
        ours = {"update": "update_url", "gsp": "gsp_url", "auth": "auth", "engine": "engine",
                "registry": "registry", "http_timeout": "http_timeout"}
        keep = []
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            if key in ours:
                options.setdefault(ours[key], value)
            else:
                keep.append((key, value))  # an endpoint's own parameters stay on its URL
        query = "&".join(f"{k}={v}" for k, v in keep)
        url = urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
        return cls(url, **options)

    def __repr__(self) -> str:
        return f"<RemoteSparqlStore {self.query_url} engine={self.engine}>"

    # --- HTTP --------------------------------------------------------------------------------------
    def _http(self, method: str, url: str, *, what: str, timeout: float | None = None, **kwargs):
        import requests

        try:
            response = self._session.request(method, url, timeout=timeout or self.http_timeout, **kwargs)
        except requests.Timeout:
            raise QueryTimeout(f"{what}: no answer from {url} within {timeout or self.http_timeout:g} s") from None
        except requests.RequestException as e:
            raise RemoteError(f"{what}: cannot reach the SPARQL store at {url}: {e}") from None
        if response.status_code in (401, 403):
            raise RemoteError(
                f"{what}: {url} refused the request (HTTP {response.status_code}); "
                "check TSC_STORE_USER / TSC_STORE_PASSWORD and the account's rights"
            )
        return response

    def _probe(self) -> str:
        r = self._http("GET", self.query_url, what="opening the store", timeout=min(self.http_timeout, 30.0),
                       params={"query": "ASK {}"}, headers={"Accept": RESULTS_FORMATS["xml"].media_type})
        if r.status_code != 200:
            raise RemoteError(f"{self.query_url} is not a SPARQL endpoint (HTTP {r.status_code}: {_first_line(r.text)})")
        return r.headers.get("Server", "")

    def _select(self, sparql: str, *, default_graph_uris=(), named_graph_uris=(), timeout=None, what="query"):
        """Run a query on the remote; return the raw response (SPARQL XML or N-Triples) and the query form."""
        form = query_form(sparql)
        accept = RDF_FORMATS["ntriples"].media_type if form in ("CONSTRUCT", "DESCRIBE") else RESULTS_FORMATS["xml"].media_type
        data: list[tuple[str, str]] = [("query", sparql)]
        data += [("default-graph-uri", g) for g in default_graph_uris]
        data += [("named-graph-uri", g) for g in named_graph_uris]
        client_timeout = None
        if timeout:
            if self.engine in TIMEOUT_PARAMS:
                name, per_second = TIMEOUT_PARAMS[self.engine]
                data.append((name, str(int(timeout * per_second)) if per_second >= 1000 else f"{timeout:g}"))
            client_timeout = timeout + 10.0  # the server stops first; this catches a server that does not
        r = self._http("POST", self.query_url, what=what, timeout=client_timeout, data=data,
                       headers={"Accept": accept + ", */*;q=0.1"})
        if r.headers.get("X-SQL-State") == "S1TAT" or r.status_code in (503, 504) and "timeout" in r.text.lower():
            raise QueryTimeout(f"the query ran past its time budget of {timeout:g} s and was stopped" if timeout
                               else "the query ran past the SPARQL store's own time limit and was stopped")
        if r.status_code == 400:
            if looks_like_update(sparql):
                raise UpdateNotAllowed("SPARQL Update is not accepted here: this operation only runs queries (SELECT, ASK, CONSTRUCT, DESCRIBE)")
            raise QuerySyntaxError(f"SPARQL syntax error: {_remote_message(r.text)}")
        if r.status_code != 200:
            raise RemoteError(f"{what}: the SPARQL store answered HTTP {r.status_code}: {_remote_message(r.text)}")
        if "X-SPARQL-MaxRows" in r.headers:
            raise ResultTooLarge(
                f"the SPARQL store cut the result at its limit of {r.headers['X-SPARQL-MaxRows']} rows "
                "(Virtuoso: [SPARQL] ResultSetMaxRows); add a LIMIT or raise the server's limit"
            )
        return form, r

    def _parsed(self, sparql, default_graph_uris, named_graph_uris, timeout, what="query"):
        """Evaluate remotely, parse the answer with Oxigraph: QuerySolutions, QueryBoolean or triples."""
        if looks_like_update(sparql):
            raise UpdateNotAllowed("SPARQL Update is not accepted here: this operation only runs queries (SELECT, ASK, CONSTRUCT, DESCRIBE)")
        dg, ng = self._dataset(default_graph_uris, named_graph_uris)
        form, r = self._select(sparql, default_graph_uris=dg, named_graph_uris=ng, timeout=timeout, what=what)
        body = r.content
        if form in ("CONSTRUCT", "DESCRIBE"):
            fmt = _rdf_format_of(r.headers.get("Content-Type", ""))
            return form, list(ox.parse(body, format=fmt))
        result = ox.parse_query_results(body, format=OXIGRAPH_RESULTS["xml"])
        if form == "ASK" and isinstance(result, ox.QueryBoolean):
            return form, _Boolean(bool(result))
        if form == "ASK" and isinstance(result, ox.QuerySolutions):
            rows = list(result)
            value = rows[0][ASK_VARIABLE] if rows and [v.value for v in result.variables] == [ASK_VARIABLE] else None
            return form, _Boolean(value is not None and value.value not in ("0", "false"))
        return form, result

    def _dataset(self, default_graph_uris: Sequence[str], named_graph_uris: Sequence[str]):
        ours: list[str] | None = None
        if not default_graph_uris or not named_graph_uris:
            ours = self.graphs() or [EMPTY_GRAPH]
        return list(default_graph_uris) or ours, list(named_graph_uris) or ours

    # --- reading -----------------------------------------------------------------------------------
    def query(self, sparql, *, default_graph_uris=(), named_graph_uris=(), timeout=None) -> QueryResult:
        form, result = self._parsed(sparql, default_graph_uris, named_graph_uris, timeout)
        if isinstance(result, _Boolean):
            return QueryResult("ASK", boolean=result.value)
        if form in ("CONSTRUCT", "DESCRIBE"):
            from rdflib import Graph

            g = Graph()
            for t in result:
                g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
            return QueryResult("CONSTRUCT", graph=g)
        variables = [v.value for v in result.variables]
        rows = []
        for solution in result:
            rows.append({v: to_rdflib(solution[v]) for v in variables if solution[v] is not None})
        return QueryResult("SELECT", variables=variables, bindings=rows)

    def query_serialized(self, sparql, *, results_format="json", graph_format="turtle", default_graph_uris=(),
                         named_graph_uris=(), timeout=None, max_bytes=None, lane="public") -> SerializedResult:
        form, result = self._parsed(sparql, default_graph_uris, named_graph_uris, timeout)
        if isinstance(result, _Boolean):
            body = _serialize_boolean(result.value, results_format)
            return SerializedResult("ASK", results_format, body)
        return SerializedResult(*serialize_result(result, results_format, graph_format, max_bytes))

    def graphs(self) -> list[str]:
        _, r = self._select(_sparql("registered-graphs.rq", registry=self.registry), what="listing graphs")
        return sorted(s["g"].value for s in ox.parse_query_results(r.content, format=OXIGRAPH_RESULTS["xml"]))

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            ours = self.graphs()
            if not ours:
                return 0
            _, r = self._select(_sparql("count-quads.rq"), named_graph_uris=ours, default_graph_uris=ours, what="counting")
        else:
            _, r = self._select(_sparql("count-graph.rq", graph=graph), what="counting")
        rows = list(ox.parse_query_results(r.content, format=OXIGRAPH_RESULTS["xml"]))
        return int(rows[0]["n"].value) if rows else 0

    def _graph_triples(self, graph: str) -> list[ox.Triple]:
        if self.gsp_url:
            r = self._http("GET", self.gsp_url, what=f"exporting {graph}", params={self._gsp_param: graph},
                           headers={"Accept": RDF_FORMATS["ntriples"].media_type})
            if r.status_code == 404:
                return []
            if r.status_code == 200:
                return list(ox.parse(r.content, format=_rdf_format_of(r.headers.get("Content-Type", ""))))
        _, r = self._select(_sparql("graph-triples.rq", graph=graph), what=f"exporting {graph}")
        return list(ox.parse(r.content, format=_rdf_format_of(r.headers.get("Content-Type", ""))))

    def export(self, output, fmt: str, graph: str | None = None) -> None:
        if fmt not in OXIGRAPH_RDF:
            raise BadInput(f"unknown export format {fmt!r}")
        prefixes = PREFIXES_FOR_OUTPUT if fmt in ("turtle", "trig") else None
        if fmt in QUAD_FORMATS:
            graphs = [graph] if graph is not None else self.graphs()
            quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)) for g in graphs for t in self._graph_triples(g)]
            ox.serialize(quads, output, OXIGRAPH_RDF[fmt], **({"prefixes": prefixes} if prefixes else {}))
            return
        if graph is not None:
            triples = self._graph_triples(graph)
        else:
            _, triples = self._parsed(_sparql("union-triples.rq"), (), (), None, what="exporting")
        ox.serialize(triples, output, OXIGRAPH_RDF[fmt], **({"prefixes": prefixes} if prefixes else {}))

    # --- writing -----------------------------------------------------------------------------------
    def _update(self, sparql_update: str, what: str = "update") -> None:
        r = self._http("POST", self.update_url, what=what, data={"update": sparql_update},
                       headers={"Accept": "*/*"})
        if r.status_code == 400:
            raise QuerySyntaxError(f"SPARQL Update syntax error: {_remote_message(r.text)}")
        if r.status_code not in (200, 201, 204):
            raise RemoteError(f"{what}: the SPARQL store answered HTTP {r.status_code}: {_remote_message(r.text)}")

    def load(self, sources: Sequence[Source], *, graph_for: GraphNamer, progress: bool = False,
             allow_empty: bool = False) -> LoadReport:
        plan: dict[str, list[Source]] = {}
        for src in sources:
            fmt = src.resolved_format()  # unknown formats fail before anything is written
            if fmt in QUAD_FORMATS:
                raise BadInput(quads_not_loadable(src.name, fmt))
            plan.setdefault(graph_for(src), []).append(src)
        for target in plan:
            _iri(target)
        # 1. Parse everything locally: a malformed file fails here, before the remote store is touched.
        parsed: dict[str, list[tempfile.SpooledTemporaryFile]] = {}
        bar = load_progress(sources) if progress else None
        try:
            for target, srcs in plan.items():
                parsed[target] = [_to_ntriples(src, bar) for src in srcs]
                if not allow_empty and not any(f.tell() for f in parsed[target]):  # no N-Triples line written
                    raise EmptySource([src.name for src in srcs], target)
            if bar is not None:
                bar.close()
            with self._write_lock:
                self._recover()
                staging = {target: f"{STAGING_PREFIX}{uuid.uuid4()}" for target in plan}
                # 2. Upload into fresh staging graphs; on failure, drop them: the targets were not touched.
                try:
                    for target, files in parsed.items():
                        for i, f in enumerate(files):
                            self._upload(staging[target], f, first=i == 0)
                except BaseException:
                    for target, stage in staging.items():
                        self._abandon(stage, target)
                    raise
                # 3. Journal, then swap every target in one request. An interrupted swap is rolled forward.
                journal = " ".join(f"{_iri(s)} <urn:tsc-graph:store#stagingFor> {_iri(t)} ." for t, s in staging.items())
                self._update(_template("begin-load.ru").substitute(registry=_iri(self.registry), journal=journal),
                             what="loading (journal)")
                self._swap(staging)
        finally:
            for files in parsed.values():
                for f in files:
                    f.close()
        return LoadReport({target: self.count(target) for target in plan})

    def _swap(self, staging: dict[str, str]) -> None:
        ops = [_sparql("swap-graph.ru", target=t, staging=s, registry=self.registry) for t, s in staging.items()]
        request = " ;\n".join(ops)
        try:
            self._update(request, what="loading (swap)")
        except TscGraphError:
            try:  # the staged data is complete and the swap idempotent: roll forward once more
                self._update(request, what="loading (swap, retried)")
            except TscGraphError as e:
                raise RemoteError(
                    f"{e}. The load is journalled in {self.registry} and will be completed by the next "
                    "tsc-graph command that writes to this store."
                ) from None

    def _abandon(self, stage: str, target: str) -> None:
        try:
            self._update(_sparql("drop-staging.ru", staging=stage, target=target, registry=self.registry),
                         what="abandoning a load")
        except TscGraphError:
            pass  # a leftover staging graph is dropped by the next _recover()

    def _recover(self) -> None:
        """Roll forward journalled swaps; drop staging graphs no journal entry refers to."""
        _, r = self._select(_sparql("journal.rq", registry=self.registry), what="opening the store")
        pending = {s["staging"].value: s["target"].value
                   for s in ox.parse_query_results(r.content, format=OXIGRAPH_RESULTS["xml"])}
        if pending:
            with self._write_lock:
                self._swap({t: s for s, t in pending.items()})
        _, r = self._select(_sparql("staging-graphs.rq"), what="opening the store")
        for s in ox.parse_query_results(r.content, format=OXIGRAPH_RESULTS["xml"]):
            if s["g"].value not in pending:
                self._abandon(s["g"].value, "urn:tsc-graph:none")

    def _upload(self, stage: str, data: tempfile.SpooledTemporaryFile, *, first: bool) -> None:
        data.seek(0)
        if self.gsp_url:
            # PUT then POST: each request is one document, so blank nodes stay distinct between files.
            r = self._http("PUT" if first else "POST", self.gsp_url, what="loading (upload)",
                           params={self._gsp_param: stage}, data=data,
                           headers={"Content-Type": RDF_FORMATS["ntriples"].media_type})
            if r.status_code not in (200, 201, 204):
                raise RemoteError(f"loading: the Graph Store endpoint answered HTTP {r.status_code}: {_remote_message(r.text)}")
            return
        # INSERT DATA batches; triples with blank nodes go in one batch so their labels keep one scope.
        plain, with_bnodes = [], []
        for line in io.TextIOWrapper(data, encoding="utf-8"):
            if line.strip():
                (with_bnodes if "_:" in line else plain).append(line.rstrip("\n"))
        for i in range(0, len(plain), INSERT_BATCH):
            self._insert(stage, plain[i:i + INSERT_BATCH])
        if with_bnodes:
            self._insert(stage, with_bnodes)

    def _insert(self, stage: str, lines: list[str]) -> None:
        self._update(_template("insert-data.ru").substitute(staging=_iri(stage), triples="\n".join(lines)),
                     what="loading (upload)")

    def update(self, sparql_update: str) -> None:
        with self._write_lock:
            self._update(sparql_update)
            self.sync_registry()

    def sync_registry(self) -> list[str]:
        """Rebuild the registry from the store's non-empty, non-system graphs (after writes not made by load)."""
        _, r = self._select(_sparql("all-graphs.rq"), what="listing graphs")
        found = sorted(s["g"].value for s in ox.parse_query_results(r.content, format=OXIGRAPH_RESULTS["xml"]))
        entries = " ".join(f"{_iri(g)} a <http://www.w3.org/ns/sparql-service-description#NamedGraph> ." for g in found)
        self._update(_template("reset-registry.ru").substitute(registry=_iri(self.registry), entries=entries),
                     what="updating the registry")
        return found

    def drop_graph(self, graph: str) -> None:
        with self._write_lock:
            self._update(_sparql("drop-graph.ru", graph=graph, registry=self.registry), what="dropping a graph")

    def close(self) -> None:
        self._session.close()


class _Boolean:
    """An ASK answer parsed from the remote (pyoxigraph's QueryBoolean cannot be built from Python)."""

    def __init__(self, value: bool):
        self.value = value


@lru_cache(maxsize=None)
def _boolean_bodies() -> dict[tuple[bool, str], bytes]:
    """ASK answers serialised by Oxigraph itself, so both backends write the same bytes."""
    s = ox.Store()
    out = {}
    for value in (True, False):
        result = s.query("ASK {}" if value else "ASK { FILTER(false) }")
        for name, fmt in OXIGRAPH_RESULTS.items():
            buf = io.BytesIO()
            result.serialize(buf, fmt)
            out[(value, name)] = buf.getvalue()
            result = s.query("ASK {}" if value else "ASK { FILTER(false) }")
    return out


def _serialize_boolean(value: bool, results_format: str) -> bytes:
    return _boolean_bodies()[(value, results_format)]


def _to_ntriples(src: Source, bar) -> tempfile.SpooledTemporaryFile:
    """Parse one source with Oxigraph (strict, same guards and messages as the embedded store) into N-Triples."""
    out = tempfile.SpooledTemporaryFile(max_size=64 * 1024 * 1024)
    try:
        ox.serialize((q.triple for q in parse_source(src)), out, ox.RdfFormat.N_TRIPLES)
    except BaseException:  # a temporary file per source: never leave one open
        out.close()
        raise
    if bar is not None:
        bar.update(len(src.data) if src.data is not None else Path(src.name).stat().st_size)
    return out


def _rdf_format_of(content_type: str) -> ox.RdfFormat:
    mt = content_type.split(";", 1)[0].strip().lower()
    for name, f in RDF_FORMATS.items():
        if mt == f.media_type or mt in f.aliases:
            return OXIGRAPH_RDF[name]
    return ox.RdfFormat.N_TRIPLES if mt in ("", "text/plain") else ox.RdfFormat.TURTLE


def _detect_engine(server_header: str) -> str:
    s = server_header.lower()
    for name in ("virtuoso", "fuseki", "graphdb"):
        if name in s:
            return name
    return "generic"


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:300]


def _remote_message(text: str) -> str:
    """The useful part of a remote error page (Virtuoso: 'Virtuoso 37000 Error SP030: … syntax error at …')."""
    text = re.sub(r"<[^<>]+>", " ", text)  # [^<>]: a '<' never rescans what the previous one scanned
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    msg = next((line for line in lines if "error" in line.lower()), lines[0] if lines else "")
    return msg[:500]
