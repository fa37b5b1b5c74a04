"""What each file in `data/` must hold: one pydantic model per row, with each column's meaning and unit.

The data dictionary page is generated from these models (`thalbook.data.dictionary()`), so a column's
documentation cannot drift from the check that enforces it.
"""

from __future__ import annotations

import itertools
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Status = Literal["verified", "not verified", "not found", "derived", "illustrative"]
Basis = Literal["full text", "abstract", "label", "standard", "secondary"]
OriginTag = Literal["L", "P", "A", "X"]

STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]
SLUG = r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$"


def col(description: str, unit: str | None = None, **kw):
    """A column with its meaning (and unit) recorded for the data dictionary."""
    extra = {"unit": unit} if unit else None
    return Field(description=description, json_schema_extra=extra, **kw)


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Sourced(Row):
    source: str = col("Key of the source in data/references.bib")
    status: Status = col("Status of this row's claim (see the evidence labels page)")
    basis: Basis | None = col("What the status rests on", default=None)


# ---------------------------------------------------------------- studies.csv
class StudyResult(Sourced):
    """One study x outcome x group x denominator type, with the source's own counts."""

    study_id: str = col("Short identifier of the study, e.g. raza2001", pattern=SLUG)
    study_label: str = col("How the book names the study, e.g. 'Raza 2001'")
    drug: Literal["thalidomide", "lenalidomide", "placebo", "none"] = col("Drug given (none: a study of another treatment, e.g. transplantation)")
    population: str = col("Who was studied, e.g. 'adults with MDS'")
    dose: str = col("Dose as the source reports it", unit="mg/day unless stated")
    outcome: str = col("What was counted, e.g. 'haematologic improvement'")
    group: str = col("Subgroup, or 'all'")
    denominator_type: Literal["itt", "evaluable", "subgroup", "unknown"] = col(
        "itt = all enrolled; evaluable = those the authors counted; unknown = the source gives no count"
    )
    estimate_type: Literal["proportion", "kaplan-meier", "cumulative incidence", "relative hazard"] = col(
        "Kind of number; only proportions are checked against their counts"
    )
    numerator: int | None = col("Patients with the outcome", unit="patients", default=None, ge=0)
    denominator: int | None = col("Patients counted", unit="patients", default=None, ge=1)
    enrolled: int | None = col("Patients enrolled in the study (or group); empty if not reported", unit="patients", default=None, ge=1)
    printed_percent: str | None = col(
        "A percentage exactly as the source prints it (its decimals set the check's precision)",
        unit="%",
        default=None,
        pattern=r"^\d+(\.\d+)?$",
    )
    estimate: float | None = col("A ratio the source prints (relative hazard), when the number is not a percentage", default=None)
    response_definition: str = col("How the source defines the outcome")
    note: str = col("Anything a reader needs to read the row right", default="")

    @model_validator(mode="after")
    def counts_in_order(self):
        n, d, e = self.numerator, self.denominator, self.enrolled
        if d is not None and e is not None and d > e:
            raise ValueError(f"column 'denominator': {d} is more than the {e} enrolled")
        if n is not None and d is not None and n > d:
            raise ValueError(f"column 'numerator': {n} is more than its denominator {d}")
        if d is None and self.denominator_type != "unknown":
            raise ValueError(
                "column 'denominator_type': a row without a denominator must say 'unknown', "
                f"got '{self.denominator_type}'"
            )
        if self.estimate_type == "proportion" and self.printed_percent and n is not None and d is not None:
            decimals = len(self.printed_percent.partition(".")[2])
            printed = float(self.printed_percent)
            exact = 100 * n / d
            if abs(exact - printed) > 0.5 * 10**-decimals + 1e-9:
                raise ValueError(
                    f"column 'printed_percent': {self.printed_percent}% contradicts {n}/{d} = {exact:.2f}%"
                )
        return self


