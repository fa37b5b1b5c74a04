"""Part 2 (thalbook.pages.pharmacology): pure functions, the data behind the mechanism explorer and the cereblon
diagram, the Python/JS parity of the explorer's matching, and the widgets driven from Python (kernel side).

Expected values are read straight from the YAML files (with yaml, not through thalbook) or worked out by
hand here; never taken from the code under test.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

import thalbook as tb
from thalbook.pages.pharmacology import (
    ANY,
    cereblon_model,
    cereblon_svg,
    explorer_matches,
    explorer_spec,
    facet_options,
    model_sentences,
    wrap,
)
from thalbook.widgets import Lookup, Stepper

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "thalbook" / "widgets" / "static"
ROWS = yaml.safe_load((ROOT / "data/mechanisms.yaml").read_text(encoding="utf-8"))
STEPS = yaml.safe_load((ROOT / "data/steppers/mechanism-summary.yaml").read_text(encoding="utf-8"))
QUIZ = yaml.safe_load((ROOT / "data/quizzes/part2.yaml").read_text(encoding="utf-8"))
BIB = (ROOT / "data/references.bib").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the data files
def test_every_chain_has_source_status_and_the_notes_statuses():
    keys = set(re.findall(r"^@\w+\{([^,]+),", BIB, re.MULTILINE))
    for r in ROWS:
        assert r["source"] in keys and r["status"] in ("verified", "not verified", "not found", "derived", "illustrative")
    by_id = {r["id"]: r for r in ROWS}
    # facts.md: the tenfold (S)/(R) binding figure is not verified; interconversion is verified (label)
    assert by_id["enantiomers-binding"]["status"] == "not verified"
    assert by_id["enantiomers-interconvert"]["status"] == "verified" and by_id["enantiomers-interconvert"]["basis"] == "label"
    # CK1alpha is a lenalidomide effect; SALL4 and PLZF are thalidomide (limb defects)
    assert {r["drug"] for r in ROWS if r.get("neosubstrate") == "CK1α"} == {"lenalidomide"}
    assert {r["effect_kind"] for r in ROWS if r.get("neosubstrate") in ("SALL4", "PLZF")} == {"toxic"}
    # the review's MDS mechanisms with no checked source stay not verified
    assert {by_id[i]["status"] for i in ("mds-immune", "mds-inflammation", "mds-microenvironment")} == {"not verified"}


def test_stepper_has_the_reviews_eight_statements_four_and_four():
    stages = STEPS["stages"]
    assert len(stages) == 8
    assert [s["title"].split()[0] for s in stages] == ["§2.1"] * 4 + ["§2.2"] * 4
    for s in stages:
        assert "**The claim" in s["body"] and "**The evidence.**" in s["body"]
        q = s["question"]
        assert sum(bool(o.get("correct")) for o in q["options"]) == 1
        assert all(o["feedback"].strip() for o in q["options"])


def test_quiz_part2_has_at_least_five_sourced_questions_with_feedback_everywhere():
    qs = QUIZ["questions"]
    assert len(qs) >= 5
    for q in qs:
        assert q["source"] and q["status"]
        assert all(o["feedback"].strip() for o in q["options"])


# --------------------------------------------------------------------------- explorer (pure)
def test_facet_options_any_first_then_distinct_values_in_file_order():
    opts = facet_options(ROWS, "target")
    assert opts[0] == {"value": ANY, "label": "Any target"}
    expected = list(dict.fromkeys(r["target"] for r in ROWS))
    assert [o["value"] for o in opts[1:]] == expected
    mech = facet_options(ROWS, "mechanism")
    assert mech[1] == {"value": ROWS[0]["mechanism"], "label": ROWS[0]["mechanism_name"]}


def test_explorer_matches_by_hand():
    spec = explorer_spec(ROWS)
    every = [r["id"] for r in ROWS]
    assert explorer_matches(spec, {"mechanism": ANY, "target": ANY, "effect": ANY}) == every
    # target SALL4 alone: the rows of the file whose target is SALL4
    assert explorer_matches(spec, {"mechanism": ANY, "target": "SALL4", "effect": ANY}) == ["cereblon-sall4"]
    # effect 'limb defects' within the cereblon mechanism: ids read from the file by hand
    assert explorer_matches(spec, {"mechanism": "cereblon", "target": ANY, "effect": "limb defects"}) == [
        "cereblon-binding", "cereblon-sall4", "cereblon-plzf", "enantiomers-interconvert", "enantiomers-binding",
    ]
    # TNF-alpha as a target: the two classic rows (2.1) and the MDS row (2.2)
    assert explorer_matches(spec, {"mechanism": ANY, "target": "TNF-α", "effect": ANY}) == [
        "inflammation-tnf", "inflammation-tnf-mrna", "mds-inflammation",
    ]
    # an impossible combination shows nothing; a selection missing a key shows nothing
    assert explorer_matches(spec, {"mechanism": "pro-apoptotic", "target": "SALL4", "effect": ANY}) == []
    assert explorer_matches(spec, {"mechanism": ANY, "target": ANY}) == []


def test_explorer_cards_show_the_chain_source_and_status():
    spec = explorer_spec(ROWS)
    card = next(c for c in spec["rows"] if c["id"] == "cereblon-ck1a-del5q")
    assert card["title"] == "Lenalidomide → CK1α → del(5q) clone shrinks"
    for word in ("**Drug:** lenalidomide", "**Target:** CK1α", "**Evidence level:** cell culture",
                 "(therapeutic)", "the review does not mention it"):
        assert word in card["body"]
    assert (card["source"], card["status"]) == ("kronke2015lenalidomide", "verified")


def test_adding_rows_adds_cards_and_choices_without_code():
    extra = dict(ROWS[0], id="new-chain", target="new target", effect="new effect")
    spec = explorer_spec([*ROWS, extra])
    assert len(spec["rows"]) == len(ROWS) + 1
    assert {"value": "new target", "label": "new target"} in spec["selectors"][1]["options"]
    assert explorer_matches(spec, {"mechanism": ANY, "target": "new target", "effect": ANY}) == ["new-chain"]


def _node() -> str:
    node = shutil.which("node")
    if not node:
        pytest.fail("node is not installed: `make test` needs Node.js 20")
    return node


def test_explorer_matching_parity_with_lookup_js(tmp_path: Path):
    """lookupCompute (static/lookup.js) under node and explorer_matches agree on every selection."""
    w = Lookup(explorer_spec(ROWS))
    spec = w.spec
    values = [[o["value"] for o in s["options"]] for s in spec["selectors"]]
    grid = [dict(zip(("mechanism", "target", "effect"), combo)) for combo in itertools.product(*values)]
    (tmp_path / "in.json").write_text(json.dumps({"spec": spec, "grid": grid}))
    script = tmp_path / "run.mjs"
    script.write_text(
        "import fs from 'node:fs';\n"
        f"import * as lookup from '{(STATIC / 'lookup.js').as_uri()}';\n"
        f"const input = JSON.parse(fs.readFileSync('{(tmp_path / 'in.json').as_posix()}', 'utf8'));\n"
        "console.log(JSON.stringify(input.grid.map((sel) => lookup.lookupCompute(input.spec, sel, '', '').rows)));\n"
    )
    out = subprocess.run([_node(), str(script)], capture_output=True, text=True, check=True)
    js = json.loads(out.stdout)
    assert len(js) == len(grid) > 100
    assert js == [explorer_matches(spec, sel) for sel in grid]


def test_lookup_js_keeps_plain_match_values():
    """A row whose match values are plain strings (the CTCAE explorer) still matches exactly."""
    spec = {"rows": [{"id": "a", "match": {"k": "1"}}, {"id": "b", "match": {"k": ["1", "2"]}}]}
    assert explorer_matches(spec, {"k": "1"}) == ["a", "b"]
    assert explorer_matches(spec, {"k": "2"}) == ["b"]
    assert explorer_matches(spec, {"k": "3"}) == []


# --------------------------------------------------------------------------- diagram (pure)
def test_wrap_by_hand():
    assert wrap("Benefit: myeloma cells die", 14) == ["Benefit:", "myeloma cells", "die"]
    assert wrap("one", 1) == ["one"]
    assert wrap("", 5) == []
    with pytest.raises(ValueError):
        wrap("x", 0)


def test_cereblon_model_from_the_rows():
    m = cereblon_model(ROWS)
    assert m["drugs"] == ["thalidomide", "lenalidomide"]
    names = [s["name"] for s in m["neosubstrates"]]
    assert names == list(dict.fromkeys(r["neosubstrate"] for r in ROWS if r.get("neosubstrate")))
    assert set(names) == {"IKZF1/IKZF3", "CK1α", "SALL4", "PLZF"}
    sall4 = next(s for s in m["neosubstrates"] if s["name"] == "SALL4")
    assert sall4["drugs"] == ["thalidomide"] and sall4["effects"][0]["kind"] == "toxic"
    text = " ".join(model_sentences(m))
    for name in names:
        assert f"destroys {name}" in text


def test_cereblon_svg_is_script_free_labelled_and_readable_without_colour():
    m = cereblon_model(ROWS)
    svg = cereblon_svg(m, desc="x < y")
    assert "<script" not in svg.lower() and "on" not in re.findall(r"\s(on)\w+=", svg)
    assert 'role="img"' in svg and "<title" in svg and "x &lt; y" in svg
    for name in ("IKZF1/IKZF3", "CK1α", "SALL4", "PLZF", "CRL4-CRBN"):
        assert name in svg
    # harms: dashed boxes and lines plus the word; benefits: solid plus the word
    toxic = sum(len(s["effects"]) for s in m["neosubstrates"] if s["effects"][0]["kind"] == "toxic")
    assert svg.count("Harm: ") == toxic == 2
    assert svg.count('stroke-dasharray="6 4"') == 2 * toxic + 1  # each box and its arrow, plus the legend
    assert "Benefit: " in svg and "fill=\"currentColor\"" in svg and "#" not in re.sub(r"url\(#[^)]*\)", "", svg)
    assert len(svg.encode()) < 12_000  # a few kB, against about 4.8 MB for plotly.js


def test_cereblon_diagram_has_caption_and_text_alternative():
    d = tb.cereblon_diagram()
    assert "<figcaption>" in d.markup and "Text alternative" in d.markup and "<script" not in d.markup
    assert d.plain.count("CRL4-CRBN then destroys") == 4


# --------------------------------------------------------------------------- kernel side: widgets from Python
def test_explorer_widget_driven_from_python():
    w = tb.mechanism_explorer()
    assert isinstance(w, Lookup) and w.kind == "lookup"
    assert w.selection == {"mechanism": "cereblon", "target": ANY, "effect": ANY}
    cereblon_ids = [r["id"] for r in ROWS if r["mechanism"] == "cereblon"]
    assert explorer_matches(w.spec, w.selection) == cereblon_ids
    w.selection = {"mechanism": ANY, "target": "CK1α", "effect": ANY}
    assert w.selection["target"] == "CK1α"
    assert explorer_matches(w.spec, w.selection) == ["cereblon-ck1a-del5q", "lenalidomide-del5q-patients"]
    state = w.state()
    assert state["selection"] == w.selection and state["kind"] == "lookup"
    # the static twin lists every card with its source and status
    html = w.static_html()
    assert html.count('class="tb-card"') == len(ROWS)
    for r in ROWS:
        assert f'data-row="{r["id"]}"' in html
    assert html.count('class="tb-meta"') == len(ROWS)
    assert '<option value="CK1α" selected>CK1α</option>' in html  # the twin follows the kernel's selection


def test_explorer_selection_given_by_name():
    w = tb.mechanism_explorer(mechanism=ANY, target="SALL4")
    assert explorer_matches(w.spec, w.selection) == ["cereblon-sall4"]


def test_stepper_widget_driven_from_python():
    w = tb.mechanism_stepper()
    assert isinstance(w, Stepper) and w.stage == 0 and not w.presenter
    assert [s["id"] for s in w.spec["stages"]] == [s["id"] for s in STEPS["stages"]]
    w.stage = 4
    # Bouscary 2005: microvessel density did not fall; the quizzes branch put that option first
    w.answers = {"mds-vessels-fell": 0}
    assert w.state()["stage"] == 4 and w.state()["answers"] == {"mds-vessels-fell": 0}
    q = STEPS["stages"][4]["question"]
    assert q["options"][0]["text"] == "No, it did not fall" and q["options"][0].get("correct") is True
    html = w.static_html()
    for s in STEPS["stages"]:
        assert f'<h4 class="tb-stage-title" tabindex="-1">{s["title"]}</h4>' in html.replace("&#x27;", "'")
    assert "Stage 1 of 8" in html and "Stage 1 of 8:" not in html  # the title once, not in the progress line too
    assert tb.mechanism_stepper(presenter=True).presenter is True


def test_quiz_part2_widget():
    w = tb.quiz("part2")
    assert [q["id"] for q in w.spec["questions"]] == [q["id"] for q in QUIZ["questions"]]
    w.answers = {QUIZ["questions"][0]["id"]: 0}
    assert w.state()["answers"] == {"cereblon-role": 0}
