"""Take-aways: the book's Anki deck, its download link, and the answer key of the printable handouts.

The deck holds every question the book asks (quizzes, case steppers and other steppers, from ``data/``)
and every glossary term. Card text is the widgets' own: each question comes from the ``spec`` of the
widget that shows it (Markdown rendered and sanitised by ``thalbook.core.text``, plain fields escaped),
so a card says exactly what the page says. The deck is written by the Sphinx extension after each build
(``thalbook.site.sphinxext``), which knows on which page each widget is shown; nothing here writes into
the sources.

Re-importing a later edition updates cards instead of duplicating them: every note's GUID and every
model and deck id derive from stable names (a quiz id and a question id, a term, a part's caption), never
from the text. The file's bytes depend only on the data: genanki's timestamps are set to the edition's
date (``data/changelog.yaml``), so a later edition's notes are newer, as Anki's importer wants, and the
zip entries carry that date too.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import os
import re
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from ..core.text import escape, markdown
from ..data import dataset
from ..data.citations import cite_html, known_citation
from .common import HTML, wording

PART = "takeaway"

_w = partial(wording, PART)  # a text of this part's data/wording file

ASSET_DIR = "_static/thalbook"  # the deck sits beside the widget modules, under the site root
WIDGET_TAG = re.compile(r'<div class="thalbook-widget" data-kind="(?P<kind>quiz|stepper)" id="(?P<id>[^"]+)"')
TERM_TAG = re.compile(r'<dt id="(?P<id>term-[^"]+)">(?P<text>.*?)<a class="headerlink"', re.DOTALL)


# ------------------------------------------------------------------ the edition and the file
def edition() -> tuple[str, datetime.date]:
    """The newest version in data/changelog.yaml and its date."""
    newest = dataset().document("changelog.yaml").releases[0]
    return newest.version, newest.date


def deck_filename() -> str:
    return f"thalbook-{edition()[0]}.apkg"


def deck_site_path() -> str:
    """Where the deck is on the site, from the site's root."""
    return f"{ASSET_DIR}/{deck_filename()}"


def stable_id(*names: str) -> int:
    """A 31-bit id (genanki's range for models and decks, 2**30 to 2**31) derived from names only."""
    digest = hashlib.sha256("\x1f".join(("thalbook", *names)).encode("utf-8")).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


# ------------------------------------------------------------------ the questions, as the widgets show them
@dataclass
class QuestionSet:
    """The questions of one widget: its kind and DOM id (how the built pages name it), title, questions."""

    kind: str  # "quiz" or "stepper"
    ident: str  # the data file's id
    dom_id: str
    title: str
    questions: list[dict[str, Any]]  # prepared by the widget: prompt_html, options[text, correct, feedback_html]
    stages: list[dict[str, Any]]  # stepper: the stage of each question (title, number); quiz: empty dicts


def _from_widget(widget: Any) -> QuestionSet:
    spec = widget.spec
    if widget.KIND == "quiz":
        qs = list(spec["questions"])
        stages = [{} for _ in qs]
    else:
        pairs = [(s["question"], {"number": i + 1, "title": s["title"]})
                 for i, s in enumerate(spec["stages"]) if s.get("question")]
        qs, stages = [q for q, _ in pairs], [st for _, st in pairs]
    return QuestionSet(widget.KIND, spec["id"], widget.dom_id, spec.get("title", ""), qs, stages)


def question_sets() -> list[QuestionSet]:
    """Every widget of data/ that asks questions: the cases, then the quizzes, then the other steppers."""
    from .cases import case_ids, case_stepper
    from .common import quiz, stepper

    ds = dataset()
    widgets = [case_stepper(i) for i in case_ids()]
    widgets += [quiz(i) for i in ds.folders.get("quizzes", {})]
    widgets += [stepper(i) for i in ds.folders.get("steppers", {})]
    return [s for s in map(_from_widget, widgets) if s.questions]


def question_count() -> int:
    return sum(len(s.questions) for s in question_sets())


def right_option(q: dict[str, Any]) -> dict[str, Any]:
    return next(o for o in q["options"] if o["correct"])


# ------------------------------------------------------------------ where each widget is shown
@dataclass
class Page:
    docname: str
    title: str
    part: str  # the part's caption in _toc.yml
    url: str  # absolute when the site's base URL is known, else the path from the site's root


def widget_pages(pages: list[tuple[Page, str]]) -> dict[str, Page]:
    """DOM id of each question widget -> the first page (in reading order) whose HTML shows it."""
    found: dict[str, Page] = {}
    for page, html in pages:
        for m in WIDGET_TAG.finditer(html):
            found.setdefault(m.group("id"), page)
    return found


