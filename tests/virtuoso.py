"""A throw-away Virtuoso Open Source instance for the test suite (not the Debian service).

``VirtuosoServer.start()`` writes a virtuoso.ini into a temp dir (database files there too), binds HTTP and
ISQL to free ports on 127.0.0.1, waits until the SPARQL endpoint answers and returns the server. Writes go
through the digest-authenticated ``/sparql-auth`` and ``/sparql-graph-crud-auth`` as ``dba``; the anonymous
``/sparql`` stays read-only, as it should in production.

Binary: ``$TSC_VIRTUOSO_BIN``, else ``virtuoso-t`` on PATH (Debian: package virtuoso-opensource-7-bin,
installed in CI by .ci/install-virtuoso). ``find_virtuoso()`` returns ``(path, None)`` or ``(None, reason)``.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

DBA_PASSWORD = "dba"  # a fresh database's default; the instance listens on 127.0.0.1 only and lives for one run

INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql_port}
LiteMode = 0
DisableUnixSocket = 1
DisableTcpSocket = 0
ServerThreads = 20
CheckpointInterval = 60
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
MaxStaticCursorRows = 5000
DirsAllowed = ., {d}
TimezonelessDatetimes = 1

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
MaxClientConnections = 20
ServerThreads = 20
EnabledDavVSP = 0
EnabledGzipContent = 0
MaxKeepAlives = 10
KeepAliveTimeout = 10

[Client]
SQL_PREFETCH_ROWS = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT = 0

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 300
DefaultGraph = http://localhost:8890/dataspace
"""


def find_virtuoso() -> tuple[str | None, str | None]:
    exe = os.environ.get("TSC_VIRTUOSO_BIN") or shutil.which("virtuoso-t") or (
        "/usr/bin/virtuoso-t" if os.path.exists("/usr/bin/virtuoso-t") else None
    )
    if exe is None:
        return None, (
            "Virtuoso is not installed: no virtuoso-t on PATH (install Debian's virtuoso-opensource-7-bin, "
            "e.g. `sudo .ci/install-virtuoso`, or set TSC_VIRTUOSO_BIN)"
        )
    return exe, None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class VirtuosoServer:
    def __init__(self, exe: str, directory: Path, http_port: int, isql_port: int, process: subprocess.Popen):
        self.exe = exe
        self.directory = directory
        self.http_port = http_port
        self.isql_port = isql_port
        self.process = process

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def spec(self) -> str:
        """The store spec the tests (and a deployment) use: read-only /sparql, digest-authenticated writes."""
        return f"sparql:{self.base}/sparql?update=/sparql-auth&gsp=/sparql-graph-crud-auth&auth=digest"

    env = {"TSC_STORE_USER": "dba", "TSC_STORE_PASSWORD": DBA_PASSWORD}

    @classmethod
    def start(cls, exe: str, directory: Path | None = None, buffers: int = 20000, timeout: float = 60.0) -> "VirtuosoServer":
        d = Path(directory or tempfile.mkdtemp(prefix="tsc-virtuoso-"))
        http_port, isql_port = _free_port(), _free_port()
        (d / "virtuoso.ini").write_text(
            INI.format(d=d, http_port=http_port, isql_port=isql_port, buffers=buffers, dirty=buffers * 3 // 4)
        )
        log = open(d / "stdout.log", "wb")
        process = subprocess.Popen(
            [exe, "+configfile", str(d / "virtuoso.ini"), "+foreground"],
            cwd=d, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        server = cls(exe, d, http_port, isql_port, process)
        deadline = time.monotonic() + timeout
        url = f"{server.base}/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {process.returncode}: {server.log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        return server
            except OSError:
                time.sleep(0.3)
        server.stop()
        raise RuntimeError(f"Virtuoso did not answer on {server.base} within {timeout:g} s: {server.log_tail()}")

    def log_tail(self, n: int = 15) -> str:
        p = self.directory / "virtuoso.log"
        lines = p.read_text(errors="replace").splitlines()[-n:] if p.exists() else []
        return " | ".join(lines)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # virtuoso-t checkpoints and exits on SIGTERM
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)
