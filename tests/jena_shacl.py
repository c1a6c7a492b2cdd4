"""Apache Jena's SHACL engine, from Debian's ``libapache-jena-java``, as a second validator for the tests.

Why Jena: it is an independent SHACL implementation (Java, another team, another reading of the spec) that a
curator may run, and Debian packages it, so ``.ci/run`` can install it on a fresh machine. Debian ships the jars
without a launcher script: the class path is built from the package's dependency closure (``dpkg``), leaving out
the extra SLF4J bindings that would make logging initialisation fail. Debian's build also relocates Jena's bundled
Xerces to the ``xerces.*`` package but leaves its message bundles under ``org/apache/jena/ext/xerces``, and XSD
datatype initialisation then fails with "internal error": the bundles are copied to the relocated path in a
temporary directory put first on the class path.
"""
from __future__ import annotations

import shutil
import subprocess
import zipfile
from functools import lru_cache
from pathlib import Path

from rdflib import Graph

PACKAGE = "libapache-jena-java"
#: SLF4J bindings and bridges: one binding (nop) only, or SLF4J refuses to start.
EXCLUDED_JARS = ("slf4j-jcl", "slf4j-jdk14", "slf4j-log4j12", "slf4j-migrator", "slf4j-simple", "log4j-over-slf4j",
                 "jcl-over-slf4j", "jul-to-slf4j")
RELOCATED_BUNDLES = "org/apache/jena/ext/xerces/"


def _package_jars(package: str) -> list[str]:
    listing = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True, check=False).stdout.split()
    return [f for f in listing if f.endswith(".jar") and Path(f).is_file() and not Path(f).is_symlink()]


def _java_dependencies(package: str) -> list[str]:
    depends = subprocess.run(["dpkg-query", "-W", "-f=${Depends}", package], capture_output=True, text=True,
                             check=False).stdout
    names = (d.strip().split(" ")[0].split(":")[0] for d in depends.split(","))
    return [n for n in names if n.startswith("lib") and n.endswith("-java")]


@lru_cache(maxsize=None)
def find_jena() -> tuple[list[str] | None, str]:
    """(class path jars, "") when Jena's SHACL can run here, else (None, why not)."""
    if shutil.which("java") is None:
        return None, "no java on PATH (apt-get install default-jre-headless)"
    if shutil.which("dpkg") is None:
        return None, "not a Debian system (dpkg missing)"
    seen: set[str] = set()
    todo, jars = [PACKAGE], []
    while todo:
        pkg = todo.pop()
        if pkg in seen:
            continue
        seen.add(pkg)
        jars += _package_jars(pkg)
        todo += _java_dependencies(pkg)
    jars = sorted({j for j in jars if not any(x in Path(j).name for x in EXCLUDED_JARS)})
    if not any(Path(j).name == "jena-shacl.jar" for j in jars):
        return None, f"{PACKAGE} is not installed (apt-get install {PACKAGE})"
    return jars, ""


def _bundle_fix(directory: Path, jars: list[str]) -> Path:
    """Copy Xerces' message bundles to the package path Debian's relocated classes look them up under."""
    core = next(j for j in jars if Path(j).name == "jena-core.jar")
    with zipfile.ZipFile(core) as z:
        for name in z.namelist():
            if name.startswith(RELOCATED_BUNDLES) and name.endswith(".properties"):
                target = directory / ("xerces/" + name[len(RELOCATED_BUNDLES):])
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(z.read(name))
    return directory


def validate(data: Graph, shapes: Graph, workdir: Path, timeout: float = 120) -> Graph:
    """Run ``shacl validate`` (Jena's command-line class) and return its validation report graph."""
    jars, why = find_jena()
    if jars is None:
        raise RuntimeError(why)
    fix = workdir / "jena-bundles"
    if not fix.exists():
        _bundle_fix(fix, jars)
    data_file, shapes_file = workdir / "data.nt", workdir / "shapes.nt"
    data.serialize(data_file, format="nt", encoding="utf-8")
    shapes.serialize(shapes_file, format="nt", encoding="utf-8")
    proc = subprocess.run(
        ["java", "-cp", ":".join([str(fix), *jars]), "shacl.shacl", "validate",
         "--shapes", str(shapes_file), "--data", str(data_file)],
        capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode not in (0, 1) or not proc.stdout.strip():
        raise RuntimeError(f"jena shacl failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return Graph().parse(data=proc.stdout, format="turtle")
