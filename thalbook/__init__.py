"""thalbook: the package behind the teaching book. Cells call these sentence-level functions.

    import thalbook as tb
    tb.appraisal_box("ch1-common")

The package is layered; each layer imports only the ones above it in this list (tests/test_architecture.py):

    core/     pure arithmetic, grading, text safety, and the Python twins of the widgets' JavaScript
    data/     reading, validating and cross-checking data/ (errors name file, line and column)
    widgets/  the widget engine: a Python class and an ES module per kind, plus figures
    pages/    one module per part: tables, figures and widget specs built from data/
    site/     the Sphinx extension, the 404 page and the local server

This facade (``tb.*``) is the only thing notebooks import.
"""

from .core.counts import percent_counts  # noqa: F401
from .core.dosing import capsule_schedules, mg_per_kg  # noqa: F401
from .data import DataError, DataErrors, dataset  # noqa: F401
from .pages.backmatter import (  # noqa: F401  (back matter: critical reading, data dictionary)
    checklist_summary,
    critical_reading_checklist,
    data_dictionary,
)
from .pages.cases import (  # noqa: F401  (page 3.3)
    case_stepper,
    case_steppers,
    cases_page,
    cases_table,
)
from .pages.common import (  # noqa: F401
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
    status_counts,
    status_legend,
    stepper,
)
from .pages.context import (  # noqa: F401  ("Beyond the review" boxes, safety-rule tables)
    beyond_review,
    safety_rules_table,
)
from .pages.figures import response_figure  # noqa: F401
from .pages.guides import (  # noqa: F401  (back matter: lecturer guide, changelog)
    changelog,
    errata,
    lesson_plan,
)
from .pages.part1 import (  # noqa: F401
    disease_comparison,
    evidence_map_figure,
    evidence_map_table,
    glue_evidence_map,
    searches_table,
)
from .pages.part3 import (  # noqa: F401
    evidence_table,
    glue_km,
    kaplan_meier,
    km_figure,
    km_steps_table,
    mds_comparison_table,
    neuropathy_table,
    percent_checker,
)
from .pages.part5 import (  # noqa: F401  (pages 5.1-5.3)
    citation_tracer,
    glue_citations,
    glue_planning,
    open_issues_table,
    other_uses_table,
    planning_table,
    reference_list_table,
    sample_size_calculator,
    sample_size_table,
    table1_traced,
)
from .pages.pharmacology import (  # noqa: F401
    cereblon_diagram,
    explorer_matches,
    mechanism_explorer,
    mechanism_stepper,
)
from .pages.pictures import blood_count_picture, case_timeline, history_timeline, pregnancy_timeline  # noqa: F401  (pictures drawn from data)
from .pages.progress import progress  # noqa: F401  (landing page: the reader's progress, kept in the browser)
from .pages.safety import (  # noqa: F401  (pages 4.1 and 4.2)
    capsule_calculator,
    course_stepper,
    cumulative_dose_figure,
    dose_explorer,
    dose_rules_table,
    glue_safety,
    monitoring_figure,
    monitoring_table,
    neuropathy_dose_table,
)
from .pages.takeaway import (  # noqa: F401  (the Anki deck's download link; the handouts' answer key)
    anki_download,
    answer_key,
)
