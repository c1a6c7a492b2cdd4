"""Harvest from a hostile peer (issue "Hardening, round 3"): slow answers, parser bombs, crashes, redirects.

Each peer is a small ``http.server`` on 127.0.0.1 started and stopped by the test. What could hang or crash the
harvester runs through the CLI in a subprocess with a time limit, so that the test fails instead of hanging or
taking pytest down with it. Every loop is bounded in count and time.
"""
from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import tsc_graph.federation.harvest as harvesting
from checkout import DATA_DIR
from tsc_graph.errors import RemoteError
from tsc_graph.federation.harvest import harvest
from tsc_graph.store import Source, open_store

ROOT = Path(__file__).resolve().parent.parent
FR = "https://fr.chm-cbd.net/tsc/"
PEER = "https://be.chm-cbd.net/tsc/"
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
#: Upper bound of every CLI run: what the fixes make take a few seconds took 20 s to forever before.
CLI_LIMIT = 60


class Peer:
    """An HTTP server on 127.0.0.1: ``routes`` maps a path to (status, headers, body); ``trickle`` paths send
    their whole answer, status line included, one byte a second. Counts the requests it gets."""

    def __init__(self, routes: dict[str, tuple[int, dict[str, str], bytes]], trickle: tuple[str, ...] = ()):
        outer = self
        self.requests: list[str] = []
        self.stop = threading.Event()

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self):  # noqa: N802 (http.server's name)
                outer.requests.append(self.path)
                path = self.path.split("?", 1)[0]
                status, headers, body = routes.get(path, (404, {}, b"not here"))
                if path in trickle:
                    outer.trickle(self.wfile, status, headers, body)
                    return
                self.send_response(status)
                for name, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def trickle(self, out, status: int, headers: dict[str, str], body: bytes) -> None:
        """One byte a second, until the answer is sent, the client leaves or the test ends."""
        head = f"HTTP/1.0 {status} OK\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        for byte in head.encode() + body:
            if self.stop.wait(1.0):
                return
            try:
                out.write(bytes([byte]))
                out.flush()
            except OSError:
                return

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def peers():
    made: list[Peer] = []

    def make(routes, trickle=()) -> Peer:
        made.append(Peer(routes, trickle))
        return made[-1]

    yield make
    for peer in made:
        peer.close()


@pytest.fixture
def store():
    s = open_store("memory:")
    yield s
    s.close()


@pytest.fixture
def disk_store(tmp_path) -> Path:
    """An on-disk store holding one small graph, closed: for the CLI to open."""
    path = tmp_path / "store"
    with open_store(f"oxigraph:{path}") as s:
        s.load([Source("ours.ttl", data=f"<{FR}id/actor/ofb> <{RDFS_COMMENT}> \"ours\" .\n".encode(), format="turtle")],
               graph_for=lambda src: f"{FR}graph/ours")
    return path


def cli(*args: str, store: Path) -> tuple[subprocess.CompletedProcess, float]:
    """``tsc-graph --store oxigraph:STORE ARGS`` in a subprocess, and its wall time."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TSC_")}
    env.update({"TSC_BASE_URI": FR, "PYTHONPATH": str(ROOT)})
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "tsc_graph.cli", "--store", f"oxigraph:{store}", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=CLI_LIMIT)
    return proc, time.monotonic() - t0


def state(path: Path) -> tuple[str, int]:
    with open_store(f"oxigraph:{path}") as s:
        return s.content_hash(), s.count()


def good_dump() -> bytes:
    return "\n".join(p.read_text() for p in sorted((DATA_DIR / "nodes" / "be").glob("*.ttl"))).encode()


def one_literal(size: int) -> bytes:
    """One triple about a peer's resource whose literal is ``size`` bytes of words."""
    words = ("lorem ipsum " * (size // 12 + 1))[:size]
    return f'<{PEER}id/actor/x> <{RDFS_COMMENT}> "{words}" .\n'.encode()


def nested_entities(levels: int = 7) -> bytes:
    """RDF/XML whose one literal is an entity of 10 bytes nested ``levels - 1`` times tenfold: 10 MB from 600 bytes
    at 7 levels ("billion laughs")."""
    entities = ['<!ENTITY e0 "lollollol!">'] + [
        f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, levels)]
    return ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(entities) + "\n]>\n"
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
            '         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
            f'<rdf:Description rdf:about="{PEER}id/actor/x"><rdfs:comment>&e{levels - 1};</rdfs:comment>'
            "</rdf:Description></rdf:RDF>\n").encode()


