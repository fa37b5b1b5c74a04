"""Sphinx extension: the take-aways of the build (``thalbook.pages.takeaway``).

- after the html build, writes the book's Anki deck into the site (``_static/thalbook/thalbook-<version>.apkg``;
  never into the sources): every question widget the pages show, each linked to the first page (in
  reading order) that shows it and filed in that page's part, plus the glossary with links to its
  entries. A question widget of ``data/`` that no page shows is left out with a warning (an error under
  ``-W``), so the deck and the book cannot drift apart silently;
- makes each download link (``data-tb-site-path``, written by ``tb.anki_download()``) relative to its
  page, so the site works from any folder.

Card links are absolute when ``html_baseurl`` is set (``html: baseurl:`` in ``_config.yml``); without it a
card names the page and its path on the site.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

SITE_LINK = re.compile(r'href="[^"]*"(?P<rest> data-tb-site-path="(?P<path>[^"]+)")')


def on_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    body = context.get("body", "")
    if "data-tb-site-path" in body:
        pathto = context["pathto"]
        context["body"] = SITE_LINK.sub(
            lambda m: f'href="{html.escape(pathto(html.unescape(m.group("path")), 1))}"{m.group("rest")}', body)


def reading_order(app: Sphinx) -> list[tuple[str, str]]:
    """(docname, part caption) of every page in _toc.yml's order, a page's sections (3.3.1 under 3.3)
    right after it, in its part; the root page has no part."""
    site_map = app.env.external_site_map

    def with_sections(doc: str, part: str) -> list[tuple[str, str]]:
        order = [(doc, part)]
        for tree in site_map[doc].subtrees:
            for child in tree.files():
                order += with_sections(child, part)
        return order

    order = [(site_map.root.docname, "")]
    for tree in site_map.root.subtrees:
        for doc in tree.files():
            order += with_sections(doc, tree.caption or "")
    return order


def write_deck(app: Sphinx, outdir: Path) -> Path:
    from ..pages import takeaway

    base = (app.config.html_baseurl or "").rstrip("/")
    suffix = app.builder.out_suffix

    def page(doc: str, part: str) -> takeaway.Page:
        path = f"{doc}{suffix}"
        title = app.env.titles[doc].astext() if doc in app.env.titles else doc
        return takeaway.Page(doc, title, part, f"{base}/{path}" if base else path)

    shown = []
    for doc, part in reading_order(app):
        file = outdir / f"{doc}{suffix}"
        if file.is_file():
            shown.append((page(doc, part), file.read_text(encoding="utf-8")))
    widgets = takeaway.widget_pages(shown)
    cards, unshown = takeaway.question_cards(takeaway.question_sets(), widgets)
    for s in unshown:
        logger.warning(f"{s.kind} '{s.ident}' (data/) is shown on no page of the book: its questions are not in the Anki deck")
    glossary = next(((p, text) for p, text in shown if 'id="term-' in text), None)
    if glossary is None:
        logger.warning("no page holds the glossary: the Anki deck has no glossary sub-deck")
    else:
        cards += takeaway.term_cards(glossary[0], takeaway.term_anchors(glossary[1]))
    return takeaway.write_deck(cards, outdir / takeaway.deck_site_path())


def on_finished(app: Sphinx, exception) -> None:
    if exception or app.builder.format != "html":
        return
    write_deck(app, Path(app.outdir))


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", on_page)
    app.connect("build-finished", on_finished)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
