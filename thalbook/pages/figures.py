"""Figure builders: each returns plotly figures built from data rows; never calls .show().

Status is visible without colour: verified rows are solid markers, anything else hollow, and the status
is written in the hover text and in the text alternative.
"""

from __future__ import annotations

from functools import partial

from ..core.stats import wilson_interval
from ..data import dataset
from .common import badge, e, word_group, word_list, wording

PART = "common"
DENOMINATORS = ("itt", "evaluable")
_w = partial(wording, PART)  # the figure's words live with the shared texts


def response_rows(outcomes: tuple[str, ...] = ("haematologic improvement", "erythroid response", "response"),
                  drug: str = "thalidomide") -> dict[str, list]:
    """Adult MDS thalidomide trials with a full count, per denominator type."""
    out: dict[str, list] = {k: [] for k in DENOMINATORS}
    for row in _response_data(outcomes, drug):
        if row.denominator_type in out and row.numerator is not None and row.denominator is not None:
            out[row.denominator_type].append(row)
    return out


def _response_data(outcomes: tuple[str, ...], drug: str) -> list:
    return [row for row in dataset().rows("studies.csv")
            if row.drug == drug and row.outcome in outcomes and row.group == "all"]


def response_trials() -> list[tuple[str, str, dict]]:
    """Every trial of the figure, in file order: (study_id, label, {denominator type: row or None}). A trial
    without a full count under one denominator is kept, so both views show the same trials."""
    rows = response_rows()
    trials: dict[str, tuple[str, str, dict]] = {}
    for row in _response_data(("haematologic improvement", "erythroid response", "response"), "thalidomide"):
        trials.setdefault(row.study_id, (row.study_id, row.study_label, {k: None for k in DENOMINATORS}))
    for kind, rs in rows.items():
        for r in rs:
            trials[r.study_id][2][kind] = r
    return list(trials.values())


def _count(r) -> str:
    return f"{r.numerator}/{r.denominator}"


def response_forest(denominator_type: str):
    """Response proportion with its 95% Wilson score interval for each trial, one denominator type. Every
    trial keeps its row in both views (the marker moves along it); a trial with no count under this
    denominator says so on its row. customdata[0] is the study id (figure.js highlights its table row)."""
    import plotly.graph_objects as go

    trials = response_trials()
    missing_words = word_group(PART, "forest_missing")[denominator_type]
    fig = go.Figure()
    for verified in (True, False):
        sel = [(sid, label, ds[denominator_type]) for sid, label, ds in trials
               if ds[denominator_type] is not None and (ds[denominator_type].status == "verified") == verified]
        if not sel:
            continue
        cis = [wilson_interval(r.numerator, r.denominator) for _, _, r in sel]
        pct = [100 * r.numerator / r.denominator for _, _, r in sel]
        fig.add_trace(
            go.Scatter(
                x=[round(p, 1) for p in pct],
                y=[label for _, label, _ in sel],
                mode="markers",
                name="verified" if verified else "not verified",
                marker={"size": 11, "symbol": "circle" if verified else "circle-open", "line": {"width": 2}},
                error_x={
                    "type": "data", "symmetric": False,
                    "array": [round(100 * hi - p, 1) for (lo, hi), p in zip(cis, pct)],
                    "arrayminus": [round(p - 100 * lo, 1) for (lo, hi), p in zip(cis, pct)],
                },
                customdata=[[sid, f"{r.outcome}, {_count(r)}", r.status, round(100 * lo, 1), round(100 * hi, 1)]
                            for (sid, _, r), (lo, hi) in zip(sel, cis)],
                hovertemplate=_w("forest_hover"),
            )
        )
    absent = [(sid, label) for sid, label, ds in trials if ds[denominator_type] is None]
    if absent:
        fig.add_trace(go.Scatter(
            x=[1] * len(absent), y=[label for _, label in absent], mode="text", text=[missing_words] * len(absent),
            textposition="middle right", name=missing_words, showlegend=False, hoverinfo="skip",
            customdata=[[sid] for sid, _ in absent],
        ))
    labels = [label for _, label, _ in trials]
    ticks = [f"{label} ({_count(ds[denominator_type])})" if ds[denominator_type] is not None else label
             for _, label, ds in trials]
    fig.update_layout(
        xaxis={"title": {"text": _w("forest_x")}, "range": [0, 100]},
        yaxis={"title": {"text": _w("forest_y")}, "autorange": "reversed", "automargin": True,
               "categoryorder": "array", "categoryarray": labels,
               "tickmode": "array", "tickvals": labels, "ticktext": ticks},
        legend={"title": {"text": _w("forest_legend")}, "orientation": "h", "y": -0.3},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        height=360,
    )
    return fig


def response_table(denominator_type: str) -> str:
    """The text alternative of one view: every trial with its count, percentage, interval and status, the
    trial's name linking to its row of the evidence table."""
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in word_list(PART, "forest_table_header"))
    body = []
    for sid, label, ds in response_trials():
        r = ds[denominator_type]
        name = f'<a href="#evidence-{e(sid)}">{e(label)}</a>'
        if r is None:
            cells = [name, e(word_group(PART, "forest_missing")[denominator_type]), "–", "–", "–"]
        else:
            lo, hi = wilson_interval(r.numerator, r.denominator)
            cells = [name, e(_count(r)), f"{100 * r.numerator / r.denominator:.1f}",
                     f"{100 * lo:.1f} to {100 * hi:.1f}", badge(r.status)]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    caption = _w("forest_table_caption", denominator=word_group(PART, "denominators")[denominator_type])
    # in a labelled region that scrolls on its own: five columns do not fit a 320 px screen
    return (f'<div class="tb-table-wrap" tabindex="0" role="region" aria-label="{e(caption)}">'
            f'<table class="tb-figure-table"><caption>{e(caption)}</caption><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def response_alt(denominator_type: str) -> str:
    parts = []
    for _sid, label, ds in response_trials():
        r = ds[denominator_type]
        if r is None:
            parts.append(f"{label}: {word_group(PART, 'forest_missing')[denominator_type]}")
            continue
        lo, hi = wilson_interval(r.numerator, r.denominator)
        parts.append(_w("forest_alt_part", study=r.study_label, x=r.numerator, n=r.denominator,
                        pct=f"{100 * r.numerator / r.denominator:.1f}", low=f"{100 * lo:.1f}", high=f"{100 * hi:.1f}",
                        status=r.status))
    return _w("forest_alt", denominator=word_group("common", "denominators")[denominator_type], parts="; ".join(parts))


def response_forest_spec() -> dict:
    """The linked-figure spec: the same trials under each denominator; a click on a trial highlights its
    rows of the evidence table (tr[data-study])."""
    return {
        "id": "response-by-denominator",
        "title": _w("forest_title"),
        "control": {"label": _w("forest_control"),
                    "options": [{"value": k, "label": v} for k, v in word_group("common", "denominators").items()]},
        "states": {k: response_forest(k) for k in DENOMINATORS},
        "tables": {k: response_table(k) for k in DENOMINATORS},
        "highlight": "tr[data-study]",
        "caption": _w("forest_caption"),
        "alt": response_alt("itt"),
    }


def response_figure():
    """Adult MDS trial responses with a control that switches the denominator (ITT / evaluable)."""
    from ..widgets import LinkedFigure

    return LinkedFigure(response_forest_spec())
