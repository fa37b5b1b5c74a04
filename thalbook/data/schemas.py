"""What each file in `data/` must hold: one pydantic model per row, with each column's meaning and unit.

The data dictionary page is generated from these models (`thalbook.data.dictionary()`), so a column's
documentation cannot drift from the check that enforces it.
"""

from __future__ import annotations

import ast
import datetime
import functools
import itertools
import re
from pathlib import Path
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
    verdict: Literal["wrong", "impossible", "suspicious", "unsupported", "misattributed", "omitted", "holds in part", "holds"] = col(
        "The book's verdict on the claim"
    )
    page: str = col("Page that raises the flag (path without suffix)")
    question: str = col(
        "Id of the question of the critical-reading checklist (data/checklist.yaml) this flag answers", pattern=SLUG
    )

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
    aliases: list[str] = col(
        "Other names pages use for the same thing (a full name, a spelling); each links to this entry with {term}",
        default_factory=list,
    )


# ---------------------------------------------------------------- checklist.yaml (back matter: reading a review critically)
class ChecklistQuestion(Sourced):
    """One question of the critical-reading checklist; each flag in appraisals.yaml names the question it answers."""

    id: str = col("Identifier a flag names in its `question` field", pattern=SLUG)
    question: str = col("The question a reader asks of any review, in the book's words")
    look_for: str = col("What answers the question: the signs to look for (Markdown)")
    how: str = col("How a reader can check it without special access (Markdown)")


# ---------------------------------------------------------------- labels.yaml
class Label(Row):
    name: str = col("The label as shown")
    meaning: str = col("What a reader should take from it")


class OriginLabel(Label):
    tag: OriginTag = col("One-letter tag shown next to a rule")


class Labels(Row):
    statuses: list[Label] = col("The five status labels: what each says about a claim")
    bases: list[Label] = col("The bases a status can rest on (full text, abstract, ...)")
    origins: list[OriginLabel] = col("The origin tags of a teaching rule (L, P, A, X)")

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
    teaches: str | None = col(
        "The book page that teaches the answer, as a path without suffix (e.g. 'chapters/1-introduction/1.2-mds-and-dba');"
        " the quiz's end-of-quiz summary links a missed question to it",
        default=None,
        pattern=r"^chapters/[A-Za-z0-9._/-]+$",
    )

    @model_validator(mode="after")
    def one_right_answer(self):
        right = sum(o.correct for o in self.options)
        if right != 1:
            raise ValueError(f"field 'options': expected exactly one correct option, got {right}")
        return self


class Quiz(Row):
    id: str = col("Identifier: tb.quiz('id')", pattern=SLUG)
    title: str = col("Title shown above the quiz")
    questions: list[Question] = col("The questions, in the order shown", min_length=1)


class ChoiceOption(Row):
    text: str = col("What the reader can decide")
    goto: str = col("Id of the stage this decision leads to", pattern=SLUG)
    consequence: str = col("What follows from this decision and why, shown once it is made (Markdown)")


class Choice(Row):
    """A decision that routes the stepper: the reader's pick decides which stage comes next."""

    prompt: str = col("The decision to make (Markdown)")
    options: list[ChoiceOption] = Field(min_length=2, max_length=5, description="2 to 5 options")


class Stage(Row):
    id: str = col("Identifier, unique in its stepper", pattern=SLUG)
    title: str = col("Title of the stage")
    body: str = col("What the stage shows (Markdown)")
    question: Question | None = col("A question the reader answers at this stage", default=None)
    choice: Choice | None = col("A decision whose pick decides the next stage (branching)", default=None)
    next: str | None = col("Id of the stage after this one, when it is not the next main-line stage (a branch rejoining)",
                           default=None, pattern=SLUG)
    branch: bool = col("True for a stage reached only through a decision (Next from the stage before skips it)",
                       default=False)


def _routes_checked(doc):
    """Every decision's target and every `next` exists, no stage is unreachable, no route loops, and
    every route has the same length (core.stepper, the routing the widget uses)."""
    from ..core.stepper import route_problems

    problems = route_problems([s.model_dump() for s in doc.stages])
    if problems:
        raise ValueError("field 'stages': " + "; ".join(problems))
    return doc


class Stepper(Row):
    id: str = col("Identifier: tb.stepper('id')", pattern=SLUG)
    title: str = col("Title shown above the stepper")
    stages: list[Stage] = col("The stages, in the order shown", min_length=2)

    @model_validator(mode="after")
    def routes(self):
        return _routes_checked(self)


