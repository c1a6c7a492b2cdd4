"""Which of waitress' slow-client protections hold when ``tsc-graph serve`` runs behind granian (TSC_HTTP_FRONT).

A real granian server started by ``tsc-graph serve`` (tsc_graph.serverproc) on a copy of the French store, on
127.0.0.1, with a short idle/header timeout so that each measurement takes seconds; where a protection is
waitress's too, the same test runs against both fronts. Granian serves the app through the RSGI adapter
(tsc_graph/web/rsgi_adapter.py), which reads request bodies before a Flask thread sees them.
"""
from __future__ import annotations

import select
import shutil
import socket
import threading
import time
import urllib.parse

import pytest

from tsc_graph.serverproc import ServerProcess

JSON = {"Accept": "application/sparql-results+json"}
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
#: Seconds granian waits for a request's headers (TSC_IDLE_TIMEOUT, passed as --http1-header-read-timeout).
HEADER_TIMEOUT = 2.0
#: Flask threads of the server: fewer than the slow clients of the slow-body test, so they could take all.
THREADS = 4
MAX_REQUEST_BYTES = 100_000


@pytest.fixture(scope="module")
def serve(french_store_dir, tmp_path_factory):
    """``serve(front)`` → ``tsc-graph serve`` behind that front, on a private copy of the French store, with the
    same short timeouts and few threads whatever the front (one server per front and module)."""
    root = tmp_path_factory.mktemp("http-front")
    servers: dict[str, ServerProcess] = {}

    def start(front: str) -> ServerProcess:
        if front not in servers:
            copy = root / f"store-{front}"
            shutil.copytree(french_store_dir, copy, ignore=shutil.ignore_patterns("snapshots", "LOCK"))
            servers[front] = ServerProcess(copy, log=root / f"{front}.log", env={
                "TSC_HTTP_FRONT": front, "TSC_IDLE_TIMEOUT": str(HEADER_TIMEOUT), "TSC_THREADS": str(THREADS),
                "TSC_QUERY_TIMEOUT": "1", "TSC_QUERY_WORKERS": "1", "TSC_QUEUE_TIMEOUT": "0.5",
                "TSC_MAX_REQUEST_BYTES": str(MAX_REQUEST_BYTES)}).start()
        return servers[front]

    yield start
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="module")
def granian_server(serve) -> ServerProcess:
    return serve("granian")


def connect(server: ServerProcess) -> socket.socket:
    return socket.create_connection((server.host, server.port), timeout=5)


def cut_off(s: socket.socket) -> bool:
    """Whether the server ended (or answered) this connection: readable at once means EOF, a reset or a reply."""
    try:
        return bool(select.select([s], [], [], 0)[0])
    except (OSError, ValueError):
        return True


def seconds_until_closed(s: socket.socket, longest: float = HEADER_TIMEOUT * 4) -> float:
    """Wait (at most ``longest`` seconds, polling) for the server to end a connection this side leaves silent;
    the seconds waited."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < longest and not cut_off(s):
        time.sleep(0.1)
    return time.monotonic() - t0


def trickle(s: socket.socket, data: bytes, *, every: float, longest: float) -> float | None:
    """Send ``data`` a byte every ``every`` seconds for at most ``longest`` seconds; the seconds after which the
    server cut the connection off, or None if it was still open when the bytes (or the time) ran out."""
    t0 = time.monotonic()
    for byte in data:
        if time.monotonic() - t0 > longest:
            return None
        try:
            s.sendall(bytes([byte]))
        except OSError:
            return time.monotonic() - t0
        time.sleep(every)
        if cut_off(s):
            return time.monotonic() - t0
    return None


def ask(server: ServerProcess, http, timeout: float = 10) -> int:
    """The status of ``ASK {}``; 0 if no answer came within ``timeout`` seconds."""
    try:
        return http(f"{server.endpoint}?query={urllib.parse.quote('ASK {}')}", headers=JSON, timeout=timeout).status
    except OSError:  # timed out (or refused): no answer
        return 0


def statuses_meanwhile(server: ServerProcess, http, seconds: float) -> list[int]:
    """The statuses of ``ASK {}`` sent every 0.2 s for ``seconds`` (bounded), while the test's clients misbehave."""
    statuses, t0 = [], time.monotonic()
    while time.monotonic() - t0 < seconds:
        statuses.append(ask(server, http, timeout=5))
        time.sleep(0.2)
    return statuses


