# Two commands a newcomer needs: `make serve` and `make test`. Everything else is what they call.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STORE  ?= var/store
HOST   ?= 127.0.0.1
PORT   ?= 8080
# The node profile (node.toml: the French node's; docs/new-node.md): country, base URI, languages, data directories
# and registry. `make serve PROFILE=data/co/node.toml` serves another Party's node; nothing about one node is here.
PROFILE ?= node.toml
TSC     = $(BIN)/tsc-graph --store oxigraph:$(STORE) --profile $(PROFILE)

.PHONY: serve test test-fast lint install install-test load validate bench clean translations constraints settings-table

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Serving needs the package only; the tests add their extras. Both take the versions in constraints.txt.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,bench]'
	touch $@

MO_FILES = $(patsubst %.po,%.mo,$(wildcard tsc_graph/web/translations/*/LC_MESSAGES/messages.po))

# Compiled catalogues are committed; this rebuilds any that is older than its .po (after a translator's edit).
tsc_graph/web/translations/%/LC_MESSAGES/messages.mo: tsc_graph/web/translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile -d tsc_graph/web/translations -l $* -i $< -o $@

install: $(VENV)/.installed $(MO_FILES)

install-test: $(VENV)/.installed-test $(MO_FILES)

## After a change of dependencies: reinstall without the pins and write the versions installed; then `make test`.
# The settings table of docs/server.md, from tsc_graph/config.py (tests/test_docs_limits.py checks it).
settings-table: | $(BIN)/python
	$(BIN)/python -m tsc_graph.config --write docs/server.md

constraints: | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade -e '.[test,bench]'
	{ sed -n '1,2p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

## Re-extract the portal's UI strings, merge them into every catalogue, compile (docs/server.md, "Adding a language").
translations: $(VENV)/.installed-test
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --omit-header --sort-output \
		-o tsc_graph/web/translations/messages.pot .
	$(BIN)/pybabel update -i tsc_graph/web/translations/messages.pot -d tsc_graph/web/translations --ignore-obsolete --no-fuzzy-matching -w 120
	$(BIN)/pybabel compile -d tsc_graph/web/translations --statistics

## Load the ontology, reference vocabularies, the node's data and network registry (from the profile: data/fr and
## data/nodes/registry.ttl for the shipped node.toml) into the embedded store. With DEMO=1, also the demonstration
## records (data/demo, graph {base}graph/demo) and the Belgian demonstration node (harvested from its shipped dump);
## without it, the demonstration graph is removed and nothing is harvested. With HARVEST=1, every node of the
## profile's registry is harvested before serving (a new Party's node and its peers, docs/new-node.md); a peer that
## cannot be reached is reported and the node serves without it.
load: install
	$(TSC) load --no-progress
ifdef DEMO
	$(TSC) load --no-progress data/demo
	$(TSC) harvest --all
else
	@set -e; base=$$($(TSC) profile --print base-uri); $(TSC) graphs --drop "$${base}graph/demo"
ifdef HARVEST
	-$(TSC) harvest --all
endif
endif

validate: install
	$(BIN)/tsc-graph --profile $(PROFILE) validate data

## Start the server on the embedded store with the profile's node (the French one by default): http://$(HOST):$(PORT)/
serve: load
	$(TSC) serve --host $(HOST) --port $(PORT)

## The linter ([tool.ruff] in pyproject.toml), then the whole test suite: what CI runs (.ci/run), so a finding fails it.
test: lint
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff check .

## Everything but the tests marked slow (browser, wheel, load, memory, benchmark smoke, external stores, reasoning,
## fuzzing, crash recovery), on every core (pytest-xdist): a developer's loop between changes; `make test` before a
## commit (one process, as CI runs it).
test-fast: install-test
	$(BIN)/python -m pytest -m "not slow" -n auto

bench: install-test
	$(BIN)/python benchmarks/run.py

## Caches and build outputs only. Never var/: it holds the node's data (the store, moderation.sqlite3,
## changes.sqlite3, curator sessions, curators.toml), which only `tsc-graph restore` may replace.
clean:
	rm -rf .pytest_cache .ruff_cache .hypothesis build benchmarks/out test-artifacts tsc_graph.egg-info
	find . -path ./.venv -prune -o -path ./var -prune -o -type d -name __pycache__ -print -exec rm -rf {} +