# ---------------------------------------------------------------- ctcae.yaml
class LabUnit(Row):
    unit: str = col("Unit as shown, e.g. '/mm³'")
    to_base: float = col("Multiply a value in this unit by this to get the base unit", gt=0)
    min: float = col("Lowest plausible value in this unit", unit="this unit")
    max: float = col("Highest plausible value in this unit", unit="this unit")


class LabTest(Sourced):
    id: str = col("Identifier of the laboratory test", pattern=SLUG)
    label: str = col("Name of the test as the explorer shows it")
    adverse_event: str = col("CTCAE v5.0 term graded from it")
    base_unit: str = col("Unit the grade floors and the LLN are given in, e.g. '/mm³'")
    units: list[LabUnit] = col("Units a reader may enter a value in", min_length=1)
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


class RefRange(Row):
    age_min_years: float = col("Youngest age the range applies to", unit="years", ge=0)
    age_max_years: float = col("Oldest age the range applies to (inclusive)", unit="years", le=18)
    low: float | None = col("Lowest value within the range (empty: no lower limit)", unit="the test's unit", default=None)
    high: float | None = col("Highest value within the range (empty: no upper limit)", unit="the test's unit", default=None)


class LabReference(Sourced):
    """One laboratory test the cases show, with its reference range by age (or the expected finding)."""

    id: str = col("Identifier used by the cases' labs", pattern=SLUG)
    label: str = col("Name of the test as the table shows it")
    unit: str = col("Unit of the value and the range (empty for a finding in words)", default="")
    ranges: list[RefRange] = col("Reference ranges by age band (numeric tests)", default_factory=list)
    expected: str | None = col("What a normal finding is, in words (tests reported in words, e.g. a karyotype)",
                               default=None)

    @model_validator(mode="after")
    def ranges_or_expected(self):
        if bool(self.ranges) == bool(self.expected):
            raise ValueError("field 'ranges': give either ranges by age (a numeric test) or 'expected' (a finding in words)")
        return self


class CaseLab(Row):
    """One illustrative result in a case (a numeric value, or a finding in words with the book's reading)."""

    test: str = col("Id of the test in data/lab_reference.yaml", pattern=SLUG)
    value: float | None = col("Numeric result, in the test's unit (its reading against the range is computed)",
                              default=None)
    result: str | None = col("Result in words (a karyotype, a pending test)", default=None)
    reading: str | None = col("What the result means, for a result in words", default=None)

    @model_validator(mode="after")
    def value_or_result(self):
        if (self.value is None) == (self.result is None):
            raise ValueError("field 'value': give either a numeric 'value' or a 'result' in words")
        if self.result is not None and not self.reading:
            raise ValueError("field 'reading': a result in words needs the book's reading of it")
        return self


