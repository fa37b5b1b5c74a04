"""The lecturer guide, contributing guide, changelog and licence pages, their data, and the 404 page's
helpers, in-process (the built pages are driven in tests/test_backmatter_guides_site.py).

Expected values come from the files themselves read with plain YAML/JSON (not through thalbook), from the
Makefile and git, or from hand arithmetic in the comments: the 45-minute plan's steps are 5 + 8 + 15 + 12
+ 5 = 45 minutes, the 90-minute plan's 5 + 10 + 15 + 15 + 5 + 15 + 15 + 10 = 90.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import threading
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, data_errors

import thalbook as tb
from thalbook.site.notfound import absolute_url, make_links_absolute

TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
TOC_FILES = {TOC["root"]} | {f for part in TOC["parts"] for c in part["chapters"]
                             for f in [c["file"]] + [s["file"] for s in c.get("sections", [])]}
PLANS = yaml.safe_load((ROOT / "data/lesson_plans.yaml").read_text(encoding="utf-8"))["plans"]
CHANGELOG = yaml.safe_load((ROOT / "data/changelog.yaml").read_text(encoding="utf-8"))
GUIDES = {name: ROOT / "chapters" / "back" / f"{name}.ipynb"
          for name in ("lecturer-guide", "running-the-notebooks-live", "contributing", "changelog", "licence")}
MAKEFILE = (ROOT / "Makefile").read_text()


def prose(path: Path) -> str:
    """The Markdown of a notebook, cells joined."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def cell(path: Path, ident: str) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return next("".join(c["source"]) for c in cells if c.get("id") == ident)


def parse_call(text: str) -> tuple[str, list, dict]:
    """`tb.name(args)` parsed here with ast, independently of thalbook.data.schemas.tb_call."""
    node = ast.parse(text, mode="eval").body
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.value.id == "tb", text
    return node.func.attr, [ast.literal_eval(a) for a in node.args], {k.arg: ast.literal_eval(k.value) for k in node.keywords}


WORD_NUMBERS = {"five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30}


def page_allowance(page: str) -> int | None:
    """Minutes a page's own 'For lecturers' note allows ('Allow about 40 minutes', 'Five minutes.')."""
    nb = ROOT / f"{page}.ipynb"
    note = next((c for c in prose(nb).split("```") if "For lecturers" in c), None)
    if note is None:
        return None
    m = re.search(r"about (\d+) minutes", note)
    if m:
        return int(m.group(1))
    m = re.search(r"\b(" + "|".join(WORD_NUMBERS) + r") minutes", note, re.IGNORECASE)
    return WORD_NUMBERS[m.group(1).lower()] if m else None


# --------------------------------------------------------------------------- lesson plans (data)
def test_there_is_a_45_and_a_90_minute_plan():
    assert {p["id"]: p["minutes"] for p in PLANS} == {"45": 45, "90": 90}


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p["id"])
def test_steps_add_up_to_the_stated_length(plan):
    assert sum(s["minutes"] for s in plan["steps"]) == plan["minutes"]


def test_step_lengths_by_hand():
    by_id = {p["id"]: [s["minutes"] for s in p["steps"]] for p in PLANS}
    assert by_id["45"] == [5, 8, 15, 12, 5]  # = 45
    assert by_id["90"] == [5, 10, 15, 15, 5, 15, 15, 10]  # = 90


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p["id"])
def test_every_page_named_is_in_the_toc(plan):
    pages = [s["page"] for s in plan["steps"] if s.get("page")]
    assert pages and set(pages) <= TOC_FILES, set(pages) - TOC_FILES


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p["id"])
def test_no_page_gets_more_time_than_its_own_notes_allow(plan):
    used: dict[str, int] = defaultdict(int)
    for s in plan["steps"]:
        if s.get("page"):
            used[s["page"]] += s["minutes"]
    for page, minutes in used.items():
        allowed = page_allowance(page)
        assert allowed is not None, f"{page} has no 'For lecturers' note with a timing"
        assert minutes <= allowed, f"{page}: the plan gives {minutes} min, the page's note allows {allowed}"


def test_page_allowances_are_read_from_the_notes():
    # hand-read from the notes: 3.2 "Allow about 40 minutes", evidence labels "Five minutes."
    assert page_allowance("chapters/3-clinical-efficacy/3.2-clinical-studies") == 40
    assert page_allowance("chapters/back/evidence-labels") == 5


CALLS = sorted({c for p in PLANS for s in p["steps"] for c in s.get("live", [])})


