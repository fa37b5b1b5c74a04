"""The one error a reader of `make book` or `make test` sees when a data file is wrong."""

from __future__ import annotations

import re

_STEP = re.compile(r"([A-Za-z_][\w-]*)|\[(\d+)\]")


def _singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return name


def field_steps(path: str):
    """The steps of a field path, each as (path so far, name, index): `questions[7].correct` gives
    ("questions", "questions", None), ("questions[7]", None, 7), ("questions[7].correct", "correct", None)."""
    prefix = ""
    for m in _STEP.finditer(path):
        name, index = m.group(1), m.group(2)
        prefix += (("." if prefix else "") + name) if name is not None else f"[{index}]"
        yield prefix, name, None if index is None else int(index)


def readable_field(path: str, ids: dict[str, str] | None = None) -> str:
    """A field path as a contributor counts: `questions[7].correct` → `question 8 (id q-dose) › correct`.

    List items are numbered from 1, named after their list in the singular, and carry their id when
    `ids` (field path of the item → id) knows it.
    """
    ids = ids or {}
    parts: list[str] = []
    for prefix, name, index in field_steps(path):
        if name is not None:
            parts.append(name)
            continue
        label = f"{_singular(parts.pop()) if parts else 'item'} {index + 1}"
        if prefix in ids:
            label += f" (id {ids[prefix]})"
        parts.append(label)
    return " › ".join(parts) or path


class DataError(Exception):
    """A data file broke a rule.

    The message names the file, the line as it stands in the file (a CSV header is line 1), the CSV column,
    the YAML field (list items counted from 1, with their ids) or the character column of a YAML syntax
    error, and what was expected, e.g.
    ``data/studies.csv, line 5, column 'numerator': expected a whole number, got 'abc'`` or
    ``data/quizzes/part4.yaml, line 40, field 'question 8 (id q-dose) › correct': expected true or false``.
    `column` keeps the programmer's path (`questions[7].correct`) for code and tests.
    """

    def __init__(self, path: str, line: int | None, column: str | None, message: str):
        self.path = str(path)
        self.line = line
        self.column = column
        self.message = message
        self.ids: dict[str, str] = {}
        super().__init__(str(self))

    def place(self) -> str | None:
        if not self.column:
            return None
        if self.path.endswith(".csv"):
            return f"column '{self.column}'"
        if self.column.isdigit():  # a YAML syntax error: the character position on the line
            return f"column {self.column}"
        return f"field '{readable_field(self.column, self.ids)}'"

    def __str__(self) -> str:
        where = [self.path]
        if self.line is not None:
            where.append(f"line {self.line}")
        place = self.place()
        if place:
            where.append(place)
        return f"{', '.join(where)}: {self.message}"


class DataErrors(Exception):
    """Several DataErrors found in one pass; printed one per line."""

    def __init__(self, errors: list[DataError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
