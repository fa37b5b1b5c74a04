"""Live: the book's pages in a real JupyterLab, driven by chromium, with real kernels.

One JupyterLab server for the module, started with make live's own command line (thalbook/site/live.py)
on make live's own lecture copies (written into a temporary folder, with make live's settings: news off,
the widgets' CSS as custom.css); everything it writes goes to that folder.

* The gallery (a copy that names each widget, ``w = tb.stepper(...); w``): each widget kind clicked and
  read in the kernel (browser -> kernel) and set from Python (kernel -> browser), the styles that must
  survive JupyterLab's (calculator labels, a stepper at a projector's 960x540), a figure's contrast in
  JupyterLab's dark theme, the same widgets in Notebook 7.
* Every other page with a widget (WIDGET_PAGES): opened, run all, every cell waited for, no error; each
  widget kind on it clicked and the change read in the kernel; the first widget of each kind set from
  Python and the change read on the page.
* A saved page reopened after the next `make live` start: no stale widget ("model not found").

Each copy ends with a probe cell whose source the test replaces and runs to read or set traits.
The repository's notebooks are never opened.
"""

from __future__ import annotations

import copy
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import ROOT

pytestmark = pytest.mark.live

GALLERY = ROOT / "chapters" / "back" / "widget-gallery.ipynb"
NOTEBOOK = "widget-gallery.ipynb"
JUPYTER = Path(sys.executable).parent / "jupyter"

# gallery call -> the name the copy binds it to
NAMES = {
    'tb.stepper("appraise-a-number")': "w",
    'tb.quiz("evidence-labels")': "q",
    "tb.ctcae_explorer()": "e",
    "tb.proportion_calculator()": "c",
    "tb.response_figure()": "f",
}
KINDS = ("stepper", "quiz", "lookup", "calculator")

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
TIMEOUT = 30_000  # ms, for anything the page does after the kernel is up


# --------------------------------------------------------------------------- the server
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# every page with a widget, other than the gallery, and what it shows: kind -> how many ("figure": a
# LinkedFigure, ToggleButtons + plotly FigureWidget). Read from the pages: a page that loses or gains a
# widget must be changed here too.
WIDGET_PAGES = {
    "1-introduction/1.4-what-research-exists.ipynb": {"quiz": 1},
    "2-pharmacology/2.1-antitumour-mechanisms.ipynb": {"lookup": 1},
    "2-pharmacology/2.2-mechanisms-in-mds.ipynb": {"quiz": 1},
    "2-pharmacology/2.2.1-mechanism-statements.ipynb": {"stepper": 1},  # split from 2.2
    "3-clinical-efficacy/3.1-children-are-not-small-adults.ipynb": {"quiz": 1},
    "3-clinical-efficacy/3.2-clinical-studies.ipynb": {"calculator": 1, "figure": 1, "quiz": 1},
    "3-clinical-efficacy/3.3-case-vignettes.ipynb": {"quiz": 1},
    # one case per page since the cases branch split 3.3
    "3-clinical-efficacy/3.3.1-case-1-high-risk-mds.ipynb": {"stepper": 1},
    "3-clinical-efficacy/3.3.2-case-2-refractory-mds.ipynb": {"stepper": 1},
    "3-clinical-efficacy/3.3.3-case-3-excess-blasts-and-transplant.ipynb": {"stepper": 1},
    "4-safety/4.1-safety-evaluation-and-monitoring.ipynb": {"lookup": 1},
    "4-safety/4.2-adverse-reactions-and-management.ipynb": {"calculator": 1, "lookup": 1, "quiz": 1},
    "4-safety/4.2.1-treatment-course-decisions.ipynb": {"stepper": 1},
    # 4.2.2 and 4.2.3 (split from 4.2) show tables and a figure, no widget
    "5-conclusions/5.1-research-conclusion.ipynb": {"lookup": 2},
    "5-conclusions/5.2-open-issues-and-prospects.ipynb": {"calculator": 1},
    "5-conclusions/5.3-applications-and-perspectives.ipynb": {"quiz": 1},
    "back/critical-reading.ipynb": {"quiz": 1},
    "back/evidence-labels.ipynb": {"quiz": 1},
    "back/running-the-notebooks-live.ipynb": {"quiz": 1},  # the presenter-mode demo, split from the lecturer guide
}


def _probe_cell(nb: dict) -> dict:
    probe = copy.deepcopy(next(c for c in nb["cells"] if c["cell_type"] == "code"))
    probe.update(source='print("probe ready")', outputs=[], execution_count=None, metadata={})
    probe.pop("id", None)
    if nb.get("nbformat_minor", 0) >= 5:
        probe["id"] = "tb-live-probe"
    return probe


