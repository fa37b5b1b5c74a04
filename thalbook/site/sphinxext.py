"""Sphinx extension: serve the widget engine and plotly.js from the site itself, under a strict CSP.

- copies `thalbook/widgets/static/*` and npm's plotly.js basic bundle (as `plotly.min.js`) into `_static/thalbook/` (taken from
  installed packages at build time, never committed; not placed in the book's `_static/`, which Jupyter
  Book would add to every page);
- adds `boot.js` (an ES module) only to pages that hold a widget or a figure; boot.js loads plotly.js
  lazily, once, only where a figure is near the view;
- shows each page's "last reviewed" date from its notebook metadata (`last_reviewed`), and warns
  (an error under -W) when a chapter lacks it;
- writes a Content-Security-Policy meta tag into every page: scripts, fonts, images and connections only
  from the site's origin; inline scripts the theme needs are allowed by their sha256 hash, never by
  'unsafe-inline'. Styles allow 'unsafe-inline' because pandas tables, plotly and the theme set inline
  style attributes; no style loads from another host;
- makes the theme's pages fast on a phone (README, Performance): one stylesheet bundle per page, deferred
  scripts, no `fontawesome.js` and no icon font (`thalbook.site.speed`, `thalbook.site.icons`); after a rebuild only
  the pages Sphinx wrote are post-processed, unless a stylesheet or script changed.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import shutil
import time
import zlib
from pathlib import Path, PurePosixPath

from sphinx.application import Sphinx
from sphinx.util import logging

from ..widgets.engine import STATIC  # the widget modules, copied into the site at build time

logger = logging.getLogger(__name__)

ASSET_DIR = "thalbook"
CSP_MARK = 'data-thalbook-csp="1"'
ICONS_CSS = "icons.css"
INLINE_SCRIPT = re.compile(r"<script(?P<attrs>(?:(?!\bsrc=)[^>])*)>(?P<body>.*?)</script>", re.DOTALL | re.IGNORECASE)
DATA_TYPES = ("application/json", "application/ld+json", "application/vnd.jupyter.widget-state+json")


# plotly.js's "basic" bundle (scatter, bar, pie: the book draws scatter traces only), 0.4 MB gzipped against
# 1.5 MB for the full bundle in the plotly pip package; pinned in package.json, installed by `make book`
# (npm ci, once per lock) and copied into the site at build time.
PLOTLY_BUNDLE = Path("node_modules") / "plotly.js-basic-dist-min" / "plotly-basic.min.js"


def plotly_js_path(root: Path) -> Path:
    path = Path(root) / PLOTLY_BUNDLE
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: `make book` installs it (npm ci, package-lock.json)")
    return path


def page_needs_engine(body: str) -> bool:
    return any(f'class="thalbook-{k}' in body for k in ("widget", "figure", "progress"))


def dedupe_inline_scripts(context: dict) -> None:
    """sphinx-thebe registers its inline `const THEBE_JS_URL ...` twice under Jupyter Book, and a
    second `const` declaration is a SyntaxError in the console on every page: keep one copy.

    Also drop myst-nb's ipywidgets state block: the book's widgets render from their own static twins,
    so the state (tens of kB per widget, with the ES modules inlined and random model ids that make two
    builds differ) is dead weight on the static site."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        attributes = getattr(script, "attributes", {}) or {}
        if attributes.get("type") == "application/vnd.jupyter.widget-state+json":
            continue
        body = attributes.get("body")
        if body:
            if body in seen:
                continue
            seen.add(body)
        kept.append(script)
    scripts[:] = kept  # in place: the builder keeps adding page-level scripts to this same list


FAVICON = "favicon.svg"
# the book's mark, written at build time (no binary committed): a "T" in the theme's primary blue
FAVICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<rect width="32" height="32" rx="6" fill="#0a5fa6"/>'
    '<path d="M8 8h16v4h-6v14h-4V12H8z" fill="#fff"/></svg>\n'
)