class CaseTime(Row):
    """When a stage happens in the child's course: illustrative (the review gives no dates), drawn on the
    case's timeline to scale and shown in the stage."""

    weeks: float = col("Time since the first visit (week 0)", unit="weeks", ge=0, le=520)
    label: str | None = col("How the time is shown, e.g. 'week 17, after three months of treatment'; "
                            "empty: 'week <weeks>'", default=None)


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
    labs: list[CaseLab] = col(
        "Illustrative laboratory results shown as a table at this stage (always status illustrative)",
        default_factory=list,
    )
    labs_caption: str | None = col("Caption of the stage's laboratory table, e.g. 'Blood count at presentation'",
                                   default=None)
    when: CaseTime | None = col(
        "When the stage happens (illustrative; every stage but the appraisal, which reads the report afterwards); "
        "the main line's times are those of the route through each decision's first option",
        default=None,
    )

    @model_validator(mode="after")
    def caption_with_labs(self):
        if self.labs and not self.labs_caption:
            raise ValueError("field 'labs_caption': a stage with labs needs a caption for its table")
        return self


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
        _routes_checked(self)
        kinds = [s.kind for s in self.stages if not s.branch]  # branches sit beside the main line
        firsts = sorted(dict.fromkeys(kinds), key=kinds.index)
        if firsts != list(CASE_KINDS):
            raise ValueError(
                f"field 'stages': expected stages of the kinds {', '.join(CASE_KINDS)}, first met in this order; "
                f"got {', '.join(kinds)}"
            )
        if not any(s.question for s in self.stages if s.kind == "treatment decision"):
            raise ValueError("field 'stages': the treatment decision stage needs a question")
        return self

    def cross_check(self, _dataset) -> list[tuple[tuple, str]]:
        """(field path, message) for what the loader names by line: the stages' times (`when`): every stage
        but the appraisal has one, time never runs backwards along the main route (each decision's first option),
        and a branch stage is no earlier than the decision that leads to it."""
        from ..core.stepper import route

        out = []
        for i, s in enumerate(self.stages):
            if s.when is None and s.kind != "appraisal":
                out.append((("stages", i, "id"), f"stage '{s.id}' has no 'when'; every stage but the appraisal says when it happens"))
        index = {s.id: i for i, s in enumerate(self.stages)}
        stages = [s.model_dump() for s in self.stages]
        last = None
        for k in route(stages, {s["id"]: 0 for s in stages if s.get("choice")}):
            s = self.stages[k]
            if s.when is None:
                continue
            if last is not None and s.when.weeks < last.when.weeks:
                out.append((("stages", k, "when", "weeks"), f"week {s.when.weeks:g} of stage '{s.id}' is earlier than week "
                            f"{last.when.weeks:g} of '{last.id}' before it on the main route; time cannot run backwards"))
            last = s
        for s in self.stages:
            for o in s.choice.options if s.choice and s.when else []:
                t = self.stages[index[o.goto]] if o.goto in index else None
                if t is not None and t.when is not None and t.when.weeks < s.when.weeks:
                    out.append((("stages", index[t.id], "when", "weeks"), f"week {t.when.weeks:g} of stage '{t.id}' is earlier "
                                f"than week {s.when.weeks:g} of the decision at '{s.id}' that leads to it"))
        return out


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
    severity: int | None = col(
        "Rank of the action: 0 continue, 1 re-evaluate or monitor more closely, 2 reduce, 3 interrupt or withhold, "
        "4 stop; empty for no rule", default=None, ge=0, le=4)
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
        if "L" in self.origin and self.baseline != "always":
            raise ValueError("column 'baseline': a label row (origin L) applies whatever the baseline; "
                             "the teaching baseline rule may only add or soften A, X and P rows")
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


# ---------------------------------------------------------------- part 5 (pages 5.1-5.3)
def _quoted(v: str) -> str:
    """The review's words inside typographic quotes, each quotation at most 30 words (as Appraisal.claim)."""
    quotes = re.findall(r"“([^”]+)”", v)
    if not quotes:
        raise ValueError("expected the review's words inside typographic quotes “...”")
    if any(len(q.split()) > 30 for q in quotes):
        raise ValueError("a quotation of more than 30 words; quote less and paraphrase the rest")
    return v


class StudyRef(Row):
    """A row of data/studies.csv, named by its key columns."""

    study_id: str = col("study_id of the row in data/studies.csv", pattern=SLUG)
    outcome: str = col("outcome of the row")
    denominator_type: Literal["itt", "evaluable", "subgroup", "unknown"] = col("denominator_type of the row")
    group: str = col("group of the row", default="all")


def _missing_counts(counts: list[StudyRef], ds) -> list[tuple[tuple, str]]:
    """(path, message) for each named row that data/studies.csv does not hold."""
    keys = {(r.study_id, r.outcome, r.denominator_type, r.group) for r in ds.rows("studies.csv")}
    return [
        (("counts", i), f"no row ({c.study_id}, {c.outcome}, {c.denominator_type}, {c.group}) in data/studies.csv")
        for i, c in enumerate(counts)
        if (c.study_id, c.outcome, c.denominator_type, c.group) not in keys
    ]


class ReviewReference(Sourced):
    """One numbered entry of the review's reference list and what it really is (page 5.1 citation tracer).

    ``source`` is the entry's own key in data/references.bib and ``status`` must equal that entry's status.
    """

    number: int = col("The entry's number in the review's list, e.g. 4 for '[4]'", ge=1)
    as_listed: str = col("The entry as the review prints it (its reference list may be cited as it stands)")
    first_author: str = col("Surname of the first author as listed, e.g. 'Chen'")
    short: str = col("How the tracer names the entry, e.g. 'Chen 2006 (as listed)'")
    found: bool = col("True when the paper could be found as cited")
    topic: str = col("What the paper is about, in the book's words; for an entry not found, what it claims to be")
    reports: str = col("What the paper actually reports, or that it was not found and how it was looked for (Markdown)")
    see_also: str | None = col("Key in data/references.bib of a related real paper (e.g. the real Hasle 2016 review)", default=None)
    counts: list[StudyRef] = col("Rows of data/studies.csv that show what the paper reports, as printed", default_factory=list)


