"""thalbook: the package behind the teaching book. Cells call these sentence-level functions.

    import thalbook as tb
    tb.appraisal_box("ch1-common")
"""

from .book import (  # noqa: F401
    appraisal_box,
    appraisal_list,
    count_text,
    ctcae_explorer,
    fact,
    fact_text,
    glossary,
    glue_count,
    glue_facts,
    proportion_calculator,
    quiz,
    reference_table,
    response_figure,
    status_counts,
    status_legend,
    stepper,
)
from .data import dataset  # noqa: F401
from .errors import DataError, DataErrors  # noqa: F401
