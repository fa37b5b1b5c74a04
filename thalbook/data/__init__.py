"""The data layer: every file in ``data/`` read, validated against its schema and cross-checked.

A broken file raises ``DataError``/``DataErrors`` naming the file, line and column. Imports only
``thalbook.core`` and itself; ``python -m thalbook.data.validate`` checks a book's ``data/`` and
``python -m thalbook.data.buildprep`` keeps cached builds honest.
"""

from .errors import DataError, DataErrors  # noqa: F401
from .loader import (  # noqa: F401
    Dataset,
    card_name,
    data_card,
    data_dir,
    dataset,
    dictionary,
    load_dir,
    page_title,
    project_root,
    registered_files,
)
