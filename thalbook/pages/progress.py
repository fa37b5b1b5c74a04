"""The landing page's "Your progress" box: every self-check of the book, grouped by part.

Progress itself lives only in the reader's browser (localStorage, written by the widgets' boot.js under
``thalbook:<book version>:<kind>:<id>``); this module lists what there is to do, found in the code cells of
the pages in ``_toc.yml`` order, and boot.js fills in what the reader has done. Nothing is sent anywhere.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from ..core.text import escape
from ..data import dataset, project_root
from ..widgets.engine import book_version
from .common import HTML, word_list, wording

# one-line calls in code cells; presenter views are a lecturer's, not a reader's progress
_CALL = re.compile(r"\btb\.(quiz|stepper|case_stepper|cases_page|mechanism_stepper)\((?:\"([a-z0-9-]+)\")?\s*\)")
# page functions that show one stepper of data/steppers/ under their own name
_NAMED = {"mechanism_stepper": "mechanism-summary"}


def _code(page: Path) -> str:
    cells = json.loads(page.read_text(encoding="utf-8")).get("cells", [])
    return "\n".join("".join(c.get("source", "")) for c in cells if c.get("cell_type") == "code")


def _toc(root: Path) -> list[tuple[str, str]]:
    """(part caption, page path) in reading order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    return [(p["caption"], c["file"]) for p in toc.get("parts", []) for c in p.get("chapters", [])]


def self_checks(root: Path | None = None) -> list[dict]:
    """Each quiz and stepper a reader meets, once, on the first page that shows it."""
    root = root or project_root()
    ds = dataset()
    seen: set[tuple[str, str]] = set()
    out = []
    for part, page in _toc(root):
        path = root / f"{page}.ipynb"
        if not path.is_file():
            continue
        for call, ident in _CALL.findall(_code(path)):
            if call == "quiz":
                found = [("quiz", ident, ds.item("quizzes", ident))]
            elif call in ("stepper", *_NAMED):
                ident = _NAMED.get(call, ident)
                found = [("stepper", ident, ds.item("steppers", ident))]
            else:
                ids = [ident] if ident else list(ds.folders.get("cases", {}))
                found = [("stepper", i, ds.item("cases", i)) for i in ids]
            for kind, i, doc in found:
                if (kind, i) in seen:
                    continue
                seen.add((kind, i))
                questions = getattr(doc, "questions", None) or [s.question for s in doc.stages if s.question]
                out.append({
                    "kind": kind, "id": i, "title": doc.title, "part": part, "page": page,
                    "questions": len(questions), "stages": len(getattr(doc, "stages", []) or []),
                })
    return out


def progress() -> HTML:
    """The "Your progress" box of the landing page (filled in by boot.js from this browser's storage)."""
    items = self_checks()
    parts = list(dict.fromkeys(it["part"] for it in items))
    rows = "".join(
        f'<tr data-part="{escape(p)}"><th scope="row">{escape(p)}</th>'
        f'<td class="tb-progress-done">{wording("common", "progress_none_done", total=sum(it["part"] == p for it in items))}</td>'
        f'<td class="tb-progress-score">–</td></tr>'
        for p in parts
    )
    lis = "".join(
        f'<li class="tb-progress-item" data-kind="{it["kind"]}" data-id="{escape(it["id"])}" data-part="{escape(it["part"])}"'
        f' data-questions="{it["questions"]}" data-stages="{it["stages"]}">'
        # links are relative to the landing page (chapters/index)
        f'<a href="{escape(it["page"].removeprefix("chapters/"))}.html">{escape(it["title"])}</a> '
        f'<span class="tb-progress-state">{wording("common", "progress_not_started")}</span></li>'
        for it in items
    )
    markup = (
        # the page's own heading says "Your progress"; the box is named for screen readers only
        f'<section class="thalbook-progress" data-version="{escape(book_version())}"'
        f' aria-label="{escape(wording("common", "progress_title"))}">'
        f'<p class="tb-progress-note">{wording("common", "progress_note")}</p>'
        f'<p class="tb-progress-off" hidden>{wording("common", "progress_off")}</p>'
        f'<table class="tb-progress-table"><caption>{wording("common", "progress_caption")}</caption><thead><tr>'
        + "".join(f"<th scope=\"col\">{escape(h)}</th>" for h in word_list("common", "progress_header"))
        + f"</tr></thead><tbody>{rows}</tbody></table>"
        f'<details class="tb-progress-details"><summary>{wording("common", "progress_each")}</summary><ul class="tb-progress-items">{lis}</ul></details>'
        f'<p class="tb-progress-controls" hidden><button type="button" class="tb-progress-reset">{wording("common", "progress_reset")}</button></p>'
        '<div class="tb-live tb-visually-hidden" aria-live="polite" role="status"></div></section>'
    )
    plain = "; ".join(f"{p}: {sum(it['part'] == p for it in items)} self-checks" for p in parts)
    return HTML(markup, plain)
