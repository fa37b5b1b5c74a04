"""The one error a reader of `make book` or `make test` sees when a data file is wrong."""

from __future__ import annotations


class DataError(Exception):
    """A data file broke a rule.

    The message names the file, the line as it stands in the file (a CSV header is line 1), the column
    (or YAML field path) and what was expected, e.g.
    ``data/studies.csv, line 5, column 'numerator': expected a whole number, got 'abc'``.
    """

    def __init__(self, path: str, line: int | None, column: str | None, message: str):
        self.path = str(path)
        self.line = line
        self.column = column
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.path]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class DataErrors(Exception):
    """Several DataErrors found in one pass; printed one per line."""

    def __init__(self, errors: list[DataError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