def copy_assets(outdir: Path, root: Path) -> None:
    target = outdir / "_static" / ASSET_DIR
    target.mkdir(parents=True, exist_ok=True)
    for item in STATIC.iterdir():
        if item.suffix in (".js", ".css"):
            shutil.copy2(item, target / item.name)
    shutil.copy2(plotly_js_path(root), target / "plotly.min.js")
    (target / FAVICON).write_text(FAVICON_SVG, encoding="utf-8")


# Pages where the code is the lesson keep myst-nb's "Show code cell source" toggle on hide-input cells; on
# every other page a widget or table is what the reader reads, so the call behind it is removed from the
# site (the notebooks keep their hide-input tags: a lecturer running them live still sees the call).
SHOW_CODE_PAGES = ("chapters/back/widget-gallery", "chapters/back/lecturer-guide", "chapters/back/running-the-notebooks-live",
                   "chapters/back/contributing")


def drop_code_toggles() -> type:
    from sphinx.transforms.post_transforms import SphinxPostTransform

    class DropCodeToggles(SphinxPostTransform):
        default_priority = 198  # before myst-nb's HideInputCells (199) wraps the input in a toggle
        formats = ("html",)

        def run(self, **kwargs) -> None:
            if self.env.docname in self.config.thalbook_show_code_pages:
                return
            from docutils import nodes

            for node in list(self.document.findall(nodes.container)):
                if node.get("nb_element") == "cell_code" and node.get("hide_mode") == "input" and node.children \
                        and node.children[0].get("nb_element") == "cell_code_source":
                    node.remove(node.children[0])
                    node["hide_mode"] = ""

    return DropCodeToggles


def on_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    body = context.get("body", "")
    if "pathto" in context:
        context["favicon_url"] = context["pathto"](f"_static/{ASSET_DIR}/{FAVICON}", 1)
    if page_needs_engine(body):
        app.add_js_file(f"{ASSET_DIR}/boot.js", type="module")
    if 'class="section' in body or "<section" in body:  # the contents beside the page follow the reading
        app.add_js_file(f"{ASSET_DIR}/toc.js", loading_method="defer")
    if pagename == "search":  # sentence snippets; after searchtools.js, before the results are shown
        app.add_js_file(f"{ASSET_DIR}/search.js", priority=900)
    dedupe_inline_scripts(context)
    meta = context.get("meta") or {}
    reviewed = meta.get("last_reviewed")
    source = app.env.doc2path(pagename, False) if pagename in app.env.found_docs else ""
    if reviewed:
        context["body"] = (
            f'<p class="tb-last-reviewed">Last reviewed: <time datetime="{html.escape(str(reviewed))}">'
            f"{html.escape(str(reviewed))}</time></p>\n" + body
        )
    elif str(source).endswith(".ipynb"):
        logger.warning(f"{pagename}: notebook metadata has no 'last_reviewed' date", location=pagename)


def csp_for(page: str) -> str:
    hashes = []
    for m in INLINE_SCRIPT.finditer(page):
        attrs = m.group("attrs")
        kind = re.search(r"""type\s*=\s*["']?([^"'\s>]+)""", attrs)
        if kind and kind.group(1).lower() in DATA_TYPES:
            continue  # data blocks are never executed
        digest = base64.b64encode(hashlib.sha256(m.group("body").encode("utf-8")).digest()).decode()
        token = f"'sha256-{digest}'"
        if token not in hashes:
            hashes.append(token)
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' " + " ".join(hashes) if hashes else "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-src 'none'",
        ]
    )


def add_csp(page: str) -> str:
    page = re.sub(r'\s*<meta http-equiv="Content-Security-Policy"[^>]*' + re.escape(CSP_MARK) + r"[^>]*>", "", page)
    tag = f'<meta http-equiv="Content-Security-Policy" {CSP_MARK} content="{csp_for(page)}">'
    return re.sub(r"(<head[^>]*>)", lambda m: m.group(1) + "\n    " + tag, page, count=1)


