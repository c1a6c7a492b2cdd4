"""tsc-graph: a linked-data publisher for the CBD's technical and scientific cooperation."""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__version__ = "0.1.0"

#: The installed package: the ontology, shapes, named queries, reference vocabularies and the web layer's
#: templates, translations and vendored files ship inside it, so a wheel works from any directory.
PACKAGE_DIR = Path(str(files(__name__)))
ONTOLOGY_DIR = PACKAGE_DIR / "ontology"
SHAPES_DIR = PACKAGE_DIR / "shapes"
SPARQL_DIR = PACKAGE_DIR / "sparql"
REFERENCE_DIR = PACKAGE_DIR / "reference"
