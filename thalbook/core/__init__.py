"""The pure layer: arithmetic, grading, text safety and the Python twins of the widgets' JavaScript.

Nothing here reads ``data/``, builds a widget or knows about Sphinx; every function takes plain values
and returns plain values, so each can be tested by hand. Layers above (``thalbook.data``,
``thalbook.widgets``, ``thalbook.pages``, ``thalbook.site``) import from here, never the other way.

Twins: ``calculator.py`` mirrors ``widgets/static/calculator.js`` and ``lookup.py`` mirrors
``widgets/static/lookup.js`` function by function (``tests/test_parity.py`` runs both on a grid).
"""
