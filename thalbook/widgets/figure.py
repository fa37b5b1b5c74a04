"""Figures: a static plotly figure, and a linked figure whose control switches precomputed states.

Live, plotly's own JupyterLab renderer draws the figure (no CDN); on the static site each output's
``text/html`` twin holds the figure JSON, which ``figure.js`` draws with the plotly.js that the site
serves itself. Every figure carries a text alternative: one table of the plotted values per trace.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from ..core.numbers import slug as _slug
from ..core.text import escape
from .engine import OpensWhenReady, _live, _title, state_json

# Okabe & Ito (2008) colour-blind-safe palette, used by every figure of the book.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


def _template():
    import plotly.graph_objects as go
    import plotly.io as pio

    if "thalbook" not in pio.templates:
        base = copy.deepcopy(pio.templates["plotly_white"])
        base.layout.colorway = OKABE_ITO
        base.layout.paper_bgcolor = "rgba(0,0,0,0)"
        base.layout.plot_bgcolor = "rgba(0,0,0,0)"
        base.layout.font = go.layout.Font(family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif")
        grid = "rgba(128,128,128,0.35)"
        base.layout.xaxis.gridcolor = grid
        base.layout.yaxis.gridcolor = grid
        base.layout.xaxis.zerolinecolor = grid
        base.layout.yaxis.zerolinecolor = grid
        pio.templates["thalbook"] = base
    return "thalbook"


def figure_json(fig: Any, theme: bool = True) -> dict:
    """A plotly figure (graph_objects.Figure or dict) as plain JSON {data, layout}."""
    import plotly.graph_objects as go
    import plotly.io as pio

    f = go.Figure(fig)
    if theme:
        f.update_layout(template=_template())
    d = json.loads(pio.to_json(f, validate=False))
    layout = d.get("layout", {})
    template = layout.get("template")
    if isinstance(template, dict) and isinstance(template.get("data"), dict):
        # plotly embeds its defaults for all 20-odd trace types in every figure: keep the types drawn here
        # (a few kB less per figure; the site's plotly bundle has only the types the book draws)
        used = {tr.get("type", "scatter") for tr in d.get("data", [])}
        layout["template"] = {**template, "data": {k: v for k, v in template["data"].items() if k in used}}
    return {"data": d.get("data", []), "layout": layout}


def _cell(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return escape(v)


def figure_text(fig: Mapping[str, Any], max_rows: int = 60) -> str:
    """Text alternative of a figure: one table of plotted values per trace."""
    out = []
    layout = fig.get("layout", {})

    def axis_title(ax):
        t_ = (layout.get(ax) or {}).get("title")
        return (t_.get("text") if isinstance(t_, dict) else t_) or ax[0]

    for i, tr in enumerate(fig.get("data", [])):
        name = tr.get("name") or f"Series {i + 1}"
        xs, ys = tr.get("x"), tr.get("y")
        if not isinstance(ys, list) and not isinstance(xs, list):
            continue
        xs = xs if isinstance(xs, list) else list(range(len(ys or [])))
        ys = ys if isinstance(ys, list) else [""] * len(xs)
        rows = "".join(
            f"<tr><td>{_cell(x)}</td><td>{_cell(y)}</td></tr>" for x, y in list(zip(xs, ys))[:max_rows]
        )
        out.append(
            f'<table class="tb-figure-table"><caption>{escape(name)}</caption>'
            f'<thead><tr><th scope="col">{escape(axis_title("xaxis"))}</th>'
            f'<th scope="col">{escape(axis_title("yaxis"))}</th></tr></thead><tbody>{rows}</tbody></table>'
        )
    return "".join(out)


def _figure_div(dom_id: str, fig: dict, alt: str, state: str | None = None) -> str:
    st = f' data-state="{escape(state)}"' if state is not None else ""
    # the summary stands in the figure's box until plotly has drawn it (aria-hidden: the group's label and
    # the text alternative below already say it)
    return (
        f'<div class="thalbook-figure" id="{escape(dom_id)}" role="group" aria-label="{escape(alt)}"{st}>'
        f'<p class="tb-figure-placeholder" aria-hidden="true">{escape(alt)}</p>'
        f'<script type="application/json" class="thalbook-figure-data">{state_json(fig)}</script></div>'
    )


class FigureOutput:
    """A static plotly figure: plotly's own mimetype for JupyterLab + the static twin for the book."""

    def __init__(self, fig: Any, name: str, caption: str = "", alt: str = "", theme: bool = True):
        self.fig = figure_json(fig, theme=theme)
        self.name, self.caption, self.alt = _slug(name), caption, alt or caption

    def static_html(self) -> str:
        return (
            f'<figure class="thalbook-figure-wrap">'
            f"{_figure_div(f'fig-{self.name}', self.fig, self.alt)}"
            f"<figcaption>{escape(self.caption)}</figcaption>"
            f'<details class="tb-figure-alt"><summary>Text alternative</summary>'
            f"<p>{escape(self.alt)}</p>{figure_text(self.fig)}</details></figure>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None, **kw):
        return {
            "application/vnd.plotly.v1+json": {
                **self.fig,
                "config": {"displaylogo": False, "responsive": True},
            },
            "text/html": self.static_html(),
            "text/plain": f"<Figure {self.name}>",
        }


def _linked_html(dom_id: str, spec: dict, state: str) -> str:
    ctl = spec["control"]
    radios = "".join(
        f'<label class="tb-figure-option"><input type="radio" class="tb-radio" name="{dom_id}-state"'
        f' value="{escape(o["value"])}"{" checked" if o["value"] == state else ""}> {escape(o["label"])}</label> '
        for o in ctl["options"]
    )
    summaries = "".join(
        f'<div class="tb-figure-summary" data-state="{escape(o["value"])}">'
        f'<p class="tb-figure-summary-title">{escape(ctl.get("label", ""))}: {escape(o["label"])}</p>'
        f"{(spec.get('tables') or {}).get(o['value']) or figure_text(spec['states'][o['value']])}</div>"
        for o in ctl["options"]
    )
    return (
        f"{_title(spec)}"
        f'<fieldset class="tb-figure-control"><legend>{escape(ctl.get("label", "Show"))}</legend>{radios}</fieldset>'
        f'<figure class="thalbook-figure-wrap">'
        f"{_figure_div(f'{dom_id}-plot', spec['states'][state], spec.get('alt') or spec.get('caption', ''), state)}"
        f"<figcaption>{escape(spec.get('caption', ''))}</figcaption>"
        f'<details class="tb-figure-alt" open><summary>Text alternative</summary>'
        f"<p>{escape(spec.get('alt', ''))}</p>{summaries}</details></figure>"
        f"{_live(dom_id)}"
    )


def _prepare_figure_spec(spec: Mapping[str, Any], theme: bool = True) -> dict:
    spec = copy.deepcopy(dict(spec))
    for o in spec["control"]["options"]:
        o["value"] = str(o["value"])
    spec["states"] = {str(k): figure_json(v, theme=theme) for k, v in spec["states"].items()}
    missing = [o["value"] for o in spec["control"]["options"] if o["value"] not in spec["states"]]
    if missing:
        raise ValueError(f"figure {spec.get('id')!r}: no state for option(s) {', '.join(missing)}")
    return spec


def figure_static_html(spec: Mapping[str, Any], state: str | None = None) -> str:
    """The static twin of a linked figure (kind "figure") from an already prepared spec."""
    dom_id = f"tbw-figure-{_slug(spec.get('id', 'figure'))}"
    state = state or spec["control"]["options"][0]["value"]
    st = {"kind": "figure", "spec": spec, "state": state}
    return (
        f'<div class="thalbook-widget" data-kind="figure" id="{dom_id}">{_linked_html(dom_id, dict(spec), state)}'
        f'<script type="application/json" class="thalbook-state">{state_json(st)}</script></div>'
    )


def _set_figure(fw, fig: dict) -> None:
    with fw.batch_update():
        fw.data = []
    fw.add_traces(fig.get("data", []))
    fw.update_layout(fig.get("layout", {}), overwrite=True)


try:  # ipywidgets base for LinkedFigure
    import ipywidgets as _ipw
    import plotly.graph_objects as _go

    class _LiveFigure(OpensWhenReady, _go.FigureWidget):
        """plotly's FigureWidget, its comm opened once its data is in the state (plotly sets the data
        after Widget.__init__ has opened the comm: under load the view drew empty axes for good)."""

        def __init__(self, *args, **kwargs):
            self._ready_to_open = False
            super().__init__(*args, **kwargs)
            self.opened()

    class LinkedFigure(_ipw.VBox):
        """A control (ToggleButtons) + a plotly FigureWidget that takes precomputed states.

        spec: {id, title, control: {label, options: [{value, label}]}, states: {value: figure}, caption, alt}
        """

        def __init__(self, spec: Mapping[str, Any], state: str | None = None, theme: bool = True):
            self.spec = _prepare_figure_spec(spec, theme=theme)
            ctl = self.spec["control"]
            first = state or ctl["options"][0]["value"]
            self.control = _ipw.ToggleButtons(
                options=[(o["label"], o["value"]) for o in ctl["options"]],
                value=first,
                description=ctl.get("label", ""),
                # buttons as wide as their labels (the default fixed width cut "evaluable patients" off)
                style={"description_width": "initial", "button_width": "auto"},
            )
            self.figure = _LiveFigure(self.spec["states"][first])
            self.control.observe(self._on_state, names="value")
            children = []
            if self.spec.get("title"):
                children.append(_ipw.HTML(_title(self.spec)))
            children += [self.control, self.figure]
            if self.spec.get("caption"):
                children.append(_ipw.HTML(f"<p>{escape(self.spec['caption'])}</p>"))
            super().__init__(children=children)

        def _on_state(self, change):
            _set_figure(self.figure, self.spec["states"][change["new"]])

        @property
        def state(self) -> str:
            return self.control.value

        @state.setter
        def state(self, v: str) -> None:
            self.control.value = str(v)

        def static_html(self) -> str:
            return figure_static_html(self.spec, self.state)

        def _repr_mimebundle_(self, **kwargs):
            data = super()._repr_mimebundle_(**kwargs) or {}
            data = dict(data[0] if isinstance(data, tuple) else data)
            data["text/plain"] = f"<LinkedFigure {self.spec.get('id', '')}>"
            data["text/html"] = self.static_html()
            return data

except ImportError:  # pragma: no cover
    pass
