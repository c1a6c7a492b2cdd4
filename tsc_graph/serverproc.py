"""Run ``tsc-graph serve`` as a child process on loopback, and know when it answers.

The tests, the benchmarks and the load test all need a *real* server (waitress, worker processes, its own
store lock), not Flask's test client; this is the one place that starts, waits for and stops one.
"""
from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from . import PACKAGE_DIR


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (a server and its query workers), in MB (Linux)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class ServerProcess:
    """``python -m tsc_graph.cli --store oxigraph:STORE serve`` on 127.0.0.1 with the given ``TSC_*`` settings.

    Inherited ``TSC_*`` variables are dropped so a run is determined by ``env`` alone. Output goes to
    ``log`` (a file) or is discarded.
    """

    def __init__(self, store: str | os.PathLike, *, env: dict[str, str] | None = None, port: int | None = None,
                 log: Path | None = None, host: str = "127.0.0.1"):
        self.store = Path(store)
        self.env = dict(env or {})
        self.host = host
        self.port = port or free_port(host)
        self.log_path = log
        self.proc: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def endpoint(self) -> str:
        return f"{self.url}/sparql"

    def start(self, timeout: float = 60.0) -> "ServerProcess":
        """Start and wait until ``/sparql`` answers ``ASK {}``; RuntimeError with the log if it does not."""
        child_env = {k: v for k, v in os.environ.items() if not k.startswith("TSC_")}
        child_env.update(self.env)
        child_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_DIR.parent), child_env.get("PYTHONPATH")]))
        self._log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tsc_graph.cli", "--store", f"oxigraph:{self.store}", "serve",
             "--host", self.host, "--port", str(self.port)],
            env=child_env, stdout=self._log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            if self.answers():
                return self
            time.sleep(0.1)
        self.stop()
        log = self.log_path.read_text(errors="replace") if self.log_path else "(no log kept)"
        raise RuntimeError(f"tsc-graph server on port {self.port} did not start within {timeout:g} s:\n{log}")

    def answers(self, timeout: float = 5.0) -> bool:
        try:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
            conn.request("GET", "/sparql?query=" + urllib.parse.quote("ASK {}"))
            return conn.getresponse().status == 200
        except OSError:
            return False

    def memory_mb(self) -> float:
        """Resident memory of the server and its query workers, in MB."""
        return tree_rss_mb(self.proc.pid) if self.proc is not None else 0.0

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=15)
        self._close_log()

    def stop(self) -> None:
        """SIGTERM (the server closes its store and workers), then SIGKILL after 15 s."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self._close_log()

    def _close_log(self) -> None:
        if self._log not in (None, subprocess.DEVNULL):
            self._log.close()
        self._log = None

    def __enter__(self) -> "ServerProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
