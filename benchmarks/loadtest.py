"""Bounded load test of a tsc-graph server on loopback (issues #7, #11): fixed request count or duration.

    python benchmarks/loadtest.py                            # starts its own server on a fresh store
    python benchmarks/loadtest.py --duration 600             # the 10-minute run of benchmarks/RESULTS.md
    python benchmarks/loadtest.py --url http://127.0.0.1:8080 --requests 2000 --concurrency 8

What a public node gets, at once:

* the traffic of people and clients: simple SPARQL queries, resource documents, HTML pages, the submission form
  (submissions start at once, on a fresh server: no warm-up), malformed queries (which must answer 400);
* hostile queries (``--hostile`` share): a cross product sorted in full (must hit the per-query memory ceiling:
  507), a runaway join (stopped at its deadline: 503), inputs that made regexes backtrack (answered at once),
  a SERVICE to a host not on the allow-list (403), a query far past the size guard (400);
* ``--idle-sockets`` connections that never finish a request (slowloris), held open for the whole run and
  reopened whenever the server closes them for idleness.

Every request kind has the statuses it may get; anything else is an *unexpected status* (goal 0). A public
query may also get 503 + Retry-After when the public lane is full (counted and shown): that is the documented
answer to overload, and why pages, documents and the form, which use the site lane, may not get it. When the
script starts the server it samples the resident memory of the server and its query workers every second
(flat memory: the last minute's median against the first one's). Pages are timed alone first, then under the
load: the ratio is the price the site pays for the hostile traffic.
"""
from __future__ import annotations

import argparse
import http.client
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
from tsc_graph.serverproc import ServerProcess, tree_rss_mb

ROOT = Path(__file__).resolve().parent.parent

