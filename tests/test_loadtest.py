"""The bounded load test in benchmarks/ keeps working (a small run; figures are not asserted, errors are)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_small_load_test_run_has_no_errors():
    proc = subprocess.run(
        [sys.executable, "benchmarks/loadtest.py", "--requests", "200", "--concurrency", "4", "--max-seconds", "60"],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "errors 0 (goal 0)" in proc.stdout
    assert "throughput" in proc.stdout and "p99" in proc.stdout
    statuses = proc.stdout.split("statuses ", 1)[1]
    assert "200:" in statuses and "500" not in statuses