def test_granian_serves_the_app(granian_server, http):
    """The front is granian indeed (its Server header), serving the same app (pages, SPARQL)."""
    r = http(f"{granian_server.url}/", headers={"Accept": "text/html"}, timeout=10)
    assert r.status == 200 and "granian" in r.headers.get("server", "")
    assert ask(granian_server, http) == 200


def test_idle_connections_are_closed(granian_server):
    """(a) A connection that sends nothing is closed by the server (waitress: after TSC_IDLE_TIMEOUT)."""
    s = connect(granian_server)
    try:
        waited = seconds_until_closed(s)
        state = "closed" if cut_off(s) else "still open"
        print(f"\nsilent connection {state} after {waited:.2f} s (header timeout {HEADER_TIMEOUT} s)")
        assert cut_off(s) and s.recv(1024) == b""
    finally:
        s.close()


def test_a_keep_alive_connection_left_idle_is_closed(granian_server):
    """(a) After an answer, a keep-alive connection that sends nothing more is closed after the idle timeout."""
    s = connect(granian_server)
    try:
        s.sendall(b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\n\r\n")
        assert s.recv(65536).startswith(b"HTTP/1.1 200")
        print(f"\nidle keep-alive connection closed after {seconds_until_closed(s):.2f} s")
        assert cut_off(s) and s.recv(1024) == b""
    finally:
        s.close()


def test_trickled_headers_are_cut_off_after_the_header_timeout(granian_server):
    """(b) Headers sent a byte every 0.25 s (never finished) are cut off once the header timeout has passed."""
    s = connect(granian_server)
    try:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        after = trickle(s, b"X-Slow: " + b"a" * 400, every=0.25, longest=HEADER_TIMEOUT * 4)
        print(f"\ntrickled headers cut off after {after} s (header timeout {HEADER_TIMEOUT} s)")
        assert after is not None
        assert after >= HEADER_TIMEOUT * 0.9  # the timeout, not an earlier refusal
    finally:
        s.close()


def slow_post(server: ServerProcess, length: int = 2000) -> socket.socket:
    """A POST to /sparql whose headers are complete and whose body is still to come."""
    s = connect(server)
    s.sendall(f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
              f"Accept: application/sparql-results+json\r\nContent-Length: {length}\r\n\r\n".encode())
    return s


@pytest.mark.slow  # 12 s of trickled bodies
@pytest.mark.parametrize("front", ["waitress", "granian"])
def test_slow_bodies_do_not_take_the_flask_threads(serve, http, front):
    """(c) More slow POST bodies than Flask threads: other requests keep being answered meanwhile."""
    server = serve(front)
    clients = [slow_post(server) for _ in range(THREADS + 2)]
    stop = threading.Event()

    def drip():  # a byte per client every 0.5 s, the way a slow (or hostile) client sends
        while not stop.wait(0.5):
            for s in clients:
                try:
                    s.sendall(b" ")
                except OSError:
                    pass

    dripper = threading.Thread(target=drip, daemon=True)
    dripper.start()
    try:
        time.sleep(1)
        statuses = statuses_meanwhile(server, http, 6)
        print(f"\n{front}: {len(statuses)} requests beside {len(clients)} slow bodies: {sorted(set(statuses))}")
        assert statuses and set(statuses) == {200}
    finally:
        stop.set()
        dripper.join(timeout=5)
        for s in clients:
            s.close()


@pytest.mark.slow  # up to 4x the header timeout of trickling
def test_a_trickled_body_is_cut_off(granian_server):
    """(c) A body trickled forever is cut off by the server, so it cannot hold a connection (and a thread)."""
    s = slow_post(granian_server, length=10_000)
    try:
        after = trickle(s, b" " * 10_000, every=0.25, longest=HEADER_TIMEOUT * 4)
        print(f"\ntrickled body cut off after {after} s")
        assert after is not None
    finally:
        s.close()


def test_a_trickled_body_gets_408_with_a_reason(granian_server):
    """(c) The client of a body cut off is told why (408 and the rate it must keep), and the connection ends."""
    s = slow_post(granian_server, length=10_000)
    try:
        s.sendall(b"x")
        s.settimeout(HEADER_TIMEOUT * 4)
        answer = s.recv(4096)
        assert answer.startswith(b"HTTP/1.1 408")
        assert b"not received within" in answer and b"bytes/s" in answer
    finally:
        s.close()


def test_a_declared_length_over_the_cap_is_refused_before_the_body(granian_server):
    """(d) A Content-Length past what the front reads is refused (413) before any of the body is read."""
    s = slow_post(granian_server, length=50 * 1024 * 1024)
    try:
        s.settimeout(10)
        answer = s.recv(4096)
        assert answer.startswith(b"HTTP/1.1 413") and b"at most" in answer
    finally:
        s.close()


@pytest.mark.parametrize("front", ["waitress", "granian"])
def test_streamed_answers_arrive_whole(serve, http, front):
    """A dump (a file sent in chunks) and the matches CSV (a generator needing its request context) arrive
    whole behind either front: the same bytes as behind waitress."""
    server = serve(front)
    dump = http(f"{server.url}/dumps/tsc-graph.ttl", headers={"Accept": "*/*"}, timeout=60)
    request = "https://fr.chm-cbd.net/tsc/id/request/madagascar-crapaud-asiatique"
    matches = http(f"{server.url}/api/matches.csv?request={urllib.parse.quote(request)}&lang=en",
                   headers={"Accept": "text/csv"}, timeout=30)
    assert dump.status == 200 and matches.status == 200
    assert dump.body.count(b"\n") > 1000 and b"tsc:" in dump.body
    assert matches.body.startswith(b"rank,") or matches.body.count(b"\n") > 1
    if front == "granian":
        reference = serve("waitress")
        assert dump.body == http(f"{reference.url}/dumps/tsc-graph.ttl", headers={"Accept": "*/*"}, timeout=60).body
        assert matches.body == http(f"{reference.url}/api/matches.csv?request={urllib.parse.quote(request)}&lang=en",
                                    headers={"Accept": "text/csv"}, timeout=30).body


@pytest.mark.slow  # 6 s of requests beside clients that do not read
def test_clients_that_do_not_read_a_dump_do_not_take_the_flask_threads(granian_server, http):
    """More clients than Flask threads ask for a dump and never read it: the site keeps answering."""
    clients = []
    for _ in range(THREADS + 2):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a small window: the dump cannot all fit
        s.connect((granian_server.host, granian_server.port))
        s.sendall(b"GET /dumps/tsc-graph.ttl HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n")
        clients.append(s)
    try:
        time.sleep(1)
        statuses = statuses_meanwhile(granian_server, http, 5)
        print(f"\n{len(statuses)} requests beside {len(clients)} unread dumps: {sorted(set(statuses))}")
        assert statuses and set(statuses) == {200}
    finally:
        for s in clients:
            s.close()


def chunked_post(server: ServerProcess, chunks: list[bytes]) -> bytes:
    """POST ``chunks`` to /sparql with Transfer-Encoding: chunked; the first bytes of the answer."""
    s = connect(server)
    try:
        s.settimeout(15)
        s.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                  b"Accept: application/sparql-results+json\r\nTransfer-Encoding: chunked\r\n\r\n")
        try:
            for chunk in chunks:
                s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            s.sendall(b"0\r\n\r\n")
        except OSError:  # the server answered and closed before the last chunks: the answer is what counts
            pass
        return s.recv(4096)
    finally:
        s.close()