# ---------------------------------------------------------------- facts.yaml
class Fact(Sourced):
    """A single number the prose uses, with its population."""

    id: str = col("Identifier used in chapters: tb.fact('id')", pattern=SLUG)
    label: str = col("What the number is, in the book's words")
    value: float = col("The number (or the low end of a range)")
    value_high: float | None = col("High end of a range, if the source gives one", default=None)
    unit: str = col("Unit of value, e.g. 'per million children per year'")
    population: str = col("Population the number describes")

    @model_validator(mode="after")
    def range_in_order(self):
        if self.value_high is not None and self.value_high < self.value:
            raise ValueError(f"column 'value_high': {self.value_high} is below value {self.value}")
        return self


# ---------------------------------------------------------------- appraisals.yaml
class Appraisal(Sourced):
    """One "appraise the source" flag: the review's claim, the evidence and the verdict."""

    id: str = col("Identifier used in chapters: tb.appraisal_box('id')", pattern=SLUG)
    review_section: str = col("Section of the review quoted, e.g. '1.1'", pattern=r"^(\d\.\d|Table 1|References)$")
    claim: str = col("The review's claim: a short quotation in typographic quotes, at most 30 words")
    evidence: str = col("What the checked sources say (Markdown)")
    verdict: Literal["wrong", "impossible", "suspicious", "unsupported", "misattributed", "omitted", "holds"] = col(
        "The book's verdict on the claim"
    )
    page: str = col("Page that raises the flag (path without suffix)")

    @field_validator("claim")
    @classmethod
    def short_marked_quote(cls, v: str) -> str:
        quotes = re.findall(r"“([^”]+)”", v)
        if not quotes:
            raise ValueError("expected the review's words inside typographic quotes “...”")
        if any(len(q.split()) > 30 for q in quotes):
            raise ValueError("a quotation of more than 30 words; quote less and paraphrase the rest")
        return v


# ---------------------------------------------------------------- glossary.yaml
class Term(Sourced):
    term: str = col("The term as pages link to it with {term}")
    definition: str = col("One or two sentences in the book's words")


# ---------------------------------------------------------------- labels.yaml
class Label(Row):
    name: str = col("The label as shown")
    meaning: str = col("What a reader should take from it")


class OriginLabel(Label):
    tag: OriginTag = col("One-letter tag shown next to a rule")


class Labels(Row):
    statuses: list[Label]
    bases: list[Label]
    origins: list[OriginLabel]

    @model_validator(mode="after")
    def statuses_complete(self):
        names = [s.name for s in self.statuses]
        if sorted(names) != sorted(STATUSES):
            raise ValueError(f"field 'statuses': expected exactly {', '.join(STATUSES)}; got {', '.join(names)}")
        return self


# ---------------------------------------------------------------- quizzes/ and steppers/
class Option(Row):
    text: str = col("What the reader can choose")
    correct: bool = col("True for the one right answer", default=False)
    feedback: str = col("Why this option is right or wrong (Markdown)")


class Question(Sourced):
    id: str = col("Identifier, unique in its file", pattern=SLUG)
    prompt: str = col("The question (Markdown)")
    options: list[Option] = Field(min_length=3, max_length=5, description="3 to 5 options")

    @model_validator(mode="after")
    def one_right_answer(self):
        right = sum(o.correct for o in self.options)
        if right != 1:
            raise ValueError(f"field 'options': expected exactly one correct option, got {right}")
        return self


class Quiz(Row):
    id: str = col("Identifier: tb.quiz('id')", pattern=SLUG)
    title: str
    questions: list[Question] = Field(min_length=1)


class Stage(Row):
    id: str = col("Identifier, unique in its stepper", pattern=SLUG)
    title: str
    body: str = col("What the stage shows (Markdown)")
    question: Question | None = None


class Stepper(Row):
    id: str = col("Identifier: tb.stepper('id')", pattern=SLUG)
    title: str
    stages: list[Stage] = Field(min_length=2)


# ---------------------------------------------------------------- ctcae.yaml
class LabUnit(Row):
    unit: str = col("Unit as shown, e.g. '/mm³'")
    to_base: float = col("Multiply a value in this unit by this to get the base unit", gt=0)
    min: float = col("Lowest plausible value in this unit", unit="this unit")
    max: float = col("Highest plausible value in this unit", unit="this unit")


