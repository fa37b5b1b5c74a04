"""Part 1 (introduction, pages 1.1-1.4): the MDS-versus-DBA comparison and the evidence map.

Everything shown comes from `data/diseases.csv`, `data/evidence_map.csv`, `data/studies.csv` and
`data/facts.yaml`. The counting functions are pure (rows in, numbers out) so they can be tested with
hand-computed values; the page-level functions only wrap them for display.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from ..data import dataset
from ..data.citations import cite_html
from .common import HTML, Text, badge, e, fact_text, table, word_group, word_list, wording

PART = "part1"
DISEASES = ("MDS", "DBA")

# the evidence map's columns (age group, disease) and rows (questions), in display order
GROUPS: tuple[tuple[str, str], ...] = (("adults", "MDS"), ("children", "MDS"), ("children", "DBA"), ("children", "other"))
QUESTIONS: tuple[str, ...] = ("thalidomide: benefit", "thalidomide: harms", "lenalidomide: benefit", "transplant: survival")

_w = partial(wording, PART)  # a text of this part's data/wording file


def group_label(group: tuple[str, str], key: str = "groups") -> str:
    """'Children with MDS' for ('children', 'MDS'); key='group_ticks' gives the short axis label."""
    return word_group(PART, key)["|".join(group)]


def question_label(question: str) -> str:
    return word_group(PART, "questions")[question]


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
        _w("comparison_sentence", label=r["label"], mds=r["MDS"]["text"], mds_status=r["MDS"]["status"],
           dba=r["DBA"]["text"], dba_status=r["DBA"]["status"])
        for r in rows
    )


def disease_comparison() -> HTML:
    """Table: childhood MDS and DBA side by side, attribute by attribute, each cell with source and status.

    Laid out as one group per attribute (a heading row, then one row per disease) so that it reads on a
    320 px phone without sideways scrolling.
    """
    rows = comparison_rows()
    caption = _w("comparison_caption")
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
                f'<span class="tb-compare-source">{e(_w("source_word"))} {cite_html(c["source"])}{basis}</span></td></tr>'
            )
    markup = (
        f'<div class="tb-table-wrap tb-compare" tabindex="0" role="region" aria-label="{e(caption)}">'
        f'<table class="tb-table tb-compare-table"><caption>{e(caption)}</caption>'
        f"<thead><tr>{''.join(f'<th scope={chr(34)}col{chr(34)}>{e(h)}</th>' for h in word_list(PART, 'comparison_header'))}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>"
        f'<p class="tb-compare-summary">{e(_w("text_alternative", text=comparison_text(rows)))}</p>'
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
            s = _w("cell_counts", studies=self.studies, patients=self.patients,
                   study_word=_w("study_one") if self.studies == 1 else _w("study_many"))
            if self.without_count:
                s += " " + _w("cell_without_count", count=self.without_count)
            if self.kind == "mixed":
                s += _w("cell_not_verified", count=sum(1 for x in self.statuses if x != "verified"))
            return s
        return _w("cell_none_found") if self.searches else _w("cell_not_mapped")


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
    # kind -> (plotly symbol, colour index in OKABE_ITO); the legend names are in data/wording/part1.yaml
    "verified": ("circle", 0),
    "mixed": ("circle-open", 1),
    "none found": ("x-thin-open", 3),
}


def evidence_alt(cells: Mapping | None = None) -> str:
    cells = evidence_counts() if cells is None else cells
    parts = []
    for q in QUESTIONS:
        shown = [f"{group_label(g)}: {cells[(q, g)].text()}" for g in GROUPS if cells[(q, g)].kind != "not mapped"]
        if shown:
            parts.append(f"{question_label(q)}: " + "; ".join(shown) + ".")
    return _w("map_alt", parts=" ".join(parts))


def evidence_map_figure():
    """The evidence map as a plotly dot grid (FigureOutput): a marker per question x group with evidence,
    labelled with its counts; marker shape shows status (filled, hollow, cross) so colour is not needed."""
    import plotly.graph_objects as go

    from ..widgets import OKABE_ITO, FigureOutput

    cells = evidence_counts()
    fig = go.Figure()
    names = word_group(PART, "markers")
    for kind, (symbol, colour) in MARKERS.items():
        name = names[kind]
        pts = [(q, g, c) for (q, g), c in cells.items() if c.kind == kind]
        if not pts:
            continue
        fig.add_trace(
            go.Scatter(
                x=[group_label(g, "group_ticks") for _, g, _ in pts],
                y=[question_label(q).replace(": ", ":<br>") for q, _, _ in pts],
                mode="markers+text",
                name=name,
                text=[f"{c.studies} / {c.patients}{'+' if c.without_count else ''}" if c.studies else "0" for _, _, c in pts],
                textposition="bottom center",
                textfont={"size": 10},
                marker={"symbol": symbol, "size": 16, "color": OKABE_ITO[colour], "line": {"width": 2.5, "color": OKABE_ITO[colour]}},
                customdata=[[c.studies, c.patients, c.without_count, c.searches, kind, q, "|".join(g)] for q, g, c in pts],
                hovertemplate=_w("map_hover"),
            )
        )
    fig.update_layout(
        xaxis={"title": {"text": _w("map_x")}, "categoryorder": "array",
               "categoryarray": [group_label(g, "group_ticks") for g in GROUPS],
               "tickangle": 0, "tickfont": {"size": 10}, "automargin": True, "range": [-0.6, len(GROUPS) - 0.4]},
        yaxis={"categoryorder": "array",  # no axis title: the labels say it, and a phone needs the room
               "categoryarray": [question_label(q).replace(": ", ":<br>") for q in reversed(QUESTIONS)], "automargin": True,
               "range": [-0.7, len(QUESTIONS) - 0.4]},
        legend={"title": {"text": _w("map_legend")}, "orientation": "h", "y": -0.25},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        height=460,
    )
    return FigureOutput(fig, "evidence-map", _w("map_caption"), evidence_alt(cells))


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
                f'<tr data-question="{e(q)}" data-group="{e("|".join(g))}"><td>{e(question_label(q))}</td>'
                f"<td>{e(group_label(g))}</td><td>{e(c.text())}</td><td>{e(', '.join(c.labels)) or '–'}</td>"
                f"<td>{status}</td></tr>"
            )
    caption = _w("map_table_caption")
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in word_list(PART, "map_table_header"))
    markup = (
        f'<div class="tb-table-wrap" tabindex="0" role="region" aria-label="{e(caption)}">'
        f'<table class="tb-table tb-evidence-map"><caption>{e(caption)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
    return HTML(markup, evidence_alt(cells))


def searches_table() -> HTML:
    """The searches behind each 'not found' of the map: what, where, how and when it was looked for."""
    rows = [
        [e(question_label(m.question)), e(group_label((m.age_group, m.disease))), e(m.searched), e(m.note) or "–",
         badge(m.status)]
        for m in dataset().rows("evidence_map.csv")
        if m.kind == "search"
    ]
    markup = table(_w("searches_caption"), word_list(PART, "searches_header"), rows, "tb-searches")
    return HTML(markup, _w("searches_plain", count=len(rows)))


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
