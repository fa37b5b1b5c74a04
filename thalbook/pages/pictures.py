"""Pictures drawn from data at build time, as inline SVG (no script, no external image, no colour needed:
lines and text use the page's text colour, so dark mode works), each in a figure with a caption and a
text alternative (issue 17): the timeline of a case (pages 3.3.1-3.3.3), the timeline of
thalidomide's history (page 1.1) and the pregnancy-prevention schedule (page 4.1) and the blood counts of MDS, DBA and aplastic anaemia (page 1.2).
"""

from __future__ import annotations

from functools import partial

from ..core.stepper import route
from ..data import dataset
from .cases import case_time_label
from .common import HTML, e, wording
from .pharmacology import wrap

PART = "pictures"
_w = partial(wording, PART)

_W = 400  # viewBox width
_LINE = 15  # text line height


def _svg(ident: str, height: float, title: str, desc: str, body: str) -> str:
    marker = f"{ident}-arrow"
    return (
        f'<svg class="tb-picture-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {height:g}" width="100%"'
        f' role="img" aria-labelledby="{ident}-title {ident}-desc" focusable="false">'
        f'<title id="{ident}-title">{e(title)}</title><desc id="{ident}-desc">{e(desc)}</desc>'
        f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7"'
        ' orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="currentColor"/></marker></defs>'
        f"{body}</svg>"
    )


def _figure(ident: str, svg: str, caption: str, sentences: list[str]) -> HTML:
    items = "".join(f"<li>{e(s)}</li>" for s in sentences)
    markup = (
        f'<figure class="tb-picture" id="fig-{ident}"><div class="tb-picture-wrap">{svg}</div>'
        f"<figcaption>{e(caption)}</figcaption>"
        f'<details class="tb-figure-alt"><summary>{e(_w("alt_summary"))}</summary><ol>{items}</ol></details></figure>'
    )
    return HTML(markup, "\n".join(sentences))


# ------------------------------------------------------------------ a case's timeline (pages 3.3.1-3.3.3)
def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def case_timeline_items(case) -> list[dict]:
    """The timed stages of a case in time order: the main route (each decision's first option) and, beside
    it, the stage each other option leads to. Each item: stage, weeks, label, main (bool), option (1-based,
    for a branch), fork (number of options, for a decision stage)."""
    stages = [s.model_dump() for s in case.stages]
    main = route(stages, {s["id"]: 0 for s in stages if s.get("choice")})
    items = []
    for k in main:
        st = case.stages[k]
        if st.when is not None:
            items.append({"stage": st, "weeks": st.when.weeks, "label": case_time_label(st.when), "main": True,
                          "option": None, "fork": len(st.choice.options) if st.choice else 0})
    by_id = {st.id: st for st in case.stages}
    for st in case.stages:
        for j, o in enumerate(st.choice.options if st.choice else []):
            target = by_id[o.goto]
            if j and target.when is not None:
                items.append({"stage": target, "weeks": target.when.weeks, "label": case_time_label(target.when),
                              "main": False, "option": j + 1, "choice": o.text, "fork": 0})
    return sorted(items, key=lambda it: (it["weeks"], not it["main"]))  # stable: route order within a week


def case_timeline_sentences(case) -> list[str]:
    """The timeline in words, one sentence per point, in time order."""
    out = []
    for it in case_timeline_items(case):
        title, when = it["stage"].title, _upper_first(it["label"])
        if it["main"]:
            out.append(_w("timeline_stage", when=when, title=title))
            if it["fork"]:
                out.append(_w("timeline_fork", n=it["fork"]))
        else:
            out.append(_w("timeline_branch", when=when, option=it["choice"], title=title))
    return out


def _tick_step(weeks: float) -> int:
    """A ruler step that gives at most 7 ticks: 1, 2 or 4 weeks, then 8, 12, 26 or 52."""
    return next((s for s in (1, 2, 4, 8, 12, 26, 52) if weeks / s <= 6), 104)


