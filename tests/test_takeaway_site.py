"""The take-aways on the built site: the Anki deck the build writes (opened as the zip with an SQLite
collection it is), its download links, and the printable handouts printed to PDF by Debian's chromium.

Expected counts and texts are read here from data/ and _toc.yml with yaml, or counted by hand; never from
the code under test.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import unicodedata
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, norm
from pypdf import PdfReader

pytestmark = pytest.mark.browser

DATA = ROOT / "data"
NOTICE = "Teaching material, not a prescribing guide."
HANDOUTS = "chapters/back/handouts.html"
# one page per case since 3.3 was split (_toc.yml: the sections of 3.3)
CASE_PAGES = {"case-1": "chapters/3-clinical-efficacy/3.3.1-case-1-high-risk-mds.html",
              "case-2": "chapters/3-clinical-efficacy/3.3.2-case-2-refractory-mds.html",
              "case-3": "chapters/3-clinical-efficacy/3.3.3-case-3-excess-blasts-and-transplant.html"}
OVERVIEWS = [f"chapters/{p}/overview.html" for p in
             ("1-introduction", "2-pharmacology", "3-clinical-efficacy", "4-safety", "5-conclusions")]
# A4 and Letter at 96 px per inch, less the 12 mm side margins of the print stylesheet (@page in book.css)
PAPER = {"A4": (210, 297), "Letter": (215.9, 279.4)}


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


VERSION = load(DATA / "changelog.yaml")["releases"][0]["version"]
GLOSSARY = load(DATA / "glossary.yaml")
CASES = {p.stem: load(p) for p in sorted((DATA / "cases").glob("*.yaml"))}
QUIZZES = {p.stem: load(p) for p in sorted((DATA / "quizzes").glob("*.yaml"))}
STEPPERS = {p.stem: load(p) for p in sorted((DATA / "steppers").glob("*.yaml"))}


def questions_in_data() -> int:
    n = sum(len(q["questions"]) for q in QUIZZES.values())
    return n + sum(1 for doc in [*CASES.values(), *STEPPERS.values()] for s in doc["stages"] if s.get("question"))


@pytest.fixture(scope="module")
def deck(site, tmp_path_factory):
    path = site / "_static" / "thalbook" / f"thalbook-{VERSION}.apkg"
    assert path.is_file(), f"the build wrote no deck at {path}"
    with zipfile.ZipFile(path) as z:
        db_file = tmp_path_factory.mktemp("deck") / "collection.anki2"
        db_file.write_bytes(z.read("collection.anki2"))
    db = sqlite3.connect(db_file)
    yield db
    db.close()


def notes(db) -> dict[str, list[str]]:
    """The notes by their first field's text (the question's prompt or the term)."""
    return {re.sub(r"<[^>]+>", "", f.split("\x1f")[0]).strip(): f.split("\x1f") for (f,) in db.execute("select flds from notes")}


def test_the_deck_holds_every_question_and_term_of_the_data(deck):
    assert deck.execute("select count(*) from notes").fetchone()[0] == questions_in_data() + len(GLOSSARY)
    assert deck.execute("select count(distinct guid) from notes").fetchone()[0] == questions_in_data() + len(GLOSSARY)
    assert deck.execute("select count(*) from cards").fetchone()[0] == questions_in_data() + len(GLOSSARY)


def test_one_sub_deck_per_part_plus_the_glossary(deck):
    decks = json.loads(deck.execute("select decks from col").fetchone()[0])
    names = sorted(d["name"] for d in decks.values() if d["name"] != "Default")
    captions = [p["caption"] for p in load(ROOT / "_toc.yml")["parts"]]
    # parts 1 to 5 and the back matter ask questions; the lecturers' part shows them again (first page wins)
    expected = [f"Thalidomide teaching book::{c}" for c in captions if c != "For lecturers and contributors"]
    assert names == sorted([*expected, "Thalidomide teaching book::Glossary"])


def test_a_quiz_question_reads_as_its_data(deck):
    q = QUIZZES["part1"]["questions"][0]  # "About how many children in a million develop **MDS** each year?"
    f = notes(deck)[q["prompt"].replace("**", "")]
    assert f[0] == f"<p>{q['prompt'].replace('**MDS**', '<strong>MDS</strong>')}</p>"
    right = next(o for o in q["options"] if o.get("correct"))
    assert f[2] == right["text"] and f[3] == f"<p>{right['feedback']}</p>"
    assert [re.sub(r"</?li>", "", x) for x in re.findall(r"<li>.*?</li>", f[1])] == [o["text"] for o in q["options"]]
    # the source as readers see it on the site, not the BibTeX key: hasle2016myelodysplastic in
    # data/references.bib is "Hasle, Henrik", 2016
    assert q["source"] == "hasle2016myelodysplastic" and f[6] == q["status"] and f[7] == "Hasle 2016"
    assert "chapters/1-introduction/1.4-what-research-exists.html" in f[8]  # tb.quiz("part1") is on page 1.4


def test_a_case_question_names_its_case_stage_and_page(deck):
    stage = next(s for s in CASES["case-2"]["stages"] if s.get("question"))
    q = stage["question"]
    f = notes(deck)[q["prompt"]]
    assert CASES["case-2"]["title"] in f[5] and stage["title"] in f[5]
    assert f[2] == next(o["text"] for o in q["options"] if o.get("correct")).replace("'", "&#x27;")
    assert f[6] == q["status"] and CASE_PAGES["case-2"] in f[8]


def test_a_glossary_note_links_its_entry(deck, site):
    term = next(t for t in GLOSSARY if t["term"] == "MDS")
    f = notes(deck)["MDS"]
    assert f[2] == f"<p>{term['definition']}</p>" and f[3] == term["status"]
    assert term["source"] == "hasle2016myelodysplastic" and f[4] == "Hasle 2016"  # as above
    assert "chapters/back/glossary.html#term-MDS" in f[5]
    assert 'id="term-MDS"' in (site / "chapters/back/glossary.html").read_text(encoding="utf-8")


def test_the_deck_is_dated_by_its_edition(deck):
    # 0.3.0 is dated 2026-12-03 in data/changelog.yaml: 12:00 UTC that day is 1796299200 s (`date -u -d '2026-12-03 12:00' +%s`)
    release = load(DATA / "changelog.yaml")["releases"][0]
    assert str(release["date"]) == "2026-12-03", "update the hand-computed timestamp below with the edition"
    assert {m for (m,) in deck.execute("select mod from notes")} == {1796299200}


@pytest.mark.parametrize("page", ["chapters/index.html", *OVERVIEWS])
def test_the_download_link_downloads_the_deck(page, visit, site):
    v = visit(page)
    link = v.page.locator("a.tb-download-link")
    assert link.count() == 1
    n = questions_in_data()
    assert norm(link.inner_text()) == (
        f"Anki deck of the book (edition {VERSION}): {n} questions and {len(GLOSSARY)} glossary terms")
    with v.page.expect_download() as got:
        link.click()
    body = Path(got.value.path()).read_bytes()
    assert body == (site / "_static" / "thalbook" / f"thalbook-{VERSION}.apkg").read_bytes()


# ---------------------------------------------------------------- print
@pytest.fixture(scope="module")
def printed(browser, base_url):
    """(page, paper) -> the texts of the page's printed sheets; each page is printed once per paper.
    Print media, backgrounds off as browsers default; NFKC turns the PDF's ligatures back into letters."""
    cache: dict[tuple[str, str], list[str]] = {}

    def pdf_pages(path: str, paper: str) -> list[str]:
        if (path, paper) not in cache:
            w, h = PAPER[paper]
            context = browser.new_context()
            page = context.new_page()
            page.goto(base_url + path, wait_until="load")
            page.wait_for_load_state("networkidle")
            pdf = page.pdf(width=f"{w}mm", height=f"{h}mm")
            context.close()
            cache[(path, paper)] = [norm(unicodedata.normalize("NFKC", p.extract_text()))
                                    for p in PdfReader(io.BytesIO(pdf)).pages]
        return cache[(path, paper)]

    return pdf_pages


