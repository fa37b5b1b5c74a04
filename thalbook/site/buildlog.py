"""A failed build's log, told as a short list a contributor can act on.

Sphinx, myst-nb and the kernels write hundreds of lines; only the lines Sphinx marks WARNING, ERROR or
CRITICAL are problems. Each becomes one entry: the file (a notebook's cell and the line within that cell,
since myst-nb numbers a notebook's lines as (cell + 1) * 10000 + line), what is wrong in plain words and,
for a misspelt name, the nearest names that exist (glossary terms, reference keys, pages, roles,
directives).
"""

from __future__ import annotations

import difflib
import io
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_LINE = re.compile(
    r"^(?:(?P<path>[^\s:][^:]*?)(?::(?P<line>\d+))?: )?(?P<level>WARNING|ERROR|CRITICAL|SEVERE): (?P<msg>.*?)"
    r"(?: \[(?P<kind>[\w.-]+)\])?\s*$"
)
# myst-nb: a notebook's line numbers are (cell index + 1) * 10000 + line within the cell
_CELL = 10000

ROLES = ("term", "footcite", "cite", "cite:p", "cite:t", "glue", "glue:text", "glue:md", "doc", "ref", "numref",
         "download", "abbr", "sub", "sup", "math", "eq", "kbd", "code")
DIRECTIVES = ("note", "tip", "important", "warning", "caution", "attention", "danger", "error", "hint", "seealso",
              "admonition", "dropdown", "figure", "image", "table", "list-table", "csv-table", "glossary",
              "bibliography", "footbibliography", "exercise", "solution", "tab-set", "tab-item", "grid",
              "grid-item", "grid-item-card", "card", "code-block", "math", "glue:figure", "glue:math", "toctree",
              "contents", "epigraph", "margin", "sidebar")


class Tee(io.TextIOBase):
    """Replace sys.<name> for a `with` block: everything still reaches the terminal, and is kept."""

    def __init__(self, stream):
        self.name = "stderr" if stream is sys.stderr else "stdout"
        self.original = stream
        self.kept = io.StringIO()

    def write(self, text):
        self.kept.write(text)
        return self.original.write(text)

    def flush(self):
        self.original.flush()

    def isatty(self):
        return False  # no colour codes in the kept text

    def text(self) -> str:
        return self.kept.getvalue()

    def __enter__(self):
        setattr(sys, self.name, self)
        return self

    def __exit__(self, *exc):
        setattr(sys, self.name, self.original)
        return False


@dataclass
class Problem:
    where: str
    what: str
    hint: str = ""
    order: tuple = ()

    def __str__(self) -> str:
        text = f"- {self.where}: {self.what}"
        return text + (f"\n  {self.hint}" if self.hint else "")


class _Names:
    """The names a misspelling is compared with, read from the book's own files when first needed."""

    def __init__(self, root: Path):
        self.root = root

    def terms(self) -> list[str]:
        path = self.root / "data" / "glossary.yaml"
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else []
        out = []
        for entry in entries or []:
            out.append(str(entry.get("term", "")))
            out.extend(str(a) for a in entry.get("aliases") or [])
        return [t for t in out if t]

    def keys(self) -> list[str]:
        path = self.root / "data" / "references.bib"
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        return re.findall(r"^@\w+\s*\{\s*([^,\s]+)\s*,", text, re.MULTILINE)

    def pages(self) -> list[str]:
        return sorted(str(p.relative_to(self.root).with_suffix("")) for p in (self.root / "chapters").rglob("*.ipynb")
                      if ".ipynb_checkpoints" not in p.parts)


def _nearest(word: str, names: list[str]) -> list[str]:
    exact_case = {n.lower(): n for n in names}
    if word.lower() in exact_case and exact_case[word.lower()] != word:
        return [exact_case[word.lower()]]
    found = difflib.get_close_matches(word, names, n=3, cutoff=0.6)
    if not found:  # pages: compare the last part of the path too
        tails = {n.rsplit("/", 1)[-1]: n for n in names}
        found = [tails[t] for t in difflib.get_close_matches(word.rsplit("/", 1)[-1], list(tails), n=3, cutoff=0.6)]
    return found


def _did_you_mean(word: str, names: list[str], what: str) -> str:
    near = _nearest(word, names)
    if not near:
        return f"No {what} is close to '{word}'."
    return "Did you mean " + " or ".join(f"'{n}'" for n in near) + "?"


def _where(path: str | None, line: str | None, root: Path) -> str:
    if not path:
        return "the build"
    p = Path(path)
    try:
        shown = str(p.resolve().relative_to(root))
    except (ValueError, OSError):
        shown = path
    if not line:
        return shown
    number = int(line)
    if p.suffix == ".ipynb" and number >= _CELL:
        cell, within = divmod(number, _CELL)  # `within` counts from 1 past the cell's first line
        return f"{shown}, cell {cell} line {max(within - 1, 1)}{_cell_opening(p, cell)}"
    return f"{shown}, line {number}"


