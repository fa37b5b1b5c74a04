"""`python -m thalbook.site.handout PAGE [--out DIR]`: one page as a self-contained answer key (``make handout``).

The page is executed in a real kernel (nbclient, in the page's folder, as the build does), so every number
and answer is the book's own. Its MyST text is written out as the lecture copies are (glue values,
citations; ``thalbook.site.live``) and rendered with myst-parser's docutils parser. Each widget appears
as its static twin with every stage, every option's feedback and the right answer marked; the controls,
which need JavaScript, are left out. The book's CSS is inlined, and the pip package's plotly.min.js is
inlined only when the page has a figure (then drawn by a few lines of script). Nothing is fetched from
anywhere: the file opens from a USB stick in any browser, and prints.
"""

from __future__ import annotations

import argparse
import datetime
import html
import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup

from .live import _bib, resolve_markdown

TERM = re.compile(r"\{term\}`([^`<]+?)(?:\s*<[^`]*>)?`")
UNKNOWN_ROLE = re.compile(r"\{(?:numref|ref|eq)\}`([^`<]+?)(?:\s*<[^`]*>)?`")
EXERCISE = re.compile(r"^(`{3,}|:{3,})\{(exercise|solution)\}[^\n]*$", re.MULTILINE)
BIBLIOGRAPHY = re.compile(r"^(`{3,}|:{3,})\{bibliography\}[^\n]*\n(?:.*?\n)??\1[ \t]*$", re.MULTILINE)
# inert without JavaScript, so not in an answer key
DROP = ('.tb-verdict[data-correct="false"] .tb-answer-mark', ".tb-controls", ".tb-question-controls", ".tb-check-row", ".tb-progress", ".tb-score", ".tb-qstatus", ".tb-live",
        ".tb-figure-control", "script.thalbook-state")

PAGE_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5; color: #222832;
       max-width: 52rem; margin: 1rem auto; padding: 0 1rem; }