QUERIES = [
    "ASK { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s a <https://w3id.org/tsc-graph/ontology#Project> } LIMIT 20",
    "SELECT ?a (COUNT(?p) AS ?n) WHERE { ?p <https://w3id.org/tsc-graph/ontology#leadOrganisation> ?a } GROUP BY ?a",
    "SELECT ?t ?l WHERE { ?t a <https://w3id.org/tsc-graph/ontology#GBFTarget> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l } LIMIT 50",
]
RESOURCES = ["/id/actor/mnhn.ttl", "/id/actor/ofb.html", "/id/project/chm-france.ttl", "/vocab/gbf/target-21.ttl"]
PAGES = ["/", "/actors", "/projects", "/projects/submit?lang=fr", "/.well-known/void"]
MALFORMED = ["SELECT * WHERE {", "INSERT DATA { <a:b> <a:b> <a:b> }", "SELECT ?x WHERE { ?x ?y }}", "\u00ff{{"]
#: (name, query text, statuses it must get). Sent by POST application/sparql-query.
HOSTILE = [
    ("memory bomb", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1", {507}),
    ("runaway join", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }", {503}),
    ("comment after SERVICE", "# SERVICE " + "#" * 40 + "\nSELECT * WHERE { ?s ?p ?o } LIMIT 1", {200}),
    ("quotes and escapes", "{" * 201 + "'\\" * 200_000, {400}),
    ("open IRIs", "<" * 300_000, {400}),
    ("SERVICE to a stranger", "SELECT * WHERE { SERVICE <http://192.0.2.1/sparql> { ?s ?p ?o } }", {403}),
    ("past the size guard", "SELECT * WHERE { ?s ?p ?o } #" + "x" * 1_100_000, {400}),
]
#: Request kinds: weight in the mix (before --hostile), statuses expected, and whether it is a public query.
KINDS = {"query": (0.44, {200}, True), "resource": (0.20, {200}, False), "page": (0.13, {200}, False),
         "malformed": (0.09, {400}, True), "submission": (0.06, {202}, False), "hostile": (0.08, None, True)}
ACCEPT = {"Accept": "application/sparql-results+json, text/turtle;q=0.9, text/html;q=0.8, */*;q=0.1"}
GBF = "https://w3id.org/tsc-graph/vocab/gbf/"


@dataclass
class Step:
    kind: str
    method: str
    path: str
    expected: set[int]
    public: bool
    body: bytes | None = None
    label: str = ""


def plan(n: int, hostile: float, seed: int = 7) -> list[Step]:
    """``n`` requests in a fixed pseudo-random order (the same run twice gives the same mix)."""
    rnd = random.Random(seed)
    weights = {k: w for k, (w, _, _) in KINDS.items()}
    weights["hostile"] = hostile
    kinds, cumulative = list(weights), []
    total = 0.0
    for k in kinds:
        total += weights[k]
        cumulative.append(total)
    out = []
    for _ in range(n):
        kind = rnd.choices(kinds, cum_weights=cumulative)[0]
        out.append(step(kind, rnd))
    return out


def step(kind: str, rnd: random.Random) -> Step:
    _, expected, public = KINDS[kind]
    if kind == "query":
        return Step(kind, "GET", "/sparql?query=" + urllib.parse.quote(rnd.choice(QUERIES)), expected, public)
    if kind == "resource":
        return Step(kind, "GET", rnd.choice(RESOURCES), expected, public)
    if kind == "page":
        return Step(kind, "GET", rnd.choice(PAGES), expected, public)
    if kind == "malformed":
        return Step(kind, "GET", "/sparql?query=" + urllib.parse.quote(rnd.choice(MALFORMED)), expected, public)
    if kind == "submission":
        return Step(kind, "POST", "/projects/submit", expected, public)
    label, text, statuses = rnd.choice(HOSTILE)
    return Step(kind, "POST", "/sparql", statuses, public, text.encode("utf-8"), label)


@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    unexpected: list[str] = field(default_factory=list)
    overloaded: int = 0
    done: int = 0

    def record(self, s: Step, status: int, seconds: float, retry_after: str | None) -> None:
        with self.lock:
            self.done += 1
            self.latencies[s.kind].append(seconds)
            self.statuses[s.kind][status] += 1
            if status in s.expected:
                return
            if s.public and status == 503 and retry_after:  # the public lane is full: documented, counted
                self.overloaded += 1
                return
            self.unexpected.append(f"{s.kind} {s.label or s.path[:60]}: HTTP {status}")

    def error(self, s: Step, e: Exception) -> None:
        with self.lock:
            self.done += 1
            self.unexpected.append(f"{s.kind} {s.label or s.path[:60]}: {type(e).__name__}")


class Client:
    """One keep-alive connection; the submission form gets its own, with its cookie."""

    def __init__(self, host: str, port: int, client_id: int):
        self.host, self.port, self.client_id = host, port, client_id
        self.conn = self._connect()

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=60)

    def send(self, s: Step) -> tuple[int, str | None]:
        try:
            if s.kind == "submission":
                return self._submit()
            headers = dict(ACCEPT)
            if s.body is not None:
                headers["Content-Type"] = "application/sparql-query"
            self.conn.request(s.method, s.path, body=s.body, headers=headers)
            resp = self.conn.getresponse()
            resp.read()
            return resp.status, resp.getheader("Retry-After")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = self._connect()
            raise

    def _submit(self) -> tuple[int, str | None]:
        conn = self._connect()
        try:
            conn.request("GET", "/projects/submit?lang=en")
            resp = conn.getresponse()
            html = resp.read().decode("utf-8", "replace")
            if resp.status != 200:
                return resp.status, resp.getheader("Retry-After")
            cookie = "; ".join(v.split(";", 1)[0] for k, v in resp.getheaders() if k.lower() == "set-cookie")
            token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
            lead = re.search(r'<option value="(https://[^"]+/id/actor/[^"]+)"', html).group(1)
            form = {"csrf_token": token, "lang": "en", "title_en": f"Load test project {self.client_id}",
                    "description_en": "Sent by benchmarks/loadtest.py.\nEnds with a backslash and a quote: \\\"",
                    "lead": lead, "targets": GBF + "target-02",
                    "themes": "https://w3id.org/tsc-graph/vocab/theme/marine-coastal",
                    "countries": "https://w3id.org/tsc-graph/vocab/country/FR", "start": "2025-01-01",
                    "end": "2026-01-01", "budget": "1e6", "currency": "EUR",
                    "status": "https://w3id.org/tsc-graph/vocab/status/planned", "email": "load@example.org"}
            conn.request("POST", "/projects/submit", body=urllib.parse.urlencode(form),
                         headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
            resp = conn.getresponse()
            resp.read()
            return resp.status, resp.getheader("Retry-After")
        finally:
            conn.close()

    def close(self) -> None:
        self.conn.close()


class IdleSockets:
    """``n`` connections that never complete a request, kept open (reopened when the server drops them)."""

    def __init__(self, host: str, port: int, n: int):
        self.host, self.port, self.n = host, port, n
        self.sockets: list[socket.socket] = []
        self.reopened = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._keep, daemon=True)

    def _open(self, i: int) -> socket.socket:
        s = socket.create_connection((self.host, self.port), timeout=10)
        if i % 2:  # half of them send half a request, as slowloris does
            s.sendall(b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: x\r\n")
        return s

    def start(self) -> "IdleSockets":
        self.sockets = [self._open(i) for i in range(self.n)]
        self._thread.start()
        return self

    def _keep(self) -> None:
        import select

        while not self._stop.wait(2.0):
            for i, s in enumerate(self.sockets):
                readable, _, _ = select.select([s], [], [], 0)
                if readable:  # closed by the server (idle timeout) or answered: reopen it
                    try:
                        s.recv(65536)
                    except OSError:
                        pass
                    s.close()
                    try:
                        self.sockets[i] = self._open(i)
                        self.reopened += 1
                    except OSError:
                        pass

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        for s in self.sockets:
            s.close()


class MemorySampler:
    """Resident memory of a process and its descendants (the server and its query workers), every second."""

    def __init__(self, pid: int):
        self.pid = pid
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "MemorySampler":
        self._thread.start()
        return self

    def _run(self) -> None:
        t0 = time.monotonic()
        while not self._stop.is_set():
            self.samples.append((time.monotonic() - t0, tree_rss_mb(self.pid)))
            self._stop.wait(1.0)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def summary(self) -> dict[str, float]:
        values = [mb for _, mb in self.samples]
        if not values:
            return {}
        end = self.samples[-1][0]
        first = [mb for t, mb in self.samples if t <= min(60, end / 4)] or values[:1]
        last = [mb for t, mb in self.samples if t >= end - min(60, end / 4)] or values[-1:]
        per_minute = [statistics.median([mb for t, mb in self.samples if m * 60 <= t < (m + 1) * 60])
                      for m in range(int(end // 60) + 1) if any(m * 60 <= t < (m + 1) * 60 for t, _ in self.samples)]
        return {"start": values[0], "first_median": statistics.median(first), "last_median": statistics.median(last),
                "max": max(values), "end": values[-1], "per_minute": per_minute}


def page_latency(host: str, port: int, n: int) -> list[float]:
    conn = http.client.HTTPConnection(host, port, timeout=60)
    out = []
    try:
        for i in range(n):
            t0 = time.perf_counter()
            conn.request("GET", PAGES[i % len(PAGES)], headers=ACCEPT)
            conn.getresponse().read()
            out.append(time.perf_counter() - t0)
    finally:
        conn.close()
    return out


def run(url: str, requests: int, concurrency: int, max_seconds: float, hostile: float = 0.08,
        duration: float | None = None, idle_sockets: int = 0, server_pid: int | None = None) -> dict:
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname, parts.port
    results = Results()
    rnd = random.Random(11)
    work = plan(requests, hostile) if duration is None else None
    index = iter(range(requests))
    first = [Step("submission", "POST", "/projects/submit", {202}, False) for _ in range(concurrency)]
    baseline = page_latency(host, port, 20)  # pages alone, before any load (first requests warm nothing else)
    idle = IdleSockets(host, port, idle_sockets).start() if idle_sockets else None
    memory = MemorySampler(server_pid).start() if server_pid else None
    stop_at = time.monotonic() + (duration if duration is not None else max_seconds)
    barrier = threading.Barrier(concurrency)

    def worker(n: int) -> None:
        client = Client(host, port, n)
        pending = [first[n]]  # every thread submits at once first: concurrent submissions on a fresh server
        barrier.wait()
        while time.monotonic() < stop_at:
            if pending:
                s = pending.pop()
            elif work is not None:
                with results.lock:
                    i = next(index, None)
                if i is None:
                    break
                s = work[i]
            else:
                with results.lock:
                    s = plan(1, hostile, seed=rnd.randrange(1 << 30))[0]
            t0 = time.perf_counter()
            try:
                status, retry_after = client.send(s)
            except (OSError, http.client.HTTPException, AttributeError) as e:
                results.error(s, e)
                continue
            results.record(s, status, time.perf_counter() - t0, retry_after)
        client.close()

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    if idle is not None:
        idle.stop()
    if memory is not None:
        memory.stop()
    everything = sorted(x for lat in results.latencies.values() for x in lat)
    pages = sorted(results.latencies.get("page", []))

    def pct(values: list[float], q: float) -> float | None:
        return round(values[min(len(values) - 1, int(len(values) * q))] * 1000, 1) if values else None

    return {
        "requests": results.done, "unexpected": len(results.unexpected),
        "unexpected_samples": Counter(results.unexpected).most_common(5), "overloaded": results.overloaded,
        "statuses": {k: dict(sorted(v.items())) for k, v in sorted(results.statuses.items())},
        "seconds": round(elapsed, 1), "throughput_rps": round(results.done / elapsed, 1) if elapsed else 0,
        "p50_ms": pct(everything, 0.5), "p99_ms": pct(everything, 0.99),
        "page_alone_p50_ms": round(statistics.median(baseline) * 1000, 1),
        "page_loaded_p50_ms": pct(pages, 0.5), "page_loaded_p99_ms": pct(pages, 0.99),
        "idle_sockets": idle_sockets, "idle_reopened": idle.reopened if idle else 0,
        "memory_mb": memory.summary() if memory else {},
    }


def start_server(tmp: Path, workers: int, env: dict[str, str]) -> ServerProcess:
    store = tmp / "store"
    subprocess.run([sys.executable, "-m", "tsc_graph.cli", "--store", f"oxigraph:{store}", "load", "--no-progress",
                    str(ONTOLOGY_DIR), str(REFERENCE_DIR), str(ROOT / "data" / "fr")],
                   check=True, capture_output=True, cwd=ROOT)
    return ServerProcess(store, env={"TSC_QUERY_WORKERS": str(workers), **env}, log=tmp / "server.log").start()


#: Settings of the server this script starts: hostile queries cost seconds, not the default half-minute, and
#: the submission quota (per client address: every thread here is 127.0.0.1) does not hide the form's behaviour.
SERVER_ENV = {"TSC_QUERY_TIMEOUT": "5", "TSC_QUERY_MEMORY_MB": "256", "TSC_SUBMIT_RATE_LIMIT": "100000 per hour",
              "TSC_SUBMIT_ATTEMPT_LIMIT": "100000 per hour"}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", help="an already running server (loopback); default: start one")
    p.add_argument("--requests", type=int, default=2000, help="requests to send (ignored with --duration)")
    p.add_argument("--duration", type=float, help="run for this many seconds instead of a request count")
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--max-seconds", type=float, default=120, help="stop a --requests run after this long")
    p.add_argument("--hostile", type=float, default=0.08, help="share of hostile queries in the mix")
    p.add_argument("--idle-sockets", type=int, default=300, help="idle / half-sent connections held open")
    p.add_argument("--workers", type=int, default=2, help="TSC_QUERY_WORKERS of the server this script starts")
    args = p.parse_args(argv)
    server = tmp = None
    url = args.url
    if url is None:
        tmp = Path(tempfile.mkdtemp(prefix="tsc-loadtest-"))
        server = start_server(tmp, args.workers, SERVER_ENV)
        url = server.url
    elif urllib.parse.urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("loopback only: this is a load test")
    try:
        r = run(url, args.requests, args.concurrency, args.max_seconds, args.hostile, args.duration, args.idle_sockets,
                server.proc.pid if server else None)
    finally:
        if server is not None:
            server.stop()
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"requests {r['requests']}  concurrency {args.concurrency}  in {r['seconds']} s  "
          f"(hostile share {args.hostile:g}, {r['idle_sockets']} idle sockets held, reopened {r['idle_reopened']} times)")
    print(f"unexpected statuses {r['unexpected']} (goal 0)  {r['unexpected_samples']}")
    print(f"public queries refused while their lane was full (503 + Retry-After): {r['overloaded']}")
    print(f"throughput {r['throughput_rps']} req/s  p50 {r['p50_ms']} ms  p99 {r['p99_ms']} ms")
    ratio = (r["page_loaded_p50_ms"] / r["page_alone_p50_ms"]) if r["page_loaded_p50_ms"] and r["page_alone_p50_ms"] else None
    print(f"pages: alone p50 {r['page_alone_p50_ms']} ms; under load p50 {r['page_loaded_p50_ms']} ms, "
          f"p99 {r['page_loaded_p99_ms']} ms; ratio {ratio:.2f}x" if ratio else "pages: not measured")
    if r["memory_mb"]:
        m = r["memory_mb"]
        print(f"memory (server + workers, MB): start {m['start']:.0f}, first-minute median {m['first_median']:.0f}, "
              f"last-minute median {m['last_median']:.0f}, max {m['max']:.0f}, end {m['end']:.0f}")
        print("memory medians per minute (MB): " + " ".join(f"{mb:.0f}" for mb in m["per_minute"]))
    print("statuses " + "; ".join(f"{k} {v}" for k, v in r["statuses"].items()))
    return 1 if r["unexpected"] else 0


if __name__ == "__main__":
    sys.exit(main())