def _add_probe(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"].append(_probe_cell(nb))
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def _notebook_copy(dest: Path) -> None:
    nb = json.loads(GALLERY.read_text(encoding="utf-8"))
    found = set()
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"]).strip()
        if src in NAMES:
            cell["source"] = f"{NAMES[src]} = {src}\n{NAMES[src]}"
            found.add(src)
        cell["outputs"], cell["execution_count"] = [], None
    missing = set(NAMES) - found
    assert not missing, f"the gallery no longer has the cells {sorted(missing)}: update NAMES in {__file__}"
    nb["cells"].append(_probe_cell(nb))
    dest.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def _log_tail(log: Path, n: int = 3000) -> str:
    try:
        return log.read_text(errors="replace")[-n:]
    except OSError:
        return ""


@dataclass
class Lab:
    url: str
    log: Path
    book: Path  # the lecture copies' folder (make live's live/), chapters/ inside it is the server's root

    def log_tail(self) -> str:
        return _log_tail(self.log)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1, started with make live's command line, serving make live's copies.

    make live's config folder (overrides.json, custom.css) is JUPYTER_CONFIG_DIR; runtime, user settings,
    workspaces, IPython and the trust database live in the temporary folder too; JUPYTER_DATA_DIR is left
    alone so the venv's lab extensions are found.
    """
    from thalbook.site import live

    if not JUPYTER.is_file():
        pytest.fail(f"no jupyter in the venv ({JUPYTER}): `make env` installs it")
    tmp = tmp_path_factory.mktemp("live")
    book, home = tmp / "live", tmp / "home"
    report = live.prepare(ROOT, book)
    assert not report.unresolved, f"make live left glue references unresolved: {report.unresolved}"
    root, config = book / "chapters", book / ".jupyter"
    live.write_settings(ROOT, config)
    runtime, ipython = home / "runtime", home / "ipython"
    settings, workspaces = home / "user-settings", home / "workspaces"
    for d in (root, runtime, ipython, settings, workspaces, home / "data"):
        d.mkdir(parents=True, exist_ok=True)
    # every cell in the DOM (no windowing): widgets below the fold render and can be found
    tracker = settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))
    _notebook_copy(root / NOTEBOOK)
    for rel in WIDGET_PAGES:
        _add_probe(root / rel)

    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "IPYTHONDIR": str(ipython),
        "MPLCONFIGDIR": str(home / "mpl"),
        "THALBOOK_ROOT": str(ROOT),
        "PATH": f"{JUPYTER.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    env.pop("JUPYTER_TOKEN", None)
    port = _free_port()
    log = tmp / "server.log"
    cmd, _, _ = live.command("lab", root, config, [
        "--no-browser",
        f"--port={port}",
        "--ServerApp.token=",
        "--ServerApp.password=",
        "--LabApp.expose_app_in_browser=True",
        "--JupyterNotebookApp.expose_app_in_browser=True",
        f"--NotebookNotary.data_dir={home / 'data'}",  # the trust database, written on save
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={workspaces}",
    ], is_root=os.geteuid() == 0)
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield Lab(_wait_for_server(proc, runtime, port, log), log, book)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _wait_for_server(proc, runtime: Path, port: int, log: Path, timeout: float = 60) -> str:
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"jupyter lab exited with {proc.returncode}:\n{_log_tail(log)}")
        # the runtime file has the port actually used (the chosen one may have been taken meanwhile)
        for info in runtime.glob("jpserver-*.json"):
            try:
                port = json.loads(info.read_text())["port"]
            except (ValueError, KeyError, OSError):
                continue
        base = f"http://127.0.0.1:{port}/"
        try:
            with direct.open(base + "api/status", timeout=2) as r:
                if r.status == 200:
                    return base
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"jupyter lab did not answer /api/status within {timeout:.0f} s:\n{_log_tail(log)}")


# --------------------------------------------------------------------------- the page
class Session:
    """The notebook page plus everything it did that the tests assert on."""

    def __init__(self, page):
        self.page = page
        self.external_requests: list[str] = []
        self.page_errors: list[str] = []
        self.console_errors: list[str] = []
        self.probes = 0

    @property
    def panel(self):
        return self.page.locator(PANEL)

    def widget(self, kind: str):
        return self.panel.locator(f'.thalbook-widget[data-kind="{kind}"]')

    def probe(self, code: str, timeout: float = TIMEOUT) -> dict:
        """Replace the probe cell's source with `code`, run it, return the JSON it prints.

        `code` must assign a JSON-serialisable value to `out`; the cell prints it behind a marker
        unique to this run, so a stale output is never read.
        """
        self.probes += 1
        marker = f"PROBE-{self.probes}:"
        source = f"import json as _json\n{code}\nprint({marker!r} + _json.dumps(out, sort_keys=True))"
        cell = self.panel.locator(".jp-Notebook .jp-CodeCell").last
        editor = cell.locator(".jp-InputArea-editor .cm-content")
        editor.click()
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.press("Delete")
        # insert_text: no per-key events, so no auto-closed brackets or quotes
        self.page.keyboard.insert_text(source)
        self.page.keyboard.press("Control+Enter")
        out = cell.locator(".jp-OutputArea-output", has_text=marker)
        try:
            out.first.wait_for(timeout=timeout)
        except Exception:  # noqa: BLE001 - report what the cell showed instead
            shown = cell.locator(".jp-OutputArea").inner_text(timeout=2000)
            pytest.fail(f"probe cell printed no {marker!r} within {timeout / 1000:.0f} s; it shows:\n{shown}")
        text = out.first.inner_text()
        try:
            return json.loads(text.split(marker, 1)[1].strip().splitlines()[0])
        except ValueError:  # the marker was in a traceback's copy of the source: the cell failed
            pytest.fail(f"probe cell failed; it shows:\n{cell.locator('.jp-OutputArea').inner_text(timeout=2000)}")


def _new_session(browser) -> tuple:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    s = Session(page)

    def route(r):
        url = r.request.url
        if url.startswith(("data:", "blob:")) or urlparse(url).hostname == "127.0.0.1":
            r.continue_()
        else:
            s.external_requests.append(url)
            r.abort()

    context.route("**/*", route)
    page.on("pageerror", lambda e: s.page_errors.append(str(e)))
    page.on("console", lambda m: s.console_errors.append(m.text) if m.type == "error" else None)
    return context, s


@pytest.fixture(scope="module")
def session(browser, lab):
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)  # a round trip through the kernel can take a moment
    context, s = _new_session(browser)
    try:
        _open_and_run_all(s, lab)
        yield s
    finally:
        expect.set_options(timeout=5_000)  # playwright's default, for the other test modules
        context.close()


def _open_and_run_all(s: Session, lab: Lab) -> None:
    """Open the copy, wait for an idle kernel, run every cell, wait for every widget to render."""
    page = s.page
    page.goto(lab.url + "lab/tree/" + NOTEBOOK, wait_until="domcontentloaded", timeout=60_000)

    # the notebook is open and its kernel idle
    try:
        page.locator(PANEL + " .jp-Notebook .jp-CodeCell").first.wait_for(timeout=60_000)
    except Exception:  # noqa: BLE001
        pytest.fail(f"JupyterLab did not show the notebook within 60 s; server log:\n{lab.log_tail()}")
    try:
        page.wait_for_function(
            """() => {
                const app = window.jupyterapp;
                const w = app && app.shell.currentWidget;
                const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
                return Boolean(k && k.status === "idle" && k.connectionStatus === "connected");
            }""",
            timeout=60_000,
        )
        # the same, as the notebook's toolbar shows it
        page.locator(PANEL + " .jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(
            state="attached", timeout=TIMEOUT
        )
    except Exception:  # noqa: BLE001
        pytest.fail(f"the kernel was not idle within 60 s; server log:\n{lab.log_tail()}")
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")

    # every widget rendered (the four anywidget modules and the ipywidgets + plotly figure)
    try:
        page.wait_for_function(
            """([panel, kinds]) => {
                const p = document.querySelector(panel);
                if (!p) return false;
                const ws = Array.from(p.querySelectorAll(".thalbook-widget"));
                const have = new Set(ws.map((w) => w.dataset.kind));
                // the figure's own labels, not the empty axes plotly draws before its data arrives
                return kinds.every((k) => have.has(k)) && ws.every((w) => w.dataset.ready === "true")
                    && Array.from(p.querySelectorAll(".js-plotly-plot .ytick text")).some((t) => t.textContent.includes("16/83"));
            }""",
            arg=[PANEL, list(KINDS)],
            timeout=90_000,
        )
    except Exception:  # noqa: BLE001
        outputs = page.locator(PANEL + " .jp-OutputArea").all_inner_texts()
        pytest.fail(
            "the gallery's widgets did not all render within 90 s.\ncell outputs:\n"
            + "\n---\n".join(o[:500] for o in outputs)
            + f"\npage errors: {s.page_errors}\nconsole errors: {s.console_errors[:10]}"
        )


# --------------------------------------------------------------------------- the tests
def _visible_verdict(question):
    # the verdict's <strong>; the hidden "(the right answer)" mark beside it is for presenter mode
    return question.locator(".tb-feedback:not([hidden]) .tb-verdict strong")


def test_stepper_browser_and_kernel(session):
    from playwright.sync_api import expect

    st = session.widget("stepper")
    expect(st).to_have_count(1)
    progress = st.locator(".tb-progress-text")
    expect(progress).to_have_text("Stage 1 of 4")
    expect(st.locator(".tb-back")).to_be_disabled()

    st.locator(".tb-next").click()
    expect(progress).to_have_text("Stage 2 of 4")
    stage = st.locator(".tb-stage:not([hidden])")
    expect(stage).to_have_count(1)
    stage.get_by_role("radio", name="No, no whole number of 27 rounds to 64%.").check()
    stage.locator(".tb-check").click()  # choosing only selects; Check answer answers
    expect(_visible_verdict(stage)).to_have_text("Correct.")
    expect(st.locator("p.tb-score")).to_have_text(re.compile(r"^Score: 1 of 1 \(1 answered"))

    st.locator(".tb-back").click()
    expect(progress).to_have_text("Stage 1 of 4")

    # browser -> kernel: the checked answer (option 1, index 0), the first-answer score and the stage are in the traits
    got = session.probe(
        'out = {"answers": w.answers, "scored": w.scored, "score": w.score, "stage": w.stage}'
    )
    assert got == {"answers": {"possible": 0}, "scored": {"possible": True}, "score": 1, "stage": 0}, (
        f"the stepper's traits in the kernel do not match what was done in the browser: {got}"
    )

    # kernel -> browser
    session.probe('w.stage = 3\nout = {"stage": w.stage}')
    expect(progress).to_have_text("Stage 4 of 4")
    expect(st.locator(".tb-stage:not([hidden]) .tb-stage-title")).to_have_text("Verdict")
    expect(st.locator(".tb-next")).to_be_disabled()


def test_case_decision_routes_both_ways(session):
    """A case stepper shown from the kernel: a decision made in the browser reaches the kernel's traits
    (choices, stage), and one made from Python (choose, next) changes the stage the browser shows."""
    from playwright.sync_api import expect

    # not `c`: the gallery binds c to its calculator, which later tests of this session read
    session.probe('case = tb.case_stepper("case-1")\ndisplay(case)\nout = {"stage": case.stage}')
    cw = session.panel.locator(".jp-Notebook .jp-CodeCell").last.locator('.thalbook-widget[data-kind="stepper"]')
    expect(cw).to_have_attribute("data-ready", "true", timeout=TIMEOUT)
    nxt = cw.locator(".tb-next")
    expect(nxt).to_be_disabled()  # the decision comes first
    cw.locator(".tb-choice-option").nth(1).click()  # "Start thalidomide now, as the review did ..."
    nxt.click()
    expect(cw.locator('.tb-stage[data-sid="treat-first"]')).to_be_visible()
    expect(cw.locator(".tb-progress-text")).to_have_text("Stage 2 of 8")
    got = session.probe('out = {"choices": case.choices, "stage": case.spec["stages"][case.stage]["id"]}')
    assert got == {"choices": {"presentation": 1}, "stage": "treat-first"}, got
    # kernel -> browser: another decision, made and followed from Python, in a fresh view of the same widget
    session.probe('case.stage = 0\ncase.choose("presentation", 2)\ncase.next()\ndisplay(case)\nout = {"stage": case.stage}')
    cw = session.panel.locator(".jp-Notebook .jp-CodeCell").last.locator('.thalbook-widget[data-kind="stepper"]')
    expect(cw.locator('.tb-stage[data-sid="wait-first"]')).to_be_visible(timeout=TIMEOUT)
    expect(cw.locator('.tb-choice-option[aria-pressed="true"]')).to_have_count(1)


def test_case_summary_is_linked_and_announced_live(session):
    """A case walked to its end in JupyterLab: three answers set from Python, the last given wrongly in the
    browser. The summary (the same ES module as the site) lists the missed question with its Read: link to
    the lecture copy of its page, and the live region says it; the kernel holds the same score.
    By hand from data/cases/case-2.yaml: the right options of case2-workup, case2-decision and
    case2-monitoring are 1, 3 and 2 (from 0); case2-appraisal teaches on page 3.3 ("3.3 Case vignettes")."""
    from playwright.sync_api import expect

    # the probe cell is rewritten by every probe, so the state is set and the widget shown in one cell
    got = session.probe(
        'case2 = tb.case_stepper("case-2")\n'
        'case2.answers = {"case2-workup": 1, "case2-decision": 3, "case2-monitoring": 2}\n'
        'case2.choose("presentation", 0)\ncase2.stage = len(case2.spec["stages"]) - 1\ndisplay(case2)\n'
        'out = {"stage": case2.spec["stages"][case2.stage]["id"]}'
    )
    assert got == {"stage": "appraisal"}, got
    cw = session.panel.locator(".jp-Notebook .jp-CodeCell").last.locator('.thalbook-widget[data-kind="stepper"]')
    expect(cw).to_have_attribute("data-ready", "true", timeout=TIMEOUT)
    live = cw.locator(".tb-live")
    expect(live).to_have_attribute("aria-live", "polite")
    summary = cw.locator(".tb-debrief")
    stage = cw.locator('.tb-stage[data-sid="appraisal"]')
    expect(stage).to_be_visible(timeout=TIMEOUT)
    expect(cw.locator(".tb-progress-text")).to_have_text("Stage 8 of 8")
    expect(summary).to_be_hidden()  # three of four answered
    stage.get_by_role("radio", name="The whole improvement, since thalidomide is named first").check()
    stage.locator(".tb-check").click()
    expect(_visible_verdict(stage)).to_have_text("Not correct.")
    expect(summary).to_be_visible()
    expect(summary.locator(".tb-debrief-score")).to_have_text("You answered 3 of 4 right at the first try.")
    expect(summary.locator(".tb-debrief-missed li")).to_have_count(1)
    expect(summary.locator(".tb-debrief-missed li")).to_contain_text("Question 4: If the girl truly improved")
    link = summary.locator("a.tb-debrief-link")
    expect(link).to_have_text("Read: 3.3 Case vignettes")
    # the lecture copies keep the book's folders: a case page two folders below the root links the copy
    expect(link).to_have_attribute("href", "../../chapters/3-clinical-efficacy/3.3-case-vignettes.ipynb")
    expect(live).to_have_text("Your summary, below the stage: You answered 3 of 4 right at the first try. "
                              "Questions to read up on: 1, each with a link to its page.", timeout=TIMEOUT)
    got = session.probe('out = {"scored": case2.scored, "score": case2.score}')
    assert got == {"scored": {"case2-workup": True, "case2-decision": True, "case2-monitoring": True,
                              "case2-appraisal": False}, "score": 3}, got


def test_quiz_scores_the_first_answers(session):
    from playwright.sync_api import expect

    qz = session.widget("quiz")
    expect(qz).to_have_count(1)
    questions = qz.locator("fieldset.tb-question")
    expect(questions).to_have_count(4)
    right = questions.nth(0)
    right.get_by_role("radio", name="Its listed details matched no real paper in the searches described").check()
    # a selection alone is no answer: the kernel's answers stay empty until "Check answer"
    expect(right.locator(".tb-check")).to_be_enabled()
    assert session.probe('out = {"answers": q.answers}') == {"answers": {}}
    right.locator(".tb-check").click()
    expect(_visible_verdict(right)).to_have_text("Correct.")
    wrong = questions.nth(1)
    wrong.get_by_role("radio", name="16 of 51").check()
    wrong.locator(".tb-check").click()
    expect(_visible_verdict(wrong)).to_have_text("Not correct.")
    expect(qz.locator("p.tb-score")).to_have_text(
        re.compile(r"^Score: 1 of 4 \(2 answered; first answer scored\)")
    )

    got = session.probe('out = {"answers": q.answers, "score": q.score}')
    assert got == {"answers": {"not-found-meaning": 2, "itt-vs-evaluable": 1}, "score": 1}, got

    # kernel -> browser: an answer set in Python is a checked answer (option 2 of illustrative-weight is
    # right in data/quizzes/evidence-labels.yaml), scored by the same JS
    session.probe('q.answers = {**q.answers, "illustrative-weight": 1}\nout = {}')
    expect(_visible_verdict(questions.nth(2))).to_have_text("Correct.")
    expect(qz.locator("p.tb-score")).to_have_text(
        re.compile(r"^Score: 2 of 4 \(3 answered; first answer scored\)")
    )
    assert session.probe('out = {"scored": q.scored, "score": q.score}') == {
        "scored": {"not-found-meaning": True, "itt-vs-evaluable": False, "illustrative-weight": True}, "score": 2
    }


def test_lookup_grades_a_count(session):
    from playwright.sync_api import expect

    lk = session.widget("lookup")
    expect(lk).to_have_count(1)
    lk.locator("select.tb-select").select_option(label="Neutrophil count (ANC)")
    value, unit = lk.locator("input.tb-value"), lk.locator("select.tb-unit")
    result, msg = lk.locator(".tb-numeric-result"), lk.locator(".tb-msg")
    unit.select_option("/mm³")

    value.fill("999")
    expect(result).to_have_text("Result: Grade 3")
    expect(result).to_be_visible()
    expect(msg).to_have_text("")
    expect(lk.locator('.tb-card[data-row="anc-g3"]')).to_be_visible()
    value.fill("1000")
    expect(result).to_have_text("Result: Grade 2")
    expect(lk.locator('.tb-card[data-row="anc-g2"]')).to_be_visible()
    expect(lk.locator('.tb-card[data-row="anc-g3"]')).to_be_hidden()

    unit.select_option("×10⁹/L")
    value.fill("0.999")
    expect(result).to_have_text("Result: Grade 3")

    got = session.probe(
        'out = {"result": e.result, "value": e.value, "unit": e.unit, "selection": e.selection}'
    )
    assert got["result"]["grade"] == 3, f"grade 3 did not reach the kernel: {got}"
    assert got["result"]["rows"] == ["anc-g3"] and got["result"]["error"] is None, got
    assert got["result"]["value_base"] == pytest.approx(999), got
    assert (got["value"], got["unit"], got["selection"]) == ("0.999", "×10⁹/L", {"test": "anc"}), got

    for bad, message in (
        ("-1", "Enter a value from 0 to 100 ×10⁹/L."),
        ("abc", "Enter a number, for example 1200."),
    ):
        value.fill(bad)
        expect(msg).to_have_text(message)
        expect(value).to_have_attribute("aria-invalid", "true")
        expect(result).to_be_hidden()
        expect(result).to_have_text("")
        expect(lk.locator(".tb-card:not([hidden])")).to_have_count(0)

    got = session.probe("out = e.result")
    assert got["grade"] is None and got["error"] == "Enter a number, for example 1200.", got


def test_calculator_wilson_interval(session):
    from playwright.sync_api import expect
    from statsmodels.stats.proportion import proportion_confint

    calc = session.widget("calculator")
    expect(calc).to_have_count(1)
    x, n = calc.locator('input.tb-input[data-name="x"]'), calc.locator('input.tb-input[data-name="n"]')

    def out(name):
        return calc.locator(f'dd.tb-out[data-name="{name}"]')

    low, high = proportion_confint(16, 83, alpha=0.05, method="wilson")
    x.fill("16")
    n.fill("83")
    expect(out("count")).to_have_text("16/83")
    expect(out("proportion")).to_have_text("19.3%")
    expect(out("low")).to_have_text(f"{100 * low:.1f}%")
    expect(out("high")).to_have_text(f"{100 * high:.1f}%")
    expect(calc.locator(".tb-msg")).to_have_text(["", ""])

    got = session.probe('out = {"inputs": c.inputs, "outputs": c.outputs}')
    assert got == {
        "inputs": {"x": "16", "n": "83"},
        "outputs": {
            "count": "16/83",
            "proportion": "19.3%",
            "low": f"{100 * low:.1f}%",
            "high": f"{100 * high:.1f}%",
        },
    }, got

    x.fill("90")
    expect(calc.locator(f"#{x.get_attribute('aria-describedby')}")).to_have_text("Must not be more than n.")
    expect(x).to_have_attribute("aria-invalid", "true")
    for name in ("count", "proportion", "low", "high"):
        expect(out(name)).to_have_text("–")


def test_linked_figure_switches_denominator(session):
    from playwright.sync_api import expect

    plot = session.panel.locator(".js-plotly-plot")
    expect(plot).to_have_count(1)
    ticks = plot.locator(".ytick text")
    try:
        expect(ticks.filter(has_text="16/83")).to_have_count(1)
    except AssertionError:
        session.page.screenshot(path="/tmp/tb-live-figure.png")
        pytest.fail(f"tick labels: {ticks.all_inner_texts()}; plots: {plot.count()}")
    expect(ticks.filter(has_text="16/51")).to_have_count(0)

    toggle = session.panel.locator(".widget-toggle-buttons").get_by_role("button", name="evaluable patients")
    toggle.click()
    expect(ticks.filter(has_text="16/51")).to_have_count(1, timeout=TIMEOUT)
    expect(ticks.filter(has_text="16/83")).to_have_count(0)

    got = session.probe('out = {"state": f.state, "ticks": list(f.figure.layout.yaxis.ticktext)}')
    assert got["state"] == "evaluable", got
    assert any("16/51" in y for y in got["ticks"]) and not any("16/83" in y for y in got["ticks"]), got


def _contrast(rgb_a: tuple, rgb_b: tuple) -> float:
    """WCAG 2 contrast ratio of two sRGB colours (0-255)."""
    def lum(rgb):
        c = [v / 255 for v in rgb]
        c = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    hi, lo = sorted((lum(rgb_a), lum(rgb_b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_matches_wcag_examples():
    # WCAG 2: black on white is 21:1; #767676 on white is the familiar 4.54:1
    assert _contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert _contrast((0x76, 0x76, 0x76), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)


# the tick label's fill and the first opaque background behind the plot
_TICK_AND_BACKGROUND = """(panel) => {
    const p = document.querySelector(panel);
    const tick = p.querySelector(".js-plotly-plot .ytick text");
    const rgb = (s) => (s.match(/[0-9.]+/g) || []).map(Number);
    let el = tick.closest(".js-plotly-plot"), bg = null;
    while (el) {
        const c = rgb(getComputedStyle(el).backgroundColor);
        if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) { bg = c.slice(0, 3); break; }
        el = el.parentElement;
    }
    return { fill: rgb(getComputedStyle(tick).fill).slice(0, 3), bg: bg || [255, 255, 255],
             light: document.body.dataset.jpThemeLight };
}"""


def test_figure_text_is_readable_in_the_dark_theme(session):
    page = session.page
    try:
        for theme, light in (("JupyterLab Dark", "false"), ("JupyterLab Light", "true")):
            page.evaluate(f"() => window.jupyterapp.commands.execute('apputils:change-theme', {{theme: '{theme}'}})")
            page.wait_for_function(f"() => document.body.dataset.jpThemeLight === '{light}'", timeout=TIMEOUT)
            page.wait_for_timeout(300)  # the theme's CSS variables apply on the next frame
            got = page.evaluate(_TICK_AND_BACKGROUND, PANEL)
            ratio = _contrast(tuple(got["fill"]), tuple(got["bg"]))
            assert ratio >= 4.5, f"{theme}: axis labels {got['fill']} on {got['bg']}: contrast {ratio:.2f} < 4.5"
    finally:
        page.evaluate("() => window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Light'})")


def test_calculator_labels_are_not_chopped(session):
    """JupyterLab floats every output's <dt> at 20% width; the calculator's labels stay on one line."""
    dts = session.widget("calculator").locator("dl.tb-outputs dt")
    boxes = dts.evaluate_all(
        """(els) => els.map((e) => ({ text: e.textContent, float: getComputedStyle(e).float,
                 height: e.getBoundingClientRect().height, font: parseFloat(getComputedStyle(e).fontSize) }))"""
    )
    assert [b["text"] for b in boxes] == ["Count", "Proportion", "95% interval, lower", "95% interval, upper"]
    for b in boxes:
        assert b["float"] == "none", b
        assert b["height"] < 2 * b["font"], f"the label {b['text']!r} wraps: {b}"


def test_stepper_controls_in_view_on_a_projector(session):
    """At 960x540 Back/Next sit above the stage, so a tall stage never pushes them below the fold."""
    page = session.page
    page.set_viewport_size({"width": 960, "height": 540})
    try:
        st = session.widget("stepper")
        st.scroll_into_view_if_needed()
        st.evaluate("(el) => el.scrollIntoView({block: 'start'})")
        nxt = st.locator(".tb-next").bounding_box()
        stage = st.locator(".tb-stage:not([hidden])").bounding_box()
        assert nxt["y"] < stage["y"], f"Next ({nxt}) is below the stage's top ({stage})"
        assert 0 <= nxt["y"] and nxt["y"] + nxt["height"] <= 540, f"Next is outside the 540 px screen: {nxt}"
    finally:
        page.set_viewport_size({"width": 1400, "height": 1000})


def test_news_popup_is_off(session, lab):
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    url = lab.url + "lab/api/settings/@jupyterlab/apputils-extension:notification"
    with direct.open(url, timeout=10) as r:
        fetch_news = json.loads(r.read())["schema"]["properties"]["fetchNews"]
    # overrides.json becomes the setting's default for everyone on this server
    assert fetch_news["default"] == "false", fetch_news
    toasts = session.page.locator(".jp-toast-message, .Toastify__toast").all_inner_texts()
    assert not any("news" in t.lower() for t in toasts), toasts


def test_no_request_left_the_machine(session):
    """Runs last: the whole session (JupyterLab, widgets, plotly) fetched nothing from another host."""
    assert session.external_requests == [], f"requests to other hosts: {session.external_requests}"
    assert session.page_errors == [], (
        f"uncaught errors in the page: {session.page_errors}\nconsole errors: {session.console_errors[:10]}"
    )


# --------------------------------------------------------------------------- every widget page
# reads, in the page's kernel, every book widget made so far (ipywidgets keeps each live instance)
_WIDGETS = """from ipywidgets.widgets.widget import _instances as _i
from thalbook.widgets import LinkedFigure as _LF, ThalbookWidget as _TW
_ws = [w for w in list(_i.values()) if isinstance(w, (_TW, _LF))]
def _kind(w):
    return "figure" if isinstance(w, _LF) else w.KIND