def stage_titles(case: dict) -> list[str]:
    # a stage's heading is its title alone: "Stage k of n" is the progress line's, hidden in print (on a
    # route with branch stages, k depends on the reader's choices)
    return [s["title"] for s in case["stages"]]


def stage_start(stage: dict) -> str:
    """The first words of a stage's own text (its body in data/cases/; the files use no Markdown there)."""
    return norm(stage["body"])[:40]


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_handouts_print_every_stage_on_its_own_sheet_with_the_notice_on_each(printed, paper):
    pages = printed(HANDOUTS, paper)
    for i, text in enumerate(pages, start=1):
        assert NOTICE in text, f"sheet {i} of {len(pages)} lacks the line {NOTICE!r}: {text[-200:]!r}"
    assert not any("For lecturers and contributors" in t for t in pages), "the navigation printed"
    # every stage of every case, in the files' order, each starting on a sheet after the previous one's
    sheet, seen = -1, []
    for ident, case in CASES.items():
        for title, stage in zip(stage_titles(case), case["stages"]):
            later = [i for i, t in enumerate(pages) if i > sheet and title in t and stage_start(stage) in t]
            assert later, f"{ident}: {title!r} ({stage_start(stage)!r}) is not printed after sheet {sheet + 1}"
            sheet = later[0]
            seen.append(sheet)
    assert seen == sorted(set(seen))
    # the answers are not beside the questions: each right answer's explanation prints only in the answer key
    key_start = next(i for i, t in enumerate(pages) if "Answer key: " + CASES["case-1"]["title"] in t)
    assert key_start > sheet
    for ident, case in CASES.items():
        for s in case["stages"]:
            if not s.get("question"):
                continue
            right = next(o for o in s["question"]["options"] if o.get("correct"))
            why = norm(right["feedback"])[:60]
            where = [i for i, t in enumerate(pages) if why in t]
            assert where and min(where) >= key_start, f"{ident}/{s['question']['id']}: explanation on sheets {where}"


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("ident", sorted(CASE_PAGES))
def test_the_case_page_prints_all_stages_without_answers(printed, paper, ident):
    pages = printed(CASE_PAGES[ident], paper)
    whole = " ".join(pages)
    assert all(NOTICE in t for t in pages)
    assert set(CASE_PAGES) == set(CASES), "a case without its page here"
    case = CASES[ident]
    for title, stage in zip(stage_titles(case), case["stages"]):
        assert f"{title} " in whole and stage_start(stage) in whole, (title, stage_start(stage))
    for s in case["stages"]:
        if s.get("question"):
            right = next(o for o in s["question"]["options"] if o.get("correct"))
            assert norm(right["feedback"])[:60] not in whole


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_no_printed_table_is_cut(visit, printed, paper):
    """Each table fits the printable width and every row's source and status print (a cut table loses
    its right-hand columns)."""
    w, _ = PAPER[paper]
    v = visit(HANDOUTS, width=int((w - 24) / 25.4 * 96))
    v.page.emulate_media(media="print")
    overflow = v.page.evaluate("""() => [...document.querySelectorAll('article table')].map(t => {
        const r = t.getBoundingClientRect(), box = t.closest('article').getBoundingClientRect();
        return {caption: (t.caption || {}).textContent || '', over: r.right - box.right, scroll: t.scrollWidth - t.clientWidth};
      }).filter(x => x.over > 1 || x.scroll > 1)""")
    assert overflow == [], f"tables wider than the {paper} sheet: {overflow}"
    whole = " ".join(printed(HANDOUTS, paper))
    rules, checks = load(DATA / "dose_rules.yaml"), load(DATA / "monitoring.yaml")
    pregnancy = [r for r in load(DATA / "safety_rules.yaml") if r["topic"] == "pregnancy prevention"]
    # sources print as short author-year citations (the key stays in the link's title); these three are
    # corporate authors, read by hand from data/references.bib with their years
    cited_as = {"thalomid2023pi": "Celgene Corporation 2023", "nci2017ctcae": "National Cancer Institute 2017",
                "thalbook_evidence_notes": "Thalidomide teaching book team 2026"}
    for row in [*rules, *checks, *pregnancy]:
        assert row["source"] in cited_as, f"{row['source']}: add its author-year label to this test"
        assert cited_as[row["source"]] in whole, f"{row['source']} ({cited_as[row['source']]}) not printed"
    statuses = [r["status"] for r in [*rules, *checks, *pregnancy]]
    for status in set(statuses):  # the status column printed: at least as often as the rows carry it
        assert whole.count(status) >= statuses.count(status), status
