"""Short author-year citations ("Raza et al. 2001") for the keys of data/references.bib.

Data rows keep their bibliography key (`source`); readers see the short citation, linked to the key's row
on the references page. The names are read with pybtex, the BibTeX parser sphinxcontrib-bibtex itself uses,
so "others" becomes "et al." and a corporate author in braces stays one name.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..core.text import escape
from .loader import data_dir

# every page that shows a source is one folder below chapters/ (chapters/<part>/<page>.html)
REFERENCES_HREF = "../back/references.html"


@lru_cache(maxsize=4)
def _labels(path: str, mtime: float) -> dict[str, str]:
    from pybtex.database import parse_file

    labels = {}
    for key, entry in parse_file(path, bib_format="bibtex").entries.items():
        labels[key] = _label(entry)
    return labels


def _clean(text: str) -> str:
    return re.sub(r"[{}\\]", "", text).strip()


def _label(entry) -> str:
    people = entry.persons.get("author", [])
    names = [_clean(" ".join(p.prelast_names + p.last_names)) for p in people]
    others = "others" in names
    names = [n for n in names if n and n != "others"]
    if names:
        if len(names) > 2 or (others and names):
            who = f"{names[0]} et al."
        else:
            who = " and ".join(names)
    else:
        # no author (a reference as the review listed it): what the entry says it is, up to its first comma
        who = _clean(re.split(r"[,;]", entry.fields.get("howpublished", "") or entry.fields.get("title", ""))[0])
        year = _clean(entry.fields.get("year", ""))
        return f"{who} {year}" if year and year not in who else who
    year = _clean(entry.fields.get("year", ""))
    if year and year in who:
        return who
    return f"{who} {year}" if year else f"{who}, n.d."


def citation(key: str) -> str:
    """'Raza et al. 2001' for raza2001thalidomide; KeyError names the key and the file when it is unknown."""
    path = data_dir() / "references.bib"
    labels = _labels(str(path), path.stat().st_mtime)
    if key not in labels:
        raise KeyError(f"{path}: no entry '{key}'")
    return labels[key]


def known_citation(key: str) -> str | None:
    """citation(key), or None for a key that is not in references.bib (a widget spec handed in directly, or
    a source that is not a reference key; data/ is validated), which the callers show as written."""
    try:
        return citation(key)
    except KeyError:
        return None


def cite_html(key: str, href: str = REFERENCES_HREF) -> str:
    """The short citation as a link to the key's row on the references page (the key stays in its title);
    an unknown key shows as escaped text."""
    label = known_citation(key)
    if label is None:
        return escape(key)
    return f'<a class="tb-cite" href="{escape(href)}#ref-{escape(key)}" title="{escape(key)}">{escape(label)}</a>'


def cite_md(key: str, href: str = REFERENCES_HREF) -> str:
    """The short citation as a Markdown link, for the widgets' Markdown texts (sanitised to a[href])."""
    label = known_citation(key)
    return f"`{key}`" if label is None else f"[{label}]({href}#ref-{key})"
