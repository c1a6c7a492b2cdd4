# Two commands a newcomer needs: `make serve` and `make test`. Everything else is what they call.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STORE  ?= var/store
HOST   ?= 127.0.0.1
PORT   ?= 8080
BASE_URI ?= https://fr.chm-cbd.net/tsc/

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

## Load the ontology, reference vocabularies, French data and network registry into the embedded store. With
## DEMO=1, also the demonstration records (data/demo, graph {base}graph/demo) and the Belgian demonstration node
## (harvested from its shipped dump); without it, the demonstration graph is removed and nothing is harvested.
load: install
	$(BIN)/tsc-graph --store oxigraph:$(STORE) load --no-progress ontology data/reference data/fr data/nodes/registry.ttl
ifdef DEMO
	$(BIN)/tsc-graph --store oxigraph:$(STORE) load --no-progress data/demo
	$(BIN)/tsc-graph --store oxigraph:$(STORE) harvest --all
else
	$(BIN)/tsc-graph --store oxigraph:$(STORE) graphs --drop $(BASE_URI)graph/demo
endif

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

## Caches and build outputs only. Never var/: it holds the node's data (the store, moderation.sqlite3,
## changes.sqlite3, curator sessions, curators.toml), which only `tsc-graph restore` may replace.
clean:
	rm -rf .pytest_cache .hypothesis build benchmarks/out test-artifacts tsc_graph.egg-info
	find . -path ./.venv -prune -o -path ./var -prune -o -type d -name __pycache__ -print -exec rm -rf {} +
