"""Kernel side of the widgets: traits, the static twin HTML, safe text, and the pure Python twins."""

from __future__ import annotations

import json
import math
import re
import tomllib

import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st

from thalbook.core import text
from thalbook.core.calculator import CALCULATORS, calculate
from thalbook.core.dosing import ctcae_grade
from thalbook.core.numbers import format_percent1
from thalbook.core.stats import wilson_interval
from thalbook.widgets import (
    OKABE_ITO,
    Calculator,
    FigureOutput,
    LinkedFigure,
    Lookup,
    Quiz,
    Stepper,
    ThalbookWidget,
    state_json,
)

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "<script>alert(2)</script>"
XSS = XSS_IMG + XSS_SCRIPT
ESC_IMG = "&lt;img src=x onerror=alert(1)&gt;"
ESC_SCRIPT = "&lt;script&gt;alert(2)&lt;/script&gt;"


def question(i: int, right: int = 0) -> dict:
    return {
        "id": f"q{i}",
        "prompt": f"Prompt {i} with *emphasis* {XSS}",
        "source": "raza2001",
        "status": "not verified",
        "basis": "abstract",
        "options": [
            {"text": f"Option {i}.{k} {XSS}", "correct": k == right, "feedback": f"Feedback {i}.{k} {XSS}"}
            for k in range(3)
        ],
    }


QUIZ = {"id": "labels", "title": f"Labels {XSS}", "questions": [question(1), question(2, 1), question(3, 2)]}
STEPPER = {
    "id": "work-up",
    "title": "Work-up",
    "stages": [
        {"id": "s1", "title": f"Presentation {XSS}", "body": f"Body one {XSS}"},
        {"id": "s2", "title": "Work-up", "body": "Body two", "question": question(1)},
        {"id": "s3", "title": "Diagnosis", "body": "Body three", "question": question(2, 2)},
    ],
}
LOOKUP = {
    "id": "ctcae",
    "title": "CTCAE",
    "selectors": [{"name": "test", "label": "Test", "options": [{"value": "anc", "label": "ANC"}]}],
    "numeric": {
        "label": "Value",
        "units": [{"unit": "/mm³", "to_base": 1, "min": 0, "max": 100000}],
        "floors": [1500, 1000, 500],
        "lln": 2000,
    },
    "rows": [
        {
            "match": {"test": "anc", "grade": "3"},
            "title": f"Grade 3 {XSS}",
            "body": f"Hold {XSS}",
            "tags": ["hold", XSS],
            "source": "ctcae5",
            "status": "verified",
            "severity": 3,
        },
        {
            "id": "note",
            "match": {"test": "anc"},
            "title": "Note",
            "body": "Always",
            "tags": [],
            "source": "local",
            "status": "illustrative",
        },
    ],
    "empty": f"Nothing {XSS}",
}
CALC = {
    "id": "wilson",
    "title": "Wilson",
    "fn": "wilson",
    "inputs": [
        {"name": "x", "label": f"Responders {XSS}", "min": 0, "max": 100000, "integer": True},
        {"name": "n", "label": "Patients", "min": 1, "max": 100000, "integer": True},
    ],
    "outputs": [
        {"name": "proportion", "label": "Proportion", "format": "percent1"},
        {"name": "low", "label": "Low", "format": "percent1"},
        {"name": "high", "label": "High", "format": "percent1"},
        {"name": "fraction", "label": "Counts", "format": "text"},
    ],
    "note": "Wilson score interval.",
}


def twin(w) -> str:
    return w._repr_mimebundle_()["text/html"]


def split_twin(html: str) -> tuple[str, dict]:
    """(the HTML without the state script, the parsed state)."""
    m = re.search(r'<script type="application/json" class="thalbook-state">(.*?)</script>', html, re.DOTALL)
    assert m, "no state script"
    return html[: m.start()] + html[m.end() :], json.loads(m.group(1))


