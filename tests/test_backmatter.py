"""The back matter generated from data: the data dictionary and the critical-reading checklist, in-process.

Expectations are read independently of the code under test: CSV headers and YAML keys straight from the
files in data/, flags and their pages straight from data/appraisals.yaml with PyYAML, allowed values and
bounds typed here by hand from the data cards (each stated in a comment).
"""

from __future__ import annotations

import csv
import posixpath
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import data_errors

import thalbook as tb
from thalbook.data import dictionary, registered_files, schemas
from thalbook.data.schemas import DOCUMENTS, FOLDERS, TABLES, Sourced, col
from thalbook.pages import backmatter

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


def flags_from_yaml() -> list[dict]:
    return yaml.safe_load((DATA / "appraisals.yaml").read_text(encoding="utf-8"))


def columns_of(file: str) -> set[str]:
    d = dictionary()
    return set(d[d["file"] == file]["column"])


def row(file: str, column: str):
    d = dictionary()
    hit = d[(d["file"] == file) & (d["column"] == column)]
    assert len(hit) == 1, f"{file}:{column} appears {len(hit)} times in the dictionary"
    return hit.iloc[0]


# ---------------------------------------------------------------- the data dictionary
def test_denominator_type_allows_exactly_the_four_values():
    # data/studies.md: counts by intention to treat (itt) or among the evaluable, a subgroup's own count,
    # and "a percentage printed without a count ... gets denominator_type: unknown"
    r = row("studies.csv", "denominator_type")
    assert r["values"] == ("itt", "evaluable", "subgroup", "unknown")
    assert r["type"] == "choice" and r["required"]
    assert "one of: itt, evaluable, subgroup, unknown" in r["allowed"] and "required" in r["allowed"]


@pytest.mark.parametrize("file", sorted(f for f in TABLES if f.endswith(".csv")))
def test_every_csv_header_column_is_in_the_dictionary(file: str):
    with (DATA / file).open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert set(header) - columns_of(file) == set()


def _key_paths(obj, prefix: str = "", leaves: frozenset[str] = frozenset()) -> set[str]:
    """Every key of a YAML record as a dotted path, through lists of records; a free-form mapping (a column
    of type "texts by key", such as data/wording's texts) is one column, its keys are its values."""
    paths: set[str] = set()
    if isinstance(obj, list):
        for item in obj:
            paths |= _key_paths(item, prefix, leaves)
    elif isinstance(obj, dict):
        for key, value in obj.items():
            paths.add(prefix + key)
            if prefix + key not in leaves:
                paths |= _key_paths(value, prefix + key + ".", leaves)
    return paths


def _yaml_files() -> list[tuple[str, Path]]:
    files = [(f, DATA / f) for f in TABLES if not f.endswith(".csv")] + [(f, DATA / f) for f in DOCUMENTS]
    files += [(f"{folder}/*.yaml", p) for folder in FOLDERS for p in sorted((DATA / folder).glob("*.yaml"))]
    return files


@pytest.mark.parametrize(("file", "path"), _yaml_files(), ids=[str(p.relative_to(DATA)) for _f, p in _yaml_files()])
def test_every_yaml_key_is_in_the_dictionary(file: str, path: Path):
    d = dictionary()
    leaves = frozenset(d[(d["file"] == file) & (d["type"] == "texts by key")]["column"])
    keys = _key_paths(yaml.safe_load(path.read_text(encoding="utf-8")), leaves=leaves)
    assert keys - columns_of(file) == set()


def test_every_registered_file_is_in_the_dictionary():
    registered = set(TABLES) | set(DOCUMENTS) | {f"{folder}/*.yaml" for folder in FOLDERS}
    assert set(dictionary()["file"]) == registered


def test_a_newly_registered_schema_appears_without_other_changes(monkeypatch):
    class Dose(Sourced):
        """A made-up table for this test."""

        id: str = col("Identifier", pattern=schemas.SLUG)
        mg: float = col("A dose", unit="mg", gt=0, le=400)
        band: list[str] = col("Bands", default_factory=list)

    monkeypatch.setitem(TABLES, "zz_new.yaml", (Dose, ("id",)))
    assert row("zz_new.yaml", "mg")["unit"] == "mg"
    assert row("zz_new.yaml", "mg")["allowed"] == "more than 0; at most 400; required"
    assert row("zz_new.yaml", "band")["allowed"] == "optional (if left out: empty)"
    assert "data/zz_new.yaml" in tb.data_dictionary().text


