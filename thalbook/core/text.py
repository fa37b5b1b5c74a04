"""Safe text for widgets: plain fields are escaped, Markdown fields are rendered and then sanitised.

`markdown(s)` renders with markdown-it-py (raw HTML in the source is *not* passed through, it is shown
as text) and then cleans the result with nh3 against a small allowlist, so whatever a data file holds,
only these tags reach a page: p, em, strong, code, a[href], ul, ol, li, br, sub, sup, blockquote.
Links survive only when relative or https.
"""

from __future__ import annotations

import html as _html

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "em", "strong", "code", "a", "ul", "ol", "li", "br", "sub", "sup", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"https"}

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def escape(s: object) -> str:
    """Escape text for HTML element content or a quoted attribute value."""
    return _html.escape("" if s is None else str(s), quote=True)


def clean(html: str) -> str:
    """Sanitise an HTML fragment against the allowlist."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def markdown(s: object) -> str:
    """Render Markdown to sanitised HTML (block level: paragraphs, lists, quotes)."""
    if s is None:
        return ""
    return clean(_md.render(str(s)))
