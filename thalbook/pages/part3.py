"""Part 3 of the book (pages 3.1 and 3.2): childhood against adult MDS, and the clinical evidence counted.

The arithmetic (``kaplan_meier``, ``percent_counts``, the calculator twin) lives in ``thalbook.core``;
these are the page-level helpers that read ``data/`` and return displayable objects. Nothing here types a clinical number: every
number comes from a data row with its source and status.
"""

from __future__ import annotations

from fractions import Fraction
from functools import partial

from ..core.counts import kaplan_meier, survival_at
from ..core.numbers import fixed
from ..data import dataset
from ..data.citations import cite_html
from .common import HTML, Text, badge, e, status_basis, table, word_group, word_list, wording

PART = "part3"

_w = partial(wording, PART)  # a text of this part's data/wording file


# --------------------------------------------------------------------------- the percentage checker widget
def percent_checker():
    """Enter a group size and a printed percentage: which whole counts x/n round to it?"""
    from ..widgets import Calculator

    inputs = word_group(PART, "percent_inputs")
    return Calculator({
        "id": "percent-counts",
        "title": _w("percent_title"),
        "fn": "percent_counts",
        "inputs": [
            {"name": "n", "label": inputs["n"], "unit": "patients", "min": 1, "max": 10000, "integer": True, "step": 1},
            {"name": "percent", "label": inputs["percent"], "unit": "%", "min": 0, "max": 100},
        ],
        "outputs": [{"name": name, "label": label} for name, label in word_group(PART, "percent_outputs").items()],
        "note": _w("percent_note"),
    })


# --------------------------------------------------------------------------- evidence table (3.2)
def _is_toxicity(outcome: str) -> bool:
    return outcome.startswith("stopped") or "neuropathy" in outcome


def result_text(row) -> str:
    """A result as its source prints it, without status: '16/83 (19%)', '2 (5%; denominator not reported)'."""
    pct = f"{row.printed_percent}%" if row.printed_percent else ""
    n, d = row.numerator, row.denominator
    if n is not None and d is not None:
        return f"{n}/{d}" + (f" ({pct})" if pct else "")
    if n is not None:
        return f"{n} ({'; '.join(p for p in (pct, _w('denominator_not_reported')) if p)})"
    if d is not None:
        return f"{pct} of {d}"
    return f"{pct} ({_w('no_count_printed')})"


def denominator_words() -> dict[str, str]:
    """How each kind of denominator is named: 'itt' -> 'intention to treat'."""
    return word_group(PART, "denominators")


def _adult_mds_rows():
    return [r for r in dataset().rows("studies.csv") if r.population.startswith("adults") and "MDS" in r.population]


def evidence_rows() -> list[dict]:
    """One record per study x outcome x group of the adult MDS trials (thalidomide, lenalidomide for
    contrast, and placebo arms), with the toxicity stops of the same study gathered alongside."""
    rows = _adult_mds_rows()
    stops: dict[str, list[str]] = {}
    for r in rows:
        if _is_toxicity(r.outcome):
            stops.setdefault(r.study_id, []).append(f"{result_text(r)} {r.outcome} ({r.status})")
    groups: dict[tuple, list] = {}
    for r in rows:
        if not _is_toxicity(r.outcome):
            groups.setdefault((r.study_id, r.outcome, r.group), []).append(r)
    out = []
    for (study_id, outcome, group), rs in groups.items():
        first = rs[0]
        evaluable = [r.denominator for r in rs if r.denominator_type in ("evaluable", "subgroup") and r.denominator]
        out.append({
            "study_id": study_id,
            "study": first.study_label,
            "drug": first.drug,
            "population": first.population + ("" if group == "all" else f" ({group})"),
            "enrolled": first.enrolled,
            "evaluable": evaluable[0] if evaluable else None,
            "responders": [result_text(r) + ("" if r.denominator_type == "unknown" else f" {denominator_words()[r.denominator_type]}")
                           for r in rs],
            "dose": first.dose,
            "definition": f"{outcome}: {first.response_definition}",
            "stops": stops.get(study_id, []),
            "source": first.source,
            "statuses": list(dict.fromkeys(r.status for r in rs)),
            "bases": list(dict.fromkeys(r.basis for r in rs if r.basis)),
        })
    return out


