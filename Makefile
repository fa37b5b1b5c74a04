# The only commands to remember: make book, make test (and serve, live, bench, clean).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := book

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
SHARED ?= ../shared

# Installs are keyed on the locks' hashes: nothing is installed again until a lock changes,
# so an installed environment builds offline.
REQ_HASH := $(shell cat requirements.txt pyproject.toml | sha256sum | cut -c1-16)
NPM_HASH := $(shell cat package.json package-lock.json | sha256sum | cut -c1-16)
PY_STAMP  := $(VENV)/.installed-$(REQ_HASH)
NPM_STAMP := node_modules/.installed-$(NPM_HASH)

.PHONY: book env serve live test test-fast chromium bench clean

# the stamps' names carry the locks' hashes; no file prerequisites, so a copy with newer mtimes
# (a temporary copy of the book sharing this .venv) never reinstalls the package from elsewhere
$(PY_STAMP):
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; the book supports Python 3.11 (set PYTHON=...)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "== installing the pinned Python environment into $(VENV) (requirements.txt changed or is new)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip check
	@rm -f $(VENV)/.installed-*
	@touch $@

$(NPM_STAMP):
	@echo "== installing pinned test tools with npm ci"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

env: $(PY_STAMP)

## make book: validate data/, execute the pages (cached), build _build/html with warnings as errors
book: $(PY_STAMP)
	$(BIN)/python -m thalbook.data.validate
	$(BIN)/python -m thalbook.data.buildprep
	$(BIN)/jupyter-book build . --builder html -W -n --keep-going
	@echo "Built _build/html. Serve it with: make serve"

## make serve: serve the built site on http://127.0.0.1:8000/ (ES modules need HTTP, not file://)
serve: $(PY_STAMP)
	@test -f _build/html/index.html || $(MAKE) book
	$(BIN)/python -m thalbook.site.serve _build/html --port $${PORT:-8000}

## make live: open copies of the chapters in JupyterLab (live/ is git-ignored, sources stay clean)
live: $(PY_STAMP)
	@mkdir -p live && cp -rn chapters live/
	@echo "Lecture copies are in live/chapters (your edits there stay; delete live/ to start afresh)."
	$(BIN)/jupyter lab --notebook-dir=live/chapters --ServerApp.ip=127.0.0.1

chromium:
	@command -v chromium >/dev/null || { echo "== installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v chromium >/dev/null || { echo "error: chromium could not be installed; the browser tests cannot run"; exit 1; }

## make test: everything: data, unit, parity, build, notebooks (nbval), copy check, browser and live tests.
## Installs online first, then builds the book with the network cut (as root: a new network namespace with
## only loopback, which the notebook kernels need), so a build that fetches anything fails here.
test: $(PY_STAMP) $(NPM_STAMP) chromium
	@if [ "$$(id -u)" = 0 ] && command -v unshare >/dev/null; then \
	  echo "== building offline (network namespace with loopback only)"; \
	  unshare -n sh -c 'ip link set lo up && exec $(MAKE) --no-print-directory book'; \
	else echo "NOTICE: not root or no unshare: the offline build check did NOT run; building online"; \
	  $(MAKE) --no-print-directory book; fi
	$(BIN)/ruff check thalbook tests
	$(BIN)/python -m pytest tests -p no:cacheprovider
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider -q chapters
	@if [ -f $(SHARED)/tools/verbatim_check.py ]; then \
	  $(BIN)/python $(SHARED)/tools/verbatim_check.py; \
	else echo "NOTICE: $(SHARED)/tools/verbatim_check.py is absent: the copy check was NOT run"; fi

## make test-fast: only the quick in-process tests (data, units, parity)
test-fast: $(PY_STAMP)
	$(BIN)/python -m pytest tests -p no:cacheprovider -m "not browser and not live and not build"

bench: book $(NPM_STAMP) chromium
	$(BIN)/python bench/run.py

clean:
	rm -rf _build
