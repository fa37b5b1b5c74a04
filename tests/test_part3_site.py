"""Pages 3.1 and 3.2 on the built static site, in Debian's chromium, used like a reader would.

Expected values are hand arithmetic or the data files, never the code under test:
16/83 = 19.28% (ITT) and 16/51 = 31.37% (evaluable), Raza 2001; 64% of 27: 17/27 = 62.96% and
18/27 = 66.67%, so no count; 63% of 27: 17/27.
"""

from __future__ import annotations

import pytest
from conftest import assert_clean, ready
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

P31 = "chapters/3-clinical-efficacy/3.1-children-are-not-small-adults.html"
P32 = "chapters/3-clinical-efficacy/3.2-clinical-studies.html"
FIGURE = "#tbw-figure-response-by-denominator"
PLOT_ID = "tbw-figure-response-by-denominator-plot"
CHECKER = "#tbw-calculator-percent-counts"


def test_denominator_switch_changes_the_plotted_values(visit):
    v = visit(P32)
    page = v.page
    root = ready(page, FIGURE)
    ready(page, f"#{PLOT_ID}", timeout=20000)

    def plotted():  # trial -> marker position (the text-only trace saying "no count" has no marker)
        return page.evaluate(
            f"() => Object.fromEntries(document.getElementById('{PLOT_ID}').data.filter(t => t.mode === 'markers')"
            ".flatMap(t => Array.from(t.y || []).map((y, i) => [y, t.x[i]])))"
        )

    def ticks():
        return page.evaluate(f"() => [...document.querySelectorAll('#{PLOT_ID} .ytick text')].map(t => t.textContent)")

    before = plotted()
    assert before["Raza 2001"] == pytest.approx(19.3)  # 100 * 16 / 83 = 19.28
    assert "Raza 2001 (16/83)" in ticks() and "Raza 2001 (16/51)" not in ticks()
    root.get_by_role("radio", name="evaluable patients").check()
    expect(root.locator("[aria-live]")).to_have_text("Showing evaluable patients")
    page.wait_for_function(
        f"() => [...document.querySelectorAll('#{PLOT_ID} .ytick text')].some(t => t.textContent === 'Raza 2001 (16/51)')",
        timeout=10000,
    )
    after = plotted()
    assert after["Raza 2001"] == pytest.approx(31.4)  # 100 * 16 / 51 = 31.37
    assert after["Bouscary 2005"] == pytest.approx(59.0)  # 100 * 23 / 39 = 58.97
    assert "Raza 2001 (16/83)" not in ticks()
    summaries = root.locator(".tb-figure-summary:visible")
    expect(summaries).to_contain_text("16/51")
    expect(summaries).not_to_contain_text("16/83")
    root.get_by_role("radio", name="intention to treat (all enrolled)").check()
    page.wait_for_function(
        f"() => [...document.querySelectorAll('#{PLOT_ID} .ytick text')].some(t => t.textContent === 'Raza 2001 (16/83)')",
        timeout=10000,
    )
    assert plotted()["Raza 2001"] == pytest.approx(19.3)
    assert_clean(v)


