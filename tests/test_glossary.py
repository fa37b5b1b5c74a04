"""Every glossary term is linked at its first use on each page (STYLE.md §2: "first use of a term links {term}").

The check reads the BUILT pages, so it sees what a reader sees: MyST roles resolved, glued numbers filled
in, cell outputs in place. For each page it keeps the article's body prose and drops what is not prose
written for that page: headings, block quotations, text in quotation marks (the review's words), code and
cells (inputs and their outputs: widgets, tables, appraisal boxes), admonition titles, footnotes and the
reference list, glued numbers, and the text of links to other pages (page titles). In what is left it finds the first
use of each term of data/glossary.yaml, or of one of its aliases, as a whole word in any case, singular or
with a simple plural ending, with a hyphen and a space counted alike; words inside a link to another
entry belong to that entry ("cytopenia" in a linked "refractory cytopenia of childhood"). That first use
must sit inside a link to the term's glossary entry (an earlier link to the entry, with other words,
counts too).
The glossary page itself is not checked.

The terms come from data/glossary.yaml and the entry anchors from the built glossary page, not from the
code that builds the glossary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from conftest import ROOT, built_pages

GLOSSARY_PAGE = "chapters/back/glossary.html"

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
SKIP_TAGS = HEADINGS | {"blockquote", "pre", "code", "kbd", "samp", "script", "style", "button", "nav", "q",
                        "svg", "math", "template", "caption", "figcaption", "summary"}
SKIP_CLASSES = {
    "cell",  # a code cell: its input and its outputs (widgets, tables, appraisal boxes, figures)
    "cell_output", "output", "thalbook-widget", "thalbook-figure", "tb-appraisal",
    "pasted-text",  # a glued number with its status ({glue:text}), generated from data
    "admonition-title", "headerlink", "tb-last-reviewed",
    "footnote-reference", "footnote-list", "footnote", "citation", "bibliography", "toctree-wrapper",
}
BLOCK_TAGS = {"p", "li", "td", "th", "dt", "dd", "div", "section", "table", "tr", "ul", "ol", "dl", "aside",
              "details", "figure", "article", "br", "hr", "main", "header", "footer"}
QUOTED = re.compile(r"“[^”\n]{0,600}”|\"[^\"\n]{0,600}\"")
SEPARATOR = "\n\n"  # between blocks: no term and no sentence runs across it
GAP = r"[\s\-‐‑–]+"  # a space and a hyphen (or dash) count alike between the words of a term


def fold(text: str) -> str:
    """Case and apostrophes folded (the build prints Crohn's as Crohn’s)."""
    return text.replace("’", "'").casefold()


def _words(words: list[str]) -> str:
    return GAP.join(re.escape(w).replace("'", "['’]") for w in words)


@dataclass(frozen=True)
class Term:
    term: str
    forms: tuple[str, ...]  # the term and its aliases

    @property
    def pattern(self) -> re.Pattern:
        alternatives = []
        for form in sorted(self.forms, key=len, reverse=True):
            words = re.split(GAP, form.strip())
            last = words[-1]
            if last[-1:].lower() == "y" and last[-2:-1].lower() not in "aeiou":  # ribosomopathy -> ribosomopathies
                alternatives.append(_words([*words[:-1], last[:-1]]) + "ies")
            alternatives.append(_words(words) + "(?:s|es)?")
        return re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])", re.IGNORECASE)


@dataclass
class Problem:
    term: str
    sentence: str

    def __str__(self) -> str:
        return f"'{self.term}' first used without a link to the glossary in: “{self.sentence}”"


def load_terms(path: Path = ROOT / "data" / "glossary.yaml") -> list[Term]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Term(r["term"], (r["term"], *r.get("aliases", []))) for r in rows]


def glossary_anchors(glossary_html: str, terms: list[Term]) -> dict[str, str]:
    """Anchor id -> term, from the built glossary page: each <dt> names one form; the <dt>s before one <dd>
    form one entry, so an alias's anchor maps to its entry's term."""
    by_form = {fold(f): t.term for t in terms for f in t.forms}
    soup = BeautifulSoup(glossary_html, "html.parser")
    anchors = {}
    for dt in soup.select("dl.glossary dt[id]"):
        for link in dt.select("a.headerlink"):
            link.extract()
        text = dt.get_text(" ", strip=True)
        if fold(text) in by_form:
            anchors[dt["id"]] = by_form[fold(text)]
    return anchors


