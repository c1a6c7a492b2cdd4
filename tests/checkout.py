"""Paths of the source checkout that tests read beside the installed package: the French node's records
(``data/fr``), the demonstration records and nodes (``data/demo``, ``data/nodes``). The ontology, shapes, queries and
reference vocabularies are the package's own (``tsc_graph.ONTOLOGY_DIR``, ``REFERENCE_DIR``…)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"


def script_module(relative: str) -> ModuleType:
    """A self-contained script of the checkout (``benchmarks/generate.py``, ``tools/make_sources.py``), imported from
    its file: they are not in the package, and putting their directory on sys.path would shadow names for every test."""
    name = Path(relative).stem
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / relative)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look the module up by name
    spec.loader.exec_module(module)
    return module
