"""One status per fact, the same on every page, and only the vocabulary's words (issue 16).

The evidence notes (shared/evidence/README.md) give one vocabulary: five statuses and five bases, and a
claim seen only in a secondary source is *not verified*. The book shows a fact's status next to it on
every page that uses it, so the same fact must never show two statuses. This module checks:

1. vocabulary in data/: every ``status``, ``*_status`` and ``basis`` value (YAML at any depth, CSV columns,
   the ``status`` field of references.bib) is a word of the vocabulary, and ``verified`` never stands
   beside basis ``secondary``;
2. vocabulary in the pages: statuses and bases the notebooks state in words ("(status: not found)",
   "*Status: verified ...*", "status *not verified*", ", basis abstract") are words of the vocabulary,
   and nothing says "verified · basis secondary";
3. one row per fact: the values the pages glue (``tb.glue_facts``, ``tb.glue_count``, ...) are collected
   page by page by running the pages' glue cells with ``myst_nb.glue`` replaced; the same number shown
   on two pages carries the same status on both; a data row that shows a fact (diseases.csv ``fact``)
   carries the fact's own status and basis, and a data row that types a fact's number, from the fact's
   own source, carries the fact's status;
4. a status a page writes beside a glued value ("{glue:text}`fact-x` (status: not verified)") is the
   status the value carries;
5. references: each entry of the review's list (citations.yaml) has the status of its references.bib
   entry, and wherever a page or a data file says that an entry "[n]" (or "[n] to [m]") is verified,
   not verified or not found, it says what citations.yaml says;
6. a claim judged in two data files gets one verdict.

Every check is a function over files or texts that returns messages naming the file and the fact, so
the fixtures at the end show each failing on a deliberately broken input.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
CHAPTERS = ROOT / "chapters"

# The vocabulary of shared/evidence/README.md (data/labels.yaml must say the same, checked below).
STATUSES = ("verified", "not verified", "not found", "derived", "illustrative")
BASES = ("full text", "abstract", "label", "standard", "secondary")
# longest first, so "not verified" is never read as "verified"
STATUS_WORDS = "not verified|not found|verified|derived|illustrative"


def rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- reading files
def notebook_cells(path: Path) -> list[tuple[int, str, str]]:
    """(index, cell type, source) of every cell of a notebook."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for i, cell in enumerate(nb.get("cells", [])):
        src = cell.get("source", "")
        out.append((i, cell.get("cell_type", ""), "".join(src) if isinstance(src, list) else src))
    return out


def notebooks(root: Path = CHAPTERS) -> list[Path]:
    return sorted(p for p in root.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def data_files(root: Path = DATA, suffixes=(".yaml", ".yml")) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in suffixes and p.is_file())


def row_name(node: dict) -> str:
    for key in ("id", "term", "key", "number", "name"):
        if key in node:
            return f"{key} {node[key]!r}"
    return ""