def deep_json_ld(depth: int = 5000) -> bytes:
    """JSON-LD nested ``depth`` objects deep (90 kB at 5,000): deep enough to overflow Oxigraph's native stack."""
    return b'{"http://ex/p":' * depth + b'"x"' + b"}" * depth


# --- 1. the timeout bounds the whole transfer ------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/dump.ttl", "/sparql"])
def test_a_peer_answering_one_byte_a_second_is_cut_off_at_the_timeout(peers, disk_store, path):
    """Dump and SPARQL endpoint alike: --timeout 3 ends the harvest at about 3 s, however the bytes trickle in."""
    peer = peers({path: (200, {"Content-Type": "text/turtle"}, one_literal(40))}, trickle=(path,))
    before = state(disk_store)
    proc, secs = cli("harvest", peer.url + path, "--name", "slow", "--timeout", "3", store=disk_store)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "timed out" in proc.stderr and peer.url in proc.stderr and "Traceback" not in proc.stderr
    assert secs < 20, secs  # 3 s of transfer, plus the interpreter's start-up
    assert peer.requests, "the peer was called"
    assert state(disk_store) == before


# --- 2. parser bombs: entities and big literals ----------------------------------------------------------------
def test_rdf_xml_entity_declarations_are_refused_by_harvest_and_load_alike(peers, disk_store, tmp_path):
    bomb = nested_entities()
    assert len(bomb) < 700
    peer = peers({"/bomb.rdf": (200, {"Content-Type": "application/rdf+xml"}, bomb)})
    before = state(disk_store)
    proc, secs = cli("harvest", peer.url + "/bomb.rdf", "--name", "bomb", store=disk_store)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "entity declarations are refused" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert secs < 20, secs
    assert state(disk_store) == before
    (tmp_path / "bomb.rdf").write_bytes(bomb)
    proc, _ = cli("load", "--no-progress", str(tmp_path / "bomb.rdf"), store=disk_store)
    assert proc.returncode == 2 and "entity declarations are refused" in proc.stderr, (proc.stdout, proc.stderr)
    assert state(disk_store) == before


def test_a_3_mb_literal_harvests_about_as_fast_as_a_10_kb_one(peers, store):
    """Validation runs in Oxigraph, linear in the data (rdflib's N-Triples reader was quadratic on one literal)."""
    peer = peers({"/small.nt": (200, {}, one_literal(10_000)), "/big.nt": (200, {}, one_literal(3_000_000))})
    seconds = {}
    for name in ("small", "big"):
        t0 = time.monotonic()
        report = harvest(store, f"{peer.url}/{name}.nt", base_uri=FR, name=name)
        seconds[name] = time.monotonic() - t0
        assert report.triples == 1 and report.validation is not None
    assert seconds["big"] < 25 and seconds["big"] < 5 * seconds["small"] + 5, seconds
    length = f"SELECT (STRLEN(?c) AS ?n) WHERE {{ GRAPH <{FR}graph/node/big> {{ ?s <{RDFS_COMMENT}> ?c }} }}"
    [row] = store.query(length).bindings
    assert int(row["n"]) == 3_000_000


# --- 3. deep JSON-LD, and a crash that must not stop harvest --all -----------------------------------------------
def test_json_ld_nested_5000_deep_is_refused_before_parsing(peers, disk_store):
    peer = peers({"/deep.jsonld": (200, {"Content-Type": "application/ld+json"}, deep_json_ld())})
    before = state(disk_store)
    proc, _ = cli("harvest", peer.url + "/deep.jsonld", "--name", "deep", store=disk_store)
    assert proc.returncode == 1, (proc.returncode, proc.stderr)  # not -11 (SIGSEGV)
    assert "nested more than 500 levels deep" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert state(disk_store) == before