class ReviewClaim(Sourced):
    """One claim of the review's section 5.1 that cites (or should cite) a reference."""

    id: str = col("Identifier of the claim", pattern=SLUG)
    review_section: Literal["Table 1", "5.1"] = col("Where the claim stands in the review")
    topic: str = col("The claim in a few words, as the tracer's menu shows it")
    quote: str = col("The review's words: a short quotation in typographic quotes, at most 30 words")
    named_author: str | None = col("Surname the review names for the claim's study, e.g. 'Chen'; empty if none", default=None)
    cites: list[int] = col("Numbers of the references the review cites for the claim; empty if none", default_factory=list)
    verdict: Literal["wrong", "impossible", "suspicious", "unsupported", "misattributed", "omitted", "holds in part", "holds"] = col(
        "The book's verdict on the claim"
    )
    verdict_text: str = col("Why, in the book's words (Markdown)")
    appraisal: str | None = col("Id of the flag in data/appraisals.yaml that discusses the claim, if any", default=None)

    @field_validator("quote")
    @classmethod
    def short_marked_quote(cls, v: str) -> str:
        return _quoted(v)


class Citations(Row):
    """data/citations.yaml: the review's reference list and the claims of section 5.1 that cite it."""

    references: list[ReviewReference] = col("Every entry of the list, numbered 1, 2, 3, ... in order", min_length=1)
    claims: list[ReviewClaim] = col("The claims of section 5.1 and Table 1 that cite (or should cite) a reference", min_length=1)

    def cross_check(self, ds) -> list[tuple[tuple, str]]:
        """Every key is in data/references.bib (with the entry's own status) and every cited number is listed."""
        out: list[tuple[tuple, str]] = []
        numbers = [r.number for r in self.references]
        for i, r in enumerate(self.references):
            if r.number != i + 1:
                out.append((("references", i, "number"), f"expected {i + 1}: entries are numbered 1, 2, 3, ... in order"))
            entry = ds.bib.get(r.source)
            if entry is None:
                out.append((("references", i, "source"), f"unknown source key '{r.source}': add it to data/references.bib"))
            elif entry["status"] != r.status:
                out.append((("references", i, "status"),
                            f"expected '{entry['status']}', the status of '{r.source}' in data/references.bib, got '{r.status}'"))
            if r.see_also and r.see_also not in ds.bib:
                out.append((("references", i, "see_also"), f"unknown source key '{r.see_also}': add it to data/references.bib"))
            out += [(("references", i, *path), message) for path, message in _missing_counts(r.counts, ds)]
        ids: set[str] = set()
        flags = {a.id for a in ds.rows("appraisals.yaml")} if "appraisals.yaml" in ds.tables else set()
        for i, c in enumerate(self.claims):
            if c.id in ids:
                out.append((("claims", i, "id"), f"duplicate claim id '{c.id}'"))
            ids.add(c.id)
            if c.source not in ds.bib:
                out.append((("claims", i, "source"), f"unknown source key '{c.source}': add it to data/references.bib"))
            for j, n in enumerate(c.cites):
                if n not in numbers:
                    out.append((("claims", i, "cites", j), f"the review's list has no reference [{n}]"))
            if c.appraisal and c.appraisal not in flags:
                out.append((("claims", i, "appraisal"), f"no id '{c.appraisal}' in data/appraisals.yaml"))
        return out


class OtherUse(Sourced):
    """One use of thalidomide (or an analogue) beyond childhood MDS, with its regulatory standing (page 5.3)."""

    id: str = col("Identifier of the use", pattern=SLUG)
    drug: Literal["thalidomide", "lenalidomide", "pomalidomide", "lenalidomide and pomalidomide", "cereblon-binding drugs"] = col(
        "Drug the row is about"
    )
    condition: str = col("Disease or field, e.g. 'erythema nodosum leprosum (ENL)'")
    standing: Literal[
        "approved", "not approved", "reported off-label", "trial evidence", "mechanism", "no study found", "research field"
    ] = col(
        "approved / not approved: in the row's jurisdiction; reported off-label: use reported outside a licence; "
        "trial evidence: studied in trials, regulatory standing not covered by the book's sources; "
        "mechanism: how the drug acts in the disease, standing not covered"
    )
    jurisdiction: str = col("Where the standing applies, e.g. 'United States'; empty when it is not a regulatory row", default="")
    since: int | None = col("Year of approval, if the row is an approval", unit="year", default=None, ge=1950, le=2030)
    evidence: str = col("What the sources say, in the book's words (Markdown)")
    in_review: bool = col("True when the review's section 5 names this use")
    counts: list[StudyRef] = col("Rows of data/studies.csv shown with the use, as printed", default_factory=list)

    def cross_check(self, ds) -> list[tuple[tuple, str]]:
        return _missing_counts(self.counts, ds)


