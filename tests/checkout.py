"""Paths of the source checkout that tests read beside the installed package: the French node's records
(``data/fr``), the demonstration records and nodes (``data/demo``, ``data/nodes``). The ontology, shapes, queries and
reference vocabularies are the package's own (``tsc_graph.ONTOLOGY_DIR``, ``REFERENCE_DIR``…)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
