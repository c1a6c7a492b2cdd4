"""The shipped nginx configuration (deploy/nginx.conf) in front of a real server: pages and VoID name the public
URL, and the server sees each client's own address (rate limits, submission records), not the proxy's. Skipped
where /usr/sbin/nginx is missing, failed in CI (``CI`` set), which installs it (.ci/run)."""
from __future__ import annotations

import functools
import http.client
import os
import socket
import subprocess
import time

import pytest

from checkout import ROOT
from httpforms import submit_project

NGINX = "/usr/sbin/nginx"
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def proxied(start_live_server, tmp_path):
    """(public URL, nginx port): the shipped server block listening on 127.0.0.1, proxying to a fresh server."""
    if not os.access(NGINX, os.X_OK):
        reason = f"{NGINX} is missing (Debian: apt-get install nginx-light)"
        if os.environ.get("CI"):
            pytest.fail(f"the reverse-proxy test cannot run in CI: {reason}")
        pytest.skip(reason)
    port = free_port()
    public = f"http://127.0.0.1:{port}/"
    upstream = start_live_server(env={"TSC_PUBLIC_URL": public, "TSC_PROXY_FIX": "1",
                                      "TSC_TRUSTED_PROXY": "127.0.0.1", "TSC_SUBMIT_RATE_LIMIT": "1 per hour"})
    shipped = (ROOT / "deploy/nginx.conf").read_text(encoding="utf-8")
    assert "listen 80;" in shipped and "proxy_pass http://127.0.0.1:8080;" in shipped
    block = (shipped.replace("listen 80;", f"listen 127.0.0.1:{port};")
             .replace("proxy_pass http://127.0.0.1:8080;", f"proxy_pass {upstream};"))
    prefix = tmp_path / "nginx"
    (prefix / "logs").mkdir(parents=True)
    temp = " ".join(f"{kind}_temp_path {prefix}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (prefix / "nginx.conf").write_text(
        f"daemon off;\npid {prefix}/nginx.pid;\nerror_log {prefix}/logs/error.log;\nevents {{}}\n"
        f"http {{\naccess_log {prefix}/logs/access.log;\n{temp}\n{block}\n}}\n", encoding="utf-8")
    proc = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(200):  # until it listens
            if proc.poll() is not None:
                pytest.fail(f"nginx did not start: {proc.stderr.read().decode()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield public, port, upstream
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def get(port: int, path: str, accept: str) -> tuple[int, str, str]:
    """(status, body, Location) through the proxy, with a forged Host."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path, headers={"Accept": accept, "Host": "evil.example"})
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8"), resp.getheader("Location", "")
    finally:
        conn.close()


def test_pages_and_void_through_nginx_name_the_public_url(proxied):
    public, port, upstream = proxied
    status, void, _ = get(port, "/.well-known/void", "text/turtle")
    assert status == 200
    assert f"<{public}sparql>" in void and upstream not in void and "evil" not in void
    status, home, _ = get(port, "/", "text/html")
    assert status == 200 and 'href="/sparql"' in home and "evil" not in home
    status, _, location = get(port, "/id/actor/ofb", "text/turtle")
    assert status == 303 and location in (f"{public}id/actor/ofb.ttl", "/id/actor/ofb.ttl")


def test_the_server_sees_each_client_address_through_nginx(proxied, monkeypatch):
    """Two clients (127.0.0.2 and .3: loopback addresses) behind one proxy each get their own quota of one
    submission; a client's forged X-Forwarded-For buys nothing, since nginx appends the address it saw."""
    public, _, _ = proxied
    real = http.client.HTTPConnection

    def submit_from(address: str, headers: dict | None = None) -> int:
        monkeypatch.setattr(http.client, "HTTPConnection", functools.partial(real, source_address=(address, 0)))
        try:
            return submit_project(public, headers=headers)[0]
        finally:
            monkeypatch.setattr(http.client, "HTTPConnection", real)

    assert submit_from("127.0.0.2") == 202
    assert submit_from("127.0.0.2", headers={"X-Forwarded-For": "203.0.113.7"}) == 429
    assert submit_from("127.0.0.3") == 202