class OpenIssue(Sourced):
    """One open problem of section 5.2: what the review says, what is known, what a paediatric trial would measure."""

    id: str = col("Identifier of the issue", pattern=SLUG)
    issue: Literal["safety", "dosing", "combinations", "follow-up", "endpoints", "patient selection"] = col(
        "Which of the review's open problems the row belongs to"
    )
    title: str = col("The problem in a few words")
    review_says: str = col("What the review's section 5.2 says, in the book's words or a short quotation in typographic quotes")
    known: str = col("What the book's sources say about it (its status is the row's status)")
    measure: str = col("What a paediatric trial would need to measure: the book's teaching proposal")
    measure_status: Status = col("Status of the proposal (a teaching proposal is illustrative)", default="illustrative")


class PlanningAssumption(Sourced):
    """A teaching assumption of the trial-size calculator (page 5.2): an expected rate, a precision, a confidence."""

    id: str = col("Identifier of the assumption", pattern=SLUG)
    kind: Literal["expected-rate", "half-width", "confidence"] = col("What the number sets")
    label: str = col("What the number is, in the book's words")
    value: float = col("The number", unit="% (rate, confidence) or percentage points (half-width)", gt=0, lt=100)
    unit: Literal["%", "percentage points"] = col("Unit of value")
    default: bool = col("True for the value the calculator starts with (one per kind)", default=False)
    note: str = col("Why this value", default="")

    @model_validator(mode="after")
    def unit_fits_kind(self):
        want = "percentage points" if self.kind == "half-width" else "%"
        if self.unit != want:
            raise ValueError(f"column 'unit': a {self.kind} row is in '{want}', got '{self.unit}'")
        return self

    def cross_check(self, ds) -> list[tuple[tuple, str]]:
        same = [r for r in ds.rows("trial_planning.yaml") if r.kind == self.kind]
        defaults = [r.id for r in same if r.default]
        if len(defaults) != 1 and (self.default or (not defaults and same[0] is self)):
            return [(("default",), f"expected exactly one default row of kind '{self.kind}', got {len(defaults)}")]
        return []


# ---------------------------------------------------------------- registry
# file (relative to data/) -> (model, key columns, is a YAML list?)
TABLES: dict[str, tuple[type[Row], tuple[str, ...]]] = {
    "studies.csv": (StudyResult, ("study_id", "outcome", "group", "denominator_type")),
    "facts.yaml": (Fact, ("id",)),
    "appraisals.yaml": (Appraisal, ("id",)),
    "glossary.yaml": (Term, ("term",)),
    "checklist.yaml": (ChecklistQuestion, ("id",)),  # back matter: reading a review critically
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
    "lab_reference.yaml": (LabReference, ("id",)),  # page 3.3: the cases' laboratory tables
    "open_issues.yaml": (OpenIssue, ("id",)),  # page 5.2
    "trial_planning.yaml": (PlanningAssumption, ("id",)),  # page 5.2
    "other_uses.yaml": (OtherUse, ("id",)),  # page 5.3
}
# one object per file
DOCUMENTS: dict[str, type[Row]] = {"labels.yaml": Labels}
DOCUMENTS["citations.yaml"] = Citations  # page 5.1


