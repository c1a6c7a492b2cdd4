"""tsc-graph: a linked-data publisher for the CBD's technical and scientific cooperation."""
from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"

#: Root of a source checkout; the ontology, shapes, data and named queries ship beside the package.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
SHAPES_DIR = PROJECT_ROOT / "shapes"
DATA_DIR = PROJECT_ROOT / "data"
SPARQL_DIR = PROJECT_ROOT / "sparql"
