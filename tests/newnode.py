"""The journey of docs/new-node.md, "Three commands", run for real: a copy of the checkout (what a fresh clone holds,
with the already-built ``.venv`` linked in, since tests never reach a package index), the French node served from
it as ``make serve`` serves it (without DEMO), and the three documented commands for a Spanish-speaking Party's
node, read from the doc, the French node's address in place of fr.chm-cbd.net. Used by tests/test_new_node.py and
tests/browser/test_new_node.py; each server is a child process on 127.0.0.1 that :class:`Journey` stops.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from checkout import ROOT
from tsc_graph.serverproc import ServerProcess, free_port

DOC = ROOT / "docs" / "new-node.md"
RECORDS = ROOT / "tests" / "fixtures" / "new-node" / "records.ttl"
FRENCH_ENDPOINT = "https://fr.chm-cbd.net/tsc/sparql"  # in the doc; the test's French node is served in its place


def documented_commands() -> list[str]:
    """The shell lines of the first ``sh`` block under "## Three commands" in docs/new-node.md."""
    section = DOC.read_text(encoding="utf-8").split("## Three commands", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "docs/new-node.md: no ```sh block under '## Three commands'"
    return [line.strip() for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TSC_") and k not in ("MAKEFLAGS", "MFLAGS")}
    env.pop("PYTHONPATH", None)
    return env


def copy_checkout(dest: Path) -> Path:
    """The checkout's tracked files (as they are in the working tree) copied with their times (so that make sees
    the compiled catalogues and the installed venv as up to date), and ``.venv`` linked to the checkout's."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if not source.is_file():
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    (dest / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    return dest


@dataclass
class Journey:
    """Both nodes: ``french`` and ``spanish`` are base URLs (``http://127.0.0.1:PORT``); ``clone`` the copy of
    the checkout the commands ran in; ``commands`` what was run, each as the doc gives it; ``logs`` their output."""

    clone: Path
    french: str = ""
    spanish: str = ""
    commands: list[str] = field(default_factory=list)
    logs: dict[str, str] = field(default_factory=dict)
    _french: ServerProcess | None = None
    _serving: subprocess.Popen | None = None
    _serving_log: Path | None = None

    def run(self, line: str, *, extra: list[str] = (), timeout: float = 600) -> subprocess.CompletedProcess:
        argv = shlex.split(line.replace(FRENCH_ENDPOINT, f"{self.french}/sparql")) + list(extra)
        proc = subprocess.run(argv, cwd=self.clone, env=_environment(), capture_output=True, text=True,
                              timeout=timeout)
        self.commands.append(line)
        self.logs[line] = proc.stdout + proc.stderr
        assert proc.returncode == 0, f"{line}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        return proc

    def serve(self, line: str, timeout: float = 300) -> None:
        """Start a serving command (``make serve …``) in its own process group, with ``PORT=`` a free port; return
        once the server answers."""
        port = free_port()
        argv = shlex.split(line) + [f"PORT={port}"]
        self._serving_log = self.clone / "serve.log"
        with open(self._serving_log, "wb") as log:
            self._serving = subprocess.Popen(argv, cwd=self.clone, env=_environment(), stdout=log,
                                             stderr=subprocess.STDOUT, start_new_session=True)
        self.commands.append(line)
        probe = ServerProcess(self.clone, port=port)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._serving.poll() is None:
            if probe.answers():
                self.spanish = probe.url
                return
            time.sleep(0.25)
        output = self._serving_log.read_text(errors="replace")
        self.stop()
        raise AssertionError(f"{line}: the node did not serve within {timeout:g} s:\n{output}")

    @property
    def serve_log(self) -> str:
        return self._serving_log.read_text(errors="replace") if self._serving_log else ""

    def stop(self) -> None:
        if self._serving is not None and self._serving.poll() is None:
            os.killpg(self._serving.pid, signal.SIGTERM)  # make, its shell and the server: the group we started
            try:
                self._serving.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self._serving.pid, signal.SIGKILL)
                self._serving.wait(timeout=10)
        if self._french is not None:
            self._french.stop()


def start_journey(tmp: Path, french_env: dict[str, str] | None = None) -> Journey:
    """Copy the checkout, serve the French node from it, run the three documented commands (the node's records
    copied into data/co/ after ``init``, the doc's step 2). The caller must ``stop()`` the result."""
    clone = copy_checkout(tmp / "clone")
    if subprocess.run(["make", "-q", "install"], cwd=clone, env=_environment(), capture_output=True).returncode != 0:
        import pytest

        pytest.skip("`make install` would reinstall .venv (older than pyproject.toml or a catalogue): run "
                    "`make install-test` first; this test never installs into the shared venv")
    journey = Journey(clone)
    french_store = tmp / "french-store"
    load = subprocess.run([str(clone / ".venv" / "bin" / "tsc-graph"), "--store", f"oxigraph:{french_store}", "load",
                           "--no-progress"], cwd=clone, env=_environment(), capture_output=True, text=True,
                          timeout=300)
    assert load.returncode == 0, load.stdout + load.stderr
    journey._french = ServerProcess(french_store, env=french_env, log=tmp / "french.log")
    try:
        journey.french = journey._french.start().url
        install, init, serve = documented_commands()
        journey.run(install)
        journey.run(init)
        shutil.copy(RECORDS, clone / "data" / "co" / RECORDS.name)
        journey.serve(serve)
    except BaseException:
        journey.stop()
        raise
    return journey
