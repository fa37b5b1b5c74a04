# The only commands to remember: make book, make test (and serve, watch, live, bench, clean).
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

.PHONY: book env serve watch watch-prep live handout test test-fast chromium bench clean

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
	@echo "== installing the pinned npm packages with npm ci (the site's plotly.js bundle, the test tools)"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

env: $(PY_STAMP)

## make book: validate data/, execute the changed pages (JOBS at a time, cached), build with warnings as
## errors into _build/stage/html, and publish to _build/html only if all of that succeeded
book: watch-prep $(NPM_STAMP)
	$(BIN)/python -m thalbook.site.build
	@echo "Built _build/html. Serve it with: make serve"

# everything before the Sphinx build, shared by make book and make watch
# validate, then buildprep, in one Python start (each alone is a start-up and the thalbook import: about
# 1 s of a cached rebuild's 8); `python -m thalbook.data.validate` and `... .buildprep` still run alone
watch-prep: $(PY_STAMP)
	$(BIN)/python -c "import sys; from thalbook.data import validate, buildprep; sys.exit(validate.main([]) or buildprep.main([]))"
	@$(MAKE) --no-print-directory $(PREEXEC_STAMP)

# --- parallel pre-execution (make book, make watch) ------------------------------------------------
# jupyter-book executes uncached notebooks one after another, one kernel each. Before the build, the
# notebooks that changed since the last pre-execution (all of them after a cold start or after buildprep
# dropped the cache) are executed JOBS at a time into the same jupyter-cache that jupyter-book then reads
# (myst-nb matches a notebook by the hash of its code cells, not by who executed it). One changed
# notebook is left to jupyter-book: in parallel it would only cost a second Python start. A notebook that
# fails here is left uncached, and jupyter-book executes it again and stops with its traceback.
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
NOTEBOOKS := $(shell find chapters -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' 2>/dev/null)
JCACHE    := _build/.jupyter_cache
PREEXEC_STAMP := $(JCACHE)/.thalbook-preexecuted

define PREEXECUTE
import sys, time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
import nbformat, yaml
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution
from sphinx_external_toc.parsing import parse_toc_yaml

def execute(path, timeout, allow_errors):
    nb = nbformat.read(path, as_version=4)
    try:
        result = single_nb_execution(nb, cwd=str(Path(path).parent), timeout=timeout, allow_errors=allow_errors)
    except Exception as exc:  # e.g. a kernel that does not start in time on a busy machine: leave it uncached
        print(f"{path}: {type(exc).__name__}: {exc}", flush=True)
        return path, nb, 0.0, True
    return path, nb, result.time, result.err is not None

if __name__ == "__main__":
    t0 = time.perf_counter()
    jobs, cache_path, changed = int(sys.argv[1]), sys.argv[2], {Path(p).resolve() for p in sys.argv[3:]}
    config = (yaml.safe_load(Path("_config.yml").read_text(encoding="utf-8")) or {}).get("execute") or {}
    if config.get("execute_notebooks", "auto") != "cache":
        sys.exit(0)
    pages = {Path(doc + ".ipynb").resolve() for doc in parse_toc_yaml("_toc.yml")}
    cache = get_cache(cache_path)
    todo = []
    for path in sorted(pages & changed):
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            todo.append(str(path))
    if todo:
        print(f"== executing {len(todo)} notebook(s), {jobs} at a time, into {cache_path}", flush=True)
    with ProcessPoolExecutor(jobs) as pool:
        args = (config.get("timeout", 30), bool(config.get("allow_errors", False)))
        for done in as_completed([pool.submit(execute, path, *args) for path in todo]):
            path, nb, seconds, failed = done.result()
            if failed:
                print(f"{path}: failed; jupyter-book executes it again and reports the error", flush=True)
                continue
            cache.add_nb_to_project(path)
            bundle = CacheBundleIn(nb, path, data={"execution_seconds": seconds})
            cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)
            print(f"{path}: Executed notebook in {seconds:.2f} seconds [{jobs} in parallel]", flush=True)
    if todo:
        print(f"== executed in {time.perf_counter() - t0:.1f} s", flush=True)
endef
export PREEXECUTE

$(PREEXEC_STAMP): $(NOTEBOOKS)
	@if [ "$(words $?)" -gt 1 ]; then $(BIN)/python -c "$$PREEXECUTE" $(JOBS) $(JCACHE) $?; fi
	@mkdir -p $(JCACHE) && touch $@

## make serve: serve the built site on http://127.0.0.1:8000/ (ES modules need HTTP, not file://)
serve: $(PY_STAMP)
	@test -f _build/html/index.html || $(MAKE) book
	$(BIN)/python -m thalbook.site.serve _build/html --port $${PORT:-8000}