def assert_safe(html: str, allowed_scripts: int = 1) -> None:
    assert html.lower().count("<script") == allowed_scripts
    assert len(
        re.findall(r'<script type="application/json" class="thalbook-(state|figure-data)">', html)
    ) == (allowed_scripts)
    body = re.sub(r"<script type=\"application/json\".*?</script>", "", html, flags=re.DOTALL)
    assert "<img" not in body and "onerror=alert" not in body.replace("onerror=alert(1)&gt;", "")
    for m in re.finditer(r"<script[^>]*>(.*?)</script>", html, re.DOTALL):
        assert "</" not in m.group(1)


# ------------------------------------------------------------------ text
def test_markdown_allowlist():
    out = text.markdown(
        "*a* **b** `c` [rel](../x.html) [abs](https://e.org) [bad](javascript:alert(1)) [http](http://e.org)\n\n"
        "# Heading\n\n<div onclick=x>raw</div>\n\n> quote\n\n- item"
    )
    assert "<em>a</em>" in out and "<strong>b</strong>" in out and "<code>c</code>" in out
    assert 'href="../x.html"' in out and 'href="https://e.org"' in out
    assert "javascript" not in out.replace("[bad]", "") or 'href="javascript' not in out
    assert 'href="javascript' not in out and 'href="http://' not in out
    assert "<h1" not in out and "<div" not in out and "&lt;div" in out
    assert "<blockquote>" in out and "<li>item</li>" in out


def test_markdown_strips_raw_html_even_if_rendered():
    assert (
        text.clean('<p onclick="x" style="color:red">a<img src=x onerror=y><iframe></iframe></p>')
        == "<p>a</p>"
    )


def test_escape():
    assert text.escape('<a href="x">&') == "&lt;a href=&quot;x&quot;&gt;&amp;"
    assert text.escape(None) == ""


def test_state_json_escapes_script_end():
    s = state_json({"a": "</script><!--"})
    assert "</" not in s and "<!--" not in s
    assert json.loads(s) == {"a": "</script><!--"}


# ------------------------------------------------------------------ quiz
def test_quiz_traits_and_twin():
    w = Quiz(QUIZ)
    assert isinstance(w, ThalbookWidget)
    assert w.kind == "quiz" and w.score == 0 and w.answers == {} and w.presenter is False
    assert w.spec["questions"][0]["prompt_html"].startswith("<p>Prompt 1 with <em>emphasis</em>")
    w.answers = {"q1": 2}
    w.presenter = True
    bundle = w._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert len(bundle["text/plain"]) < 60
    html = bundle["text/html"]
    # data-version: the namespace of the progress a reader's browser keeps (pyproject.toml's version)
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert html.startswith(f'<div class="thalbook-widget" data-kind="quiz" id="tbw-quiz-labels" data-version="{version}">')
    assert html.endswith("</script></div>")
    body, state = split_twin(html)
    assert state["answers"] == {"q1": 2} and state["presenter"] is True and state["kind"] == "quiz"
    assert state["spec"] == w.spec
    assert_safe(html)
    # every question, option and feedback, escaped, in order
    pos = 0
    for i, _q in enumerate(QUIZ["questions"], 1):
        for needle in [f"Question {i} of 3", f"Prompt {i} with"] + [
            f"Option {i}.{k} {ESC_IMG}{ESC_SCRIPT}" for k in range(3)
        ]:
            nxt = body.find(needle, pos)
            assert nxt >= 0, needle
            pos = nxt
        for k in range(3):
            assert f"Feedback {i}.{k} {ESC_IMG}{ESC_SCRIPT}" in body
    assert body.count('type="radio"') == 9 and body.count("<fieldset") == 3 and body.count("<legend") == 3
    assert body.count("Correct.") == 3 and body.count("Not correct.") == 6
    assert (
        'class="tb-badge tb-status-not-verified"' in body
        and 'Source: <span class="tb-source">raza2001' in body
    )
    assert 'aria-live="polite"' in body and "Reveal answer" in body and ">Restart<" in body
    assert "style=" not in body and " on" not in re.sub(r"[^<]*", "", body)


def test_quiz_twin_is_deterministic():
    assert twin(Quiz(QUIZ)) == twin(Quiz(QUIZ))


