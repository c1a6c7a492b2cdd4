# Two commands a newcomer needs: `make serve` and `make test`. Everything else is what they call.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STORE  ?= var/store
HOST   ?= 127.0.0.1
PORT   ?= 8080

.PHONY: serve test install load validate bench clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

MO_FILES = $(patsubst %.po,%.mo,$(wildcard server/translations/*/LC_MESSAGES/messages.po))

# Compiled catalogues are committed; this rebuilds any that is older than its .po (after a translator's edit).
server/translations/%/LC_MESSAGES/messages.mo: server/translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile -d server/translations -l $* -i $< -o $@

install: $(VENV)/.installed $(MO_FILES)

## Re-extract the portal's UI strings, merge them into every catalogue, compile (docs/server.md, "Adding a language").
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --omit-header --sort-output \
		-o server/translations/messages.pot .
	$(BIN)/pybabel update -i server/translations/messages.pot -d server/translations --ignore-obsolete --no-fuzzy-matching -w 120
	$(BIN)/pybabel compile -d server/translations --statistics

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
