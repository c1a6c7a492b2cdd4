"""tsc-graph benchmarks: load, named queries (direct engine / HTTP endpoint / rdflib), HTTP throughput, SHACL, memory.

    python benchmarks/run.py --sizes 10k,100k,1M --runs 5 --out benchmarks/out/results.json

A script, not timed tests: it prints figures and ratios measured side by side in one run, and the targets
of issues #5 and #17 with PASS/MISS (targets are judged on the largest size measured, normally 1M).

Every engine answers the same query text (named queries from tsc_graph/sparql/*.rq, parameters bound with
tsc_graph.queries.bind, and the ten queries written outside the project in benchmarks/queries/) on the same
data (generated graph + ontology + reference vocabularies), and every answer is fully consumed and serialised
(SPARQL JSON for SELECT/ASK, N-Triples for CONSTRUCT), as the endpoint must do:

* memory   — pyoxigraph's in-memory ``Store`` called directly in this process (query + ``serialize``): the
             baseline of issue #17's targets;
* disk     — pyoxigraph on a RocksDB checkpoint of the store, called directly;
* http     — our endpoint with its DEFAULT settings (``tsc-graph serve``: waitress, the /sparql fast path, query
             workers forked from one in-memory replica), a real subprocess on loopback, queried with urllib
             (POST form, Accept SPARQL JSON / N-Triples); only the query time limit and the result-size limit are
             lifted (the 144 MB CONSTRUCTs);
* oxigraph — the Oxigraph server (``oxigraph serve-read-only --union-default-graph``, PyPI package ``oxigraph``,
             the ``bench`` extra) on the same checkpoint, queried the same way;
* rdflib   — rdflib's in-memory Graph + its SPARQL engine, in a child process with a per-query time cap.

Loads, rdflib and SHACL run in child processes so their peak memory (ru_maxrss) is their own.
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import platform
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import generate
from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

BASE = "https://fr.chm-cbd.net/tsc/"
TSC = "https://w3id.org/tsc-graph/ontology#"
ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
SIMPLE_QUERY = "SELECT ?label WHERE {{ <{iri}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"

TARGETS = {
    "endpoint_vs_direct": 1.3,     # endpoint median ≤ 1.3 × in-memory pyoxigraph direct, every query (#17)
    "rdflib_speedup": 20.0,        # rdflib ≥ 20 × slower than our endpoint, every query
    "load_tps": 300_000,           # triples/s
    "http_qps": 500.0,             # simple queries/s
    "http_p99_ms": 100.0,
    "peer_ratio": 0.5,             # point lookups ≥ 0.5 × the Oxigraph server's throughput at 8 clients (#17)
    "peer_p99_ms": 10.0,           # … with p99 ≤ 10 ms
    "cold_start_s": 3.0,           # server launch → first answer (#17)
    "shacl_100k_s": 10.0,
    "shacl_speedup": 3.0,          # compiled SHACL ≥ 3 × faster than plain pyshacl at 100k (#17)
    "shacl_1m_s": 60.0,            # SHACL validation of 1M triples (#17)
    "peak_mem_mb": 2048.0,
}
QUERIES_DIR = HERE / "queries"


# ------------------------------------------------------------------------------------------------------------
# small helpers
# ------------------------------------------------------------------------------------------------------------
def median(xs):
    return statistics.median(xs) if xs else None


def pct(xs, p):
    if not xs:
        return None
    s = sorted(xs)
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * (len(s) - 1)))))
    return s[k]


def fmt_s(x):
    if x is None:
        return "—"
    if x < 1e-3:
        return f"{x * 1e6:.0f} µs"
    if x < 1:
        return f"{x * 1e3:.1f} ms"
    return f"{x:.2f} s"


def fmt_n(x):
    if x is None:
        return "—"
    if x >= 1e6:
        return f"{x / 1e6:.2f}M"
    if x >= 1e3:
        return f"{x / 1e3:.1f}k"
    return f"{x:.0f}"


def reference_files() -> list[Path]:
    files = sorted((ONTOLOGY_DIR).glob("*.ttl")) + sorted((REFERENCE_DIR).glob("*.ttl"))
    return [f for f in files if f.is_file()]


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def process_children() -> dict[int, list[int]]:
    """Parent pid → child pids of every process, from /proc/PID/stat (Linux)."""
    children: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(d.name))
            except (OSError, IndexError, ValueError):
                pass
    return children


def proc_tree_hwm_mb(pid: int) -> dict:
    """VmHWM (peak RSS) of a process and of its descendants, from /proc (Linux)."""
    def hwm(p):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
        except OSError:
            return None
        return None

    children = process_children()
    out = {"main": hwm(pid), "children": []}
    stack = list(children.get(pid, []))
    while stack:
        c = stack.pop()
        v = hwm(c)
        if v is not None:
            out["children"].append(v)
        stack.extend(children.get(c, []))
    out["total"] = (out["main"] or 0) + sum(out["children"])
    return out


def reset_tree_hwm(pid: int) -> None:
    """Start the peak RSS (VmHWM) of a process and its descendants again from their RSS now (Linux 4.0+:
    writing 5 to /proc/PID/clear_refs), so that the next peak read belongs to what runs in between."""
    children = process_children()
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            Path(f"/proc/{p}/clear_refs").write_text("5")
        except OSError:
            pass
        stack.extend(children.get(p, []))


def run_child(fn, args, timeout):
    """Run ``fn(*args)`` in a fresh spawned process; return its result or raise TimeoutError."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_child_main, args=(child, fn, args), daemon=False)
    p.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise TimeoutError(f"{fn.__name__} took more than {timeout:g} s")
        status, payload = parent.recv()
    except EOFError:
        raise RuntimeError(f"{fn.__name__}: child process died (exit code {p.exitcode})") from None
    finally:
        if p.is_alive():
            p.kill()
        p.join(5)
    if status == "error":
        raise RuntimeError(payload)
    return payload


def _child_main(conn, fn, args):
    try:
        conn.send(("ok", fn(*args)))
    except BaseException as e:  # report, do not hang the parent
        import traceback

        conn.send(("error", f"{type(e).__name__}: {e}\n{traceback.format_exc()}"))


# ------------------------------------------------------------------------------------------------------------
# load (child processes)
# ------------------------------------------------------------------------------------------------------------
def load_ours(data: str, store_dir: str, with_reference: bool) -> dict:
    """Bulk load through our API (OxigraphStore.load: staging/journal/transactional swap)."""
    from tsc_graph.store import GraphNamer, Source, open_store

    shutil.rmtree(store_dir, ignore_errors=True)
    store = open_store(f"oxigraph:{store_dir}")
    t = time.perf_counter()
    report = store.load([Source(data)], graph_for=GraphNamer(BASE))
    secs = time.perf_counter() - t
    if with_reference:
        store.load([Source(str(f)) for f in reference_files()], graph_for=GraphNamer(BASE))
    store.close()
    return {"secs": secs, "triples": report.total, "maxrss_mb": maxrss_mb()}


def load_raw(data: str, store_dir: str) -> dict:
    """Baseline: pyoxigraph Store.bulk_load straight into a named graph, then flush."""
    import pyoxigraph as ox

    shutil.rmtree(store_dir, ignore_errors=True)
    store = ox.Store(store_dir)
    t = time.perf_counter()
    store.bulk_load(path=data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(BASE + "graph/data"))
    store.flush()
    secs = time.perf_counter() - t
    n = len(store)
    del store
    shutil.rmtree(store_dir, ignore_errors=True)
    return {"secs": secs, "triples": n, "maxrss_mb": maxrss_mb()}


