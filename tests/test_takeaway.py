"""thalbook/pages/takeaway.py in-process: the questions the deck and the answer key hold, the deck file
(its bytes fixed by the data, its ids derived from names), the download link's counts.

Expected counts and texts are read here from data/ with yaml, never from the code under test.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

from thalbook.pages import takeaway

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def yaml_questions() -> dict[str, list[dict]]:
    """File id -> its questions, counted from the YAML files themselves (quizzes, cases, steppers)."""
    out = {}
    for p in sorted((DATA / "quizzes").glob("*.yaml")):
        out[p.stem] = load(p)["questions"]
    for folder in ("cases", "steppers"):
        for p in sorted((DATA / folder).glob("*.yaml")):
            qs = [s["question"] for s in load(p)["stages"] if s.get("question")]
            if qs:
                out[p.stem] = qs
    return out


def test_every_question_of_data_is_in_a_question_set():
    expected = {ident: [q["id"] for q in qs] for ident, qs in yaml_questions().items()}
    got = {s.ident: [q["id"] for q in s.questions] for s in takeaway.question_sets()}
    assert got == expected


def test_the_answer_key_gives_each_right_answer_from_the_data():
    html = takeaway.answer_key()._repr_html_()
    for ident, qs in yaml_questions().items():
        assert f'id="key-tbw-{"quiz" if (DATA / "quizzes" / f"{ident}.yaml").exists() else "stepper"}-{ident}"' in html
        for q in qs:
            right = [o["text"] for o in q["options"] if o.get("correct")]
            assert len(right) == 1, f"{ident}/{q['id']}"
            assert f"Right answer: {right[0]}" in html.replace("&#x27;", "'").replace("&quot;", '"'), f"{ident}/{q['id']}"


def test_the_download_link_counts_what_the_data_holds():
    n_questions = sum(len(qs) for qs in yaml_questions().values())
    n_terms = len(load(DATA / "glossary.yaml"))
    version = load(DATA / "changelog.yaml")["releases"][0]["version"]
    html = takeaway.anki_download()._repr_html_()
    assert f"(edition {version}): {n_questions} questions and {n_terms} glossary terms" in html
    assert f'data-tb-site-path="_static/thalbook/thalbook-{version}.apkg"' in html


def test_ids_come_from_names_and_stay_in_genankis_range():
    a, b = takeaway.stable_id("deck", "1 Introduction"), takeaway.stable_id("deck", "2 Pharmacology")
    assert a == takeaway.stable_id("deck", "1 Introduction") and a != b
    assert all(1 << 30 <= x < 1 << 31 for x in (a, b, takeaway.stable_id("model", "question")))


def _cards() -> list[takeaway.Card]:
    sets = takeaway.question_sets()
    page = takeaway.Page("chapters/x", "X", "1 Part", "chapters/x.html")
    cards, unshown = takeaway.question_cards(sets, {"tbw-stepper-case-1": page, "tbw-quiz-part1": page})
    # a set on no page is reported, not carded
    assert sorted(s.ident for s in unshown) == sorted(set(yaml_questions()) - {"case-1", "part1"})
    glossary = takeaway.Page("chapters/back/glossary", "Glossary", "", "https://example.org/glossary.html")
    return cards + takeaway.term_cards(glossary, {"MDS": "term-MDS"})


def test_the_deck_file_has_fixed_bytes_and_one_note_per_card(tmp_path):
    cards = _cards()
    first = takeaway.write_deck(cards, tmp_path / "a.apkg").read_bytes()
    second = takeaway.write_deck(cards, tmp_path / "b.apkg").read_bytes()
    assert first == second, "two writes of the same cards differ: a timestamp leaks into the file"
    # another process, with another string-hash seed (set and dict orders), writes the same bytes too
    script = f"import sys; sys.path.insert(0, {str(ROOT / 'tests')!r}); import test_takeaway as t; " \
             f"t.takeaway.write_deck(t._cards(), t.Path({str(tmp_path / 'c.apkg')!r}))"
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env={"PYTHONHASHSEED": "12345", "PATH": ""},
                   check=True, timeout=120)
    assert (tmp_path / "c.apkg").read_bytes() == first, "a second process wrote other bytes"
    with zipfile.ZipFile(tmp_path / "a.apkg") as z:
        assert sorted(z.namelist()) == ["collection.anki2", "media"]
        (tmp_path / "col.anki2").write_bytes(z.read("collection.anki2"))
    db = sqlite3.connect(tmp_path / "col.anki2")
    n_terms = len(load(DATA / "glossary.yaml"))
    shown = len(yaml_questions()["case-1"]) + len(yaml_questions()["part1"])
    assert db.execute("select count(*) from notes").fetchone()[0] == n_terms + shown
    mds = next(f for (f,) in db.execute("select flds from notes") if f.startswith("MDS\x1f"))
    assert 'href="https://example.org/glossary.html#term-MDS"' in mds
    db.close()
