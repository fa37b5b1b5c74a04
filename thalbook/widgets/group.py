"""Named widgets shown together: what a page builder that makes several widgets returns.

``cases = tb.cases_page(presenter=True)`` displays every case (a cell's last value) and lets the lecturer
drive one by name: ``cases["case-1"].stage = 2``. Live it is an ipywidgets ``VBox`` of the widgets; on the
static site its ``text/html`` twin is each widget's own twin, one after another.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import ipywidgets as ipw


class WidgetGroup(ipw.VBox):
    """``group[name]`` -> the widget; ``group.names``; iterating yields the widgets in order."""

    def __init__(self, widgets: Mapping[str, Any], kind: str = "widget"):
        self._named = dict(widgets)
        self._kind = kind
        super().__init__(children=list(self._named.values()))

    @property
    def names(self) -> list[str]:
        return list(self._named)

    def __getitem__(self, name: str):
        try:
            return self._named[name]
        except KeyError:
            raise KeyError(f"no {self._kind} named {name!r}; the names are: {', '.join(self._named)}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._named

    def __iter__(self) -> Iterator[Any]:
        return iter(self._named.values())

    def static_html(self) -> str:
        return "".join(w.static_html() for w in self)

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs) or {}
        data = dict(data[0] if isinstance(data, tuple) else data)
        data["text/plain"] = f"<{len(self._named)} {self._kind}s: {', '.join(self._named)}>"
        data["text/html"] = self.static_html()
        return data