def reload_ours(store_dir: str, data: str) -> dict:
    """Replace an existing graph with the same file (the `tsc-graph load` re-run path)."""
    from tsc_graph.store import GraphNamer, Source, open_store

    store = open_store(f"oxigraph:{store_dir}")
    t = time.perf_counter()
    report = store.load([Source(data)], graph_for=GraphNamer(BASE))
    secs = time.perf_counter() - t
    store.close()
    return {"secs": secs, "triples": report.total, "maxrss_mb": maxrss_mb()}


# ------------------------------------------------------------------------------------------------------------
# named queries
# ------------------------------------------------------------------------------------------------------------
def inject_values(text: str, block: str) -> str:
    """Put a VALUES block at the start of the outermost group pattern (after WHERE, or after ASK/… '{')."""
    m = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
    if m is None:
        m = re.search(r"\b(ASK|SELECT[^{]*)\s*\{", text, re.IGNORECASE)
    if m is None:
        raise ValueError("no group pattern to bind parameters in")
    return f"{text[: m.end()]}\n  {block}\n{text[m.end():]}"


def prepare_queries(direct_store, only: set[str] | None = None) -> tuple[list[dict], list[dict]]:
    """Named queries with typical parameter values; returns (runnable, skipped)."""

    from tsc_graph.queries import bind, named_queries

    def first(q):
        for row in direct_store.query(q, use_default_graph_as_union=True):
            return row[0].value
        return None

    top_actor = first(f"SELECT ?a WHERE {{ ?p <{TSC}leadOrganisation> ?a }} GROUP BY ?a ORDER BY DESC(COUNT(?p)) ?a LIMIT 1")
    quiet_actor = first(f"SELECT ?a WHERE {{ {{ SELECT ?a (COUNT(?p) AS ?n) WHERE {{ ?p <{TSC}leadOrganisation>|"
                        f"<{TSC}partnerOrganisation> ?a }} GROUP BY ?a }} FILTER(?n >= 3 && ?n <= 6) }} ORDER BY ?a LIMIT 1") \
        or top_actor
    a_project = first(f"SELECT ?p WHERE {{ ?p a <{TSC}Project> ; <{TSC}fulfils>|^<{TSC}fulfilledBy> ?c }} ORDER BY ?p LIMIT 1") \
        or first(f"SELECT ?p WHERE {{ ?p a <{TSC}Project> }} ORDER BY ?p LIMIT 1")
    a_request = first(f"SELECT ?r WHERE {{ ?r a <{TSC}CooperationRequest> }} ORDER BY ?r LIMIT 1")
    typical = {
        "target": "https://w3id.org/tsc-graph/vocab/gbf/target-06",
        "goal": "https://w3id.org/tsc-graph/vocab/gbf/goal-A",
        "actor": top_actor,
        "resource": a_project,
        "project": a_project,
        "request": a_request,
        "class": TSC + "Actor",
        "namespace": TSC,
        "ontology": "https://w3id.org/tsc-graph/ontology",
        "country": "https://w3id.org/tsc-graph/vocab/country/FR",
        "theme": "https://w3id.org/tsc-graph/vocab/theme/invasive-species",
        "article": "https://w3id.org/tsc-graph/vocab/cbd/article-18",
        "support": "https://w3id.org/tsc-graph/vocab/support-type/training",
    }
    runnable, skipped = [], []
    for name, nq in named_queries().items():
        if only and name not in only:
            continue
        body = "\n".join(line for line in nq.text.splitlines() if not line.lstrip().startswith("#"))
        if re.search(r"\bSERVICE\b", body, re.IGNORECASE):
            skipped.append({"name": name, "why": "uses SERVICE (remote endpoint)"})
            continue
        missing = [p for p in nq.required_params if typical.get(p) is None]
        if missing:
            skipped.append({"name": name, "why": f"no typical value for parameter(s) {', '.join(missing)}"})
            continue
        values = {p: typical[p] for p in nq.required_params}  # optional ones stay unbound: the whole answer
        try:
            text = bind(nq, values) if values else nq.text
        except Exception as e:  # noqa: BLE001 - fall back to our own VALUES injection, and say so
            terms = " ".join(f"<{v}>" for v in values.values())
            text = inject_values(nq.text, f"VALUES ({' '.join('?' + k for k in values)}) {{ ({terms}) }}")
            bind_note = f"tsc_graph.queries.bind failed ({e}); VALUES injected by the benchmark"
        else:
            bind_note = None
        runnable.append({"name": name, "text": text, "params": values, "note": bind_note})
        if name == "offer-request-matches" and a_request and not (only and name + "[request]" not in only):
            # Not a named query: the remedy for its quadratic cost (matches for one request, as a Bio-Bridge page
            # shows them), measured so the analysis can quote it. Marked with [request] in every table.
            runnable.append({"name": name + "[request]", "params": {"request": a_request}, "variant": True,
                             "note": "benchmark variant: VALUES ?request bound to one request",
                             "text": inject_values(nq.text, f"VALUES ?request {{ <{a_request}> }}")})
    outside = {"project": typical["project"], "request": a_request, "actor": quiet_actor}
    for path in sorted(QUERIES_DIR.glob("*.rq")):
        name = "outside:" + path.stem.split("-", 1)[1]
        if only and name not in only:
            continue
        text = path.read_text(encoding="utf-8")
        params = re.search(r"^# params: (.+)$", text, re.MULTILINE)
        values = {p.strip(): outside.get(p.strip()) for p in params.group(1).split(",")} if params else {}
        if any(v is None for v in values.values()):
            skipped.append({"name": name, "why": "no typical value for its parameters"})
            continue
        for var, value in values.items():
            text = inject_values(text, f"VALUES ?{var} {{ <{value}> }}")
        runnable.append({"name": name, "text": text, "params": values, "note": None, "outside": True})
    return runnable, skipped


def direct_once(store, text):
    """Evaluate + serialise completely; returns (seconds, bytes, rows)."""
    import pyoxigraph as ox

    t = time.perf_counter()
    r = store.query(text, use_default_graph_as_union=True)
    if isinstance(r, (ox.QuerySolutions, ox.QueryBoolean)):
        body = r.serialize(format=ox.QueryResultsFormat.JSON)
    else:
        body = ox.serialize(r, format=ox.RdfFormat.N_TRIPLES)
    return time.perf_counter() - t, body


def http_once(url, text, timeout=600):
    data = urllib.parse.urlencode({"query": text}).encode()
    req = urllib.request.Request(url, data=data, headers={
        "Accept": ACCEPT, "Content-Type": "application/x-www-form-urlencoded"})
    t = time.perf_counter()
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        body = resp.read()
        status = resp.status
    return time.perf_counter() - t, body, status


def count_answer(body: bytes) -> int:
    """Rows (SELECT), 1 (ASK) or triples (N-Triples) of an answer, to check the engines agree."""
    if body[:1] == b"{":
        j = json.loads(body)
        if "boolean" in j:
            return 1 if j["boolean"] else 0
        return len(j["results"]["bindings"])
    return sum(1 for line in body.splitlines() if line.strip())


# ------------------------------------------------------------------------------------------------------------
# rdflib (child process, one query at a time, killed past its cap)
# ------------------------------------------------------------------------------------------------------------
def _rdflib_worker(conn, data: str, ref: list[str]):
    from rdflib import Dataset, URIRef

    t = time.perf_counter()
    g = Dataset(default_union=True)  # one named graph per file, union default graph: like our store
    g.graph(URIRef(BASE + "graph/data")).parse(data, format="nt")
    for f in ref:
        g.graph(URIRef(BASE + "graph/" + Path(f).stem)).parse(f, format="turtle")
    n = sum(len(x) for x in g.graphs())
    conn.send(("parsed", {"secs": time.perf_counter() - t, "triples": n, "maxrss_mb": maxrss_mb()}))
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg is None:
            conn.send(("bye", {"maxrss_mb": maxrss_mb()}))
            return
        text, runs, budget = msg
        times, n = [], None
        try:
            for _ in range(runs):
                t = time.perf_counter()
                res = g.query(text)
                if res.type == "CONSTRUCT" or res.type == "DESCRIBE":
                    body = res.serialize(format="nt")
                    n = sum(1 for line in body.splitlines() if line.strip())
                else:
                    body = res.serialize(format="json")
                    n = count_answer(body)
                times.append(time.perf_counter() - t)
                if sum(times) > budget:
                    break
            conn.send(("ok", {"times": times, "rows": n}))
        except Exception as e:  # noqa: BLE001
            conn.send(("error", f"{type(e).__name__}: {e}"))


