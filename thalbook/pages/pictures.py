"""Pictures drawn from data at build time, as inline SVG (no script, no external image, no colour needed:
lines and text use the page's text colour, so dark mode works), each in a figure with a caption and a
text alternative (issue 17): the route map of a case (pages 3.3.1-3.3.3), the timeline of
thalidomide's history (page 1.1) and the pregnancy-prevention schedule (page 4.1) and the blood counts of MDS, DBA and aplastic anaemia (page 1.2).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from ..core.stepper import route
from ..data import dataset
from .common import HTML, e, wording
from .pharmacology import wrap

PART = "pictures"
_w = partial(wording, PART)

_W = 400  # viewBox width
_LINE = 15  # text line height


def _rect(x: float, y: float, w: float, lines: Sequence[str], size: int = 13, dashed: bool = False) -> tuple[str, float]:
    """A box with centred lines of text; returns (markup, height)."""
    h = _LINE * len(lines) + 12
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    text = "".join(f'<tspan x="{x + w / 2:g}" y="{y + 17 + i * _LINE:g}">{e(t)}</tspan>' for i, t in enumerate(lines))
    return (f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" rx="6" fill="none" stroke="currentColor"'
            f' stroke-width="1.5"{dash}/><text text-anchor="middle" font-size="{size}" fill="currentColor">{text}</text>'), h


def _line(x1: float, y1: float, x2: float, y2: float, marker: str) -> str:
    return (f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" stroke="currentColor" stroke-width="1.5"'
            f' marker-end="url(#{marker})"/>')


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


# ------------------------------------------------------------------ a case's routes (pages 3.3.1-3.3.3)
def case_route_sentences(case) -> list[str]:
    """The case's stages in order, in words; a decision lists where each option leads."""
    stages = [s.model_dump() for s in case.stages]
    main = route(stages, {s["id"]: 0 for s in stages if s.get("choice")})
    titles = {s["id"]: s["title"] for s in stages}
    out, n = [], 0
    for k in main:
        s = stages[k]
        if s["branch"]:
            continue
        n += 1
        out.append(_w("route_stage", n=n, title=s["title"]))
        if s.get("choice"):
            n += 1
            for o in s["choice"]["options"]:
                out.append(_w("route_option", n=n, option=o["text"], title=titles[o["goto"]]))
    return out


def case_route_map(ident: str) -> HTML:
    """Figure: the case's stages top to bottom; the decision fans out into its branch stages, which rejoin."""
    case = dataset().item("cases", ident)
    stages = [s.model_dump() for s in case.stages]
    main = [s for s in stages if not s["branch"]]
    titles = {s["id"]: s["title"] for s in stages}
    parts, y = [], 8.0
    marker = f"route-{ident}-arrow"
    for i, s in enumerate(main):
        box, h = _rect(70, y, _W - 140, wrap(s["title"], 34))
        parts.append(box)
        y += h
        if i == len(main) - 1:
            break
        if s.get("choice"):
            opts = s["choice"]["options"]
            gap = 8
            bw = (_W - 16 - gap * (len(opts) - 1)) / len(opts)
            top = y + 28
            heights = []
            boxes = []
            for j, o in enumerate(opts):
                x = 8 + j * (bw + gap)
                label = titles[o["goto"]].split(": ", 1)[-1]  # "Your choice: ..." -> the consequence itself
                b, bh = _rect(x, top, bw, [f"{j + 1}."] + wrap(label, int(bw / 7)), size=11, dashed=True)
                boxes.append((b, x))
                heights.append(bh)
                parts.append(_line(_W / 2, y, x + bw / 2, top - 2, marker))
            bottom = top + max(heights)
            for (b, x), bh in zip(boxes, heights):
                parts.append(b)
                parts.append(_line(x + bw / 2, top + bh, _W / 2, bottom + 26, marker))
            y = bottom + 28
        else:
            parts.append(_line(_W / 2, y, _W / 2, y + 22, marker))
            y += 24
    sentences = case_route_sentences(case)
    svg = _svg(f"route-{ident}", y + 8, _w("route_title", title=case.title), " ".join(sentences), "".join(parts))
    return _figure(f"route-{ident}", svg, _w("route_caption"), sentences)


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


__all__ = ["blood_count_cells", "blood_count_picture", "case_route_map", "case_route_sentences", "history_events", "history_timeline", "pregnancy_checks",
           "pregnancy_timeline"]