class LabTest(Sourced):
    id: str = col("Identifier of the laboratory test", pattern=SLUG)
    label: str
    adverse_event: str = col("CTCAE v5.0 term graded from it")
    base_unit: str
    units: list[LabUnit] = Field(min_length=1)
    grade_floors: list[float] = col(
        "Lowest value (base unit) still in grade 1, 2, 3, ...: below the last floor is the next grade"
    )
    lln: float = col("Illustrative lower limit of normal for a child", unit="base unit")
    lln_status: Status = col("Status of the LLN")
    top_grade_note: str = col("What the highest grade needs beyond the value", default="")

    @model_validator(mode="after")
    def floors_descend(self):
        f = self.grade_floors
        if any(a <= b for a, b in itertools.pairwise(f)):
            raise ValueError(f"column 'grade_floors': expected strictly falling values, got {f}")
        return self


# ---------------------------------------------------------------- diseases.csv, evidence_map.csv (part 1)
class DiseaseAttribute(Sourced):
    """One disease x attribute of the MDS-versus-DBA comparison (page 1.2)."""

    disease: Literal["MDS", "DBA"] = col("Disease: childhood MDS or DBA")
    attribute: str = col("Short identifier of the attribute, e.g. 'incidence'", pattern=SLUG)
    attribute_label: str = col("How the comparison table names the attribute")
    value: str = col("What the sources say, in the book's words; '{fact}' stands for the fact named in `fact`")
    fact: str | None = col("Id of a row in data/facts.yaml shown in place of '{fact}', with its unit and status", default=None)
    note: str = col("Anything a reader needs to read the row right", default="")

    @model_validator(mode="after")
    def fact_placeholder(self):
        if (self.fact is None) != ("{fact}" not in self.value):
            raise ValueError("column 'value': use '{fact}' exactly when column 'fact' names a fact")
        return self


class EvidenceMapEntry(Sourced):
    """One study answering one question in one population, or one search that found nothing (page 1.4)."""

    entry_id: str = col("Identifier of the entry", pattern=SLUG)
    kind: Literal["study", "search"] = col("study: a study_id of data/studies.csv; search: a search that found no study")
    study_id: str | None = col("The study in data/studies.csv (patients are counted from its rows)", default=None)
    question: Literal["thalidomide: benefit", "thalidomide: harms", "lenalidomide: benefit", "transplant: survival"] = col(
        "The question the study answers"
    )
    age_group: Literal["adults", "children"] = col("Who was studied")
    disease: Literal["MDS", "DBA", "other"] = col("Disease studied (other: e.g. inflammatory bowel disease)")
    searched: str = col("For a search: where, how and when it was looked for", default="")
    note: str = col("Anything a reader needs to read the row right", default="")

    @model_validator(mode="after")
    def study_or_search(self):
        if self.kind == "study" and not self.study_id:
            raise ValueError("column 'study_id': a study entry needs the study_id of data/studies.csv")
        if self.kind == "search" and (self.study_id or not self.searched or self.status != "not found"):
            raise ValueError("column 'searched': a search entry has no study_id, says where it searched and has status 'not found'")
        return self


# ---------------------------------------------------------------- part 3 (pages 3.1 and 3.2)
class MdsFeature(Sourced):
    """One feature of MDS in one age group, for the side-by-side table of page 3.1."""

    id: str = col("Identifier of the row", pattern=SLUG)
    feature: str = col("What is compared, e.g. 'Commonest chromosome change'")
    group: Literal["children", "adults"] = col("Which side of the table the row fills")
    text: str = col("What the source says for this group, in the book's words")


class FollowUp(Sourced):
    """One patient of the Kaplan-Meier worked example (page 3.2): follow-up time and how it ended."""

    id: str = col("Identifier of the (illustrative) patient", pattern=SLUG)
    months: float = col("Follow-up from diagnosis to death or to last contact", unit="months", ge=0)
    outcome: Literal["died", "censored"] = col("died: the event was seen; censored: alive when last seen")


class NeuropathyContext(Sourced):
    """Population, dose and duration behind a paediatric neuropathy count in studies.csv (page 3.2)."""

    id: str = col("The study_id of the neuropathy row in studies.csv", pattern=SLUG)
    population: str = col("Who was studied, with the disease (not MDS)")
    dose: str = col("Dose as the source reports it")
    duration: str = col("How long patients were treated or followed, as the source reports it")
    cumulative_dose: str = col("What the source says about cumulative dose")


