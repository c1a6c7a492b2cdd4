"""The bounded load test in benchmarks/ keeps working: a small run of the full mix (hostile queries, idle
sockets, submissions on a fresh server); figures are not asserted, unexpected statuses are."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a run of the load test of benchmarks/ (servers, the full mix): `make test-fast` skips it

ROOT = Path(__file__).resolve().parent.parent


def test_small_load_test_run_has_no_unexpected_status():
    proc = subprocess.run(
        [sys.executable, "benchmarks/loadtest.py", "--requests", "200", "--concurrency", "4", "--max-seconds", "60",
         "--hostile", "0.1", "--idle-sockets", "300"],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "unexpected statuses 0 (goal 0)" in proc.stdout
    assert "300 idle sockets held" in proc.stdout and "throughput" in proc.stdout and "p99" in proc.stdout
    statuses = proc.stdout.split("statuses ", 2)[-1]
    assert "submission {202:" in statuses and "507" in statuses and "500" not in statuses
    assert "memory (server + workers, MB)" in proc.stdout