def walk_rows(node, where: str = ""):
    """Every dict in a YAML document, with a readable path and its nearest row name."""
    if isinstance(node, dict):
        yield where, node
        for k, v in node.items():
            yield from walk_rows(v, f"{where}.{k}" if where else str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            name = row_name(v) if isinstance(v, dict) else ""
            yield from walk_rows(v, f"{where}[{i}]" + (f" ({name})" if name else ""))


def text_values(node):
    """Every string in a YAML document (the reader-facing wording data files hold)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from text_values(v)
    elif isinstance(node, list):
        for v in node:
            yield from text_values(v)


def bib_entries(path: Path) -> dict[str, dict[str, str]]:
    """key -> {'status': ...} from a references.bib (only the fields this module needs)."""
    text = path.read_text(encoding="utf-8")
    out: dict[str, dict[str, str]] = {}
    starts = [(m.start(), m.group(1)) for m in re.finditer(r"^@\w+\{([^,\s]+),", text, re.MULTILINE)]
    for (start, key), (end, _) in zip(starts, starts[1:] + [(len(text), "")]):
        body = text[start:end]
        status = re.search(r"^\s*status\s*=\s*\{([^}]*)\}", body, re.MULTILINE)
        out[key] = {"status": status.group(1).strip() if status else ""}
    return out


# --------------------------------------------------------------------------- 1. vocabulary in data/
def data_vocabulary_problems(root: Path = DATA) -> list[str]:
    problems: list[str] = []

    def check(where: str, row: dict):
        if where.startswith("data/wording/"):  # the words of widgets: keys name texts, not data fields
            return
        for key, value in row.items():
            if not isinstance(value, str):
                continue
            if (key == "status" or key.endswith("_status")) and value not in STATUSES:
                problems.append(
                    f"{where}: {key} '{value}' is not a status of the vocabulary ({', '.join(STATUSES)})"
                )
            if key == "basis" and value not in BASES:
                problems.append(
                    f"{where}: basis '{value}' is not a basis of the vocabulary ({', '.join(BASES)})"
                )
        if row.get("status") == "verified" and row.get("basis") == "secondary":
            problems.append(
                f"{where}: 'verified' with basis 'secondary' is not in the vocabulary: a claim seen only in a "
                "secondary source is 'not verified'"
            )

    for path in data_files(root):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for where, row in walk_rows(doc):
            check(f"{rel(path)} {where}".rstrip(), row)
    for path in data_files(root, (".csv",)):
        with path.open(encoding="utf-8", newline="") as f:
            for line, row in enumerate(csv.DictReader(f), start=2):
                check(f"{rel(path)}, line {line}", {k: v for k, v in row.items() if v not in (None, "")})
    for path in data_files(root, (".bib",)):
        for key, entry in bib_entries(path).items():
            if entry["status"] not in ("verified", "not verified", "not found"):
                problems.append(
                    f"{rel(path)} @{key}: status '{entry['status']}' is not a status a reference can have"
                )
    return problems


# --------------------------------------------------------------------------- 2. vocabulary in the pages
# A status the prose declares: "(status: not found)", "(status not verified)", "*Status: verified ...*",
# "status *illustrative*", "carry the status *not verified*".
DECLARED_STATUS = re.compile(
    r"(?:\(status:\s*|\*status:\s*|\bstatus\s+\*)(?P<s>[a-z][a-z ]*?)(?=\*|[),;.:]|\s+(?:in|seen|until|for)\b|$)"
    r"|\(status\s+(?P<s2>(?:not\s+)?[a-z]+)\)",
    re.IGNORECASE | re.MULTILINE,
)
# A basis the prose declares: "(verified, basis abstract)", "; basis: secondary", "· basis label".
DECLARED_BASIS = re.compile(
    r"[,;·(]\s*basis:?\s+\*?(?P<b>[a-z]+(?: text)?)\*?(?=[),;.·]|$)", re.IGNORECASE | re.MULTILINE
)
VERIFIED_SECONDARY = re.compile(
    r"(?<!not )\bverified\s*[,;·]?\s*(?:\(?\s*)?basis:?\s+secondary", re.IGNORECASE
)


def prose_vocabulary_problems(text: str, where: str) -> list[str]:
    problems = []
    for m in DECLARED_STATUS.finditer(text):
        said = (m.group("s") or m.group("s2")).strip().lower()
        if not any(said == s or said.startswith(s + " ") for s in STATUSES):
            problems.append(f"{where}: status '{said}' is not a status of the vocabulary")
    for m in DECLARED_BASIS.finditer(text):
        if m.group("b").lower() not in BASES:
            problems.append(f"{where}: basis '{m.group('b')}' is not a basis of the vocabulary")
    for m in VERIFIED_SECONDARY.finditer(text):
        problems.append(f"{where}: '{m.group(0)}': a secondary basis means 'not verified'")
    return problems


def page_vocabulary_problems(paths: list[Path]) -> list[str]:
    problems = []
    for path in paths:
        for i, kind, src in notebook_cells(path):
            if kind == "markdown":
                problems += prose_vocabulary_problems(src, f"{rel(path)}, cell {i}")
    return problems


# --------------------------------------------------------------------------- 3. the glued values
GLUE_CALL = re.compile(r"\btb\.glue\w*\(")


def glued_values(path: Path) -> dict[str, str]:
    """name -> text of everything a page glues, by running its glue cells with myst_nb.glue replaced."""
    import myst_nb

    import thalbook as tb

    captured: dict[str, str] = {}

    def fake_glue(name, variable, display=True):
        captured[name] = repr(variable)

    real = myst_nb.glue
    myst_nb.glue = fake_glue
    try:
        for i, kind, src in notebook_cells(path):
            if kind == "code" and GLUE_CALL.search(src):
                exec(compile(src, f"{path}:cell {i}", "exec"), {"tb": tb})  # noqa: S102 - the book's own cells
    finally:
        myst_nb.glue = real
    return captured


FINAL_PARENS = re.compile(r"\(([^()]*)\)\s*$")


def split_status(text: str) -> tuple[str, str] | None:
    """'9 references (verified)' -> ('9 references', 'verified'); '16/83 (19%, verified)' -> ('16/83 (19%)',
    'verified'). None when the text does not end with a status."""
    m = FINAL_PARENS.search(text.strip())
    if not m:
        return None
    parts = [p.strip() for p in re.split(r"[;,]", m.group(1))]
    if parts[-1] not in STATUSES:
        return None
    rest = ", ".join(parts[:-1])
    key = text.strip()[: m.start()].strip() + (f" ({rest})" if rest else "")
    return key, parts[-1]


def glued_status_conflicts(glued: dict[str, dict[str, str]]) -> list[str]:
    """glued: page -> {glue name -> text}. The same shown value must carry one status on every page."""
    seen: dict[str, dict[str, list[str]]] = {}
    for page, values in glued.items():
        for name, text in values.items():
            split = split_status(text)
            if split:
                key, status = split
                seen.setdefault(key, {}).setdefault(status, []).append(f"{page} ({name})")
    return [
        f"'{key}' is shown with {len(by_status)} statuses: "
        + "; ".join(f"{s} on {', '.join(pages)}" for s, pages in sorted(by_status.items()))
        for key, by_status in sorted(seen.items())
        if len(by_status) > 1
    ]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def fact_patterns(fact: dict) -> list[re.Pattern]:
    """How a fact's number reads when a data file types it: '1 to 4 per', '7%', '22.5%', '12 months'."""
    v, unit = _number(fact["value"]), str(fact["unit"])
    head = re.escape(unit.split()[0]) if unit.split() else ""
    if fact.get("value_high") is not None:
        return [
            re.compile(
                rf"(?<![\d.]){re.escape(v)}\s*(?:to|–|-)\s*{re.escape(_number(fact['value_high']))}\s*{head}"
            )
        ]
    if unit.startswith("%"):
        return [re.compile(rf"(?<![\d.]){re.escape(v)}\s?%")]
    return [re.compile(rf"(?<![\d.]){re.escape(v)} {head}")]


def typed_fact_conflicts(facts: list[dict], paths: list[Path]) -> list[str]:
    """A data row that types a fact's number, from the fact's own source, must carry the fact's status."""
    problems = []
    for path in paths:
        for where, row in walk_rows(yaml.safe_load(path.read_text(encoding="utf-8"))):
            if "source" not in row or "status" not in row:
                continue
            wording = " ".join(
                v for k, v in row.items() if isinstance(v, str) and k not in ("source", "status", "basis")
            )
            for fact in facts:
                if fact["source"] != row["source"] or fact["status"] == row["status"]:
                    continue
                for pattern in fact_patterns(fact):
                    m = pattern.search(wording)
                    if m:
                        problems.append(
                            f"{rel(path)} {where}: types fact '{fact['id']}' ('{m.group(0)}') as {row['status']}; "
                            f"data/facts.yaml has {fact['status']}"
                        )
    return problems


# --------------------------------------------------------------------------- 4. a status written beside a glued value
BESIDE_GLUE = re.compile(
    r"\{glue:text\}`(?P<name>[^`]+)`(?P<after>[^.\n]{0,80})",
)
STATED_AFTER = re.compile(rf"\((?:status:?\s*)?\*?(?P<s>{STATUS_WORDS})\b", re.IGNORECASE)


def stated_beside_glue_conflicts(path: Path, values: dict[str, str]) -> list[str]:
    problems = []
    for i, kind, src in notebook_cells(path):
        if kind != "markdown":
            continue
        for m in BESIDE_GLUE.finditer(src):
            stated = STATED_AFTER.search(m.group("after"))
            shown = split_status(values.get(m.group("name"), ""))
            if stated and shown and stated.group("s").lower() != shown[1]:
                fact = m.group("name").removeprefix("fact-")
                problems.append(
                    f"{rel(path)}, cell {i}: fact '{fact}' is said to be '{stated.group('s')}' beside a value "
                    f"that shows '{shown[1]}' (its data row)"
                )
    return problems


# --------------------------------------------------------------------------- 5. references
# "[1] to [3]; those are marked verified", "[4] is not found", "[2] (verified)"
REF_STATED = re.compile(
    rf"\[(?P<a>\d)\](?:\s*(?:to|-|–|and)\s*\[(?P<b>\d)\])?(?P<mid>[^.\n\[]{{0,60}}?)"
    rf"(?:\b(?:marked|is|are|status:?)\s+\*?|\()(?P<s>{STATUS_WORDS})\b",
    re.IGNORECASE,
)


def reference_statements(text: str, where: str, statuses: dict[int, str]) -> list[str]:
    problems = []
    for m in REF_STATED.finditer(text):
        a = int(m.group("a"))
        b = int(m.group("b") or a)
        said = m.group("s").lower()
        wrong = [n for n in range(a, b + 1) if n in statuses and statuses[n] != said]
        if wrong:
            problems.append(
                f"{where}: says reference {m.group(0)!r} but "
                + ", ".join(f"[{n}] is '{statuses[n]}'" for n in wrong)
                + " in data/citations.yaml (its references.bib status)"
            )
    return problems


def review_reference_statuses() -> dict[int, str]:
    doc = yaml.safe_load((DATA / "citations.yaml").read_text(encoding="utf-8"))
    return {r["number"]: r["status"] for r in doc["references"]}


def reference_statement_problems(nb_paths: list[Path], yaml_paths: list[Path]) -> list[str]:
    statuses = review_reference_statuses()
    problems = []
    for path in nb_paths:
        for i, kind, src in notebook_cells(path):
            if kind == "markdown":
                problems += reference_statements(src, f"{rel(path)}, cell {i}", statuses)
    for path in yaml_paths:
        for text in text_values(yaml.safe_load(path.read_text(encoding="utf-8"))):
            problems += reference_statements(text, rel(path), statuses)
    return problems


# --------------------------------------------------------------------------- 6. one verdict per claim
# The same claim of the review judged in two data files. Each entry: (file, row id, field) triples.
SAME_CLAIM = {
    "uses beyond MDS (Table 1 in the 5.1 tracer, section 5.3 in its flag)": [
        ("appraisals.yaml", "ch5-3-beyond-mds", "verdict"),
        ("citations.yaml#claims", "beyond-mds", "verdict"),
    ],
    "VEGF and bFGF (the 2.1 flag and the mechanism explorer)": [
        ("appraisals.yaml", "ch2-1-factor-release", "verdict"),
        ("mechanisms.yaml", "angiogenesis-bfgf", "review_claim"),
        ("mechanisms.yaml", "angiogenesis-vegf", "review_claim"),
    ],
}


def verdict_of(file: str, ident: str, field: str) -> str:
    name, _, part = file.partition("#")
    doc = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    rows = doc[part] if part else doc
    return next(r[field] for r in rows if r["id"] == ident)


# =========================================================================== the tests
def test_labels_page_has_the_vocabulary():
    labels = yaml.safe_load((DATA / "labels.yaml").read_text(encoding="utf-8"))
    assert [s["name"] for s in labels["statuses"]] == list(STATUSES)
    assert [b["name"] for b in labels["bases"]] == list(BASES)


def test_data_uses_only_the_vocabulary():
    problems = data_vocabulary_problems()
    assert not problems, "\n".join(problems)


def test_pages_use_only_the_vocabulary():
    problems = page_vocabulary_problems(notebooks())
    for path in data_files():
        for text in text_values(yaml.safe_load(path.read_text(encoding="utf-8"))):
            problems += [p for p in prose_vocabulary_problems(text, rel(path)) if "secondary" in p]
    assert not problems, "\n".join(problems)


GLUE_USE = re.compile(r"\{glue(?::\w+)?\}`(?P<name>[^`]+)`")


def shown(path: Path, values: dict[str, str]) -> dict[str, str]:
    """The glued values a page's prose actually shows (a value glued but never shown is not on the page)."""
    used = {
        m.group("name")
        for _, kind, src in notebook_cells(path)
        if kind == "markdown"
        for m in GLUE_USE.finditer(src)
    }
    return {k: v for k, v in values.items() if k in used}


@pytest.fixture(scope="module")
def glued() -> dict[str, dict[str, str]]:
    return {rel(p): glued_values(p) for p in notebooks()}


def test_a_value_shown_on_several_pages_has_one_status(glued):
    assert sum(len(v) for v in glued.values()) > 50, "the pages' glue cells were not run"
    problems = glued_status_conflicts({page: shown(ROOT / page, values) for page, values in glued.items()})
    assert not problems, "\n".join(problems)


def test_a_status_written_beside_a_glued_value_is_its_own(glued):
    problems = []
    for path in notebooks():
        problems += stated_beside_glue_conflicts(path, glued[rel(path)])
    assert not problems, "\n".join(problems)


def test_a_data_row_that_shows_a_fact_has_the_facts_status():
    facts = {f["id"]: f for f in yaml.safe_load((DATA / "facts.yaml").read_text(encoding="utf-8"))}
    problems = []
    with (DATA / "diseases.csv").open(encoding="utf-8", newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            fact = facts.get(row["fact"]) if row["fact"] else None
            if fact and (row["status"], row["basis"] or None) != (fact["status"], fact.get("basis")):
                problems.append(
                    f"data/diseases.csv, line {line}: shows fact '{row['fact']}' as {row['status']}"
                    f"{', ' + row['basis'] if row['basis'] else ''}; data/facts.yaml has {fact['status']}"
                    f"{', ' + fact['basis'] if fact.get('basis') else ''}"
                )
    assert not problems, "\n".join(problems)


def test_a_data_row_that_types_a_facts_number_has_the_facts_status():
    facts = yaml.safe_load((DATA / "facts.yaml").read_text(encoding="utf-8"))
    problems = typed_fact_conflicts(facts, [p for p in data_files() if p.name != "facts.yaml"])
    assert not problems, "\n".join(problems)


def test_each_review_reference_has_its_bib_status():
    bib = bib_entries(DATA / "references.bib")
    doc = yaml.safe_load((DATA / "citations.yaml").read_text(encoding="utf-8"))
    problems = [
        f"data/citations.yaml reference [{r['number']}] ({r['source']}): '{r['status']}', but references.bib says "
        f"'{bib.get(r['source'], {}).get('status')}'"
        for r in doc["references"]
        if bib.get(r["source"], {}).get("status") != r["status"]
    ]
    assert not problems, "\n".join(problems)


def test_what_pages_and_data_say_of_a_reference_matches_its_status():
    problems = reference_statement_problems(notebooks(), data_files())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "claim",
    [
        "uses beyond MDS (Table 1 in the 5.1 tracer, section 5.3 in its flag)",
        "VEGF and bFGF (the 2.1 flag and the mechanism explorer)",
    ],
)
def test_one_claim_gets_one_verdict(claim):
    verdicts = {f"{f} {i}": verdict_of(f, i, field) for f, i, field in SAME_CLAIM[claim]}
    assert len(set(verdicts.values())) == 1, f"{claim}: {verdicts}"


# =========================================================================== the checks fail on broken input
NOTEBOOK = {
    "cells": [],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def write_notebook(path: Path, cells: list[tuple[str, str]]) -> Path:
    nb = dict(
        NOTEBOOK,
        cells=[
            {
                "cell_type": kind,
                "id": f"c{i}",
                "metadata": {},
                "source": src,
                **({"outputs": [], "execution_count": None} if kind == "code" else {}),
            }
            for i, (kind, src) in enumerate(cells)
        ],
    )
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_fixture_a_page_that_states_another_status_for_a_fact_fails(tmp_path):
    facts = {f["id"]: f for f in yaml.safe_load((DATA / "facts.yaml").read_text(encoding="utf-8"))}
    other = next(s for s in STATUSES if s != facts["dba-incidence"]["status"])
    page = write_notebook(
        tmp_path / "broken-page.ipynb",
        [
            ("code", 'tb.glue_facts("dba-incidence")'),
            (
                "markdown",
                f"DBA occurs in {{glue:text}}`fact-dba-incidence` (status: {other}), says this page.",
            ),
        ],
    )
    problems = stated_beside_glue_conflicts(page, glued_values(page))
    assert len(problems) == 1
    assert "broken-page.ipynb" in problems[0] and "dba-incidence" in problems[0] and other in problems[0]


def test_fixture_the_same_number_with_two_statuses_on_two_pages_fails():
    problems = glued_status_conflicts(
        {
            "chapters/index.ipynb": {"fact-review-references-listed": "9 references (verified)"},
            "chapters/5-conclusions/5.1-research-conclusion.ipynb": {"cite-listed": "9 references (derived)"},
        }
    )
    assert len(problems) == 1
    assert "'9 references'" in problems[0]
    assert "derived on chapters/5-conclusions/5.1-research-conclusion.ipynb (cite-listed)" in problems[0]
    assert "verified on chapters/index.ipynb (fact-review-references-listed)" in problems[0]
    assert not glued_status_conflicts(
        {"a": {"x": "16/83 (19%, verified)"}, "b": {"y": "16/83 (19%, verified)"}}
    )


def test_fixture_a_quiz_that_calls_references_verified_fails(tmp_path):
    statuses = review_reference_statuses()
    assert statuses[1] != "verified", "fixture assumes [1] is not verified in data/citations.yaml"
    quiz = tmp_path / "quiz.yaml"
    quiz.write_text(
        "questions:\n  - id: q\n    options:\n      - text: x\n        feedback: >-\n"
        "          As with [1] to [3]; those are marked verified for their details.\n",
        encoding="utf-8",
    )
    problems = reference_statement_problems([], [quiz])
    assert (
        len(problems) == 1
        and "quiz.yaml" in problems[0]
        and "[1] is" in problems[0]
        and "[3] is" in problems[0]
    )
    assert "[2]" not in problems[0].split(" but ")[1], "[2] is verified and must not be reported"


def test_fixture_verified_with_a_secondary_basis_fails(tmp_path):
    (tmp_path / "facts.yaml").write_text(
        "- id: broken\n  value: 7\n  source: x\n  status: verified\n  basis: secondary\n"
        "- id: odd\n  value: 1\n  source: x\n  status: checked\n",
        encoding="utf-8",
    )
    (tmp_path / "rows.csv").write_text("id,status,basis\nr1,verified,hearsay\n", encoding="utf-8")
    problems = data_vocabulary_problems(tmp_path)
    assert any("facts.yaml" in p and "broken" in p and "secondary" in p for p in problems)
    assert any("facts.yaml" in p and "odd" in p and "'checked'" in p for p in problems)
    assert any("rows.csv, line 2" in p and "'hearsay'" in p for p in problems)
    page = write_notebook(
        tmp_path / "page.ipynb", [("markdown", "Seven per million (verified · basis secondary).")]
    )
    problems = page_vocabulary_problems([page])
    assert problems and "page.ipynb, cell 0" in problems[0]


def test_fixture_prose_statuses_outside_the_vocabulary_fail():
    assert prose_vocabulary_problems("was found (status: not found).", "p") == []
    assert (
        prose_vocabulary_problems("*Status: not verified, seen in secondary copies of the label.*", "p") == []
    )
    assert prose_vocabulary_problems("carry the status *not verified*.", "p") == []
    assert prose_vocabulary_problems("(not verified, basis secondary)", "p") == []
    assert prose_vocabulary_problems("a finding (status: probable).", "p")
    assert prose_vocabulary_problems("a finding (verified, basis hearsay).", "p")


def test_fixture_a_data_row_typing_a_fact_with_another_status_fails(tmp_path):
    facts = yaml.safe_load((DATA / "facts.yaml").read_text(encoding="utf-8"))
    rows = tmp_path / "rows.yaml"
    rows.write_text(
        "- id: dba-rare\n  text: Classical DBA, about 7 per million live births.\n"
        "  source: vlachos2008diagnosing\n  status: not verified\n"
        "- id: mds-rare\n  text: About 1 to 4 per million children a year.\n"
        "  source: hasle2016myelodysplastic\n  status: verified\n",
        encoding="utf-8",
    )
    problems = typed_fact_conflicts(facts, [rows])
    assert len(problems) == 1
    assert "rows.yaml" in problems[0] and "dba-rare" in problems[0] and "'dba-incidence'" in problems[0]
