"""Operating a node: `make clean`, backup and restore, /healthz and /metrics (docs/operations.md)."""
from __future__ import annotations

import shlex
import shutil
import subprocess

import pytest

from tsc_graph import PROJECT_ROOT


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_clean_never_removes_var():
    """`make clean` is what people type to tidy up: it must not take the node's data (var/) with the caches."""
    out = subprocess.run(["make", "-n", "clean"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout
    removed = [word for line in out.splitlines() if line.startswith("rm ") for word in shlex.split(line)[2:]]
    assert removed and ".pytest_cache" in removed
    assert not any(w.rstrip("/") in ("var", "./var", ".", "*") or w.startswith(("var/", "./var/")) for w in removed)
    finds = [line for line in out.splitlines() if line.startswith("find ")]
    assert all("-path ./var -prune" in line for line in finds)