class RdflibRunner:
    def __init__(self, data: Path, parse_timeout: float):
        self.data = data
        self.parse_timeout = parse_timeout
        self.proc = None
        self.parse_info = None
        self.maxrss = 0.0

    def start(self):
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_rdflib_worker, args=(child, str(self.data), [str(f) for f in reference_files()]), daemon=True)
        self.proc.start()
        child.close()
        if not self.conn.poll(self.parse_timeout):
            self.kill()
            raise TimeoutError(f"rdflib did not parse the data within {self.parse_timeout:g} s")
        _, info = self.conn.recv()
        self.parse_info = self.parse_info or info
        self.maxrss = max(self.maxrss, info["maxrss_mb"])

    def kill(self):
        if self.proc is not None:
            if self.proc.is_alive():
                # read the peak before killing: /proc is gone afterwards
                h = proc_tree_hwm_mb(self.proc.pid)["main"]
                if h:
                    self.maxrss = max(self.maxrss, h)
            self.proc.kill()
            self.proc.join(5)
            self.proc = None

    def run(self, text: str, runs: int, cap: float):
        """Returns {'times': [...], 'rows': n} or {'timeout': cap} or {'error': msg}."""
        if self.proc is None:
            self.start()
        self.conn.send((text, runs, cap))
        if not self.conn.poll(cap + 5):
            self.kill()
            return {"timeout": cap}
        status, payload = self.conn.recv()
        if self.proc is not None and self.proc.is_alive():
            h = proc_tree_hwm_mb(self.proc.pid)["main"]
            if h:
                self.maxrss = max(self.maxrss, h)
        if status == "ok":
            return payload
        return {"error": payload}

    def close(self):
        self.kill()


# ------------------------------------------------------------------------------------------------------------
# SHACL (child process)
# ------------------------------------------------------------------------------------------------------------
def shacl_child(data: str, runs: int, plain: bool) -> dict:
    """Like `tsc-graph validate FILE` (data + ontology + reference, our shapes), three ways:

    * files   — the CLI's path: files parsed straight into Oxigraph, shapes compiled to SPARQL;
    * rdflib  — ``validate(graph)`` on an rdflib graph (the library call harvesting and submissions make);
    * plain   — pyshacl alone, single process, on the same rdflib graph (the baseline of issue #17), with
                the check that both engines report the same results.
    """
    from tsc_graph.validation import (
        load_oxigraph,
        load_rdf_files,
        shapes_graph,
        validate,
    )

    shapes = shapes_graph()
    out: dict = {"files_times": [], "files_parse": [], "maxrss_mb": 0}
    for _ in range(runs):
        t = time.perf_counter()
        store = load_oxigraph([data, *reference_files()])
        parsed = time.perf_counter() - t
        report = validate(store, shapes=shapes)
        out["files_times"].append(time.perf_counter() - t)
        out["files_parse"].append(parsed)
        out["conforms"], out["violations"], out["triples"] = report.conforms, len(report.violations), len(store)
        del store
    if plain:
        from pyshacl import validate as pyshacl_validate

        t = time.perf_counter()
        g = load_rdf_files([data])
        load_rdf_files(reference_files(), into=g)
        out["parse_secs"] = time.perf_counter() - t
        out["times"], out["plain_times"] = [], []
        for _ in range(runs):
            t = time.perf_counter()
            report = validate(g, shapes=shapes)
            out["times"].append(time.perf_counter() - t)
            t = time.perf_counter()
            plain_conforms, plain_report, _ = pyshacl_validate(g, shacl_graph=shapes, inference="none", advanced=True,
                                                               allow_warnings=True)
            out["plain_times"].append(time.perf_counter() - t)
        from tsc_graph.validation import _violations

        key = lambda vs: sorted((v.focus, v.path or "", v.value or "", v.component, v.shape or "") for v in vs)  # noqa: E731
        out["same_report"] = plain_conforms == report.conforms and key(_violations(plain_report)) == key(report.violations)
    out["maxrss_mb"] = maxrss_mb()
    return out


# ------------------------------------------------------------------------------------------------------------
# server
# ------------------------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_available() -> bool:
    try:
        from tsc_graph.web import create_app  # noqa: F401
    except Exception:  # noqa: BLE001
        return False
    return True


def wait_until_answering(url: str, proc: subprocess.Popen, timeout: float) -> None:
    """Return once the SPARQL endpoint at ``url`` answers ``ASK {}`` with 200; RuntimeError if ``proc`` exits
    first or ``timeout`` seconds pass."""
    deadline = time.time() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if http_once(url, "ASK {}", timeout=5)[2] == 200:
                return
        except OSError:
            pass
        if time.time() > deadline:
            raise RuntimeError(f"server not ready after {timeout:.0f} s")
        time.sleep(0.02)