def case_timeline(ident: str) -> HTML:
    """Figure: the case's stages on a ruler of weeks, to scale (illustrative times). The main route's stages
    are filled dots on a solid line; the stages the other choices lead to are open dots on a dashed line
    that leaves the main line where the reader chooses. Labels sit right of the ruler, pushed apart where
    times are close, each joined to its true time by a thin line."""
    case = dataset().item("cases", ident)
    items = case_timeline_items(case)
    axis, fork_x, text_x, top, gap, size, per_line = 56, 36, 86, 46.0, 10, 14, 38
    blocks = []
    for it in items:
        title = it["stage"].title.split(": ", 1)[-1] if not it["main"] else it["stage"].title
        head = _upper_first(it["label"])
        if not it["main"]:
            head = _w("timeline_option_head", when=head, option=it["option"])
        lines = wrap(head, per_line)
        bold = len(lines)  # the time, in bold
        lines += wrap(title, per_line)
        if it["fork"]:
            lines += wrap(_w("timeline_fork_short", n=it["fork"]), per_line)
        blocks.append((lines, bold))
    step_y = size + 3  # line height
    heights = [step_y * len(b) for b, _ in blocks]
    span = max(it["weeks"] for it in items) or 1
    scale = (sum(heights) + gap * (len(items) - 1)) / span  # the ruler as tall as the labels
    y_of = lambda w: top + w * scale  # noqa: E731
    end = y_of(span)
    parts = [f'<text x="4" y="{top - 22:g}" font-size="13" font-weight="bold"'
             f' fill="currentColor">{e(_w("timeline_axis"))}</text>',
             f'<line x1="{axis}" y1="{top:g}" x2="{axis}" y2="{end:g}" stroke="currentColor" stroke-width="2"/>']
    step = _tick_step(span)
    for w in range(0, int(span) + 1, step):
        y = y_of(w)
        parts.append(f'<line x1="{axis - 6}" y1="{y:g}" x2="{axis}" y2="{y:g}" stroke="currentColor" stroke-width="1"/>')
        parts.append(f'<text x="{fork_x - 10}" y="{y + 4:g}" text-anchor="end" font-size="13" fill="currentColor">{w}</text>')
    fork = next((it for it in items if it["fork"]), None)
    branches = [it for it in items if not it["main"]]
    if fork and branches:  # the other choices leave the main line at the decision
        y0, y1 = y_of(fork["weeks"]), y_of(max(b["weeks"] for b in branches))
        parts.append(f'<path d="M{axis},{y0:g} L{fork_x},{y0 + 10:g} L{fork_x},{max(y1, y0 + 10):g}" fill="none"'
                     ' stroke="currentColor" stroke-width="1.5" stroke-dasharray="5 4"/>')
    prev = top - 40
    for it, (lines, bold) in zip(items, blocks):
        y = y_of(it["weeks"])
        if it["main"]:
            x = axis
            parts.append(f'<circle cx="{x}" cy="{y:g}" r="5" fill="currentColor"/>')
        else:
            x = fork_x
            y = max(y, y_of(fork["weeks"]) + 10) if fork else y
            parts.append(f'<circle cx="{x}" cy="{y:g}" r="5" fill="none" stroke="currentColor" stroke-width="1.5"/>')
        ty = max(y + 5, prev + gap + size)  # the first line's baseline, below the label above
        parts.append(f'<line x1="{x + 6}" y1="{y:g}" x2="{text_x - 4}" y2="{ty - 4:g}" stroke="currentColor"'
                     ' stroke-width="0.75"/>')
        style = "" if it["main"] else ' font-style="italic"'
        spans = "".join(
            f'<tspan x="{text_x}" y="{ty + i * step_y:g}"{" font-weight=" + chr(34) + "bold" + chr(34) if i < bold else ""}>'
            f"{e(t)}</tspan>" for i, t in enumerate(lines))
        parts.append(f'<text font-size="{size}" fill="currentColor"{style}>{spans}</text>')
        prev = ty + step_y * (len(lines) - 1)
    sentences = case_timeline_sentences(case)
    height = max(end, prev) + 14
    svg = _svg(f"timeline-{ident}", height, _w("timeline_title", title=case.title), " ".join(sentences), "".join(parts))
    return _figure(f"timeline-{ident}", svg, _w("timeline_caption"), sentences)


# ------------------------------------------------------------------ thalidomide's history (page 1.1)
def history_events() -> list:
    """The dated facts of data/facts.yaml (unit 'year'), oldest first."""
    return sorted((f for f in dataset().rows("facts.yaml") if f.unit == "year"), key=lambda f: f.value)


def _timeline(ident: str, items: list[tuple[float, str, str]], scale: float, title: str, desc: str) -> str:
    """A vertical timeline: (position, label left of the axis, text right of it), positions to scale,
    items close together pushed apart so their text never overlaps."""
    first = items[0][0]
    parts, y_prev, top, axis_x = [], -1e9, 20.0, 86
    for pos, label, words in items:
        y = max(top + (pos - first) * scale, y_prev + 40)
        lines = wrap(words, 38)
        parts.append(f'<circle cx="{axis_x}" cy="{y:g}" r="5" fill="currentColor"/>')
        parts.append(f'<text x="{axis_x - 12}" y="{y + 5:g}" text-anchor="end" font-size="14" font-weight="bold"'
                     f' fill="currentColor">{e(label)}</text>')
        text = "".join(f'<tspan x="{axis_x + 14}" y="{y + 5 + i * _LINE:g}">{e(t)}</tspan>' for i, t in enumerate(lines))
        parts.append(f'<text font-size="13" fill="currentColor">{text}</text>')
        y_prev = y + _LINE * (len(lines) - 1)
    height = y_prev + 24
    parts.insert(0, f'<line x1="{axis_x}" y1="{top - 10:g}" x2="{axis_x}" y2="{height - 8:g}" stroke="currentColor"'
                    ' stroke-width="1.5"/>')
    return _svg(ident, height, title, desc, "".join(parts))


