"""The package as an operator installs it: a wheel built from the checkout, installed into a clean virtual
environment, used from an empty directory. It must carry everything the package reads (ontology, shapes, named
queries, reference vocabularies, templates, translations, vendored files), start a new Party's node written by
``tsc-graph init``, and serve the French node from its profile, with nothing from the checkout on ``sys.path``."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

from checkout import ROOT
from tsc_graph.serverproc import free_port

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    [built] = out.glob("tsc_graph-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A new venv with the wheel and its dependencies at the versions of constraints.txt; returns its bin/."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    pip = [str(env_dir / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "-c", str(ROOT / "constraints.txt"), str(wheel)], check=True, timeout=900,
                   capture_output=True)
    return env_dir / "bin"


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("TSC_", "PYTHON", "VIRTUAL_ENV"))}


def _run(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([str(bin_dir / "tsc-graph"), *args], cwd=cwd, env=_clean_env(), capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr + done.stdout
    return done


def _serving(bin_dir: Path, cwd: Path, *args: str):
    port = free_port("127.0.0.1")
    proc = subprocess.Popen([str(bin_dir / "tsc-graph"), *args, "serve", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=cwd, env=_clean_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=5)
            return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError(f"the installed server did not start: {proc.stderr.read().decode(errors='replace')}")


def _get(url: str, language: str = "fr") -> str:
    req = urllib.request.Request(url, headers={"Accept-Language": language, "Accept": "text/html"})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200
        return r.read().decode()


def test_the_wheel_carries_every_file_of_the_package(wheel):
    tracked = subprocess.run(["git", "ls-files", "tsc_graph"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    names = set(zipfile.ZipFile(wheel).namelist())
    assert [f for f in tracked if f not in names] == []
    assert not [n for n in names if n.split("/")[0] not in ("tsc_graph", wheel.name.split("-")[0] + "-" +
                                                            wheel.name.split("-")[1] + ".dist-info")]


def test_a_new_partys_node_from_the_installed_package(installed, tmp_path):
    """From an empty directory: init, load, serve, with only the installed package."""
    work = tmp_path / "node"
    work.mkdir()
    where = subprocess.run([str(installed / "python"), "-c", "import tsc_graph; print(tsc_graph.__file__)"],
                           cwd=work, env=_clean_env(), capture_output=True, text=True, check=True).stdout
    assert str(installed.parent) in where and str(ROOT) not in where  # the installed copy, not the checkout
    _run(installed, work, "init", "--country", "CO", "--languages", "es,en", "--dir", "co")
    loaded = _run(installed, work, "--store", "oxigraph:store", "--profile", "co/node.toml", "load", "--no-progress")
    assert "graph/gbf" in loaded.stdout and "graph/about" in loaded.stdout
    proc, url = _serving(installed, work, "--store", "oxigraph:store", "--profile", "co/node.toml")
    try:
        home = _get(url + "/", "es")
        assert 'lang="es"' in home and "Colombia" in home
        assert "chart.umd.min.js" in home
        _get(url + "/static/vendor/chartjs/chart.umd.min.js")
        _get(url + "/sparql?query=ASK%7B%7D")
        _get(url + "/vocab/gbf/target-06", "es")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_installed_package_serves_the_french_node(installed, tmp_path):
    """The French node's profile and records are data: the installed package serves them from the checkout's
    data/fr, as a Party serves its own directory."""
    _run(installed, ROOT, "--store", f"oxigraph:{tmp_path / 'store'}", "--profile", "node.toml", "load",
         "--no-progress")
    proc, url = _serving(installed, ROOT, "--store", f"oxigraph:{tmp_path / 'store'}", "--profile", "node.toml")
    try:
        assert "échange français de la CDB" in _get(url + "/")
        projects = _get(url + "/projects")
        assert "résultats" in projects and "1 500 arbres pour la Grande-Terre" in projects
    finally:
        proc.terminate()
        proc.wait(timeout=30)