def test_hand_picked_units_bounds_and_optional_columns():
    # studies.csv: counts are whole numbers of patients, numerator >= 0, denominator >= 1, both optional
    assert (row("studies.csv", "numerator")["unit"], row("studies.csv", "numerator")["type"]) == ("patients", "whole number")
    assert row("studies.csv", "numerator")["allowed"] == "at least 0; optional (if left out: empty)"
    assert row("studies.csv", "denominator")["allowed"] == "at least 1; optional (if left out: empty)"
    # a case child is 0 to 18 years old (data/illustrative_weights.md: growth-chart rows for children)
    r = row("illustrative_weights.yaml", "age_years")
    assert (r["unit"], r["allowed"]) == ("years", "at least 0; at most 18; required")
    # a quiz question has 3 to 5 options, one of them right (data/quizzes.md)
    assert row("quizzes/*.yaml", "questions.options")["allowed"].startswith("3 to 5 items")
    assert row("quizzes/*.yaml", "questions.options.correct")["allowed"] == "optional (if left out: false)"
    # every flag names its checklist question; a glossary term may have aliases
    assert row("appraisals.yaml", "question")["required"]
    assert not row("glossary.yaml", "aliases")["required"]
    assert row("ctcae.yaml", "units.to_base")["allowed"] == "more than 0; required"


def test_nested_fields_are_dotted_paths():
    assert {"stages.question.options.feedback", "stages.kind"} <= columns_of("cases/*.yaml")
    assert {"statuses.name", "origins.tag"} <= columns_of("labels.yaml")
    assert row("labels.yaml", "origins.tag")["values"] == ("L", "P", "A", "X")  # data/labels.md: four origin tags


def test_every_column_has_a_meaning():
    d = dictionary()
    missing = d[d["meaning"].str.strip() == ""][["file", "column"]].values.tolist()
    assert missing == [], f"give these columns a meaning with col() in thalbook/data/schemas.py: {missing}"


def test_every_registered_file_has_a_data_card():
    for file, _model, _layout in registered_files():
        card = DATA / ((file.split("/")[0] if "/" in file else Path(file).stem) + ".md")
        assert card.is_file(), f"data/{file} has no data card {card.relative_to(ROOT)}"


def test_dictionary_page_has_a_section_and_a_card_for_every_file():
    text = tb.data_dictionary().text
    for file in set(TABLES) | set(DOCUMENTS) | {f"{folder}/*.yaml" for folder in FOLDERS}:
        stem = file.split("/")[0] if "/" in file else Path(file).stem
        assert f"<code>data/{file}</code></h3>" in text
        assert f"```{{include}} /data/{stem}.md\n:start-line: 1\n```" in text


def test_dictionary_escapes_what_a_schema_says(monkeypatch):
    class Hostile(Sourced):
        """<img src=x onerror=alert(1)>"""

        id: str = col("<script>alert(2)</script> and a blank\n\nline")

    monkeypatch.setitem(TABLES, "hostile.yaml", (Hostile, ("id",)))
    text = tb.data_dictionary().text
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;alert(2)&lt;/script&gt; and a blank line" in text  # one line: the raw block stays whole


# ---------------------------------------------------------------- the critical-reading checklist
def checklist_soup() -> BeautifulSoup:
    return BeautifulSoup(tb.critical_reading_checklist()._repr_html_(), "html.parser")


def test_every_flag_is_listed_once_under_its_question_with_its_status():
    soup = checklist_soup()
    flags = flags_from_yaml()
    listed = [li["data-flag"] for li in soup.select("li.tb-check-flag")]
    assert sorted(listed) == sorted(f["id"] for f in flags)
    for f in flags:
        li = soup.select_one(f'section#check-{f["question"]} li[data-flag="{f["id"]}"]')
        assert li is not None, f"{f['id']} is not under question {f['question']}"
        assert li.select_one(".tb-status").get_text() == f["status"]
        assert li.select_one(".tb-verdict").get_text() == f["verdict"]


def test_flag_links_point_at_each_flags_page_and_box():
    soup = checklist_soup()
    base = "chapters/back"  # the checklist page lives at chapters/back/critical-reading-checklist
    for f in flags_from_yaml():
        href = soup.select_one(f'li[data-flag="{f["id"]}"] a.tb-check-link')["href"]
        path, anchor = href.split("#")
        assert posixpath.normpath(posixpath.join(base, path)) == f["page"] + ".html"
        assert anchor == f"appraisal-{f['id']}"
    # one by hand: from chapters/back/ up one level, then into part 3
    href = soup.select_one('li[data-flag="ch3-64-of-27"] a.tb-check-link')["href"]
    assert href == "../3-clinical-efficacy/overview.html#appraisal-ch3-64-of-27"