# --- make watch ------------------------------------------------------------------------------------
# sphinx-autobuild's watcher and reload socket around `make book` itself, so a rebuild is exactly the
# build above (validate, buildprep, changed notebooks through the cache, jupyter-book -W). Only the
# book's sources are watched (chapters/, data/, thalbook/, _config.yml, _toc.yml), never _build/ or
# anything a build writes, so a build cannot trigger the next one. The reload script is served as a file
# (/_watch/reload.js): the pages' Content-Security-Policy allows no inline script it does not list.
define WATCH
import subprocess, sys
from pathlib import Path
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from sphinx_autobuild.filter import IgnoreFilter
from sphinx_autobuild.middleware import JavascriptInjectorMiddleware
from sphinx_autobuild.server import RebuildServer

MAKE, HOST, PORT = sys.argv[1], "127.0.0.1", int(sys.argv[2])
WATCHED = ["chapters", "data", "thalbook", "_config.yml", "_toc.yml"]
IGNORED = [r"/__pycache__/", r"/\.ipynb_checkpoints/", r"/\.[^/]*$$", r"~$$", r"\.sw[a-z]$$", r"\.egg-info/"]
RELOAD_JS = 'new WebSocket("ws://" + location.host + "/_watch/ws").onmessage = () => location.reload();\n'

def rebuild(changed_paths=()):
    names = sorted({str(p.relative_to(Path.cwd())) for p in changed_paths})
    print(f"== changed: {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}: make book", flush=True)
    done = subprocess.run([MAKE, "--no-print-directory", "book"], check=False)
    print("== rebuilt; the open pages reload" if done.returncode == 0 else
          "== the build failed (above); the last good site is still served", flush=True)
    print(f"== watching {', '.join(WATCHED)}; serving http://{HOST}:{PORT}/ (Ctrl+C stops)", flush=True)

class InjectReload(JavascriptInjectorMiddleware):
    def __init__(self, app, ws_url):
        super().__init__(app, ws_url)
        self.script = b'\n<script src="/_watch/reload.js"></script>\n'

if __name__ == "__main__":
    server = RebuildServer([p for p in WATCHED if Path(p).exists()], IgnoreFilter([], IGNORED), rebuild)
    app = Starlette(
        routes=[
            WebSocketRoute("/_watch/ws", server),
            Route("/_watch/reload.js", lambda request: Response(RELOAD_JS, media_type="text/javascript")),
            Route("/favicon.ico", lambda request: Response(status_code=204)),  # the book has none
            Mount("/", app=StaticFiles(directory="_build/html", html=True)),
        ],
        middleware=[Middleware(InjectReload, ws_url="")],
        lifespan=server.lifespan,
    )
    print(f"== watching {', '.join(WATCHED)}; serving http://{HOST}:{PORT}/ (Ctrl+C stops)", flush=True)
    uvicorn.run(app, host=HOST, port=PORT, log_level="warning")
endef
export WATCH

## make watch: rebuild on every save and reload the open pages, at http://127.0.0.1:8000/ (PORT=...)
watch: book
	$(BIN)/python -c "$$WATCH" "$(MAKE)" $${PORT:-8000}

## make live: lecture copies of the chapters (live/chapters, git-ignored) opened in JupyterLab; your edits stay,
## outputs are cleared, pages the book changed are refreshed or named (thalbook/site/live.py says how).
## LIVE_ARGS go to jupyter as they are (LIVE_ARGS="--port 9000 --no-browser"); LIVE_APP=notebook for Notebook 7
LIVE_ARGS ?=
LIVE_APP  ?= lab
live: $(PY_STAMP)
	$(BIN)/python -m thalbook.site.live --app $(LIVE_APP) -- $(LIVE_ARGS)

## make handout PAGE=chapters/3-clinical-efficacy/3.3-case-vignettes: the page executed and written as one
## self-contained answer-key HTML file (every answer shown, no external request) in _build/handout/
handout: $(PY_STAMP)
	@test -n "$(PAGE)" || { echo "usage: make handout PAGE=chapters/<part>/<page> (the page's path, .ipynb optional)"; exit 2; }
	$(BIN)/python -m thalbook.site.handout "$(PAGE)"

chromium:
	@command -v chromium >/dev/null || { echo "== installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v chromium >/dev/null || { echo "error: chromium could not be installed; the browser tests cannot run"; exit 1; }

# pytest-xdist workers for make test, against the one site built above. Tests that share a module's state (a
# built copy of the book, one JupyterLab) carry an xdist_group mark and stay on one worker (loadgroup); nbval
# keeps each notebook's cells on one worker (loadfile). TEST_WORKERS=0 runs everything in this process.
TEST_WORKERS ?= 2

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
	$(BIN)/python -m pytest tests -p no:cacheprovider -n $(TEST_WORKERS) --dist load --durations=10
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider -q -n $(TEST_WORKERS) --dist loadfile chapters
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