@pytest.mark.parametrize("call", CALLS)
def test_every_live_call_is_a_thalbook_function_that_runs(call):
    name, args, kwargs = parse_call(call)
    fn = getattr(tb, name, None)
    assert callable(fn), f"thalbook has no function {name}"
    widget = fn(*args, **kwargs)
    assert hasattr(widget, "_repr_html_") or hasattr(widget, "_repr_mimebundle_"), f"{call} displays nothing"
    if kwargs.get("presenter"):
        assert widget.presenter is True


def test_every_plan_has_presenter_mode_somewhere():
    for p in PLANS:
        assert any("presenter=True" in c for s in p["steps"] for c in s.get("live", [])), p["id"]


def test_lesson_plan_renders_times_and_links():
    text = tb.lesson_plan("45").text
    # start-end of each step, by hand: 0-5, 5-13, 13-28, 28-40, 40-45
    for span in ("0–5", "5–13", "13–28", "28–40", "40–45"):
        assert f"**Minutes {span}**" in text
    assert "{doc}`/chapters/back/evidence-labels`" in text
    assert '`tb.case_stepper("case-1", presenter=True)`' in text
    ninety = tb.lesson_plan("90").text
    # 5 + 10 + 15 + 15 = 45: the break is minutes 45-50, with no page; the last step is 80-90
    assert "5. **Minutes 45–50** (5 min) Break." in ninety
    assert "**Minutes 80–90**" in ninety
    with pytest.raises(KeyError, match="no plan '60'"):
        tb.lesson_plan("60")


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_a_plan_whose_steps_do_not_add_up_is_refused(book):
    path = book / "data" / "lesson_plans.yaml"
    _edit(path, "      - minutes: 8\n", "      - minutes: 9\n")  # 45 + 1 = 46
    lines = path.read_text().splitlines()
    steps_line = lines.index("    steps:") + 1  # the first plan's steps field (lines count from 1)
    errors = data_errors(book)
    assert [(e.path, e.line, e.column) for e in errors] == [("data/lesson_plans.yaml", steps_line, "plans[0].steps")]
    assert "add up to 46 minutes, not the stated 45" in errors[0].message


def test_a_missing_page_and_an_unknown_call_are_refused(book):
    path = book / "data" / "lesson_plans.yaml"
    _edit(path, "tb.evidence_map_figure()", "tb.no_such_widget()")
    _edit(path, "page: chapters/5-conclusions/overview", "page: chapters/5-conclusions/no-such-page")
    lines = path.read_text().splitlines()
    found = {(e.column, e.line): e.message for e in data_errors(book)}
    call_line = next(i for i, x in enumerate(lines, 1) if "tb.no_such_widget()" in x)
    page_line = next(i for i, x in enumerate(lines, 1) if "no-such-page" in x)
    assert "thalbook has no function 'no_such_widget'" in found[("plans[0].steps[1].live[0]", call_line)]
    assert "no page 'chapters/5-conclusions/no-such-page'" in found[("plans[1].steps[7].page", page_line)]


def test_a_call_that_is_not_a_tb_call_is_refused(book):
    _edit(book / "data" / "lesson_plans.yaml", "tb.percent_checker()", "__import__('os').getcwd()", count=2)
    errors = data_errors(book)
    assert {e.column for e in errors} == {"plans[0].steps[2].live", "plans[1].steps[3].live"}
    assert all("expected a call such as tb.quiz" in e.message for e in errors)


# --------------------------------------------------------------------------- changelog and errata
def git_commit_exists(sha: str) -> bool:
    out = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{sha}^{{commit}}"], capture_output=True)
    return out.returncode == 0


def test_every_commit_named_exists_in_the_history():
    assert (ROOT / ".git").exists(), "the changelog test needs the repository's history (.git)"
    named = [c for r in CHANGELOG["releases"] for ch in r["changes"] for c in ch.get("commits", [])]
    named += [c for e in CHANGELOG["errata"] for c in e.get("commits", [])]
    assert named and [c for c in named if not git_commit_exists(c)] == []
    assert not git_commit_exists("0000000")  # the check itself can fail


def test_releases_newest_first_and_errata_fixed_after_found():
    dates = [r["date"] for r in CHANGELOG["releases"]]
    assert dates == sorted(dates, reverse=True)
    for e in CHANGELOG["errata"]:
        assert e.get("fixed") is None or e["fixed"] >= e["found"]
        assert e.get("page") is None or e["page"] in TOC_FILES


def test_version_in_progress_matches_pyproject():
    version = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.MULTILINE).group(1)
    versions = [r["version"] for r in CHANGELOG["releases"]]
    assert versions[0] == version, f"newest changelog release {versions[0]} is not pyproject.toml's {version}"


