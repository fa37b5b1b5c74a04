"""Part 5 of the book (pages 5.1-5.3): the review's conclusions traced, its open issues, other uses.

* 5.1: ``data/citations.yaml`` holds the review's nine references and the claims of its section 5.1 that
  cite them. ``tracer_spec`` turns them into a spec for the book's Lookup widget in two modes: *by claim*
  (claim -> the reference it cites -> what that reference reports -> verdict) and *by reference* (what
  an entry is and which claims cite it, including "listed but never cited"). Every card is prerendered,
  so the static twin reads as the full trace, in order, without JavaScript.
* 5.2: ``data/open_issues.yaml`` (the open problems and what a paediatric trial would measure) and
  ``data/trial_planning.yaml`` (teaching assumptions of the trial-size calculator, whose arithmetic is
  ``thalbook.core.stats.smallest_n_for_half_width`` here and ``sampleSizeForPrecision`` in calculator.js).
* 5.3: ``data/other_uses.yaml``: approved, off-label and research uses, each with its standing and status.

Pure functions first, page-level functions last. No clinical number is typed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from ..core.lookup import matches
from ..core.numbers import fixed, js_num
from ..core.stats import (
    normal_sample_size,
    smallest_n_for_half_width,
    wilson_half_width,
    wilson_interval_for_proportion,
    z_for_confidence,
)
from ..data import dataset
from ..data.citations import cite_html, cite_md
from .common import HTML, Text, badge, count_text, e, status_basis, table, word_group, word_list, wording
from .part3 import denominator_words

PART = "part5"
REVIEW_KEY = "ma_thalidomide_mds_children"

_w = partial(wording, PART)  # a text of this part's data/wording file


# --------------------------------------------------------------------------- citations (pure)
def citations():
    """The validated ``data/citations.yaml`` (references and claims)."""
    return dataset().document("citations.yaml")


def reference(doc, number: int):
    """The entry numbered ``number`` of the review's list."""
    for r in doc.references:
        if r.number == number:
            return r
    raise KeyError(f"no reference [{number}] in data/citations.yaml")


def cited_by(doc) -> dict[int, list[str]]:
    """Reference number -> ids of the claims that cite it, in file order ([] for an entry never cited)."""
    out: dict[int, list[str]] = {r.number: [] for r in doc.references}
    for c in doc.claims:
        for n in c.cites:
            out[n].append(c.id)
    return out


def never_cited(doc) -> list[int]:
    """Numbers of the entries no claim cites."""
    return [n for n, ids in cited_by(doc).items() if not ids]


def name_matches(doc, surname: str | None) -> list[int]:
    """Numbers of the entries whose first author is ``surname`` (the review's 'Chen' -> [4])."""
    if not surname:
        return []
    return [r.number for r in doc.references if r.first_author.casefold() == surname.casefold()]


def name_note(doc, claim, number: int) -> str:
    """What the name the text gives says about the entry it cites (Markdown, one or two sentences)."""
    ref = reference(doc, number)
    named = claim.named_author
    if not named:
        return _w("name_none", first=ref.first_author)
    if named.casefold() == ref.first_author.casefold():
        return _w("name_match", named=named, number=number)
    text = _w("name_mismatch", named=named, number=number, first=ref.first_author)
    others = [n for n in name_matches(doc, named) if n != number]
    if others:
        listed = ", ".join(f"[{n}], {reference(doc, n).short}," for n in others)
        uncited = [n for n in others if n in never_cited(doc)]
        text += " " + _w("name_elsewhere", named=named, listed=listed.rstrip(","))
        text += _w("name_elsewhere_uncited") if uncited == others else "."
    return text


def count_lines(counts) -> list[str]:
    """Each named row of data/studies.csv as a sentence: 'List 2006 (MDS-003), transfusion independence
    (intention to treat): 99/148 (67%, verified)'."""
    rows = {(r.study_id, r.outcome, r.denominator_type, r.group): r for r in dataset().rows("studies.csv")}
    out = []
    for c in counts:
        row = rows[(c.study_id, c.outcome, c.denominator_type, c.group)]
        group = "" if c.group == "all" else f", {c.group}"
        how = "" if c.denominator_type == "unknown" else f" ({denominator_words()[c.denominator_type]})"
        out.append(f"{row.study_label}{group}, {c.outcome}{how}: "
                   f"{count_text(c.study_id, c.outcome, c.denominator_type, c.group)}")
    return out


