"""`python -m thalbook.site.live [--app lab|notebook] [--dry-run] [-- ARGS...]`: the book, live, for a class.

What `make live` runs. It keeps lecture copies of the chapters in ``live/chapters`` (git ignores ``live/``)
and starts JupyterLab (or Notebook 7) on them:

* **Copies that read like the site.** Each copy's ``{glue:text}`` references are replaced by the values the
  page's own glue cells would compute (read from the code cells with ``ast``, computed by the same page
  builders from ``data/``; no notebook code is executed); ``{footcite}`` becomes a short author-year
  citation, ``{footbibliography}`` the list of the page's references, ``{doc}`` a link to the copy.
  ``jupyterlab-myst`` renders the rest (admonitions, ``{term}``, dropdowns).
* **The lecturer's edits stay; stale outputs never reopen.** Every start clears the copies' outputs and
  saved widget state (a reopened widget whose kernel is gone shows "model not found"). A copy is replaced
  only when the book changed it *and* the lecturer did not; a page changed on both sides is kept and
  named, with how to take the book's version. ``live/.thalbook-live.json`` records what was written.
* **Settings of its own.** ``JUPYTER_CONFIG_DIR`` is ``live/.jupyter``: the news pop-up and update check
  are off there (``overrides.json``), the book's widget styles are loaded as ``custom.css``, and nothing
  in the lecturer's home folder is read or written.
* Any further arguments go to ``jupyter lab`` (``LIVE_ARGS`` in the Makefile); ``--allow-root`` is added
  when run as root; a free port from 8888 is chosen unless one is given, and printed with the stop command.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import hashlib
import json
import os
import re
import shutil
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = ".thalbook-live.json"
FORMAT = 1  # bump when the copies' transformation changes, so unedited copies are rewritten

# --------------------------------------------------------------------------- glue values
GLUE_ROLE = re.compile(r"\{glue(?::text)?\}`([^`\n]+)`")
FOOTCITE = re.compile(r"\{footcite(?::[pt])?\}`([^`]+)`")
DOC_ROLE = re.compile(r"\{doc\}`([^`]+)`")
FOOTBIB = re.compile(r"^(`{3,}|:{3,})\{footbibliography\}[^\n]*\n(?:.*?\n)??\1[ \t]*$", re.MULTILINE)
MD_SPECIAL = re.compile(r"([\\`*_\[\]<>$])")
FENCE = re.compile(r"^[ \t]*(`{3,}|:{3,})(.*)$")
ROLE_NAME = re.compile(r"\{[\w:.-]+\}$")


def _code_spans(text: str, offset: int) -> list[tuple[int, int]]:
    """Inline code spans (CommonMark: a run of backticks closed by a run of the same length), skipping a
    role's argument ({name}`...`), which is prose."""
    # fence lines (```{admonition} ... ```) are not inline code: blanked, same length, for the scan
    text = re.sub(r"(?m)^[ \t]*(`{3,}|:{3,}).*$", lambda m: " " * len(m.group(0)), text)
    spans, i = [], 0
    while True:
        m = re.compile(r"`+").search(text, i)
        if not m:
            return spans
        ticks = m.group(0)
        close = re.compile(rf"(?<!`){ticks}(?!`)").search(text, m.end())
        if not close:
            return spans
        if not ROLE_NAME.search(text[max(0, m.start() - 40) : m.start()]):
            spans.append((offset + m.start(), offset + close.end()))
        i = close.end()


def _literal_spans(text: str) -> list[tuple[int, int]]:
    """Where the text shows code as code (a fenced block that is not a directive, a ``double-backtick``
    span): roles there are examples, left as written. Directive fences (```{admonition}) nest."""
    spans, stack, pos, start = [], [], 0, None  # stack: open fences (marker, is_directive)
    for line in text.splitlines(keepends=True):
        m = FENCE.match(line.rstrip("\n"))
        if m:
            marker, info = m.group(1), m.group(2).strip()
            if stack and stack[-1][1] is False:  # inside a code block: only its closing fence counts
                if not info and marker[0] == stack[-1][0][0] and len(marker) >= len(stack[-1][0]):
                    stack.pop()
                    spans.append((start, pos + len(line)))
            elif not info and stack and marker[0] == stack[-1][0][0] and len(marker) >= len(stack[-1][0]):
                stack.pop()  # a directive closes
            elif info.startswith("{"):
                stack.append((marker, True))
            else:
                stack.append((marker, False))
                start = pos
        pos += len(line)
    if stack and stack[-1][1] is False:
        spans.append((start, len(text)))
    outside, last = [], 0
    for a, b in spans:
        outside += _code_spans(text[last:a], last)
        outside.append((a, b))
        last = b
    return outside + _code_spans(text[last:], last)