def test_quiz_esm_and_css():
    w = Quiz(QUIZ)
    assert 'from "./core.js"' not in w._esm and "export default { render }" in w._esm
    assert "export function tbQuestions" in w._esm
    assert ".thalbook-widget" in w._css


def test_sanitises_given_html():
    q = dict(question(1))
    q.pop("prompt")
    q["prompt_html"] = "<p>x<script>alert(1)</script><img src=x></p>"
    w = Quiz({"id": "x", "title": "t", "questions": [q]})
    assert w.spec["questions"][0]["prompt_html"] == "<p>x</p>"


# ------------------------------------------------------------------ stepper
def test_stepper_traits_and_twin():
    w = Stepper(STEPPER)
    assert w.stage == 0
    w.stage = 2
    w.answers = {"q1": 0}
    assert w.stage == 2 and w.answers == {"q1": 0}
    html = twin(w)
    assert 'id="tbw-stepper-work-up"' in html
    body, state = split_twin(html)
    assert state["stage"] == 2 and state["answers"] == {"q1": 0}
    assert_safe(html)
    for t in ["Presentation " + ESC_IMG + ESC_SCRIPT, "Work-up", "Diagnosis"]:
        assert f'<h4 class="tb-stage-title" tabindex="-1">{t}</h4>' in body
    assert "Stage 1 of 3" in body and "Stage 1 of 3:" not in body  # the title once, not in the progress line too
    assert f"Body one {ESC_IMG}{ESC_SCRIPT}" in body
    assert "Question 1 of 2" in body and "Question 2 of 2" in body
    for label in (">Back<", ">Next<", ">Restart<", "<progress", 'aria-label="Progress through Work-up"'):
        assert label in body
    assert body.index("Body one") < body.index("Body two") < body.index("Body three")


# ------------------------------------------------------------------ lookup
def test_lookup_traits_and_twin():
    w = Lookup(LOOKUP)
    assert w.selection == {"test": "anc"} and w.unit == "/mm³" and w.value == "" and w.result == {}
    w.value = "750"
    w.result = {"rows": ["row-0", "note"], "grade": 3}
    assert [r["id"] for r in w.spec["rows"]] == ["row-0", "note"]
    html = twin(w)
    body, state = split_twin(html)
    assert state["value"] == "750" and state["selection"] == {"test": "anc"}
    assert_safe(html)
    assert f"Grade 3 {ESC_IMG}{ESC_SCRIPT}" in body and f"Hold {ESC_IMG}" in body
    assert f'<li class="tb-tag">{ESC_IMG}{ESC_SCRIPT}</li>' in body
    assert "Nothing" in body and 'class="tb-empty" hidden' in body
    assert (
        '<label for="tbw-lookup-ctcae-sel-test">' in body
        and 'aria-describedby="tbw-lookup-ctcae-value-msg"' in body
    )
    assert 'value="750"' in body and "Most severe" in body


# ------------------------------------------------------------------ calculator
def test_calculator_traits_and_twin():
    w = Calculator(CALC)
    w.inputs = {"x": "81", "n": "263"}
    assert w.outputs == {}
    html = twin(w)
    body, state = split_twin(html)
    assert state["inputs"] == {"x": "81", "n": "263"}
    assert_safe(html)
    assert f"Responders {ESC_IMG}{ESC_SCRIPT}" in body and 'value="81"' in body
    assert body.count('class="tb-out"') == 4


def test_calculator_rejects_unknown_fn():
    with pytest.raises(ValueError):
        Calculator({**CALC, "fn": "nope"})


def test_calculate_mirror():
    assert calculate(CALC, {"x": "81", "n": "263"}) == {
        "outputs": {"proportion": "30.8%", "low": "25.5%", "high": "36.6%", "fraction": "81/263"},
        "errors": {},
    }
    assert calculate(CALC, {"x": "300", "n": "263"}) == {
        "outputs": {},
        "errors": {"x": "Must not be more than n."},
    }
    bad = calculate(CALC, {"x": "1.5", "n": ""})
    assert bad["outputs"] == {} and set(bad["errors"]) == {"x", "n"}
    assert calculate(CALC, {"x": "-1", "n": "abc"})["errors"] == {
        "x": "Enter a value from 0 to 100000.",
        "n": "Enter a whole number.",
    }
    # every Python twin has a JS function of the same name in calculator.js (parity: tests/test_parity.py, test_part3.py)
    js = (__import__("pathlib").Path(__file__).resolve().parents[1] / "thalbook" / "widgets" / "static" / "calculator.js").read_text()
    assert "wilson" in CALCULATORS and all(f"CALCULATORS.{k} =" in js or f"  {k}(values)" in js for k in CALCULATORS)