def history_timeline() -> HTML:
    """Figure: a vertical timeline of thalidomide's history, years to scale, each event with its status."""
    events = history_events()
    first, last = int(events[0].value), int(events[-1].value)
    items = [(f.value, str(int(f.value)), f"{f.label[0].upper()}{f.label[1:]} [{f.status}]") for f in events]
    sentences = [_w("history_event", year=int(f.value), label=f.label, status=f.status) for f in events]
    svg = _timeline("history", items, 4.0, _w("history_title", first=first, last=last), " ".join(sentences))
    return _figure("thalidomide-history", svg, _w("history_caption"), sentences)


# ------------------------------------------------------------------ pregnancy prevention (page 4.1)
def pregnancy_checks() -> list:
    """The rows of data/monitoring.yaml about pregnancy (tests, and the weeks after stopping), in time order."""
    rows = [r for r in dataset().rows("monitoring.yaml") if "pregnan" in r.label.lower()]
    return sorted(rows, key=lambda r: r.start_week)


def pregnancy_timeline() -> HTML:
    """Figure: the pregnancy-prevention schedule as a timeline (weeks of treatment, then after stopping)."""
    rows = pregnancy_checks()
    items, sentences = [], []
    for r in rows:
        origin = ", ".join(r.origin)
        items.append((r.start_week, _w("pregnancy_week", week=r.start_week),
                      f"{r.when[0].upper()}{r.when[1:]}: {r.label} [{origin}; {r.status}]"))
        sentences.append(_w("pregnancy_event", when=r.when, label=r.label, origin=origin, status=r.status))
    svg = _timeline("pregnancy", items, 3.0, _w("pregnancy_title"), " ".join(sentences))
    return _figure("pregnancy-prevention", svg, _w("pregnancy_caption"), sentences)


# ------------------------------------------------------------------ blood counts (page 1.2)
CONDITIONS = ("MDS", "DBA", "aplastic anaemia")
LINES = ("red cells", "white cells", "platelets", "marrow")


def _row_label(line: str) -> str:
    return {"red cells": _w("blood_row_red_cells"), "white cells": _w("blood_row_white_cells"),
            "platelets": _w("blood_row_platelets"), "marrow": _w("blood_row_marrow")}[line]


def blood_count_cells() -> dict[tuple[str, str], object]:
    """The cells of data/blood_counts.yaml keyed by (condition, line)."""
    return {(r.condition, r.line): r for r in dataset().rows("blood_counts.yaml")}


def blood_count_picture() -> HTML:
    """Figure: a grid, one column per condition and one row per blood line (and the marrow); every cell says
    in words how the line stands, so no colour is needed, and carries its status."""
    cells = blood_count_cells()
    label_w, top = 76, 44
    col_w = (_W - label_w - 4) / len(CONDITIONS)
    parts = []
    for i, c in enumerate(CONDITIONS):  # a long name on two lines, so it never runs past the grid
        x = label_w + col_w * (i + 0.5)
        spans = "".join(f'<tspan x="{x:g}" y="{18 + k * _LINE:g}">{e(t)}</tspan>' for k, t in enumerate(wrap(c, 10)))
        parts.append(f'<text text-anchor="middle" font-size="13" font-weight="bold" fill="currentColor">{spans}</text>')
    y = float(top)
    sentences = []
    for line in LINES:
        blocks = []
        for c in CONDITIONS:
            r = cells.get((c, line))
            words = [r.level.upper()] + wrap(r.text, 17) + [f"[{r.status}]"] if r else [_w("blood_missing")]
            blocks.append(words)
            if r:
                sentences.append(_w("blood_cell", condition=c, line=_row_label(line),
                                    level=r.level, text=r.text, status=r.status))
        h = _LINE * max(len(b) for b in blocks) + 10
        label = wrap(_row_label(line), 9)
        text = "".join(f'<tspan x="4" y="{y + 16 + i * _LINE:g}">{e(t)}</tspan>' for i, t in enumerate(label))
        parts.append(f'<text font-size="12" font-weight="bold" fill="currentColor">{text}</text>')
        for i, words in enumerate(blocks):
            x = label_w + i * col_w
            parts.append(f'<rect x="{x + 2:g}" y="{y:g}" width="{col_w - 4:g}" height="{h - 4:g}" rx="4" fill="none"'
                         ' stroke="currentColor" stroke-width="1"/>')
            bold = ' font-weight="bold"'  # the level word leads the cell
            spans = "".join(
                f'<tspan x="{x + col_w / 2:g}" y="{y + 15 + k * _LINE:g}"{bold if k == 0 else ""}>{e(t)}</tspan>'
                for k, t in enumerate(words))
            parts.append(f'<text text-anchor="middle" font-size="11" fill="currentColor">{spans}</text>')
        y += h
    svg = _svg("blood-counts", y + 4, _w("blood_title"), " ".join(sentences), "".join(parts))
    return _figure("blood-counts", svg, _w("blood_caption"), sentences)


__all__ = ["blood_count_cells", "blood_count_picture", "case_timeline", "case_timeline_items", "case_timeline_sentences", "history_events", "history_timeline", "pregnancy_checks",
           "pregnancy_timeline"]
