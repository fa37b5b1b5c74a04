"""The pure JavaScript functions (run under node) agree with their Python twins."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path

import pytest

from thalbook.core.calculator import calculate
from thalbook.core.dosing import ctcae_grade
from thalbook.core.lookup import convert_unit, lookup_compute
from thalbook.core.numbers import format_percent1
from thalbook.core.stats import wilson_interval
from thalbook.widgets import Calculator, Lookup, Quiz, Stepper

STATIC = Path(__file__).resolve().parents[1] / "thalbook" / "widgets" / "static"
NODE = shutil.which("node") or "/usr/bin/node"

pytestmark = pytest.mark.skipif(not Path(NODE).exists(), reason="node is not installed")

# JSON cannot carry these; the JS side decodes {"$": name}
SPECIAL = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


def enc(v):
    if isinstance(v, float) and not math.isfinite(v):
        return {"$": "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")}
    if isinstance(v, list):
        return [enc(x) for x in v]
    return v


def node(script: str, payload) -> object:
    """Run an ES module snippet under node with `input` bound to the decoded payload; it prints JSON."""
    prelude = (
        "const dec = (v) => Array.isArray(v) ? v.map(dec) : (v && typeof v === 'object' && '$' in v)"
        " ? Number(v.$) : v;\n"
        "let raw = ''; for await (const c of process.stdin) raw += c;\n"
        "const input = dec(JSON.parse(raw));\n"
    )
    imports = (
        f"import * as calc from '{(STATIC / 'calculator.js').as_uri()}';\n"
        f"import * as lookup from '{(STATIC / 'lookup.js').as_uri()}';\n"
    )
    r = subprocess.run(  # noqa: PLW1510 (return code checked below)
        [NODE, "--input-type=module", "-e", imports + prelude + script],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def py_or_none(f, *args):
    try:
        return f(*args)
    except ValueError:
        return None


def test_wilson_parity_grid():
    cases = [[x, n] for n in range(1, 61) for x in range(n + 1)] + [[81, 263], [15, 148], [0, 20], [1, 29]]
    invalid = [
        [-1, 5],
        [6, 5],
        [1, 0],
        [0, 0],
        [1.5, 3],
        [1, 2.5],
        ["1", 3],
        [1, "3"],
        [None, 3],
        [float("nan"), 3],
        [1, float("inf")],
        [True, 3],
    ]
    out = node(
        "console.log(JSON.stringify(input.map(([x, n]) => calc.wilsonInterval(x, n))));",
        enc(cases + invalid),
    )
    for (x, n), js in zip(cases + invalid, out):
        py = py_or_none(wilson_interval, x, n)
        if py is None:
            assert js is None, (x, n, js)
        else:
            assert js is not None, (x, n)
            assert abs(js[0] - py[0]) <= 1e-12 and abs(js[1] - py[1]) <= 1e-12, (x, n, js, py)


def test_wilson_parity_is_in_fact_exact():
    cases = [[x, n] for n in range(1, 61) for x in range(n + 1)]
    out = node("console.log(JSON.stringify(input.map(([x, n]) => calc.wilsonInterval(x, n))));", cases)
    assert [tuple(v) for v in out] == [wilson_interval(x, n) for x, n in cases]


TABLES = [
    ([1500, 1000, 500], 2000),
    ([1500, 1000, 500], 1500),
    ([75, 50, 25], 150),
    ([10, 8, 6.5], 11.5),
    ([], 3.5),
]


def test_grade_parity_boundaries():
    cases = []
    for floors, lln in TABLES:
        for b in floors + [lln, 0]:
            for d in (-1, -0.5, -1e-9, 0, 1e-9, 0.5, 1):
                cases.append([b + d, floors, lln])
    invalid = [
        [float("nan"), [1500], 2000],
        [-1, [1500], 2000],
        ["1000", [1500], 2000],
        [None, [1500], 2000],
        [float("inf"), [1500], 2000],
        [100, [500, 1000], 2000],
        [100, [500, 500], 2000],
        [100, [float("nan")], 2000],
        [100, "15", 2000],
        [100, [1500], float("nan")],
        [100, [1500], None],
        [True, [1500], 2000],
    ]
    out = node(
        "console.log(JSON.stringify(input.map(([v, f, l]) => lookup.gradeFromValue(v, f, l))));",
        enc(cases + invalid),
    )
    assert len(out) == len(cases + invalid)
    for (v, f, lln), js in zip(cases + invalid, out):
        assert js == py_or_none(ctcae_grade, v, f, lln), (v, f, lln)
    # spot checks from the brief
    anc = dict(zip([1999, 1500, 1499, 1000, 999, 500, 499], [1, 1, 2, 2, 3, 3, 4]))
    got = node(
        "console.log(JSON.stringify(input.map((v) => lookup.gradeFromValue(v, [1500, 1000, 500], 2000))));",
        list(anc),
    )
    assert got == list(anc.values())


def test_format_percent_parity():
    values = [k / 1000 for k in range(1001)] + [x / n for n in range(1, 80) for x in range(n + 1)]
    values += [0.00125, 0.00375, 0.12345, 0.99995, 0.0005, 0.0015]
    out = node("console.log(JSON.stringify(input.map((v) => calc.formatPercent1(v))));", values)
    assert out == [format_percent1(v) for v in values]


CALC_SPEC = Calculator(
    {
        "id": "w",
        "title": "W",
        "fn": "wilson",
        "inputs": [
            {"name": "x", "label": "x", "min": 0, "max": 100000, "integer": True},
            {"name": "n", "label": "n", "min": 1, "max": 100000, "integer": True},
        ],
        "outputs": [
            {"name": "proportion", "label": "p", "format": "percent1"},
            {"name": "low", "label": "low", "format": "percent1"},
            {"name": "high", "label": "high", "format": "percent1"},
            {"name": "fraction", "label": "counts", "format": "text"},
        ],
    }
).spec


def test_calculate_parity():
    texts = [
        "",
        " ",
        "0",
        "1",
        "7",
        "20",
        "263",
        "81",
        " 15 ",
        "+3",
        "-1",
        "1.5",
        "1e2",
        "abc",
        "3x",
        "100001",
        "05",
    ]
    cases = [{"x": x, "n": n} for x in texts for n in texts]
    out = node(
        f"const spec = {json.dumps(CALC_SPEC)};\n"
        "console.log(JSON.stringify(input.map((i) => calc.calculate(spec, i))));",
        cases,
    )
    for case, js in zip(cases, out):
        assert js == calculate(CALC_SPEC, case), case


def test_lookup_compute():
    spec = Lookup(
        {
            "id": "l",
            "title": "L",
            "selectors": [{"name": "test", "label": "Test", "options": [{"value": "anc", "label": "ANC"}]}],
            "numeric": {
                "label": "v",
                "units": [
                    {"unit": "/mm³", "to_base": 1, "min": 0, "max": 100000},
                    {"unit": "×10⁹/L", "to_base": 1000, "min": 0, "max": 100},
                ],
                "floors": [1500, 1000, 500],
                "lln": 2000,
                "categories": ["Normal", "G1", "G2", "G3", "G4"],
            },
            "rows": [
                {"match": {"test": "anc", "grade": "3"}, "title": "a", "body": "", "severity": 3},
                {"match": {"test": "anc", "grade": "3"}, "title": "b", "body": "", "severity": 1},
                {"match": {"test": "anc"}, "title": "c", "body": ""},
            ],
        }
    ).spec
    cases = [
        ["750", "/mm³"],
        ["0.75", "×10⁹/L"],
        ["abc", "/mm³"],
        ["200", "×10⁹/L"],
        ["", "/mm³"],
        ["2000", "/mm³"],
    ]
    out = node(
        f"const spec = {json.dumps(spec)};\n"
        "console.log(JSON.stringify(input.map(([v, u]) => lookup.lookupCompute(spec, {test: 'anc'}, v, u))));",
        cases,
    )
    assert (
        out[0]["grade"] == 3 and out[0]["category"] == "G3" and out[0]["rows"] == ["row-0", "row-1", "row-2"]
    )
    assert out[0]["most_severe"] == "row-0"
    assert out[1]["grade"] == 3 and out[1]["value_base"] == 750
    assert out[2]["grade"] is None and out[2]["error"] and out[2]["rows"] == []  # an invalid value: no card
    assert out[3]["rows"] == [] and out[3]["most_severe"] is None
    assert out[3]["error"].startswith("Enter a value from 0 to 100") and out[3]["grade"] is None
    assert out[4]["error"] is None and out[4]["grade"] is None
    assert out[5]["grade"] == 0 and out[5]["category"] == "Normal" and out[5]["most_severe"] is None
    for (v, u), js in zip(cases, out):
        assert js == lookup_compute(spec, {"test": "anc"}, v, u), v
        if js["grade"] is not None:
            assert js["grade"] == ctcae_grade(js["value_base"], [1500, 1000, 500], 2000)


@pytest.mark.parametrize(
    "cls, spec",
    [
        (
            Quiz,
            {
                "id": "q",
                "title": "Q",
                "questions": [
                    {
                        "id": "a",
                        "prompt": "p",
                        "source": "s",
                        "status": "verified",
                        "options": [
                            {"text": "t", "correct": True, "feedback": "f"},
                            {"text": "u", "feedback": "g"},
                            {"text": "v", "feedback": "h"},
                        ],
                    }
                ],
            },
        ),
        (
            Stepper,
            {
                "id": "s",
                "title": "S",
                "stages": [{"id": "a", "title": "A", "body": "x"}, {"id": "b", "title": "B", "body": "y"}],
            },
        ),
        (Lookup, {"id": "l", "title": "L", "selectors": [], "rows": []}),
        (Calculator, {"id": "c", "title": "C", "fn": "wilson", "inputs": [], "outputs": []}),
    ],
)
def test_anywidget_bundles_load_as_modules(tmp_path, cls, spec):
    """The `_esm` bundle (core.js + kind, no relative import) is a valid ES module with a default render."""
    w = cls(spec)
    path = tmp_path / f"{cls.__name__}.mjs"
    path.write_text(w._esm)
    r = subprocess.run(  # noqa: PLW1510 (return code checked below)
        [
            NODE,
            "--input-type=module",
            "-e",
            f"const m = await import('{path.as_uri()}'); console.log(typeof m.default.render, 'render' in m);",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["function", "false"]


# ---------------------------------------------------------------- trial size (page 5.2)
def test_wilson_half_width_and_sample_size_parity():
    """wilsonHalfWidth, wilsonIntervalForProportion, sampleSizeForPrecision and normalSampleSize give the
    Python twins' values exactly (same arithmetic, same bisection); invalid input is null / ValueError."""
    from thalbook.core.stats import (
        normal_sample_size,
        smallest_n_for_half_width,
        wilson_half_width,
        wilson_interval_for_proportion,
    )

    zs = (1.6448536269514715, Z95 := 1.959963984540054, 2.5758293035489)
    halves = [[p / 40, n, z] for p in range(41) for n in (1, 2, 7, 27, 78, 100, 1000) for z in zs]
    sizes = [[p / 100, d / 100, z] for p in (1, 5, 10, 30, 50, 70, 99) for d in (1, 2.5, 5, 10, 15, 20, 50) for z in zs]
    bad_halves = [[1.5, 10, Z95], [-0.1, 10, Z95], [0.3, 0, Z95], [0.3, 2.5, Z95], [float("nan"), 10, Z95]]
    bad_sizes = [[0.3, 0, Z95], [0.3, 1, Z95], [1.2, 0.1, Z95], [float("nan"), 0.1, Z95]]
    out = node(
        "const [h, s] = input;\n"
        "console.log(JSON.stringify([h.map(([p, n, z]) => [calc.wilsonHalfWidth(p, n, z), calc.wilsonIntervalForProportion(p, n, z)]),"
        " s.map(([p, d, z]) => [calc.sampleSizeForPrecision(p, d, z), calc.normalSampleSize(p, d, z)])]));",
        enc([halves + bad_halves, sizes + bad_sizes]),
    )
    for (p, n, z), (h, ci) in zip(halves + bad_halves, out[0]):
        py = py_or_none(wilson_half_width, p, n, z)
        assert h == py, (p, n, z, h, py)
        if py is not None:
            assert ci == list(wilson_interval_for_proportion(p, n, z))
    for (p, d, z), (n, m) in zip(sizes + bad_sizes, out[1]):
        assert n == py_or_none(smallest_n_for_half_width, p, d, z), (p, d, z)
        assert m == py_or_none(normal_sample_size, p, d, z), (p, d, z)


def test_unit_conversion_parity():
    anc = [{"unit": "/mm³", "to_base": 1}, {"unit": "×10⁹/L", "to_base": 1000}]
    hb = [{"unit": "g/dL", "to_base": 1}, {"unit": "g/L", "to_base": 0.1}]
    cases = [[v, a, b] for v in (0, 0.75, 1.2, 749, 1200, 150000, 1.5e6) for a, b in ((anc[0], anc[1]), (anc[1], anc[0]))]
    cases += [[v, a, b] for v in (8, 9.95, 10, 115) for a, b in ((hb[0], hb[1]), (hb[1], hb[0]))]
    out = node("console.log(JSON.stringify(input.map(([v, a, b]) => lookup.convertUnit(v, a, b))));", cases)
    assert out == [convert_unit(v, a, b) for v, a, b in cases]
    # by hand: 1.2 x10⁹/L is 1200 /mm³; 749 /mm³ is 0.749 x10⁹/L; 9.95 g/dL is 99.5 g/L
    assert convert_unit(1.2, anc[1], anc[0]) == "1200" and convert_unit(749, anc[0], anc[1]) == "0.749"
    assert convert_unit(9.95, hb[0], hb[1]) == "99.5"
