"""Static files gzip-compressed for the browsers that accept it.

Why: the map's world outline is 264 kB of JSON and YASGUI over 1 MB of JavaScript; gzipped they are about a third of
that, which a visitor on a phone feels. Flask's static view sends files as they are, so this wraps it: each text
file is compressed once (kept in memory, keyed by its modification time and size, so an edited file is compressed
again) and sent with ``Content-Encoding: gzip``, its own ETag (``…-gzip``, since it is another representation) and
``Vary: Accept-Encoding``. Ranges, 304s and clients without gzip get Flask's own answer.
"""
from __future__ import annotations

import gzip
import os
import threading

from flask import Flask, Response, request
from werkzeug.security import safe_join

#: Media types worth compressing (images and fonts are compressed already).
COMPRESSIBLE = frozenset({"application/json", "application/javascript", "text/javascript", "text/css",
                          "image/svg+xml", "text/plain", "text/html"})
#: Files smaller than this gain nothing from compression.
MIN_BYTES = 1024


def install(app: Flask) -> None:
    """Replace the app's ``static`` view with one that gzips text files for clients that accept it."""
    plain = app.view_functions["static"]
    compressed: dict[str, tuple[tuple[float, int], bytes]] = {}
    lock = threading.Lock()

    def gzipped(path: str) -> bytes:
        stat = os.stat(path)
        version = (stat.st_mtime, stat.st_size)
        with lock:
            known = compressed.get(path)
        if known and known[0] == version:
            return known[1]
        with open(path, "rb") as f:
            body = gzip.compress(f.read(), compresslevel=6, mtime=0)
        with lock:
            compressed[path] = (version, body)
        return body

    def static(filename: str) -> Response:
        resp = plain(filename=filename)
        if resp.mimetype not in COMPRESSIBLE:
            return resp
        resp.vary.add("Accept-Encoding")
        if resp.status_code != 200 or "gzip" not in request.accept_encodings:
            return resp
        path = safe_join(app.static_folder, filename)
        if path is None or os.path.getsize(path) < MIN_BYTES:
            return resp
        etag, _weak = resp.get_etag()
        tag = f"{etag}-gzip" if etag else None
        if tag and request.if_none_match.contains(tag):
            unchanged = Response(status=304)
            unchanged.set_etag(tag)
            unchanged.vary.add("Accept-Encoding")
            unchanged.headers["Cache-Control"] = resp.headers.get("Cache-Control", "no-cache")
            return unchanged
        body = gzipped(path)
        resp.close()
        resp.direct_passthrough = False
        resp.set_data(body)
        resp.headers["Content-Encoding"] = "gzip"
        resp.headers.pop("Accept-Ranges", None)  # ranges apply to the file, not to its compressed form
        if tag:
            resp.set_etag(tag)
        return resp

    app.view_functions["static"] = static