def term_anchors(glossary_html: str) -> dict[str, str]:
    """Glossary term (as written) -> its anchor on the glossary page (Sphinx's ``term-...`` ids)."""
    return {re.sub(r"<[^>]+>", "", m.group("text")).strip(): m.group("id") for m in TERM_TAG.finditer(glossary_html)}


# ------------------------------------------------------------------ the deck
def _link(url: str, title: str) -> str:
    if url.startswith("https://"):
        return f'<a href="{escape(url)}">{escape(title)}</a>'
    return f"{escape(title)} (<code>{escape(url)}</code>)"


def _tag(prefix: str, value: str) -> str:
    return f"{prefix}::{re.sub(r'[^A-Za-z0-9.]+', '-', value).strip('-').lower()}"


QUESTION_FIELDS = ["Question", "Options", "Answer", "Explanation", "Others", "Context", "Status", "Source", "Page", "Ref"]
TERM_FIELDS = ["Term", "Aliases", "Definition", "Status", "Source", "Page"]


def _source(key: str | None) -> str:
    """A card names its source as the site does, 'Hasle 2016' (the BibTeX key stays in the data)."""
    return (known_citation(key) or key) if key else ""


def _meta_html() -> str:
    status, source = escape(_w("status_label")), escape(_w("source_label"))
    return (f'<p class="meta">{status}: {_f("Status")} · {source}: {_f("Source")}</p>'
            f'<p class="meta">{escape(_w("page_label"))}: {_f("Page")}</p><p class="notice">{escape(_w("notice"))}</p>')


def card_css() -> str:
    from ..widgets.engine import STATIC

    return (STATIC / "anki-card.css").read_text(encoding="utf-8")


def _f(name: str) -> str:
    """An Anki template's field (``{{Name}}``), its section (``#Name``) or the section's end (``/Name``)."""
    return "{{" + name + "}}"


def question_model():
    import genanki

    front = (f'{_f("#Context")}<div class="context">{_f("Context")}</div>{_f("/Context")}'
             f'<div class="question">{_f("Question")}</div><ol class="options" type="A">{_f("Options")}</ol>')
    others = f'<p><strong>{escape(_w("others_label"))}:</strong></p><ul>{_f("Others")}</ul>'
    back = (
        f'{_f("FrontSide")}<hr id="answer"><p><strong>{escape(_w("answer_label"))}:</strong> {_f("Answer")}</p>'
        f'{_f("Explanation")}{_f("#Others")}{others}{_f("/Others")}{_meta_html()}'
    )
    return genanki.Model(
        stable_id("model", "question"), _w("question_model"), fields=[{"name": f} for f in QUESTION_FIELDS],
        templates=[{"name": "Question", "qfmt": front, "afmt": back}], css=card_css(),
    )


def term_model():
    import genanki

    aliases = f'<p class="context">{escape(_w("aliases_label"))}: {_f("Aliases")}</p>'
    front = f'<div class="question">{_f("Term")}</div>{_f("#Aliases")}{aliases}{_f("/Aliases")}'
    back = f'{_f("FrontSide")}<hr id="answer">{_f("Definition")}{_meta_html()}'
    return genanki.Model(
        stable_id("model", "glossary-term"), _w("term_model"), fields=[{"name": f} for f in TERM_FIELDS],
        templates=[{"name": "Term", "qfmt": front, "afmt": back}], css=card_css(),
    )


@dataclass
class Card:
    """One note of the deck before genanki: its sub-deck (a part's caption), GUID, model, fields, tags."""

    deck: str
    guid: str
    model: str  # "question" or "term"
    fields: list[str]
    tags: list[str]


def question_cards(sets: list[QuestionSet], pages: dict[str, Page]) -> tuple[list[Card], list[QuestionSet]]:
    """A card per question of every set shown on a page, and the sets no page shows (left out)."""
    import genanki

    cards, unshown = [], []
    for s in sets:
        page = pages.get(s.dom_id)
        if page is None:
            unshown.append(s)
            continue
        for q, stage in zip(s.questions, s.stages):
            right = right_option(q)
            others = "".join(
                f"<li>{escape(o['text'])}: {o['feedback_html']}</li>" for o in q["options"] if not o["correct"]
            )
            context = escape(s.title)
            if stage:
                context += f" · {escape(stage['title'])}"
            cards.append(Card(
                deck=page.part or page.title,
                guid=genanki.guid_for("thalbook", s.kind, s.ident, q["id"]),
                model="question",
                fields=[
                    q["prompt_html"],
                    "".join(f"<li>{escape(o['text'])}</li>" for o in q["options"]),
                    escape(right["text"]),
                    right["feedback_html"],
                    others,
                    context,
                    escape(q.get("status") or ""),
                    escape(_source(q.get("source"))),
                    _link(page.url, page.title),
                    escape(f"{s.ident}/{q['id']}"),
                ],
                tags=[_tag("part", page.part), _tag("status", q.get("status") or "none"), _tag("from", s.ident)],
            ))
    return cards, unshown