def reports_body(doc, ref) -> str:
    """What an entry really is (Markdown): the book's account, counts as printed, a related real paper."""
    parts = [ref.reports.strip()]
    lines = count_lines(ref.counts)
    if lines:
        parts.append(_w("counts_lead") + "\n\n" + "\n".join(f"- {x}" for x in lines))
    if ref.see_also:
        parts.append(_w("related_paper", paper=cite_md(ref.see_also)))
    return "\n\n".join(parts)


def _claim_line(c) -> str:
    cites = ", ".join(f"[{n}]" for n in c.cites) or _w("no_reference")
    return _w("claim_line", topic=c.topic, section=c.review_section, cites=cites, verdict=c.verdict)


def cited_by_body(doc, number: int) -> str:
    """Which claims cite an entry (Markdown); for an entry no claim cites, says so and why it matters."""
    ref = reference(doc, number)
    claims = {c.id: c for c in doc.claims}
    ids = cited_by(doc)[number]
    if ids:
        lead = _w("cited_by_one", number=number) if len(ids) == 1 else _w("cited_by_many", count=len(ids), number=number)
        text = lead + "\n\n" + "\n".join(_claim_line(claims[i]) for i in ids)
        names = sorted({claims[i].named_author for i in ids if claims[i].named_author})
        if names:
            text += "\n\n" + _w("authors_named", names=" and ".join(f"**{n} et al.**" for n in names),
                                 first=ref.first_author)
    else:
        text = _w("never_cited_body", number=number)
    uncited_namers = [c for c in doc.claims
                      if c.named_author and c.named_author.casefold() == ref.first_author.casefold() and number not in c.cites]
    if uncited_namers:
        cites = sorted({n for c in uncited_namers for n in c.cites})
        claims_text = _claims(len(uncited_namers))
        text += "\n\n" + _w("named_elsewhere", first=ref.first_author, claims=claims_text,
                             cites=", ".join(f"[{n}]" for n in cites))
    return text


def _claims(count: int) -> str:
    return _w("one_claim") if count == 1 else _w("many_claims", count=count)


def _found(ref) -> str:
    return _w("tag_found") if ref.found else _w("tag_not_found")


def _ref_title(ref) -> str:
    return f"[{ref.number}] {ref.short}"


def tracer_spec(mode: str = "claim", doc=None) -> dict:
    """Lookup spec of the citation tracer.

    ``mode="claim"``: one selector of the claims; for each claim four cards in reading order (the claim,
    the entry it cites, what that entry reports, the verdict), or a "no reference" card.
    ``mode="reference"``: one selector of the nine entries; for each, what it is as listed, what it
    really is, and which claims cite it ("listed but never cited" for [4]-[9]).
    """
    doc = citations() if doc is None else doc
    rows: list[dict] = []
    if mode == "claim":
        for c in doc.claims:
            match = {"claim": c.id}
            cites = ", ".join(f"[{n}]" for n in c.cites) or _w("no_reference")
            rows.append({
                "id": f"{c.id}-claim", "match": match,
                "title": _w("claim_title", topic=c.topic),
                "body": _w("claim_body", quote=c.quote, section=c.review_section, cites=cites,
                           named=(c.named_author + " et al.") if c.named_author else _w("study_none")),
                "tags": [f"review {c.review_section}"],
                "source": REVIEW_KEY,
            })
            if not c.cites:
                rows.append({
                    "id": f"{c.id}-noref", "match": match,
                    "title": _w("noref_title"),
                    "body": _w("noref_body"),
                    "tags": [_w("no_reference")],
                    "source": REVIEW_KEY,
                })
            for n in c.cites:
                ref = reference(doc, n)
                rows.append({
                    "id": f"{c.id}-ref{n}", "match": match,
                    "title": _w("ref_title", title=_ref_title(ref)),
                    "body": _w("as_listed", text=ref.as_listed) + "\n\n" + name_note(doc, c, n),
                    "tags": [f"listed as [{n}]", _found(ref)],
                    "source": ref.source, "status": ref.status,
                })
                rows.append({
                    "id": f"{c.id}-ref{n}-reports", "match": match,
                    "title": _w("reports_title", number=n, topic=ref.topic),
                    "body": reports_body(doc, ref),
                    "tags": [_found(ref)] + ([f"basis: {ref.basis}"] if ref.basis else []),
                    "source": ref.source, "status": ref.status,
                })
            rows.append({
                "id": f"{c.id}-verdict", "match": match,
                "title": _w("verdict_title", verdict=word_group(PART, "verdicts")[c.verdict]),
                "body": c.verdict_text.strip() + ("\n\n" + _w("verdict_flag", flag=c.appraisal) if c.appraisal else ""),
                "tags": [f"verdict: {c.verdict}"] + ([f"basis: {c.basis}"] if c.basis else []),
                "source": c.source, "status": c.status,
            })
        return {
            "id": "citation-tracer-claims",
            "title": _w("tracer_claim_title"),
            "selectors": [{"name": "claim", "label": _w("tracer_claim_label"),
                           "options": [{"value": c.id, "label": c.topic} for c in doc.claims]}],
            "rows": rows,
            "empty": _w("tracer_claim_empty"),
        }
    if mode == "reference":
        for ref in doc.references:
            match = {"reference": str(ref.number)}
            rows.append({
                "id": f"ref{ref.number}-entry", "match": match,
                "title": _w("entry_title", title=_ref_title(ref)),
                "body": _w("as_listed", text=ref.as_listed) + "\n\n" + _w("entry_author", first=ref.first_author),
                "tags": [f"listed as [{ref.number}]", _found(ref)],
                "source": ref.source, "status": ref.status,
            })
            rows.append({
                "id": f"ref{ref.number}-reports", "match": match,
                "title": _w("really_title", number=ref.number, topic=ref.topic),
                "body": reports_body(doc, ref),
                "tags": [f"basis: {ref.basis}"] if ref.basis else [],
                "source": ref.source, "status": ref.status,
            })
            ids = cited_by(doc)[ref.number]
            rows.append({
                "id": f"ref{ref.number}-cited", "match": match,
                "title": _w("cited_title", number=ref.number, count=len(ids) or "none"),
                "body": cited_by_body(doc, ref.number),
                "tags": [_w("never_cited").lower()] if not ids else [f"cited by {len(ids)}"],
                "source": "thalbook_evidence_notes", "status": "derived",
            })
        return {
            "id": "citation-tracer-references",
            "title": _w("tracer_ref_title"),
            "selectors": [{"name": "reference", "label": _w("tracer_ref_label"),
                           "options": [{"value": str(r.number), "label": _ref_title(r)} for r in doc.references]}],
            "rows": rows,
            "empty": _w("tracer_ref_empty"),
        }
    raise ValueError(f"mode must be 'claim' or 'reference', got {mode!r}")


