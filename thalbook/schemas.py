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


# ---------------------------------------------------------------- registry
# file (relative to data/) -> (model, key columns, is a YAML list?)
TABLES: dict[str, tuple[type[Row], tuple[str, ...]]] = {
    "studies.csv": (StudyResult, ("study_id", "outcome", "group", "denominator_type")),
    "facts.yaml": (Fact, ("id",)),
    "appraisals.yaml": (Appraisal, ("id",)),
    "glossary.yaml": (Term, ("term",)),
    "ctcae.yaml": (LabTest, ("id",)),
}
# one object per file
DOCUMENTS: dict[str, type[Row]] = {"labels.yaml": Labels}
# folders with one object per file
FOLDERS: dict[str, type[Row]] = {"quizzes": Quiz, "steppers": Stepper}
