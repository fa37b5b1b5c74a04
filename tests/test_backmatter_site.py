"""The back-matter pages on the built site, in Debian's chromium: the critical-reading checklist and the
data dictionary.

Expected values are read from the data files directly (data/appraisals.yaml, data/checklist.yaml, the
CSV header of data/studies.csv, the data card data/studies.md, data/quizzes/critical-reading.yaml), never
from the code that builds the pages.
"""

from __future__ import annotations

import csv
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT, assert_clean, axe_violations, norm, ready
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

READING = "chapters/back/critical-reading.html"  # why, the questions at a glance, the unedited sentence, the quiz
CHECKLIST = "chapters/back/critical-reading-checklist.html"  # every flag under its question (split from READING)
DICTIONARY = "chapters/back/data-dictionary.html"
DATA = ROOT / "data"
FLAGS = yaml.safe_load((DATA / "appraisals.yaml").read_text(encoding="utf-8"))
QUESTIONS = yaml.safe_load((DATA / "checklist.yaml").read_text(encoding="utf-8"))


def site_path(url: str, base_url: str) -> tuple[str, str]:
    """(path relative to the site root, fragment) of an absolute URL on the test server."""
    parsed = urlparse(url)
    assert url.startswith(base_url), f"{url} leaves the site"
    return parsed.path.lstrip("/"), parsed.fragment


# ---------------------------------------------------------------- reading a review critically
def test_checklist_links_every_flagged_page_and_each_link_resolves(visit, site: Path, base_url: str):
    v = visit(CHECKLIST)
    hrefs = v.page.eval_on_selector_all("a.tb-check-link", "as => as.map(a => a.href)")
    assert len(hrefs) == len(FLAGS)  # one link per flag
    targets = [site_path(h, base_url) for h in hrefs]
    assert {path for path, _ in targets} == {f["page"] + ".html" for f in FLAGS}
    assert sorted(fragment for _, fragment in targets) == sorted(f"appraisal-{f['id']}" for f in FLAGS)
    for path, fragment in targets:
        built = site / path
        assert built.is_file(), f"{path} is not a built page"
        soup = BeautifulSoup(built.read_text(encoding="utf-8"), "html.parser")
        assert soup.find(id=fragment) is not None, f"{path} has no element #{fragment}"
    assert_clean(v)
    assert axe_violations(v.page) == []


def test_following_a_flag_link_lands_on_its_box(visit, base_url: str):
    v = visit(CHECKLIST)
    page = v.page
    link = page.locator('li[data-flag="ch3-64-of-27"] a.tb-check-link')
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_url("**/3-clinical-efficacy/overview.html#appraisal-ch3-64-of-27")
    box = page.locator("#appraisal-ch3-64-of-27")
    expect(box).to_be_in_viewport()
    flag = next(f for f in FLAGS if f["id"] == "ch3-64-of-27")
    expect(box.locator(".tb-verdict")).to_have_text(flag["verdict"])
    assert_clean(v)


def test_the_summary_links_each_question_to_its_flags_on_the_page_below(visit):
    """The parent page keeps the table at a glance; each question's link opens its section of the checklist."""
    v = visit(READING)
    page = v.page
    links = page.locator("table.tb-check-summary tbody a")
    expect(links).to_have_count(len(QUESTIONS))
    q = QUESTIONS[1]
    links.nth(1).click()
    page.wait_for_url(f"**/back/critical-reading-checklist.html#check-{q['id']}")
    section = page.locator(f"section#check-{q['id']}")
    expect(section).to_be_in_viewport()
    expect(section.locator("h3")).to_have_text(f"2. {q['question']}")
    assert_clean(v)


def test_each_flag_shows_its_question_verdict_and_status(visit):
    page = visit(CHECKLIST).page
    for number, q in enumerate(QUESTIONS, start=1):
        section = page.locator(f"section#check-{q['id']}")
        expect(section.locator("h3")).to_have_text(f"{number}. {q['question']}")
        mine = [f for f in FLAGS if f["question"] == q["id"]]
        expect(section.locator("li.tb-check-flag")).to_have_count(len(mine))
    for f in FLAGS:
        li = page.locator(f'li[data-flag="{f["id"]}"]')
        expect(li.locator(".tb-status")).to_have_text(f["status"])
        expect(li.locator(".tb-verdict")).to_have_text(f["verdict"])
        assert norm(f["claim"]) in norm(li.inner_text())