def tracer_cards(spec: Mapping[str, Any], choice: str) -> list[str]:
    """Ids of the cards the tracer shows for one choice (the matching rule of lookup.js)."""
    name = spec["selectors"][0]["name"]
    return matches(spec, {name: str(choice)})


# --------------------------------------------------------------------------- trial size (pure twin of calculator.js)


def planning_rows(kind: str | None = None) -> list:
    rows = dataset().rows("trial_planning.yaml")
    return [r for r in rows if kind is None or r.kind == kind]


def planning_default(kind: str):
    return next(r for r in planning_rows(kind) if r.default)


def sample_size_spec() -> dict:
    """Calculator spec (fn ``sample_size``) started at the data's default assumptions."""
    rate, hw, conf = (planning_default(k) for k in ("expected-rate", "half-width", "confidence"))
    levels = [{"level": int(r.value) if float(r.value).is_integer() else r.value, "z": z_for_confidence(r.value / 100)}
              for r in planning_rows("confidence")]
    widths = ", ".join(js_num(r.value) for r in planning_rows("half-width"))
    inputs, outputs = word_group(PART, "sample_inputs"), word_group(PART, "sample_outputs")
    return {
        "id": "sample-size",
        "title": _w("sample_title"),
        "fn": "sample_size",
        "inputs": [
            {"name": "rate", "label": inputs["rate"], "unit": "%", "min": 1, "max": 99},
            {"name": "half_width", "label": inputs["half_width"], "unit": "percentage points", "min": 1, "max": 50},
            {"name": "confidence", "label": inputs["confidence"], "unit": "%", "min": 50, "max": 99.9},
        ],
        "outputs": [{"name": name, "label": label} for name, label in outputs.items()],
        "params": {"levels": levels},
        "start": {"rate": js_num(rate.value), "half_width": js_num(hw.value), "confidence": js_num(conf.value)},
        "note": _w("sample_note", status=rate.status, rate=js_num(rate.value), half=js_num(hw.value), widths=widths,
                   confidence=js_num(conf.value), levels=", ".join(js_num(lv["level"]) for lv in levels)),
    }


# --------------------------------------------------------------------------- page-level functions
def citation_tracer(mode: str = "claim", start: str | None = None):
    """The citation tracer of page 5.1 (the book's Lookup widget): ``"claim"`` or ``"reference"`` mode.

    ``start`` is the claim id or the reference number shown first (default: the first in the file).
    """
    from ..widgets import Lookup

    spec = tracer_spec(mode)
    name = spec["selectors"][0]["name"]
    first = spec["selectors"][0]["options"][0]["value"]
    return Lookup(spec, selection={name: str(start) if start is not None else first})