def test_percentage_checker(visit):
    v = visit(P32)
    page = v.page
    root = ready(page, CHECKER)
    n, pct = root.locator('.tb-input[data-name="n"]'), root.locator('.tb-input[data-name="percent"]')
    out = {k: root.locator(f'.tb-out[data-name="{k}"]') for k in ("verdict", "counts", "nearest")}
    msg = {f: page.locator(f'[id="{loc.get_attribute("aria-describedby")}"]') for f, loc in (("n", n), ("percent", pct))}
    for o in out.values():
        expect(o).to_have_text("–")

    n.fill("27")
    pct.fill("64")
    expect(out["verdict"]).to_have_text("No whole number of 27 gives 64%.")
    expect(out["counts"]).to_have_text("none")
    expect(out["nearest"]).to_have_text("17/27 = 63.0%; 18/27 = 66.7%")

    pct.fill("63")
    expect(out["verdict"]).to_have_text("1 whole count of 27 gives 63%.")
    expect(out["counts"]).to_have_text("17/27")

    n.fill("22")
    pct.fill("61")  # 13/22 = 59.1%, 14/22 = 63.6%
    expect(out["verdict"]).to_have_text("No whole number of 22 gives 61%.")
    expect(out["nearest"]).to_have_text("13/22 = 59.1%; 14/22 = 63.6%")

    invalid = [
        ("0", "64", "n", "Enter a value from 1 to 10000."),
        ("27.5", "64", "n", "Enter a whole number."),
        ("27", "abc", "percent", "Enter a number."),
        ("27", "150", "percent", "Enter a value from 0 to 100."),
        ("27", "1.2345", "percent", "Give the percentage with at most 3 decimals."),
    ]
    for nv, pv, field, message in invalid:
        n.fill(nv)
        pct.fill(pv)
        bad = n if field == "n" else pct
        expect(msg[field]).to_have_text(message)
        expect(bad).to_have_attribute("aria-invalid", "true")
        for o in out.values():
            expect(o).to_have_text("–")
        n.fill("27")
        pct.fill("63")
        expect(out["counts"]).to_have_text("17/27")
    assert_clean(v)


def test_evidence_table_marks_not_verified_rows(visit):
    v = visit(P32)
    table = v.page.locator("table.tb-evidence")
    expect(table).to_be_visible()
    for study in ("GFM 2004 (abstract)", "Taiwan 2012"):
        row = table.locator("tbody tr", has_text=study)
        expect(row.first.locator(".tb-status")).to_have_text("not verified")
    raza = table.locator("tbody tr", has_text="Raza 2001").first
    expect(raza).to_contain_text("16/83 (19%) intention to treat")
    expect(raza).to_contain_text("16/51 (31%) evaluable")
    expect(raza).to_contain_text("32/83 stopped before 12 weeks")
    expect(raza.locator(".tb-status")).to_have_text("verified")
    bouscary = table.locator("tbody tr", has_text="Bouscary 2005").first
    expect(bouscary).to_contain_text("22/39 stopped for adverse events")
    headers = table.locator("thead th").all_inner_texts()
    # the key columns first: which trial, what it counted, how sure the count is
    assert headers[:3] == ["Study", "Responders (as printed)", "Status"]
    assert "Stops or toxicity as reported (each names its outcome)" in headers and "Basis" in headers
    assert_clean(v)


def test_km_example_and_neuropathy_sections(visit):
    v = visit(P32)
    page = v.page
    text = page.inner_text("article")
    # 17/22 * 11/14 = 17/28 = 60.7% (by hand); the crude fractions 14/22 = 63.6% and 11/22 = 50.0%
    assert "17/28 = 60.7% (illustrative, derived)" in text
    assert "14/22 = 63.6% (derived)" in text and "11/22 = 50.0% (derived)" in text
    ready(page, "#fig-km-worked-example", timeout=20000)
    ys = page.evaluate("() => document.getElementById('fig-km-worked-example').data[0].y")
    assert ys[0] == 100 and 60.7 in ys
    neuro = page.locator("table.tb-neuropathy")
    for pop in ("inflammatory bowel disease (not MDS)", "Crohn's disease (not MDS)"):
        expect(neuro).to_contain_text(pop)
    expect(neuro).to_contain_text("7/28 (25%)")
    assert "not a prescribing guide" in text
    assert_clean(v)


def test_comparison_table_on_31(visit):
    v = visit(P31)
    table = v.page.locator("table.tb-compare")
    expect(table).to_contain_text("Monosomy 7")
    row = table.locator("tbody tr", has_text="Thalidomide trials")
    expect(row).to_contain_text("not found")
    expect(row).to_contain_text("16 of 83")
    assert v.page.locator("#appraisal-ch3-1-omits-germline-and-dosing").count() == 1
    assert_clean(v)
