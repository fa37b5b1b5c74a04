"""Thin Python classes for the book's widgets (stepper, quiz, lookup explorer, calculator).

Each widget kind is one ES module in ``thalbook/widgets/static/`` (``stepper.js``, ``quiz.js``, ``lookup.js``,
``calculator.js``, ``figure.js``, all sharing ``core.js``). The same module runs

* live in JupyterLab through anywidget (``_esm`` = core.js + the kind's module), and
* on the static site through ``boot.js`` and a tiny model shim, enhancing the *static twin*:
  the HTML this module prerenders into the output's ``text/html``.

The Python side only passes data as traits: Markdown fields are rendered to sanitised HTML here
(``text.markdown``), plain fields are escaped; every decision (scoring, matching, grading,
calculating) is made in JavaScript so it also works on a page without a kernel.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _pkg_version
from pathlib import Path
from typing import Any

import anywidget
import traitlets as t

from ..core.calculator import CALCULATORS
from ..core.numbers import slug as _slug
from ..core.stepper import next_index as stepper_next
from ..core.stepper import route as stepper_route
from ..core.stepper import route_length as stepper_route_length
from ..core.stepper import route_problems as stepper_problems
from ..core.text import clean, escape, markdown

STATIC = Path(__file__).parent / "static"

_CORE_IMPORT = re.compile(r"^\s*import\s[^;]*?from\s+[\"']\./core\.js[\"'];?\s*$", re.MULTILINE | re.DOTALL)


def _read(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def bundle(kind: str) -> str:
    """core.js + the kind's module with its ``import ... from "./core.js"`` removed (anywidget's blob)."""
    return _read("core.js") + "\n" + _CORE_IMPORT.sub("", _read(f"{kind}.js"))


def css() -> str:
    return _read("thalbook.css")


def state_json(state: Mapping[str, Any]) -> str:
    """JSON safe to place inside ``<script type="application/json">``."""
    s = json.dumps(state, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # "</" -> "<\/" (the contract); any other "<" opening a tag-like sequence -> \u003c, so the JSON
    # never contains "<script", "<!--" or "</" and an HTML scanner sees no markup in it
    return re.sub(r"<(?=[!?a-zA-Z])", r"\\u003c", s.replace("</", "<\\/"))


def book_version() -> str:
    """The book's version (pyproject.toml, via the installed package): the namespace of the progress a
    reader's browser keeps, so a new edition never reads answers given to another."""
    try:
        return _pkg_version("thalbook")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "dev"


def _badge(status: str | None) -> str:
    if not status:
        return ""
    return f'<span class="tb-badge tb-status-{_slug(status)}" data-status="{escape(status)}">{escape(status)}</span>'


def _cite(key: str) -> str:
    """The short author-year citation of a bibliography key, linked to the references page."""
    from ..data.citations import cite_html

    return cite_html(key)


def _meta(source: str | None, status: str | None) -> str:
    if not source and not status:
        return ""
    src = f'Source: <span class="tb-source">{_cite(source)}</span> ' if source else ""
    return f'<p class="tb-meta">{src}{_badge(status)}</p>'


def _md_field(d: dict, raw: str, out: str) -> None:
    """Render d[raw] (Markdown) into d[out]; an *_html given directly is sanitised again."""
    if raw in d:
        d[out] = markdown(d.pop(raw))
    else:
        d[out] = clean(d.get(out) or "")


# --------------------------------------------------------------------------- base
class OpensWhenReady:
    """Mixin for a widget whose state is complete only after its constructor: Widget.__init__ opens the
    comm at once, and a trait set after that reaches the front end as a later update, which under load
    can arrive after the first render (a quiz with no controls; a plotly figure with empty axes). The
    subclass sets ``_ready_to_open = False`` before ``super().__init__`` and calls ``opened()`` last."""

    _ready_to_open = True

    def open(self):
        if self._ready_to_open:
            super().open()

    def opened(self):
        self._ready_to_open = True
        self.open()