def _gluers() -> dict[str, Any]:
    """The page builders' glue functions by the name cells call them with (``tb.<name>(...)``)."""
    from ..pages import common, part1, part3, part5, safety

    out = {}
    for mod in (common, part1, part3, part5, safety):
        out.update({k: getattr(mod, k) for k in dir(mod) if k.startswith("glue_") and callable(getattr(mod, k))})
    return out


@contextlib.contextmanager
def _collected() -> Iterator[dict[str, str]]:
    """While open, ``myst_nb.glue`` records each value's plain text (what ``{glue:text}`` shows) instead."""
    import myst_nb

    values: dict[str, str] = {}

    def record(name, variable, display=True):  # noqa: ARG001 - myst_nb.glue's signature
        values[name] = str(variable) if isinstance(variable, str) else repr(variable)

    saved = myst_nb.glue
    myst_nb.glue = record
    try:
        yield values
    finally:
        myst_nb.glue = saved


def glue_calls(sources: list[str], where: str = "") -> list[tuple[str, tuple, dict]]:
    """``tb.glue_*(...)`` calls in code cells, with literal arguments only (anything else is an error)."""
    known = _gluers()
    calls = []
    for src in sources:
        try:
            tree = ast.parse(src)
        except SyntaxError:
            continue  # a lecturer's half-typed cell; its glue, if any, is reported as missing
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in known
                and isinstance(node.func.value, ast.Name)
            ):
                try:
                    args = tuple(ast.literal_eval(a) for a in node.args)
                    kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
                except ValueError as e:
                    raise ValueError(f"{where}: line {node.lineno}: {node.func.attr}() takes literal arguments only") from e
                calls.append((node.func.attr, args, kwargs))
    return calls