def test_the_unedited_sentence_is_quoted_with_its_section(visit):
    page = visit(READING).page
    flag = next(f for f in FLAGS if f["id"] == "ch3-cannot-present")
    quote = flag["claim"].split("“")[1].split("”")[0]
    box = page.locator("#appraisal-ch3-cannot-present")  # the flag's box shown on this page too
    expect(box).to_contain_text(f"“{quote}”")
    expect(box.locator(".tb-appraisal-section")).to_have_text("review §3.3")
    expect(box.locator(".tb-status")).to_have_text(flag["status"])


def test_checklist_quiz_gives_feedback(visit):
    quiz = yaml.safe_load((DATA / "quizzes" / "critical-reading.yaml").read_text(encoding="utf-8"))
    v = visit(READING)
    root = ready(v.page, "#tbw-quiz-critical-reading")
    for q in quiz["questions"]:
        right = next(i for i, o in enumerate(q["options"]) if o.get("correct"))
        fs = root.locator(f'.tb-question[data-qid="{q["id"]}"]')
        fs.locator(".tb-radio").nth(right).check()
        fs.locator(".tb-check").click()  # choosing only selects; Check answer answers
        fb = fs.locator(".tb-feedback").nth(right)
        expect(fb.locator(".tb-verdict strong")).to_have_text("Correct.")
        assert norm(q["options"][right]["feedback"]) in norm(fb.inner_text())
    n = len(quiz["questions"])
    expect(root.locator(".tb-score")).to_have_text(f"Score: {n} of {n} ({n} answered; first answer scored)")
    assert_clean(v)


# ---------------------------------------------------------------- the data dictionary
def test_dictionary_lists_every_data_file_and_every_studies_column(visit):
    v = visit(DICTIONARY)
    page = v.page
    # every data file on disk, found here by listing data/ (tables and documents) and its folders
    files = {p.name for p in DATA.glob("*.csv")} | {p.name for p in DATA.glob("*.yaml")}
    files |= {f"{d.name}/*.yaml" for d in DATA.iterdir() if d.is_dir() and any(d.glob("*.yaml"))}
    shown = set(page.eval_on_selector_all("section.tb-dict-file h3", "hs => hs.map(h => h.textContent.trim())"))
    assert {f"data/{f}" for f in files} - shown == set()
    with (DATA / "studies.csv").open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    studies = page.locator("section.tb-dict-file", has=page.locator("h3", has_text="data/studies.csv"))
    columns = set(studies.locator("dt code").all_inner_texts())
    assert set(header) - columns == set()
    row = studies.locator(".tb-dict-col", has=page.locator("dt code", has_text="denominator_type"))
    expect(row).to_contain_text("one of: itt, evaluable, subgroup, unknown")
    assert_clean(v)
    assert axe_violations(page) == []


def test_dictionary_card_unfolds_with_the_data_card_text(visit):
    page = visit(DICTIONARY).page
    studies = page.locator("section.tb-dict-file", has=page.locator("h3", has_text="data/studies.csv"))
    card = studies.locator("details")
    expect(card).not_to_have_attribute("open", "")
    card.locator("summary").click()
    # the first sentence of the card's "Holds." paragraph, as written in data/studies.md
    holds = next(line for line in (DATA / "studies.md").read_text(encoding="utf-8").splitlines() if line.startswith("**Holds.**"))
    first_words = holds.removeprefix("**Holds.**").split("(")[0].strip()[:40]
    expect(card).to_contain_text(first_words.replace("`", ""))


def test_dictionary_index_jumps_to_a_file(visit):
    v = visit(DICTIONARY)
    page = v.page
    page.locator("nav.tb-dict-index a", has_text="studies.csv").click()
    section = page.locator("section.tb-dict-file", has=page.locator("h3", has_text="data/studies.csv"))
    expect(section).to_be_in_viewport()
    assert urlparse(page.url).fragment == section.get_attribute("id")


@pytest.mark.parametrize("path", [READING, CHECKLIST, DICTIONARY])
def test_back_matter_reads_on_a_phone(visit, path: str):
    v = visit(path, width=320, height=640)
    assert v.page.evaluate("() => document.documentElement.scrollWidth") <= 320
    assert_clean(v)
