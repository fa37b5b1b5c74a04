"""The pages layer: one module per part of the book, building tables, figures and widget specs from
``data/`` (through ``thalbook.data``) and handing them to ``thalbook.widgets``. Arithmetic lives in
``thalbook.core``; fixed reader-facing wording lives in ``data/wording/`` (``common.wording``)."""
