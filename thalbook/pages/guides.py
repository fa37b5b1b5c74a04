"""The lecturer guide's lesson plans and the changelog page, rendered from `data/`.

`tb.lesson_plan("45")` shows a plan of `data/lesson_plans.yaml`; `tb.changelog()` and `tb.errata()` show
`data/changelog.yaml`. Each returns MyST Markdown, so the pages a plan names become `{doc}` links that the
strict build (`-n`) checks; every minute and date shown comes from the data files.
"""

from __future__ import annotations

import datetime

from ..data import dataset
from ..data.schemas import LessonPlan, tb_call  # noqa: F401  (tb_call: re-exported for tests and guides)
from .common import Markdown, wording


def _doc(page: str) -> str:
    """A link to a page of the book given as a path from the book's root (an absolute docname)."""
    return f"{{doc}}`/{page}`"


def _day(d: datetime.date) -> str:
    return f"{d.day} {d:%B %Y}"


def plan(ident: str) -> LessonPlan:
    """The plan `ident` of data/lesson_plans.yaml."""
    plans = dataset().document("lesson_plans.yaml").plans
    for p in plans:
        if p.id == ident:
            return p
    raise KeyError(f"no plan '{ident}' in data/lesson_plans.yaml; known: {', '.join(p.id for p in plans)}")


def step_times(p: LessonPlan) -> list[tuple[int, int]]:
    """(start, end) minute of each step, counted from the start of the class."""
    out, start = [], 0
    for step in p.steps:
        out.append((start, start + step.minutes))
        start += step.minutes
    return out


def lesson_plan(ident: str) -> Markdown:
    """A lesson plan as a numbered list of timed steps: page, activity, calls to run live, a question."""
    p = plan(ident)
    times = step_times(p)
    lines = [
        f"**{p.title}.** {p.minutes} minutes in {len(p.steps)} steps. {p.audience}",
        "",
        wording("back", "plan_aims"),
        "",
        *[f"- {aim}" for aim in p.aims],
        "",
    ]
    if p.prepare:
        lines += [wording("back", "plan_prepare"), "", *[f"- {item}" for item in p.prepare], ""]
    for n, (step, (start, end)) in enumerate(zip(p.steps, times), 1):
        where = f" · {_doc(step.page)}." if step.page else ""
        lines.append(wording("back", "plan_step", n=n, start=start, end=end, minutes=step.minutes, where=where,
                             body=step.body))
        if step.live:
            lines += ["", "   " + wording("back", "plan_live", calls=", ".join(f"`{call}`" for call in step.live))]
        if step.prompt:
            lines += ["", "   " + wording("back", "plan_ask", prompt=step.prompt)]  # indented: part of the step
        lines.append("")
    return Markdown("\n".join(lines))


def _commits(commits: list[str]) -> str:
    if not commits:
        return " (not yet committed)"
    return f" (commit{'s' if len(commits) > 1 else ''} " + ", ".join(f"`{c}`" for c in commits) + ")"


def changelog() -> Markdown:
    """Every version of data/changelog.yaml, newest first, with its changes and their commits."""
    lines = []
    for r in dataset().document("changelog.yaml").releases:
        lines += [f"**Version {r.version}**, {_day(r.date)} ({r.state}): {r.label}.", ""]
        lines += [f"- *{c.area}*: {c.text}{_commits(c.commits)}" for c in r.changes]
        lines.append("")
    return Markdown("\n".join(lines))


def errata() -> Markdown:
    """The errata of data/changelog.yaml: what was wrong, where, when it was found and fixed, and how."""
    items = dataset().document("changelog.yaml").errata
    if not items:
        return Markdown(wording("back", "no_errata"))
    lines = []
    for e in items:
        when = f"found {_day(e.found)}, " + (f"fixed {_day(e.fixed)}" if e.fixed else "**open**")
        where = _doc(e.page) if e.page else "every page"
        lines += [f"- **{e.area.capitalize()}** on {where} ({when}). {e.text} *Correction:* {e.correction}"
                  f"{_commits(e.commits)}", ""]
    return Markdown("\n".join(lines))
