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
import json
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
    shutil.rmtree(book / "_build/stage")
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


def every_file(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def cell_and_line(notebook: Path, needle: str) -> tuple[int, int, str]:
    """Where `needle` is, counted as a contributor counts in JupyterLab: cells and lines from 1."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    for number, cell in enumerate(cells, start=1):
        for line_number, line in enumerate("".join(cell["source"]).splitlines(), start=1):
            if needle in line:
                return number, line_number, cell["cell_type"]
    raise AssertionError(f"{needle} is not in {notebook}")


PAGE = "chapters/5-conclusions/5.3-applications-and-perspectives.ipynb"


def failed_build_with(book: Path, edit) -> tuple[subprocess.CompletedProcess, str]:
    """make book after `edit(notebook text) -> text` on PAGE: the published site must stay exactly the last
    good one (every file, byte for byte) and no source is rewritten; the page is restored afterwards."""
    assert make_book(book).returncode == 0  # start from a good build
    site = book / "_build/html"
    before = every_file(site)
    page = book / PAGE
    original = page.read_text(encoding="utf-8")
    page.write_text(edit(original), encoding="utf-8")
    try:
        sources = sources_digest(book)
        result = make_book(book)
        assert sources_digest(book) == sources
    finally:
        page.write_text(original, encoding="utf-8")
    assert result.returncode != 0
    assert every_file(site) == before
    assert "The last good site in _build/html is unchanged." in result.stderr
    marker = "== The build failed: "
    assert marker in result.stderr, result.stderr[-3000:]
    summary = result.stderr[result.stderr.index(marker):]
    assert "IPKernelApp" not in summary and "Traceback" not in summary  # no kernel chatter in the summary
    return result, summary


def test_misspelt_names_leave_the_last_good_site_and_are_located(book: Path):
    """A misspelt glossary term and reference key: the summary names the file, the cell and the line in the
    cell (counted here from the notebook itself), and the nearest valid name."""
    def edit(text):
        assert "{term}`lenalidomide`" in text and "{footcite}`thalomid2023pi`" in text
        text = text.replace("{term}`lenalidomide`", "{term}`lenalidomid`", 1)
        return text.replace("{footcite}`thalomid2023pi`", "{footcite}`thalomid2032pi`", 1)

    _, summary = failed_build_with(book, edit)
    assert summary.startswith("== The build failed: 2 problems to fix"), summary
    cell, line, _ = cell_and_line(book / PAGE, "{term}`lenalidomide`")
    assert (f"- {PAGE}, cell {cell} line {line} (the cell starting" in summary
            and "the glossary has no term 'lenalidomid'" in summary
            and "Did you mean 'lenalidomide'" in summary), summary
    cell, line, _ = cell_and_line(book / PAGE, "{footcite}`thalomid2023pi`")
    assert f"- {PAGE}, cell {cell} line {line} " in summary, summary
    assert "data/references.bib has no key 'thalomid2032pi'\n  Did you mean 'thalomid2023pi'?" in summary


def test_a_failing_code_cell_leaves_the_last_good_site_and_is_located(book: Path):
    nb = json.loads((book / PAGE).read_text(encoding="utf-8"))
    code = max(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code")  # after the import cell

    def edit(text):
        nb = json.loads(text)
        nb["cells"][code]["source"] = "tb.no_such_builder()"
        return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"

    _, summary = failed_build_with(book, edit)
    assert (f"- {PAGE}, cell {code + 1}: running the code cell “tb.no_such_builder()” raised AttributeError: "
            "module 'thalbook' has no attribute 'no_such_builder'") in summary, summary


def test_a_page_taken_out_of_the_toc_leaves_the_site(book: Path):
    """Sphinx never deletes an old output file: a page renamed, split or removed must not stay published
    under its old address."""
    toc = book / "_toc.yml"
    original_toc = toc.read_text(encoding="utf-8")
    extra = book / "chapters/back/extra-page.ipynb"
    nb = json.loads((book / "chapters/back/licence.ipynb").read_text(encoding="utf-8"))
    nb["cells"] = [{"cell_type": "markdown", "id": "extra-title", "metadata": {}, "source": "# An extra page\n\nFor one build."}]
    extra.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    toc.write_text(original_toc.replace("      - file: chapters/back/licence\n",
                                        "      - file: chapters/back/licence\n      - file: chapters/back/extra-page\n", 1),
                   encoding="utf-8")
    try:
        first = make_book(book)
        assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
        assert (book / "_build/html/chapters/back/extra-page.html").is_file()
    finally:
        toc.write_text(original_toc, encoding="utf-8")
        extra.unlink()
    second = make_book(book)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert not (book / "_build/html/chapters/back/extra-page.html").exists()
    assert "chapters/back/extra-page.html: its notebook is no longer in _toc.yml; removed from the site" in second.stdout
    assert (book / "_build/html/chapters/back/licence.html").is_file()
