"""Fetching what a harvest reads: a SPARQL endpoint's CONSTRUCT, a dump URL, or a local dump.

Why a module of its own: this is the only code of a harvest that talks to a peer over the network, and the rules
that make that safe live together here. The one HTTP client of harvesting is urllib (standard library), wrapped
so that:

* ``timeout`` bounds the **whole transfer** (connect, redirects, headers, body), not each read: a peer answering
  one byte a second is cut off at the deadline (:class:`_Deadline`);
* redirects are followed within the source's origin (scheme, host, port) only: what is stored under a source's
  provenance comes from that source (:class:`_SameOriginRedirects`);
* an answer (after gunzip) is at most ``max_bytes``;
* requests are **conditional**: the validators the source gave last time (``ETag``, ``Last-Modified``) are sent
  back, and ``304 Not Modified`` comes back as ``Fetched(parts=None)``. A local dump's validator is the SHA-256
  of its files.

Parsing (with the guards of ``tsc-graph load``: entity declarations refused, nesting limited) happens after, in
federation/harvest.py.
"""
from __future__ import annotations

import email.message
import functools
import gzip
import hashlib
import http.client
import io
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .. import SPARQL_DIR, __version__
from ..errors import BadInput, RemoteError
from ..formats import RDF_FORMATS, rdf_format_for_media_type, rdf_format_for_path
from ..store import expand_sources

#: Suffixes that make a URL a dump rather than a SPARQL endpoint.
DUMP_SUFFIXES = (".ttl", ".nt", ".jsonld", ".rdf", ".owl", ".nq", ".trig")
#: Largest download accepted (bytes, after decompression).
MAX_BYTES = 512 * 1024 * 1024
USER_AGENT = f"tsc-graph/{__version__} harvest (+https://w3id.org/tsc-graph)"


def is_dump_url(url: str) -> bool:
    path = urllib.parse.urlsplit(url).path.lower().removesuffix(".gz")
    return path.endswith(DUMP_SUFFIXES)


def check_url(url: str) -> None:
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