class ThalbookWidget(OpensWhenReady, anywidget.AnyWidget):
    """Base: ``kind``, ``spec`` (safe data), ``html`` (the twin's inner HTML) plus kind-specific state."""

    KIND = ""
    STATE: tuple[str, ...] = ()

    kind = t.Unicode("").tag(sync=True)
    spec = t.Dict().tag(sync=True)
    html = t.Unicode("").tag(sync=True)

    def __init__(self, spec: Mapping[str, Any], **state: Any):
        safe = self.prepare(copy.deepcopy(dict(spec)))
        self._ready_to_open = False  # the comm opens with the HTML already in the state
        super().__init__(kind=self.KIND, spec=safe, **state)
        self.html = self.render_inner()
        self.opened()

    # subclasses
    def prepare(self, spec: dict) -> dict:
        return spec

    def render_inner(self) -> str:
        raise NotImplementedError

    @property
    def dom_id(self) -> str:
        return f"tbw-{self.KIND}-{_slug(self.spec.get('id', self.KIND))}"

    def state(self) -> dict:
        """The traits the static page needs (everything but the HTML itself)."""
        return {"kind": self.kind, "spec": self.spec, **{k: getattr(self, k) for k in self.STATE}}

    def static_html(self) -> str:
        return (
            f'<div class="thalbook-widget" data-kind="{escape(self.KIND)}" id="{escape(self.dom_id)}"'
            f' data-version="{escape(book_version())}">'
            f"{self.render_inner()}"
            f'<script type="application/json" class="thalbook-state">{state_json(self.state())}</script>'
            "</div>"
        )

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs) or {}
        if isinstance(data, tuple):  # (data, metadata)
            data = data[0]
        data = dict(data)
        data["text/plain"] = f"<{type(self).__name__} {self.spec.get('id', '')!s}>"
        data["text/html"] = self.static_html()
        return data


def _title(spec: dict) -> str:
    return f'<h3 class="tb-title">{escape(spec["title"])}</h3>' if spec.get("title") else ""


def _live(wid: str) -> str:
    return f'<div class="tb-live tb-visually-hidden" id="{wid}-live" aria-live="polite" role="status"></div>'


# --------------------------------------------------------------------------- questions
def _prepare_question(q: dict) -> dict:
    q = dict(q)
    _md_field(q, "prompt", "prompt_html")
    opts = []
    for o in q.get("options", []):
        o = dict(o)
        _md_field(o, "feedback", "feedback_html")
        o["text"] = str(o.get("text", ""))
        o["correct"] = bool(o.get("correct", False))
        opts.append(o)
    q["options"] = opts
    return q


def _question_html(wid: str, q: dict, label: str) -> str:
    base = f"{wid}-q-{_slug(q['id'])}"
    out = [
        (
            f'<fieldset class="tb-question" data-qid="{escape(q["id"])}" id="{base}"'
            f' aria-labelledby="{base}-legend {base}-prompt">'
        ),
        f'<legend class="tb-legend" id="{base}-legend">{escape(label)}</legend>',
        f'<div class="tb-prompt" id="{base}-prompt">{q["prompt_html"]}</div>',
        '<ul class="tb-options">',
    ]
    for i, o in enumerate(q["options"]):
        verdict = "Correct." if o["correct"] else "Not correct."
        out.append(
            f'<li class="tb-option" data-option="{i}">'
            f'<label class="tb-option-label"><input type="radio" class="tb-radio" name="{base}" value="{i}"> '
            f'<span class="tb-option-text">{escape(o["text"])}</span></label>'
            f'<div class="tb-feedback" data-option="{i}" id="{base}-fb-{i}">'
            f'<p class="tb-verdict" data-correct="{str(o["correct"]).lower()}"><strong>{verdict}</strong>'
            f'<span class="tb-answer-mark" hidden> (the right answer)</span></p>'
            f"{o['feedback_html']}</div></li>"
        )
    out.append("</ul>")
    # choosing only selects (arrow keys move through the radio group); "Check answer" answers
    out.append('<p class="tb-check-row" hidden><button type="button" class="tb-check" disabled>Check answer</button></p>')
    out.append(_meta(q.get("source"), q.get("status")))
    out.append(
        '<p class="tb-question-controls" hidden>'
        '<button type="button" class="tb-reveal">Reveal answer</button></p>'
        '<p class="tb-qstatus" hidden></p></fieldset>'
    )
    return "".join(out)


