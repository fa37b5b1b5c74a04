"""make handout: a page executed into one self-contained answer-key HTML file, opened in chromium from disk.

The gallery page has one widget of every kind and a plotly figure. Expected answers come from the quiz's
data file (data/quizzes/evidence-labels.yaml: the option marked correct), not from the handout's code.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

pytestmark = pytest.mark.browser

PAGE = "chapters/back/widget-gallery"


@pytest.fixture(scope="module")
def handout(tmp_path_factory) -> Path:
    from thalbook.site.handout import handout as make

    return make(PAGE, ROOT, tmp_path_factory.mktemp("handout"))


def test_the_file_asks_for_nothing_outside_itself(handout):
    html = handout.read_text(encoding="utf-8")
    # nothing loaded from a URL: no src/href to another host, no CSS import or url() from one
    assert not re.findall(r"""<(?:script|img|iframe|link|audio|video|source)\b[^>]*\b(?:src|href)=["']?(?:https?:)?//""", html, re.I)
    assert not re.findall(r"""@import|url\(\s*["']?(?:https?:)?//""", html, re.I)
    assert not re.findall(r"""<script\b[^>]*\bsrc=""", html, re.I), "every script is inlined"


def test_it_opens_from_disk_with_no_request_and_shows_the_answers(handout, browser):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:", "blob:")) else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(handout.as_uri())
        # the figure is drawn by the inlined plotly, with the figure's own labels
        expect(page.locator(".js-plotly-plot .ytick text").filter(has_text="16/83")).to_have_count(1)
        quiz = yaml.safe_load((ROOT / "data" / "quizzes" / "evidence-labels.yaml").read_text(encoding="utf-8"))
        qz = page.locator('.thalbook-widget[data-kind="quiz"]')
        for q in quiz["questions"]:
            right = next(o["text"] for o in q["options"] if o.get("correct"))
            fs = qz.locator(f'fieldset[data-qid="{q["id"]}"]')
            marked = fs.locator("li.tb-option", has=page.locator(".tb-answer-mark:visible"))
            expect(marked).to_have_count(1)
            expect(marked.locator(".tb-option-text")).to_have_text(right)
            expect(fs.locator(".tb-feedback:visible")).to_have_count(len(q["options"]))
        # every stage of the stepper is shown, and no control that needs the widget's JavaScript
        st = page.locator('.thalbook-widget[data-kind="stepper"]')
        expect(st.locator(".tb-stage:visible")).to_have_count(4)
        expect(page.locator(".thalbook-widget:not([data-kind=figure]) button:visible")).to_have_count(0)
        assert requests == [], f"the handout fetched: {requests}"
        assert errors == [], errors
    finally:
        context.close()


def test_an_unknown_page_names_the_pages():
    from thalbook.site.handout import find_page

    with pytest.raises(SystemExit, match=r"no page 'chapters/nope'; PAGE is one of:\n  chapters/1-introduction"):
        find_page("chapters/nope", ROOT)