# ---------------------------------------------------------------- cases/ and illustrative_weights.yaml (page 3.3)
CASE_KINDS = ("presentation", "work-up", "treatment decision", "dose", "course and monitoring", "outcome", "appraisal")


class IllustrativeWeight(Sourced):
    """A growth-chart weight used as a case child's weight for teaching (page 3.3)."""

    id: str = col("Identifier a case names in its `weight` field", pattern=SLUG)
    sex: Literal["girl", "boy"] = col("Sex of the chart row")
    age_years: int = col("Age of the chart row", unit="years", ge=0, le=18)
    percentile: int = col("Percentile of the chart row", ge=1, le=99)
    weight_kg: float = col("Weight at that age and percentile", unit="kg", gt=0)
    chart: str = col("Which growth chart, e.g. 'CDC 2000 weight-for-age'")


class CaseStage(Stage):
    """One stage of a case stepper: the book's text, what the review states, details added for teaching."""

    kind: Literal[CASE_KINDS] = col("Which step of the case: " + " -> ".join(CASE_KINDS))  # type: ignore[valid-type]
    review: str | None = col(
        "What the review states for this stage, in the book's words or a short quotation in typographic quotes “...”;"
        " shown attributed to the review with the case's source and status",
        default=None,
    )
    illustrative: list[str] = col(
        "Details added for teaching (a weight, a blood count), Markdown; each shown with an 'illustrative' badge",
        default_factory=list,
    )


class Case(Sourced):
    """One case of the review's section 3.3 as a case stepper (`tb.case_stepper('id')`)."""

    id: str = col("Identifier: tb.case_stepper('id'); equals the file name", pattern=SLUG)
    title: str = col("Title shown above the stepper")
    review_section: Literal["3.3"] = col("Section of the review the case comes from")
    age_years: int = col("Age as the review states it", unit="years", ge=0, le=18)
    sex: Literal["girl", "boy"] = col("Sex as the review states it")
    diagnosis: str = col("Diagnosis as the review states it")
    risk_group: Literal["advanced MDS", "low-blast MDS", "unclear"] = col(
        "The book's reading of the diagnosis against the risk groups of childhood MDS"
    )
    review_treatment: str = col("Treatment the review reports, in the book's words")
    dose_mg_per_day: float | None = col("Daily dose the review states; empty when it states none", unit="mg/day", default=None, gt=0)
    weight: str = col("Id of a row in data/illustrative_weights.yaml used as the child's weight (illustrative)", pattern=SLUG)
    stages: list[CaseStage] = Field(
        min_length=len(CASE_KINDS), description="a stage of each kind; the first of each kind in the order of CASE_KINDS"
    )

    @model_validator(mode="after")
    def stages_in_order(self):
        kinds = [s.kind for s in self.stages]
        firsts = sorted(dict.fromkeys(kinds), key=kinds.index)
        if firsts != list(CASE_KINDS):
            raise ValueError(
                f"field 'stages': expected stages of the kinds {', '.join(CASE_KINDS)}, first met in this order; "
                f"got {', '.join(kinds)}"
            )
        if not any(s.question for s in self.stages if s.kind == "treatment decision"):
            raise ValueError("field 'stages': the treatment decision stage needs a question")
        return self