def evidence_table() -> HTML:
    """The evidence table of page 3.2 from data/studies.csv: adult MDS trials, counts as printed."""
    recs = evidence_rows()
    body, attrs, seen = [], [], set()
    for r in recs:
        body.append([
            e(r["study"]),
            "<br>".join(e(x) for x in r["responders"]),
            " ".join(badge(s) for s in r["statuses"]),
            e(r["enrolled"]) if r["enrolled"] else e(_w("not_reported")),
            e(r["evaluable"]) if r["evaluable"] else e(_w("not_reported")),
            e(r["drug"]), e(r["population"]),
            e(r["dose"]), e(r["definition"]),
            "<br>".join(e(x) for x in r["stops"]) or e(_w("none_reported")),
            cite_html(r["source"]),
            e(", ".join(r["bases"])) or "–",
        ])
        # the 3.2 figure links each trial to its rows: data-study on each, an id on the first
        attrs.append({"data-study": r["study_id"], **({} if r["study_id"] in seen else {"id": f"evidence-{r['study_id']}"})})
        seen.add(r["study_id"])
    plain = "\n".join(f"{r['study']}: {'; '.join(r['responders'])} [{', '.join(r['statuses'])}]" for r in recs)
    return HTML(
        table(_w("evidence_caption"), word_list(PART, "evidence_header"), body, "tb-evidence", attrs),
        plain,
    )


# --------------------------------------------------------------------------- childhood against adult MDS (3.1)
def mds_comparison_table() -> HTML:
    """Side-by-side childhood and adult MDS from data/mds_comparison.yaml, each cell with its status."""
    rows = dataset().rows("mds_comparison.yaml")
    features: dict[str, dict] = {}
    for r in rows:
        features.setdefault(r.feature, {})[r.group] = r

    def cell(r) -> str:
        if r is None:
            return e(_w("not_covered"))
        return f"{e(r.text)} <span class=\"tb-cell-meta\">({status_basis(r)}; {cite_html(r.source)})</span>"

    body = [[f"<strong>{e(f)}</strong>", cell(g.get("children")), cell(g.get("adults"))] for f, g in features.items()]
    plain = "\n".join(f"{f}: children: {g['children'].text if 'children' in g else '-'}; adults: {g['adults'].text if 'adults' in g else '-'}"
                      for f, g in features.items())
    return HTML(table(_w("compare_caption"), word_list(PART, "compare_header"), body, "tb-compare"), plain)


# --------------------------------------------------------------------------- neuropathy in children (3.2)
def neuropathy_table() -> HTML:
    """Neuropathy counts in children on long thalidomide courses (bowel disease, not MDS), each with its
    population, dose and duration (data/neuropathy_context.yaml joined to data/studies.csv)."""
    ds = dataset()
    context = {c.id: c for c in ds.rows("neuropathy_context.yaml")}
    body, plain = [], []
    for r in ds.rows("studies.csv"):
        if r.outcome != "peripheral neuropathy" or r.study_id not in context:
            continue
        c = context[r.study_id]
        body.append([
            e(r.study_label), e(c.population), e(c.dose), e(c.duration), e(c.cumulative_dose),
            f"{e(result_text(r))} {badge(r.status)}",
            status_basis(c),
            f"{cite_html(r.source)}",
        ])
        plain.append(f"{r.study_label}: {result_text(r)} ({r.status}); {c.population}")
    return HTML(
        table(_w("neuropathy_caption"), word_list(PART, "neuropathy_header"), body, "tb-neuropathy"),
        "\n".join(plain),
    )


# --------------------------------------------------------------------------- Kaplan-Meier worked example (3.2)
KM_HORIZON_MONTHS = 60


def km_data() -> tuple[list[float], list[bool], str]:
    """Follow-up times (months) and events of the illustrative group, with the rows' status."""
    rows = dataset().rows("km_example.yaml")
    statuses = sorted({r.status for r in rows})
    return [r.months for r in rows], [r.outcome == "died" for r in rows], ", ".join(statuses)


def km_summary() -> dict:
    """The numbers the page quotes about the worked example, all computed from data/km_example.yaml."""
    times, events, status = km_data()
    steps = kaplan_meier(times, events)
    n = len(times)
    s5 = survival_at(steps, KM_HORIZON_MONTHS)
    deaths = sum(1 for t, ev in zip(times, events) if ev and t <= KM_HORIZON_MONTHS)
    censored_early = sum(1 for t, ev in zip(times, events) if not ev and t < KM_HORIZON_MONTHS)
    followed = sum(1 for t in times if t >= KM_HORIZON_MONTHS)
    return {"n": n, "status": status, "steps": steps, "survival": s5, "deaths": deaths,
            "censored_early": censored_early, "followed": followed}