def table1_traced() -> HTML:
    """The claims of Table 1 and section 5.1 beside what their references really are."""
    doc = citations()
    body, plain = [], []
    for c in doc.claims:
        refs = [reference(doc, n) for n in c.cites]
        cited = "<br>".join(f"[{r.number}] {e(r.short)}" for r in refs) or e(_w("no_reference"))
        really = "<br>".join(f"{e(r.topic)} {badge(r.status)}" for r in refs) or e(_w("nothing_to_check"))
        body.append([
            f"{e(c.quote)} <span class=\"tb-cell-meta\">(review {e(c.review_section)})</span>",
            e(f"{c.named_author} et al.") if c.named_author else e(_w("study_none").rstrip(".")),
            cited,
            really,
            f"<strong>{e(c.verdict)}</strong> {status_basis(c)}",
        ])
        plain.append(f"{c.topic}: cites {', '.join(f'[{n}]' for n in c.cites) or 'nothing'}; verdict {c.verdict} ({c.status})")
    return HTML(
        table(_w("table1_caption"), word_list(PART, "table1_header"), body, "tb-table1"),
        "\n".join(plain),
    )


def reference_list_table() -> HTML:
    """The review's nine references: what each is, whether it could be found, and which claims cite it."""
    doc = citations()
    by = cited_by(doc)
    body = []
    for r in doc.references:
        n_cited = len(by[r.number])
        body.append([
            f"[{r.number}]",
            e(r.as_listed),
            e(r.topic),
            e(_found(r)),
            e(_claims(n_cited)) if n_cited else e(_w("never_cited").lower()),
            status_basis(r),
            f"{cite_html(r.source)}",
        ])
    return HTML(
        table(_w("reflist_caption"), word_list(PART, "reflist_header"), body, "tb-reflist"),
        f"{len(body)} references; never cited: {', '.join(f'[{n}]' for n in never_cited(doc))}",
    )


def glue_citations() -> None:
    """Glue the counts page 5.1 quotes (all derived by counting data/citations.yaml)."""
    from myst_nb import glue

    doc = citations()
    nc = never_cited(doc)
    found = [r.number for r in doc.references if r.found]
    values = {
        "cite-cited": f"{len(doc.references) - len(nc)} of {len(doc.references)} (derived)",
        "cite-never": f"[{nc[0]}] to [{nc[-1]}] (derived)" if nc else "none (derived)",
        "cite-found": f"{len(found)} of {len(doc.references)} (derived)",
        "cite-claims": f"{len(doc.claims)} claims (derived)",
    }
    for k, v in values.items():
        glue(k, Text(v), display=False)


def open_issues_table() -> HTML:
    """The open problems of section 5.2: what the review says, what is known, what a trial would measure."""
    rows = dataset().rows("open_issues.yaml")
    body = [[
        f"<strong>{e(r.title)}</strong><br><span class=\"tb-cell-meta\">{e(r.issue)}</span>",
        e(r.review_says),
        f"{e(r.known)} <span class=\"tb-cell-meta\">({status_basis(r)}; "
        f"{cite_html(r.source)})</span>",
        f"{e(r.measure)} <span class=\"tb-cell-meta\">({badge(r.measure_status)}: {e(_w('teaching_proposal'))})</span>",
    ] for r in rows]
    return HTML(
        table(_w("open_caption"), word_list(PART, "open_header"), body, "tb-open-issues"),
        "\n".join(f"{r.title}: {r.status}" for r in rows),
    )


def planning_table() -> HTML:
    """The teaching assumptions of the trial-size calculator, each with its status."""
    rows = planning_rows()
    unit = {"%": "%", "percentage points": " percentage points"}
    body = [[e(r.kind), e(r.label), e(js_num(r.value) + unit[r.unit]), e(_w("yes")) if r.default else "",
             e(r.note) or "–", badge(r.status)] for r in rows]
    return HTML(
        table(_w("planning_caption"), word_list(PART, "planning_header"), body, "tb-planning"),
        "\n".join(f"{r.id}: {r.value} {r.unit} ({r.status})" for r in rows),
    )


def sample_size_rows() -> list[dict]:
    """For each half-width in the data, at the default rate and confidence: n (Wilson), n (normal),
    and the interval at that n. Every number derived from data/trial_planning.yaml."""
    rate, conf = planning_default("expected-rate"), planning_default("confidence")
    z = z_for_confidence(conf.value / 100)
    p = rate.value / 100
    out = []
    for hw in sorted(planning_rows("half-width"), key=lambda r: -r.value):
        d = hw.value / 100
        n = smallest_n_for_half_width(p, d, z)
        low, high = wilson_interval_for_proportion(p, n, z)
        out.append({"half_width": hw.value, "n": n, "normal": normal_sample_size(p, d, z), "low": low, "high": high,
                    "rate": rate.value, "confidence": conf.value, "status": "derived"})
    return out