# Markup of the theme and of docutils that axe-core flags as serious or critical, mended in the output
# (the sources and the installed packages stay untouched). Each entry: what, why, replacement.
A11Y_FIXES = [
    # the search field's aria-label "Search" hides its visible text "Search Ctrl+K" (label-content-name-mismatch)
    (re.compile(r'(<button class="btn search-button-field[^"]*"[^>]*?) aria-label="Search"'), r"\1"),
    # the colour-mode button's icons carry titles ("Light", ...) that do not match its label "Color mode"
    (re.compile(r'(<i class="theme-switch [^"]*"[^>]*?) title="[^"]*"'), r"\1"),
    (re.compile(r'(<i class="theme-switch [^"]*"(?![^>]*aria-hidden)[^>]*?)(>)'), r'\1 aria-hidden="true"\2'),
    # every icon is decoration beside a labelled control (fontawesome.js, no longer loaded, hid its SVGs too)
    (re.compile(r'(<i class="[^"]*\bfa-[^"]*"(?![^>]*aria-hidden)[^>]*?)(>)'), r'\1 aria-hidden="true"\2'),
    # myst-nb's hide-input toggle is labelled "Toggle hidden content" but shows "Show code cell source"
    (re.compile(r'<summary aria-label="Toggle hidden content">'), "<summary>"),
    # the sidebar's toggle of a page with pages under it (3.3 -> 3.3.1 ...) is an icon alone (summary-name)
    (re.compile(r'<summary>(<span class="toctree-toggle" role="presentation">)'),
     r'<summary aria-label="Show or hide the pages under this one">\1'),
    # docutils gives the citation list role=list but its entries role=doc-biblioentry (aria-required-children)
    (re.compile(r'role="doc-biblioentry"'), 'role="listitem"'),
]


def mend_a11y(page: str) -> str:
    for pattern, replacement in A11Y_FIXES:
        page = pattern.sub(replacement, page)
    return page


STATIC_LINK = re.compile(r'(?P<attr>(?:href|src)=")(?P<path>[^"?#]*?_static/[^"?#]+\.(?:css|js))(?:\?v=[0-9a-f]+)?"')


def stamp_static_links(page: str, page_file: Path, crcs: dict[Path, str] | None = None, site: Path | None = None) -> str:
    """Give every local CSS/JS link a ?v=<crc32 of the file> query, as Sphinx does only for files that
    already existed in the output when the page was written (so a cold build and a rebuild differed, and
    extension styles copied at the end went without cache-busting). Idempotent. `crcs` caches the
    checksums across the pages of one build; with `site` (the output folder), links absolute from the
    host's root (404.html's, see thalbook.site.notfound) are stamped too."""
    crcs = {} if crcs is None else crcs

    def stamp(m: re.Match) -> str:
        path = m.group("path")
        if path.startswith("/"):
            if site is None:
                return m.group(0)
            target = (site / path[path.index("_static/"):]).resolve()
        else:
            target = (page_file.parent / path).resolve()
        if target not in crcs:
            crcs[target] = f"{zlib.crc32(target.read_bytes()) & 0xFFFFFFFF:08x}" if target.is_file() else ""
        crc = crcs[target]
        if not crc:
            return m.group(0)
        return f'{m.group("attr")}{m.group("path")}?v={crc}"'

    return STATIC_LINK.sub(stamp, page)


def static_fingerprint(outdir: Path, derived: bool = True) -> str:
    """crc32 over the names and bytes of the site's stylesheets and scripts (with or without the files
    derived from them here: bundles and icons.css)."""
    crc = 0
    static = outdir / "_static"
    for path in sorted(static.rglob("*")):
        if path.suffix not in (".css", ".js") or not path.is_file():
            continue
        if not derived and (path.name == ICONS_CSS or path.name.startswith("bundle-")):
            continue
        crc = zlib.crc32(path.relative_to(static).as_posix().encode(), crc)
        crc = zlib.crc32(path.read_bytes(), crc)
    return f"{crc:08x}"


def on_init(app: Sphinx) -> None:
    app._thalbook_started = time.time()  # type: ignore[attr-defined]


