"""The validator's words for a contributor who is not a programmer (issue 21): list items counted from 1 and
named by id, YAML syntax errors explained with the offending line shown, and booleans only as true/false.

Each test breaks a copy of data/ (the `book` fixture) and reads the one message a contributor would see; the
expected numbers are counted here from the file itself, never taken from the validator.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from conftest import data_errors

from thalbook.data.errors import readable_field

QUIZ = "data/quizzes/part4.yaml"


def nth_line(lines: list[str], pattern: str, n: int) -> int:
    """Index of the n-th (1-based) line matching `pattern`."""
    hits = [i for i, line in enumerate(lines) if re.search(pattern, line)]
    return hits[n - 1]


def test_field_paths_count_from_one_and_name_ids():
    assert readable_field("questions[7].correct", {"questions[7]": "q-dose"}) == "question 8 (id q-dose) › correct"
    assert readable_field("stages[0].options[2].text") == "stage 1 › option 3 › text"
    assert readable_field("plans[1].steps[3].live[0]") == "plan 2 › step 4 › live 1"
    assert readable_field("glossary[0]") == "glossary 1"
    assert readable_field("weight") == "weight"


def test_a_question_error_names_the_question_by_number_and_id(book: Path):
    path = book / QUIZ
    lines = path.read_text(encoding="utf-8").splitlines()
    questions = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    # the second question's options: drop the one marked correct, so none is
    second = nth_line(lines, r"^  - id: ", 2)
    correct = next(i for i in range(second, len(lines)) if lines[i].strip() == "correct: true")
    del lines[correct]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    messages = [str(e) for e in data_errors(book) if e.path == QUIZ]
    expected = f"field 'question 2 (id {questions[1]['id']}) › options'"
    assert any(expected in m for m in messages), messages
    assert not any("[1]" in m for m in messages), messages  # no zero-based programmer index is shown


def test_yes_is_not_a_boolean(book: Path):
    path = book / QUIZ
    lines = path.read_text(encoding="utf-8").splitlines()
    i = nth_line(lines, r"^\s+correct: true$", 1)
    lines[i] = lines[i].replace("correct: true", "correct: yes")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    column = lines[i].index("yes") + 1
    messages = [str(e) for e in data_errors(book)]
    assert (f"{QUIZ}, line {i + 1}, column {column}: 'yes' would be read as a yes/no value: write true or false "
            "(if it is text, put it in quotes)") in messages, messages


def test_a_text_value_no_must_be_quoted(book: Path):
    """`No` unquoted was read as the boolean false: the message now says what happened."""
    path = book / QUIZ
    lines = path.read_text(encoding="utf-8").splitlines()
    i = nth_line(lines, r"^\s+- text: Grade 2$", 1)
    lines[i] = lines[i].replace("Grade 2", "No")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    messages = [str(e) for e in data_errors(book)]
    assert any(m.startswith(f"{QUIZ}, line {i + 1}, column ") and "'No' would be read as a yes/no value" in m
               for m in messages), messages


def test_a_badly_indented_line_is_explained_and_shown(book: Path):
    path = book / QUIZ
    lines = path.read_text(encoding="utf-8").splitlines()
    i = nth_line(lines, r"^    source: ", 2)
    lines[i] = "  " + lines[i]  # two spaces too many
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (error,) = [e for e in data_errors(book) if e.path == QUIZ]
    text = str(error)
    assert "expected <block end>" not in text and "column '" not in text, text
    assert re.match(rf"{QUIZ}, line {i + 1}, column \d+: this field is indented more than the field above it", text), text
    assert f"{i + 1} | {lines[i]}" in text and text.rstrip().endswith("^"), text


def test_a_colon_inside_a_value_asks_for_quotes(book: Path):
    path = book / QUIZ
    lines = path.read_text(encoding="utf-8").splitlines()
    i = nth_line(lines, r"^\s+- text: Grade 3$", 1)
    lines[i] = lines[i].replace("Grade 3", "Grade 3: severe")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (error,) = [e for e in data_errors(book) if e.path == QUIZ]
    assert str(error).startswith(f"{QUIZ}, line {i + 1}, column "), str(error)
    assert "a colon followed by a space inside a value: put the whole value in double quotes" in str(error)


def test_a_dedented_line_is_explained_as_indentation(book: Path):
    path = book / QUIZ
    lines = path.read_text(encoding="utf-8").splitlines()
    i = nth_line(lines, r"^        feedback: ", 1)
    lines[i] = lines[i][1:]  # one space too few
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (error,) = [e for e in data_errors(book) if e.path == QUIZ]
    assert str(error).startswith(f"{QUIZ}, line {i + 1}, column 8: the indentation does not match the lines above"), str(error)
