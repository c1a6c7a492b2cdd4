"""Who the client is and where the server lives, decided by configuration, never by request headers.

Two WSGI middlewares, installed by ``create_app`` around every request, whatever the WSGI server:

* **Trusted proxy** — with ``TSC_PROXY_FIX=N`` (N reverse proxies in front of us) and the proxy's address in
  ``TSC_TRUSTED_PROXY``, the client address (``REMOTE_ADDR``: rate limits, submission records) and scheme come
  from ``X-Forwarded-For`` / ``X-Forwarded-Proto``, but only when the request really comes from that proxy
  (waitress' proxy-header middleware checks the peer). ``X-Forwarded-*`` from anyone else is removed. Why here
  and not in ``waitress.serve``: one behaviour under every WSGI server; ``tsc-graph serve`` tells waitress to
  leave the headers to the app (before, waitress cleared them first, so ``TSC_PROXY_FIX`` did nothing).
* **Public address** — every absolute URL the server writes (VoID, the Service Description, pages, the
  portal) is built on ``TSC_PUBLIC_URL``: the request's ``Host`` is replaced by it, so a forged
  ``Host: evil.example`` never reaches a generated URL (no link or redirect an attacker can aim). A path in it (``https://node.example/tsc/``)
  is the prefix under which a proxy publishes us: links carry it, and a proxy that does not strip it is
  understood too. Without the setting, the server's own address is used (``tsc-graph serve`` sets the
  address it binds; other WSGI servers give ``SERVER_NAME:SERVER_PORT``), never the client's.
"""
from __future__ import annotations

import urllib.parse
from collections.abc import Callable

from waitress.proxy_headers import proxy_headers_middleware

#: Forwarded headers believed from a trusted proxy. Not the host: our public address is configuration.
TRUSTED_HEADERS = {"x-forwarded-for", "x-forwarded-proto"}


def trusted_proxy(app: Callable, hops: int, proxy: str) -> Callable:
    """Client address and scheme from the ``hops`` proxies ending at ``proxy`` (``*``: any peer); with
    ``hops == 0``, every forwarded header is dropped."""
    if hops <= 0:
        return proxy_headers_middleware(app, trusted_proxy=None, clear_untrusted=True)
    return proxy_headers_middleware(app, trusted_proxy=proxy, trusted_proxy_count=hops,
                                    trusted_proxy_headers=TRUSTED_HEADERS, clear_untrusted=True)


class PublicAddress:
    """Makes every request look addressed to the configured public URL (see the module docstring)."""

    def __init__(self, app: Callable, public_url: str = ""):
        self.app = app
        self.public_url = public_url
        if public_url:
            parts = urllib.parse.urlsplit(public_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"TSC_PUBLIC_URL must be an absolute http(s) URL, not {public_url!r}")
            self.scheme = parts.scheme
            self.host = parts.netloc.rsplit("@", 1)[-1]
            self.port = str(parts.port or (443 if parts.scheme == "https" else 80))
            self.root = parts.path.rstrip("/")

    def __call__(self, environ: dict, start_response):
        environ["tsc.request_host"] = environ.get("HTTP_HOST", "")  # kept for logs, used for nothing else
        if not self.public_url:
            name, port = environ.get("SERVER_NAME", "localhost"), environ.get("SERVER_PORT", "")
            default = "443" if environ.get("wsgi.url_scheme") == "https" else "80"
            environ["HTTP_HOST"] = name if port in ("", default) else f"{name}:{port}"
            return self.app(environ, start_response)
        environ["wsgi.url_scheme"] = self.scheme
        environ["HTTP_HOST"] = self.host
        environ["SERVER_NAME"] = self.host.rsplit(":", 1)[0] if not self.host.endswith("]") else self.host
        environ["SERVER_PORT"] = self.port
        if self.root:
            path = environ.get("PATH_INFO", "")
            if path == self.root or path.startswith(self.root + "/"):  # a proxy that keeps the prefix
                environ["PATH_INFO"] = path[len(self.root):]
            environ["SCRIPT_NAME"] = self.root
        return self.app(environ, start_response)


def install(app, public_url: str, proxy_hops: int, proxy: str) -> None:
    """Wrap the Flask app: trusted-proxy handling outside, then the public address."""
    app.wsgi_app = trusted_proxy(PublicAddress(app.wsgi_app, public_url), proxy_hops, proxy)


def server_url(host: str, port: int) -> str:
    """The URL of a server bound to ``host:port``, for local use (``0.0.0.0`` → ``127.0.0.1``)."""
    shown = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://{'[' + shown + ']' if ':' in shown else shown}:{port}/"
