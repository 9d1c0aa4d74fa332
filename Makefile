# The README's two commands are `make portal` and `make test`; everything they need is set up here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PLANS ?= plans

.PHONY: portal serve check test test-fast test-hostile lint bench bench-check clean help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "error: vap needs Python 3.11 or newer; install it and run make again (or make PYTHON=python3.12)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

system-deps:
	@scripts/ensure-system-deps.sh graphviz

portal: $(STAMP) system-deps  ## build the example portal from plans/ into site/
	$(BIN)/vap build $(PLANS) --site-dir site
	@echo "Built site/. Browse it with: python3 -m http.server --directory site 8000 (then http://127.0.0.1:8000), or run make serve for a live preview."

serve: $(STAMP) system-deps  ## live preview of the example portal on http://127.0.0.1:8000
	$(BIN)/vap serve $(PLANS)

check: $(STAMP)  ## check the example plans
	$(BIN)/vap check $(PLANS)

e2e-deps:
	@scripts/ensure-system-deps.sh graphviz chromium
	@if command -v npm >/dev/null 2>&1; then \
	  test -f tests/e2e/node_modules/axe-core/axe.min.js || npm ci --silent --prefix tests/e2e --no-audit --no-fund; \
	else echo "note: npm is missing, so the accessibility (axe-core) tests will be skipped" >&2; fi

lint: $(STAMP)  ## ruff and mypy
	$(BIN)/ruff check site_builder tests bench
	$(BIN)/ruff format --check site_builder
	$(BIN)/mypy

test: $(STAMP) e2e-deps lint  ## set up everything and run every test
	$(BIN)/python -m pytest -n 2 -q

test-hostile: $(STAMP) e2e-deps  ## every hostile payload in every field, every page in Chromium (long)
	VAP_HOSTILE=full $(BIN)/python -m pytest -q -s tests/e2e/test_hostile.py

test-fast: $(STAMP)  ## unit tests only
	$(BIN)/python -m pytest -q tests/unit

bench-check: $(STAMP)  ## time vap check on synthetic organisations
	$(BIN)/python bench/bench_check.py

bench: $(STAMP) system-deps  ## the whole-pipeline benchmark (issue figures)
	$(BIN)/python bench/bench.py

clean:
	rm -rf site build .cache .pytest_cache .mypy_cache .ruff_cache