"""

_READ = _WIDGETS + """out = {}
for w in _ws:
    k = _kind(w)
    out.setdefault(k, []).append({"stepper": lambda: w.stage, "quiz": lambda: w.answers, "lookup": lambda: w.selection,
                                  "calculator": lambda: w.inputs, "figure": lambda: w.state}[k]())
"""

# the first widget of each kind set from Python; what the page must then show
_DRIVE = _WIDGETS + """out = {}
for w in _ws:
    k = _kind(w)
    if k in out:
        continue
    if k == "stepper":
        w.stage = len(w.spec["stages"]) - 1
        out[k] = {"sel": f'[id^="{w.dom_id}-stage-"]', "text": f"Stage {w.stage + 1} of {len(w.spec['stages'])}",
                  "branched": any(st.get("branch") or st.get("choices") for st in w.spec["stages"])}
    elif k == "quiz":
        q = w.spec["questions"][-1]
        right = next(i for i, o in enumerate(q["options"]) if o["correct"])
        w.answers = {**w.answers, q["id"]: right}
        out[k] = {"sel": f'[id^="{w.dom_id}-q-"]', "qid": q["id"], "option": right}
    elif k == "lookup":
        s = next(s for s in w.spec["selectors"] if len(s.get("options", [])) > 1)
        value = s["options"][-1]["value"]
        w.selection = {**w.selection, s["name"]: value}
        out[k] = {"sel": f'[id^="{w.dom_id}-sel-"]', "name": s["name"], "value": value}
    elif k == "calculator":
        name = w.spec["inputs"][0]["name"]
        w.inputs = {**w.inputs, name: "7"}
        out[k] = {"sel": f'[id^="{w.dom_id}-in-"]', "name": name, "value": "7"}
    elif k == "figure":
        o = w.spec["control"]["options"][-1]
        w.state = o["value"]
        out[k] = {"label": o["label"], "value": o["value"]}
