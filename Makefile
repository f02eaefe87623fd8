# ChainAtlas — the two commands: `make run` (serve on the embedded store) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test setup system-deps lint bench load clean neo4j neo4j-stop

run: setup system-deps  ## set up, load the seeds on first start, serve on http://$(HOST):$(PORT)/
	$(BIN)/chainatlas serve --host $(HOST) --port $(PORT)

test: setup  ## set up (Python, Debian packages, browser) and run every test
	./scripts/system-deps.sh test
	$(BIN)/ruff check .
	@[ -n "$$NEO4J_URI" ] || echo "Neo4j contract run skipped: NEO4J_URI is not set (make neo4j, then NEO4J_URI=bolt://… make test)"
	$(BIN)/python -m pytest

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

system-deps:
	./scripts/system-deps.sh

lint: setup
	$(BIN)/ruff check .

load: setup system-deps
	$(BIN)/chainatlas load

bench: setup system-deps
	$(BIN)/python benchmarks/run.py

neo4j:  ## start a local Neo4j 5.26 Community (Java 17 + Maven); prints its bolt:// URI last
	./scripts/neo4j.sh start

neo4j-stop:
	./scripts/neo4j.sh stop

clean:
	rm -rf $(VENV) data .pytest_cache