class _QuestionState(ThalbookWidget):
    answers = t.Dict().tag(sync=True)  # question id -> option index (latest checked answer; a selection alone is not one)
    scored = t.Dict().tag(sync=True)  # question id -> was the FIRST answer right (set by JS)
    revealed = t.Dict().tag(sync=True)  # question id -> True once "Reveal answer" pressed (presenter mode)
    score = t.Int(0).tag(sync=True)
    presenter = t.Bool(False).tag(sync=True)

    def questions(self) -> dict[str, dict]:
        """question id -> question, for every question of the spec (a quiz's, or a stepper's stages')."""
        spec = self.spec or {}
        qs = spec.get("questions") or [s["question"] for s in spec.get("stages", []) if s.get("question")]
        return {q["id"]: q for q in qs}

    @t.validate("answers")
    def _check_answers(self, proposal):
        qs = self.questions()
        for qid, choice in proposal["value"].items():
            if qid not in qs:
                raise t.TraitError(f"{self.KIND} {self.spec.get('id')!r} has no question {qid!r}; its questions are: {', '.join(qs)}")
            n = len(qs[qid]["options"])
            if not isinstance(choice, int) or isinstance(choice, bool) or not 0 <= choice < n:
                raise t.TraitError(f"answer to {qid!r} must be an option number from 0 to {n - 1}, got {choice!r}")
        return proposal["value"]


def _debrief(wid: str) -> str:
    """The end-of-quiz summary, filled in by core.js once every question has been checked."""
    return (
        f'<section class="tb-debrief" hidden aria-labelledby="{wid}-debrief-title">'
        f'<h4 class="tb-debrief-title" id="{wid}-debrief-title" tabindex="-1">Your summary</h4>'
        '<p class="tb-debrief-score"></p>'
        '<p class="tb-debrief-lead" hidden>Questions to read up on:</p>'
        '<ul class="tb-debrief-missed"></ul></section>'
    )


class Quiz(_QuestionState):
    """spec: {id, title, questions: [{id, prompt, options: [{text, correct, feedback}], source, status,
    teaches?, teaches_title?}]}; ``teaches`` is the page (path without suffix) the summary links a missed
    question to."""

    KIND = "quiz"
    STATE = ("answers", "scored", "revealed", "score", "presenter")
    _esm = bundle("quiz")
    _css = css()

    def prepare(self, spec):
        spec["questions"] = [_prepare_question(q) for q in spec.get("questions", [])]
        return spec

    def render_inner(self):
        wid, qs = self.dom_id, self.spec["questions"]
        items = "".join(
            f'<li class="tb-quiz-item">{_question_html(wid, q, f"Question {i + 1} of {len(qs)}")}</li>'
            for i, q in enumerate(qs)
        )
        return (
            f'{_title(self.spec)}<ol class="tb-questions">{items}</ol>'
            f'<p class="tb-score" hidden></p>'
            f"{_debrief(wid)}"
            f'<p class="tb-controls" hidden><button type="button" class="tb-restart">Restart</button></p>'
            f"{_live(wid)}"
        )


def _note_html(nt: dict) -> str:
    """A boxed note of a stage: its label with a visible status badge, Markdown body, source."""
    status = nt.get("status")
    return (
        f'<div class="tb-stage-note tb-stage-note-{_slug(status or "plain")}">'
        f'<p class="tb-stage-note-label"><strong>{escape(nt["label"])}</strong> {_badge(status)}</p>'
        f'{nt["body_html"]}{_meta(nt.get("source"), None)}</div>'
    )


