"""Ending a query process: SIGKILL through a pidfd, a wait until it is gone, and never a second signal by pid."""
from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys

import pytest

from tsc_graph.store.pool import _Worker
from tsc_graph.store.processes import kill_and_wait, open_pidfd


def _sleeper() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])


def test_kill_and_wait_returns_once_the_process_is_killed():
    proc = _sleeper()
    pidfd = open_pidfd(proc.pid)
    if pidfd is None:
        proc.kill()
        proc.wait(timeout=10)
        pytest.skip("no pidfd on this kernel")
    try:
        kill_and_wait(proc.pid, pidfd)
        gone = os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)  # exited, not yet reaped
        assert gone is not None and gone.si_status == signal.SIGKILL
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        os.close(pidfd)


def test_a_process_ended_twice_is_signalled_once(monkeypatch):
    proc = _sleeper()
    mine, theirs = multiprocessing.Pipe()
    worker = _Worker(proc.pid, mine, "public", "snapshot", zygote=None, pidfd=open_pidfd(proc.pid))
    worker.kill()
    assert proc.wait(timeout=10) == -signal.SIGKILL  # reaped: its pid may now be handed to another process
    assert worker.pidfd is None
    sent = []
    monkeypatch.setattr(os, "kill", lambda *a: sent.append(a))
    monkeypatch.setattr(signal, "pidfd_send_signal", lambda *a: sent.append(a))
    worker.kill()
    worker.end()
    assert sent == []
    theirs.close()