def _cell_opening(path: Path, cell: int) -> str:
    """The first words of the cell, so the contributor can find it in an editor that does not number cells."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        source = cells[cell - 1]["source"]
    except (OSError, ValueError, KeyError, IndexError):
        return ""
    text = "".join(source) if isinstance(source, list) else source
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return f" (the cell starting “{first[:50]}{'…' if len(first) > 50 else ''}”)" if first else ""


# (pattern of Sphinx's message, plain words, which names to suggest from)
_KNOWN = [
    (re.compile(r"term not in glossary: '(?P<name>[^']+)'"),
     "the glossary has no term '{name}' (terms live in data/glossary.yaml)", "terms", "glossary term"),
    (re.compile(r"could not find bibtex key \"?'?(?P<name>[^\"']+)\"?'?"),
     "data/references.bib has no key '{name}'", "keys", "reference key"),
    (re.compile(r"unknown document: '?(?P<name>[^']+)'?"),
     "the link points to a page that does not exist: '{name}'", "pages", "page"),
    (re.compile(r"toctree contains reference to nonexisting document '(?P<name>[^']+)'"),
     "_toc.yml lists a page that does not exist: '{name}'", "pages", "page"),
    (re.compile(r"Unknown interpreted text role \"(?P<name>[^\"]+)\""),
     "{{{name}}} is not a role the book knows", "roles", "role"),
    (re.compile(r"Unknown directive type:? \"?'?(?P<name>[^\"'.]+)\"?'?"),
     "```{{{name}}} is not a directive the book knows", "directives", "directive"),
    (re.compile(r"undefined label: '?(?P<name>[^']+)'?"),
     "no heading or figure carries the label '{name}'", None, None),
    (re.compile(r"document isn't included in any toctree"),
     "this page is not listed in _toc.yml, so it would not be published", None, None),
    (re.compile(r"Executing notebook failed|CellExecutionError|Notebook exception"),
     "a code cell raised an error when the page was run; fix the cell (its traceback is in the log above)",
     None, None),
]


def explain(message: str, names: _Names) -> tuple[str, str]:
    for pattern, words, source, label in _KNOWN:
        m = pattern.search(message)
        if not m:
            continue
        name = m.groupdict().get("name", "")
        what = words.format(name=name)
        if source is None:
            return what, ""
        pool = {"terms": names.terms, "keys": names.keys, "pages": names.pages,
                "roles": lambda: list(ROLES), "directives": lambda: list(DIRECTIVES)}[source]()
        return what, _did_you_mean(name, pool, label)
    return message, ""


_ERROR_LINE = re.compile(r"^(?P<name>\w*(?:Error|Exception|Exit|Interrupt)): (?P<text>.+)$")


def _failed_cell(lines: list[str], start: int, path: str | None, root: Path) -> Problem | None:
    """The cell and the error of myst-nb's "Executing notebook failed" block that starts at `start`."""
    source, error, i = [], "", start + 1
    while i < len(lines) and "[mystnb.exec]" not in lines[i]:
        if "An error occurred while executing the following cell:" in lines[i] and i + 1 < len(lines):
            j = i + 2
            while j < len(lines) and lines[j] != "-" * 18:
                source.append(lines[j])
                j += 1
            i = j
        m = _ERROR_LINE.match(lines[i].strip())
        if m and source:
            error = f"{m['name']}: {m['text']}"
        i += 1
    if not source:
        return None
    cell = _code_cell_number(Path(path) if path else None, "\n".join(source))
    where = _where(path, None, root) + (f", cell {cell}" if cell else "")
    shown = source[0][:60] + (" …" if len(source) > 1 or len(source[0]) > 60 else "")
    return Problem(where, f"running the code cell “{shown}” raised {error or 'an error'}",
                   "Fix the cell, or the data or package code it reads; the full traceback is in the log above.",
                   (path or "", cell or 0))


def _code_cell_number(path: Path | None, source: str) -> int | None:
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (AttributeError, OSError, ValueError, KeyError):
        return None
    for number, cell in enumerate(cells, start=1):
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell.get("cell_type") == "code" and text.strip() == source.strip():
            return number
    return None


def problems(log: str, root: Path) -> list[Problem]:
    names, seen, out = _Names(root), set(), []
    lines = [_ANSI.sub("", raw).rstrip() for raw in log.splitlines()]
    for index, line in enumerate(lines):
        m = _LINE.match(line)
        if not m or m["msg"].startswith("build finished with problems"):
            continue
        problem = None
        if m["msg"].startswith("Executing notebook failed"):
            problem = _failed_cell(lines, index, m["path"], root)
        if problem is None:
            what, hint = explain(m["msg"], names)
            problem = Problem(_where(m["path"], m["line"], root), what, hint, (m["path"] or "", int(m["line"] or 0)))
        if str(problem) not in seen:
            seen.add(str(problem))
            out.append(problem)
    return sorted(out, key=lambda p: p.order)


def summarise(log: str, root: Path) -> str:
    found = problems(log, root)
    if not found:
        return ("\n== The build failed without a WARNING or ERROR line; the last lines of the log above say why.")
    head = f"\n== The build failed: {len(found)} problem{'s' if len(found) > 1 else ''} to fix"
    return "\n".join([head, *(str(p) for p in found)])