def _notes_html(stage: dict, before: bool) -> str:
    """The stage's notes placed before (``"before": true``) or after the body."""
    return "".join(_note_html(nt) for nt in stage.get("notes", []) if bool(nt.get("before")) == before)


def _table_html(tb: dict) -> str:
    """A data table of a stage: caption, column headers, the first cell of each row as its row header."""
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in tb["columns"])
    body = "".join(
        "<tr>" + "".join(
            f'<th scope="row">{escape(c)}</th>' if j == 0 else f"<td>{escape(c)}</td>" for j, c in enumerate(row)
        ) + "</tr>"
        for row in tb["rows"]
    )
    caption = f'{escape(tb["caption"])} {_badge(tb.get("status"))}'
    note = tb.get("note_html") or ""
    return (
        f'<div class="tb-table-wrap"><table class="tb-table"><caption>{caption}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        f'{f"<div class={chr(34)}tb-table-note{chr(34)}>{note}</div>" if note else ""}{_meta(tb.get("source"), None)}</div>'
    )


def _when_html(s: dict) -> str:
    """When the stage happens (a case's illustrative week), with its status badge."""
    w = s.get("when")
    return f'<p class="tb-stage-when">{escape(w["text"])} {_badge(w.get("status"))}</p>' if w else ""


def _reveal_html(s: dict) -> str:
    """What a stage shows once its question is answered (stepper.js hides it until then): the answer
    every option shares, written once instead of in each option's feedback."""
    if not s.get("reveal_html"):
        return ""
    return f'<div class="tb-stage-reveal" data-qid="{escape(s["question"]["id"])}">{s["reveal_html"]}</div>'


def _choice_html(wid: str, s: dict, titles: dict[str, str]) -> str:
    """A decision that routes the stepper: one button per option, each with its consequence. Without
    JavaScript every consequence reads in place; stepper.js shows only the chosen one."""
    base = f"{wid}-choice-{_slug(s['id'])}"
    ch = s["choice"]
    items = "".join(
        f'<li class="tb-choice-item" data-option="{i}">'
        f'<button type="button" class="tb-choice-option" data-option="{i}" aria-pressed="false">{escape(o["text"])}</button>'
        f'<div class="tb-consequence" data-option="{i}">{o["consequence_html"]}'
        f'<p class="tb-consequence-next">Next: {escape(titles.get(o["goto"], o["goto"]))}</p></div></li>'
        for i, o in enumerate(ch["options"])
    )
    return (
        f'<div class="tb-choice" role="group" data-sid="{escape(s["id"])}" aria-labelledby="{base}-prompt">'
        f'<div class="tb-choice-prompt" id="{base}-prompt">{ch["prompt_html"]}</div>'
        f'<ul class="tb-choice-options">{items}</ul>'
        '<p class="tb-choice-hint" hidden>Choose one option to go on; you can come back and choose another.</p></div>'
    )