def glue_values(nb: dict, where: str = "") -> dict[str, str]:
    """name -> text of every value the notebook's glue cells glue, computed by the page builders."""
    known = _gluers()
    sources = [_src(c) for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    with _collected() as values:
        for name, args, kwargs in glue_calls(sources, where):
            known[name](*args, **kwargs)
    return values


# --------------------------------------------------------------------------- citations
def _bib_field(body: str, name: str) -> str:
    m = re.search(rf"^\s*{name}\s*=\s*\{{(.*)\}},?\s*$", body, re.MULTILINE | re.IGNORECASE)
    return re.sub(r"[{}\\]", "", m.group(1)).replace("--", "–").strip() if m else ""


def _bib() -> dict[str, dict[str, str]]:
    from ..data import dataset

    out = {}
    for key, entry in dataset().bib.items():
        body = entry["body"]
        authors = [a.strip() for a in _bib_field(body, "author").split(" and ") if a.strip()]
        first = authors[0].split(",")[0].strip() if authors else key
        etal = " et al." if len(authors) > 1 else ""
        year = _bib_field(body, "year") or "n.d."
        title, venue = _bib_field(body, "title"), _bib_field(body, "journal") or _bib_field(body, "publisher")
        out[key] = {
            "short": f"{first}{etal} {year}",
            "full": " ".join(p for p in (f"{first}{etal} ({year}).", f"{title}." if title else "", f"*{venue}*." if venue else "") if p)
            + f" Status: {entry['status']}.",
        }
    return out


# --------------------------------------------------------------------------- the copies
def _src(cell: dict) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def _escape(text: str) -> str:
    return MD_SPECIAL.sub(r"\\\1", text)


def _title_of(path: Path) -> str:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return path.stem
    for c in nb.get("cells", []):
        m = re.search(r"^#\s+(.+)$", _src(c), re.MULTILINE) if c.get("cell_type") == "markdown" else None
        if m:
            return m.group(1).strip()
    return path.stem


def live_notebook(nb: dict, path: Path, chapters: Path, bib: dict[str, dict[str, str]]) -> tuple[dict, list[str]]:
    """The lecture copy of one chapter notebook (no outputs), and the glue names it could not resolve."""
    out, missing = resolve_markdown(nb, path, chapters, bib)
    return clear_outputs(out), missing


def resolve_markdown(nb: dict, path: Path, chapters: Path, bib: dict[str, dict[str, str]]) -> tuple[dict, list[str]]:
    """The notebook with its markdown cells' glue, citations and doc links written out."""
    rel = path.relative_to(chapters)
    values = glue_values(nb, str(Path("chapters") / rel))
    missing: list[str] = []
    cited: list[str] = []

    def glue(m):
        key = m.group(1).strip()
        if key not in values:
            missing.append(key)
            return m.group(0)
        return _escape(values[key])

    def cite(m):
        keys = [k.strip() for k in m.group(1).split(",") if k.strip()]
        cited.extend(k for k in keys if k not in cited)
        return "(" + "; ".join(_escape(bib[k]["short"]) if k in bib else _escape(k) for k in keys) + ")"

    def doc(m):
        text = m.group(1)
        label, target = (text.rsplit("<", 1)[0].strip(), text.rsplit("<", 1)[1].rstrip(">").strip()) if text.endswith(">") else (None, text.strip())
        base = chapters if target.startswith("/") else path.parent
        dest = (base / (target.lstrip("/") + ".ipynb")).resolve()
        href = os.path.relpath(dest, path.parent.resolve()).replace(os.sep, "/")
        return f"[{label or _escape(_title_of(dest))}]({href})"

    def bibliography(_m):
        if not cited:
            return ""
        # the page's own "References" heading stands above it
        return "\n".join(f"- {bib[k]['full']}" if k in bib else f"- {k}" for k in cited)

    out = dict(nb)
    cells = []
    for cell in nb.get("cells", []):
        cell = dict(cell)
        if cell.get("cell_type") == "markdown":
            text, pieces = _src(cell), []
            last = 0
            for a, b in [*_literal_spans(text), (len(text), len(text))]:
                prose = text[last:a]
                for pattern, fn in ((GLUE_ROLE, glue), (FOOTCITE, cite), (DOC_ROLE, doc), (FOOTBIB, bibliography)):
                    prose = pattern.sub(fn, prose)
                pieces.append(prose + text[a:b])
                last = b
            cell["source"] = "".join(pieces)
        cells.append(cell)
    out["cells"] = cells
    return out, missing


def clear_outputs(nb: dict) -> dict:
    """Outputs, execution counts and saved widget state removed: nothing stale opens with the page."""
    nb = dict(nb)
    nb["cells"] = [dict(c) for c in nb.get("cells", [])]
    for c in nb["cells"]:
        if c.get("cell_type") == "code":
            c["outputs"], c["execution_count"] = [], None
    meta = dict(nb.get("metadata", {}))
    meta.pop("widgets", None)
    nb["metadata"] = meta
    return nb


def content_hash(nb: dict) -> str:
    """What the lecturer can edit: the cells' kinds and sources (not outputs, ids or metadata)."""
    cells = [(c.get("cell_type"), _src(c)) for c in nb.get("cells", [])]
    return hashlib.sha256(json.dumps([FORMAT, cells], ensure_ascii=False).encode()).hexdigest()[:16]


def _dump(nb: dict) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


@dataclass
class Report:
    written: list[str] = field(default_factory=list)  # new copies
    refreshed: list[str] = field(default_factory=list)  # the book changed them, the lecturer had not
    kept_edited: list[str] = field(default_factory=list)  # the lecturer changed them, the book had not
    conflicts: list[str] = field(default_factory=list)  # both changed them: kept, named
    cleared: list[str] = field(default_factory=list)  # outputs removed from a copy
    unresolved: dict[str, list[str]] = field(default_factory=dict)  # copy -> glue names left as they were

    def lines(self, live: Path) -> list[str]:
        out = []
        if self.written:
            out.append(f"== {len(self.written)} page(s) copied into {live}")
        if self.refreshed:
            out.append("== refreshed from the book (you had not edited them): " + ", ".join(self.refreshed))
        if self.kept_edited:
            out.append("== your edited pages, kept: " + ", ".join(self.kept_edited))
        for name in self.conflicts:
            out.append(
                f"NOTICE: the book changed {name} since your copy, and you edited it: your copy was kept."
                f" To take the book's version, delete {live / name} and run make live again."
            )
        if self.cleared:
            out.append(f"== cleared the saved outputs of {len(self.cleared)} page(s) (run them again in class)")
        for name, keys in self.unresolved.items():
            out.append(f"NOTICE: {name}: no glue cell gives {', '.join(sorted(set(keys)))}; left as written")
        return out


def prepare(book: Path, live: Path) -> Report:
    """Bring ``live/chapters`` up to date with ``book/chapters`` without losing the lecturer's edits."""
    chapters, dest = book / "chapters", live / "chapters"
    manifest_path = live / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    files = manifest.get("files", {})
    bib = _bib()
    report = Report()
    for src in sorted(p for p in chapters.rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts):
        rel = src.relative_to(chapters).as_posix()
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.suffix != ".ipynb":
            if not target.exists():
                shutil.copy2(src, target)
            continue
        book_nb = json.loads(src.read_text(encoding="utf-8"))
        fresh, missing = live_notebook(book_nb, src, chapters, bib)
        if missing:
            report.unresolved[rel] = missing
        fresh_hash = content_hash(fresh)
        if not target.exists():
            target.write_text(_dump(fresh), encoding="utf-8")
            files[rel] = fresh_hash
            report.written.append(rel)
            continue
        current = json.loads(target.read_text(encoding="utf-8"))
        current_hash = content_hash(current)
        recorded = files.get(rel)
        if recorded is None and current_hash == content_hash(book_nb):
            recorded = current_hash  # a copy from before this module (cp -rn), never edited
        if current_hash == fresh_hash:
            files[rel] = fresh_hash
        elif current_hash == recorded:  # the book changed it, the lecturer did not
            target.write_text(_dump(fresh), encoding="utf-8")
            files[rel] = fresh_hash
            report.refreshed.append(rel)
            continue
        elif recorded == fresh_hash:
            report.kept_edited.append(rel)
        else:  # both changed it (or a copy of unknown origin): keep it, say so
            report.conflicts.append(rel)
        cleared = clear_outputs(current)
        if cleared != current:
            target.write_text(_dump(cleared), encoding="utf-8")
            report.cleared.append(rel)
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps({"format": FORMAT, "files": files}, indent=1) + "\n", encoding="utf-8")
    return report


