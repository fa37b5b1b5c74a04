"""Unit tests of the page rewrites behind the Lighthouse scores (thalbook.site.speed, thalbook.site.icons, thalbook.site.serve).

The built site is checked in tests/test_site.py (weight budgets); these run in-process on small inputs.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from thalbook.site import icons, speed
from thalbook.site.serve import accepts_gzip

HEAD = """<html><head>
<script data-cfasync="false">document.documentElement.dataset.mode = "auto";</script>
<script defer src="../_static/scripts/fontawesome.js?digest=1"></script>
<link rel="preload" as="script" href="../_static/scripts/bootstrap.js?digest=1" />
<link href="../_static/styles/theme.css?digest=1" rel="stylesheet" />
<link rel="stylesheet" type="text/css" href="../_static/a.css?v=1" />
<script src="../_static/documentation_options.js?v=1"></script>
<script src="../_static/doctools.js?v=1"></script>
<script>DOCUMENTATION_OPTIONS.pagename = 'x';</script>
<script async="async" src="../_static/sphinx-thebe.js?v=1"></script>
<script type="module" src="../_static/thalbook/boot.js"></script>
<script src="../searchindex.js"></script>
</head><body><p>text</p></body></html>"""


def site(tmp_path: Path) -> Path:
    (tmp_path / "_static" / "styles").mkdir(parents=True)
    (tmp_path / "_static" / "basic.css").write_text("p{margin:0}")
    (tmp_path / "_static" / "styles" / "theme.css").write_text('@import "../basic.css";\n')
    (tmp_path / "_static" / "a.css").write_text(
        '@font-face{src:url(vendor/f.woff2) format("woff2")}.i{background:url("data:image/png;base64,AA==")}'
        "\n/*# sourceMappingURL=a.css.map */")
    return tmp_path


def test_scripts_are_deferred_except_those_inline_scripts_need_at_once():
    out = speed.defer_scripts(HEAD)
    assert '<script defer src="../_static/doctools.js?v=1">' in out
    assert '<script defer src="../searchindex.js">' in out
    assert '<script src="../_static/documentation_options.js?v=1">' in out  # DOCUMENTATION_OPTIONS.pagename below
    assert '<script async="async" src="../_static/sphinx-thebe.js?v=1">' in out
    assert '<script type="module" src="../_static/thalbook/boot.js">' in out
    assert "<script>DOCUMENTATION_OPTIONS" in out and '<script data-cfasync="false">' in out
    assert speed.defer_scripts(out) == out


def test_fontawesome_script_and_script_preloads_are_dropped():
    out = speed.drop_script_preloads(speed.drop_fontawesome(HEAD))
    assert "fontawesome" not in out and 'rel="preload"' not in out
    assert "bootstrap.js" not in out  # it only appeared in the preload; the theme loads it deferred at the end


def test_search_scripts_leave_pages_that_cannot_use_them():
    page = HEAD.replace("</head>", "<script>DOCUMENTATION_OPTIONS.search_as_you_type = false;</script></head>")
    out = speed.drop_unused_search(page, PurePosixPath("chapters/x.html"))
    assert "searchindex.js" not in out and "doctools.js" in out
    assert speed.drop_unused_search(page, PurePosixPath("search.html")) == page  # the search page needs them
    as_you_type = page.replace("= false;", "= true;")
    assert speed.drop_unused_search(as_you_type, PurePosixPath("chapters/x.html")) == as_you_type


def test_stylesheets_become_one_bundle_with_rebased_urls(tmp_path):
    root = site(tmp_path)
    page_rel = PurePosixPath("chapters/x.html")
    out = speed.use_bundle(HEAD, page_rel, root)
    links = [line for line in out.splitlines() if 'rel="stylesheet"' in line]
    assert len(links) == 1 and "../_static/thalbook/bundle-" in links[0]
    bundle = next((root / "_static" / "thalbook").glob("bundle-*.css")).read_text()
    # in order: basic.css (imported by theme.css) then a.css; a.css's font is at _static/vendor/f.woff2,
    # which from _static/thalbook/ is ../vendor/f.woff2; data: URLs and source maps are left / dropped
    assert bundle.index("p{margin:0}") < bundle.index("@font-face")
    assert 'url("../vendor/f.woff2")' in bundle and 'url("data:image/png;base64,AA==")' in bundle
    assert "@import" not in bundle and "sourceMappingURL" not in bundle
    assert speed.use_bundle(out, page_rel, root) == out  # idempotent
    (root / "_static" / "basic.css").write_text("p{margin:1px}")
    speed.refresh_bundles(root)  # a page left alone by the next build still gets the new CSS
    assert "p{margin:1px}" in next((root / "_static" / "thalbook").glob("bundle-*.css")).read_text()


def test_a_stylesheet_with_a_media_attribute_is_left_alone(tmp_path):
    root = site(tmp_path)
    page = HEAD.replace('type="text/css" href="../_static/a.css?v=1"', 'type="text/css" media="print" href="../_static/a.css?v=1"')
    assert speed.use_bundle(page, PurePosixPath("chapters/x.html"), root) == page


def test_icon_shapes_come_from_the_installed_theme():
    packs = icons.load_icons()
    # Font Awesome's magnifying glass is U+F002 (alias "search"), drawn on a 512 x 512 grid
    glass = packs["fas"]["magnifying-glass"]
    assert (glass.code, glass.width, glass.height) == (0xF002, 512, 512)
    assert packs["fas"]["search"] is glass and glass.path.startswith("M")
    assert packs["fab"]["github"].code == 0xF09B


def test_icons_css_replaces_class_and_pseudo_element_glyphs():
    theme = (':root{--pst-icon-info:"\\f05a";--pst-icon-note:var(--pst-icon-info)}'
             ".admonition-title:after{content:var(--pst-icon-note);font:var(--fa-font-solid)}"
             '@media (min-width:960px){.toc:before{content:"\\f0c9"}}'
             '.fa-magnifying-glass:before{content:"\\f002"}.plain:before{content:"*"}')
    css = icons.icons_css({"magnifying-glass", "lg", "solid"}, [theme], icons.load_icons(), key="k1")
    assert css.splitlines()[0] == "/* thalbook icons: lg magnifying-glass solid key=k1 */"
    assert ".fa-solid.fa-magnifying-glass::before" in css and "--tb-icon-fas-magnifying-glass:url(" in css
    assert ".admonition-title:after{" in css and "--tb-icon-fas-circle-info" in css  # U+F05A
    assert "@media (min-width:960px){.toc:before{" in css  # U+F0C9, the bars
    assert ".plain:before" not in css and "\n.fa-magnifying-glass:before" not in css
    assert "fa-lg" not in css


def test_accept_encoding_is_read_as_rfc_9110_says():
    assert accepts_gzip("gzip, deflate, br") and accepts_gzip("br;q=1.0, gzip;q=0.5") and accepts_gzip("*")
    assert not accepts_gzip(None) and not accepts_gzip("identity") and not accepts_gzip("br, gzip;q=0")
    assert not accepts_gzip("*, gzip;q=0") and accepts_gzip("x-gzip")


def test_static_links_absolute_from_the_root_are_stamped_too(tmp_path):
    """404.html's links are absolute (thalbook.site.notfound); a later build that changes a stylesheet must
    still restamp them. The stamp is the file's CRC-32 (zlib's, as hex)."""
    import zlib

    from thalbook.site.sphinxext import stamp_static_links

    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "a.css").write_text("p{}")
    crc = f"{zlib.crc32(b'p{}'):08x}"
    page = '<link href="/book/_static/a.css?v=00000000" rel="stylesheet"><script src="../_static/a.css"></script>'
    out = stamp_static_links(page, tmp_path / "sub" / "404.html", site=tmp_path)
    assert out == f'<link href="/book/_static/a.css?v={crc}" rel="stylesheet"><script src="../_static/a.css?v={crc}"></script>'
