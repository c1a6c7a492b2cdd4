# Two commands a newcomer needs: `make serve` and `make test`. Everything else is what they call.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STORE  ?= var/store
HOST   ?= 127.0.0.1
PORT   ?= 8080

.PHONY: serve test install load validate bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

## Load the ontology, reference vocabularies, French data and network registry into the embedded store, then
## harvest the registered nodes: the Belgian demonstration node, from its shipped dump (idempotent; an unchanged
## node is not rewritten).
load: install
	$(BIN)/tsc-graph --store oxigraph:$(STORE) load --no-progress ontology data/reference data/fr data/nodes/registry.ttl
	$(BIN)/tsc-graph --store oxigraph:$(STORE) harvest --all

validate: install
	$(BIN)/tsc-graph validate data

## Start the server on the embedded store with the French data: http://$(HOST):$(PORT)/
serve: load
	$(BIN)/tsc-graph --store oxigraph:$(STORE) serve --host $(HOST) --port $(PORT)

## The test suite (what CI runs).
test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf var .pytest_cache