# ---------------------------------------------------------------- mechanisms.yaml (part 2, pages 2.1 and 2.2)
class MechanismLink(Sourced):
    """One chain drug -> target -> downstream change -> clinical consequence, with the evidence behind it."""

    id: str = col("Identifier of the chain", pattern=SLUG)
    review_section: Literal["2.1", "2.2"] = col("Section of the review whose claim the chain tests")
    mechanism: str = col("Mechanism the chain belongs to (explorer choice), e.g. 'anti-angiogenic'", pattern=SLUG)
    mechanism_name: str = col("How the book names the mechanism")
    drug: Literal["thalidomide", "lenalidomide", "pomalidomide"] = col("Drug the chain was shown for")
    target: str = col("Protein or process the drug acts on (explorer choice), e.g. 'TNF-α'")
    downstream: str = col("What changes after the drug acts on the target, in the book's words")
    effect: str = col("Clinical consequence proposed or shown (explorer choice), e.g. 'limb defects'")
    effect_kind: Literal["therapeutic", "toxic"] = col("Whether the consequence is a benefit or a harm")
    system: Literal["cell culture", "animal", "patients"] = col("Where the chain was shown")
    review_claim: Literal["holds", "holds in part", "not shown", "not in the review"] = col(
        "Whether the review's claim about this mechanism holds on this evidence"
    )
    evidence: str = col("What was shown, by whom, in the book's words (Markdown)")
    crl4_crbn: bool = col("True when the chain runs through cereblon (CRL4-CRBN): drawn in the cereblon diagram", default=False)
    neosubstrate: str | None = col("Protein CRL4-CRBN destroys once the drug is bound (cereblon chains only)", default=None)

    @model_validator(mode="after")
    def neosubstrate_only_via_cereblon(self):
        if self.neosubstrate and not self.crl4_crbn:
            raise ValueError("column 'neosubstrate': only a chain through cereblon (crl4_crbn: true) has a neosubstrate")
        return self


# ---------------------------------------------------------------- part 4 (pages 4.1 and 4.2)
class DoseRule(Sourced):
    """One row of the teaching dose-adjustment table (or an explicit "no rule" with its reason)."""

    id: str = col("Identifier of the rule", pattern=SLUG)
    toxicity: str = col("Toxicity the rule applies to", pattern=SLUG)
    toxicity_label: str = col("How the explorer names the toxicity")
    lab_test: str | None = col("Blood count in data/ctcae.yaml that grades this toxicity", default=None)
    lab_below: float | None = col("Laboratory threshold: with a value entered, the rule applies below it", unit="base unit of lab_test", default=None, gt=0)
    grade_min: int = col("Lowest CTCAE grade the rule applies to", ge=1, le=4)
    grade_max: int = col("Highest CTCAE grade the rule applies to", ge=1, le=4)
    any_grade: bool = col("True when the rule applies whatever the grade (shown as 'any grade')", default=False)
    baseline: Literal["always", "worse-or-unknown", "not-worse"] = col(
        "Baseline rule (origin A): worse-or-unknown = only when no baseline is given or the grade is worse than "
        "the baseline grade by at least one; not-worse = only when it is not", default="always"
    )
    no_rule: bool = col("True for an explicit 'no rule' row", default=False)
    reason: str = col("Why there is no rule (no_rule rows)", default="")
    action: str = col("What the rule says to do")
    monitor: str = col("What to monitor next")
    severity: int | None = col("0 continue, 1 closer monitoring or supportive care, 2 reduce, 3 interrupt, 4 stop; empty for no rule", default=None, ge=0, le=4)
    origin: list[OriginTag] = col("Origin tags: L label, P protocol practice, A teaching assumption, X extrapolated from adults")

    @model_validator(mode="after")
    def consistent(self):
        if self.grade_min > self.grade_max:
            raise ValueError(f"column 'grade_max': {self.grade_max} is below grade_min {self.grade_min}")
        if self.no_rule != (self.severity is None):
            raise ValueError("column 'severity': a rule needs a severity; a 'no rule' row has none")
        if self.no_rule and not self.reason:
            raise ValueError("column 'reason': a 'no rule' row must say why")
        if not self.no_rule and not self.origin:
            raise ValueError("column 'origin': a rule needs at least one origin tag")
        if self.lab_below is not None and not self.lab_test:
            raise ValueError("column 'lab_test': a laboratory threshold needs its test")
        return self


class DoseLevel(Sourced):
    """One illustrative dose level for the course simulator (origin A)."""

    id: str = col("Identifier of the level", pattern=SLUG)
    label: str = col("The schedule in whole capsules")
    level: int = col("0 = starting level; -1 = one level lower, ...", le=0)
    mg_per_day: float = col("Average daily dose of the schedule", unit="mg/day", gt=0)
    origin: list[OriginTag] = col("Origin tags of the level")