table { border-collapse: collapse; margin: 1rem 0; } th, td { border: 1px solid #8a96a3; padding: 0.25rem 0.5rem; }
.admonition { border-left: 4px solid #0a5fa6; background: #f3f4f5; padding: 0.25rem 1rem; margin: 1rem 0; }
.admonition-title { font-weight: 600; }
.tb-handout-banner { border: 2px solid #9a6700; padding: 0.5rem 1rem; }
.thalbook-widget .tb-answer-mark { font-weight: 600; }
.thalbook-widget .tb-verdict[data-correct="true"] { color: #00843d; }
.tb-handout-code { font-size: 0.85em; color: #48566b; }
pre { white-space: pre-wrap; }
@media print { .thalbook-widget, figure { break-inside: avoid; } }
"""

DRAW = """
for (const div of document.querySelectorAll(".thalbook-figure")) {
  const data = div.querySelector(".thalbook-figure-data");
  if (!data) continue;
  const fig = JSON.parse(data.textContent);
  if (!div.style.height) div.style.height = ((fig.layout && fig.layout.height) || 420) + "px";
  Plotly.newPlot(div, fig.data || [], fig.layout || {}, { displaylogo: false, responsive: true });
}
"""


def _myst_html(text: str) -> str:
    from docutils.core import publish_parts
    from myst_parser.parsers.docutils_ import Parser

    text = TERM.sub(r"\1", text)
    text = UNKNOWN_ROLE.sub(r"\1", text)
    text = BIBLIOGRAPHY.sub("", text)
    text = EXERCISE.sub(lambda m: f"{m.group(1)}{{admonition}} {m.group(2).capitalize()}", text)
    parts = publish_parts(
        text,
        parser=Parser(),
        writer_name="html5",
        settings_overrides={
            "myst_enable_extensions": ["colon_fence", "deflist", "substitution"],
            "doctitle_xform": False,
            "report_level": 4,  # a role Sphinx alone knows is shown as text, not as an error box
            "halt_level": 5,
            "embed_stylesheet": False,
            "stylesheet_path": "",
        },
    )
    return parts["body"]


def _output_html(out: dict) -> str:
    kind = out.get("output_type")
    if kind == "stream":
        return "" if out.get("name") == "stderr" else f"<pre>{html.escape(''.join(out.get('text', '')))}</pre>"
    if kind == "error":
        raise RuntimeError(f"the page raised {out.get('ename')}: {out.get('evalue')}")
    data = out.get("data", {})
    if "text/html" in data:
        return "".join(data["text/html"])
    if "text/markdown" in data:
        return _myst_html("".join(data["text/markdown"]))
    if "image/svg+xml" in data:
        return "".join(data["image/svg+xml"])
    if "image/png" in data:
        return f'<img alt="" src="data:image/png;base64,{"".join(data["image/png"]).strip()}">'
    if "text/plain" in data:
        return f"<pre>{html.escape(''.join(data['text/plain']))}</pre>"
    return ""


def answer_key(body: str) -> str:
    """Every widget's answers shown: the right option marked, the controls that need JavaScript gone."""
    soup = BeautifulSoup(body, "html.parser")
    for sel in DROP:
        for el in soup.select(sel):
            el.decompose()
    for el in soup.select(".thalbook-widget [hidden]"):
        del el["hidden"]  # every stage, feedback, card and the "(the right answer)" mark
    return str(soup)


def find_page(page: str, book: Path) -> Path:
    p = Path(page)
    # "3.3-case-vignettes" has a "suffix" (.3-case-vignettes): add .ipynb, never replace
    candidates = [p, Path(f"{p}.ipynb"), book / p, book / f"{p}.ipynb"]
    for c in candidates:
        if c.is_file() and c.suffix == ".ipynb":
            return c.resolve()
    known = sorted(str(x.relative_to(book).with_suffix("")) for x in (book / "chapters").rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in x.parts)
    raise SystemExit(f"error: no page {page!r}; PAGE is one of:\n  " + "\n  ".join(known))


def handout(page: str, book: Path, out_dir: Path, timeout: int = 300) -> Path:
    import nbformat
    from nbclient import NotebookClient

    src = find_page(page, book)
    nb = nbformat.read(src, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(src.parent)}}).execute()
    resolved, missing = resolve_markdown(nb, src, book / "chapters", _bib())
    if missing:
        print(f"NOTICE: {src.name}: no glue cell gives {', '.join(sorted(set(missing)))}", file=sys.stderr)
    parts, title = [], src.stem
    for cell in resolved["cells"]:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            m = re.search(r"^#\s+(.+)$", source, re.MULTILINE)
            if m and title == src.stem:
                title = m.group(1).strip()
            parts.append(_myst_html(source))
        elif cell["cell_type"] == "code":
            parts.extend(_output_html(o) for o in cell.get("outputs", []))
    body = answer_key("\n".join(parts))
    from ..widgets.engine import css

    script = ""
    if 'class="thalbook-figure"' in body:
        from .sphinxext import plotly_js_path

        plotly = plotly_js_path(book).read_text(encoding="utf-8").replace("</script", "<\\/script")
        script = f"<script>{plotly}</script>\n<script>{DRAW}</script>"
    rel = src.relative_to(book.resolve()).as_posix() if src.is_relative_to(book.resolve()) else src.name
    stamp = datetime.date.today().isoformat()
    doc = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}: answer key</title>"
        f"<style>{PAGE_CSS}\n{css()}</style></head>\n<body><main>"
        f'<p class="tb-handout-banner"><strong>Answer key</strong> for {html.escape(rel)}, executed {stamp}: '
        "every stage and every option's feedback is shown, the right answers marked. Teaching material, "
        "not a prescribing guide.</p>\n"
        f"{body}</main>\n{script}</body></html>\n"
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{src.stem}.html"
    out.write_text(doc, encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m thalbook.site.handout", description=__doc__.split("\n\n")[0])
    ap.add_argument("page", help="the page, e.g. chapters/3-clinical-efficacy/3.3-case-vignettes")
    ap.add_argument("--book", type=Path, default=Path.cwd())
    ap.add_argument("--out", type=Path, default=None, help="folder for the HTML (default: BOOK/_build/handout)")
    ns = ap.parse_args(argv)
    book = ns.book.resolve()
    out = handout(ns.page, book, (ns.out or book / "_build" / "handout").resolve())
    print(f"== answer key written: {out} ({out.stat().st_size // 1024} KB, no external requests)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
