# The README's two commands are `make portal` and `make test`; everything they need is set up here.
# Each step says what it does before it starts; a failing step shows the tool's own error.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
PLANS ?= plans
PIP := $(BIN)/python -m pip --disable-pip-version-check --no-input
step = @printf '\n==> %s\n' $(1)

.PHONY: portal serve check test test-properdocs properdocs-env test-fast test-publish-trials test-hostile lint bench bench-check bench-search bench-history dist clean help system-deps e2e-deps

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "error: vap needs Python 3.11 or newer; install it and run make again (or make PYTHON=python3.12)")'
	$(call step,"Creating the virtual environment in $(VENV)/ (once)")
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# What building a portal needs, and nothing more (about 30-60 s the first time).
$(RUNTIME): pyproject.toml | $(BIN)/python
	$(call step,"Installing vap-portal and what a build needs into $(VENV)/")
	$(PIP) install --progress-bar off -e .
	@touch $@

# The test and lint tools, pinned by constraints/dev.txt (about 60 s more the first time).
$(DEV): pyproject.toml constraints/dev.txt $(RUNTIME)
	$(call step,"Installing the test and lint tools (pinned in constraints/dev.txt) into $(VENV)/")
	$(PIP) install --progress-bar off -e '.[test]' -c constraints/dev.txt
	@touch $@

# The second engine: ProperDocs (the maintained continuation of MkDocs 1.x) instead of MkDocs, in its
# own environment (docs/manual/engine.md). Material goes in with --no-deps, because it would bring MkDocs
# back; scripts/properdocs-requirements.py lists Material's other dependencies and ours.
PD_VENV := .venv-properdocs
PD_BIN := $(PD_VENV)/bin
PD_PIP := $(PD_BIN)/python -m pip --disable-pip-version-check --no-input
PD_READY := $(PD_VENV)/.installed
PROPERDOCS ?= properdocs>=1.6.7,<1.7
MATERIAL_SPEC = $(shell sed -n 's/^ *"\(mkdocs-material[^"]*\)",*$$/\1/p' pyproject.toml)

$(PD_READY): pyproject.toml constraints/dev.txt scripts/properdocs-requirements.py
	$(call step,"Creating $(PD_VENV)/: vap-portal on ProperDocs instead of MkDocs (about 60 s the first time)")
	rm -rf $(PD_VENV)
	$(PYTHON) -m venv $(PD_VENV)
	$(PD_PIP) install --quiet --upgrade pip
	$(PD_PIP) install --progress-bar off '$(PROPERDOCS)'
	$(PD_PIP) install --progress-bar off --no-deps '$(MATERIAL_SPEC)'
	$(PD_BIN)/python scripts/properdocs-requirements.py pyproject.toml > $(PD_VENV)/requirements.txt
	$(PD_PIP) install --progress-bar off -r $(PD_VENV)/requirements.txt
	$(PD_PIP) install --progress-bar off --no-deps -e .
	$(PD_PIP) install --progress-bar off pytest pytest-xdist -c constraints/dev.txt
	@$(PD_BIN)/python -c 'import importlib.util, sys; sys.exit("error: MkDocs got into $(PD_VENV)/" if importlib.util.find_spec("mkdocs") else 0)'
	@touch $@

properdocs-env: $(PD_READY)  ## the ProperDocs environment (.venv-properdocs/) for the second engine's tests

test-properdocs: $(PD_READY) system-deps  ## the integration tests on ProperDocs instead of MkDocs
	$(call step,"Running the integration tests on ProperDocs (about 1-3 minutes on 2 cores)")
	$(PD_BIN)/python -m pytest -n 2 -q -p no:cacheprovider tests/integration

system-deps:
	@scripts/ensure-system-deps.sh graphviz

portal: $(RUNTIME) system-deps  ## build the example portal from plans/ into site/
	$(call step,"Building the example portal from $(PLANS)/ into site/")
	$(BIN)/vap build $(PLANS) --site-dir site
	@echo
	@echo "Done. Next: browse it with  python3 -m http.server --directory site 8000  (then http://127.0.0.1:8000),"
	@echo "or run  make serve  for a live preview while you edit plans/."

serve: $(RUNTIME) system-deps  ## live preview of the example portal on http://127.0.0.1:8000
	$(BIN)/vap serve $(PLANS)

check: $(RUNTIME)  ## check the example plans
	$(BIN)/vap check $(PLANS)

e2e-deps:
	@scripts/ensure-system-deps.sh graphviz chromium
	@scripts/ensure-axe-core.sh

lint: $(DEV)  ## ruff and mypy
	$(call step,"Linting with ruff check; ruff format --check; mypy --strict")
	$(BIN)/ruff check site_builder tests bench
	$(BIN)/ruff format --check site_builder
	$(BIN)/mypy

test: $(DEV) e2e-deps lint $(PD_READY)  ## set up everything and run every test (MkDocs, then ProperDocs)
	$(call step,"Running every test (unit; integration; real browser): about 4-9 minutes on 2 cores")
	$(BIN)/python -m pytest -n 2 -q
	$(MAKE) --no-print-directory test-properdocs
	@echo
	@echo "Done. Next: make portal builds the example site; make bench measures speed at scale."

test-hostile: $(DEV) e2e-deps  ## every hostile payload in every field, every page in Chromium (long)
	VAP_HOSTILE=full $(BIN)/python -m pytest -q -rA -n 2 --basetemp="$${TMPDIR:-/tmp}/vap-hostile" tests/e2e/test_hostile.py $(ARGS)

test-fast: $(DEV)  ## unit tests only
	$(BIN)/python -m pytest -q tests/unit

test-publish-trials: $(DEV)  ## 200 publishes killed at random, a reader during 50 publishes (docs/publish-trials.md)
	PUBLISH_TRIALS=200 PUBLISH_READER_RUNS=50 $(BIN)/python -m pytest -q -s -p no:randomly tests/integration/test_publish_trials.py

bench-check: $(DEV)  ## time vap check on synthetic organisations
	$(BIN)/python bench/bench_check.py

bench: $(DEV) system-deps  ## the whole-pipeline benchmark (issue figures)
	$(BIN)/python bench/bench.py

bench-history: $(DEV)  ## plan history from git: reading at 1,000 and 10,000 roles, warm builds with and without (docs/performance.md)
	$(BIN)/python bench/bench_history.py --sizes 1000 --read-only 10000

bench-search: $(DEV) e2e-deps  ## old vs new search in Chromium at 1,000 and 10,000 roles (docs/performance.md)
	$(BIN)/python bench/bench_search.py --sizes 1000,10000

dist: $(RUNTIME)  ## build a wheel and an sdist into dist/ and check them with twine
	$(call step,"Building the wheel and the sdist into dist/")
	$(PIP) install --quiet build twine -c constraints/dev.txt
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/python -m twine check --strict dist/*
	@echo
	@echo "Done. Install it anywhere with:  pip install dist/vap_portal-*.whl"

clean:
	rm -rf site build dist .cache .pytest_cache .mypy_cache .ruff_cache $(PD_VENV)
