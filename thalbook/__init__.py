"""thalbook: the package behind the teaching book. Cells call these sentence-level functions.

    import thalbook as tb
    tb.appraisal_box("ch1-common")
"""

from .backmatter import (  # noqa: F401  (back matter: critical reading, data dictionary)
    checklist_summary,
    critical_reading_checklist,
    data_dictionary,
)
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
from .cases import (  # noqa: F401  (page 3.3)
    capsule_schedules,
    case_stepper,
    case_steppers,
    cases_page,
    cases_table,
    mg_per_kg,
)
from .context import (  # noqa: F401  (issue 16: "Beyond the review" boxes, safety-rule tables)
    beyond_review,
    safety_rules_table,
)
from .data import dataset  # noqa: F401
from .errors import DataError, DataErrors  # noqa: F401
from .guides import (  # noqa: F401  (back matter: lecturer guide, changelog)
    changelog,
    errata,
    lesson_plan,
)
from .part1 import (  # noqa: F401
    disease_comparison,
    evidence_map_figure,
    evidence_map_table,
    glue_evidence_map,
    searches_table,
)
from .part3 import (  # noqa: F401
    evidence_table,
    glue_km,
    kaplan_meier,
    km_figure,
    km_steps_table,
    mds_comparison_table,
    neuropathy_table,
    percent_checker,
    percent_counts,
)
from .part5 import (  # noqa: F401  (pages 5.1-5.3)
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
from .pharmacology import (  # noqa: F401
    cereblon_diagram,
    explorer_matches,
    mechanism_explorer,
    mechanism_stepper,
)
from .safety import (  # noqa: F401  (pages 4.1 and 4.2)
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
