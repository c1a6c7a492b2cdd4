"""The app behind granian's RSGI interface: request bodies read in the event loop, Flask on a thread pool.

Why not granian's WSGI interface: it hands a request to a Flask thread as soon as the headers are in, and the
thread then waits for the body, so a few clients trickling bodies took every thread and the site stopped
answering (measured: 6 bodies, 4 threads; tests/test_http_front.py). Here granian's event loop reads the
body, refused past a size cap (413) and cut off past a deadline (408), and only a complete request takes a
thread. Answers go back the same way: a streamed answer (dumps, CSV) is produced a chunk at a time on the
pool and sent from the loop, so a client that reads slowly holds a socket, not a thread.

Run it with ``tsc-graph serve --front granian`` (or ``granian --interface rsgi --http 1
tsc_graph.web.rsgi:app``); settings come from the ``TSC_*`` variables, as in tsc_graph.web.wsgi.
"""
from __future__ import annotations

import asyncio
import contextvars
import io
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

#: Bytes per second a request body must keep up, beyond the idle timeout, before it is cut off (408): slow
#: enough for a 10 MB upload on a poor link (about 3 minutes), fast enough that a trickle cannot hold a socket.
BODY_MIN_RATE = 64 * 1024
#: Headers granian folds into the environ's own keys rather than ``HTTP_*`` (WSGI, PEP 3333).
_CGI_HEADERS = {"content-type": "CONTENT_TYPE", "content-length": "CONTENT_LENGTH"}


