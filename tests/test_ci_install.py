"""``.ci/install-virtuoso`` fails loudly in CI when it cannot install Virtuoso (else the backend tests would skip
silently), warns elsewhere, and tells a user who is not root how to install it (issue #26)."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from checkout import ROOT

SCRIPT = ROOT / ".ci" / "install-virtuoso"
TOOLS = ["bash", "mktemp", "timeout", "tail", "head", "cat", "rm"]


def run_without_virtuoso(tmp_path, *, root: bool, apt_works: bool, ci: bool) -> subprocess.CompletedProcess:
    """The script on a PATH with no virtuoso-t, a stand-in ``id`` and an ``apt-get`` that fails (or does nothing)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        os.symlink(shutil.which(tool), bin_dir / tool)
    (bin_dir / "id").write_text(f"#!/bin/sh\necho {0 if root else 1000}\n")
    (bin_dir / "apt-get").write_text("#!/bin/sh\n" + ("exit 0\n" if apt_works else
                                                      "echo 'E: Unable to locate package' >&2\nexit 100\n"))
    for stub in ("id", "apt-get"):
        (bin_dir / stub).chmod(0o755)
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path), **({"CI": "true"} if ci else {})}
    return subprocess.run([shutil.which("bash"), str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize("root", [True, False])
def test_in_ci_a_failed_install_exits_non_zero_with_the_reason(tmp_path, root):
    proc = run_without_virtuoso(tmp_path, root=root, apt_works=False, ci=True)
    assert proc.returncode != 0
    assert "error:" in proc.stderr and "cannot run in CI" in proc.stderr
    assert ("not root" if not root else "apt-get could not install") in proc.stderr


def test_in_ci_a_package_without_the_binary_is_a_failure_too(tmp_path):
    proc = run_without_virtuoso(tmp_path, root=True, apt_works=True, ci=True)
    assert proc.returncode != 0 and "virtuoso-t is not on PATH" in proc.stderr


def test_outside_ci_root_gets_a_warning_and_the_tests_skip(tmp_path):
    proc = run_without_virtuoso(tmp_path, root=True, apt_works=False, ci=False)
    assert proc.returncode == 0
    assert "warning:" in proc.stderr and "Unable to locate package" in proc.stderr


def test_outside_ci_a_user_who_is_not_root_is_told_how_to_install(tmp_path):
    proc = run_without_virtuoso(tmp_path, root=False, apt_works=False, ci=False)
    assert proc.returncode == 0
    assert "sudo apt-get install virtuoso-opensource-7-bin" in proc.stderr