def sample_size_table() -> HTML:
    rows = sample_size_rows()
    r0 = rows[0]
    body = [[e(_w("half_width_cell", half=js_num(r["half_width"]))), e(r["n"]), e(f"{fixed(r['low'] * 100, 1)}% to {fixed(r['high'] * 100, 1)}%"),
             e(r["normal"]), badge(r["status"])] for r in rows]
    return HTML(
        table(_w("sample_caption", rate=js_num(r0["rate"]), confidence=js_num(r0["confidence"])),
              word_list(PART, "sample_header"), body, "tb-sample-size"),
        "; ".join(f"±{r['half_width']}: {r['n']}" for r in rows),
    )


def glue_planning() -> None:
    """Glue the planning numbers page 5.2 quotes, each with its status."""
    from myst_nb import glue

    rate, conf = planning_default("expected-rate"), planning_default("confidence")
    rows = sample_size_rows()
    z = z_for_confidence(conf.value / 100)
    values = {
        "plan-rate": f"{js_num(rate.value)}% ({rate.status})",
        "plan-halfwidth": f"{js_num(planning_default('half-width').value)} percentage points "
                          f"({planning_default('half-width').status})",
        "plan-confidence": f"{js_num(conf.value)}% ({conf.status})",
        "plan-z": f"{fixed(z, 2)} at {js_num(conf.value)}% confidence (derived)",
    }
    for r in rows:
        hw = js_num(r["half_width"])
        values[f"plan-n-{hw}"] = f"{r['n']} children (derived)"
        values[f"plan-normal-{hw}"] = f"{r['normal']} children (derived)"
        values[f"plan-interval-{hw}"] = f"{fixed(r['low'] * 100, 1)}% to {fixed(r['high'] * 100, 1)}% (derived)"
    review = next(r for r in dataset().rows("studies.csv") if r.study_id == "review32" and r.outcome == "clinical response")
    half = wilson_half_width(rate.value / 100, review.denominator, z)
    values["plan-review-n"] = f"{review.denominator} children ({review.status})"
    values["plan-review-halfwidth"] = _w("review_halfwidth", half=fixed(half * 100, 1))
    for k, v in values.items():
        glue(k, Text(v), display=False)


def sample_size_calculator():
    """The trial-size calculator of page 5.2, started at the data's default assumptions."""
    from ..widgets import Calculator

    spec = sample_size_spec()
    return Calculator(spec, inputs=dict(spec["start"]))


def other_uses_table() -> HTML:
    """Uses of thalidomide and its analogues beyond childhood MDS (data/other_uses.yaml), status visible."""
    rows = dataset().rows("other_uses.yaml")
    body = []
    for r in rows:
        where = e(r.jurisdiction) + (e(_w("since", year=r.since)) if r.since else "") if r.jurisdiction else "–"
        counts = "".join(f"<br><span class=\"tb-cell-meta\">{e(x)}</span>" for x in count_lines(r.counts))
        body.append([
            f"<strong>{e(r.condition)}</strong><br><span class=\"tb-cell-meta\">{e(r.drug)}</span>",
            f"<strong>{e(r.standing)}</strong><br><span class=\"tb-cell-meta\">{where}</span>",
            e(r.evidence) + counts,
            e(_w("yes")) if r.in_review else e(_w("no")),
            f"{status_basis(r)}<br>{cite_html(r.source)}",
        ])
    return HTML(
        table(_w("other_caption"), word_list(PART, "other_header"), body, "tb-other-uses"),
        "\n".join(f"{r.drug}, {r.condition}: {r.standing} ({r.status})" for r in rows),
    )


def part5_quiz(presenter: bool = False):
    """The self-check of part 5 (data/quizzes/part5.yaml)."""
    from .common import quiz

    return quiz("part5", presenter=presenter)


__all__ = [
    "cited_by",
    "citation_tracer",
    "citations",
    "glue_citations",
    "glue_planning",
    "name_matches",
    "never_cited",
    "open_issues_table",
    "other_uses_table",
    "part5_quiz",
    "planning_table",
    "reference_list_table",
    "sample_size_calculator",
    "sample_size_spec",
    "sample_size_table",
    "table1_traced",
    "tracer_cards",
    "tracer_spec",
]
