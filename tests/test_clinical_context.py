"""Issue 16: the "Beyond the review" boxes (data/clinical_context.yaml) and the safety-rule tables
(data/safety_rules.yaml), with the neuropathy rows of data/monitoring.yaml.

Three groups: a deliberately broken copy of each new file must name the file, the line (counted here from
the broken text) and the column; the data must say what the evidence notes say, with each rule's real
origin; and each box and table on the built page must show every fact's status (these read _build/html,
like the other built-page tests, and run after `make book`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT, data_errors

import thalbook as tb
from thalbook.data import dataset

CONTEXT = "data/clinical_context.yaml"
RULES = "data/safety_rules.yaml"


def rows(rel: str) -> list[dict]:
    return yaml.safe_load((ROOT / rel).read_text(encoding="utf-8"))


def line_of(text: str, pattern: str, start: int = 0) -> int:
    """1-based number of the first line at or after `start` (0-based) matching `pattern`."""
    lines = text.splitlines()
    return next(i for i in range(start, len(lines)) if re.search(pattern, lines[i])) + 1


def break_and_check(book: Path, rel: str, old: str, new: str, column: str, words: str, after: str | None = None) -> None:
    """Replace the first `old` (after the line matching `after`) by `new`, then expect an error on the line
    of the field that holds it."""
    path = book / rel
    text = path.read_text(encoding="utf-8")
    start = line_of(text, after) - 1 if after else 0
    line = line_of(text, re.escape(old), start)
    lines = text.splitlines()
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    field = column.split("[")[0]  # a folded value (statement: >-) is reported on the line of its field
    line = next(i for i in range(line, 0, -1) if re.match(rf"^\s*-?\s*{field}:", lines[i - 1]))
    mine = [e for e in data_errors(book) if e.path == rel]
    hit = [e for e in mine if e.line == line and (e.column or "").endswith(column) and words in e.message]
    assert hit, f"expected {rel}, line {line}, column {column!r}: {words!r}; got {[str(e) for e in mine]}"
    assert str(hit[0]).startswith(f"{rel}, line {line}, field '")


# ---------------------------------------------------------------- broken files name file, line and column
def test_unknown_status_in_a_box_is_named(book: Path):
    break_and_check(book, CONTEXT, "status: not verified", "status: probably", "status", "expected one of",
                    after=r"id: dba-clues")


def test_placeholder_naming_no_fact_is_named(book: Path):
    break_and_check(book, CONTEXT, "{fact:dba-steroid-start-age}", "{fact:dba-steroid-start}", "statement",
                    "no id 'dba-steroid-start' in data/facts.yaml")


def test_placeholder_naming_no_study_row_is_named(book: Path):
    break_and_check(book, CONTEXT, "{count:list2006|transfusion independence|itt}",
                    "{count:list2006|transfusion independence|evaluable}", "statement", "in data/studies.csv")


def test_box_on_a_missing_page_is_named(book: Path):
    break_and_check(book, CONTEXT, "page: chapters/5-conclusions/5.3-applications-and-perspectives",
                    "page: chapters/5-conclusions/5.9-nowhere", "page", "no page 'chapters/5-conclusions/5.9-nowhere'")


def test_one_topic_on_two_pages_is_named(book: Path):
    break_and_check(book, CONTEXT, "page: chapters/1-introduction/1.2-mds-and-dba",
                    "page: chapters/3-clinical-efficacy/3.1-children-are-not-small-adults", "page",
                    "is on more than one page", after=r"id: dba-cancer-risk")


def test_label_rule_without_jurisdiction_is_named(book: Path):
    break_and_check(book, RULES, "  jurisdiction: United States (REMS)", "  jurisdiction: ''", "jurisdiction",
                    "must say where it applies", after=r"id: supply-28-days")


def test_not_found_rule_without_note_is_named(book: Path):
    break_and_check(book, RULES, "  note: Glove advice was looked for in US label text and not found.", "  note: ''",
                    "note", "must say what was looked for", after=r"id: capsule-gloves")


def test_wrong_origin_tag_is_named(book: Path):
    break_and_check(book, RULES, "origin: [P, X]", "origin: [P, Q]", "origin[1]", "expected one of",
                    after=r"id: neuro-grade2-not-label")


# ---------------------------------------------------------------- what the data says
def test_boxes_render_every_fact_with_its_status_and_fill_every_number():
    for topic in dict.fromkeys(r["topic"] for r in rows(CONTEXT)):
        facts = [r for r in rows(CONTEXT) if r["topic"] == topic]
        text = tb.beyond_review(topic, "Beyond the review: test").text
        items = [line for line in text.splitlines() if line.startswith("- ")]
        assert len(items) == len(facts)
        for item, fact in zip(items, facts):
            assert f"**Status:** {fact['status']}" in item and 'title="{}"'.format(fact["source"]) in item  # the short citation keeps its key
            if fact.get("basis"):
                assert f"{fact['status']}, {fact['basis']}" in item
        assert "{fact:" not in text and "{count:" not in text
        assert ("not a prescribing guide" in text) == any(f.get("dose") for f in facts)
        assert text.startswith("````{admonition} Beyond the review") and f":name: beyond-{topic}" in text


def test_not_verified_numbers_show_their_status_inside_the_sentence():
    text = tb.beyond_review("dba-practice", "Beyond the review: test").text
    assert "about 12 months of age (not verified)" in text
    assert "0.5 mg/kg/day prednisolone equivalent (not verified)" in text


def test_each_box_and_rule_table_is_called_on_its_page():
    for topic, page in {(r["topic"], r["page"]) for r in rows(CONTEXT)}:
        source = (ROOT / f"{page}.ipynb").read_text(encoding="utf-8")
        assert f'tb.beyond_review(\\"{topic}\\"' in source, (topic, page)
    pages = {"pregnancy prevention": "4.1-safety-evaluation-and-monitoring", "capsule handling": "4.1-safety-evaluation-and-monitoring",
             "neuropathy": "4.2.2-peripheral-neuropathy"}
    for topic, page in pages.items():
        source = (ROOT / "chapters/4-safety" / f"{page}.ipynb").read_text(encoding="utf-8")
        assert f'tb.safety_rules_table(\\"{topic}\\")' in source


def _rule(ident: str) -> dict:
    return next(r for r in rows(RULES) if r["id"] == ident)


def test_pregnancy_rules_are_specific_and_from_the_label():
    wanted = {
        "preg-two-methods": "Two reliable methods", "preg-span": "4 weeks before", "male-condom": "condom",
        "male-no-sperm-donation": "sperm", "no-blood-donation": "blood", "supply-28-days": "28-day",
        "rems-children": "male child", "preg-tests-before": "24 hours", "preg-tests-during": "every 4 weeks",
    }
    for ident, words in wanted.items():
        r = _rule(ident)
        assert words in r["rule"] + " " + r["when"] and r["origin"] == ["L"] and r["jurisdiction"], ident
    assert "interruptions" in _rule("preg-span")["when"] and "4 weeks after" in _rule("preg-span")["when"]
    assert _rule("preg-two-methods")["status"] == "not verified" and _rule("rems-children")["status"] == "not verified"
    assert _rule("no-blood-donation-after")["status"] == "not verified"  # the 4-week span after stopping


def test_capsule_handling_keeps_gloves_out_of_the_label():
    assert _rule("capsule-whole")["origin"] == ["L"] and "opened" in _rule("capsule-whole")["rule"]
    assert _rule("capsule-return")["origin"] == ["L"]
    gloves = _rule("capsule-gloves")
    assert "L" not in gloves["origin"] and gloves["status"] == "not found"


def test_neuropathy_points_carry_their_real_origin():
    neuro = [r for r in rows(RULES) if r["topic"] == "neuropathy"]
    for r in neuro:  # no label row promises a permanent stop
        if "L" in r["origin"]:
            assert "permanent" not in r["rule"].lower()
    assert _rule("neuro-exam")["origin"] == ["L"] and "first 3 months" in _rule("neuro-exam")["when"]
    assert "clinically appropriate" in _rule("neuro-stop-on-symptoms")["rule"]
    assert _rule("neuro-restart")["status"] == "not verified"
    assert "L" not in _rule("neuro-grade2-not-label")["origin"]
    assert "L" not in _rule("neuro-ncs-not-label")["origin"] and _rule("neuro-ncs-not-label")["status"] == "not found"
    checks = {c.id: c for c in dataset().rows("monitoring.yaml")}
    assert checks["neuro-exam-label"].origin == ["L"] and checks["neuro-exam-label"].end_week == 12
    assert "L" in checks["neuro-exam-periodic"].origin and "A" in checks["neuro-exam-periodic"].origin
    assert "L" not in checks["long-course-ncs"].origin and "L" not in checks["baseline-neuro"].origin


def test_page_4_1_drops_the_vague_weeks():
    nb = json.loads((ROOT / "chapters/4-safety/4.1-safety-evaluation-and-monitoring.ipynb").read_text(encoding="utf-8"))
    prose = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "several weeks" not in prose and "some weeks" not in prose


# ---------------------------------------------------------------- the built pages
def _built(page: str) -> BeautifulSoup:
    path = ROOT / "_build" / "html" / f"{page}.html"
    if not path.is_file():
        pytest.fail(f"no built page {path}: run `make book` first")
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _norm(text: str) -> str:
    return " ".join(text.split())


# read by hand off data/references.bib: first author's family name ("et al." for three or more), year
SOURCE_LABELS = {
    "fenaux2011randomized": "Fenaux et al. 2011",
    "hasle2016myelodysplastic": "Hasle 2016",
    "kronke2015lenalidomide": "Krönke et al. 2015",
    "list2006lenalidomide": "List et al. 2006",
    "locatelli2018how": "Locatelli and Strahm 2018",
    "thalbook_evidence_notes": "Thalidomide teaching book team 2026",
    "vlachos2008diagnosing": "Vlachos et al. 2008",
    "wlodarski2016prevalence": "Wlodarski et al. 2016",
}


@pytest.mark.browser
@pytest.mark.parametrize("topic", list(dict.fromkeys(r["topic"] for r in rows(CONTEXT))))
def test_each_box_on_the_built_page_shows_its_statuses(topic: str):
    facts = [r for r in rows(CONTEXT) if r["topic"] == topic]
    soup = _built(facts[0]["page"])
    boxes = soup.select(f"div.admonition.tb-beyond#beyond-{topic}")
    assert len(boxes) == 1, f"expected one box for {topic}"
    box = boxes[0]
    assert _norm(box.select_one(".admonition-title").get_text()).startswith("Beyond the review")
    items = box.select("li")
    assert len(items) == len(facts)
    for li, fact in zip(items, facts):
        text = _norm(li.get_text(" "))
        status = fact["status"] + (f", {fact['basis']}" if fact.get("basis") else "")
        assert f"Status: {status}" in text, (fact["id"], text)
        # the source shows as its author-year citation (issue 18), linked to the key's row on the references page
        cite = li.select_one(f'a.tb-cite[href$="#ref-{fact["source"]}"]')
        assert cite is not None, (fact["id"], str(li))
        assert _norm(cite.get_text()) == SOURCE_LABELS[fact["source"]]
        assert fact["source"] not in text
    assert ("not a prescribing guide" in _norm(box.get_text(" "))) == any(f.get("dose") for f in facts)


@pytest.mark.browser
@pytest.mark.parametrize(("topic", "page"), [("pregnancy prevention", "chapters/4-safety/4.1-safety-evaluation-and-monitoring"),
                                             ("capsule handling", "chapters/4-safety/4.1-safety-evaluation-and-monitoring"),
                                             ("neuropathy", "chapters/4-safety/4.2.2-peripheral-neuropathy")])
def test_each_rule_table_on_the_built_page_shows_origin_and_status(topic: str, page: str):
    rules = [r for r in rows(RULES) if r["topic"] == topic]
    soup = _built(page)
    tables = [t for t in soup.select("table.tb-safety-rules") if t.caption and _norm(t.caption.get_text()).startswith(
        {"pregnancy prevention": "Pregnancy prevention", "capsule handling": "Handling capsules", "neuropathy": "Neuropathy"}[topic])]
    assert len(tables) == 1
    body = tables[0].select("tbody tr")
    assert len(body) == len(rules)
    for tr, rule in zip(body, rules):
        cells = [_norm(td.get_text(" ")) for td in tr.select("td")]
        assert cells[1] == rule["rule"] and cells[3].startswith(", ".join(rule["origin"]))
        assert cells[4].startswith(rule["status"]), (rule["id"], cells[4])