def _skipped(tag: Tag) -> bool:
    """Not prose of this page: see the module docstring. Links other than glossary links are page titles,
    footnote marks or heading anchors (glossary links are handled before this is asked)."""
    return tag.name in SKIP_TAGS or tag.name == "a" or bool(set(tag.get("class") or []) & SKIP_CLASSES)


def prose(html: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The body prose of a built page as one string (blocks separated by blank lines, quotations blanked
    out) and the spans (start, end, anchor) of its links to glossary entries."""
    soup = BeautifulSoup(html, "html.parser")
    root = soup.select_one("article.bd-article") or soup.body or soup
    parts: list[str] = []
    links: list[tuple[int, int, str]] = []
    size = 0

    def add(text: str) -> None:
        nonlocal size
        parts.append(text)
        size += len(text)

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                add(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            href = child.get("href", "") if child.name == "a" else ""
            glossary_link = child.name == "a" and "#term-" in href
            if not glossary_link and _skipped(child):
                add(SEPARATOR if child.name in HEADINGS | BLOCK_TAGS | {"blockquote", "pre"} else " … ")
                continue
            block = child.name in BLOCK_TAGS
            if block:
                add(SEPARATOR)
            start = size
            walk(child)
            if glossary_link:
                links.append((start, size, href.split("#", 1)[1]))
            if block:
                add(SEPARATOR)

    walk(root)
    text = "".join(parts)
    text = QUOTED.sub(lambda m: " " * len(m.group(0)), text)  # quotations are the review's words, not ours
    return text, links


def sentence_at(text: str, pos: int) -> str:
    """The sentence of `text` around `pos`, within its block."""
    start = max(text.rfind(SEPARATOR, 0, pos), 0)
    end = text.find(SEPARATOR, pos)
    block = text[start : end if end >= 0 else len(text)]
    offset = pos - start
    bounds = [0] + [m.end() for m in re.finditer(r"[.!?;:]\s+", block)] + [len(block)]
    for a, b in zip(bounds, bounds[1:]):
        if a <= offset < b:
            return " ".join(block[a:b].split())
    return " ".join(block.split())


def unlinked_first_uses(html: str, terms: list[Term], anchors: dict[str, str]) -> list[Problem]:
    """Each term whose first use on the page is not a link to its glossary entry."""
    text, links = prose(html)
    problems = []
    for term in terms:
        spans = [(a, b) for a, b, anchor in links if anchors.get(anchor) == term.term]
        others = [(a, b) for a, b, anchor in links if anchors.get(anchor) != term.term]
        match = next((m for m in term.pattern.finditer(text)
                      if not any(a <= m.start() < b for a, b in others)), None)
        if match is None:
            continue
        pos = match.start()
        linked = any(a <= pos < b for a, b in spans) or any(a < pos for a, _ in spans)
        if not linked:
            problems.append(Problem(term.term, sentence_at(text, pos)))
    return problems


# ---------------------------------------------------------------- the matcher itself, on crafted HTML
CRAFTED_TERMS = [Term("MDS", ("MDS", "myelodysplastic syndrome")), Term("HSCT", ("HSCT",)),
                 Term("ribosomopathy", ("ribosomopathy",)), Term("intention to treat", ("intention to treat",))]
CRAFTED_ANCHORS = {"term-MDS": "MDS", "term-myelodysplastic-syndrome": "MDS", "term-HSCT": "HSCT",
                   "term-ribosomopathy": "ribosomopathy", "term-intention-to-treat": "intention to treat"}


def page(body: str) -> str:
    return f'<html><body><article class="bd-article">{body}</article></body></html>'


def glossary_link(anchor: str, text: str) -> str:
    return f'<a class="reference internal" href="../back/glossary.html#{anchor}"><span class="xref std std-term">{text}</span></a>'


def check(body: str) -> list[str]:
    return [p.term for p in unlinked_first_uses(page(body), CRAFTED_TERMS, CRAFTED_ANCHORS)]


def test_matcher_ignores_a_term_in_a_heading():
    body = f"<section><h1>MDS in children</h1><p>Childhood {glossary_link('term-MDS', 'MDS')} is rare.</p></section>"
    assert check(body) == []


def test_matcher_passes_a_linked_first_use_and_ignores_later_plain_uses():
    body = f"<p>A {glossary_link('term-HSCT', 'HSCT')} cures many.</p><p>After HSCT, relapse is rare.</p>"
    assert check(body) == []


def test_matcher_fails_an_unlinked_first_use_even_when_a_later_use_is_linked():
    body = f"<p>HSCT cures many children.</p><p>Ask about {glossary_link('term-HSCT', 'HSCT')} early.</p>"
    problems = unlinked_first_uses(page(body), CRAFTED_TERMS, CRAFTED_ANCHORS)
    assert [p.term for p in problems] == ["HSCT"]
    assert problems[0].sentence == "HSCT cures many children."  # the sentence is reported for the fix


def test_matcher_counts_plurals_any_case_and_aliases():
    assert check("<p>Both ribosomopathies are rare.</p>") == ["ribosomopathy"]
    assert check("<p>Myelodysplastic syndromes differ.</p>") == ["MDS"]
    assert check("<p>Counted by Intention-to-treat.</p>") == ["intention to treat"]
    # an alias linked to the same entry is a linked first use of the term
    assert check(f"<p>{glossary_link('term-myelodysplastic-syndrome', 'Myelodysplastic syndrome')} (MDS).</p>") == []


def test_matcher_needs_whole_words():
    assert check("<p>The HSCTX protocol and ribosomopathyish cells.</p>") == []


def test_matcher_ignores_quotations_code_cells_and_admonition_titles():
    body = (
        "<p>The review says “MDS is common”.</p>"
        "<blockquote><p>HSCT quoted at length</p></blockquote>"
        "<p>Run <code>tb.hsct()</code> now.</p>"
        '<div class="cell"><div class="cell_output"><p>HSCT in a widget</p></div></div>'
        '<div class="admonition"><p class="admonition-title">Ribosomopathy</p><p>Nothing here.</p></div>'
        '<p>See <a class="reference internal" href="../1-introduction/overview.html">1 MDS overview</a>.</p>'
    )
    assert check(body) == []


def test_matcher_reports_a_term_inside_an_admonition_body():
    body = '<div class="admonition"><p class="admonition-title">Key points</p><p>HSCT is the cure.</p></div>'
    assert check(body) == ["HSCT"]


def test_matcher_leaves_words_inside_another_terms_link_to_that_term():
    terms = [*CRAFTED_TERMS, Term("cytopenia", ("cytopenia",))]
    anchors = {**CRAFTED_ANCHORS, "term-refractory-cytopenia-of-childhood": "MDS"}
    body = f"<p>Once called {glossary_link('term-refractory-cytopenia-of-childhood', 'refractory cytopenia of childhood')}.</p>"
    assert unlinked_first_uses(page(body), terms, anchors) == []
    body += "<p>Its cytopenias are the disease.</p>"
    assert [p.term for p in unlinked_first_uses(page(body), terms, anchors)] == ["cytopenia"]


def test_matcher_ignores_glued_numbers_and_reads_typographic_apostrophes():
    terms = [*CRAFTED_TERMS, Term("inflammatory bowel disease", ("inflammatory bowel disease", "Crohn's disease"))]
    body = '<p>A count <span class="pasted-text">16/83 (HSCT, verified)</span>.</p><p>A trial in Crohn’s disease.</p>'
    assert [p.term for p in unlinked_first_uses(page(body), terms, CRAFTED_ANCHORS)] == ["inflammatory bowel disease"]


def test_matcher_accepts_an_earlier_link_with_other_words():
    body = f"<p>A {glossary_link('term-HSCT', 'stem cell transplant')} (HSCT) was done.</p>"
    assert check(body) == []


# ---------------------------------------------------------------- the built book
PAGES = [p for p in built_pages() if p != GLOSSARY_PAGE]


@pytest.fixture(scope="module")
def glossary(site: Path) -> tuple[list[Term], dict[str, str]]:
    terms = load_terms()
    return terms, glossary_anchors((site / GLOSSARY_PAGE).read_text(encoding="utf-8"), terms)


@pytest.mark.browser
def test_every_glossary_form_has_an_entry_on_the_built_glossary_page(glossary, site: Path):
    terms, _anchors = glossary
    html = (site / GLOSSARY_PAGE).read_text(encoding="utf-8")
    shown = {fold(dt.get_text(" ", strip=True).rstrip("#").strip())
             for dt in BeautifulSoup(html, "html.parser").select("dl.glossary dt")}
    assert {fold(f) for t in terms for f in t.forms} - shown == set()


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_terms_are_linked_at_first_use(glossary, site: Path, path: str):
    terms, anchors = glossary
    problems = unlinked_first_uses((site / path).read_text(encoding="utf-8"), terms, anchors)
    assert not problems, f"{path}: link each term at its first use with {{term}}:\n" + "\n".join(
        f"  {p}" for p in problems)