def test_each_flags_page_shows_its_box():
    """The link's anchor exists only if the flag's page calls tb.appraisal_box("<id>")."""
    missing = []
    for f in flags_from_yaml():
        source = (ROOT / (f["page"] + ".ipynb")).read_text(encoding="utf-8")
        if f'appraisal_box(\\"{f["id"]}\\")' not in source:
            missing.append(f"{f['id']} -> {f['page']}")
    assert missing == [], f"flags whose page does not show their box: {missing}"


def test_questions_come_in_the_order_of_the_checklist_file():
    questions = yaml.safe_load((DATA / "checklist.yaml").read_text(encoding="utf-8"))
    shown = [s["id"].removeprefix("check-") for s in checklist_soup().select("section.tb-check-question")]
    assert shown == [q["id"] for q in questions]
    # the five questions the book promises are there, in this order, before the others
    assert shown[:5] == ["sources", "numbers", "denominators", "cases", "primary-evidence"]


def test_summary_counts_every_flag():
    flags = flags_from_yaml()
    soup = BeautifulSoup(tb.checklist_summary()._repr_html_(), "html.parser")
    last = soup.select("tbody tr")[-1].select("td")
    assert last[1].get_text() == str(len(flags))
    per_question = {q: sum(f["question"] == q for f in flags) for q in {f["question"] for f in flags}}
    for tr in soup.select("tbody tr")[:-1]:
        # the summary sits on chapters/back/critical-reading, the flags on the page under it (same folder)
        page, qid = tr.select_one("a")["href"].split("#check-")
        assert page == "critical-reading-checklist.html"
        assert tr.select("td")[1].get_text() == str(per_question.get(qid, 0))


def test_unedited_text_flag_quotes_the_case_section():
    flag = next(f for f in flags_from_yaml() if f["id"] == "ch3-cannot-present")
    assert flag["review_section"] == "3.3" and flag["question"] == "edited"
    quote = flag["claim"].split("“")[1].split("”")[0]
    assert 0 < len(quote.split()) <= 30
    review = (ROOT.parent / "shared" / "review" / "000_c1467c9250d3cfe5.txt")
    if review.is_file():  # the shared review sits next to the project on the authors' machine
        text = review.read_text(encoding="utf-8")
        case_section = text[text.index("3.3 Clinical Case Analysis") : text.index("4 Safety and Adverse Reactions")]
        assert quote in case_section


def test_checklist_escapes_data(monkeypatch):
    real = backmatter.dataset()

    class Fake:
        def rows(self, name):
            rows = real.rows(name)
            if name == "appraisals.yaml":
                return [rows[0].model_copy(update={"claim": "“<img src=x onerror=alert(1)>”"})] + rows[1:]
            return rows

    monkeypatch.setattr(backmatter, "dataset", lambda: Fake())
    html = tb.critical_reading_checklist()._repr_html_()
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


# ---------------------------------------------------------------- validation of the new links between files
def test_a_flag_without_a_known_question_is_refused(book: Path):
    path = book / "data/appraisals.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith("  question:"))
    lines[i] = "  question: nosuchquestion"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    hit = [e for e in data_errors(book) if e.path == "data/appraisals.yaml" and e.line == i + 1]
    assert hit and hit[0].column == "question" and "no question 'nosuchquestion' in data/checklist.yaml" in hit[0].message


def test_a_flag_missing_its_question_is_refused(book: Path):
    path = book / "data/appraisals.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith("  question:"))
    opener = max(k for k in range(i) if lines[k].startswith("- id:"))
    del lines[i]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    hit = [e for e in data_errors(book) if e.path == "data/appraisals.yaml" and e.line == opener + 1]
    assert hit and hit[0].column == "question" and "required" in hit[0].message


def test_an_alias_naming_two_terms_is_refused(book: Path):
    path = book / "data/glossary.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith("  aliases:"))
    lines[i] = "  aliases: [DBA]"  # DBA is a term of its own
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    hit = [e for e in data_errors(book) if e.path == "data/glossary.yaml" and e.column == "aliases"]
    assert hit and "'DBA' already names the term" in hit[0].message


def test_dictionary_markdown_is_html_blocks_and_one_dropdown_per_card():
    """A malformed fence (a backtick in a dropdown title, say) would swallow the rest of the page as code."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(tb.data_dictionary().text)
    assert {t.type for t in tokens} <= {"html_block", "fence"}
    dropdowns = [t for t in tokens if t.type == "fence" and t.info.startswith("{dropdown}")]
    with_card = [f for f, _m, _l in registered_files()
                 if (DATA / ((f.split("/")[0] if "/" in f else Path(f).stem) + ".md")).is_file()]
    assert len(dropdowns) == len(with_card)
    assert all("\n```{include} /data/" in t.content for t in dropdowns)
