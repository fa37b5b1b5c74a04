"""End-to-end `make book` in a temporary copy of the book (slow: every page is executed once, in parallel).

One copy is built with stray documents in every folder the book must ignore (the copy starts from the
repository's execution cache, when `make book` left one for the same data/ and thalbook/, so this first
build reads every page but executes none); then a data value is edited, which must drop the cache, execute
every page again and show the new value; then a data file is broken right after that good build, and
`make book` must stop with file, line and column named, leave the last good site in place and rewrite no
source file.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# its tests share one built copy and run in order: one xdist worker runs them all (see tests/conftest.py)
pytestmark = pytest.mark.build
IGNORED = {"_build", ".venv", "node_modules", ".git", "live", ".pytest_cache", "__pycache__", ".ipynb_checkpoints"}
STRAY_FOLDERS = [".venv", "node_modules", ".pytest_cache", "tests", "data", "bench", ".ci", ".hidden"]
# a document that breaks a -W build if Sphinx ever reads it
STRAY = "# Stray\n\nA link to {doc}`nowhere-at-all` and an undefined {term}`no such term`.\n"


def sources_digest(root: Path) -> dict[str, str]:
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if p.is_file() and not (set(rel.parts) & IGNORED) and not p.is_symlink():
            out[str(rel)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def make_book(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "book"], cwd=root, capture_output=True, text=True, timeout=900, check=False)


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("book") / "book"
    shutil.copytree(ROOT, root, ignore=lambda d, names: [n for n in names if n in IGNORED])
    # the copy shares the repo's environment: its install stamp must already exist, or `make book` in the
    # copy would reinstall the package editable from the temporary folder (same hash as the Makefile's)
    locks = hashlib.sha256((ROOT / "requirements.txt").read_bytes() + (ROOT / "pyproject.toml").read_bytes())
    if not (ROOT / ".venv" / f".installed-{locks.hexdigest()[:16]}").is_file():
        pytest.fail("the environment is not installed for the current locks: run `make book` first")
    (root / ".venv").symlink_to(ROOT / ".venv")
    # ... and the repository's npm packages (the site's plotly.js bundle) with their install stamp, entry by
    # entry, so the stray folder below is the copy's own
    if not list((ROOT / "node_modules").glob(".installed-*")):
        pytest.fail("node_modules is not installed for the current locks: run `make book` first")
    (root / "node_modules").mkdir()
    for entry in (ROOT / "node_modules").iterdir():
        (root / "node_modules" / entry.name).symlink_to(entry)
    # the repository's execution cache and the stamp of the inputs it was made from: buildprep in the copy
    # drops both when they do not match the copy's data/ and thalbook/ (then the first build is cold)
    cache, stamp = ROOT / "_build" / ".jupyter_cache", ROOT / "_build" / ".thalbook-inputs.sha256"
    if cache.is_dir() and stamp.is_file():
        shutil.copytree(cache, root / "_build" / ".jupyter_cache", ignore=shutil.ignore_patterns(".thalbook-*"))
        shutil.copy(stamp, root / "_build" / stamp.name)
    for folder in STRAY_FOLDERS:
        target = root / folder if folder != ".venv" else root / "node_modules" / ".venv-like"
        target.mkdir(parents=True, exist_ok=True)
        (target / "stray.md").write_text(STRAY)
    (root / "data" / "stray.md").write_text(STRAY)  # data cards are Markdown: must not become pages
    return root


def test_build_ignores_stray_documents(book: Path):
    before = sources_digest(book)
    result = make_book(book)
    assert sources_digest(book) == before  # a build rewrites no source file
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    built = {str(p.relative_to(book / "_build/html")) for p in (book / "_build/html").rglob("stray.html")}
    assert built == set()


def test_data_edit_shows_on_the_rebuilt_page(book: Path):
    facts = book / "data/facts.yaml"
    text = facts.read_text()
    # the MDS incidence range is 1 to 4 per million (Hasle 2016); change the upper bound to 9
    edited = re.sub(r"(id: mds-incidence\n(?:  .*\n)*?  value_high: )4\n", r"\g<1>9\n", text)
    assert edited != text
    facts.write_text(edited)
    before = sources_digest(book)
    result = make_book(book)
    assert sources_digest(book) == before
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "data/ or thalbook/ changed: dropped" in result.stdout
    executed = set(re.findall(r"^(\S+\.ipynb): Executed notebook in", result.stdout, re.M))
    assert len(executed) == len(list((book / "chapters").rglob("*.ipynb")))  # every page executed again
    page = (book / "_build/html/chapters/1-introduction/overview.html").read_text()
    assert "1–9 per million children per year" in page
    assert "1–4 per million children per year" not in page


def test_broken_data_after_a_good_build_stops_make_book(book: Path):
    site_index = book / "_build/html/chapters/index.html"
    before_site = site_index.read_bytes()
    csv = book / "data/studies.csv"
    lines = csv.read_text().splitlines()
    header = lines[0].split(",")
    row = lines[2].split(",")  # line 3 of the file
    row[header.index("denominator")] = "many"
    lines[2] = ",".join(row)
    csv.write_text("\n".join(lines) + "\n")
    before_sources = sources_digest(book)
    result = make_book(book)
    assert result.returncode != 0
    assert "data/studies.csv, line 3, column 'denominator': expected a whole number, got 'many'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert site_index.read_bytes() == before_site  # the last good site is left whole
    assert sources_digest(book) == before_sources  # nothing in the sources was rewritten


# Fields allowed to differ between two builds of the same commit (documented in the README):
# none in the HTML pages today. Sphinx's search index is compared too; only the environment pickles,
# the doctrees and the copied notebook sources (which hold kernel-generated widget model ids) may differ,
# and they are not part of the published pages compared here.
VOLATILE: list[tuple[str, str]] = []


def published_files(site: Path) -> dict[str, bytes]:
    out = {}
    for p in sorted(site.rglob("*")):
        if p.is_file() and p.suffix in (".html", ".js", ".css", ".json") and "_sources" not in p.parts:
            data = p.read_bytes()
            for pattern, replacement in VOLATILE:
                data = re.sub(pattern.encode(), replacement.encode(), data)
            out[str(p.relative_to(site))] = data
    return out


def test_second_build_of_the_same_sources_is_identical(book: Path, tmp_path: Path):
    """Rebuild from scratch but for the execution cache: every published page is byte-identical
    (widget and figure ids come from page and data, not from random numbers)."""
    csv = book / "data/studies.csv"
    shutil.copy(ROOT / "data/studies.csv", csv)  # undo the breakage of the previous test
    assert make_book(book).returncode == 0
    first = published_files(book / "_build/html")
    shutil.rmtree(book / "_build/html")
    shutil.rmtree(book / "_build/.doctrees")
    result = make_book(book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    second = published_files(book / "_build/html")
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    if differing:
        import difflib

        a = first[differing[0]].decode().replace("><", ">\n<").splitlines()
        b = second[differing[0]].decode().replace("><", ">\n<").splitlines()
        sample = "\n".join(list(difflib.unified_diff(a, b, lineterm="", n=0))[:12])
        pytest.fail(f"{len(differing)} pages differ between two builds, e.g. {differing[0]}:\n{sample}")
