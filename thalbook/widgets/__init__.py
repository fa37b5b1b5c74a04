"""The widget engine: one ES module per kind in ``static/`` and a thin Python class per kind.

Imports only ``thalbook.core`` (no page, no data file): pages build a spec and hand it to a class here.
"""

from .engine import Calculator, Lookup, Quiz, Stepper, ThalbookWidget, bundle, css, state_json  # noqa: F401
from .figure import (  # noqa: F401
    OKABE_ITO,
    FigureOutput,
    LinkedFigure,
    figure_json,
    figure_static_html,
    figure_text,
)
from .group import WidgetGroup  # noqa: F401