# ---------------------------------------------------------------- wording/<part>.yaml (the words of widgets, tables and figures)
class Wording(Row):
    """The fixed words one part's widgets, tables and figures show: titles, labels, captions, notes,
    text alternatives and small vocabularies (e.g. what each severity means). The page builders in
    thalbook/pages/ keep only logic and markup and read their words here (``common.wording``)."""

    id: str = col("Identifier: the file's name, e.g. part4 for data/wording/part4.yaml", pattern=SLUG)
    pages: list[str] = col(
        "The pages that show these words, as in _toc.yml: when a text changes, update their last_reviewed date",
        min_length=1,
    )
    texts: dict[str, str | list[str] | dict[str, str]] = col(  # stripped like every field: no edge spaces
        "Each text by its key. {name} marks a value the page fills in (write {{ and }} for a literal brace in "
        "such a text); a list holds a table's column headers; a group maps values to words"
    )

    def cross_check(self, ds) -> list[tuple[tuple, str]]:
        return [(("pages", i), f"no page '{page}' (.ipynb or .md) in the book")
                for i, page in enumerate(self.pages) if not ds.page_exists(page)]


# folders with one object per file
FOLDERS: dict[str, type[Row]] = {"quizzes": Quiz, "steppers": Stepper, "cases": Case, "wording": Wording}


# ---------------------------------------------------------------- lesson_plans.yaml, changelog.yaml (back matter: lecturer guide, changelog)
def tb_call(text: str) -> tuple[str, list, dict]:
    """`tb.<name>(<literal arguments>)` as (name, args, kwargs): a sentence-level call a lecturer pastes
    into a live notebook. Anything else (another module, a variable, an expression) is refused."""
    refusal = f"expected a call such as tb.quiz(\"part1\", presenter=True) with literal arguments, got '{text}'"
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        raise ValueError(refusal) from None
    func = getattr(node, "func", None)
    if not (isinstance(node, ast.Call) and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            and func.value.id == "tb" and all(k.arg for k in node.keywords)):
        raise ValueError(refusal)
    try:
        return func.attr, [ast.literal_eval(a) for a in node.args], {k.arg: ast.literal_eval(k.value) for k in node.keywords}
    except ValueError:
        raise ValueError(refusal) from None


