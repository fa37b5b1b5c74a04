"""Part 2 of the book (pages 2.1 and 2.2): how thalidomide works.

Everything shown comes from ``data/mechanisms.yaml`` (one row per chain drug -> target -> downstream
change -> clinical consequence), ``data/steppers/mechanism-summary.yaml`` and ``data/quizzes/part2.yaml``.

* ``explorer_spec`` turns the rows into a spec for the book's Lookup widget (choices of mechanism, target
  and effect, each with "Any"); ``explorer_matches`` is the same matching rule as ``lookupCompute`` in
  ``static/lookup.js``, in Python, so the kernel side and tests can say which cards a choice shows.
* ``cereblon_model`` and ``cereblon_svg`` draw the cereblon diagram from the same rows as a small SVG
  (no plotly: a Sankey would need the 4.8 MB plotly.js bundle), readable without colour: every box is
  labelled and harms use a dashed line as well as the word "Harm".

Pure functions first, page-level functions (``mechanism_explorer``, ``cereblon_diagram``,
``mechanism_stepper``) last. No clinical number is typed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import Any

from ..core.lookup import matches as explorer_matches  # noqa: F401  (tb.explorer_matches)
from ..data import dataset
from .common import HTML, e, word_group, word_list, wording

PART = "part2"
ANY = "any"
FACETS = ("mechanism", "target", "effect")  # the explorer's selectors, each with an "Any ..." choice

_w = partial(wording, PART)  # a text of this part's data/wording file


def _words(key: str) -> dict[str, str]:
    return word_group(PART, key)


def _get(row: Any, key: str) -> Any:
    return row.get(key) if isinstance(row, Mapping) else getattr(row, key)


def _rows(rows: Iterable[Any] | None) -> list[Any]:
    return list(dataset().rows("mechanisms.yaml") if rows is None else rows)


# --------------------------------------------------------------------------- explorer (pure)
def facet_options(rows: Iterable[Any], facet: str) -> list[dict]:
    """The choices of one selector: "Any ..." first, then each distinct value in file order.

    For ``mechanism`` the value is the slug and the label the row's ``mechanism_name``.
    """
    out = [{"value": ANY, "label": _words("facets_any")[facet]}]
    seen: set[str] = set()
    for r in rows:
        value = str(_get(r, facet))
        if value in seen:
            continue
        seen.add(value)
        label = _get(r, "mechanism_name") if facet == "mechanism" else value
        out.append({"value": value, "label": label})
    return out


def card_body(row: Any) -> str:
    """The chain of one row as Markdown: drug, target, change, consequence, evidence and the verdict."""
    kind = _get(row, "effect_kind")
    lines = [
        _w("card_drug", drug=_get(row, "drug")),
        _w("card_target", target=_get(row, "target")),
        _w("card_downstream", downstream=_get(row, "downstream")),
        _w("card_effect", effect=_get(row, "effect"), kind=_words("kinds_plain")["therapeutic" if kind == "therapeutic" else "toxic"]),
        _w("card_system", system=_get(row, "system")),
        _w("card_claim", section=_get(row, "review_section"), claim=_words("claims")[_get(row, "review_claim")]),
    ]
    return "\n".join(lines) + "\n\n" + str(_get(row, "evidence")).strip()


def card_title(row: Any) -> str:
    """'Thalidomide → TNF-α → less inflammation'."""
    return f"{_words('drugs')[_get(row, 'drug')]} → {_get(row, 'target')} → {_get(row, 'effect')}"


def explorer_spec(rows: Iterable[Any] | None = None) -> dict:
    """Spec for the Lookup widget: three selectors with "Any" and one card per chain.

    A card's ``match`` accepts, for each selector, the row's own value or "any", so any combination of
    choices shows the chains that fit all of them.
    """
    rows = _rows(rows)
    cards = []
    for r in rows:
        cards.append({
            "id": _get(r, "id"),
            "match": {facet: [str(_get(r, facet)), ANY] for facet in FACETS},
            "title": card_title(r),
            "body": card_body(r),
            "tags": [
                _get(r, "mechanism_name"),
                _get(r, "system"),
                _get(r, "drug"),
                _words("tags")["therapeutic" if _get(r, "effect_kind") == "therapeutic" else "toxic"],
            ]
            + ([f"basis: {_get(r, 'basis')}"] if _get(r, "basis") else []),
            "source": _get(r, "source"),
            "status": _get(r, "status"),
        })
    return {
        "id": "mechanism-explorer",
        "title": _w("explorer_title"),
        "selectors": [
            {"name": facet, "label": _words("facets")[facet], "options": facet_options(rows, facet)} for facet in FACETS
        ],
        "rows": cards,
        "empty": _w("explorer_empty"),
    }


# --------------------------------------------------------------------------- cereblon diagram (pure)
def wrap(text: str, width: int) -> list[str]:
    """Split text into lines of at most ``width`` characters at spaces (a longer word stays whole)."""
    if width < 1:
        raise ValueError("width must be at least 1")
    lines: list[str] = []
    line = ""
    for word in str(text).split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines


def cereblon_model(rows: Iterable[Any] | None = None) -> dict:
    """The cereblon diagram as data: drugs binding CRL4-CRBN, then each neosubstrate with its effects.

    Returns ``{"drugs": [...], "neosubstrates": [{"name", "drugs", "effects": [{"effect", "kind",
    "systems", "statuses", "sources"}]}]}``, in file order, from the rows with ``crl4_crbn`` true.
    """
    rows = [r for r in _rows(rows) if _get(r, "crl4_crbn")]
    drugs: list[str] = []
    subs: dict[str, dict] = {}
    for r in rows:
        if _get(r, "drug") not in drugs:
            drugs.append(_get(r, "drug"))
        name = _get(r, "neosubstrate")
        if not name:
            continue
        sub = subs.setdefault(name, {"name": name, "drugs": [], "effects": {}})
        if _get(r, "drug") not in sub["drugs"]:
            sub["drugs"].append(_get(r, "drug"))
        eff = sub["effects"].setdefault(
            _get(r, "effect"),
            {"effect": _get(r, "effect"), "kind": _get(r, "effect_kind"), "systems": [], "statuses": [], "sources": []},
        )
        for key, field in (("systems", "system"), ("statuses", "status"), ("sources", "source")):
            if _get(r, field) not in eff[key]:
                eff[key].append(_get(r, field))
    neos = [{**s, "effects": list(s["effects"].values())} for s in subs.values()]
    order = [d for d in _words("drugs") if d in drugs]  # thalidomide first, then its analogues (the file's order)
    return {"drugs": order, "neosubstrates": neos}


def model_sentences(model: Mapping[str, Any]) -> list[str]:
    """The diagram in words, one sentence per neosubstrate (the text alternative)."""
    drugs = ", ".join(model["drugs"])
    out = [_w("model_lead", drugs=drugs)]
    kinds = _words("kinds")
    for s in model["neosubstrates"]:
        effects = "; ".join(
            _w("model_effect", kind=kinds[x["kind"]].lower(), effect=x["effect"], systems=", ".join(x["systems"]),
               statuses=", ".join(x["statuses"]))
            for x in s["effects"]
        )
        out.append(_w("model_neo", name=s["name"], drugs=", ".join(s["drugs"]), effects=effects))
    return out


_W = 400  # viewBox width
_LINE = 15  # text line height
_CHARS = 22  # characters per line in a half-width box


def _box(x: float, y: float, w: float, lines: Sequence[str], cls: str, dashed: bool = False) -> tuple[str, float]:
    h = _LINE * len(lines) + 12
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    text = "".join(
        f'<tspan x="{x + w / 2:g}" y="{y + 18 + i * _LINE:g}">{e(t)}</tspan>' for i, t in enumerate(lines)
    )
    return (
        f'<g class="{cls}"><rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" rx="6" fill="none"'
        f' stroke="currentColor" stroke-width="1.5"{dash}/>'
        f'<text text-anchor="middle" font-size="13" fill="currentColor">{text}</text></g>'
    ), h


def _arrow(x1: float, y1: float, x2: float, y2: float, dashed: bool = False) -> str:
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    return (
        f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" stroke="currentColor" stroke-width="1.5"'
        f' marker-end="url(#tb-crbn-arrow)"{dash}/>'
    )


def cereblon_svg(model: Mapping[str, Any], title: str | None = None, desc: str = "") -> str:
    """An SVG (no script, no colour needed) of drug -> CRL4-CRBN -> neosubstrates -> effects.

    Benefits are drawn with solid lines and the word "Benefit"; harms with dashed lines and the word
    "Harm". Colours follow the page's text colour (``currentColor``), so dark mode works too.
    """
    parts: list[str] = []
    y = 8.0
    title = _w("svg_title") if title is None else title
    kinds = _words("kinds")
    drug_box, h = _box(60, y, _W - 120, wrap(", ".join(_words("drugs")[d] for d in model["drugs"]), 40), "tb-crbn-drug")
    parts.append(drug_box)
    y += h
    parts.append(_arrow(_W / 2, y, _W / 2, y + 26))
    y += 30
    hub, h = _box(40, y, _W - 80, word_list(PART, "svg_hub"), "tb-crbn-hub")
    parts.append(hub)
    hub_mid = y + h / 2
    y = y + h + 26
    left_x, left_w = 26, 150
    right_x, right_w = 200, 192
    bus_x = 12  # a vertical line on the left carries the hub's arrows to each neosubstrate
    last_mid = hub_mid
    for s in model["neosubstrates"]:
        sub_lines = [s["name"], *wrap(f"({', '.join(s['drugs'])})", _CHARS - 4)]
        effect_boxes = []
        ey = y
        for x in s["effects"]:
            toxic = x["kind"] == "toxic"
            lines = wrap(f"{kinds[x['kind']]}: {x['effect']}", _CHARS + 2) + wrap(
                f"[{', '.join(x['systems'])}; {', '.join(x['statuses'])}]", _CHARS + 4
            )
            box, eh = _box(right_x, ey, right_w, lines, "tb-crbn-effect", dashed=toxic)
            effect_boxes.append((box, ey, eh, toxic))
            ey += eh + 8
        sub_box, sh = _box(left_x, y, left_w, sub_lines, "tb-crbn-neo")
        last_mid = y + sh / 2
        parts.append(_arrow(bus_x, last_mid, left_x, last_mid))
        parts.append(sub_box)
        for box, by, bh, toxic in effect_boxes:
            parts.append(_arrow(left_x + left_w, y + sh / 2, right_x, by + bh / 2, dashed=toxic))
            parts.append(box)
        y = max(y + sh, ey - 8) + 18
    parts.insert(
        3,
        f'<path d="M40,{hub_mid:g} H{bus_x} V{last_mid:g}" fill="none" stroke="currentColor" stroke-width="1.5"/>',
    )
    # legend
    y += 4
    parts.append(
        f'<g class="tb-crbn-legend" font-size="12" fill="currentColor">'
        f'<line x1="8" y1="{y:g}" x2="48" y2="{y:g}" stroke="currentColor" stroke-width="1.5"/>'
        f'<text x="56" y="{y + 4:g}">{e(_w("svg_benefit"))}</text>'
        f'<line x1="208" y1="{y:g}" x2="248" y2="{y:g}" stroke="currentColor" stroke-width="1.5" stroke-dasharray="6 4"/>'
        f'<text x="256" y="{y + 4:g}">{e(_w("svg_harm"))}</text></g>'
    )
    height = y + 14
    return (
        f'<svg class="tb-crbn-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {height:g}"'
        f' width="100%" role="img" aria-labelledby="tb-crbn-title tb-crbn-desc" focusable="false">'
        f'<title id="tb-crbn-title">{e(title)}</title><desc id="tb-crbn-desc">{e(desc)}</desc>'
        '<defs><marker id="tb-crbn-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7"'
        ' orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="currentColor"/></marker></defs>'
        f"{''.join(parts)}</svg>"
    )


# --------------------------------------------------------------------------- page-level functions
def mechanism_explorer(mechanism: str = "cereblon", target: str = ANY, effect: str = ANY):
    """The mechanism explorer (the book's Lookup widget) built from data/mechanisms.yaml."""
    from ..widgets import Lookup

    return Lookup(explorer_spec(), selection={"mechanism": mechanism, "target": target, "effect": effect})


def mechanism_stepper(presenter: bool = False):
    """The review's eight mechanism statements, one stage each (data/steppers/mechanism-summary.yaml)."""
    from .common import stepper

    return stepper("mechanism-summary", presenter=presenter)


def cereblon_diagram() -> HTML:
    """Figure: the cereblon diagram as inline SVG, with a caption and a text alternative (no script)."""
    model = cereblon_model()
    sentences = model_sentences(model)
    svg = cereblon_svg(model, desc=" ".join(sentences))
    items = "".join(f"<li>{e(s)}</li>" for s in sentences)
    markup = (
        '<figure class="tb-crbn-figure" id="fig-cereblon-model">'
        f'<div class="tb-crbn-wrap" style="max-width:34rem">{svg}</div>'
        f"<figcaption>{e(_w('cereblon_caption'))}</figcaption>"
        '<details class="tb-figure-alt tb-crbn-alt"><summary>Text alternative</summary>'
        f'<ul class="tb-crbn-text">{items}</ul></details></figure>'
    )
    return HTML(markup, "\n".join(sentences))


__all__ = [
    "ANY",
    "cereblon_diagram",
    "cereblon_model",
    "cereblon_svg",
    "explorer_matches",
    "explorer_spec",
    "facet_options",
    "mechanism_explorer",
    "mechanism_stepper",
    "model_sentences",
    "wrap",
]