class MonitoringCheck(Sourced):
    """One check of the teaching monitoring schedule, placed on a timeline in weeks."""

    id: str = col("Identifier of the check", pattern=SLUG)
    label: str = col("The check, in the book's words")
    when: str = col("When, as the schedule says it, e.g. 'weeks 1-4'")
    start_week: int = col("First week of the check on the timeline", unit="weeks", ge=0)
    end_week: int = col("Last week of the check on the timeline", unit="weeks", ge=0)
    every_weeks: int = col("Interval between checks", unit="weeks", ge=1)
    origin: list[OriginTag] = col("Origin tags of the check", min_length=1)

    @model_validator(mode="after")
    def weeks_in_order(self):
        if self.end_week < self.start_week:
            raise ValueError(f"column 'end_week': {self.end_week} is before start_week {self.start_week}")
        return self


class CourseWeek(Sourced):
    """One scheduled check of the illustrative treatment course (page 4.2 simulator)."""

    id: str = col("Identifier of the check", pattern=SLUG)
    label: str = col("What the check is")
    week: int = col("Week of treatment (0 = baseline, before the first dose)", unit="weeks", ge=0)
    anc: float = col("Illustrative neutrophil count", unit="/mm³", ge=0)
    platelets: float = col("Illustrative platelet count", unit="/mm³", ge=0)
    neuropathy_grade: int = col("Illustrative CTCAE grade of peripheral sensory neuropathy", ge=0, le=4)


class DoseArithmetic(Sourced):
    """A number behind the capsule arithmetic: capsule, input range, mg/kg range, hazard band, threshold."""

    id: str = col("Identifier of the row", pattern=SLUG)
    label: str = col("What the row is, in the book's words")
    kind: Literal["capsule", "input-range", "mgkg-range", "hazard-band", "cumulative-threshold"] = col("Kind of row")
    low: float = col("Capsule strength, or the low end (a band includes it)", unit="unit")
    high: float | None = col("High end (a band excludes it); empty for an open top band", unit="unit", default=None)
    unit: str = col("Unit of low and high")
    value: float | None = col("Relative hazard of neuropathy against the reference band (hazard bands only)", default=None, gt=0)

    @model_validator(mode="after")
    def band_has_hazard(self):
        if (self.kind == "hazard-band") != (self.value is not None):
            raise ValueError("column 'value': a hazard band needs its relative hazard; other rows have none")
        if self.high is not None and self.high < self.low:
            raise ValueError(f"column 'high': {self.high} is below low {self.low}")
        return self


# ---------------------------------------------------------------- registry
# file (relative to data/) -> (model, key columns, is a YAML list?)
TABLES: dict[str, tuple[type[Row], tuple[str, ...]]] = {
    "studies.csv": (StudyResult, ("study_id", "outcome", "group", "denominator_type")),
    "facts.yaml": (Fact, ("id",)),
    "appraisals.yaml": (Appraisal, ("id",)),
    "glossary.yaml": (Term, ("term",)),
    "ctcae.yaml": (LabTest, ("id",)),
    "mds_comparison.yaml": (MdsFeature, ("id",)),
    "km_example.yaml": (FollowUp, ("id",)),
    "neuropathy_context.yaml": (NeuropathyContext, ("id",)),
    "diseases.csv": (DiseaseAttribute, ("disease", "attribute")),
    "evidence_map.csv": (EvidenceMapEntry, ("entry_id",)),
    "dose_rules.yaml": (DoseRule, ("id",)),
    "dose_levels.yaml": (DoseLevel, ("id",)),
    "monitoring.yaml": (MonitoringCheck, ("id",)),
    "course.yaml": (CourseWeek, ("id",)),
    "dose_arithmetic.yaml": (DoseArithmetic, ("id",)),
    "mechanisms.yaml": (MechanismLink, ("id",)),
    "illustrative_weights.yaml": (IllustrativeWeight, ("id",)),  # page 3.3
}
# one object per file
DOCUMENTS: dict[str, type[Row]] = {"labels.yaml": Labels}
# folders with one object per file
FOLDERS: dict[str, type[Row]] = {"quizzes": Quiz, "steppers": Stepper, "cases": Case}