def _pct1(fr: Fraction | float) -> str:
    return fixed(100 * float(fr), 1)


def glue_km() -> None:
    """Glue the worked example's numbers as km-* for {glue:text} (each carries the status 'illustrative')."""
    from myst_nb import glue

    s = km_summary()
    st = s["status"]
    n = s["n"]
    values = {
        "km-n": f"{n} children ({st})",
        "km-horizon": f"{KM_HORIZON_MONTHS} months",
        "km-deaths": f"{s['deaths']} ({st})",
        "km-censored": f"{s['censored_early']} ({st})",
        "km-followed": f"{s['followed']} ({st})",
        "km-estimate": f"{s['survival'].numerator}/{s['survival'].denominator} = {_pct1(s['survival'])}% ({st}, derived)",
        "km-crude-dead": f"{n - s['deaths']}/{n} = {_pct1(Fraction(n - s['deaths'], n))}% (derived)",
        "km-crude-followed": f"{s['followed']}/{n} = {_pct1(Fraction(s['followed'], n))}% (derived)",
        "km-crude-known": (f"{s['followed']}/{s['followed'] + s['deaths']} = "
                           f"{_pct1(Fraction(s['followed'], s['followed'] + s['deaths']))}% (derived)"),
    }
    for k, v in values.items():
        glue(k, Text(v), display=False)


def km_steps_table() -> HTML:
    """The hand arithmetic of the worked example: one line per time something happened, up to 5 years."""
    s = km_summary()
    body = []
    for st in s["steps"]:
        if st["time"] > KM_HORIZON_MONTHS:
            break
        body.append([
            e(f"{st['time']:g}"), str(st["at_risk"]), str(st["events"]), str(st["censored"]),
            f"{st['at_risk'] - st['events']}/{st['at_risk']}" if st["events"] else e(_w("km_no_death")),
            f"{st['survival'].numerator}/{st['survival'].denominator} = {_pct1(st['survival'])}%",
        ])
    return HTML(
        table(_w("km_steps_caption", status=s["status"], months=KM_HORIZON_MONTHS), word_list(PART, "km_steps_header"),
              body, "tb-km"),
        f"{len(body)} steps",
    )


def km_figure():
    """Step plot of the illustrative Kaplan-Meier curve with censoring marks and the 5-year estimate."""
    import plotly.graph_objects as go

    from ..widgets import FigureOutput

    s = km_summary()
    times, events, status = km_data()
    xs, ys = [0.0], [100.0]
    for st in s["steps"]:
        xs.append(float(st["time"]))
        ys.append(round(100 * float(st["survival"]), 1))
    cens_x = [float(t) for t, ev in zip(times, events) if not ev]
    cens_y = [round(100 * float(survival_at(s["steps"], t)), 1) for t in cens_x]
    est = round(100 * float(s["survival"]), 1)
    fig = go.Figure([
        go.Scatter(x=xs, y=ys, mode="lines", line={"shape": "hv", "width": 2}, name=_w("km_trace")),
        go.Scatter(x=cens_x, y=cens_y, mode="markers", marker={"symbol": "line-ns-open", "size": 12, "line": {"width": 2}},
                   name=_w("km_censored")),
        go.Scatter(x=[KM_HORIZON_MONTHS], y=[est], mode="markers+text", marker={"symbol": "diamond", "size": 11},
                   text=[f"{est}%"], textposition="top right", name=_w("km_estimate", months=KM_HORIZON_MONTHS)),
    ])
    fig.update_layout(
        xaxis={"title": {"text": _w("km_x")}, "rangemode": "tozero"},
        yaxis={"title": {"text": _w("km_y")}, "range": [0, 105]},
        legend={"orientation": "h", "y": -0.3},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        height=360,
    )
    caption = _w("km_caption", status=status, n=s["n"], months=KM_HORIZON_MONTHS)
    alt = _w("km_alt", estimate=est, months=KM_HORIZON_MONTHS, deaths=s["deaths"], censored=s["censored_early"],
             followed=s["followed"])
    return FigureOutput(fig, "km-worked-example", caption, alt)


__all__ = [
    "denominator_words",
    "evidence_rows",
    "evidence_table",
    "glue_km",
    "km_figure",
    "km_steps_table",
    "km_summary",
    "mds_comparison_table",
    "neuropathy_table",
    "percent_checker",
    "result_text",
]
