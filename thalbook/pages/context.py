"""Page builders for issue 16: "Beyond the review" boxes (data/clinical_context.yaml) and the safety-rule
tables (data/safety_rules.yaml).

A box is MyST Markdown (an admonition) that myst-nb parses into real Sphinx nodes, so {term} links in the
statements work; each fact ends with its status, basis and source. Numbers come only from data/facts.yaml
and data/studies.csv through the placeholders {fact:<id>} and {count:<study_id>|<outcome>|<type>|<group>}.
No number is typed here.
"""

from __future__ import annotations

import re
from functools import partial

from ..data import dataset
from ..data.citations import cite_html
from ..data.schemas import PLACEHOLDER
from .common import HTML, Markdown, badge, count_text, e, fact_text, table, word_group, word_list, wording

TERM_ROLE = re.compile(r"\{term\}`([^`<]+?)(?:\s*<[^`>]+>)?`")
PART = "context"
_w = partial(wording, PART)  # a text of data/wording/context.yaml


def _fill(statement: str) -> str:
    """The statement with each {fact:...} and {count:...} replaced by the number and its status."""

    def number(match: re.Match) -> str:
        kind, ref = match.group(1), match.group(2)
        if kind == "fact":
            return fact_text(ref.strip())
        parts = [p.strip() for p in ref.split("|")]
        return count_text(*parts)

    return PLACEHOLDER.sub(number, statement)


def context_facts(topic: str) -> list:
    """The rows of data/clinical_context.yaml in one box, in file order."""
    rows = [r for r in dataset().rows("clinical_context.yaml") if r.topic == topic]
    if not rows:
        known = ", ".join(dict.fromkeys(r.topic for r in dataset().rows("clinical_context.yaml")))
        raise KeyError(f"no topic '{topic}' in data/clinical_context.yaml; known: {known}")
    return rows


def _provenance(row) -> str:
    basis = f", {row.basis}" if row.basis else ""
    return _w("provenance", status=row.status, basis=basis, source=cite_html(row.source))


def beyond_review(topic: str, title: str) -> Markdown:
    """A "Beyond the review" box: the facts of one topic, each with its status, basis and source."""
    rows = context_facts(topic)
    lines = [
        "````{admonition} " + title,
        ":class: note tb-beyond",
        f":name: beyond-{topic}",
        "",
        _w("box_lead"),
        "",
    ]
    for r in rows:
        who = f" *({r.population}.)*" if r.population else ""
        note = f" *{r.note}*" if r.note else ""
        lines.append(f"- {_fill(r.statement)}{who} {_provenance(r)}.{note}")
    if any(r.dose for r in rows):
        lines += ["", _w("dose_note")]
    lines.append("````")
    text = "\n".join(lines)
    plain = TERM_ROLE.sub(r"\1", "\n".join([title, *lines[6:-1]]))
    return Markdown(text, plain)


def safety_rules_table(topic: str) -> HTML:
    """The rules of one topic of data/safety_rules.yaml: who, rule, when, origin, status and source."""
    rows = [r for r in dataset().rows("safety_rules.yaml") if r.topic == topic]
    if not rows:
        raise KeyError(f"no topic '{topic}' in data/safety_rules.yaml; known: {', '.join(word_group(PART, 'rule_captions'))}")
    body = []
    for r in rows:
        where = f"<br>{e(r.jurisdiction)}" if r.jurisdiction else ""
        basis = f", {e(r.basis)}" if r.basis else ""
        note = f"<br>{e(r.note)}" if r.note else ""
        body.append([
            e(r.applies_to), e(r.rule), e(r.when) or "–",
            f'<span class="tb-origin">{e(", ".join(r.origin))}</span>{where}',
            badge(r.status) + basis, f"{cite_html(r.source)}{note}",
        ])
    plain = "\n".join(f"{r.applies_to}: {r.rule} ({r.when}) [{', '.join(r.origin)}; {r.status}]" for r in rows)
    return HTML(table(word_group(PART, "rule_captions")[topic], word_list(PART, "rules_header"), body, "tb-safety-rules"),
                plain)


__all__ = ["beyond_review", "context_facts", "safety_rules_table"]