def test_a_chunked_body_is_read_and_counted_against_the_cap(granian_server):
    """(d) A query sent chunked (no Content-Length) is answered; a chunked body past the cap gets 413."""
    answer = chunked_post(granian_server, [b"ASK ", b"{ }"])
    assert answer.startswith(b"HTTP/1.1 200") and b'"boolean"' in answer
    answer = chunked_post(granian_server, [b"#" + b"x" * 65535] * 40)  # 2.5 MB, over the front's 1 MB cap
    assert answer.startswith(b"HTTP/1.1 413") and b"the most this server takes" in answer


def test_a_body_over_the_limit_gets_413(granian_server, http):
    """(d) A body over TSC_MAX_REQUEST_BYTES (Flask's MAX_CONTENT_LENGTH) is refused with 413."""
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (MAX_REQUEST_BYTES + 50_000)
    r = http(f"{granian_server.endpoint}", method="POST", headers={"Content-Type": "application/sparql-query"},
             body=big, timeout=30)
    assert r.status == 413
    assert ask(granian_server, http) == 200


def test_overload_gives_503_with_retry_after(granian_server, http):
    """(e) More runaway queries than the one worker and its queue timeout: 503 with Retry-After, nothing hangs."""
    results: list = []

    def one():
        r = http(f"{granian_server.endpoint}?query={urllib.parse.quote(RUNAWAY)}", headers=JSON, timeout=30)
        results.append((r.status, r.headers.get("retry-after")))

    threads = [threading.Thread(target=one) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    print(f"\noverload answers: {results}")
    assert len(results) == THREADS and all(status == 503 for status, _ in results)
    assert any(retry for _, retry in results), results
    assert ask(granian_server, http) == 200
