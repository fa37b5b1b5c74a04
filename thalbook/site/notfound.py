"""Sphinx extension: a "Page not found" page (`404.html`) that works at any depth of the site.

A host serves `/404.html` for every missing address, so the same file answers `/nope.html` and
`/chapters/nope/x.html`. Relative links would then resolve against the missing address and break
(no theme CSS, dead links), so once the build has finished every relative `href`, `src`, `action` and
`data-content_root` of `404.html` is made absolute from the site's root path (`thalbook_404_prefix`,
default `/`; set it to `/<name>/` when the book is served from a sub-folder). Fragment links (`#...`)
stay as they are, so the theme's skip link keeps working.

The page is rendered by the theme's own `page.html`, like any other page, so it carries the theme, the
book's CSS, and the Content-Security-Policy and accessibility mending of `thalbook.site.sphinxext`, which
runs before this module's rewrite (the rewrite touches attributes only, never a script's text, so the
CSP hashes of the inline scripts still hold). sphinx-notfound-page does the same job, but it is not
installed here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

from sphinx.application import Sphinx

from ..core.text import escape

PAGENAME = "404"
TITLE = "Page not found"
# the home page's section that lists the parts (its MyST heading "How the book is organised")
CONTENTS_ANCHOR = "how-the-book-is-organised"
URL_ATTR = re.compile(r'(?P<attr>\s(?:href|src|action|data-content_root)=")(?P<url>[^"]*)"')


def absolute_url(url: str, prefix: str = "/") -> str:
    """`url`, relative to the site root, as a path from the host's root under `prefix`.

    Fragments, absolute paths and URLs with a scheme (`https:`, `data:`, `mailto:`) are left alone.

    >>> absolute_url("_static/a.css?v=1"), absolute_url("./"), absolute_url("#main"), absolute_url("x.html", "/book/")
    ('/_static/a.css?v=1', '/', '#main', '/book/x.html')
    """
    if not url or url.startswith("#"):
        return url
    return urljoin(prefix, url)


def make_links_absolute(page: str, prefix: str = "/") -> str:
    """Every relative URL attribute of `page` made absolute (see `absolute_url`). Idempotent."""
    return URL_ATTR.sub(lambda m: f'{m.group("attr")}{absolute_url(m.group("url"), prefix)}"', page)


def parts(app: Sphinx) -> list[tuple[str, str, str]]:
    """(caption, first page's docname, first page's title) for each part of `_toc.yml`, in order."""
    site_map = getattr(app.env, "external_site_map", None)
    if site_map is None:
        return []
    out = []
    for tree in site_map[site_map.root.docname].subtrees:
        files = tree.files()
        if files:
            title = app.env.titles.get(files[0])
            out.append((tree.caption or "", files[0], title.astext() if title is not None else files[0]))
    return out


def body(app: Sphinx) -> str:
    """The page's article: what happened, a search box, the home page, the contents, each part.

    Links are written relative to the site root (where 404.html lives); `on_finished` makes them
    absolute.
    """
    home = app.builder.get_target_uri(app.config.root_doc)
    items = "".join(
        f'<li><a href="{escape(app.builder.get_target_uri(doc))}">{escape(caption or title)}</a></li>'
        for caption, doc, title in parts(app)
    )
    return (
        '<section id="page-not-found" class="tb-404">'
        f"<h1>{TITLE}</h1>"
        "<p>There is no page at this address. The link may be mistyped, or the page may have moved or been "
        "renamed since the link was made.</p>"
        '<form class="tb-404-search" action="search.html" method="get" role="search"><p>'
        '<label for="tb-404-q">Search the book</label> '
        '<input id="tb-404-q" type="search" name="q" autocomplete="off"> '
        '<button type="submit">Search</button></p></form>'
        "<p>You can also search from any page with the search button at the top (or <kbd>Ctrl</kbd>+<kbd>K</kbd>).</p>"
        f'<p>Go to the <a class="tb-404-home" href="{escape(home)}">home page</a>, or to the book\'s '
        f'<a class="tb-404-contents" href="{escape(home)}#{CONTENTS_ANCHOR}">table of contents</a>.</p>'
        + (f'<h2 id="tb-404-parts">Parts of the book</h2><ul class="tb-404-parts">{items}</ul>' if items else "")
        + "</section>"
    )


def collect_pages(app: Sphinx) -> Iterator[tuple[str, dict, str]]:
    if app.builder.format != "html":
        return
    yield PAGENAME, {"title": TITLE, "body": body(app)}, "page.html"


def on_finished(app: Sphinx, exception) -> None:
    if exception or app.builder.format != "html":
        return
    page = Path(app.outdir) / f"{PAGENAME}.html"
    if page.is_file():
        text = page.read_text(encoding="utf-8")
        updated = make_links_absolute(text, app.config.thalbook_404_prefix)
        if updated != text:
            page.write_text(updated, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.add_config_value("thalbook_404_prefix", "/", "html", types=[str])
    app.connect("html-collect-pages", collect_pages)
    # after thalbook.site.sphinxext (priority 900) has stamped the static links and written the CSP
    app.connect("build-finished", on_finished, priority=950)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
