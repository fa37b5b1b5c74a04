"""Page rewrites that make the theme's pages fast on a phone on a slow connection (see README, Performance).

Lighthouse (mobile: slow 4G, 4x slower CPU) scored the theme's pages 35-58. What held the first paint
back, and what `thalbook.site.sphinxext` does about it after each build, with these functions:

- twelve separate stylesheets, each a request the browser must finish before it paints (and over HTTP/1.1
  at most six at a time): `bundle_css` joins each page's local stylesheets, in their order, into one file
  `_static/thalbook/bundle-<hash of the list>.css` (relative `url()`s rewritten, `@import`s inlined), and
  `use_bundle` links that file instead;
- `fontawesome.js` (1.5 MB of script, to draw about ten icons): `drop_fontawesome` removes the tag (the
  icons come from `thalbook.site.icons`' CSS instead);
- Sphinx's search scripts and the whole search index (106 kB, 38 kB compressed, and growing with the
  book) on every page, for the theme's search-as-you-type, which the book leaves off: the search box
  sends the reader to `search.html`, which loads them itself. `drop_unused_search` removes them from
  the other pages when the page itself says `search_as_you_type = false`;
- the theme's synchronous scripts in `<head>` (the search index among them, 106 kB and growing with the
  book) block the parser, and two `<link rel="preload" as="script">` raise deferred scripts to the
  priority of render-blocking ones: `defer_scripts` marks every external classic script `defer` (they
  still run in document order, before `DOMContentLoaded`), except `documentation_options.js`, which
  inline scripts of the theme extend as soon as they run, and `drop_script_preloads` removes the preloads.

All functions are idempotent: a page that went through them once comes out unchanged.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from pathlib import Path, PurePosixPath

FA_SCRIPT = re.compile(r'\s*<script\b[^>]*\bsrc="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*></script>')
SCRIPT_PRELOAD = re.compile(r'\s*<link rel="preload" as="script"[^>]*>')
SCRIPT_TAG = re.compile(r"<script\b(?P<attrs>[^>]*)>")
KEEP_SYNC = ("documentation_options.js",)  # the theme's inline scripts write into DOCUMENTATION_OPTIONS at once
LINK_TAG = re.compile(r"<link\b(?P<attrs>[^>]*?)\s*/?>")
ATTR = re.compile(r'([\w:-]+)(?:="([^"]*)")?')
CSS_URL = re.compile(r"""url\(\s*(?P<q>['"]?)(?P<url>[^'")]+)(?P=q)\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?(['"])(?P<url>[^'"]+)\1\s*\)?\s*;""")
BUNDLE_HEADER = "/* thalbook bundle of:"
BUNDLE_DIR = PurePosixPath("_static/thalbook")


def drop_fontawesome(page: str) -> str:
    return FA_SCRIPT.sub("", page)


def drop_script_preloads(page: str) -> str:
    return SCRIPT_PRELOAD.sub("", page)


SEARCH_SCRIPTS = re.compile(r'\s*<script\b[^>]*\bsrc="[^"]*\b(?:searchtools|language_data|searchindex)\.js[^"]*"[^>]*></script>')
SEARCH_OFF = "DOCUMENTATION_OPTIONS.search_as_you_type = false;"


def drop_unused_search(page: str, page_rel: PurePosixPath) -> str:
    """Remove the search scripts and index from a page other than the search page, when the page's own
    inline script turns the theme's search-as-you-type off (the only use of them outside search.html)."""
    if str(page_rel) == "search.html" or SEARCH_OFF not in page:
        return page
    return SEARCH_SCRIPTS.sub("", page)


def defer_scripts(page: str) -> str:
    """Add `defer` to every external classic script that has neither `defer` nor `async`."""

    def fix(m: re.Match) -> str:
        attrs = dict(ATTR.findall(m.group("attrs")))
        src = attrs.get("src", "")
        if not src or "defer" in attrs or "async" in attrs or attrs.get("type", "text/javascript") not in (
                "text/javascript", "application/javascript"):
            return m.group(0)
        if src.split("?", 1)[0].endswith(KEEP_SYNC):
            return m.group(0)
        return "<script defer" + m.group("attrs") + ">"

    return SCRIPT_TAG.sub(fix, page)


# ----------------------------------------------------------------------------- stylesheets
def _is_local(url: str) -> bool:
    return not re.match(r"^(?:[a-z][a-z0-9+.-]*:|//|/|#)", url, re.IGNORECASE)


def stylesheet_links(page: str) -> list[tuple[str, str]] | None:
    """(tag, href) of each stylesheet `<link>` in `<head>`, or None when one cannot be joined (another
    host, a `media`/`title`/`disabled` attribute, or a bundle already)."""
    head = page.split("</head>", 1)[0]
    links = []
    for m in LINK_TAG.finditer(head):
        attrs = dict(ATTR.findall(m.group("attrs")))
        if attrs.get("rel") != "stylesheet":
            continue
        href = html.unescape(attrs.get("href", ""))
        if set(attrs) - {"rel", "type", "href"} or not _is_local(href) or "/bundle-" in href:
            return None
        links.append((m.group(0), href))
    return links


def _site_path(href: str, page_rel: PurePosixPath) -> PurePosixPath:
    """`href` on the page at `page_rel` (relative to the site root) as a path from the site root."""
    parts: list[str] = []
    for part in (page_rel.parent / href.split("?", 1)[0].split("#", 1)[0]).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return PurePosixPath(*parts)


def bundle_name(sources: list[PurePosixPath]) -> PurePosixPath:
    digest = hashlib.sha256("\n".join(map(str, sources)).encode()).hexdigest()[:12]
    return BUNDLE_DIR / f"bundle-{digest}.css"


def _css_for_bundle(site: Path, source: PurePosixPath, seen: set[PurePosixPath]) -> str:
    """A stylesheet's text as it must read from BUNDLE_DIR: `@import`s inlined, relative URLs rebased,
    `@charset` and source-map comments dropped (the maps describe the original files)."""
    if source in seen or not (site / source).is_file():
        return ""
    seen.add(source)
    text = (site / source).read_text(encoding="utf-8")
    text = re.sub(r'@charset\s+"[^"]*"\s*;', "", text)
    text = re.sub(r"/\*#\s*sourceMappingURL=[^*]*\*/", "", text)

    def imported(m: re.Match) -> str:
        url = m.group("url")
        if not _is_local(url):
            return m.group(0)
        return _css_for_bundle(site, _site_path(url, source), seen)

    text = CSS_IMPORT.sub(imported, text)

    def rebase(m: re.Match) -> str:
        url = m.group("url").strip()
        if not _is_local(url) or url.startswith("data:"):
            return m.group(0)
        target = _site_path(url, source)
        suffix = url[len(url.split("?", 1)[0].split("#", 1)[0]):]
        return f'url("{os.path.relpath(target, BUNDLE_DIR)}{suffix}")'

    return CSS_URL.sub(rebase, text)


def write_bundle(site: Path, sources: list[PurePosixPath]) -> PurePosixPath:
    """Write (when its text changed) the bundle of `sources`; returns its path from the site root."""
    name = bundle_name(sources)
    seen: set[PurePosixPath] = set()
    parts = [f"{BUNDLE_HEADER} {' '.join(map(str, sources))} */"]
    for source in sources:
        parts.append(f"/* {source} */\n{_css_for_bundle(site, source, seen)}")
    text = "\n".join(parts) + "\n"
    target = site / name
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return name


Bundles = dict[tuple[PurePosixPath, ...], PurePosixPath]


def refresh_bundles(site: Path) -> Bundles:
    """Rewrite every existing bundle from its sources (named in its first line), so pages that this build
    did not rewrite still get the current CSS; returns {sources: bundle} for `use_bundle`."""
    done: Bundles = {}
    for path in sorted((site / BUNDLE_DIR).glob("bundle-*.css")):
        with path.open(encoding="utf-8") as f:
            first = f.readline()
        if first.startswith(BUNDLE_HEADER):
            sources = tuple(PurePosixPath(s) for s in first[len(BUNDLE_HEADER):].replace("*/", "").split())
            done[sources] = write_bundle(site, list(sources))
    return done


def use_bundle(page: str, page_rel: PurePosixPath, site: Path, bundles: Bundles | None = None) -> str:
    """Replace the page's stylesheet links by one link to their bundle (written once per build: `bundles`
    holds those written already)."""
    links = stylesheet_links(page)
    if not links or len(links) < 2:
        return page
    sources = tuple(_site_path(href, page_rel) for _, href in links)
    if not all((site / s).is_file() for s in sources):
        return page
    bundles = {} if bundles is None else bundles
    if sources not in bundles:
        bundles[sources] = write_bundle(site, list(sources))
    name = bundles[sources]
    href = os.path.relpath(name, page_rel.parent)
    first, *rest = (tag for tag, _ in links)
    page = page.replace(first, f'<link rel="stylesheet" type="text/css" href="{href}" />', 1)
    for tag in rest:  # the links sit in <head>, before any copy of the same text in the body
        page = re.sub(r"[ \t]*" + re.escape(tag) + r"[ \t]*\n?", "", page, count=1)
    return page


def speed_up(page: str, page_rel: PurePosixPath, site: Path, bundles: Bundles | None = None) -> str:
    page = drop_unused_search(drop_script_preloads(drop_fontawesome(page)), page_rel)
    return use_bundle(defer_scripts(page), page_rel, site, bundles)