def test_format_percent1_rounds_half_up_like_tofixed():
    assert format_percent1(0.30798) == "30.8"
    assert format_percent1(0.00125) == "0.1"  # 0.125 exactly -> toFixed gives 0.1 on the binary value
    assert format_percent1(0.5) == "50.0"


# ------------------------------------------------------------------ statistics and grading
NEWCOMBE = [
    ((81, 263), (0.2553, 0.3662)),
    ((15, 148), (0.0624, 0.1605)),
    ((0, 20), (0.0, 0.1611)),
    ((1, 29), (0.0061, 0.1718)),
]


@pytest.mark.parametrize("xn, expected", NEWCOMBE)
def test_wilson_newcombe(xn, expected):
    low, high = wilson_interval(*xn)
    assert (round(low, 4), round(high, 4)) == expected


def test_wilson_matches_statsmodels():
    sm = pytest.importorskip("statsmodels.stats.proportion")
    for n in list(range(1, 61)) + [100, 263, 1000]:
        for x in range(n + 1):
            lo, hi = sm.proportion_confint(x, n, alpha=0.05, method="wilson")
            low, high = wilson_interval(x, n)
            assert math.isclose(low, max(0.0, lo), abs_tol=1e-12), (x, n)
            assert math.isclose(high, min(1.0, hi), abs_tol=1e-12), (x, n)


@pytest.mark.parametrize(
    "x, n", [(-1, 5), (6, 5), (1, 0), (1.5, 3), ("1", 3), (True, 3), (float("nan"), 3), (1, None)]
)
def test_wilson_invalid(x, n):
    with pytest.raises(ValueError):
        wilson_interval(x, n)


@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_contains_estimate(xn):
    x, n = xn
    low, high = wilson_interval(x, n)
    assert 0 <= low <= x / n <= high <= 1


def test_ctcae_grade_anc():
    floors, lln = [1500, 1000, 500], 2000
    cases = {2500: 0, 2000: 0, 1999: 1, 1500: 1, 1499: 2, 1000: 2, 999: 3, 500: 3, 499: 4, 0: 4}
    for v, g in cases.items():
        assert ctcae_grade(v, floors, lln) == g, v


@pytest.mark.parametrize(
    "value, floors, lln",
    [
        (float("nan"), [1], 2),
        (-1, [1], 2),
        ("5", [1], 2),
        (None, [1], 2),
        (True, [1], 2),
        (1, [1, 2], 3),
        (1, "12", 3),
        (1, [float("inf")], 3),
        (float("inf"), [1], 2),
    ],
)
def test_ctcae_grade_invalid(value, floors, lln):
    with pytest.raises(ValueError):
        ctcae_grade(value, floors, lln)


@given(st.floats(0, 1e6), st.floats(0, 1e6))
def test_ctcae_grade_monotone(a, b):
    floors, lln = [75, 50, 25], 150
    lo, hi = sorted((a, b))
    assert ctcae_grade(lo, floors, lln) >= ctcae_grade(hi, floors, lln)


# ------------------------------------------------------------------ figures
def _figs():
    import plotly.graph_objects as go

    return {
        "itt": go.Figure(go.Bar(x=["A", "B"], y=[0.1, 0.2], name="ITT")),
        "eval": go.Figure(go.Bar(x=["A", "B"], y=[0.3, 0.4], name=f"Evaluable {XSS}")),
    }


FIG_SPEC = {
    "id": "resp",
    "title": "Responses",
    "control": {
        "label": "Denominator",
        "options": [{"value": "itt", "label": "ITT"}, {"value": "eval", "label": "Evaluable"}],
    },
    "caption": f"Caption {XSS}",
    "alt": "Bar chart",
}


