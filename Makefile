# kg: two commands set everything up.
#   make run   - create .venv, install, build seeds/ into out/graph.ttl, print the summary
#   make test  - install and run the whole suite, starting Neo4j (and Chromium) itself

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install neo4j-up neo4j-down browser screenshot clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	PYTHONWARNINGS=ignore $(BIN)/pip install -q --upgrade pip

# PYTHONWARNINGS: setuptools' notes on editable installs are for packagers, not for make run
$(STAMP): pyproject.toml | $(BIN)/python
	PYTHONWARNINGS=ignore $(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	@mkdir -p out
	$(BIN)/kg build seeds/ --date 2024-03-26 -o out/graph.ttl

test: install browser
	bash scripts/with-neo4j.sh $(BIN)/python -m pytest -q -ra

neo4j-up:
	bash scripts/neo4j.sh start

neo4j-down:
	bash scripts/neo4j.sh stop

browser:
	bash scripts/ensure-chromium.sh

# docs/actors.png: the seed graph's page in headless Chromium
screenshot: install browser
	$(BIN)/python scripts/screenshot.py

clean:
	rm -rf out .neo4j