def site_pages(outdir: Path) -> list[Path]:
    """The site's HTML pages (not the theme's template fragments that Sphinx copies into _static/)."""
    return sorted(p for p in outdir.rglob("*.html") if not {"_static", "_sources"} & set(p.relative_to(outdir).parts))


def on_finished(app: Sphinx, exception) -> None:
    """Post-process the pages: accessibility mending, speed rewrites (`thalbook.site.speed`), static-link
    stamps, CSP. Only the pages written by this build (or never processed) are rewritten, unless a
    stylesheet or script of the site changed since the last build: then every page is, so that all carry
    the new stamps."""
    if exception or app.builder.format != "html":
        return
    from . import icons, speed

    outdir = Path(app.outdir)
    copy_assets(outdir, Path(app.confdir))
    for name in ("fontawesome.js", "fontawesome.js.map"):  # nothing loads it any more (thalbook.site.speed)
        (outdir / "_static" / "scripts" / name).unlink(missing_ok=True)
    started = getattr(app, "_thalbook_started", 0.0)
    texts = {page: page.read_text(encoding="utf-8") for page in site_pages(outdir)}
    fresh = [p for p, t in texts.items() if CSP_MARK not in t or p.stat().st_mtime >= started]
    key = f"{static_fingerprint(outdir, derived=False)}-{zlib.crc32(Path(icons.__file__).read_bytes()):08x}"
    icons.ensure_icons_css(outdir, [texts[p] for p in fresh], outdir / "_static" / ASSET_DIR / ICONS_CSS, key)
    bundles = speed.refresh_bundles(outdir)
    state = Path(app.doctreedir) / "thalbook-static.crc"
    everything = not state.is_file() or state.read_text().strip() != static_fingerprint(outdir)
    crcs: dict[Path, str] = {}
    for page in texts if everything else fresh:
        text = texts[page]
        rel = PurePosixPath(page.relative_to(outdir).as_posix())
        updated = add_csp(stamp_static_links(speed.speed_up(mend_a11y(text), rel, outdir, bundles), page, crcs, outdir))
        if updated != text:
            page.write_text(updated, encoding="utf-8")
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(static_fingerprint(outdir) + "\n")


def figure_output_twin_only() -> None:
    """Let myst-nb pass over the plotly JSON of a `thalbook.widgets.FigureOutput`.

    A FigureOutput carries plotly's JSON (for JupyterLab) and a text/html twin, which the html builder
    prefers (`nb_mime_priority_overrides`). Under Sphinx, myst-nb parses every mime type of an output
    before it picks one and has no renderer for plotly's, so each figure logged `unknown_mime_type`
    although the site shows the twin. Only FigureOutput's JSON (recognised by the config it always sets,
    `displaylogo: false`) is passed over; any other plotly output still warns (a blank figure).
    """
    from myst_nb.core import render

    cls = render.NbElementRenderer
    if getattr(cls, "_thalbook_twin_only", False):
        return
    original = cls.render_mime_type

    def render_mime_type(self, data):
        content = data.content if isinstance(data.content, dict) else {}
        if data.mime_type == "application/vnd.plotly.v1+json" and (content.get("config") or {}).get("displaylogo") is False:
            return []
        return original(self, data)

    cls.render_mime_type = render_mime_type
    cls._thalbook_twin_only = True


def setup(app: Sphinx) -> dict:
    figure_output_twin_only()
    app.add_css_file(f"{ASSET_DIR}/book.css")
    app.add_css_file(f"{ASSET_DIR}/thalbook.css")
    # the theme's icons without its icon font (thalbook.site.icons); last, so it overrides the theme's glyphs
    app.add_css_file(f"{ASSET_DIR}/{ICONS_CSS}", priority=900)
    app.add_config_value("thalbook_show_code_pages", SHOW_CODE_PAGES, "env")
    app.add_post_transform(drop_code_toggles())
    app.connect("builder-inited", on_init)
    app.connect("html-page-context", on_page, priority=900)  # after myst-nb has added its scripts
    app.connect("build-finished", on_finished, priority=900)  # after the theme rewrites pygments.css
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
