"""Sentence-level helpers for pages: numbers with their status, appraisal boxes, legends, glossary.

Every function reads `data/` through `thalbook.data` and returns an object that displays itself (HTML for
the site, plain text in a terminal). No number is typed here: they all come from data rows.
"""

from __future__ import annotations

import re
from collections import Counter

from ..core.numbers import plain_number, thousands
from ..core.text import escape
from ..data import dataset, page_title
from ..data.citations import citation, cite_html

STATUS_CLASS = {s: "tb-status-" + s.replace(" ", "-") for s in ("verified", "not verified", "not found", "derived", "illustrative")}


class Text:
    """Plain text that displays without quotes (what `{glue:text}` shows)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text


class HTML:
    """A block of escaped HTML with a plain-text twin."""

    def __init__(self, markup: str, plain: str):
        self.markup, self.plain = markup, plain

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return self.plain


class Markdown:
    """MyST Markdown that myst-nb parses into real Sphinx nodes (a glossary, say), with an optional
    plain-text twin for a terminal."""

    def __init__(self, text: str, plain: str | None = None):
        self.text, self.plain = text, plain

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text if self.plain is None else self.plain


e = escape  # short name for markup built in f-strings

def _wording_file(part: str):
    return dataset().item("wording", part)


def wording(part: str, key: str, /, **fields) -> str:
    """The text ``key`` of ``data/wording/<part>.yaml``, its {placeholders} filled from ``fields``.

    ``wording("part4", "explorer_empty")``; ``wording("part4", "one_grade", grade=2)``. An unknown key or a
    placeholder the page does not fill raises KeyError naming the file and the key.
    """
    texts = _wording_file(part).texts
    if key not in texts or not isinstance(texts[key], str):
        known = ", ".join(k for k, v in texts.items() if isinstance(v, str))
        raise KeyError(f"data/wording/{part}.yaml has no text '{key}'; known: {known}")
    if not fields:
        return texts[key]
    try:
        return texts[key].format(**fields)
    except (KeyError, IndexError) as exc:
        raise KeyError(f"data/wording/{part}.yaml, text '{key}': no value for {{{exc.args[0]}}}; "
                       f"the page fills {', '.join(sorted(fields))}") from None


PART = "common"


def _w(key: str, /, **fields) -> str:
    return wording(PART, key, **fields)


def _typed(part: str, key: str, kind: type, what: str):
    texts = _wording_file(part).texts
    if key not in texts or not isinstance(texts[key], kind):
        known = ", ".join(k for k, v in texts.items() if isinstance(v, kind))
        raise KeyError(f"data/wording/{part}.yaml has no {what} '{key}'; known: {known}")
    return texts[key]


def word_group(part: str, key: str) -> dict[str, str]:
    """The group ``key`` of ``data/wording/<part>.yaml``: value -> words (e.g. severity -> action)."""
    return dict(_typed(part, key, dict, "group"))


def word_list(part: str, key: str) -> list[str]:
    """The list ``key`` of ``data/wording/<part>.yaml`` (a table's column headers)."""
    return list(_typed(part, key, list, "list"))


def badge(status: str) -> str:
    """A status shown as text (never by colour alone)."""
    return f'<span class="tb-status {STATUS_CLASS.get(status, "")}">{e(status)}</span>'


def status_basis(row) -> str:
    """A row's status badge followed by its basis, when it has one (e.g. "verified, abstract")."""
    basis = getattr(row, "basis", None)
    return badge(row.status) + (f", {e(basis)}" if basis else "")


def fact_text(ident: str) -> str:
    """'1–4 per million children per year (verified)': a fact with its unit and status."""
    f = dataset().by_id("facts.yaml", ident)
    number = plain_number(f.value) + (f"–{plain_number(f.value_high)}" if f.value_high is not None else "")
    unit = "" if f.unit == "year" else f.unit if f.unit.startswith("%") else f" {f.unit}"
    return f"{number}{unit} ({f.status})"


def fact(ident: str) -> Text:
    return Text(fact_text(ident))


def count_text(study_id: str, outcome: str, denominator_type: str, group: str = "all") -> str:
    """A study result exactly as its source prints it, with its status:
    '16/83 (19%, verified)', '64% of 27 (not found)', '4 (14%; denominator not reported; verified)'."""
    for row in dataset().rows("studies.csv"):
        if (row.study_id, row.outcome, row.denominator_type, row.group) == (study_id, outcome, denominator_type, group):
            pct = f"{row.printed_percent}%" if row.printed_percent else ""
            n, d = row.numerator, row.denominator
            if n is not None and d is not None:
                return f"{n}/{d} ({', '.join(p for p in (pct, row.status) if p)})"
            if n is not None:
                return f"{n} ({'; '.join(p for p in (pct, 'denominator not reported', row.status) if p)})"
            if d is not None:
                return f"{pct} of {d} ({row.status})"
            enrolled = f"{row.enrolled} enrolled; " if row.enrolled else ""
            return f"{pct} ({enrolled}denominator not reported; {row.status})"
    raise KeyError(f"no row ({study_id}, {outcome}, {denominator_type}, {group}) in data/studies.csv")


def glue_facts(*idents: str) -> None:
    """Glue each fact as `fact-<id>` for `{glue:text}` in the page's prose."""
    from myst_nb import glue

    for ident in idents:
        glue(f"fact-{ident}", fact(ident), display=False)


def glue_count(name: str, study_id: str, outcome: str, denominator_type: str, group: str = "all") -> None:
    from myst_nb import glue

    glue(name, Text(count_text(study_id, outcome, denominator_type, group)), display=False)


def appraisal_box(ident: str) -> HTML:
    """The review's claim, the evidence, the verdict and its status, from data/appraisals.yaml."""
    from ..core.text import markdown

    a = dataset().by_id("appraisals.yaml", ident)
    section = a.review_section if not a.review_section[0].isdigit() else f"§{a.review_section}"
    w = lambda key, **f: e(_w(key, **f))  # noqa: E731
    basis = f" · {w('appraisal_basis')} {e(a.basis)}" if a.basis else ""
    markup = (
        f'<aside class="tb-appraisal" id="appraisal-{e(a.id)}" aria-label="{w("appraisal_label", section=section)}">'
        f'<p class="tb-appraisal-title">{w("appraisal_title")} <span class="tb-appraisal-section">'
        f'{w("appraisal_section", section=section)}</span></p>'
        f'<p class="tb-appraisal-claim"><strong>{w("appraisal_claim")}</strong> {e(a.claim)}</p>'
        f'<div class="tb-appraisal-evidence"><strong>{w("appraisal_evidence")}</strong> {markdown(a.evidence)}</div>'
        f'<p class="tb-appraisal-verdict"><strong>{w("appraisal_verdict")}</strong> <span class="tb-verdict">{e(a.verdict)}</span> '
        f'· {w("appraisal_status")} {badge(a.status)}{basis} · {w("appraisal_source")} {cite_html(a.source)}</p>'
        "</aside>"
    )
    plain = wording("common", "appraisal_plain", section=section, claim=a.claim, evidence=a.evidence,
                    verdict=a.verdict, status=a.status)
    return HTML(markup, plain)


def table(caption: str, header: list[str], rows: list[list[str]], cls: str = "",
          row_attrs: list[dict[str, str]] | None = None) -> str:
    """An HTML table in a scrollable, labelled region. ``header`` is plain text; cells are markup.

    Each cell carries its column's name (data-label), so a table of five or more columns (class tb-cards)
    becomes one card per row on a phone. ``row_attrs``: attributes of each row (an id, data-study, ...)."""
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in header)
    labels = [e(h) for h in header]

    def row(i: int, r: list[str]) -> str:
        attrs = "".join(f' {k}="{e(v)}"' for k, v in ((row_attrs[i] if row_attrs else None) or {}).items())
        cells = "".join(f'<td data-label="{labels[j] if j < len(labels) else ""}">{c}</td>' for j, c in enumerate(r))
        return f"<tr{attrs}>{cells}</tr>"

    body = "".join(row(i, r) for i, r in enumerate(rows))
    classes = " ".join(c for c in ("tb-table", cls, "tb-cards" if len(header) >= 5 else "") if c)
    return (
        f'<div class="tb-table-wrap" tabindex="0" role="region" aria-label="{e(caption)}">'
        f'<table class="{classes}"><caption>{e(caption)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def status_legend() -> HTML:
    """The three vocabularies (status, basis, rule origin), generated from data/labels.yaml."""
    labels = dataset().document("labels.yaml")
    parts = [
        table(wording("common", "legend_status"), word_list("common", "legend_status_header"),
              [[badge(s.name), e(s.meaning)] for s in labels.statuses]),
        table(wording("common", "legend_basis"), word_list("common", "legend_basis_header"),
              [[e(b.name), e(b.meaning)] for b in labels.bases]),
        table(wording("common", "legend_origin"), word_list("common", "legend_origin_header"),
              [[f'<span class="tb-origin">{e(o.tag)}</span>', e(o.name), e(o.meaning)] for o in labels.origins]),
    ]
    plain = "\n".join(f"{s.name}: {s.meaning}" for s in labels.statuses)
    return HTML("".join(parts), plain)


def status_counts() -> HTML:
    """How many data rows carry each status (derived by counting data/)."""
    ds = dataset()
    counts: Counter[str] = Counter()
    for name in ds.tables:
        counts.update(row.status for row in ds.rows(name))
    for files in ds.folders.values():
        for _shown, doc in files.values():
            questions = list(getattr(doc, "questions", []))
            questions += [stage.question for stage in getattr(doc, "stages", []) if stage.question]
            for q in questions:
                counts[q.status] += 1
    order = ["verified", "not verified", "not found", "derived", "illustrative"]
    rows = [[badge(s), str(counts.get(s, 0))] for s in order]
    total = sum(counts.values())
    return HTML(
        table(wording("common", "counts_caption", total=total), word_list("common", "counts_header"), rows),
        ", ".join(f"{s}: {counts.get(s, 0)}" for s in order),
    )


def reference_table() -> HTML:
    """Each reference with the status of its bibliographic details (apart from any claim's status)."""
    ds = dataset()
    rows, ids = [], []
    for key, entry in sorted(ds.bib.items()):
        title = re.search(r"^\s*title\s*=\s*\{(.*)\}\s*,?\s*$", entry["body"], re.MULTILINE)
        title_text = re.sub(r"[{}\\]", "", title.group(1)) if title else ""
        rows.append([e(citation(key)), f"<code>{e(key)}</code>", e(title_text), badge(entry["status"])])
        ids.append({"id": f"ref-{key}"})  # the target of every short citation (thalbook.data.citations)
    return HTML(
        table(wording("common", "refs_caption"), word_list("common", "refs_header"), rows, "tb-refs", ids),
        f"{len(rows)} references",
    )


def glossary() -> Markdown:
    """A Sphinx glossary built from data/glossary.yaml, so pages can link terms with {term}."""
    terms = sorted(dataset().rows("glossary.yaml"), key=lambda t: t.term.lower())
    lines = ["```{glossary}"]
    for t in terms:
        lines.extend([t.term, *t.aliases])  # a Sphinx glossary entry may carry several names, each linkable
        lines.append(f"  {t.definition} *(Source: {cite_html(t.source)}; {t.status}.)*")
        lines.append("")
    lines.append("```")
    return Markdown("\n".join(lines))


def appraisal_list() -> HTML:
    """Every flag in data/appraisals.yaml with its verdict and the page that raises it."""
    rows = [
        [e(a.review_section), e(a.claim), e(a.verdict), badge(a.status), f"<code>{e(a.page)}</code>"]
        for a in dataset().rows("appraisals.yaml")
    ]
    return HTML(table(wording("common", "flags_caption"), word_list("common", "flags_header"), rows), f"{len(rows)} flags")


# ---------------------------------------------------------------- widgets from data files
def quiz(ident: str, presenter: bool = False):
    """The quiz in data/quizzes/<ident>.yaml. presenter=True holds answers back until revealed."""
    from ..widgets import Quiz

    spec = dataset().item("quizzes", ident).model_dump()
    add_teaches_titles(spec["questions"])
    return Quiz(spec, presenter=presenter)


def add_teaches_titles(questions: list[dict]) -> None:
    """The summary's link text: the title of the page that teaches each question."""
    for q in questions:
        if q.get("teaches"):
            q["teaches_title"] = page_title(q["teaches"])


def stepper(ident: str, presenter: bool = False):
    """The stepper in data/steppers/<ident>.yaml."""
    from ..widgets import Stepper

    spec = dataset().item("steppers", ident).model_dump()
    add_teaches_titles([s["question"] for s in spec["stages"] if s.get("question")])
    return Stepper(spec, presenter=presenter)


def ctcae_spec() -> dict:
    """Lookup-explorer spec: a blood count with its unit -> CTCAE v5.0 grade, from data/ctcae.yaml."""
    tests = dataset().rows("ctcae.yaml")
    w = _w
    rows = []
    for t in tests:
        bounds = [t.lln, *t.grade_floors]
        for grade in range(len(t.grade_floors) + 2):
            if grade == 0:
                body = w("ctcae_g0", lln=thousands(t.lln), unit=t.base_unit, status=t.lln_status)
            elif grade <= len(t.grade_floors):
                body = w("ctcae_g1" if grade == 1 else "ctcae_gn", high=thousands(bounds[grade - 1]),
                         low=thousands(bounds[grade]), unit=t.base_unit)
            else:
                body = w("ctcae_top", high=thousands(t.grade_floors[-1]), unit=t.base_unit, note=t.top_grade_note).strip()
            rows.append({
                "id": f"{t.id}-g{grade}",
                "match": {"test": t.id, "grade": grade},
                "title": w("ctcae_card_normal", test=t.label) if grade == 0 else w("ctcae_card", test=t.label, grade=grade),
                "body": body,
                "tags": [t.adverse_event, "CTCAE v5.0"],
                "source": t.source,
                "status": t.status,
                "severity": grade,
            })
    return {
        "id": "ctcae-grade",
        "title": w("ctcae_title"),
        "selectors": [{"name": "test", "label": w("ctcae_test"),
                       "options": [{"value": t.id, "label": t.label} for t in tests]}],
        "numeric": {
            "by": "test", "key": "grade",
            "variants": {t.id: {"label": w("ctcae_value", test=t.label), "units": [u.model_dump() for u in t.units],
                                "floors": t.grade_floors, "lln": t.lln} for t in tests},
        },
        "rows": rows,
        "empty": w("ctcae_empty"),
    }


def ctcae_explorer():
    from ..widgets import Lookup

    return Lookup(ctcae_spec())


def proportion_calculator():
    """x of n -> the proportion and its 95% Wilson score interval (thalbook.core.stats.wilson_interval)."""
    from ..widgets import Calculator

    inputs, outputs = word_group("common", "wilson_inputs"), word_group("common", "wilson_outputs")
    return Calculator({
        "id": "wilson",
        "title": wording("common", "wilson_title"),
        "fn": "wilson",
        "inputs": [
            {"name": "x", "label": inputs["x"], "unit": "patients", "min": 0, "max": 100000, "integer": True, "step": 1},
            {"name": "n", "label": inputs["n"], "unit": "patients", "min": 1, "max": 100000, "integer": True, "step": 1},
        ],
        "outputs": [{"name": name, "label": label, **({} if name == "count" else {"format": "percent1"})}
                    for name, label in outputs.items()],
        "note": wording("common", "wilson_note"),
    })