class BodyRefused(Exception):
    """A request body the front will not hand to the app; ``status`` and ``message`` are the answer."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class BodyLimits:
    """How much of a request body the front reads, and how long it waits for it."""

    max_bytes: int
    idle_timeout: float
    min_rate: int = BODY_MIN_RATE

    def deadline(self, length: int | None) -> float:
        """Seconds the whole body may take: the idle timeout, plus the time it takes at ``min_rate``."""
        return self.idle_timeout + (length if length is not None else self.max_bytes) / self.min_rate


async def read_body(proto: Any, declared: int | None, chunked: bool, limits: BodyLimits) -> bytes:
    """The request body, read in the event loop; :class:`BodyRefused` if too large or too slow.

    A body with a Content-Length within the cap is read in one call (hyper stops at that length); a chunked
    one a chunk at a time, counted against the cap; a request with neither has no body to wait for.
    """
    if declared is not None and declared > limits.max_bytes:
        raise BodyRefused(413, f"request body of {declared} bytes; this server takes at most {limits.max_bytes}")
    if declared == 0 or (declared is None and not chunked):
        return b""
    chunks, size = [], 0
    try:
        async with asyncio.timeout(limits.deadline(declared)):
            if declared is not None:
                return await proto()
            async for chunk in proto:
                size += len(chunk)
                if size > limits.max_bytes:
                    raise BodyRefused(413, f"request body over {limits.max_bytes} bytes, the most this server takes")
                chunks.append(chunk)
    except TimeoutError:
        raise BodyRefused(408, f"request body not received within {limits.deadline(declared):.0f} s; "
                               f"send it at {limits.min_rate} bytes/s or faster") from None
    return b"".join(chunks)


def declared_length(value: str | None) -> int | None:
    """The Content-Length header as a number; None if absent. A malformed one is refused (400)."""
    if value is None or value == "":
        return None
    if not value.isdigit() or len(value) > 18:
        raise BodyRefused(400, f"Content-Length {value[:40]!r} is not a number of bytes")
    return int(value)


def environ_for(scope: Any, body: bytes) -> dict[str, Any]:
    """The WSGI environ of an RSGI request, as granian's WSGI interface builds it (PEP 3333: PATH_INFO is
    the percent-decoded path as latin-1 text; repeated headers joined with commas, cookies with semicolons)."""
    server_host, _, server_port = scope.server.rpartition(":")
    client_host = scope.client.rpartition(":")[0]
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": scope.path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.query_string,
        "SERVER_NAME": server_host.strip("[]"),
        "SERVER_PORT": server_port,
        "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
        "REMOTE_ADDR": client_host.strip("[]"),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    headers: dict[str, list[str]] = {}
    for name, value in scope.headers.items():
        headers.setdefault(name.lower(), []).append(value)
    for name, values in headers.items():
        key = _CGI_HEADERS.get(name) or "HTTP_" + name.upper().replace("-", "_")
        environ[key] = (";" if name == "cookie" else ",").join(values)
    if "HTTP_HOST" not in environ and scope.authority:
        environ["HTTP_HOST"] = scope.authority
    environ["CONTENT_LENGTH"] = str(len(body)) if body or "CONTENT_LENGTH" in environ else ""
    return environ


@dataclass
class Answer:
    """What the WSGI app returned: status, headers, and the body, whole or still to be iterated."""

    status: int
    headers: list[tuple[str, str]]
    whole: bytes | None
    rest: Iterator[bytes] | None
    close: Callable[[], None] | None


def call_wsgi(app: Callable, environ: dict[str, Any]) -> Answer:
    """Run the WSGI app (on a pool thread); a body Flask built in memory comes back whole, a generator's
    first chunk is produced here and the rest is left to :meth:`RSGIApp.stream`."""
    started: list = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info=None):
        if exc_info and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started[:] = [int(status.split(" ", 1)[0]), headers]
        return lambda data: None  # the legacy write() callable; Flask never uses it

    result: Iterable[bytes] = app(environ, start_response)
    close = getattr(result, "close", None)
    if isinstance(result, (list, tuple)):  # Response with a body in memory: one send
        if close:
            close()
        return Answer(*started, whole=b"".join(result), rest=None, close=None)
    rest = iter(result)
    first = next(rest, None)
    status, headers = started
    if first is None:
        if close:
            close()
        return Answer(status, headers, whole=b"", rest=None, close=None)
    return Answer(status, headers, whole=first, rest=rest, close=close)


class RSGIApp:
    """An RSGI application serving a WSGI app: granian calls :meth:`__rsgi__` in its event loop."""

    def __init__(self, wsgi_app: Callable, *, threads: int, limits: BodyLimits):
        self.wsgi_app, self.threads, self.limits = wsgi_app, threads, limits
        self.pool: ThreadPoolExecutor | None = None

    def __rsgi_init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.pool = ThreadPoolExecutor(self.threads, thread_name_prefix="tsc-flask")

    def __rsgi_del__(self, loop: asyncio.AbstractEventLoop) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)

    async def __rsgi__(self, scope: Any, proto: Any) -> None:
        if scope.proto != "http":  # websockets: none served (granian runs with --no-ws)
            return
        if self.pool is None:
            self.__rsgi_init__(asyncio.get_running_loop())
        try:
            headers = scope.headers
            body = await read_body(proto, declared_length(headers.get("content-length")),
                                   "chunked" in headers.get("transfer-encoding", "").lower(), self.limits)
        except BodyRefused as refused:
            proto.response_str(refused.status, [("content-type", "text/plain; charset=utf-8"),
                                                ("connection", "close")], refused.message + "\n")
            return
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()  # the same context for every step: stream_with_context works
        try:
            answer = await loop.run_in_executor(self.pool, context.run, call_wsgi, self.wsgi_app,
                                                environ_for(scope, body))
        except Exception:  # the app failed outside Flask's own error handling
            log.exception("the app failed on %s %s", scope.method, scope.path)
            proto.response_str(500, [("content-type", "text/plain; charset=utf-8")], "internal server error\n")
            return
        if answer.rest is None:
            proto.response_bytes(answer.status, answer.headers, answer.whole or b"")
            return
        await self.stream(proto, answer, context)

    async def stream(self, proto: Any, answer: Answer, context: contextvars.Context) -> None:
        """Send a streamed answer: each chunk produced on the pool, sent from the loop; the app's iterator is
        closed whatever happens (a client gone mid-dump included), on the pool too."""
        loop = asyncio.get_running_loop()
        transport = proto.response_stream(answer.status, answer.headers)
        try:
            chunk = answer.whole
            while chunk is not None:
                if chunk:
                    await transport.send_bytes(chunk)
                chunk = await loop.run_in_executor(self.pool, context.run, next, answer.rest, None)
        except Exception as e:  # the client left (granian's ProtocolClosed) or the generator failed
            log.info("streamed answer stopped: %s", e)
        finally:
            if answer.close:
                await loop.run_in_executor(self.pool, context.run, answer.close)


def create_rsgi_app(config: Any = None) -> RSGIApp:
    """The Flask app (create_app) behind the RSGI adapter, with its settings' threads and body limits."""
    from . import create_app

    flask_app = create_app(config)
    settings = flask_app.config["TSC_SETTINGS"]
    limits = BodyLimits(max_bytes=settings.front_body_bytes(), idle_timeout=max(settings.idle_timeout, 1.0))
    return RSGIApp(flask_app, threads=settings.threads, limits=limits)
