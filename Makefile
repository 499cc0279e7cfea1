# faqsante — `make run` serves the portal with the sample FAQ, `make check` lints and type-checks, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-extras lock run check format test bench bench-load bench-ingest clean

install: $(VENV)/.installed

# Every dependency comes pinned and hash-checked from requirements.lock; the project itself is added
# without dependencies. pip check catches a dependency added to pyproject.toml but not yet locked.
$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check || { echo "requirements.lock is stale: run make lock" >&2; exit 1; }
	touch $@

# The optional sentence-transformers backend (not locked). torch==2.13.0 is pinned first so pip takes the
# CPU build instead of a CUDA one pulled in by a loose range.
install-extras: install
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[sentence-transformers]'

# Re-pin runtime and test dependencies after editing pyproject.toml (the sentence-transformers extra stays unlocked).
lock:
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile --quiet pyproject.toml --extra test --generate-hashes -o requirements.lock

# `make run PORT=8080` serves on another port (HOST=0.0.0.0 to listen beyond this machine).
run: install
	$(BIN)/faqsante ingest data/sample
	@echo "Portail : http://$(HOST):$(PORT)/"
	@echo "Espace des rédacteurs : http://$(HOST):$(PORT)/connexion"
	@echo "Créer un compte administrateur : $(BIN)/faqsante user add VOTRE_NOM --role admin"
	$(BIN)/faqsante serve --host $(HOST) --port $(PORT)

# ruff (lint, then formatting of every file) and mypy on src/ (strict).
check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Fix what ruff can, and format every file (`make format FILES=src/faqsante/x.py` formats only those given).
format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format $(or $(FILES),.)

# Both cores: one pytest-xdist worker per CPU; a file's tests stay on one worker, so its module fixtures
# (a seeded database, an app) are built once. Run one file or test alone with .venv/bin/python -m pytest PATH.
test: install
	$(BIN)/python -m pytest -q -n auto --dist loadfile

bench: install
	$(BIN)/python bench/search_latency.py

# Two workers on PostgreSQL under load, on loopback (a few minutes; 2 cores shared with the load generator).
bench-load: install
	$(BIN)/python bench/load.py

# 5,000 new entries through `faqsante ingest` with real embeddings, then interrupted and resumed (several minutes).
bench-ingest: install
	$(BIN)/python bench/ingest_throughput.py

clean:
	rm -rf $(VENV) var .pytest_cache