# --------------------------------------------------------------------------- settings and server
OVERRIDES = {
    # no "Would you like to receive official Jupyter news?" over the page, no update check
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}


def write_settings(book: Path, config: Path) -> None:
    """``live/.jupyter``: overrides.json (news off) and the widgets' styles as custom.css."""
    settings = config / "lab" / "settings"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "overrides.json").write_text(json.dumps(OVERRIDES, indent=1) + "\n", encoding="utf-8")
    custom = config / "custom"
    custom.mkdir(parents=True, exist_ok=True)
    from ..widgets.engine import css

    # the styles every widget loads anyway, here from the start, so a figure-only page gets them too
    (custom / "custom.css").write_text(css(), encoding="utf-8")


def _option(args: list[str], *names: str) -> str | None:
    for i, a in enumerate(args):
        for n in names:
            if a == n and i + 1 < len(args):
                return args[i + 1]
            if a.startswith(n + "="):
                return a.split("=", 1)[1]
    return None


def _port_free(port: int, host: str) -> bool:
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def command(app: str, chapters: Path, config: Path, extra: list[str], is_root: bool) -> tuple[list[str], str, int]:
    """The jupyter command line, its host and port."""
    jupyter = str(Path(sys.executable).parent / "jupyter")
    cls = "LabApp" if app == "lab" else "JupyterNotebookApp"
    host = _option(extra, "--ip", "--ServerApp.ip") or "127.0.0.1"
    given = _option(extra, "--port", "--ServerApp.port")
    cmd = [jupyter, app, f"--ServerApp.root_dir={chapters}", f"--{cls}.app_settings_dir={config / 'lab' / 'settings'}",
           f"--{cls}.custom_css=True"]
    if app == "lab":
        cmd += ["--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if not _option(extra, "--ip", "--ServerApp.ip"):
        cmd.append(f"--ServerApp.ip={host}")
    if given:
        port = int(given)
    else:  # chosen here, so the port printed is the port used
        port = next((p for p in range(8888, 8988) if _port_free(p, host)), 8888)
        cmd += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    if is_root and "--allow-root" not in extra:
        cmd.append("--allow-root")
    return cmd + extra, host, port


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m thalbook.site.live", description=__doc__.split("\n\n")[0])
    ap.add_argument("--book", type=Path, default=Path.cwd(), help="the book's folder (default: here)")
    ap.add_argument("--live", type=Path, default=None, help="the lecture copies' folder (default: BOOK/live)")
    ap.add_argument("--app", choices=("lab", "notebook"), default="lab", help="JupyterLab or Notebook 7")
    ap.add_argument("--dry-run", action="store_true", help="prepare the copies, print the command, start nothing")
    ns, extra = ap.parse_known_args(argv)
    extra = [a for a in extra if a != "--"]
    book = ns.book.resolve()
    live = (ns.live or book / "live").resolve()
    report = prepare(book, live)
    for line in report.lines(live / "chapters"):
        print(line, flush=True)
    config = live / ".jupyter"
    write_settings(book, config)
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    cmd, host, port = command(ns.app, live / "chapters", config, extra, is_root)
    path = "lab" if ns.app == "lab" else "tree"
    print(f"== the lecture copies are in {live / 'chapters'} (your edits there stay; the sources stay clean)")
    print(f"== starting Jupyter{'Lab' if ns.app == 'lab' else ' Notebook 7'} on http://{host}:{port}/{path} (port {port})")
    print(f"== to stop it: Ctrl+C in this terminal, or from another: kill {os.getpid()}", flush=True)
    if ns.dry_run:
        print(" ".join(cmd))
        return 0
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config), "THALBOOK_ROOT": str(book)}
    os.execve(cmd[0], cmd, env)  # same process id: the kill above stops the server
    return 0  # pragma: no cover


if __name__ == "__main__":
    sys.exit(main())
