"""Part 1 (introduction, pages 1.1-1.4): the MDS-versus-DBA comparison and the evidence map.

Everything shown comes from `data/diseases.csv`, `data/evidence_map.csv`, `data/studies.csv` and
`data/facts.yaml`. The counting functions are pure (rows in, numbers out) so they can be tested with
hand-computed values; the page-level functions only wrap them for display.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..data import dataset
from .common import HTML, Text, badge, e, fact_text, table

DISEASES = ("MDS", "DBA")
DISEASE_LABELS = {"MDS": "Childhood MDS", "DBA": "DBA"}

# the evidence map's columns (age group, disease) and rows (questions), in display order
GROUPS: tuple[tuple[str, str], ...] = (("adults", "MDS"), ("children", "MDS"), ("children", "DBA"), ("children", "other"))
GROUP_LABELS = {
    ("adults", "MDS"): "Adults with MDS",
    ("children", "MDS"): "Children with MDS",
    ("children", "DBA"): "Children with DBA",
    ("children", "other"): "Children, other diseases",
}
# short two-line axis labels, so the map stays readable on a 320 px phone
GROUP_TICKS = {
    ("adults", "MDS"): "Adults<br>MDS",
    ("children", "MDS"): "Children<br>MDS",
    ("children", "DBA"): "Children<br>DBA",
    ("children", "other"): "Children<br>other",
}
QUESTIONS: tuple[str, ...] = ("thalidomide: benefit", "thalidomide: harms", "lenalidomide: benefit", "transplant: survival")
QUESTION_LABELS = {
    "thalidomide: benefit": "Thalidomide: benefit",
    "thalidomide: harms": "Thalidomide: harms",
    "lenalidomide: benefit": "Lenalidomide: benefit",
    "transplant: survival": "Transplant: survival",
}


# ---------------------------------------------------------------- comparison of the two diseases
def render_value(value: str, fact: str | None, fact_lookup=fact_text) -> str:
    """The text of one comparison cell: '{fact}' replaced by the fact with its unit and status.

    >>> render_value("Corticosteroids first ({fact})", "x", lambda i: "80% (verified)")
    'Corticosteroids first (80% (verified))'
    """
    if fact is None:
        if "{fact}" in value:
            raise ValueError(f"'{{fact}}' in {value!r} but no fact is named")
        return value
    if "{fact}" not in value:
        raise ValueError(f"fact {fact!r} named but {value!r} has no '{{fact}}'")
    return value.replace("{fact}", fact_lookup(fact))


def comparison_rows(rows: Iterable[Any] | None = None, fact_lookup=fact_text) -> list[dict]:
    """One dict per attribute, in file order: {attribute, label, MDS: {...}, DBA: {...}}.

    Each disease cell holds text, source, status and basis. Raises if an attribute lacks a disease.
    """
    rows = list(dataset().rows("diseases.csv") if rows is None else rows)
    out: dict[str, dict] = {}
    for r in rows:
        entry = out.setdefault(r.attribute, {"attribute": r.attribute, "label": r.attribute_label})
        entry[r.disease] = {
            "text": render_value(r.value, r.fact, fact_lookup),
            "source": r.source,
            "status": r.status,
            "basis": r.basis,
            "note": r.note,
        }
    for entry in out.values():
        missing = [d for d in DISEASES if d not in entry]
        if missing:
            raise ValueError(f"data/diseases.csv: attribute '{entry['attribute']}' has no row for {', '.join(missing)}")
    return list(out.values())


def comparison_text(rows: list[dict] | None = None) -> str:
    """The comparison as plain sentences (the text alternative and the terminal view)."""
    rows = comparison_rows() if rows is None else rows
    return " ".join(
        f"{r['label']}: MDS, {r['MDS']['text']} [{r['MDS']['status']}]; DBA, {r['DBA']['text']} [{r['DBA']['status']}]."
        for r in rows
    )


def disease_comparison() -> HTML:
    """Table: childhood MDS and DBA side by side, attribute by attribute, each cell with source and status.

    Laid out as one group per attribute (a heading row, then one row per disease) so that it reads on a
    320 px phone without sideways scrolling.
    """
    rows = comparison_rows()
    caption = "Childhood MDS and DBA compared, from data/diseases.csv: each cell with its source and status"
    body = []
    for r in rows:
        body.append(f'<tr class="tb-compare-attr"><th scope="colgroup" colspan="2" id="cmp-{e(r["attribute"])}">{e(r["label"])}</th></tr>')
        for d in DISEASES:
            c = r[d]
            basis = f", {e(c['basis'])}" if c["basis"] else ""
            body.append(
                f'<tr data-disease="{d}" data-attribute="{e(r["attribute"])}">'
                f'<th scope="row" headers="cmp-{e(r["attribute"])}">{e(d)}</th>'
                f'<td><span class="tb-compare-text">{e(c["text"])}</span> {badge(c["status"])} '
                f'<span class="tb-compare-source">source <code>{e(c["source"])}</code>{basis}</span></td></tr>'
            )
    markup = (
        f'<div class="tb-table-wrap tb-compare" tabindex="0" role="region" aria-label="{e(caption)}">'
        f'<table class="tb-table tb-compare-table"><caption>{e(caption)}</caption>'
        f'<thead><tr><th scope="col">Disease</th><th scope="col">What the sources say</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
        f'<p class="tb-compare-summary">Text alternative: {e(comparison_text(rows))}</p>'
    )
    return HTML(markup, comparison_text(rows))


# ---------------------------------------------------------------- evidence map: counting
def study_patients(study_rows: Iterable[Any], study_id: str) -> int | None:
    """Patients in one study, counted from its rows in data/studies.csv.

    The largest `enrolled` among the study's rows, leaving out placebo arms (a thalidomide arm of 28
    beside a placebo arm of 26 counts as 28 patients given the drug). None when no row gives a count.
    Raises KeyError when the study has no row at all.
    """
    rows = [r for r in study_rows if r.study_id == study_id]
    if not rows:
        raise KeyError(f"no study '{study_id}' in data/studies.csv")
    counts = [r.enrolled for r in rows if r.enrolled is not None and r.drug != "placebo"]
    return max(counts) if counts else None


@dataclass
class Cell:
    """What the evidence map shows for one question in one group."""

    studies: int = 0
    patients: int = 0
    without_count: int = 0  # studies whose patients are not counted in data/studies.csv
    searches: int = 0  # searches that found nothing
    statuses: list[str] = field(default_factory=list)  # status of each study entry
    labels: list[str] = field(default_factory=list)  # study labels

    @property
    def kind(self) -> str:
        """'verified' (every study verified), 'mixed' (some not verified), 'none found', or 'not mapped'."""
        if self.studies:
            return "verified" if all(s == "verified" for s in self.statuses) else "mixed"
        return "none found" if self.searches else "not mapped"

    def text(self) -> str:
        if self.studies:
            s = f"{self.studies} {'study' if self.studies == 1 else 'studies'}, {self.patients} patients"
            if self.without_count:
                s += f" (+{self.without_count} without a count)"
            if self.kind == "mixed":
                n = sum(1 for x in self.statuses if x != "verified")
                s += f"; {n} not verified"
            return s
        return "none found (not found)" if self.searches else "not mapped"


def evidence_cells(map_rows: Iterable[Any], study_rows: Iterable[Any]) -> dict[tuple[str, tuple[str, str]], Cell]:
    """Count studies and patients for every (question, (age group, disease)) of the map.

    A study counts once per question it answers; its patients come from `study_patients`. Search
    entries (nothing found) are counted apart. Every question x group of QUESTIONS x GROUPS is present.
    """
    study_rows = list(study_rows)
    labels = {r.study_id: r.study_label for r in study_rows}
    cells = {(q, g): Cell() for q in QUESTIONS for g in GROUPS}
    seen: set[tuple[str, str]] = set()
    for m in map_rows:
        key = (m.question, (m.age_group, m.disease))
        if key not in cells:
            raise ValueError(f"data/evidence_map.csv: '{m.entry_id}' falls outside the map ({key})")
        cell = cells[key]
        if m.kind == "search":
            cell.searches += 1
            continue
        if (m.study_id, m.question) in seen:
            raise ValueError(f"data/evidence_map.csv: study '{m.study_id}' listed twice for '{m.question}'")
        seen.add((m.study_id, m.question))
        n = study_patients(study_rows, m.study_id)
        cell.studies += 1
        cell.statuses.append(m.status)
        cell.labels.append(labels[m.study_id])
        if n is None:
            cell.without_count += 1
        else:
            cell.patients += n
    return cells


def evidence_counts() -> dict[tuple[str, tuple[str, str]], Cell]:
    ds = dataset()
    return evidence_cells(ds.rows("evidence_map.csv"), ds.rows("studies.csv"))


# ---------------------------------------------------------------- evidence map: display
MARKERS = {
    # kind -> (legend name, plotly symbol, colour index in OKABE_ITO)
    "verified": ("All verified", "circle", 0),
    "mixed": ("Some not verified", "circle-open", 1),
    "none found": ("None found", "x-thin-open", 3),
}


def evidence_alt(cells: Mapping | None = None) -> str:
    cells = evidence_counts() if cells is None else cells
    parts = []
    for q in QUESTIONS:
        shown = [f"{GROUP_LABELS[g]}: {cells[(q, g)].text()}" for g in GROUPS if cells[(q, g)].kind != "not mapped"]
        if shown:
            parts.append(f"{QUESTION_LABELS[q]}: " + "; ".join(shown) + ".")
    return "Evidence map, counts derived from the data files. " + " ".join(parts) + " Every other cell: not mapped."


def evidence_map_figure():
    """The evidence map as a plotly dot grid (FigureOutput): a marker per question x group with evidence,
    labelled with its counts; marker shape shows status (filled, hollow, cross) so colour is not needed."""
    import plotly.graph_objects as go

    from ..widgets import OKABE_ITO, FigureOutput

    cells = evidence_counts()
    fig = go.Figure()
    for kind, (name, symbol, colour) in MARKERS.items():
        pts = [(q, g, c) for (q, g), c in cells.items() if c.kind == kind]
        if not pts:
            continue
        fig.add_trace(
            go.Scatter(
                x=[GROUP_TICKS[g] for _, g, _ in pts],
                y=[QUESTION_LABELS[q].replace(": ", ":<br>") for q, _, _ in pts],
                mode="markers+text",
                name=name,
                text=[f"{c.studies} / {c.patients}{'+' if c.without_count else ''}" if c.studies else "0" for _, _, c in pts],
                textposition="bottom center",
                textfont={"size": 10},
                marker={"symbol": symbol, "size": 16, "color": OKABE_ITO[colour], "line": {"width": 2.5, "color": OKABE_ITO[colour]}},
                customdata=[[c.studies, c.patients, c.without_count, c.searches, kind, q, "|".join(g)] for q, g, c in pts],
                hovertemplate="%{customdata[5]}, %{customdata[6]}: %{customdata[0]} studies, %{customdata[1]} patients<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(
        xaxis={"title": {"text": "Population"}, "categoryorder": "array", "categoryarray": [GROUP_TICKS[g] for g in GROUPS],
               "tickangle": 0, "tickfont": {"size": 10}, "automargin": True, "range": [-0.6, len(GROUPS) - 0.4]},
        yaxis={"categoryorder": "array",  # no axis title: the labels say it, and a phone needs the room
               "categoryarray": [QUESTION_LABELS[q].replace(": ", ":<br>") for q in reversed(QUESTIONS)], "automargin": True,
               "range": [-0.7, len(QUESTIONS) - 0.4]},
        legend={"title": {"text": "Status"}, "orientation": "h", "y": -0.25},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        height=460,
    )
    caption = (
        "Evidence map: studies and patients for each question and population, counted from data/evidence_map.csv "
        "and data/studies.csv (status derived). Label: studies / patients (+: some studies give no count). Filled "
        "circle: every study verified; hollow circle: some not verified; cross: searched, none found (not found). "
        "An empty cell was not mapped."
    )
    return FigureOutput(fig, "evidence-map", caption, evidence_alt(cells))


def evidence_map_table() -> HTML:
    """The same map as a table: one row per question and group with evidence, with the studies named."""
    cells = evidence_counts()
    rows = []
    for q in QUESTIONS:
        for g in GROUPS:
            c = cells[(q, g)]
            if c.kind == "not mapped":
                continue
            status = badge("not found") if c.kind == "none found" else " ".join(badge(s) for s in sorted(set(c.statuses)))
            rows.append(
                f'<tr data-question="{e(q)}" data-group="{e("|".join(g))}"><td>{e(QUESTION_LABELS[q])}</td>'
                f"<td>{e(GROUP_LABELS[g])}</td><td>{e(c.text())}</td><td>{e(', '.join(c.labels)) or '–'}</td>"
                f"<td>{status}</td></tr>"
            )
    caption = "The evidence map as a table (counts derived from data/evidence_map.csv and data/studies.csv)"
    head = "".join(f'<th scope="col">{h}</th>' for h in ("Question", "Population", "Evidence", "Studies", "Status"))
    markup = (
        f'<div class="tb-table-wrap" tabindex="0" role="region" aria-label="{e(caption)}">'
        f'<table class="tb-table tb-evidence-map"><caption>{e(caption)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
    return HTML(markup, evidence_alt(cells))


def searches_table() -> HTML:
    """The searches behind each 'not found' of the map: what, where, how and when it was looked for."""
    rows = [
        [e(QUESTION_LABELS[m.question]), e(GROUP_LABELS[(m.age_group, m.disease)]), e(m.searched), e(m.note) or "–", badge(m.status)]
        for m in dataset().rows("evidence_map.csv")
        if m.kind == "search"
    ]
    caption = "Searches behind each 'not found' (data/evidence_map.csv)"
    headers = ["Question", "Population", "Where and when searched", "Note", "Status"]
    markup = table(caption, headers, rows, "tb-searches")
    return HTML(markup, f"{len(rows)} searches, none found")


def _slug(s: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in s.lower()).strip("-").replace("--", "-")


def glue_evidence_map() -> None:
    """Glue every mapped cell as `map-<question>-<age>-<disease>` (e.g. `map-thalidomide-benefit-adults-mds`)
    for `{glue:text}` in the prose: '5 studies, 344 patients; 2 not verified (derived)'."""
    from myst_nb import glue

    for (q, g), c in evidence_counts().items():
        glue(f"map-{_slug(q)}-{g[0]}-{g[1].lower()}", Text(f"{c.text()} (derived)" if c.studies else c.text()), display=False)


__all__ = [
    "Cell",
    "comparison_rows",
    "comparison_text",
    "disease_comparison",
    "evidence_alt",
    "evidence_cells",
    "evidence_counts",
    "evidence_map_figure",
    "evidence_map_table",
    "glue_evidence_map",
    "render_value",
    "searches_table",
    "study_patients",
]