class Stepper(_QuestionState):
    """spec: {id, title, stages: [{id, title, body, question?, reveal?, tables?, choice?, next?, branch?, when?}]}

    ``when``: {text, status?} - when the stage happens (a case's illustrative week), shown under its title;

    ``reveal``: Markdown shown once the stage's question is answered (revealed, in presenter mode);

    ``tables``: [{caption, columns, rows (lists of plain text), note?, status?, source?}];
    ``choice``: {prompt, options: [{text, goto, consequence}]} - the pick decides the next stage;
    routing is ``core.stepper`` (the twin of stepper.js), checked on construction.
    """

    KIND = "stepper"
    STATE = ("stage", "choices", "answers", "scored", "revealed", "score", "presenter")
    _esm = bundle("stepper")
    _css = css()
    stage = t.Int(0).tag(sync=True)
    choices = t.Dict().tag(sync=True)  # stage id -> option index of the decision made there

    # navigation from Python (a lecturer's cell); the same routing as the buttons in stepper.js
    def choose(self, stage_id: str, option: int) -> None:
        """Make the decision of stage ``stage_id`` (option index, from 0)."""
        stage = next((s for s in self.spec["stages"] if s["id"] == stage_id and s.get("choice")), None)
        if stage is None or not 0 <= option < len(stage["choice"]["options"]):
            raise ValueError(f"no decision stage '{stage_id}' with an option {option}")
        self.choices = {**self.choices, stage_id: option}

    def route(self) -> list[int]:
        """Indexes of the stages on the reader's route so far."""
        return stepper_route(self.spec["stages"], self.choices)

    def next(self) -> None:
        k = stepper_next(self.spec["stages"], self.stage, self.choices)
        if k is not None:
            self.stage = k

    def back(self) -> None:
        r = self.route()
        if self.stage in r and r.index(self.stage) > 0:
            self.stage = r[r.index(self.stage) - 1]

    def position(self) -> tuple[int, int]:
        """(k, n) as in "Stage k of n"."""
        r = self.route()
        k = r.index(self.stage) + 1 if self.stage in r else self.stage + 1
        return k, stepper_route_length(self.spec["stages"])

    @t.validate("stage")
    def _check_stage(self, proposal):
        n, v = len((self.spec or {}).get("stages", [])), proposal["value"]
        if not 0 <= v < n:
            raise t.TraitError(f"stage {v} is out of range: stepper {self.spec.get('id')!r} has {n} stages, numbered 0 to {n - 1}")
        return v

    def prepare(self, spec):
        problems = stepper_problems(spec.get("stages", []))
        if problems:
            raise ValueError(f"stepper '{spec.get('id')}': " + "; ".join(problems))
        stages = []
        for s in spec.get("stages", []):
            s = dict(s)
            _md_field(s, "body", "body_html")
            if s.get("question"):
                s["question"] = _prepare_question(s["question"])
            else:
                s.pop("question", None)
            tables = []
            for tb in s.pop("tables", None) or []:
                tb = dict(tb)
                _md_field(tb, "note", "note_html")
                tb["columns"] = [str(c) for c in tb["columns"]]
                tb["rows"] = [[str(c) for c in row] for row in tb["rows"]]
                tables.append(tb)
            if tables:
                s["tables"] = tables
            if s.get("choice"):
                ch = dict(s["choice"])
                _md_field(ch, "prompt", "prompt_html")
                opts = []
                for o in ch["options"]:
                    o = dict(o)
                    _md_field(o, "consequence", "consequence_html")
                    o["text"], o["goto"] = str(o["text"]), str(o["goto"])
                    opts.append(o)
                ch["options"] = opts
                s["choice"] = ch
            else:
                s.pop("choice", None)
            for key in ("next",):
                if not s.get(key):
                    s.pop(key, None)
            if s.get("when"):  # {text, status?}: when the stage happens, shown under its title
                s["when"] = {"text": str(s["when"].get("text", "")), "status": s["when"].get("status")}
            else:
                s.pop("when", None)
            s["branch"] = bool(s.get("branch", False))
            if s.get("reveal") and s.get("question"):  # shown once the stage's question is answered
                _md_field(s, "reveal", "reveal_html")
            else:
                s.pop("reveal", None)
            notes = []  # optional boxed notes under the body: {label, body, source?, status?} (page 3.3 cases)
            for nt in s.pop("notes", None) or []:
                nt = dict(nt)
                _md_field(nt, "body", "body_html")
                nt["label"] = str(nt.get("label", ""))
                notes.append(nt)
            if notes:
                s["notes"] = notes
            stages.append(s)
        spec["stages"] = stages
        return spec

    def render_inner(self):
        wid, stages = self.dom_id, self.spec["stages"]
        n = stepper_route_length(stages)
        nq = sum(1 for s in stages if s.get("question"))
        titles = {s["id"]: s["title"] for s in stages}
        parts = [
            _title(self.spec),
            (
                f'<div class="tb-progress" hidden><span class="tb-progress-text">Stage 1 of {n}</span> '
                f'<progress class="tb-progress-bar" max="{n}" value="1" aria-label="Progress through '
                f'{escape(self.spec.get("title", "the steps"))}"></progress></div>'
            ),
            '<ol class="tb-stages">',
        ]
        qi = 0
        for i, s in enumerate(stages):
            q = ""
            if s.get("question"):
                qi += 1
                q = _question_html(wid, s["question"], f"Question {qi} of {nq}")
            # the title alone: "Stage k of n" is the progress line's (on a branch, k depends on the route)
            tables = "".join(_table_html(tb) for tb in s.get("tables", []))
            choice = _choice_html(wid, s, titles) if s.get("choice") else ""
            branch = ' data-branch="true"' if s["branch"] else ""
            parts.append(
                f'<li class="tb-stage" data-stage="{i}" data-sid="{escape(s["id"])}" id="{wid}-stage-{i}"{branch}>'
                f'<h4 class="tb-stage-title" tabindex="-1">{escape(s["title"])}</h4>{_when_html(s)}'
                f'{_notes_html(s, True)}<div class="tb-body">{s["body_html"]}</div>{tables}{_notes_html(s, False)}'
                f"{choice}{q}{_reveal_html(s)}</li>"
            )
        parts.append("</ol>")
        parts.append('<p class="tb-score" hidden></p>')
        if nq:  # core.js fills in the summary once every question has been checked
            parts.append(_debrief(wid))
        parts.append(
            '<p class="tb-controls" hidden>'
            '<button type="button" class="tb-back">Back</button> '
            '<button type="button" class="tb-next">Next</button> '
            '<button type="button" class="tb-restart">Restart</button></p>'
        )
        parts.append(_live(wid))
        return "".join(parts)


