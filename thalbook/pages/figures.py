"""Figure builders: each returns plotly figures built from data rows; never calls .show().

Status is visible without colour: verified rows are solid markers, anything else hollow, and the status
is written in the hover text and in the text alternative.
"""

from __future__ import annotations

from functools import partial

from ..core.stats import wilson_interval
from ..data import dataset
from .common import word_group, wording

PART = "common"
DENOMINATORS = ("itt", "evaluable")
_w = partial(wording, PART)  # the figure's words live with the shared texts


def response_rows(outcomes: tuple[str, ...] = ("haematologic improvement", "erythroid response", "response"),
                  drug: str = "thalidomide") -> dict[str, list]:
    """Adult MDS thalidomide trials with a full count, per denominator type."""
    out: dict[str, list] = {k: [] for k in DENOMINATORS}
    for row in dataset().rows("studies.csv"):
        if (row.drug == drug and row.outcome in outcomes and row.group == "all"
                and row.denominator_type in out and row.numerator is not None and row.denominator is not None):
            out[row.denominator_type].append(row)
    return out


def response_forest(denominator_type: str):
    """Response proportion with its 95% Wilson score interval for each trial, one denominator type."""
    import plotly.graph_objects as go

    rows = response_rows()[denominator_type]
    fig = go.Figure()
    for verified in (True, False):
        sel = [r for r in rows if (r.status == "verified") == verified]
        if not sel:
            continue
        cis = [wilson_interval(r.numerator, r.denominator) for r in sel]
        pct = [100 * r.numerator / r.denominator for r in sel]
        fig.add_trace(
            go.Scatter(
                x=[round(p, 1) for p in pct],
                y=[f"{r.study_label} ({r.numerator}/{r.denominator})" for r in sel],
                mode="markers",
                name="verified" if verified else "not verified",
                marker={"size": 11, "symbol": "circle" if verified else "circle-open", "line": {"width": 2}},
                error_x={
                    "type": "data", "symmetric": False,
                    "array": [round(100 * hi - p, 1) for (lo, hi), p in zip(cis, pct)],
                    "arrayminus": [round(p - 100 * lo, 1) for (lo, hi), p in zip(cis, pct)],
                },
                customdata=[[r.outcome, r.status, round(100 * lo, 1), round(100 * hi, 1)] for r, (lo, hi) in zip(sel, cis)],
                hovertemplate=_w("forest_hover"),
            )
        )
    fig.update_layout(
        xaxis={"title": {"text": _w("forest_x")}, "range": [0, 100]},
        yaxis={"autorange": "reversed", "automargin": True},
        legend={"title": {"text": _w("forest_legend")}, "orientation": "h", "y": -0.3},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        height=320,
    )
    return fig


def response_alt(denominator_type: str) -> str:
    rows = response_rows()[denominator_type]
    parts = []
    for r in rows:
        lo, hi = wilson_interval(r.numerator, r.denominator)
        parts.append(_w("forest_alt_part", study=r.study_label, x=r.numerator, n=r.denominator,
                        pct=f"{100 * r.numerator / r.denominator:.1f}", low=f"{100 * lo:.1f}", high=f"{100 * hi:.1f}",
                        status=r.status))
    return _w("forest_alt", denominator=word_group("common", "denominators")[denominator_type], parts="; ".join(parts))


def response_forest_spec() -> dict:
    """The linked-figure spec: the same trials under each denominator."""
    return {
        "id": "response-by-denominator",
        "title": _w("forest_title"),
        "control": {"label": _w("forest_control"),
                    "options": [{"value": k, "label": v} for k, v in word_group("common", "denominators").items()]},
        "states": {k: response_forest(k) for k in DENOMINATORS},
        "caption": _w("forest_caption"),
        "alt": response_alt("itt"),
    }


def response_figure():
    """Adult MDS trial responses with a control that switches the denominator (ITT / evaluable)."""
    from ..widgets import LinkedFigure

    return LinkedFigure(response_forest_spec())
