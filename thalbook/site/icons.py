"""The theme's Font Awesome icons as CSS masks, built from the installed theme: no icon font, no icon script.

pydata-sphinx-theme draws its icons two ways: `<i class="fa-solid fa-...">` elements, which its
`fontawesome.js` (1.5 MB, Font Awesome's SVG+JS bundle) turns into inline SVG, and CSS pseudo-elements
(`.admonition-title::after`, breadcrumbs, external links) that print a private-use character in the Font
Awesome webfont (`fa-solid-900.woff2`, 156 kB). On a phone on a slow connection both cost more than the
page itself: the script, and the font, which the browser fetches at the highest priority while the page
renders. Each page shows about ten icons.

So the book drops the script (see `thalbook.site.sphinxext`) and writes `_static/thalbook/icons.css`, which
draws each icon the site uses as a mask over `currentColor` (it takes the text's colour in light, dark and
forced-colours modes). The shapes are read at build time from the icon data inside the installed theme's
`fontawesome.js` (nothing third-party is committed to the repository). Rules are written for

- every `fa-<name>` class found in the pages written by the build and in the theme's own scripts (icons
  they create at run time), for the solid, regular and brands styles;
- every pseudo-element rule of the theme's CSS whose `content` is a Font Awesome character (directly or
  through `--pst-icon-*` variables), with the same selector inside the same `@media` blocks, so it
  overrides the glyph (icons.css is linked after the theme's CSS).

The webfont stays in `_static/` as a fallback: an icon this module missed still shows, from the font; the
browser tests check that no page of the book fetches it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

STYLES = {"fas": ("fa-solid", "fas", "fa"), "far": ("fa-regular", "far"), "fab": ("fa-brands", "fab")}
# an icon in Font Awesome's bundle: name: [width, height, [aliases], "unicode", "path" | ["path", ...]]
ENTRY = re.compile(r'(?:"([^"]+)"|(\w+)):\[(\d+),(\d+),\[([^\]]*)\],"([0-9a-f]+)",("[^"]*"|\[[^\]]*\])\]')
PACK_START = re.compile(r'var (\w+)=\{(?=(?:"[^"]+"|\w+):\[\d+,\d+,\[)')
CLASS_ATTR = re.compile(r'\sclass="([^"]*)"')
FA_CLASS = re.compile(r"\bfa-([a-z0-9]+(?:-[a-z0-9]+)*)")
HEADER = "/* thalbook icons:"


@dataclass(frozen=True)
class Icon:
    style: str  # fas, far, fab
    name: str
    width: int
    height: int
    code: int
    path: str

    def data_url(self) -> str:
        svg = (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {self.width} {self.height}'>"
               f"<path d='{self.path}'/></svg>")
        return 'url("data:image/svg+xml,' + svg.replace("<", "%3C").replace(">", "%3E").replace("#", "%23") + '")'


def theme_dir() -> Path:
    import pydata_sphinx_theme

    return Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"


def fontawesome_js() -> Path:
    return theme_dir() / "static" / "scripts" / "fontawesome.js"


def load_icons(bundle: Path | None = None) -> dict[str, dict[str, Icon]]:
    """{style: {name or alias: Icon}} read from Font Awesome's SVG+JS bundle shipped with the theme.

    The bundle holds one object literal per style (`var p={...}` followed by `d("fas",p)`); entries hold
    no braces, so each object ends at the next `}`."""
    text = (bundle or fontawesome_js()).read_text(encoding="utf-8")
    packs: dict[str, dict[str, Icon]] = {}
    for start in PACK_START.finditer(text):
        end = text.index("}", start.end())
        style = re.compile(r'd\("(fa[srb])",' + re.escape(start.group(1)) + r"\)").search(text, end, end + 1000)
        if not style:
            continue
        icons = packs.setdefault(style.group(1), {})
        for key_q, key_b, w, h, aliases, code, path in ENTRY.findall(text[start.end():end]):
            paths = re.findall(r'"([^"]*)"', path)
            icon = Icon(style.group(1), key_q or key_b, int(w), int(h), int(code, 16), " ".join(p for p in paths if p))
            icons[icon.name] = icon
            for alias in re.findall(r'"([^"]+)"', aliases):
                icons.setdefault(alias, icon)
    if set(packs) != set(STYLES):
        raise RuntimeError(f"could not read the icon data of {bundle or fontawesome_js()} (styles found: {sorted(packs)})")
    return packs


# ----------------------------------------------------------------------------- CSS reading
def css_rules(text: str) -> Iterator[tuple[tuple[str, ...], str, str]]:
    """(enclosing at-rule preludes, selector, declarations) of each style rule of a stylesheet."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    stack: list[str] = []
    pos = 0
    while pos < len(text):
        m = re.compile(r"[{}]").search(text, pos)
        if not m:
            break
        prelude = text[pos:m.start()].strip()
        if m.group() == "}":
            if stack:
                stack.pop()
            pos = m.end()
            continue
        if prelude.startswith("@"):
            stack.append(prelude)
            pos = m.end()
            continue
        close = text.find("}", m.end())
        if close < 0:
            break
        yield tuple(stack), prelude, text[m.end():close]
        pos = close + 1


