"""Self-checks must not give their answers away (issue 17).

Every multiple-choice question in the book is counted here straight from the YAML (data/quizzes/,
data/cases/, data/steppers/), with PyYAML and nothing from the package, so a change to the loader or
the widgets cannot hide a giveaway. The bounds are explained in data/quizzes.md:

* no option position (1st, 2nd, ...) holds more than 40% of the right answers;
* the right answer is the strictly longest option in at most 40% of questions, and the strictly shortest
  in at most 40% (a reader who learns "pick the short one" is gaming too);
* in every question the longest option is at most 2.5 times as long as the shortest, in characters.

A planted unbalanced copy (tests/fixtures/quiz_unbalanced/) shows that each check fails when it should.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
PLANTED = Path(__file__).resolve().parent / "fixtures" / "quiz_unbalanced"

POSITION_SHARE = 0.40
LENGTH_SHARE = 0.40
LENGTH_RATIO = 2.5


def questions(data: Path) -> list[tuple[str, dict]]:
    """(file:question id, question) for every question in quizzes, cases and steppers."""
    out = []
    for folder in ("quizzes", "cases", "steppers"):
        for path in sorted((data / folder).glob("*.yaml")):
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            found = list(doc.get("questions") or [])
            found += [s["question"] for s in doc.get("stages") or [] if s.get("question")]
            out += [(f"{folder}/{path.name}:{q['id']}", q) for q in found]
    return out


def right_index(q: dict) -> int:
    right = [i for i, o in enumerate(q["options"]) if o.get("correct") is True]
    assert len(right) == 1, f"{q['id']}: {len(right)} options marked correct"
    return right[0]


def position_counts(qs) -> Counter:
    return Counter(right_index(q) + 1 for _, q in qs)  # 1-based, as a reader counts


def length_extremes(qs) -> tuple[list[str], list[str]]:
    """Questions whose right answer is strictly the longest / strictly the shortest option."""
    longest, shortest = [], []
    for name, q in qs:
        k = right_index(q)
        own = len(q["options"][k]["text"])
        others = [len(o["text"]) for i, o in enumerate(q["options"]) if i != k]
        if own > max(others):
            longest.append(name)
        if own < min(others):
            shortest.append(name)
    return longest, shortest


def wild_lengths(qs) -> list[str]:
    bad = []
    for name, q in qs:
        lens = [len(o["text"]) for o in q["options"]]
        if max(lens) > LENGTH_RATIO * min(lens):
            bad.append(f"{name} (options of {min(lens)} to {max(lens)} characters)")
    return bad


def problems(data: Path) -> list[str]:
    qs = questions(data)
    n = len(qs)
    out = []
    for pos, c in sorted(position_counts(qs).items()):
        if c > POSITION_SHARE * n:
            out.append(f"option {pos} is the right answer in {c} of {n} questions (limit {POSITION_SHARE:.0%})")
    longest, shortest = length_extremes(qs)
    for what, names in (("longest", longest), ("shortest", shortest)):
        if len(names) > LENGTH_SHARE * n:
            out.append(
                f"the right answer is the {what} option in {len(names)} of {n} questions (limit {LENGTH_SHARE:.0%}): "
                + ", ".join(names)
            )
    out += [f"options differ more than {LENGTH_RATIO}x in length: {w}" for w in wild_lengths(qs)]
    return out


# ------------------------------------------------------------------ the book
def test_book_has_questions_to_count():
    # 9 quiz files, 3 cases and 2 steppers with questions at the time of writing; a glob that finds
    # nothing would make every check below pass vacuously
    qs = questions(DATA)
    files = {name.split(":")[0] for name, _ in qs}
    assert len(files) >= 14, sorted(files)
    assert len(qs) >= 60


def test_right_answers_spread_over_positions():
    assert not [p for p in problems(DATA) if p.startswith("option ")], problems(DATA)


def test_right_answer_not_given_away_by_length():
    assert not [p for p in problems(DATA) if p.startswith("the right answer")], problems(DATA)


def test_no_question_has_wildly_different_option_lengths():
    assert not [p for p in problems(DATA) if p.startswith("options differ")], problems(DATA)


def test_feedback_does_not_repeat_the_verdict():
    # the widget prints "Correct" / "Not correct" itself; feedback opening with "Right." or "No." read
    # "Correct. Right." on the page
    doubled = [
        f"{name} option {i + 1}"
        for name, q in questions(DATA)
        for i, o in enumerate(q["options"])
        if str(o.get("feedback", "")).strip().split(" ")[0] in {"Right.", "Correct.", "No.", "Wrong.", "Incorrect."}
    ]
    assert not doubled, doubled


# ------------------------------------------------------------------ the checks themselves
def test_counts_on_a_hand_made_example():
    # worked by hand: right answers at positions 1, 1, 2 -> {1: 2, 2: 1}; q1's right answer (5 chars)
    # is strictly longest, q2's (1 char) strictly shortest, q3's (2 chars) ties with "bb" (neither);
    # q2's options are 1 and 3 characters long: 3 > 2.5 x 1, a wild question
    qs = [
        ("a:q1", {"id": "q1", "options": [{"text": "right", "correct": True}, {"text": "no"}, {"text": "nope"}]}),
        ("a:q2", {"id": "q2", "options": [{"text": "r", "correct": True}, {"text": "abc"}, {"text": "ab"}]}),
        ("a:q3", {"id": "q3", "options": [{"text": "bb"}, {"text": "ok", "correct": True}, {"text": "a"}]}),
    ]
    assert position_counts(qs) == {1: 2, 2: 1}
    assert length_extremes(qs) == (["a:q1"], ["a:q2"])
    assert wild_lengths(qs) == ["a:q2 (options of 1 to 3 characters)"]


@pytest.mark.parametrize(
    "expected",
    [
        "option 1 is the right answer in 3 of 3 questions",
        "the right answer is the longest option in 3 of 3 questions",
        "options differ more than 2.5x in length: quizzes/giveaway.yaml:q1",
        "options differ more than 2.5x in length: quizzes/giveaway.yaml:q2",
        "options differ more than 2.5x in length: cases/case-x.yaml:x-decide",
    ],
)
def test_planted_unbalanced_quiz_fails(expected):
    found = problems(PLANTED)
    assert any(p.startswith(expected) for p in found), found


# ------------------------------------------------------------------ teaches: the summary's links
def test_every_quiz_question_links_the_page_that_teaches_it():
    for name, q in questions(DATA):
        if name.startswith("quizzes/"):
            page = q.get("teaches")
            assert page, f"{name}: no 'teaches'"
            assert (ROOT / f"{page}.ipynb").is_file(), f"{name}: no page {page}"
            assert f"file: {page}\n" in (ROOT / "_toc.yml").read_text(encoding="utf-8"), f"{name}: {page} is not in _toc.yml"


def test_validator_names_a_teaches_link_to_a_missing_page(book):
    from conftest import data_errors

    shutil.copy(ROOT / "_toc.yml", book / "_toc.yml")
    path = book / "data" / "quizzes" / "part1.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # the first 'teaches:' line of the file, counted here (1-based)
    line = next(i for i, s in enumerate(lines, 1) if s.lstrip().startswith("teaches:"))
    lines[line - 1] = lines[line - 1].split("teaches:")[0] + "teaches: chapters/1-introduction/no-such-page\n"
    path.write_text("".join(lines), encoding="utf-8")
    errors = [e for e in data_errors(book) if "no-such-page" in str(e)]
    assert len(errors) == 1, [str(e) for e in data_errors(book)]
    e = errors[0]
    assert (e.path, e.line, e.column) == ("data/quizzes/part1.yaml", line, "questions[0].teaches"), str(e)


def test_validator_wants_teaches_on_every_quiz_question(book):
    from conftest import data_errors

    path = book / "data" / "quizzes" / "part2.yaml"
    text = path.read_text(encoding="utf-8")
    first = next(s for s in text.splitlines(keepends=True) if s.lstrip().startswith("teaches:"))
    path.write_text(text.replace(first, "", 1), encoding="utf-8")
    messages = [str(e) for e in data_errors(book)]
    assert any("part2.yaml" in m and "cereblon-role" in m and "teaches" in m for m in messages), messages