# --------------------------------------------------------------------------- lookup
class Lookup(ThalbookWidget):
    """Lookup explorer.

    spec: {id, title, selectors: [{name, label, options: [{value, label}]}],
           numeric?: {label, key="grade", units: [{unit, to_base, min, max}], floors, lln, categories?}
                     or {by: selector_name, key, variants: {selector_value: {label, units, floors, lln, categories?}}},
           rows: [{id?, match: {name: value}, title, body, tags, source, status, severity?}], empty}
    The numeric value's grade (``gradeFromValue``) takes part in matching under ``numeric.key``.
    """

    KIND = "lookup"
    STATE = ("selection", "value", "unit", "baseline", "result")
    _esm = bundle("lookup")
    _css = css()
    selection = t.Dict().tag(sync=True)
    value = t.Unicode("").tag(sync=True)
    baseline = t.Unicode("").tag(sync=True)  # optional baseline value (numeric.baseline; page 4.2)
    unit = t.Unicode("").tag(sync=True)
    result = t.Dict().tag(sync=True)

    @t.validate("selection")
    def _check_selection(self, proposal):
        selectors = {s["name"]: s for s in (self.spec or {}).get("selectors", [])}
        for name, value in proposal["value"].items():
            if name not in selectors:
                raise t.TraitError(f"lookup {self.spec.get('id')!r} has no selector {name!r}; its selectors are: {', '.join(selectors)}")
            values = [o["value"] for o in selectors[name].get("options", [])]
            if values and str(value) not in values:
                raise t.TraitError(f"{value!r} is not an option of {name!r} in lookup {self.spec.get('id')!r}; the options are: {', '.join(values)}")
        return {k: str(v) for k, v in proposal["value"].items()}

    def __init__(self, spec, **state):
        super().__init__(spec, **state)
        if not self.selection:
            self.selection = {
                s["name"]: str(s.get("default", s["options"][0]["value"]))
                for s in self.spec["selectors"] if s.get("options")
            }
        if not self.unit:
            num = self._numeric(self.selection)
            if num and num.get("units"):
                self.unit = num["units"][0]["unit"]
        self.html = self.render_inner()

    def prepare(self, spec):
        spec.setdefault("selectors", [])
        for s in spec["selectors"]:
            for o in s.get("options", []):
                o["value"] = str(o["value"])
        rows = []
        for i, r in enumerate(spec.get("rows", [])):
            r = dict(r)
            r.setdefault("id", f"row-{i}")
            r["id"] = str(r["id"])
            # a match value is one value, or a list of accepted values (any of them matches)
            r["match"] = {
                k: [str(x) for x in v] if isinstance(v, (list, tuple)) else str(v)
                for k, v in (r.get("match") or {}).items()
            }
            r["tags"] = [str(x) for x in r.get("tags") or []]
            _md_field(r, "body", "body_html")
            rows.append(r)
        spec["rows"] = rows
        _md_field(spec, "empty", "empty_html")
        if not spec["empty_html"]:
            spec["empty_html"] = "<p>No entry matches this choice.</p>"
        num = spec.get("numeric")
        if num:
            num.setdefault("key", "grade")
        return spec

    def _numeric(self, selection) -> dict | None:
        num = self.spec.get("numeric")
        if not num:
            return None
        if "variants" in num:
            v = num["variants"].get(str(selection.get(num.get("by"), "")))
            if not v and num.get("only_listed"):  # as lookup.js: no variant, no numeric input
                return None
            return {"baseline": num.get("baseline"), **(v or next(iter(num["variants"].values()), {}))}
        return num

    def render_inner(self):
        wid, spec = self.dom_id, self.spec
        parts = [_title(spec), '<div class="tb-lookup-form">']
        for s in spec["selectors"]:
            sid = f"{wid}-sel-{_slug(s['name'])}"
            opts = "".join(
                f'<option value="{escape(o["value"])}"{" selected" if self.selection.get(s["name"]) == o["value"] else ""}>'
                f"{escape(o['label'])}</option>"
                for o in s.get("options", [])
            )
            # hide_when {selector: [values]}: this selector means nothing for those choices (lookup.js hides it)
            hidden = any(str(self.selection.get(k)) in [str(x) for x in v] for k, v in (s.get("hide_when") or {}).items())
            parts.append(
                f'<p class="tb-field tb-selector"{" hidden" if hidden else ""}><label for="{sid}">{escape(s["label"])}</label> '
                f'<select id="{sid}" class="tb-select" data-name="{escape(s["name"])}">{opts}</select></p>'
            )
        num = self._numeric(self.selection)
        if num:
            vid = f"{wid}-value"
            units = "".join(
                f'<option value="{escape(u["unit"])}">{escape(u["unit"])}</option>'
                for u in num.get("units", [])
            )
            parts.append(
                f'<p class="tb-field tb-numeric"><label for="{vid}" class="tb-numeric-label">'
                f"{escape(num.get('label', 'Value'))}</label> "
                f'<input id="{vid}" class="tb-value" type="text" inputmode="decimal" autocomplete="off"'
                f' value="{escape(self.value)}" aria-describedby="{vid}-msg"> '
                f'<label for="{vid}-unit" class="tb-visually-hidden">Unit</label>'
                f'<select id="{vid}-unit" class="tb-unit">{units}</select> '
                f'<span class="tb-msg" id="{vid}-msg"></span></p>'
                f'<p class="tb-numeric-result" hidden></p>'
            )
            bl = num.get("baseline")
            if bl:  # optional baseline value in the same unit (lookup.js numeric.baseline)
                parts.append(
                    f'<p class="tb-field tb-numeric"><label for="{vid}-baseline">{escape(bl.get("label", "Baseline"))}</label> '
                    f'<input id="{vid}-baseline" class="tb-baseline" type="text" inputmode="decimal" autocomplete="off"'
                    f' value="{escape(self.baseline)}" aria-describedby="{vid}-baseline-msg"> '
                    f'<span class="tb-msg tb-baseline-msg" id="{vid}-baseline-msg"></span></p>'
                    f'<p class="tb-baseline-result" hidden></p>'
                )
        parts.append("</div>")
        cards = []
        highlight = (spec.get("highlight") or {}).get("label", "Most severe")
        for r in spec["rows"]:
            tags = "".join(f'<li class="tb-tag">{escape(x)}</li>' for x in r["tags"])
            sev = r.get("severity")
            cards.append(
                f'<li class="tb-card" data-row="{escape(r["id"])}"'
                f"{f' data-severity={chr(34)}{escape(sev)}{chr(34)}' if sev is not None else ''}>"
                f'<p class="tb-most-severe-label" hidden><strong>{escape(highlight)}</strong></p>'
                f'<h4 class="tb-card-title">{escape(r.get("title", ""))}</h4>'
                f'<div class="tb-body">{r["body_html"]}</div>'
                f"{f'<ul class={chr(34)}tb-tags{chr(34)} aria-label={chr(34)}Tags{chr(34)}>{tags}</ul>' if tags else ''}"
                f"{_meta(r.get('source'), r.get('status'))}</li>"
            )
        if spec.get("highlight"):  # which card is applied, said in words (lookup.js fills it in)
            parts.append('<p class="tb-applied" hidden></p>')
        parts.append(f'<ul class="tb-cards">{"".join(cards)}</ul>')
        parts.append(f'<div class="tb-empty" hidden>{spec["empty_html"]}</div>')
        parts.append(_live(wid))
        return "".join(parts)