def test_linked_figure_follows_state():
    w = LinkedFigure({**FIG_SPEC, "states": _figs()})
    assert w.state == "itt" and list(w.figure.data[0].y) == [0.1, 0.2]
    w.state = "eval"
    assert list(w.figure.data[0].y) == [0.3, 0.4]
    assert w.figure.layout.template.layout.colorway == tuple(OKABE_ITO)
    bundle = w._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    html = bundle["text/html"]
    assert html.startswith('<div class="thalbook-widget" data-kind="figure" id="tbw-figure-resp">')
    body, state = split_twin(html)
    assert state["state"] == "eval" and set(state["spec"]["states"]) == {"itt", "eval"}
    assert_safe(html, allowed_scripts=2)
    assert (
        'class="thalbook-figure" id="tbw-figure-resp-plot" role="group" aria-label="Bar chart" data-state="eval"'
        in body
    )
    assert body.count('class="tb-figure-summary"') == 2 and f"Evaluable {ESC_IMG}" in body
    assert f"Caption {ESC_IMG}" in body


def test_figure_output_bundle():
    fo = FigureOutput(_figs()["itt"], "demo", f"Caption {XSS}", "Bar chart of A and B")
    b = fo._repr_mimebundle_()
    assert set(b) == {"application/vnd.plotly.v1+json", "text/html", "text/plain"}
    assert b["application/vnd.plotly.v1+json"]["data"][0]["y"] == [0.1, 0.2]
    html = b["text/html"]
    assert html.startswith(
        '<figure class="thalbook-figure-wrap"><div class="thalbook-figure" id="fig-demo" role="group" aria-label="Bar chart of A and B">'
        '<p class="tb-figure-placeholder" aria-hidden="true">Bar chart of A and B</p>'
        '<script type="application/json" class="thalbook-figure-data">'
    )
    assert f"<figcaption>Caption {ESC_IMG}{ESC_SCRIPT}</figcaption>" in html
    assert "<details" in html and "<summary>Text alternative</summary>" in html and "<table" in html
    assert_safe(html, allowed_scripts=1)


def test_the_comm_opens_with_the_html_already_in_the_state(monkeypatch):
    """JupyterLab renders a widget from the state its comm opened with; an html sent later as an update
    arrived after the first render under load (live: a quiz with no controls, 'addEventListener' of null)."""
    import ipywidgets

    import thalbook as tb

    opened = []
    original = ipywidgets.Widget.open

    def spy(self):
        if self.comm is None and getattr(self, "KIND", ""):
            opened.append((self.KIND, self.html))
        return original(self)

    monkeypatch.setattr(ipywidgets.Widget, "open", spy)
    tb.quiz("evidence-labels")
    tb.proportion_calculator()
    assert [k for k, _ in opened] == ["quiz", "calculator"]
    assert all(html for _, html in opened), "a widget's comm opened before its HTML was set"
    assert 'class="tb-restart"' in opened[0][1]


def test_the_live_figure_opens_with_its_data(monkeypatch):
    """plotly's FigureWidget sets its data after the comm has opened; the book's opens it afterwards
    (live: the response figure drew empty axes under load, its data never drawn)."""
    import ipywidgets

    import thalbook as tb

    opened = []
    original = ipywidgets.Widget.open

    def spy(self):
        if self.comm is None and hasattr(self, "_widget_data"):
            opened.append((self._widget_data, self._widget_layout))
        return original(self)

    monkeypatch.setattr(ipywidgets.Widget, "open", spy)
    f = tb.response_figure()
    assert len(opened) == 1 and opened[0][0], "the figure's comm opened before its data was set"
    data, layout = opened[0]
    # the points are placed by trial name; the count sits in the axis label (readers: the same trials in both views)
    assert any("Raza 2001" in trace.get("y", []) for trace in data), data
    # Raza 2001 by intention to treat: 16/83 (data/studies.csv, the bib entry's checked field)
    assert "Raza 2001 (16/83)" in layout.get("yaxis", {}).get("ticktext", []), layout.get("yaxis")
    assert f.figure.comm is not None
