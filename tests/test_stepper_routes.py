"""Stepper routing (core/stepper.py) by hand, its JavaScript twin in stepper.js under node, and the
Python-side navigation of the Stepper widget (choose / next / back / position), as a lecturer drives it."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from thalbook.core.stepper import next_index, route, route_length, route_problems
from thalbook.widgets import Stepper

STATIC = Path(__file__).resolve().parents[1] / "thalbook" / "widgets" / "static"
NODE = shutil.which("node") or "/usr/bin/node"


def opt(goto: str) -> dict:
    return {"text": f"to {goto}", "goto": goto, "consequence": f"You go to {goto}."}


# a -> (choice: b | c) -> d -> e; b and c are branches, c says where it rejoins
BRANCHED = [
    {"id": "a", "title": "A", "body": "a", "choice": {"prompt": "Which?", "options": [opt("b"), opt("c")]}},
    {"id": "b", "title": "B", "body": "b", "branch": True},
    {"id": "c", "title": "C", "body": "c", "branch": True, "next": "d"},
    {"id": "d", "title": "D", "body": "d"},
    {"id": "e", "title": "E", "body": "e"},
]
LINEAR = [{"id": x, "title": x, "body": x} for x in "pqr"]


def test_routes_by_hand():
    assert next_index(BRANCHED, 0, {}) is None  # an open decision: Next waits
    assert route(BRANCHED, {}) == [0]
    assert route(BRANCHED, {"a": 0}) == [0, 1, 3, 4]  # b's Next skips the branch c
    assert route(BRANCHED, {"a": 1}) == [0, 2, 3, 4]
    assert route_length(BRANCHED) == 4 and route_problems(BRANCHED) == []
    assert route(LINEAR, {}) == [0, 1, 2] and route_length(LINEAR) == 3
    assert next_index(BRANCHED, 0, {"a": 5}) is None and next_index(BRANCHED, 9, {}) is None


def test_route_problems_are_named():
    bad = [dict(s) for s in BRANCHED]
    bad[0] = {**bad[0], "choice": {"prompt": "?", "options": [opt("b"), opt("zz")]}}
    assert route_problems(bad) == [
        "stage 'a': choice option 2 leads to 'zz', which is not a stage id; known: a, b, c, d, e"]
    orphan = [dict(s) for s in BRANCHED]
    orphan[0] = {**orphan[0], "choice": {"prompt": "?", "options": [opt("b"), opt("b")]}}
    assert route_problems(orphan) == ["stage 'c' is unreachable: no Next or choice leads to it"]
    loop = [dict(s) for s in BRANCHED]
    loop[2] = {**loop[2], "next": "a"}
    assert "the route a -> c -> a loops" in route_problems(loop)
    short = [dict(s) for s in BRANCHED]
    short[2] = {**short[2], "next": "e"}
    assert route_problems(short) == [
        "routes have different lengths (3, 4 stages): give every branch the same number of stages, "
        "so 'Stage k of n' means the same on every route"]


def test_stepper_widget_refuses_a_broken_route():
    with pytest.raises(ValueError, match="stepper 'x': stage 'c' is unreachable"):
        Stepper({"id": "x", "title": "X", "stages": [{**BRANCHED[0], "choice": {"prompt": "?", "options": [opt("b"), opt("b")]}},
                                                     *BRANCHED[1:]]})


def test_stepper_driven_from_python():
    w = Stepper({"id": "x", "title": "X", "stages": BRANCHED})
    assert w.position() == (1, 4)
    w.next()
    assert w.stage == 0  # nothing chosen yet
    w.choose("a", 1)
    assert w.choices == {"a": 1} and w.state()["choices"] == {"a": 1}
    w.next()
    assert w.stage == 2 and w.position() == (2, 4)
    w.next()
    assert w.stage == 3 and w.position() == (3, 4)
    w.back()
    assert w.stage == 2
    w.choose("a", 0)  # a changed mind: the route now runs through b, so c is off it
    assert w.route() == [0, 1, 3, 4]
    w.stage = 0
    w.next()
    w.next()
    w.next()
    assert w.stage == 4 and w.position() == (4, 4)
    w.next()
    assert w.stage == 4  # the end
    html = w.static_html()
    assert html.count('class="tb-choice-option"') == 2 and 'aria-pressed="false"' in html
    assert '<p class="tb-consequence-next">Next: C</p>' in html
    assert '<div class="tb-consequence" data-option="1"><p>You go to c.</p>' in html  # readable without JS
    assert '<h4 class="tb-stage-title" tabindex="-1">A</h4>' in html and "Stage 1 of 4:" not in html


def test_stepper_table_is_accessible_markup():
    stages = [{"id": "p", "title": "P", "body": "p", "tables": [{
        "caption": "Counts <b>", "columns": ["Test", "Result"], "rows": [["Hb", "7.8 g/dL"]],
        "status": "illustrative", "note": "*invented*"}]}, LINEAR[1]]
    html = Stepper({"id": "t", "title": "T", "stages": stages}).html
    assert '<caption>Counts &lt;b&gt; <span class="tb-badge tb-status-illustrative"' in html
    assert '<th scope="col">Test</th>' in html and '<th scope="row">Hb</th><td>7.8 g/dL</td>' in html
    assert "<em>invented</em>" in html


# ------------------------------------------------------------------ the JavaScript twin agrees
@pytest.mark.skipif(not Path(NODE).exists(), reason="node is not installed")
def test_js_routing_matches_python():
    graphs = [BRANCHED, LINEAR]
    cases = []
    for gi, g in enumerate(graphs):
        picks = [None, 0, 1, 2, -1]
        for k, p in itertools.product(range(-1, len(g) + 1), picks):
            cases.append([gi, k, {} if p is None else {"a": p}])
    script = (
        f"import * as st from '{(STATIC / 'stepper.js').as_uri()}';\n"
        "let raw = ''; for await (const c of process.stdin) raw += c;\n"
        "const {graphs, cases} = JSON.parse(raw);\n"
        "console.log(JSON.stringify({\n"
        "  next: cases.map(([g, k, ch]) => st.stepperNextIndex(graphs[g], k, ch)),\n"
        "  route: cases.map(([g, k, ch]) => st.stepperRoute(graphs[g], ch)),\n"
        "  length: graphs.map((g) => st.stepperRouteLength(g)),\n"
        "}));"
    )
    r = subprocess.run([NODE, "--input-type=module", "-e", script], input=json.dumps({"graphs": graphs, "cases": cases}),
                       capture_output=True, text=True, timeout=60, check=False)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["next"] == [next_index(graphs[g], k, ch) for g, k, ch in cases]
    assert out["route"] == [route(graphs[g], ch) for g, k, ch in cases]
    assert out["length"] == [route_length(g) for g in graphs] == [4, 3]