# --------------------------------------------------------------------------- calculator
class Calculator(ThalbookWidget):
    """spec: {id, title, fn, inputs: [{name, label, unit, min, max, integer, step}],
    outputs: [{name, label, format}], note}"""

    KIND = "calculator"
    STATE = ("inputs", "outputs")
    _esm = bundle("calculator")
    _css = css()
    inputs = t.Dict().tag(sync=True)  # name -> text as typed
    outputs = t.Dict().tag(sync=True)  # name -> formatted text, set by JS ({} when input is invalid)

    def prepare(self, spec):
        if spec.get("fn") not in CALCULATORS:
            raise ValueError(f"unknown calculator {spec.get('fn')!r}; known: {', '.join(CALCULATORS)}")
        _md_field(spec, "note", "note_html")
        return spec

    def render_inner(self):
        wid, spec = self.dom_id, self.spec
        parts = [_title(spec), '<div class="tb-calc-inputs">']
        for f in spec["inputs"]:
            fid = f"{wid}-in-{_slug(f['name'])}"
            unit = f' <span class="tb-unit-label">{escape(f["unit"])}</span>' if f.get("unit") else ""
            mode = "numeric" if f.get("integer") else "decimal"
            parts.append(
                f'<p class="tb-field"><label for="{fid}">{escape(f["label"])}</label> '
                f'<input id="{fid}" class="tb-input" data-name="{escape(f["name"])}" type="text"'
                f' inputmode="{mode}" autocomplete="off" aria-describedby="{fid}-msg"'
                f' value="{escape(self.inputs.get(f["name"], ""))}">{unit} '
                f'<span class="tb-msg" id="{fid}-msg"></span></p>'
            )
        parts.append('</div><dl class="tb-outputs">')
        for o in spec["outputs"]:
            parts.append(
                f'<div class="tb-output"><dt>{escape(o["label"])}</dt>'
                f'<dd class="tb-out" data-name="{escape(o["name"])}">–</dd></div>'
            )
        parts.append("</dl>")
        if spec.get("note_html"):
            parts.append(f'<div class="tb-note">{spec["note_html"]}</div>')
        parts.append(_live(wid))
        return "".join(parts)


__all__ = [
    "OpensWhenReady",
    "Calculator",
    "Lookup",
    "Quiz",
    "Stepper",
    "ThalbookWidget",
]
