"""Shared fixtures: the built site served on 127.0.0.1 and Debian's chromium driven by playwright.

Browser tests never skip: if the site is not built or chromium is missing, they fail with the reason
(`make test` builds the site and installs chromium first).
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
# THALBOOK_SITE lets a contributor test a site built elsewhere (jupyter-book build . --path-output DIR)
SITE = Path(os.environ.get("THALBOOK_SITE", ROOT / "_build" / "html")).resolve()
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Debian's chromium is not installed: `make test` installs it (apt-get install chromium)")
    return path


def built_pages() -> list[str]:
    """Every page of the book, as a path relative to the site root."""
    if not (SITE / "chapters" / "index.html").is_file():
        return []
    return sorted(str(p.relative_to(SITE)) for p in (SITE / "chapters").rglob("*.html"))


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "chapters" / "index.html").is_file():
        pytest.fail(f"no built site at {SITE}: run `make book` first (make test does)")
    return SITE


@pytest.fixture(scope="session")
def base_url(site: Path):
    from thalbook.site.serve import make_server

    server = make_server(site, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A temporary book holding a copy of data/ and chapters/, for validating broken data in-process.
    (tests/test_build.py overrides `book` with a whole built copy of the repository.)"""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "chapters", tmp_path / "chapters")
    (tmp_path / "_config.yml").write_text("title: fixture\n")
    return tmp_path


def data_errors(root: Path) -> list:
    """Every DataError the validator raises for the book at `root` (it must raise)."""
    from thalbook.data import load_dir
    from thalbook.data.errors import DataError, DataErrors

    with pytest.raises((DataError, DataErrors)) as info:
        load_dir(root)
    exc = info.value
    return exc.errors if isinstance(exc, DataErrors) else [exc]


@dataclass
class Visit:
    """A page plus everything it did that a test may want to assert on."""

    page: object
    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@pytest.fixture
def visit(browser, base_url):
    contexts = []

    def open_page(path: str, width: int = 1280, height: int = 900, javascript: bool = True,
                  color_scheme: str = "light") -> Visit:
        context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=javascript,
                                      color_scheme=color_scheme)  # "dark": the reader's system is in dark mode
        contexts.append(context)
        page = context.new_page()
        v = Visit(page)

        def route(r):
            host = urlparse(r.request.url).hostname
            if r.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
                r.continue_()
            else:
                v.external_requests.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("console", lambda m: v.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: v.page_errors.append(str(e)))

        def on_dialog(d):
            v.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", on_dialog)
        page.goto(base_url + path, wait_until="load")
        if javascript:
            page.wait_for_load_state("networkidle")
        return v

    yield open_page
    for c in contexts:
        c.close()


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    if not AXE.is_file():
        pytest.fail("node_modules/axe-core is missing: `make test` installs it with npm ci")
    page.evaluate(AXE.read_text())  # through the debugger protocol: not an inline script, so the CSP allows it
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result
        if v["impact"] in impacts
    ]


# ---------------------------------------------------------------- pytest-xdist (make test: -n TEST_WORKERS)
# Test modules whose tests share one module-scoped fixture and depend on running in order (a built copy of
# the book; one JupyterLab and its page): each goes whole to one worker. Every other test is scheduled on its
# own. (xdist's own `--dist loadgroup` marks do nothing under pytest 9: xdist 3.8 renames `item._nodeid`,
# which pytest 9 no longer reads.) The longest, test_build.py, is collected first so it starts at once.
WHOLE_MODULES = ("test_build.py", "test_live.py")


@pytest.hookimpl(optionalhook=True, tryfirst=True)  # before xdist's own, which picks by --dist
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class WholeModulesScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if module.rsplit("/", 1)[-1] in WHOLE_MODULES else nodeid

    return WholeModulesScheduling(config, log)


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: item.path.name != WHOLE_MODULES[0])  # stable: order within modules is kept


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A skipped check is never reported as a pass: here a skip fails the run, with its reason."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"a test was skipped, which this suite counts as a failure: {report.longrepr}"


# ---------------------------------------------------------------- helpers shared by the browser tests
def norm(s: str) -> str:
    """Text with runs of white space folded, as a reader sees it."""
    return re.sub(r"\s+", " ", s or "").strip()


def assert_clean(v: Visit) -> None:
    """The page stayed on the site, logged no error and opened no dialog."""
    assert v.console_errors == [], f"console errors: {v.console_errors}"
    assert v.page_errors == [], f"script errors: {v.page_errors}"
    assert v.external_requests == [], f"asked another host: {v.external_requests}"
    assert v.dialogs == [], f"dialogs: {v.dialogs}"


def ready(page, sel: str, timeout: int = 10000):
    """The widget root (or a figure: give it the 20 s plotly.js may take), scrolled into view and
    enhanced or drawn (data-ready="true")."""
    from playwright.sync_api import expect

    root = page.locator(sel)
    root.scroll_into_view_if_needed()
    expect(root).to_have_attribute("data-ready", "true", timeout=timeout)
    return root


def search_and_expect_results(page, box, query: str = "thalidomide") -> None:
    """Submit `query` in a search box and wait for the search page to list more than three hits."""
    from playwright.sync_api import expect

    box.fill(query)
    box.press("Enter")
    page.wait_for_url(re.compile(rf"/search\.html\?q={re.escape(query)}"))
    results = page.locator("#search-results ul.search li")
    expect(results.first).to_be_visible(timeout=15000)
    assert results.count() > 3