class Server:
    """``tsc-graph serve`` with its default settings (workers, threads, replica rule), except the query time
    limit and the result-size limit, lifted so that the 144 MB CONSTRUCTs of the 1M graph are answered."""

    def __init__(self, store_dir: Path, log: Path, workers: int | None = None, threads: int | None = None,
                 engine: str | None = None, front: str | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        env = {k: v for k, v in os.environ.items() if not k.startswith("TSC_")}
        env.update(TSC_QUERY_TIMEOUT="600", TSC_MAX_RESULT_BYTES=str(2 * 1024**3),
                   PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        if workers:
            env["TSC_QUERY_WORKERS"] = str(workers)
        if engine:
            env["TSC_QUERY_ENGINE"] = engine
        self.log_path = log
        self.log = open(log, "wb")
        cmd = [sys.executable, "-m", "tsc_graph.cli", "--store", f"oxigraph:{store_dir}", "serve",
               "--host", "127.0.0.1", "--port", str(self.port)]
        if threads:
            cmd += ["--threads", str(threads)]
        if front:
            cmd += ["--front", front]
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        try:
            wait_until_answering(self.url, self.proc, 120)
        except RuntimeError as e:
            self.stop()
            raise RuntimeError(f"{e}; see {log}") from None
        self.first_answer = time.perf_counter() - self.started

    def replica_ready(self, timeout: float = 300.0) -> tuple[str, float | None]:
        """(what the workers read, seconds from launch until it was ready) from the server's log: big stores
        answer from disk first and move to the in-memory copy once it is made (tsc_graph/store/pool.py)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            text = self.log_path.read_text(errors="replace")
            if "replica (memory)" in text:
                return "memory", time.perf_counter() - self.started
            if "stay on the on-disk snapshot" in text:
                return "disk", self.first_answer
            time.sleep(0.05)
        return "disk (memory copy not ready)", None

    def memory(self) -> dict:
        return proc_tree_hwm_mb(self.proc.pid)

    def resident(self) -> dict:
        """RSS and PSS now, summed over the server and its processes (PSS counts a page shared by n processes as
        1/n in each: the memory the machine really spends; RSS counts it in every process)."""
        return proc_tree_now_mb(self.proc.pid)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.log.close()


def proc_tree_now_mb(pid: int) -> dict:
    """Current RSS and PSS (MB) of a process and its descendants, from /proc/PID/smaps_rollup (Linux)."""
    children = process_children()
    rss = pss = 0.0
    processes = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        stack.extend(children.get(p, []))
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) / 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) / 1024
            processes += 1
        except OSError:
            pass
    return {"rss": rss, "pss": pss, "processes": processes}


def oxigraph_cli() -> str | None:
    """The Oxigraph server's executable (PyPI ``oxigraph``, installed by ``pip install -e '.[bench]'``)."""
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.exists() else shutil.which("oxigraph")


class OxigraphServer:
    """``oxigraph serve-read-only`` on a checkpoint of the store: the peer of issue #17."""

    def __init__(self, exe: str, location: Path, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/query"
        self.log = open(log, "wb")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen([exe, "serve-read-only", "--location", str(location), "--bind",
                                      f"127.0.0.1:{self.port}", "--union-default-graph"],
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_until_answering(self.url, self.proc, 60)
        except RuntimeError as e:
            self.stop()
            raise RuntimeError(f"oxigraph: {e}; see {log}") from None
        self.first_answer = time.perf_counter() - self.started

    def resident(self) -> dict:
        return proc_tree_now_mb(self.proc.pid)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.log.close()


def throughput(url: str, iris: list[str], clients: int, total: int, cap: float, seed: int = 7) -> dict:
    """``clients`` threads, each with a keep-alive connection, share ``total`` requests (or stop at ``cap`` s)."""
    parsed = urllib.parse.urlsplit(url)
    lat: list[float] = []
    errors = [0]
    lock = threading.Lock()
    counter = iter(range(total))
    deadline = time.perf_counter() + cap
    rng = random.Random(seed)
    bodies = [urllib.parse.urlencode({"query": SIMPLE_QUERY.format(iri=rng.choice(iris))}) for _ in range(512)]
    headers = {"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"}

    def client(k):
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        mine = []
        while time.perf_counter() < deadline:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            t = time.perf_counter()
            try:
                conn.request("POST", parsed.path, body=bodies[i % len(bodies)], headers=headers)
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
            dt = time.perf_counter() - t
            if ok:
                mine.append(dt)
            else:
                with lock:
                    errors[0] += 1
        conn.close()
        with lock:
            lat.extend(mine)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    return {"clients": clients, "requests": len(lat), "errors": errors[0], "wall_s": wall,
            "qps": len(lat) / wall if wall else 0.0, "p50_ms": (pct(lat, 50) or 0) * 1e3,
            "p99_ms": (pct(lat, 99) or 0) * 1e3, "max_ms": (max(lat) if lat else 0) * 1e3}


def direct_throughput(store, iris: list[str], total: int, seed: int = 7) -> dict:
    import pyoxigraph as ox

    rng = random.Random(seed)
    qs = [SIMPLE_QUERY.format(iri=rng.choice(iris)) for _ in range(512)]
    lat = []
    t0 = time.perf_counter()
    for i in range(total):
        t = time.perf_counter()
        store.query(qs[i % len(qs)], use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON)
        lat.append(time.perf_counter() - t)
    wall = time.perf_counter() - t0
    return {"clients": 1, "requests": total, "qps": total / wall, "p50_ms": pct(lat, 50) * 1e3, "p99_ms": pct(lat, 99) * 1e3}


# ------------------------------------------------------------------------------------------------------------
# one size
# ------------------------------------------------------------------------------------------------------------
def checkpoint_and_copy(store_dir: Path, work: Path, label: str):
    """The peers' copies of a loaded store: ``(checkpoint, disk, memory, copy_secs)``.

    ``checkpoint`` is a RocksDB checkpoint (hard links) under ``work``, ``disk`` pyoxigraph opened read-only on it,
    ``memory`` an in-memory pyoxigraph holding the same quads (the direct baseline), ``copy_secs`` what making that
    copy took. A checkpoint, not the store itself: the tsc-graph server under test holds the store's RocksDB lock.
    The caller deletes the checkpoint once ``disk`` is closed.
    """
    import pyoxigraph as ox

    checkpoint = work / f"checkpoint-{label}"
    shutil.rmtree(checkpoint, ignore_errors=True)
    ox.Store.read_only(str(store_dir / "db")).backup(str(checkpoint))
    disk = ox.Store.read_only(str(checkpoint))
    t = time.perf_counter()
    dump = work / f"dump-{label}.nq"
    disk.dump(str(dump), ox.RdfFormat.N_QUADS)
    memory = ox.Store()
    memory.bulk_extend(ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS, lenient=True))
    dump.unlink()
    return checkpoint, disk, memory, time.perf_counter() - t


def bench_size(size: int, args, work: Path) -> dict:
    label = generate.size_label(size)
    out: dict = {"size": label, "target_triples": size}
    print(f"\n######## {label} triples ########", flush=True)

    # ---- data
    t = time.perf_counter()
    data, stats = generate.ensure(size, work / "data", args.seed)
    out["data"] = {"file": str(data), "bytes": data.stat().st_size, "generated_secs": time.perf_counter() - t,
                   "stats": stats}
    print(f"data: {data.name} ({data.stat().st_size / 1e6:.1f} MB)", flush=True)

    # ---- load
    print("\n== load (bulk, on-disk store)", flush=True)
    store_dir = work / f"store-{label}"
    ours, raw = [], []
    load_runs = args.load_runs or args.runs
    for i in range(load_runs):
        last = i == load_runs - 1
        ours.append(run_child(load_ours, (str(data), str(store_dir), last), args.load_timeout))
        raw.append(run_child(load_raw, (str(data), str(work / f"raw-{label}")), args.load_timeout))
    n = ours[0]["triples"]
    o_med, r_med = median([r["secs"] for r in ours]), median([r["secs"] for r in raw])
    out["load"] = {"triples": n, "ours_secs": [r["secs"] for r in ours], "raw_secs": [r["secs"] for r in raw],
                   "ours_tps": n / o_med, "raw_tps": n / r_med, "ratio": o_med / r_med,
                   "ours_maxrss_mb": max(r["maxrss_mb"] for r in ours), "raw_maxrss_mb": max(r["maxrss_mb"] for r in raw)}
    if args.reload and size <= generate.parse_size(args.reload_max):
        rl = run_child(reload_ours, (str(store_dir), str(data)), args.load_timeout)
        out["load"]["reload_secs"] = rl["secs"]
        out["load"]["reload_tps"] = n / rl["secs"]
        out["load"]["reload_maxrss_mb"] = rl["maxrss_mb"]
    L = out["load"]
    print(f"{'':28s}{'median':>10s}{'triples/s':>12s}{'peak RSS':>10s}")
    print(f"{'OxigraphStore.load (ours)':28s}{fmt_s(o_med):>10s}{fmt_n(L['ours_tps']):>12s}{L['ours_maxrss_mb']:>8.0f}MB")
    print(f"{'pyoxigraph bulk_load (raw)':28s}{fmt_s(r_med):>10s}{fmt_n(L['raw_tps']):>12s}{L['raw_maxrss_mb']:>8.0f}MB")
    if "reload_secs" in L:
        print(f"{'re-load, replacing (ours)':28s}{fmt_s(L['reload_secs']):>10s}{fmt_n(L['reload_tps']):>12s}{L['reload_maxrss_mb']:>8.0f}MB")
    print(f"ours / raw time: {L['ratio']:.2f}×", flush=True)

    # ---- peers: a checkpoint of the store (direct engines, Oxigraph server), an in-memory copy
    checkpoint, disk, memory, out["memory_copy_secs"] = checkpoint_and_copy(store_dir, work, label)
    print(f"\nin-memory pyoxigraph copy for the direct baseline: {fmt_s(out['memory_copy_secs'])}", flush=True)

    # ---- server: cold start (no saved replica), restart (saved replica), then it stays up for the queries
    srv = peer = None
    if args.no_http:
        print("\n(HTTP endpoint: skipped by --no-http)")
    elif not server_available():
        print("\n(HTTP endpoint: SKIPPED — server package or `tsc-graph serve` not available)")
    else:
        print("\n== cold start: `tsc-graph serve` launch → first answer; → in-memory replica serving", flush=True)
        starts = []
        shutil.rmtree(store_dir / "replica", ignore_errors=True)
        for attempt in ("first start (replica copied from RocksDB)", "restart (replica saved by the first start)"):
            srv = Server(store_dir, work / f"server-{label}.log", workers=args.workers, threads=args.threads,
                         engine=args.query_engine)
            mode, ready = srv.replica_ready()
            starts.append({"start": attempt, "first_answer_s": srv.first_answer, "replica": mode, "replica_ready_s": ready})
            print(f"  {attempt}: first answer {fmt_s(srv.first_answer)}; {mode} replica serving after {fmt_s(ready)}",
                  flush=True)
            if attempt.startswith("first"):
                srv.stop()
                time.sleep(1)  # the saved replica is written by a child of the replica process
        out["cold_start"] = starts
        exe = oxigraph_cli()
        if exe is None:
            print("  Oxigraph server: not installed (pip install -e '.[bench]'); measured without it")
        else:
            peer = OxigraphServer(exe, checkpoint, work / f"oxigraph-{label}.log")
            out["peer_cold_start_s"] = peer.first_answer
            print(f"  Oxigraph server (serve-read-only): first answer {fmt_s(peer.first_answer)}", flush=True)
    queries, skipped = prepare_queries(disk, set(args.queries.split(",")) if args.queries else None)
    out["skipped_queries"] = skipped

    # ---- every engine on every query, interleaved
    print(f"\n== named queries: direct engine vs HTTP endpoint (median of {args.runs}; memory/disk = pyoxigraph "
          f"called directly, query + JSON/N-Triples; http = our endpoint; oxigraph = the Oxigraph server)", flush=True)
    qres = {}
    for q in queries:
        name, text = q["name"], q["text"]
        r = {"params": q["params"], "outside": bool(q.get("outside"))}
        if q["note"]:
            r["note"] = q["note"]
        dt, body = direct_once(memory, text)  # warm-up, and the cost probe
        r["rows"] = count_answer(body) if len(body) < 200_000_000 else None
        r["bytes"] = len(body)
        del body
        runs = args.runs if dt * args.runs * 4 <= args.query_budget else max(1, int(args.query_budget / (4 * dt)))
        times = {"memory": [], "disk": [], "http": [], "oxigraph": []}
        if dt > args.slow_query:
            r["slow"] = True  # measured once, in memory; not sent over HTTP nor to rdflib (see --slow-query)
            runs = 0
            times["memory"] = [dt]
        remote = {"http": srv.url if srv else None, "oxigraph": peer.url if peer else None}
        for engine, url in list(remote.items()):
            if url is None or r.get("slow"):
                remote[engine] = None
                continue
            try:
                _, hbody, _ = http_once(url, text)  # warm-up + agreement check
                r[f"{engine}_rows"] = count_answer(hbody) if len(hbody) < 200_000_000 else None
                del hbody
            except Exception as e:  # noqa: BLE001
                r[f"{engine}_error"] = f"{type(e).__name__}: {e}"
                remote[engine] = None
        if runs:
            direct_once(disk, text)
        for _ in range(runs):
            times["memory"].append(direct_once(memory, text)[0])
            times["disk"].append(direct_once(disk, text)[0])
            for engine, url in remote.items():
                if url is not None:
                    times[engine].append(http_once(url, text)[0])
        for engine, ts in times.items():
            r[f"{engine}_times"] = ts
            r[engine] = median(ts)
        r["direct"] = r["memory"]  # the baseline every ratio below uses
        r["http_ratio"] = r["http"] / r["memory"] if r["http"] and r["memory"] else None
        r["http_overhead"] = r["http"] - r["memory"] if r["http"] and r["memory"] else None
        r["oxigraph_ratio"] = r["oxigraph"] / r["memory"] if r["oxigraph"] and r["memory"] else None
        r["disk_ratio"] = r["disk"] / r["memory"] if r["disk"] and r["memory"] else None
        qres[name] = r
        agree = "".join(f"  ROW MISMATCH {e}={r[e + '_rows']}" for e in ("http", "oxigraph")
                        if f"{e}_rows" in r and r[f"{e}_rows"] != r["rows"])
        ratio = lambda x: ("%.2f×" % x) if x else "—"  # noqa: E731
        print(f"  {name:32s} memory {fmt_s(r['memory']):>9s}  disk {fmt_s(r['disk']):>9s}  http {fmt_s(r['http']):>9s} "
              f"({ratio(r['http_ratio']):>6s})  oxigraph {fmt_s(r['oxigraph']):>9s} ({ratio(r['oxigraph_ratio']):>6s})  "
              f"rows {r['rows']}{'  (slow: 1 in-memory run only)' if r.get('slow') else ''}{agree}"
              + "".join(f"  {e}: {r[e + '_error'][:120]}" for e in ("http", "oxigraph") if f"{e}_error" in r), flush=True)
    for s_ in skipped:
        print(f"  {s_['name']:32s} skipped: {s_['why']}")
    out["queries"] = qres

    # ---- throughput: ours and the Oxigraph server, interleaved per number of clients
    print("\n== HTTP throughput (simple query: labels of one actor, random among 1000; keep-alive clients)", flush=True)
    iris = [row[0].value for row in memory.query(
        f"SELECT ?a WHERE {{ ?a a <{TSC}Actor> }} ORDER BY ?a LIMIT 1000", use_default_graph_as_union=True)]
    dthr = direct_throughput(memory, iris, 5000)
    out["direct_throughput"] = dthr
    print(f"  direct engine (in memory), 1 thread: {dthr['qps']:8.0f} q/s  p50 {dthr['p50_ms']:.2f} ms  p99 {dthr['p99_ms']:.2f} ms")
    out["throughput"], out["peer_throughput"] = [], []
    for c in [int(x) for x in args.clients.split(",")]:
        for engine, target, url in (("ours", out["throughput"], srv.url if srv else None),
                                    ("oxigraph", out["peer_throughput"], peer.url if peer else None)):
            if url is None:
                continue
            http_once(url, SIMPLE_QUERY.format(iri=iris[0]))
            tr = throughput(url, iris, c, args.requests, args.throughput_cap)
            target.append(tr)
            print(f"  {engine:8s} {c:3d} clients: {tr['qps']:8.0f} q/s  p50 {tr['p50_ms']:.2f} ms  p99 {tr['p99_ms']:.2f} ms"
                  f"  max {tr['max_ms']:.1f} ms  ({tr['requests']} ok, {tr['errors']} errors, {tr['wall_s']:.1f} s)", flush=True)
    if srv is None:
        print("  http: skipped (no server)")

    # ---- memory of the servers
    if srv is not None:
        out["server_memory"] = srv.memory()
        out["server_resident"] = srv.resident()
        srv.stop()
    if peer is not None:
        out["peer_resident"] = peer.resident()
        peer.stop()
    del disk, memory
    shutil.rmtree(checkpoint, ignore_errors=True)

    # ---- rdflib
    print(f"\n== rdflib in-memory engine (same data, same query text; cap {args.rdflib_cap:g} s per query)", flush=True)
    rd = {"queries": {}}
    if args.skip_rdflib_at and size >= generate.parse_size(args.skip_rdflib_at):
        print(f"  skipped at this size (--skip-rdflib-at {args.skip_rdflib_at})")
        rd["skipped"] = True
    else:
        runner = RdflibRunner(data, args.load_timeout)
        budget_end = time.perf_counter() + args.rdflib_budget
        rruns = args.rdflib_runs or args.runs
        try:
            runner.start()
            pi = runner.parse_info
            rd["parse_secs"], rd["parse_triples"] = pi["secs"], pi["triples"]
            print(f"  parse: {fmt_s(pi['secs'])} for {pi['triples']} triples ({fmt_n(pi['triples'] / pi['secs'])} triples/s)")
            # cheapest first (by direct time), so a tight budget still measures as many queries as possible
            for q in sorted(queries, key=lambda q: qres[q["name"]]["memory"] or 0):
                name = q["name"]
                if qres[name].get("slow"):
                    rd["queries"][name] = {"not_run": "slow query (direct only)"}
                    print(f"  {name:32s} not run (slow query: measured directly only)")
                    continue
                left = budget_end - time.perf_counter()
                if left <= 1:
                    rd["queries"][name] = {"not_run": "rdflib budget exhausted"}
                    print(f"  {name:32s} not run (rdflib budget of {args.rdflib_budget:g} s exhausted)")
                    continue
                cap = min(args.rdflib_cap, left)
                res = runner.run(q["text"], rruns, cap)
                base = qres[name]["http"] or qres[name]["memory"]  # what users get: our endpoint
                if "times" in res:
                    m = median(res["times"])
                    res["median"] = m
                    res["speedup"] = m / base if base else None
                    agree = "" if res["rows"] == qres[name]["rows"] else f"  rows differ: rdflib {res['rows']} vs {qres[name]['rows']}"
                    print(f"  {name:32s} rdflib {fmt_s(m):>10s} ({len(res['times'])} run(s))  our endpoint is {res['speedup']:.0f}× faster{agree}", flush=True)
                elif "timeout" in res:
                    res["speedup_at_least"] = cap / base if base else None
                    print(f"  {name:32s} rdflib > {cap:.0f} s (stopped)  our endpoint is ≥ {res['speedup_at_least']:.0f}× faster", flush=True)
                else:
                    print(f"  {name:32s} rdflib error: {res['error'][:200]}", flush=True)
                rd["queries"][name] = res
        except TimeoutError as e:
            rd["error"] = str(e)
            print(f"  {e}")
        finally:
            runner.close()
            rd["maxrss_mb"] = runner.maxrss
    out["rdflib"] = rd

    # ---- SHACL
    print("\n== SHACL validation (data + ontology + reference; shapes compiled to SPARQL on Oxigraph, and plain "
          "pyshacl up to --pyshacl-max)", flush=True)
    if size <= generate.parse_size(args.shacl_max):
        sruns = args.shacl_runs or min(args.runs, 3)
        plain = size <= generate.parse_size(args.pyshacl_max)
        try:
            sh = run_child(shacl_child, (str(data), sruns, plain), args.shacl_timeout)
            sh["files_median"] = median(sh["files_times"])
            sh["median"] = median(sh.get("times") or sh["files_times"])
            line = (f"  {sh['triples']} triples: files → Oxigraph → compiled shapes {fmt_s(sh['files_median'])} "
                    f"(parse {fmt_s(median(sh['files_parse']))})")
            if plain:
                sh["plain_median"] = median(sh["plain_times"])
                sh["speedup"] = sh["plain_median"] / median(sh["times"])
                line += (f"; rdflib graph → compiled shapes {fmt_s(median(sh['times']))}, plain pyshacl "
                         f"{fmt_s(sh['plain_median'])} ({sh['speedup']:.1f}× slower), same report: {sh['same_report']}")
            print(line + f"; conforms={sh['conforms']} ({sh['violations']} violations), peak RSS {sh['maxrss_mb']:.0f} MB",
                  flush=True)
            out["shacl"] = sh
        except (TimeoutError, RuntimeError) as e:
            out["shacl"] = {"error": str(e)[:500]}
            print(f"  failed: {str(e)[:300]}")
    else:
        print(f"  skipped above {args.shacl_max} triples")

    # ---- memory
    print("\n== peak memory (RSS high-water mark)", flush=True)
    print(f"  load process (ours): {L['ours_maxrss_mb']:.0f} MB   raw bulk_load: {L['raw_maxrss_mb']:.0f} MB")
    if "server_memory" in out:
        m, now = out["server_memory"], out["server_resident"]
        print(f"  server peaks: main {m['main']:.0f} MB + other processes {' + '.join('%.0f' % c for c in m['children'])} MB "
              f"= {m['total']:.0f} MB; after the queries: RSS {now['rss']:.0f} MB, PSS {now['pss']:.0f} MB "
              f"({now['processes']} processes)")
    if "peer_resident" in out:
        print(f"  Oxigraph server after the queries: RSS {out['peer_resident']['rss']:.0f} MB")
    if rd.get("maxrss_mb"):
        print(f"  rdflib process (peer): {rd['maxrss_mb']:.0f} MB")
    if not args.keep_stores:
        shutil.rmtree(store_dir, ignore_errors=True)
    return out


# ------------------------------------------------------------------------------------------------------------
# targets and report
# ------------------------------------------------------------------------------------------------------------
def judge(results: list[dict]) -> list[dict]:
    """PASS/MISS per target, on the largest size measured (SHACL at 100k: on the largest size ≤ 100k)."""
    if not results:
        return []
    big = max(results, key=lambda r: r["target_triples"])
    lab = big["size"]
    verdicts = []

    def add(name, ok, figure, at=lab):
        verdicts.append({"target": name, "at": at, "figure": figure, "verdict": "PASS" if ok else "MISS"})

    L = big["load"]
    add(f"load ≥ {fmt_n(TARGETS['load_tps'])} triples/s (OxigraphStore.load)", L["ours_tps"] >= TARGETS["load_tps"],
        f"{fmt_n(L['ours_tps'])} triples/s (raw pyoxigraph {fmt_n(L['raw_tps'])})")
    qs = big["queries"]
    ratios = {k: v["http_ratio"] for k, v in qs.items() if v.get("http_ratio")}
    if ratios:
        worst = max(ratios, key=ratios.get)
        bad = sorted(k for k, v in ratios.items() if v > TARGETS["endpoint_vs_direct"])
        peer = {k: v["oxigraph_ratio"] for k, v in qs.items() if v.get("oxigraph_ratio")}
        sub_ms = sorted(k for k in bad if qs[k]["memory"] < 0.002)
        add("endpoint ≤ 1.3 × in-memory pyoxigraph direct, every named query and the 10 outside queries",
            not bad and len(ratios) == len(qs),
            f"worst {ratios[worst]:.2f}× ({worst}); over 1.3×: {', '.join(f'{k} {ratios[k]:.2f}×' for k in bad) or 'none'}"
            + (f" (under 2 ms in the engine: {', '.join(sub_ms)})" if sub_ms else "")
            + (f"; Oxigraph server on the same queries: worst {max(peer.values()):.2f}×" if peer else "")
            + ("" if len(ratios) == len(qs) else f"; not measured over HTTP: {', '.join(sorted(set(qs) - set(ratios)))}"))
    else:
        add("endpoint ≤ 1.3 × in-memory pyoxigraph direct", False, "not measured (no server)")
    rq = big.get("rdflib", {}).get("queries", {})
    sp = {}
    for k, v in rq.items():
        if v.get("speedup") is not None:
            sp[k] = (v["speedup"], "")
        elif v.get("speedup_at_least") is not None:
            sp[k] = (v["speedup_at_least"], "≥")
    if sp:
        worst = min(sp, key=lambda k: sp[k][0])
        bad = sorted(k for k, (v, _) in sp.items() if v < TARGETS["rdflib_speedup"])
        missing = sorted(set(qs) - set(sp))
        add("rdflib ≥ 20 × slower than our endpoint, every query", not bad,
            f"smallest {sp[worst][1]}{sp[worst][0]:.0f}× ({worst}); under 20×: "
            + (", ".join(f"{k} {sp[k][0]:.0f}×" for k in bad) or "none")
            + (f"; rdflib not measured: {', '.join(missing)}" if missing else ""))
    else:
        add("rdflib ≥ 20 × slower than our endpoint", False, "not measured")
    thr = big.get("throughput") or []
    if thr:
        best = max(thr, key=lambda t: t["qps"] if t["p99_ms"] < TARGETS["http_p99_ms"] else 0)
        add("≥ 500 simple queries/s with p99 < 100 ms", best["qps"] >= TARGETS["http_qps"] and best["p99_ms"] < TARGETS["http_p99_ms"],
            "; ".join(f"{t['clients']} clients: {t['qps']:.0f} q/s, p99 {t['p99_ms']:.1f} ms" for t in thr))
        peer = {t["clients"]: t for t in big.get("peer_throughput") or []}
        at8 = next((t for t in thr if t["clients"] == 8), None)
        if at8 and 8 in peer:
            ratio = at8["qps"] / peer[8]["qps"]
            add("point lookups ≥ 0.5 × the Oxigraph server at 8 clients, p99 ≤ 10 ms",
                ratio >= TARGETS["peer_ratio"] and at8["p99_ms"] <= TARGETS["peer_p99_ms"],
                f"{at8['qps']:.0f} q/s vs {peer[8]['qps']:.0f} q/s = {ratio:.2f}×, p99 {at8['p99_ms']:.1f} ms "
                f"(Oxigraph {peer[8]['p99_ms']:.1f} ms)")
        cores = os.cpu_count() or 1
        upto = [t for t in thr if t["clients"] <= cores]
        if len(upto) > 1:
            grows = all(b["qps"] > a["qps"] for a, b in zip(upto, upto[1:]))
            add(f"throughput grows with clients up to the core count ({cores})", grows,
                ", ".join(f"{t['clients']}: {t['qps']:.0f} q/s" for t in upto))
    else:
        add("≥ 500 simple queries/s with p99 < 100 ms", False, "not measured (no server)")
    if big.get("cold_start"):
        first = big["cold_start"][0]
        add("cold start (launch → first answer) ≤ 3 s", first["first_answer_s"] <= TARGETS["cold_start_s"],
            "; ".join(f"{c['start']}: first answer {fmt_s(c['first_answer_s'])}, {c['replica']} replica serving after "
                      f"{fmt_s(c['replica_ready_s'])}" for c in big["cold_start"]))
    shacl = [r for r in results if r.get("shacl", {}).get("plain_median") is not None and r["target_triples"] <= 100_000]
    if shacl:
        s_ = max(shacl, key=lambda r: r["target_triples"])
        sh = s_["shacl"]
        add("SHACL validation of 100k triples < 10 s", s_["target_triples"] >= 100_000 and sh["median"] < TARGETS["shacl_100k_s"],
            f"{fmt_s(sh['median'])} at {s_['size']} (files → Oxigraph: {fmt_s(sh['files_median'])})", at=s_["size"])
        add("SHACL ≥ 3 × faster than plain pyshacl at 100k, same report",
            s_["target_triples"] >= 100_000 and sh["speedup"] >= TARGETS["shacl_speedup"] and sh["same_report"],
            f"{sh['speedup']:.1f}× ({fmt_s(sh['median'])} vs {fmt_s(sh['plain_median'])}); same report: {sh['same_report']}",
            at=s_["size"])
    if big.get("shacl", {}).get("files_median") is not None:
        sh = big["shacl"]
        add("SHACL validation of 1M triples ≤ 60 s", big["target_triples"] >= 1_000_000 and sh["files_median"] <= TARGETS["shacl_1m_s"],
            f"{fmt_s(sh['files_median'])} ({sh['triples']} triples, parse included; peak RSS {sh['maxrss_mb']:.0f} MB)")
    mem = [L["ours_maxrss_mb"]]
    fig = f"load {L['ours_maxrss_mb']:.0f} MB"
    if big.get("server_memory"):
        now = big["server_resident"]
        mem.append(big["server_memory"]["total"])
        fig += (f"; server peaks summed over its processes {big['server_memory']['total']:.0f} MB; after the queries "
                f"RSS {now['rss']:.0f} MB, PSS {now['pss']:.0f} MB")
    add("peak memory ≤ 2 GB (load process; server process tree, RSS high-water marks summed)",
        max(mem) <= TARGETS["peak_mem_mb"], fig)
    return verdicts


def markdown(results: list[dict], verdicts: list[dict], command: str, machine: dict) -> str:
    lines = [f"Command: `{command}`", "", "Machine: " + ", ".join(f"{k} {v}" for k, v in machine.items()), ""]
    lines += ["### Bulk load (on-disk store)", "", "| size | triples | ours (OxigraphStore.load) | raw pyoxigraph bulk_load | ours/raw | re-load (replace) | peak RSS ours / raw |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        L = r["load"]
        rl = f"{fmt_n(L['reload_tps'])}/s" if "reload_tps" in L else "—"
        lines.append(f"| {r['size']} | {L['triples']} | {fmt_n(L['ours_tps'])}/s ({fmt_s(median(L['ours_secs']))}) | "
                     f"{fmt_n(L['raw_tps'])}/s ({fmt_s(median(L['raw_secs']))}) | {L['ratio']:.2f}× | {rl} | "
                     f"{L['ours_maxrss_mb']:.0f} / {L['raw_maxrss_mb']:.0f} MB |")
    lines += ["", "### Cold start (`tsc-graph serve` launch → first answer; → workers on the in-memory replica)", "",
              "| size | start | first answer | replica | replica serving after | Oxigraph server first answer |",
              "|---|---|---:|---|---:|---:|"]
    for r in results:
        for c in r.get("cold_start", []):
            lines.append(f"| {r['size']} | {c['start']} | {fmt_s(c['first_answer_s'])} | {c['replica']} | "
                         f"{fmt_s(c['replica_ready_s'])} | {fmt_s(r.get('peer_cold_start_s'))} |")
    for r in results:
        lines += ["", f"### Queries at {r['size']} (medians; ratios to in-memory pyoxigraph called directly)", "",
                  "| query | rows | memory (direct) | disk (direct) | HTTP (ours) | HTTP/memory | Oxigraph server | "
                  "Oxigraph/memory | rdflib | rdflib/HTTP |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        rq = r.get("rdflib", {}).get("queries", {})
        for name, q in r["queries"].items():
            x = rq.get(name, {})
            if "median" in x:
                rs, ratio = fmt_s(x["median"]), f"{x['speedup']:.0f}×"
            elif "timeout" in x:
                rs, ratio = f"> {x['timeout']:.0f} s", f"≥ {x['speedup_at_least']:.0f}×"
            elif "error" in x:
                rs, ratio = "error", "—"
            else:
                rs, ratio = "not run", "—"
            fx = lambda v: f"{v:.2f}×" if v else "—"  # noqa: E731
            slow = " (1 run)" if q.get("slow") else ""
            lines.append(f"| {name} | {q['rows']} | {fmt_s(q['memory'])}{slow} | {fmt_s(q.get('disk'))} | {fmt_s(q['http'])} | "
                         f"{fx(q['http_ratio'])} | {fmt_s(q.get('oxigraph'))} | {fx(q.get('oxigraph_ratio'))} | {rs} | {ratio} |")
        for s_ in r.get("skipped_queries", []):
            lines.append(f"| {s_['name']} | skipped: {s_['why']} | | | | | | | | |")
        if r.get("rdflib", {}).get("parse_secs"):
            lines.append(f"\nrdflib parse: {fmt_s(r['rdflib']['parse_secs'])}; rdflib peak RSS {r['rdflib'].get('maxrss_mb', 0):.0f} MB")
    lines += ["", "### HTTP throughput (point lookup: the labels of one actor; keep-alive clients; ours and the Oxigraph server interleaved)", "",
              "| size | clients | ours q/s | p50 | p99 | errors | Oxigraph server q/s | p50 | p99 | ours / Oxigraph | direct engine q/s (1 thread) |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        peer = {t["clients"]: t for t in r.get("peer_throughput", [])}
        for t in r.get("throughput", []):
            o = peer.get(t["clients"])
            lines.append(f"| {r['size']} | {t['clients']} | {t['qps']:.0f} | {t['p50_ms']:.2f} ms | {t['p99_ms']:.2f} ms | {t['errors']} | "
                         + (f"{o['qps']:.0f} | {o['p50_ms']:.2f} ms | {o['p99_ms']:.2f} ms | {t['qps'] / o['qps']:.2f}× | " if o else "— | — | — | — | ")
                         + f"{r['direct_throughput']['qps']:.0f} |")
    lines += ["", "### SHACL validation (data + ontology + reference vocabularies)", "",
              "| size | triples | files → Oxigraph → compiled shapes | of which parse | rdflib graph → compiled shapes | plain pyshacl | speed-up | same report | conforms | peak RSS |",
              "|---|---:|---:|---:|---:|---:|---:|---|---|---:|"]
    for r in results:
        s_ = r.get("shacl")
        if s_ and "files_median" in s_:
            plain = "plain_median" in s_
            lines.append(f"| {r['size']} | {s_['triples']} | {fmt_s(s_['files_median'])} | {fmt_s(median(s_['files_parse']))} | "
                         f"{fmt_s(median(s_['times'])) if plain else '—'} | {fmt_s(s_['plain_median']) if plain else 'not run'} | "
                         f"{(str(round(s_['speedup'], 1)) + '×') if plain else '—'} | {s_.get('same_report', '—')} | {s_['conforms']} | "
                         f"{s_['maxrss_mb']:.0f} MB |")
    lines += ["", "### Memory", "", "| size | load (ours) | load (raw) | server: peaks summed (main + others) | server now: RSS | server now: PSS | Oxigraph server now: RSS | rdflib (peer) |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        m, now, peer = r.get("server_memory"), r.get("server_resident"), r.get("peer_resident")
        ms = f"{m['main']:.0f} + {' + '.join('%.0f' % c for c in m['children'])} = {m['total']:.0f} MB" if m else "—"
        cells = [r["size"], f"{r['load']['ours_maxrss_mb']:.0f} MB", f"{r['load']['raw_maxrss_mb']:.0f} MB", ms,
                 f"{now['rss']:.0f} MB" if now else "—", f"{now['pss']:.0f} MB" if now else "—",
                 f"{peer['rss']:.0f} MB" if peer else "—", f"{r.get('rdflib', {}).get('maxrss_mb', 0):.0f} MB"]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "### Targets", "", "| target | at | figure | verdict |", "|---|---|---|---|"]
    for v in verdicts:
        lines.append(f"| {v['target']} | {v['at']} | {v['figure']} | **{v['verdict']}** |")
    return "\n".join(lines) + "\n"


def machine_info() -> dict:
    import pyoxigraph
    import rdflib

    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "loadavg at start": " ".join(f"{x:.1f}" for x in os.getloadavg()), "python": platform.python_version(),
            "pyoxigraph": pyoxigraph.__version__ if hasattr(pyoxigraph, "__version__") else "?",
            "rdflib": rdflib.__version__, "os": platform.platform()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="tsc-graph benchmarks (prints figures and ratios; writes JSON).")
    ap.add_argument("--sizes", default="10k,100k,1M", help="comma-separated sizes (default %(default)s)")
    ap.add_argument("--runs", type=int, default=5, help="runs per measure; medians are reported (default %(default)s)")
    ap.add_argument("--load-runs", type=int, default=0, help="runs of the load measures (default: --runs)")
    ap.add_argument("--rdflib-runs", type=int, default=0, help="runs per rdflib query (default: --runs)")
    ap.add_argument("--shacl-runs", type=int, default=0, help="SHACL runs (default: min(--runs, 3))")
    ap.add_argument("--work-dir", "--store-dir", default=str(HERE / "out"), help="data files, stores, logs (default %(default)s)")
    ap.add_argument("--out", default=None, help="JSON results (default WORK_DIR/results.json)")
    ap.add_argument("--markdown", default=None, help="also write the tables as Markdown (default WORK_DIR/results.md)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--queries", default="", help="only these named queries (comma-separated)")
    ap.add_argument("--workers", type=int, default=0, help="server query workers (default: the server's own default)")
    ap.add_argument("--threads", type=int, default=0, help="server request threads (default: the server's own default)")
    ap.add_argument("--query-engine", default="", choices=["", "threads", "workers"],
                    help="TSC_QUERY_ENGINE of the server (default: the server's own default)")
    ap.add_argument("--clients", default="1,2,8,32", help="concurrent HTTP clients for the throughput test (default %(default)s)")
    ap.add_argument("--requests", type=int, default=4000, help="requests per throughput test (default %(default)s)")
    ap.add_argument("--throughput-cap", type=float, default=20.0, help="seconds cap per throughput test")
    ap.add_argument("--query-budget", type=float, default=60.0, help="seconds of repeated runs per query and engine pair")
    ap.add_argument("--slow-query", type=float, default=20.0, help="a query slower than this (direct) is run once")
    ap.add_argument("--rdflib-cap", type=float, default=60.0, help="seconds before an rdflib query is stopped")
    ap.add_argument("--rdflib-budget", type=float, default=480.0, help="seconds of rdflib queries per size")
    ap.add_argument("--skip-rdflib-at", default="", help="skip rdflib at this size and above (e.g. 1M)")
    ap.add_argument("--shacl-max", default="1M", help="validate sizes up to this (default %(default)s)")
    ap.add_argument("--pyshacl-max", default="100k", help="also run plain pyshacl up to this size (default %(default)s)")
    ap.add_argument("--shacl-timeout", type=float, default=600.0)
    ap.add_argument("--load-timeout", type=float, default=900.0)
    ap.add_argument("--reload", action="store_true", help="also time re-loading the data file over itself (replace path)")
    ap.add_argument("--reload-max", default="100k", help="time the re-load up to this size (default %(default)s)")
    ap.add_argument("--no-http", action="store_true", help="do not start the server")
    ap.add_argument("--keep-stores", action="store_true")
    args = ap.parse_args(argv)

    work = Path(args.work_dir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    command = "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    machine = machine_info()
    print("tsc-graph benchmarks —", command)
    print("machine:", ", ".join(f"{k} {v}" for k, v in machine.items()), flush=True)
    sizes = [generate.parse_size(s) for s in args.sizes.split(",") if s.strip()]
    results = []
    t0 = time.perf_counter()
    for size in sizes:
        results.append(bench_size(size, args, work))
    verdicts = judge(results)
    print("\n== targets (judged at the largest size measured)")
    for v in verdicts:
        print(f"  [{v['verdict']}] {v['target']} @ {v['at']}: {v['figure']}")
    total = time.perf_counter() - t0
    machine["loadavg at end"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\ntotal time {total:.0f} s; load average at end {machine['loadavg at end']}")
    doc = {"command": command, "machine": machine, "targets": TARGETS, "results": results, "verdicts": verdicts,
           "total_secs": total}
    out = Path(args.out) if args.out else work / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=2, default=str))
    md = Path(args.markdown) if args.markdown else work / "results.md"
    md.write_text(markdown(results, verdicts, command, machine))
    print(f"results: {out}\ntables:  {md}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