"""

_OPEN = """async (path) => {
    const app = window.jupyterapp;
    await app.restored;  // every plugin (the document manager's commands too) has started
    for (const w of Array.from(app.shell.widgets("main"))) {
        if (w.sessionContext) { try { await w.sessionContext.shutdown(); } catch (e) { /* gone already */ } }
        if (w.context && w.context.model) w.context.model.dirty = false;
        w.dispose();
    }
    await app.commands.execute("docmanager:open", { path, factory: "Notebook" });
}"""

# true once the kernel is idle and every code cell has run; an error output is returned as its text
_ALL_RAN = """() => {
    const w = window.jupyterapp.shell.currentWidget;
    const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
    if (!k || k.status !== "idle" || !w.content) return false;
    const cells = w.content.widgets.filter((c) => c.model.type === "code");
    for (const c of cells) {
        for (const o of c.model.outputs.toJSON()) {
            if (o.output_type === "error") return "cell " + (w.content.widgets.indexOf(c) + 1) + ": " + o.ename + ": " + o.evalue;
        }
    }
    return cells.length > 0 && cells.every((c) => c.model.executionCount !== null);
}"""


@pytest.fixture(scope="module")
def pages(browser, lab):
    """One JupyterLab tab for every widget page: each test closes the last page (and its kernel) first."""
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)
    context, s = _new_session(browser)
    s.page.goto(lab.url + "lab?reset", wait_until="domcontentloaded", timeout=60_000)
    s.page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=60_000)
    try:
        yield s
    finally:
        expect.set_options(timeout=5_000)
        context.close()


def _open_page(s: Session, rel: str, lab: Lab) -> None:
    s.probes = 0
    s.page.evaluate(_OPEN, rel)
    s.panel.locator(".jp-Notebook .jp-CodeCell").first.wait_for(timeout=60_000)
    s.page.wait_for_function(_ALL_RAN.replace("every((c) => c.model.executionCount !== null)", "length >= 0"),
                             timeout=60_000)


def _run_all_and_wait(s: Session, rel: str, lab: Lab) -> None:
    s.page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    try:
        result = s.page.wait_for_function(_ALL_RAN, timeout=120_000).json_value()
    except Exception:  # noqa: BLE001
        pytest.fail(f"{rel}: not every cell ran within 120 s; server log:\n{lab.log_tail()}")
    assert result is True, f"{rel}: {result}"


def _kind_locator(s: Session, kind: str):
    return s.panel.locator(".widget-toggle-buttons" if kind == "figure" else f'.thalbook-widget[data-kind="{kind}"]')


@pytest.mark.parametrize("rel", sorted(WIDGET_PAGES))
def test_widget_page_runs_live(pages, lab, rel):
    """Open, run all, wait for every cell; each kind clicked (read in the kernel) and set from Python."""
    from playwright.sync_api import expect

    s, expected = pages, WIDGET_PAGES[rel]
    _open_page(s, rel, lab)
    _run_all_and_wait(s, rel, lab)

    for kind, n in expected.items():
        expect(_kind_locator(s, kind), f"{rel}: {kind} widgets").to_have_count(n)
    expect(s.panel.locator(".thalbook-widget:not([data-ready='true'])")).to_have_count(0)
    expect(s.panel.locator(".jp-OutputArea-output", has_text="Error displaying widget")).to_have_count(0)
    before = s.probe(_READ)

    # the browser: one click (or entry) per kind, on the first widget of that kind
    clicked = {}
    for kind in expected:
        w = _kind_locator(s, kind).first
        if kind == "stepper":
            # a case or course stepper opens on a decision: Next waits for a choice (cases branch)
            choice = w.locator(".tb-stage:not([hidden]) .tb-choice-option")
            if choice.count():
                choice.first.click()
            w.locator(".tb-next").click()
            expect(w.locator(".tb-progress-text")).to_have_text(re.compile(r"^Stage 2 of \d+"))
        elif kind == "quiz":
            q = w.locator("fieldset.tb-question").first
            q.locator("input.tb-radio").first.check()
            q.locator(".tb-check").click()  # choosing only selects; "Check answer" answers (quizzes)
            # the chosen option's feedback, or in presenter mode "Answer recorded" alone
            expect(q.locator(".tb-feedback:not([hidden]), .tb-qstatus:not([hidden])").first).to_be_visible()
            expect(q.locator(".tb-feedback:not([hidden])")).to_have_count(0 if q.locator(".tb-question-controls:not([hidden]) .tb-reveal").count() else 1)
        elif kind == "lookup":
            sel = w.locator("select.tb-select").first
            values = sel.locator("option").evaluate_all("(os) => os.map((o) => o.value)")
            choice = next(v for v in values if v != sel.input_value())
            sel.select_option(choice)
            clicked[kind] = (sel.get_attribute("data-name"), choice)
        elif kind == "calculator":
            box = w.locator("input.tb-input").first
            box.fill("10")
            clicked[kind] = (box.get_attribute("data-name"), "10")
        elif kind == "figure":
            buttons = w.locator("button")
            buttons.last.click()
            expect(buttons.last).to_have_class(re.compile("mod-active"))
            clicked[kind] = buttons.last.inner_text().strip()

    after = s.probe(_READ)
    for kind in expected:
        changed = [(b, a) for b, a in zip(before[kind], after[kind]) if a != b]
        assert len(changed) == 1, f"{rel}: {kind}: expected one widget changed in the kernel, got {changed}"
        b, a = changed[0]
        if kind == "stepper":
            assert (b, a) == (0, 1), changed
        elif kind == "quiz":
            assert len(a) == len(b) + 1 and 0 in a.values(), changed
        elif kind in ("lookup", "calculator"):
            name, value = clicked[kind]
            assert a[name] == value, changed

    # the kernel: the first widget of each kind set from Python, the page follows
    driven = s.probe(_DRIVE)
    assert set(driven) == set(expected), driven
    for kind, d in driven.items():
        if kind == "figure":
            expect(_kind_locator(s, kind).first.get_by_role("button", name=d["label"])).to_have_class(re.compile("mod-active"))
            continue
        w = s.panel.locator(f'.thalbook-widget[data-kind="{kind}"]:has({d["sel"]})')
        expect(w).to_have_count(1)
        if kind == "stepper":
            # a branching case counts stages along its route (8 of 10 in the file): the last stage ends it
            want = r"^Stage (\d+) of \1\b" if d["branched"] else "^" + re.escape(d["text"])
            expect(w.locator(".tb-progress-text")).to_have_text(re.compile(want))
        elif kind == "quiz":
            expect(w.locator(f'fieldset[data-qid="{d["qid"]}"] input.tb-radio[value="{d["option"]}"]')).to_be_checked()
        elif kind == "lookup":
            expect(w.locator(f'select.tb-select[data-name="{d["name"]}"]')).to_have_value(d["value"])
        elif kind == "calculator":
            expect(w.locator(f'input.tb-input[data-name="{d["name"]}"]')).to_have_value(d["value"])


def test_the_copies_show_numbers_and_fold_lecturer_notes(pages, lab):
    """jupyterlab-myst renders the copy: glued numbers in the text (Raza 2001: 16/83, 19%, by intention to
    treat, the bib entry's checked field), admonitions as boxes, "For lecturers" folded."""
    from playwright.sync_api import expect

    rel = "3-clinical-efficacy/3.2-clinical-studies.ipynb"
    _open_page(pages, rel, lab)
    text = pages.panel.locator(".jp-MarkdownCell").all_inner_texts()
    joined = "\n".join(text)
    assert "16/83 (19%, verified)" in joined
    assert "{glue" not in joined and "{footcite}" not in joined and "```{admonition}" not in joined
    notes = pages.panel.locator("details", has_text="For lecturers")
    expect(notes).to_have_count(1)
    assert notes.first.get_attribute("open") is None, "the lecturer notes are open on the projector"


def test_a_saved_page_reopens_without_stale_widgets(pages, lab):
    """Run and save a page; the next make live start clears it, so it reopens with no dead widget."""
    from playwright.sync_api import expect

    from thalbook.site import live

    rel = "5-conclusions/5.2-open-issues-and-prospects.ipynb"
    path = lab.book / "chapters" / rel
    _open_page(pages, rel, lab)
    _run_all_and_wait(pages, rel, lab)
    expect(_kind_locator(pages, "calculator")).to_have_count(1)
    pages.page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    saved = lambda: json.loads(path.read_text(encoding="utf-8"))  # noqa: E731
    deadline = time.monotonic() + 15
    while not any(o.get("data", {}).get("application/vnd.jupyter.widget-view+json")
                  for c in saved()["cells"] for o in c.get("outputs", [])):
        assert time.monotonic() < deadline, "the page was not saved with its widget outputs"
        time.sleep(0.2)
    pages.page.evaluate(_OPEN.replace('await app.commands.execute("docmanager:open", { path, factory: "Notebook" });', ""), rel)

    report = live.prepare(ROOT, lab.book)  # the next `make live`
    assert rel in report.cleared, report
    assert rel not in report.refreshed + report.conflicts, report

    _open_page(pages, rel, lab)
    expect(pages.panel.locator(".jp-OutputArea-output")).to_have_count(0)
    expect(pages.panel.locator(".jp-OutputArea-output", has_text="Error displaying widget")).to_have_count(0)
    _run_all_and_wait(pages, rel, lab)
    expect(_kind_locator(pages, "calculator")).to_have_count(1)
    expect(pages.panel.locator(".thalbook-widget[data-ready='true']")).to_have_count(1)


def test_notebook7_shows_the_same_widgets(browser, lab):
    """Notebook 7 (the notebook package, same server) renders and runs the gallery's widgets."""
    context, s = _new_session(browser)
    try:
        page = s.page
        page.goto(lab.url + "notebooks/" + NOTEBOOK, wait_until="domcontentloaded", timeout=60_000)
        page.wait_for_function(
            """() => { const a = window.jupyterapp; const w = a && a.shell.currentWidget;
                const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
                return Boolean(k && k.status === "idle"); }""",
            timeout=60_000,
        )
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(
            """(kinds) => { const ws = Array.from(document.querySelectorAll(".thalbook-widget"));
                const have = new Set(ws.map((w) => w.dataset.kind));
                return kinds.every((k) => have.has(k)) && ws.every((w) => w.dataset.ready === "true"); }""",
            arg=list(KINDS),
            timeout=90_000,
        )
        st = page.locator('.thalbook-widget[data-kind="stepper"]').first
        st.locator(".tb-next").click()
        from playwright.sync_api import expect

        # the progress line counts; the stage's title is said once, in the live region (as on the site)
        expect(st.locator(".tb-progress-text")).to_have_text("Stage 2 of 4")
        expect(st.locator(".tb-stage:not([hidden]) .tb-stage-title")).to_have_text("Can the number be true?")
        expect(st.locator("[aria-live]")).to_have_text("Stage 2 of 4: Can the number be true?")
        assert s.external_requests == [], s.external_requests
    finally:
        page.evaluate("""async () => { const w = window.jupyterapp.shell.currentWidget;
            if (w && w.sessionContext) await w.sessionContext.shutdown(); }""")
        context.close()


def test_pages_fetched_nothing_from_another_host(pages):
    """Runs after the widget pages: none of them fetched anything from another host or threw."""
    assert pages.external_requests == [], f"requests to other hosts: {pages.external_requests}"
    assert pages.page_errors == [], f"uncaught errors: {pages.page_errors}\nconsole: {pages.console_errors[:10]}"
