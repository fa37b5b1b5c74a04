"""Every built page, in Debian's chromium: offline, clean console, strict CSP, accessible, phone-sized."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, axe_violations, built_pages

PAGES = built_pages()
pytestmark = pytest.mark.browser


def test_the_site_has_every_page_of_the_toc(site):
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    missing = [f for f in files if not (site / f"{f}.html").is_file()]
    assert not missing and len(PAGES) >= len(files)


@pytest.mark.parametrize("path", PAGES)
def test_page_is_offline_clean_and_accessible(visit, path):
    v = visit(path)
    page = v.page
    assert v.external_requests == [], f"{path} asked another host: {v.external_requests}"
    assert v.console_errors == [], f"{path} console errors: {v.console_errors}"
    assert v.page_errors == [], f"{path} script errors: {v.page_errors}"
    csp = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    # every widget and figure says it is ready to use (figures draw when scrolled near: scroll to each)
    for handle in page.query_selector_all(".thalbook-widget, .thalbook-figure"):
        handle.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.thalbook-figure')].every(e => e.dataset.ready === 'true')",
        timeout=15000,
    )
    not_ready = page.evaluate(
        "() => [...document.querySelectorAll('.thalbook-widget, .thalbook-figure')]"
        ".filter(e => e.dataset.ready !== 'true').map(e => e.id)"
    )
    assert not_ready == [], f"{path}: widgets not ready: {not_ready}"
    # every citation points at a footnote on the same page
    broken = page.evaluate(
        "() => [...document.querySelectorAll('a.footnote-reference')]"
        ".filter(a => !document.getElementById(a.getAttribute('href').slice(1))).map(a => a.href)"
    )
    assert broken == []
    assert axe_violations(page) == [], f"{path}: accessibility violations"


@pytest.mark.parametrize("path", PAGES)
def test_page_reflows_at_320px(visit, path):
    v = visit(path, width=320, height=640)
    assert v.page.evaluate("() => document.documentElement.scrollWidth") <= 320, f"{path} scrolls sideways at 320 px"
    overflow = v.page.evaluate(
        "() => [...document.querySelectorAll('article *')]"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1"
        " && !e.closest('.tb-table-wrap, .pst-scrollable-table-container, .highlight, .thalbook-figure, pre, .headerlink'))"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className)"
    )
    assert overflow == [], f"{path}: content wider than a 320 px screen: {overflow}"


def test_teaching_notice_on_the_landing_page(visit):
    text = visit("chapters/index.html").page.inner_text("article")
    assert re.search(r"not a prescribing guide", text, re.IGNORECASE)


def test_last_reviewed_date_shown_from_notebook_metadata(visit, site):
    import json

    nb = json.loads((ROOT / "chapters/back/evidence-labels.ipynb").read_text())
    shown = visit("chapters/back/evidence-labels.html").page.inner_text(".tb-last-reviewed")
    assert nb["metadata"]["last_reviewed"] in shown


def test_evidence_labels_legend_is_generated_from_data(visit, site):
    import yaml

    labels = yaml.safe_load((ROOT / "data/labels.yaml").read_text())
    text = visit("chapters/back/evidence-labels.html").page.inner_text("article")
    for group in ("statuses", "bases", "origins"):
        for label in labels[group]:
            assert label["meaning"] in text


def test_glossary_terms_link_to_the_glossary(visit):
    page = visit("chapters/back/evidence-labels.html").page
    hrefs = page.eval_on_selector_all("a.reference.internal", "as => as.map(a => a.getAttribute('href'))")
    assert any("glossary.html#term-" in h for h in hrefs)
    gloss = visit("chapters/back/glossary.html").page
    assert gloss.locator("dl.glossary dt#term-MDS").count() == 1


def test_references_page_shows_each_reference_status(visit, site):
    bib = (ROOT / "data/references.bib").read_text()
    keys = re.findall(r"^@\w+\{([^,]+),", bib, re.MULTILINE)
    text = visit("chapters/back/references.html").page.inner_text("table.tb-refs")
    for key in keys:
        assert key in text
    assert "not found" in text and "not verified" in text


@pytest.mark.parametrize("path", ["chapters/back/widget-gallery.html", "chapters/3-clinical-efficacy/overview.html"])
def test_readable_in_dark_mode(visit, path):
    """The theme's dark mode (data-theme=dark): widgets, badges and appraisal boxes keep their contrast."""
    v = visit(path)
    v.page.evaluate("() => { localStorage.setItem('mode', 'dark'); }")
    v.page.reload(wait_until="networkidle")
    assert v.page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    for handle in v.page.query_selector_all(".thalbook-widget, .thalbook-figure"):
        handle.scroll_into_view_if_needed()
    violations = [x for x in axe_violations(v.page) if x["id"] == "color-contrast"]
    assert violations == [], violations
    assert v.console_errors == []
