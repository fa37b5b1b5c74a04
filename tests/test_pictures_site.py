"""The blood-count picture on the built page 1.2, in the light and the dark theme: it renders with its
caption, its text alternative opens, and its words take the page's text colour."""

from __future__ import annotations

import pytest

P12 = "chapters/1-introduction/1.2-mds-and-dba.html"

LUMA = """el => { const m = getComputedStyle(el).fill.match(/[\\d.]+/g).map(Number);
  return (0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]) / 255; }"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_blood_count_picture_renders_with_caption_and_text_alternative(visit, scheme):
    v = visit(P12, color_scheme=scheme)
    fig = v.page.locator("#fig-blood-counts")
    fig.scroll_into_view_if_needed()
    assert fig.locator("svg[role=img]").is_visible()
    assert fig.locator("svg").bounding_box()["height"] > 200
    assert "aplastic anaemia" in fig.locator("figcaption").inner_text()
    assert "pure red cell aplasia" in fig.locator("svg").inner_html()
    alt = fig.locator("details.tb-figure-alt")
    assert not alt.locator("li").first.is_visible()
    alt.locator("summary").click()
    assert alt.locator("li").count() == 12
    assert alt.locator("li").first.is_visible()
    # the words are drawn in the theme's text colour: dark on light, light on dark
    luma = fig.locator("svg text").first.evaluate(LUMA)
    assert (luma < 0.35) if scheme == "light" else (luma > 0.65), luma
    assert not v.console_errors and not v.page_errors and not v.external_requests