@functools.cache
def facade_names() -> frozenset[str]:
    """The names ``import thalbook as tb`` offers, read from the facade's source (``thalbook/__init__.py``)
    rather than imported: the data layer sits below the pages and must not import them."""
    tree = ast.parse((Path(__file__).resolve().parents[1] / "__init__.py").read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            names.update(a.asname or a.name for a in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
    return frozenset(names)


class LessonStep(Row):
    """One step of a lesson plan: how long, on which page, what to do, what to run live, what to ask."""

    minutes: int = col("Length of the step", unit="minutes", ge=1, le=120)
    page: str | None = col("Page of the book the step uses, as in _toc.yml (path without suffix); empty for a break", default=None)
    body: str = col("What the lecturer and the class do, in the book's words (Markdown)")
    live: list[str] = col(
        "Sentence-level calls to run in a live notebook (make live), e.g. tb.quiz(\"part1\", presenter=True)",
        default_factory=list,
    )
    prompt: str = col("A question to put to the class", default="")

    @field_validator("live")
    @classmethod
    def calls(cls, v: list[str]) -> list[str]:
        for text in v:
            tb_call(text)
        return v


class LessonPlan(Row):
    """A class of a stated length built from the book's pages (`tb.lesson_plan('id')`)."""

    id: str = col("Identifier: tb.lesson_plan('id'), e.g. '45' for the 45-minute plan", pattern=SLUG)
    title: str = col("What the class is about")
    minutes: int = col("Stated length of the class; the steps add up to it", unit="minutes", ge=10, le=240)
    audience: str = col("Who the class is for, and the room and screens it assumes")
    aims: list[str] = col("What students can do after the class", min_length=1)
    prepare: list[str] = col("What the lecturer does before the class", default_factory=list)
    steps: list[LessonStep] = col("The steps, in class order", min_length=2)

    @model_validator(mode="after")
    def steps_fill_the_class(self):
        total = sum(s.minutes for s in self.steps)
        if total != self.minutes:
            raise ValueError(f"field 'steps': the steps add up to {total} minutes, not the stated {self.minutes}")
        return self


class LessonPlans(Row):
    """The lecturer guide's lesson plans."""

    plans: list[LessonPlan] = col("The plans, each shown with tb.lesson_plan('id')", min_length=1)

    @model_validator(mode="after")
    def unique_ids(self):
        ids = [p.id for p in self.plans]
        if len(set(ids)) != len(ids):
            raise ValueError(f"field 'plans': plan ids must be unique, got {', '.join(ids)}")
        return self

    def cross_check(self, ds) -> list[tuple[tuple, str]]:
        """Every page is in the book and every live call names a function of thalbook's facade."""
        names = facade_names()
        out: list[tuple[tuple, str]] = []
        for i, plan in enumerate(self.plans):
            for j, step in enumerate(plan.steps):
                at = ("plans", i, "steps", j)
                if step.page and not ds.page_exists(step.page):
                    out.append((at + ("page",), f"no page '{step.page}' (.ipynb or .md) in the book"))
                for k, text in enumerate(step.live):
                    name = tb_call(text)[0]
                    if name not in names:
                        out.append((at + ("live", k), f"thalbook has no function '{name}' (tb.{name})"))
        return out


COMMIT = r"^[0-9a-f]{7,40}$"


class Change(Row):
    """One change of a release, in a sentence, with the commits that made it."""

    area: Literal["pages", "data", "widgets", "site", "build", "tests", "docs"] = col("What part of the book changed")
    text: str = col("What changed, in a sentence (Markdown)")
    commits: list[str] = col("Short hashes of the commits that made it; empty while not yet committed", default_factory=list)

    @field_validator("commits")
    @classmethod
    def hashes(cls, v: list[str]) -> list[str]:
        for c in v:
            if not re.fullmatch(COMMIT, c):
                raise ValueError(f"expected a commit hash of 7 to 40 lower-case hex digits, got '{c}'")
        return v


class Release(Row):
    """A version of the book: what changed in it."""

    version: str = col("Version, as in pyproject.toml", pattern=r"^\d+\.\d+\.\d+$")
    date: datetime.date = col("Day of the release, or of the latest change while in progress (YYYY-MM-DD)")
    state: Literal["complete", "in progress"] = col("Whether the version is complete or still being written")
    label: str = col("The version in a few words")
    changes: list[Change] = col("What changed", min_length=1)


class Erratum(Change):
    """An error in the book, found and fixed (or still open): what was wrong and what was done."""

    id: str = col("Identifier of the erratum", pattern=SLUG)
    area: Literal["number shown", "text", "layout", "widget behaviour", "link", "accessibility"] = col("Kind of error")
    page: str | None = col("Page the error was on (path without suffix); empty when it was on every page", default=None)
    found: datetime.date = col("Day the error was found (YYYY-MM-DD)")
    fixed: datetime.date | None = col("Day it was fixed; empty while open", default=None)
    text: str = col("What was wrong, in a sentence (Markdown)")
    correction: str = col("What was done about it (Markdown); for an open erratum, what a reader should do meanwhile")

    @model_validator(mode="after")
    def fixed_after_found(self):
        if self.fixed is not None and self.fixed < self.found:
            raise ValueError(f"column 'fixed': {self.fixed} is before the day it was found, {self.found}")
        return self


class Changelog(Row):
    """Releases, newest first, and the errata list."""

    releases: list[Release] = col("Versions of the book, newest first", min_length=1)
    errata: list[Erratum] = col("Errors in the book found since the first version", default_factory=list)

    @model_validator(mode="after")
    def newest_first(self):
        dates = [r.date for r in self.releases]
        if dates != sorted(dates, reverse=True):
            raise ValueError("field 'releases': list the versions newest first")
        ids = [e.id for e in self.errata]
        if len(set(ids)) != len(ids):
            raise ValueError(f"field 'errata': erratum ids must be unique, got {', '.join(ids)}")
        return self

    def cross_check(self, ds) -> list[tuple[tuple, str]]:
        return [
            (("errata", i, "page"), f"no page '{e.page}' (.ipynb or .md) in the book")
            for i, e in enumerate(self.errata)
            if e.page and not ds.page_exists(e.page)
        ]


DOCUMENTS["lesson_plans.yaml"] = LessonPlans  # back matter: lecturer guide
DOCUMENTS["changelog.yaml"] = Changelog  # back matter: changelog and errata


# ---------------------------------------------------------------- clinical_context.yaml, safety_rules.yaml (issue 16)
# Self-contained: two new files, registered below; nothing above this block depends on them.
PLACEHOLDER = re.compile(r"\{(fact|count):([^{}]+)\}")


class ContextFact(Sourced):
    """One fact of a "Beyond the review" box: clinical context the review leaves out, on the page it fits."""

    id: str = col("Identifier of the fact", pattern=SLUG)
    topic: str = col("Box the fact belongs to: tb.beyond_review('topic', 'title'); one topic sits on one page", pattern=SLUG)
    page: str = col("Page that shows the box (path without suffix)")
    statement: str = col(
        "The fact in the book's words (MyST Markdown, {term} links allowed). '{fact:<id>}' shows a number of "
        "data/facts.yaml with its unit and status; '{count:<study_id>|<outcome>|<denominator_type>|<group>}' a row "
        "of data/studies.csv as its source prints it (group may be left out for 'all')"
    )
    population: str = col("Who the fact is about, when the statement does not say (e.g. 'adults with lower-risk MDS')", default="")
    dose: bool = col("True when the statement shows a dose: the box then says that doses are for teaching, never prescribing", default=False)
    note: str = col("What a reader needs to weigh the fact (which secondary source, what is still to confirm)", default="")

    def cross_check(self, ds) -> list[tuple[tuple, str]]:
        out: list[tuple[tuple, str]] = []
        if not ds.page_exists(self.page):
            out.append((("page",), f"no page '{self.page}' (.ipynb or .md) in the book"))
        pages = {r.page for r in ds.rows("clinical_context.yaml") if r.topic == self.topic}
        if len(pages) > 1:
            out.append((("page",), f"topic '{self.topic}' is on more than one page: {', '.join(sorted(pages))}"))
        facts = {r.id for r in ds.rows("facts.yaml")} if "facts.yaml" in ds.tables else set()
        studies = {(r.study_id, r.outcome, r.denominator_type, r.group) for r in ds.rows("studies.csv")} if "studies.csv" in ds.tables else set()
        for kind, ref in PLACEHOLDER.findall(self.statement):
            if kind == "fact" and ref not in facts:
                out.append((("statement",), f"no id '{ref}' in data/facts.yaml"))
            if kind == "count":
                parts = [p.strip() for p in ref.split("|")]
                key = tuple(parts) if len(parts) == 4 else (*parts, "all") if len(parts) == 3 else None
                if key not in studies:
                    out.append((("statement",), f"no row '{ref}' (study_id|outcome|denominator_type|group) in data/studies.csv"))
        return out


class SafetyRule(Sourced):
    """One safety rule (pregnancy prevention, capsule handling, neuropathy) with its origin and status (pages 4.1, 4.2)."""

    id: str = col("Identifier of the rule", pattern=SLUG)
    topic: Literal["pregnancy prevention", "capsule handling", "neuropathy"] = col("Table the rule belongs to: tb.safety_rules_table('topic')")
    applies_to: str = col("Who the rule is for, e.g. 'females who can become pregnant'")
    rule: str = col("The rule in the book's words; for a rule the label does not hold, say so")
    when: str = col("When it applies, as the source says it (e.g. 'from 4 weeks before the first dose')", default="")
    origin: list[OriginTag] = col("Origin tags: L label, P published protocol, A teaching assumption, X extrapolated from adults", min_length=1)
    jurisdiction: str = col("Where an L rule applies (the REMS is a US programme); empty for P, A and X rules", default="")
    note: str = col("What a reader needs to read the rule right (what was searched for, what is not confirmed)", default="")

    @model_validator(mode="after")
    def label_rules_name_their_country(self):
        if "L" in self.origin and not self.jurisdiction:
            raise ValueError("column 'jurisdiction': a label (L) rule must say where it applies, e.g. 'United States'")
        if self.status == "not found" and not self.note:
            raise ValueError("column 'note': a 'not found' row must say what was looked for and where")
        return self


class BloodCountCell(Sourced):
    """One cell of the blood-count picture of page 1.2: one blood line (or the marrow) in one condition."""

    id: str = col("Identifier of the cell", pattern=SLUG)
    condition: Literal["MDS", "DBA", "aplastic anaemia"] = col("Column of the picture")
    line: Literal["red cells", "white cells", "platelets", "marrow"] = col("Row: a blood line, or marrow cellularity")
    level: Literal["low", "often low", "normal"] = col("How the count (or the marrow's cellularity) stands")
    text: str = col("The cell's words, in the book's words")
    note: str = col("What is still to confirm (needed when not verified)", default="")


TABLES["blood_counts.yaml"] = (BloodCountCell, ("id",))  # picture of page 1.2
TABLES["clinical_context.yaml"] = (ContextFact, ("id",))  # "Beyond the review" boxes (pages 1.2, 3.1, 5.3)
TABLES["safety_rules.yaml"] = (SafetyRule, ("id",))  # pregnancy prevention, capsule handling, neuropathy (4.1, 4.2)
