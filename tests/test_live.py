"""Live: the gallery notebook in a real JupyterLab, driven by chromium, with a real kernel.

One JupyterLab server (everything it writes goes to a temporary folder), one copy of
chapters/back/widget-gallery.ipynb, one page. The copy names each widget (``w = tb.stepper(...); w``)
and ends with a probe cell whose source the test replaces and runs to read traits in the kernel
(browser -> kernel) or to set them (kernel -> browser). The repository's notebook is never opened.
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
    probe = copy.deepcopy(next(c for c in nb["cells"] if c["cell_type"] == "code"))
    probe.update(source='print("probe ready")', outputs=[], execution_count=None, metadata={})
    probe.pop("id", None)
    if nb.get("nbformat_minor", 0) >= 5:
        probe["id"] = "tb-live-probe"
    nb["cells"].append(probe)
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

    def log_tail(self) -> str:
        return _log_tail(self.log)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving a temporary folder that holds the copy.

    Config, runtime, settings, workspaces, IPython and the trust database live in that temporary
    folder too; JUPYTER_DATA_DIR is left alone so the venv's lab extensions are found.
    """
    if not JUPYTER.is_file():
        pytest.fail(f"no jupyter in the venv ({JUPYTER}): `make env` installs it")
    tmp = tmp_path_factory.mktemp("live")
    root, home = tmp / "root", tmp / "home"
    config, runtime, ipython = home / "config", home / "runtime", home / "ipython"
    settings, workspaces = config / "lab" / "user-settings", config / "lab" / "workspaces"
    for d in (root, config, runtime, ipython, settings, workspaces, home / "data"):
        d.mkdir(parents=True, exist_ok=True)
    # every cell in the DOM (no windowing): widgets below the fold render and can be found
    tracker = settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))
    _notebook_copy(root / NOTEBOOK)

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
    cmd = [
        str(JUPYTER),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--allow-root",
        "--ServerApp.token=",
        "--ServerApp.password=",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.expose_app_in_browser=True",
        f"--NotebookNotary.data_dir={home / 'data'}",  # the trust database, written on save
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={workspaces}",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield Lab(_wait_for_server(proc, runtime, port, log), log)
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
        return json.loads(text.split(marker, 1)[1].strip().splitlines()[0])


@pytest.fixture(scope="module")
def session(browser, lab):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)  # a round trip through the kernel can take a moment
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
                return kinds.every((k) => have.has(k)) && ws.every((w) => w.dataset.ready === "true")
                    && p.querySelectorAll(".js-plotly-plot .ytick text").length > 0;
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
    expect(progress).to_have_text("Stage 1 of 4: The claim")
    expect(st.locator(".tb-back")).to_be_disabled()

    st.locator(".tb-next").click()
    expect(progress).to_have_text("Stage 2 of 4: Can the number be true?")
    stage = st.locator(".tb-stage:not([hidden])")
    expect(stage).to_have_count(1)
    stage.get_by_role("radio", name="No, no whole number of 27 rounds to 64%.").check()
    expect(_visible_verdict(stage)).to_have_text("Correct.")
    expect(st.locator("p.tb-score")).to_have_text(re.compile(r"^Score: 1 of 1 \(1 answered"))

    st.locator(".tb-back").click()
    expect(progress).to_have_text("Stage 1 of 4: The claim")

    # browser -> kernel: the choice (option 1), the first-answer score and the stage are in the traits
    got = session.probe(
        'out = {"answers": w.answers, "scored": w.scored, "score": w.score, "stage": w.stage}'
    )
    assert got == {"answers": {"possible": 1}, "scored": {"possible": True}, "score": 1, "stage": 0}, (
        f"the stepper's traits in the kernel do not match what was done in the browser: {got}"
    )

    # kernel -> browser
    session.probe('w.stage = 3\nout = {"stage": w.stage}')
    expect(progress).to_have_text("Stage 4 of 4: Verdict")
    expect(st.locator(".tb-stage:not([hidden]) .tb-stage-title")).to_have_text("Stage 4 of 4: Verdict")
    expect(st.locator(".tb-next")).to_be_disabled()


def test_quiz_scores_the_first_answers(session):
    from playwright.sync_api import expect

    qz = session.widget("quiz")
    expect(qz).to_have_count(1)
    questions = qz.locator("fieldset.tb-question")
    expect(questions).to_have_count(4)
    right = questions.nth(0)
    right.get_by_role(
        "radio", name="The listed details could not be matched to a real paper in the searches described."
    ).check()
    expect(_visible_verdict(right)).to_have_text("Correct.")
    wrong = questions.nth(1)
    wrong.get_by_role("radio", name="16 of 51").check()
    expect(_visible_verdict(wrong)).to_have_text("Not correct.")
    expect(qz.locator("p.tb-score")).to_have_text(
        re.compile(r"^Score: 1 of 4 \(2 answered; first answer scored\)")
    )

    got = session.probe('out = {"answers": q.answers, "score": q.score}')
    assert got == {"answers": {"not-found-meaning": 1, "itt-vs-evaluable": 1}, "score": 1}, got


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
    expect(ticks.filter(has_text="16/83")).to_have_count(1)
    expect(ticks.filter(has_text="16/51")).to_have_count(0)

    toggle = session.panel.locator(".widget-toggle-buttons").get_by_role("button", name="evaluable patients")
    toggle.click()
    expect(ticks.filter(has_text="16/51")).to_have_count(1, timeout=TIMEOUT)
    expect(ticks.filter(has_text="16/83")).to_have_count(0)

    got = session.probe('out = {"state": f.state, "ticks": list(f.figure.layout.yaxis.ticktext)}')
    assert got["state"] == "evaluable", got
    assert any("16/51" in y for y in got["ticks"]) and not any("16/83" in y for y in got["ticks"]), got


def test_no_request_left_the_machine(session):
    """Runs last: the whole session (JupyterLab, widgets, plotly) fetched nothing from another host."""
    assert session.external_requests == [], f"requests to other hosts: {session.external_requests}"
    assert session.page_errors == [], (
        f"uncaught errors in the page: {session.page_errors}\nconsole errors: {session.console_errors[:10]}"
    )