def declarations(body: str) -> dict[str, str]:
    out = {}
    for part in body.split(";"):
        name, sep, value = part.partition(":")
        if sep:
            out[name.strip().lower()] = value.strip()
    return out


def css_string_char(value: str) -> int | None:
    """The code point of a CSS string holding one character (`"\\f05a"` or the character itself)."""
    m = re.fullmatch(r"""(["'])(.*)\1""", value.strip())
    if not m:
        return None
    s = m.group(2)
    esc = re.fullmatch(r"\\([0-9a-fA-F]{1,6})\s?", s)
    if esc:
        return int(esc.group(1), 16)
    return ord(s) if len(s) == 1 else None


def pua(code: int | None) -> bool:
    return code is not None and 0xE000 <= code <= 0xF8FF


# ----------------------------------------------------------------------------- CSS writing
# `<i class="fa-solid fa-x">` icons: an empty box placed on the baseline as the glyph was (Font Awesome's
# glyphs are 1em tall and descend 0.125em). font-family: the text's own font, since an element or
# pseudo-element set in the icon font makes the browser fetch that font for its line box even with no text.
CLASS_MASK = ("content:\"\";font-family:inherit;display:inline-block;width:{w}em;height:1em;vertical-align:-.125em;"
              "background-color:currentColor;-webkit-mask:var({var}) center/contain no-repeat content-box;"
              "mask:var({var}) center/contain no-repeat content-box;forced-color-adjust:none")
# the theme's pseudo-element glyphs: a no-break space (in the text's font, hidden from assistive technology)
# keeps the line box the glyph had (some are positioned absolutely with the title's line height), and
# the icon is centred in it
PSEUDO_MASK = ("content:\"\\a0\";content:\"\\a0\"/\"\";font-family:inherit;display:inline-block;width:{w}em;height:auto;"
               "background-color:currentColor;-webkit-mask:var({var}) center/contain no-repeat content-box;"
               "mask:var({var}) center/contain no-repeat content-box;forced-color-adjust:none")


def _var(icon: Icon) -> str:
    return f"--tb-icon-{icon.style}-{icon.name}"


def _mask(icon: Icon, template: str) -> str:
    return template.format(w=f"{icon.width / icon.height:.4g}", var=_var(icon))


def class_names(texts: Iterable[str], html: bool = True) -> set[str]:
    """Every `fa-<name>` token in the class attributes of HTML `texts` (or anywhere in scripts)."""
    names: set[str] = set()
    for text in texts:
        for part in CLASS_ATTR.findall(text) if html else [text]:
            names.update(FA_CLASS.findall(part))
    return names


def theme_script_names() -> set[str]:
    """Icons the theme's scripts create at run time (e.g. the announcement banner's close button)."""
    scripts = [p for p in (theme_dir() / "static" / "scripts").glob("*.js") if p.name != "fontawesome.js"]
    return class_names((p.read_text(encoding="utf-8") for p in scripts), html=False)


