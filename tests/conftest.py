"""Shared fixtures. Stores are real Oxigraph stores (in memory or on disk under tmp_path)."""
from __future__ import annotations

import http.client as http_client
import shutil
import subprocess
import sys
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest

from checkout import DATA_DIR
from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
from tsc_graph.namespaces import DEFAULT_BASE_URI
from tsc_graph.serverproc import ServerProcess
from tsc_graph.store import GraphNamer, expand_sources, open_store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def french_memory_store():
    """An in-memory store holding the ontology, the reference vocabularies and the French node (read-only use)."""
    store = open_store("memory:")
    store.load(expand_sources([ONTOLOGY_DIR, REFERENCE_DIR, DATA_DIR / "fr", DATA_DIR / "demo"]), graph_for=GraphNamer(DEFAULT_BASE_URI))
    yield store
    store.close()


@pytest.fixture(scope="module")
def french_store():
    """Like french_memory_store, but one per test module: the submission and desk tests publish into it."""
    store = open_store("memory:")
    store.load(expand_sources([ONTOLOGY_DIR, REFERENCE_DIR, DATA_DIR / "fr", DATA_DIR / "demo"]),
               graph_for=GraphNamer(DEFAULT_BASE_URI))
    yield store
    store.close()


@pytest.fixture
def empty_disk_store(tmp_path):
    """A fresh on-disk Oxigraph store."""
    store = open_store(f"oxigraph:{tmp_path / 'store'}")
    yield store
    store.close()


# --- live HTTP servers (tsc_graph/web/ tests; reusable by anyone who needs a real endpoint) ------------------------


@pytest.fixture(scope="session")
def french_store_dir(tmp_path_factory) -> Path:
    """An on-disk Oxigraph store holding ontology/, tsc_graph/reference/ and data/fr/, loaded through the CLI.

    Treat it as read-only: copy it (``shutil.copytree``) before opening it in another process, because
    RocksDB lets only one process open a store (``live_server`` serves a copy).
    """
    store_dir = tmp_path_factory.mktemp("french-store") / "store"
    subprocess.run(
        [sys.executable, "-m", "tsc_graph.cli", "--store", f"oxigraph:{store_dir}", "load", "--no-progress",
         str(ONTOLOGY_DIR), str(REFERENCE_DIR), str(DATA_DIR / "fr"), str(DATA_DIR / "demo")],
        check=True, capture_output=True, timeout=300, cwd=ROOT,
    )
    return store_dir


@pytest.fixture(scope="session")
def start_live_server(french_store_dir, tmp_path_factory):
    """Factory: ``start_live_server(env={"TSC_QUERY_TIMEOUT": "1"}) -> base URL`` of a NEW server process.

    Each call copies ``french_store_dir`` and runs ``python -m tsc_graph.cli --store oxigraph:<copy> serve
    --host 127.0.0.1 --port <free port>`` as a real subprocess (waitress, tsc_graph.serverproc), with the
    given ``TSC_*`` settings (inherited ``TSC_*`` variables are dropped so tests are deterministic). It
    returns once ``/sparql`` answers (at most 60 s, else the test fails with the server's log). All servers
    started are stopped (SIGTERM, then SIGKILL) at the end of the session.
    """
    servers: list[ServerProcess] = []
    root = tmp_path_factory.mktemp("live-servers")

    def start(env: dict[str, str] | None = None) -> str:
        n = len(servers)
        store_copy = root / f"store-{n}"
        shutil.copytree(french_store_dir, store_copy, ignore=shutil.ignore_patterns("snapshots", "LOCK"))
        server = ServerProcess(store_copy, env=env, log=root / f"server-{n}.log")
        servers.append(server)
        try:
            return server.start().url
        except RuntimeError as e:
            pytest.fail(str(e))

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def live_server(start_live_server) -> str:
    """Base URL (``http://127.0.0.1:PORT``, no trailing slash) of a real ``tsc-graph serve`` process.

    Contract: the default front (granian) on 127.0.0.1, default settings (query timeout 30 s, 2 query
    workers), serving a private copy of ``french_store_dir`` (ontology + tsc_graph/reference + data/fr). Shared by the whole
    session: do not change its data (the endpoint is read-only anyway). ``{url}/sparql`` is the SPARQL
    1.1 endpoint; resources dereference under ``{url}/id/``, ``{url}/vocab/`` and ``{url}/ontology``.
    """
    return start_live_server()


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()


def http_request(url: str, method: str = "GET", headers: dict[str, str] | None = None,
                 body: bytes | str | None = None, timeout: float = 60) -> HttpResponse:
    """One raw HTTP request (like curl: no redirect following, no content decoding)."""
    parts = urllib.parse.urlsplit(url)
    conn = http_client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if isinstance(body, str):
        body = body.encode("utf-8")
    conn.request(method, path or "/", body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return HttpResponse(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)


@pytest.fixture(scope="session")
def http():
    """``http(url, method="GET", headers=None, body=None)`` → HttpResponse (status, headers, body, text)."""
    return http_request


@pytest.fixture
def smtp_server():
    """A local SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives."""
    from aiosmtpd.controller import Controller

    from tsc_graph.serverproc import free_port

    class Keep:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
            return "250 OK"

    handler = Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()
