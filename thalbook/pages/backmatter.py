"""Back matter generated from data: the critical-reading checklist and the data dictionary.

The checklist reads `data/checklist.yaml` (the questions) and `data/appraisals.yaml` (every flag the
book raises, each naming its question and its page); the dictionary reads the models registered in
`thalbook/data/schemas.py` through `thalbook.data.dictionary()`. Nothing here is typed by hand, so a new flag,
question or data file appears on its page at the next build.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter

from pydantic import BaseModel

from ..core.text import markdown
from ..data import card_name, data_card, dataset, dictionary, page_title, registered_files
from .common import HTML, Markdown, badge, e, table, word_list, wording

# the flags, question by question, on a page of their own under "Reading a review critically" (issue 17: shorter
# pages); the summary table on the parent page links to each question there
CHECKLIST_PAGE = "chapters/back/critical-reading-checklist"
SUMMARY_PAGE = "chapters/back/critical-reading"
PART = "back"


def w(key: str, **fields) -> str:
    """A text of data/wording/back.yaml, escaped for markup."""
    return e(wording(PART, key, **fields))
STATUS_ORDER = ("verified", "not verified", "not found", "derived", "illustrative")


# ---------------------------------------------------------------- the critical-reading checklist
def flag_href(page: str, ident: str, from_page: str = CHECKLIST_PAGE) -> str:
    """Relative link from `from_page` to the appraisal box `ident` on `page` (paths without suffix).

    >>> flag_href("chapters/3-clinical-efficacy/overview", "ch3-64-of-27")
    '../3-clinical-efficacy/overview.html#appraisal-ch3-64-of-27'
    """
    return f"{posixpath.relpath(page + '.html', posixpath.dirname(from_page))}#appraisal-{ident}"


def checklist_groups() -> list[tuple[BaseModel, list[BaseModel]]]:
    """Each checklist question (in the order of data/checklist.yaml) with the flags that name it, in the
    order of data/appraisals.yaml. The validator guarantees that every flag names a known question."""
    ds = dataset()
    flags = ds.rows("appraisals.yaml")
    return [(q, [f for f in flags if f.question == q.id]) for q in ds.rows("checklist.yaml")]


def _section(review_section: str) -> str:
    return review_section if not review_section[0].isdigit() else f"§{review_section}"


def critical_reading_checklist(from_page: str = CHECKLIST_PAGE) -> HTML:
    """The checklist, each question followed by every flag of the book that answers it: the review's
    words with their section, the verdict, the status and a link to the box on the page that raises it."""
    items, plain = [], []
    for number, (q, flags) in enumerate(checklist_groups(), start=1):
        rows, lines = [], []
        for f in flags:
            title = page_title(f.page)
            rows.append(
                f'<li class="tb-check-flag" data-flag="{e(f.id)}">'
                f'<p class="tb-check-claim"><span class="tb-check-section">{w("check_review", section=_section(f.review_section))}</span> '
                f"{e(f.claim)}</p>"
                f'<p class="tb-check-meta">{w("check_verdict")} <span class="tb-verdict">{e(f.verdict)}</span> · '
                f'{w("check_status")} {badge(f.status)}'
                f' · <a class="tb-check-link" href="{e(flag_href(f.page, f.id, from_page))}">'
                f'{w("check_see", title=title)}</a></p></li>'
            )
            lines.append(f"  [{f.status}] {f.id} ({f.verdict}) -> {f.page}")
        count = wording(PART, "check_one_flag") if len(flags) == 1 else wording(PART, "check_many_flags", count=len(flags))
        flag_list = (
            f'<ul class="tb-check-flags" aria-label="{w("check_flags_label", number=number)}">{"".join(rows)}</ul>'
            if rows else f'<p class="tb-check-none">{w("check_none")}</p>'
        )
        items.append(
            f'<section class="tb-check-question" id="check-{e(q.id)}" aria-labelledby="check-{e(q.id)}-title">'
            f'<h3 id="check-{e(q.id)}-title">{number}. {e(q.question)}</h3>'
            f'<div class="tb-check-look"><p class="tb-check-label">{w("check_look")}</p>{markdown(q.look_for)}</div>'
            f'<div class="tb-check-how"><p class="tb-check-label">{w("check_how")}</p>{markdown(q.how)}</div>'
            f'<p class="tb-check-count">{w("check_applied", count=count)} '
            f'<span class="tb-check-status">({w("check_question_status")} {badge(q.status)})</span></p>'
            f"{flag_list}</section>"
        )
        plain += [f"{number}. {q.question} ({count})", *lines]
    return HTML(f'<div class="tb-checklist">{"".join(items)}</div>', "\n".join(plain))


def checklist_summary() -> HTML:
    """How many flags answer each question, by status (counted from data/appraisals.yaml at build time); each
    question links to its flags on the checklist page."""
    rows, total = [], Counter()
    checklist = posixpath.relpath(CHECKLIST_PAGE + ".html", posixpath.dirname(SUMMARY_PAGE))
    for number, (q, flags) in enumerate(checklist_groups(), start=1):
        counts = Counter(f.status for f in flags)
        total.update(counts)
        by_status = ", ".join(f"{counts[s]} {badge(s)}" for s in STATUS_ORDER if counts[s]) or w("summary_none")
        rows.append([f'<a href="{e(checklist)}#check-{e(q.id)}">{number}. {e(q.question)}</a>', str(len(flags)), by_status])
    n = sum(total.values())
    rows.append([f"<strong>{w('summary_all')}</strong>", f"<strong>{n}</strong>",
                 ", ".join(f"{total[s]} {badge(s)}" for s in STATUS_ORDER if total[s])])
    return HTML(
        table(wording(PART, "summary_caption"), word_list(PART, "summary_header"), rows, "tb-check-summary"),
        f"{n} flags under {len(rows) - 1} questions",
    )


# ---------------------------------------------------------------- the data dictionary
def _anchor(file: str) -> str:
    return "dict-" + re.sub(r"[^a-z0-9]+", "-", file.lower()).strip("-")


def _one_line(markup: str) -> str:
    """HTML on one line: in MyST a blank line would end the raw HTML block (and start Markdown)."""
    return " ".join(markup.split())


def data_dictionary() -> Markdown:
    """Every registered data file with each of its columns (nested records as dotted paths): type, unit,
    meaning and allowed values, grouped by file, with the file's data card folded below its title.

    Generated from `thalbook.data.dictionary()`, hence from the schemas, at build time. The result is MyST
    Markdown: the columns are escaped raw HTML, and each data card is pulled in with an `{include}`
    directive, so Sphinx re-reads the page when a card changes (the execution cache keys on code only,
    and a card is no input of any code cell).
    """
    table = dictionary()
    index, blocks, plain = [], [], []
    for file, model, layout in registered_files():
        rows = table[table["file"] == file]
        anchor = _anchor(file)
        index.append(f'<li><a href="#{anchor}"><code>{e(file)}</code></a></li>')
        about = " ".join((model.__doc__ or "").strip().split("\n\n")[0].split())
        entries = []
        for r in rows.itertuples(index=False):
            unit = f'<p><span class="tb-dict-label">Unit:</span> {e(r.unit)}</p>' if r.unit else ""
            entries.append(
                f'<div class="tb-dict-col"><dt><code>{e(r.column)}</code> '
                f'<span class="tb-dict-type">{e(r.type)}</span></dt>'
                f"<dd><p>{e(r.meaning)}</p>{unit}"
                f'<p><span class="tb-dict-label">Allowed:</span> {e(r.allowed)}</p></dd></div>'
            )
            plain.append(f"{file}  {r.column}  {r.type}  {r.unit}  {r.allowed}")
        card = str(rows["card"].iloc[0]) if len(rows) else "data/" + card_name(file)
        blocks.append(_one_line(
            f'<section class="tb-dict-file" id="{anchor}" aria-labelledby="{anchor}-title">'
            f'<h3 id="{anchor}-title"><code>data/{e(file)}</code></h3>'
            + (f'<p class="tb-dict-about">{e(about)}</p>' if about else "")
            + f'<p class="tb-dict-layout">{e(layout)} · {len(rows)} columns · schema <code>{e(model.__name__)}</code>'
            " in <code>thalbook/data/schemas.py</code></p>"
        ))
        if data_card(file) is not None:
            # the card's first line is its title; the section heading already names the file
            # no backticks in the title: a backtick fence's info string may not hold any (CommonMark)
            # contributor-facing and generated from the schemas alone: it must build even when data/ does not
            # load, so its few words stay here rather than in data/wording/
            blocks.append(f"````{{dropdown}} Data card {card}: sources, how it was built, how to add a row\n"
                          f":class-container: tb-dict-card\n```{{include}} /{card}\n:start-line: 1\n```\n````")
        else:
            blocks.append(f'<p class="tb-dict-nocard">No data card yet: add <code>{e(card)}</code>.</p>')
        blocks.append(_one_line(f'<dl class="tb-dict">{"".join(entries)}</dl></section>'))
    nav = _one_line(f'<nav class="tb-dict-index" aria-label="Data files"><p>{len(index)} files:</p>'
                    f'<ul>{"".join(index)}</ul></nav>')
    text = "\n\n".join([nav, *blocks]) + "\n"
    return Markdown(text, "\n".join(plain))
