"""Shared fixtures. Stores are real Oxigraph stores (in memory or on disk under tmp_path)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tsc_graph import DATA_DIR, ONTOLOGY_DIR
from tsc_graph.namespaces import DEFAULT_BASE_URI
from tsc_graph.store import GraphNamer, expand_sources, open_store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def french_memory_store():
    """An in-memory store holding the ontology, the reference vocabularies and the French node (read-only use)."""
    store = open_store("memory:")
    store.load(expand_sources([ONTOLOGY_DIR, DATA_DIR]), graph_for=GraphNamer(DEFAULT_BASE_URI))
    yield store
    store.close()


@pytest.fixture
def empty_disk_store(tmp_path):
    """A fresh on-disk Oxigraph store."""
    store = open_store(f"oxigraph:{tmp_path / 'store'}")
    yield store
    store.close()
