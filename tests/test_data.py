"""Every file under data/ crossed with every error kind that applies to it.

Each test copies data/ to a temporary book, breaks one file in one way by editing its text, runs the
validator in-process and checks that the error names the file, the line (counted here from the broken
text itself, independently of the validator) and the column. A last group checks the good data.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import data_errors

from thalbook.data import load_dir

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FILES = sorted(str(p.relative_to(ROOT)) for p in DATA.rglob("*") if p.is_file() and p.suffix != ".md")
NUMERIC_CSV = {"numerator", "denominator", "enrolled"}


def kinds_for(rel: str) -> list[str]:
    if rel.endswith(".csv"):
        kinds = ["missing_column", "duplicate_key", "unknown_source", "unknown_status"]
        header = (ROOT / rel).read_text(encoding="utf-8").splitlines()[0].split(",")
        if NUMERIC_CSV <= set(header):  # tables of counts (studies.csv): the count checks too
            kinds += ["wrong_type", "counts_out_of_order", "percent_contradiction"]
        return kinds
    if rel.endswith(".bib"):
        return ["duplicate_key", "unknown_status", "missing_status"]
    kinds = ["wrong_type", "missing_field", "yaml_syntax"]
    text = (ROOT / rel).read_text()
    if re.search(r"^\s*-?\s*source:", text, re.MULTILINE):
        kinds.append("unknown_source")
    if re.search(r"^\s*-?\s*status:", text, re.MULTILINE):
        kinds.append("unknown_status")
    if text.lstrip().startswith("- ") or re.search(r"^- ", text, re.MULTILINE) or "\nquestions:" in text:
        kinds.append("duplicate_key")
    return kinds


CASES = [(f, k) for f in FILES for k in kinds_for(f)]




def first_line(lines: list[str], pattern: str, start: int = 0) -> int:
    """0-based index of the first line matching pattern."""
    for i in range(start, len(lines)):
        if re.search(pattern, lines[i]):
            return i
    raise AssertionError(f"no line matches {pattern!r}")


def item_start(lines: list[str], i: int) -> int:
    """0-based index of the '- ' line that opens the YAML list item holding line i."""
    indent = len(lines[i]) - len(lines[i].lstrip())
    for j in range(i, -1, -1):
        stripped = lines[j].lstrip()
        if stripped.startswith("- ") and len(lines[j]) - len(stripped) + 2 == indent:
            return j
    return 0


def break_csv(text: str, kind: str) -> tuple[str, int, str, str]:
    import csv
    import io

    header, *rows = list(csv.reader(io.StringIO(text)))  # quoted fields may hold commas
    col = header.index
    if kind == "wrong_type":
        r = next(i for i, row in enumerate(rows) if row[col("numerator")])
        rows[r][col("numerator")] = "abc"
        return _join(header, rows), r + 2, "numerator", "expected a whole number, got 'abc'"
    if kind == "missing_column":
        k = col("source")
        header.pop(k)
        for row in rows:
            row.pop(k)
        return _join(header, rows), 1, "source", "missing column"
    if kind == "duplicate_key":
        rows.append(list(rows[0]))
        return _join(header, rows), len(rows) + 1, header[0], "duplicate key"
    if kind == "unknown_source":
        rows[2][col("source")] = "nosuchsource2099"
        return _join(header, rows), 4, "source", "unknown source key 'nosuchsource2099'"
    if kind == "unknown_status":
        rows[1][col("status")] = "sort of verified"
        return _join(header, rows), 3, "status", "expected one of"
    if kind == "counts_out_of_order":
        r = next(i for i, row in enumerate(rows) if row[col("numerator")] and row[col("denominator")])
        rows[r][col("numerator")] = str(int(rows[r][col("denominator")]) + 1)
        return _join(header, rows), r + 2, "numerator", "is more than its denominator"
    if kind == "percent_contradiction":
        r = next(i for i, row in enumerate(rows) if row[col("printed_percent")] and row[col("denominator")]
                 and row[col("numerator")] and row[col("estimate_type")] == "proportion")
        n, d = int(rows[r][col("numerator")]), int(rows[r][col("denominator")])
        rows[r][col("printed_percent")] = str(round(100 * n / d) + 3)  # 3 points off: beyond rounding
        return _join(header, rows), r + 2, "printed_percent", "contradicts"
    raise AssertionError(kind)


def _join(header: list[str], rows: list[list[str]]) -> str:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue()


def break_yaml(text: str, kind: str) -> tuple[str, int, str, str]:
    lines = text.splitlines()
    if kind == "wrong_type":
        i = first_line(lines, r"^\s*(- )?\s*(id|term|title|name|label):\s")
        key = re.search(r"(id|term|title|name|label):", lines[i]).group(1)
        lines[i] = re.sub(rf"{key}:.*$", f"{key}: [1, 2]", lines[i])
        return "\n".join(lines) + "\n", i + 1, key, "expected text"
    if kind == "missing_field":
        pattern = r"^\s+(source|meaning|definition|body|prompt|label|unit):\s"
        if not any(re.search(pattern, x) for x in lines):  # a document of top-level keys (data/wording/)
            i = first_line(lines, r"^id:\s")
            del lines[i]
            first_key = next(j for j, x in enumerate(lines) if x.strip() and not x.startswith("#"))
            return "\n".join(lines) + "\n", first_key + 1, "id", "a value is required here"
        i = first_line(lines, pattern)
        key = re.search(r"(source|meaning|definition|body|prompt|label|unit):", lines[i]).group(1)
        opener = item_start(lines, i)
        del lines[i]
        return "\n".join(lines) + "\n", opener + 1, key, "a value is required here"
    if kind == "yaml_syntax":
        i = first_line(lines, r"^\S")  # first top-level line
        lines.insert(i + 1, "\tbroken: tab-indented")
        return "\n".join(lines) + "\n", i + 2, "", "a tab character: indent with spaces only"
    if kind == "unknown_source":
        i = first_line(lines, r"^\s*(- )?\s*source:")
        lines[i] = re.sub(r"source:.*$", "source: nosuchsource2099", lines[i])
        return "\n".join(lines) + "\n", i + 1, "source", "unknown source key 'nosuchsource2099'"
    if kind == "unknown_status":
        i = first_line(lines, r"^\s*(- )?\s*status:")
        lines[i] = re.sub(r"status:.*$", "status: sort of verified", lines[i])
        return "\n".join(lines) + "\n", i + 1, "status", "expected one of"
    if kind == "duplicate_key":
        # copy the first item of the last top-level list (the records, or a quiz's questions) to its end
        first = first_line(lines, r"^\s*- ")
        indent = len(lines[first]) - len(lines[first].lstrip())
        end = first + 1
        while end < len(lines) and not (
            lines[end].strip() and len(lines[end]) - len(lines[end].lstrip()) <= indent
        ):
            end += 1
        block = lines[first:end]
        if "questions:" in text and indent == 0:
            raise AssertionError("unexpected layout")
        if "questions:" in text:
            q = first_line(lines, r"^questions:")
            first = q + 1
            end = first + 1
            while end < len(lines) and not lines[end].startswith("  - "):
                end += 1
            block = lines[first:end]
        new_line = len(lines) + 1
        lines.extend(block)
        key = re.search(r"-\s+(\w+):", block[0]).group(1)  # the record's key field opens its block
        return "\n".join(lines) + "\n", new_line, key, "duplicate"
    raise AssertionError(kind)


def break_bib(text: str, kind: str) -> tuple[str, int, str, str]:
    lines = text.splitlines()
    first = first_line(lines, r"^@\w+\{")
    if kind == "duplicate_key":
        end = first_line(lines, r"^\}", first)
        new_line = len(lines) + 2
        lines += [""] + lines[first : end + 1]
        return "\n".join(lines) + "\n", new_line, "key", "duplicate entry key"
    status = first_line(lines, r"^\s*status\s*=", first)
    if kind == "unknown_status":
        lines[status] = "  status  = {sort of verified},"
        return "\n".join(lines) + "\n", status + 1, "status", "expected one of"
    if kind == "missing_status":
        del lines[status]
        return "\n".join(lines) + "\n", first + 1, "status", "has no status field"
    raise AssertionError(kind)


@pytest.mark.parametrize(("rel", "kind"), CASES, ids=[f"{f}::{k}" for f, k in CASES])
def test_broken_file_names_file_line_and_column(book: Path, rel: str, kind: str):
    path = book / rel
    text = path.read_text(encoding="utf-8")
    breaker = break_csv if rel.endswith(".csv") else break_bib if rel.endswith(".bib") else break_yaml
    broken, line, column, words = breaker(text, kind)
    path.write_text(broken, encoding="utf-8")
    errors = data_errors(book)
    mine = [e for e in errors if e.path == rel]
    assert mine, f"no error names {rel}; got: {[str(e) for e in errors]}"
    hit = [e for e in mine if e.line == line and words in e.message]
    assert hit, f"expected line {line} with {words!r}; got: {[str(e) for e in mine]}"
    if column:
        assert any((e.column or "").split(".")[-1].split("]")[-1] == column or (e.column or "").endswith(column)
                   for e in hit), [str(e) for e in hit]
    message = str(hit[0])
    assert message.startswith(f"{rel}, line {line}")


def test_error_message_format_matches_the_contract(book: Path):
    """The exact sentence a contributor sees (the example given in the foundation issue)."""
    path = book / "data/studies.csv"
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    row = lines[4].split(",")  # line 5 of the file
    row[header.index("numerator")] = "abc"
    lines[4] = ",".join(row)
    path.write_text("\n".join(lines) + "\n")
    assert "data/studies.csv, line 5, column 'numerator': expected a whole number, got 'abc'" in [
        str(e) for e in data_errors(book)
    ]


def test_unknown_file_in_data_is_named(book: Path):
    (book / "data" / "stray.csv").write_text("a,b\n1,2\n")
    assert any(e.path == "data/stray.csv" for e in data_errors(book))


def test_appraisal_quote_longer_than_30_words_is_refused(book: Path):
    path = book / "data/appraisals.yaml"
    text = path.read_text()
    long_quote = "“" + " ".join(["word"] * 31) + "”"
    lines = text.splitlines()
    i = first_line(lines, r"^\s+claim:")
    lines[i] = f"  claim: {long_quote}"
    path.write_text("\n".join(lines) + "\n")
    hit = [e for e in data_errors(book) if e.line == i + 1]
    assert hit and "more than 30 words" in hit[0].message


def test_percentage_without_count_is_accepted_with_unknown_denominator():
    """Moreno-Aspitia's 14% has no confirmed denominator: stored as printed, never back-computed."""
    ds = load_dir(ROOT)
    rows = [r for r in ds.rows("studies.csv") if r.study_id == "morenoaspitia2006" and r.group == "unfavourable risk"]
    assert len(rows) == 1 and rows[0].denominator is None and rows[0].denominator_type == "unknown"
    assert rows[0].printed_percent == "14" and rows[0].numerator == 4


def test_printed_percentages_agree_with_their_counts_by_hand():
    """Hand-checked: 16/83 = 19.3% prints as 19; 16/51 = 31.4% as 31; 23/39 = 59.0% as 59; 99/148 = 66.9% as 67."""
    ds = load_dir(ROOT)
    expected = {("raza2001", "itt"): ("16", "83", "19"), ("raza2001", "evaluable"): ("16", "51", "31"),
                ("bouscary2005", "evaluable"): ("23", "39", "59"), ("list2006", "itt"): ("99", "148", "67")}
    for row in ds.rows("studies.csv"):
        key = (row.study_id, row.denominator_type)
        if key in expected and row.outcome in ("haematologic improvement", "transfusion independence"):
            assert (str(row.numerator), str(row.denominator), row.printed_percent) == expected.pop(key)
    assert not expected


def test_the_book_data_is_valid():
    ds = load_dir(ROOT)
    assert {"studies.csv", "facts.yaml", "appraisals.yaml", "glossary.yaml", "ctcae.yaml"} <= set(ds.tables)
    statuses = {row.status for name in ds.tables for row in ds.rows(name)}
    assert statuses <= {"verified", "not verified", "not found", "derived", "illustrative"}