def test_changelog_and_errata_render_every_entry():
    log, err = tb.changelog().text, tb.errata().text
    for r in CHANGELOG["releases"]:
        assert f"**Version {r['version']}**" in log
    for e in CHANGELOG["errata"]:
        assert all(f"`{c}`" in err for c in e["commits"])
    assert "found 25 November 2026, fixed 25 November 2026" in err  # 2026-11-25 written out


def test_a_bad_commit_and_an_impossible_fix_date_are_refused(book):
    path = book / "data" / "changelog.yaml"
    _edit(path, "commits: [a095a42]", "commits: [A095X42]")
    _edit(path, "    fixed: 2026-11-25\n", "    fixed: 2026-11-24\n")
    found = {e.column: e.message for e in data_errors(book)}
    at = next(f"releases[{i}].changes[{j}].commits" for i, r in enumerate(CHANGELOG["releases"])
              for j, ch in enumerate(r["changes"]) if "a095a42" in ch.get("commits", []))
    assert "expected a commit hash" in found[at]
    assert "before the day it was found" in found["errata[0].fixed"]


# --------------------------------------------------------------------------- the guides' examples validate
def fenced_yaml(text: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)\n```", text, re.DOTALL)


def guide_examples() -> dict[str, str]:
    """The quiz example (saved where the guide says) and the case skeleton of the lecturer guide."""
    text = prose(GUIDES["lecturer-guide"])
    quiz_path = re.search(r"Save it as `(data/quizzes/[a-z0-9-]+\.yaml)`", text).group(1)
    quiz, case = fenced_yaml(cell(GUIDES["lecturer-guide"], "lg-write"))
    case_id = yaml.safe_load(case)["id"]
    return {quiz_path: quiz, f"data/cases/{case_id}.yaml": case}


def test_the_guides_examples_pass_the_real_validator(book, monkeypatch):
    from thalbook.data import load_dir

    examples = guide_examples()
    assert sorted(examples) == ["data/cases/case-4.yaml", "data/quizzes/reading-labels.yaml"]
    for rel, text in examples.items():
        assert not (book / rel).exists()
        (book / rel).write_text(text + "\n", encoding="utf-8")
    ds = load_dir(book)  # raises DataErrors if either example is invalid
    assert "reading-labels" in ds.folders["quizzes"] and "case-4" in ds.folders["cases"]
    monkeypatch.setenv("THALBOOK_ROOT", str(book))
    quiz = tb.quiz("reading-labels")
    assert [sum(o.get("correct", False) for o in q["options"]) for q in quiz.spec["questions"]] == [1]
    case = tb.case_stepper("case-4", presenter=True)
    assert len(case.spec["stages"]) == 7 and case.presenter is True


def test_the_error_the_guide_quotes_is_the_real_one(book):
    rel, text = next((k, v) for k, v in guide_examples().items() if "quizzes" in k)
    broken = text.replace("      - text: The paper was shown never to exist.\n", "      - text: The paper was shown never to exist.\n        correct: true\n", 1)
    assert broken != text
    (book / rel).write_text(broken + "\n", encoding="utf-8")
    (error,) = data_errors(book)
    assert str(error) in prose(GUIDES["lecturer-guide"]), str(error)


# --------------------------------------------------------------------------- the guides name real commands and files
def make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][a-z-]*):", MAKEFILE, re.MULTILINE))


def test_the_lecturer_guide_matches_the_makefile_live_target():
    text = prose(GUIDES["running-the-notebooks-live"])  # the guide's page for the class
    assert "make live" in text and "live" in make_targets()
    recipe = MAKEFILE.split("\nlive:", 1)[1].split("\n\n", 1)[0]
    readme = (ROOT / "README.md").read_text()
    for line in recipe.splitlines()[1:]:
        command = line.strip().lstrip("@").replace("$(BIN)", ".venv/bin")
        if command.startswith("echo"):
            continue
        # the command as the guide and the README write it by hand: without make's own variables
        command = re.sub(r"\s*(--\S+\s+)?\$\(\w+\)", "", command).removesuffix(" --").strip()
        assert command in text, command
        assert command in readme, command
    for word in ("LIVE_ARGS", "LIVE_APP"):
        assert word in text and word in MAKEFILE, word


@pytest.mark.parametrize("name", GUIDES)
def test_guides_name_only_real_make_targets_files_and_modules(name):
    text = prose(GUIDES[name])
    targets = set(re.findall(r"`make ([a-z-]+)`", text)) | set(re.findall(r"^make ([a-z-]+)$", text, re.MULTILINE))
    assert targets <= make_targets(), targets - make_targets()
    examples = set(guide_examples())  # files the lecturer guide shows how to create
    for rel in set(re.findall(r"`((?:tests|thalbook|data|chapters)/[^`<>*\s]+\.(?:py|yaml|md|bib|ipynb))`", text)) - examples:
        assert (ROOT / rel).is_file(), rel
    for module in set(re.findall(r"python -m (thalbook(?:\.[a-z_]+)+)", text)):
        assert (ROOT / (module.replace(".", "/") + ".py")).is_file(), module


def test_the_contributing_guide_names_the_real_test_commands():
    text = prose(GUIDES["contributing"])
    for target in ("book", "test", "test-fast"):
        assert f"`make {target}`" in text and target in make_targets()
    # the marker expression of make test-fast, as the Makefile has it
    assert re.search(r'-m "not browser and not live and not build"', MAKEFILE)
    assert '-m "not browser and not live and not build"' in text
    assert "python3 ../shared/tools/verbatim_check.py" in text and "verbatim_check.py" in MAKEFILE
    assert "last_reviewed" in text and "last_reviewed" in (ROOT / "thalbook/site/sphinxext.py").read_text()


def test_the_readme_links_to_the_contributing_guide_and_the_licence_page():
    readme = (ROOT / "README.md").read_text()
    assert "chapters/back/contributing.ipynb" in readme and "chapters/back/licence.ipynb" in readme
    assert "404.html" in readme


# --------------------------------------------------------------------------- licence files
def test_licence_files():
    text = (ROOT / "LICENSE-TEXT").read_text()
    assert text.startswith("Attribution 4.0 International")
    for marker in ("Creative Commons Attribution 4.0 International Public License", "Section 1 -- Definitions.",
                   "Section 8 -- Interpretation.", "Creative Commons may be contacted at creativecommons.org."):
        assert marker in text
    assert "ShareAlike" not in text and "NonCommercial" not in text
    code = (ROOT / "LICENSE-CODE").read_text()
    assert code.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in code
    summary = (ROOT / "LICENSE").read_text()
    assert "CC BY 4.0" in summary and "MIT" in summary and "LICENSE-TEXT" in summary and "LICENSE-CODE" in summary
    assert 'license = { text = "MIT" }' in (ROOT / "pyproject.toml").read_text()


def test_licence_page_states_the_quoting_rules():
    text = prose(GUIDES["licence"])
    assert "30 words" in text and "python3 ../shared/tools/verbatim_check.py" in text
    # the rule the page states is the one the data check enforces
    from thalbook.data.schemas import Appraisal

    with pytest.raises(ValueError, match="more than 30 words"):
        Appraisal.short_marked_quote("“" + " ".join(["word"] * 31) + "”")


# --------------------------------------------------------------------------- 404: helpers and the local server
def test_absolute_url():
    assert absolute_url("_static/a.css?v=1") == "/_static/a.css?v=1"
    assert absolute_url("./") == "/"
    assert absolute_url("chapters/index.html#x", "/book/") == "/book/chapters/index.html#x"
    assert absolute_url("#main-content") == "#main-content"
    assert absolute_url("https://example.org/a") == "https://example.org/a"
    assert absolute_url("/already/absolute.html") == "/already/absolute.html"


def test_make_links_absolute_is_idempotent_and_spares_script_text():
    page = ('<html data-content_root="./"><link href="_static/a.css"><a href="#top">t</a>'
            '<form action="search.html"></form><script src="_static/b.js"></script>'
            '<script>const u = "_static/c.js";</script>')
    once = make_links_absolute(page)
    assert once == ('<html data-content_root="/"><link href="/_static/a.css"><a href="#top">t</a>'
                    '<form action="/search.html"></form><script src="/_static/b.js"></script>'
                    '<script>const u = "_static/c.js";</script>')
    assert make_links_absolute(once) == once


@pytest.fixture
def tiny_site(tmp_path: Path):
    from thalbook.site.serve import make_server

    (tmp_path / "index.html").write_text("<p>home</p>")
    (tmp_path / "404.html").write_text("<h1>Page not found</h1>")
    server = make_server(tmp_path, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_serve_answers_a_missing_address_with_404_and_the_page(tiny_site):
    root, url = tiny_site
    assert urllib.request.urlopen(url + "/index.html").status == 200
    for path in ("/nope.html", "/chapters/nope/x.html", "/_static/missing.css"):
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(url + path)
        assert info.value.code == 404
        assert info.value.headers["Content-Type"] == "text/html; charset=utf-8"
        assert info.value.read() == (root / "404.html").read_bytes()
    head = urllib.request.Request(url + "/nope.html", method="HEAD")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(head)
    assert info.value.code == 404 and info.value.read() == b""


def test_serve_without_a_404_page_falls_back_to_the_standard_error(tiny_site):
    root, url = tiny_site
    (root / "404.html").unlink()
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(url + "/nope.html")
    assert info.value.code == 404 and b"Error response" in info.value.read()


def test_notfound_is_registered_after_sphinxext():
    conf = yaml.safe_load((ROOT / "_config.yml").read_text())
    extensions = conf["sphinx"]["extra_extensions"]
    assert extensions.index("thalbook.site.notfound") > extensions.index("thalbook.site.sphinxext")



# --------------------------------------------------------------------------- the contributing guide's error examples
def error_examples() -> list[str]:
    """The ```text blocks of the contributing guide's section on errors, in order."""
    return re.findall(r"```text\n(.*?)\n```", cell(GUIDES["contributing"], "cb-errors"), re.DOTALL)


def test_the_contributing_guide_shows_each_kind_of_error():
    examples = error_examples()
    assert len(examples) == 6
    assert [e.split(",")[0] for e in examples[:4]] == ["data/studies.csv"] + ["data/quizzes/reading-labels.yaml"] * 3


def test_the_guides_data_errors_are_the_validators_words(book):
    """Each data example is made again: the contract's studies.csv edit, then the lecturer guide's quiz with two
    correct options, one line dedented, and `correct: yes`."""
    csv_example, two_correct, dedent, yes = error_examples()[:4]
    path = book / "data/studies.csv"
    original = path.read_text()
    lines = original.splitlines()
    header, row = lines[0].split(","), lines[4].split(",")
    row[header.index("numerator")] = "abc"
    lines[4] = ",".join(row)
    path.write_text("\n".join(lines) + "\n")
    assert csv_example in [str(e) for e in data_errors(book)]
    path.write_text(original)

    rel, quiz = next((k, v) for k, v in guide_examples().items() if "quizzes" in k)
    option = "      - text: The paper was shown never to exist.\n"
    broken = {
        two_correct: quiz.replace(option, option + "        correct: true\n", 1),
        yes: quiz.replace("        correct: true\n", "        correct: yes\n", 1),
    }
    lines = quiz.splitlines()
    first_feedback = next(i for i, line in enumerate(lines) if line.startswith("        feedback:"))
    lines[first_feedback] = lines[first_feedback][1:]
    broken[dedent] = "\n".join(lines)
    for expected, text in broken.items():
        assert text != quiz
        (book / rel).write_text(text + "\n", encoding="utf-8")
        assert [str(e) for e in data_errors(book)] == [expected]


def test_the_guides_build_errors_are_the_summarys_words(tmp_path):
    """The page examples from Sphinx's own lines: myst-nb numbers a notebook's lines (cell index + 1) * 10000
    + line + 1 (myst_nb/core/nb_to_tokens.py), so cell 2 line 7 is 20008 and cell 11 line 1 is 110002."""
    from thalbook.site.buildlog import summarise

    misspelt, failing = error_examples()[4:]
    page = "chapters/5-conclusions/5.3-applications-and-perspectives.ipynb"
    log = (f"{ROOT / page}:20008: WARNING: term not in glossary: 'lenalidomid'\n"
           f"{ROOT / page}:110002: WARNING: could not find bibtex key \"thalomid2032pi\"\n")
    assert summarise(log, ROOT).strip() == misspelt
    # the failing cell: the page with its last code cell replaced, in a copy of the book's names
    nb = json.loads((ROOT / page).read_text(encoding="utf-8"))
    last = max(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code")
    nb["cells"][last]["source"] = "tb.no_such_builder()"
    (tmp_path / page).parent.mkdir(parents=True)
    (tmp_path / page).write_text(json.dumps(nb), encoding="utf-8")
    log = (f"{tmp_path / page}: WARNING: Executing notebook failed: CellExecutionError\n"
           "nbclient.exceptions.CellExecutionError: An error occurred while executing the following cell:\n"
           "------------------\ntb.no_such_builder()\n------------------\n\n"
           "AttributeError: module 'thalbook' has no attribute 'no_such_builder'\n [mystnb.exec]\n")
    summary = summarise(log, tmp_path)
    assert summary.strip().splitlines()[1:] == failing.splitlines(), summary
    assert f"cell {last + 1}:" in failing