def term_cards(glossary: Page, anchors: dict[str, str]) -> list[Card]:
    """A card per term of data/glossary.yaml, linked to its entry on the glossary page."""
    import genanki

    cards = []
    for t in dataset().rows("glossary.yaml"):
        anchor = anchors.get(t.term)
        url = f"{glossary.url}#{anchor}" if anchor else glossary.url
        cards.append(Card(
            deck=_w("glossary_deck"),
            guid=genanki.guid_for("thalbook", "glossary", t.term),
            model="term",
            fields=[escape(t.term), escape(", ".join(t.aliases)), markdown(t.definition), escape(t.status),
                    escape(_source(t.source)), _link(url, glossary.title)],
            tags=[_tag("part", "glossary"), _tag("status", t.status)],
        ))
    return cards


def write_deck(cards: list[Card], path: Path) -> Path:
    """Write the .apkg: one sub-deck per part (in the cards' order) under the book's deck, fixed bytes."""
    import genanki

    version, day = edition()
    stamp = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC).timestamp()
    root = _w("deck_name")
    models = {"question": question_model(), "term": term_model()}
    decks: dict[str, Any] = {}
    for i, c in enumerate(cards):
        name = f"{root}::{c.deck}"
        if name not in decks:
            decks[name] = genanki.Deck(stable_id("deck", c.deck), name)
        # due: new cards come in the book's order
        decks[name].add_note(genanki.Note(model=models[c.model], fields=c.fields, tags=c.tags, guid=c.guid, due=i))
    fd, db = tempfile.mkstemp(suffix=".anki2")
    os.close(fd)
    try:
        conn = sqlite3.connect(db)
        genanki.Package(list(decks.values())).write_to_db(conn.cursor(), stamp, itertools.count(int(stamp * 1000)))
        conn.commit()
        conn.close()
        data = Path(db).read_bytes()
    finally:
        os.unlink(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    when = (day.year, day.month, day.day, 12, 0, 0)
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:  # fixed entry dates: same data, same bytes
        for name, blob in (("collection.anki2", data), ("media", b"{}")):
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, blob)
    tmp.replace(path)  # a reader never downloads a half-written deck
    return path


# ------------------------------------------------------------------ sentence-level API (pages)
def anki_download() -> HTML:
    """The download link of the book's Anki deck (landing page and part overviews).

    The link's address is the deck's path from the site's root; the Sphinx extension makes it relative to
    each page (``data-tb-site-path``)."""
    label = _w("download_label", version=edition()[0], questions=question_count(),
               terms=len(dataset().rows("glossary.yaml")))
    path = deck_site_path()
    markup = (
        f'<div class="tb-download"><p><a class="tb-download-link" href="/{escape(path)}" '
        f'data-tb-site-path="{escape(path)}" download>{escape(label)}</a></p>'
        f'<p class="tb-download-note">{escape(_w("download_note"))}</p></div>'
    )
    return HTML(markup, f"{label}: {path}")


def answer_key() -> HTML:
    """The answer key of every question the book asks (cases first): for the Handouts page, so printed
    questions (which print without their feedback) have their answers on separate sheets."""
    parts, plain = [], []
    for s in question_sets():
        items = []
        for i, (q, stage) in enumerate(zip(s.questions, s.stages), start=1):
            label = _w("key_stage_label", number=i, stage=stage["number"], title=stage["title"]) if stage \
                else _w("key_label", number=i)
            right = right_option(q)
            items.append(
                f'<li class="tb-key-item"><p class="tb-key-question"><strong>{escape(label)}</strong></p>'
                f'<div class="tb-key-prompt">{q["prompt_html"]}</div>'
                f'<p class="tb-key-answer">{escape(_w("key_answer", answer=right["text"]))}</p>'
                f'<div class="tb-key-why">{right["feedback_html"]}</div>'
                f'<p class="tb-meta">{escape(_w("status_label"))}: {escape(q.get("status") or "")} · '
                f'{escape(_w("source_label"))}: {cite_html(q.get("source") or "")}</p></li>'
            )
            plain.append(f"{s.ident}/{q['id']}: {right['text']}")
        title = _w("key_title", title=s.title)
        parts.append(f'<section class="tb-answer-key" id="key-{escape(s.dom_id)}"><h3>{escape(title)}</h3>'
                     f'<ol class="tb-key-list">{"".join(items)}</ol></section>')
    return HTML("".join(parts), "\n".join(plain))


__all__ = [
    "Card", "Page", "QuestionSet", "anki_download", "answer_key", "deck_filename", "deck_site_path", "edition",
    "question_cards", "question_count", "question_sets", "stable_id", "term_anchors", "term_cards",
    "widget_pages", "write_deck",
]