def recorded(css: Path) -> tuple[set[str], str]:
    """The `fa-` names and the key recorded in the first line of an earlier icons.css (so a rebuild that
    writes only a few pages keeps the icons of the others, and skips the work when nothing changed)."""
    if not css.is_file():
        return set(), ""
    with css.open(encoding="utf-8") as f:
        first = f.readline()
    if not first.startswith(HEADER):
        return set(), ""
    words = first[len(HEADER):].replace("*/", "").split()
    return {w for w in words if not w.startswith("key=")}, next((w[4:] for w in words if w.startswith("key=")), "")


def icons_css(names: set[str], stylesheets: Iterable[str], packs: dict[str, dict[str, Icon]], key: str = "") -> str:
    """The stylesheet: rules for the `names` that are icons (other `fa-` tokens, such as `fa-lg`, are only
    recorded) and for the stylesheets' pseudo-element glyphs."""
    used: dict[str, Icon] = {}
    lines: list[str] = []
    covered = sorted(n for n in names if any(n in packs[s] for s in STYLES))
    for name in covered:
        for style, classes in STYLES.items():
            icon = packs[style].get(name)
            if icon is None:
                continue
            used[_var(icon)] = icon
            element = ",".join(f".{c}.fa-{name}" for c in classes)
            selector = ",".join(f".{c}.fa-{name}::before" for c in classes)
            lines.append(f"{element}{{font-family:inherit}}{selector}{{{_mask(icon, CLASS_MASK)}}}")
    by_code: dict[int, Icon] = {}
    for style in ("fas", "fab", "far"):  # code points are unique across styles; solid has most
        for icon in packs[style].values():
            by_code.setdefault(icon.code, icon)
    rules = [r for text in stylesheets for r in css_rules(text)]
    variables: dict[str, str] = {}
    for _, _, body in rules:
        for name, value in declarations(body).items():
            if name.startswith("--"):
                variables[name] = value

    def resolve(value: str, depth: int = 0) -> str:
        m = re.fullmatch(r"var\((--[\w-]+)(?:,[^)]*)?\)", value.strip())
        return resolve(variables.get(m.group(1), ""), depth + 1) if m and depth < 10 else value

    for media, selector, body in rules:
        if "before" not in selector and "after" not in selector:
            continue
        if re.fullmatch(r"(?:\.fa-[\w-]+:{1,2}before\s*,?\s*)+", selector):
            continue  # Font Awesome's own `.fa-<name>:before` rules: the class rules above cover the used ones
        content = declarations(body).get("content")
        code = css_string_char(resolve(content)) if content else None
        if not pua(code) or code not in by_code:
            continue
        icon = by_code[code]
        used[_var(icon)] = icon
        rule = f"{selector}{{{_mask(icon, PSEUDO_MASK)}}}"
        for prelude in reversed(media):
            rule = f"{prelude}{{{rule}}}"
        lines.append(rule)
    root = ":root{" + ";".join(f"{var}:{icon.data_url()}" for var, icon in sorted(used.items())) + "}"
    header = f"{HEADER} {' '.join(sorted(names))} key={key} */"
    note = ("/* Generated by thalbook.site.icons from the icon data of the installed pydata-sphinx-theme "
            "(Font Awesome Free: icons CC BY 4.0, https://fontawesome.com/license/free). */")
    return "\n".join([header, note, root, *lines]) + "\n"


def ensure_icons_css(outdir: Path, page_texts: Iterable[str], target: Path, key: str) -> None:
    """Write `target` for the site in `outdir` unless an earlier one already covers the `fa-` names of
    `page_texts` and was made from the same stylesheets (`key`: their checksum)."""
    seen, old_key = recorded(target)
    names = class_names(page_texts) | seen
    if names == seen and key == old_key:
        return
    names |= theme_script_names()
    static = outdir / "_static"
    sheets = [p.read_text(encoding="utf-8") for p in sorted(static.rglob("*.css"))
              if not {"thalbook", "vendor"} & set(p.relative_to(static).parts)]
    css = icons_css(names, sheets, load_icons(), key)
    if not target.is_file() or target.read_text(encoding="utf-8") != css:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(css, encoding="utf-8")