def test_harvest_all_reports_the_failing_node_and_harvests_the_next(peers, disk_store):
    deep = peers({"/deep.jsonld": (200, {"Content-Type": "application/ld+json"}, deep_json_ld())})
    good = peers({"/good.ttl": (200, {"Content-Type": "text/turtle"}, good_dump())})
    registry = f"""@prefix tsc: <https://w3id.org/tsc-graph/ontology#> . @prefix void: <http://rdfs.org/ns/void#> .
<{FR}id/node/fr> a tsc:Node ; tsc:nodeName "fr" ; tsc:thisNode true .
<{FR}id/node/a-deep> a tsc:Node ; tsc:nodeName "a-deep" ; void:dataDump <{deep.url}/deep.jsonld> .
<{FR}id/node/b-good> a tsc:Node ; tsc:nodeName "b-good" ; void:dataDump <{good.url}/good.ttl> .
"""
    with open_store(f"oxigraph:{disk_store}") as s:
        s.load([Source("registry.ttl", data=registry.encode(), format="turtle")],
               graph_for=lambda src: f"{FR}graph/registry")
    proc, _ = cli("harvest", "--all", "--no-validate", store=disk_store)
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)  # one node failed; no crash
    assert "a-deep: harvest failed" in proc.stderr and "nested more than 500 levels" in proc.stderr, proc.stderr
    assert "[b-good] harvested" in proc.stdout, proc.stdout
    assert deep.requests and good.requests
    with open_store(f"oxigraph:{disk_store}") as s:
        assert s.count(f"{FR}graph/node/b-good") > 100
        assert f"{FR}graph/node/a-deep" not in s.graphs()


def segfault(_arg) -> None:
    """What a native stack overflow does to a process (module level: the spawned child imports it by name)."""
    import ctypes

    ctypes.string_at(0)


def test_a_crash_in_the_isolated_harvest_is_reported_as_that_sources_error():
    with pytest.raises(RemoteError, match=r"http://peer\.invalid/: the harvest process died \(killed by SIGSEGV\)"):
        harvesting.run_isolated(segfault, None, "http://peer.invalid/")
    assert harvesting.run_isolated(len, b"four", "x") == 4  # and the same path answers when the child lives


# --- 4. redirects stay within the origin ------------------------------------------------------------------------
def test_a_redirect_to_another_origin_is_refused_and_never_followed(peers, store):
    elsewhere = peers({"/dump.ttl": (200, {"Content-Type": "text/turtle"}, good_dump())})
    peer = peers({"/dump.ttl": (302, {"Location": f"{elsewhere.url}/dump.ttl"}, b""),
                  "/sparql": (302, {"Location": f"{elsewhere.url}/sparql"}, b"")})
    before = store.content_hash()
    for url in (f"{peer.url}/dump.ttl", f"{peer.url}/sparql"):
        with pytest.raises(RemoteError, match=r"redirect \(HTTP 302\) to http://127\.0\.0\.1:\d+, another origin") as e:
            harvest(store, url, base_uri=FR, name="moved", validate=False)
        assert str(e.value).startswith(url)
    assert len(peer.requests) == 2 and elsewhere.requests == []
    assert store.content_hash() == before


def test_a_redirect_within_the_origin_is_followed_and_filed_under_the_url_asked_for(peers, store):
    peer = peers({"/moved.ttl": (301, {"Location": "/dump.ttl"}, b""),
                  "/dump.ttl": (200, {"Content-Type": "text/turtle"}, good_dump())})
    report = harvest(store, f"{peer.url}/moved.ttl", base_uri=FR, name="moved", validate=False)
    assert report.triples > 100 and report.source == f"{peer.url}/moved.ttl"
    assert peer.requests == ["/moved.ttl", "/dump.ttl"]


# --- 5. the parse streams into a staging store --------------------------------------------------------------------
def test_the_parse_streams_into_a_staging_store_merged_deduplicated_and_filtered():
    """No Python list of triples: one store holds every part, merged and deduplicated, and is filtered in place."""
    trig = f"""<{PEER}id/actor/a> <{RDFS_COMMENT}> "kept" ; <http://ex/contact> _:c .
_:c <http://ex/next> _:d . _:d <{RDFS_COMMENT}> "reached through blank nodes" .
<http://ex/g1> {{ <{PEER}id/actor/a> <{RDFS_COMMENT}> "kept" . }}
<{FR}id/actor/ofb> <{RDFS_COMMENT}> "about our resource" ; <http://ex/contact> _:e .
_:e <{RDFS_COMMENT}> "reached from our resource only" .
""".encode()
    nt = f'<{PEER}id/actor/b> <{RDFS_COMMENT}> "second part" .\n<{PEER}id/actor/a> <{RDFS_COMMENT}> "kept" .\n'.encode()
    staging = harvesting.stage([("a.trig", trig, "trig"), ("b.nt", nt, "ntriples")])
    assert len(staging) == 8  # "kept" is in both parts and two graphs of the first: stored once
    assert harvesting.peer_statements(staging, FR) == 3
    assert all(q.graph_name == harvesting.STAGED for q in staging)
    comments = sorted(q.object.value for q in staging if q.predicate.value == RDFS_COMMENT)
    assert comments == ["kept", "reached through blank nodes", "second part"]
    assert len(staging) == 5
