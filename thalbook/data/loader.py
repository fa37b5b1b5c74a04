"""The only module that reads `data/`: load, validate and cross-check every file.

Every failure becomes a `DataError` naming the file, the line as it stands in the file (CSV header = line
1), the column or field, and what was expected. Nothing here ever writes a file.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import re
import types
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from .errors import DataError, DataErrors, field_steps
from .schemas import DOCUMENTS, FOLDERS, SLUG, STATUSES, TABLES, Row

if TYPE_CHECKING:  # pandas costs about a second per kernel; only the two frame builders below need it
    import pandas as pd

BIB_ENTRY = re.compile(r"^@(\w+)\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)
BIB_STATUS = re.compile(r"^\s*status\s*=\s*\{([^}]*)\}", re.MULTILINE)


def project_root(start: Path | None = None) -> Path:
    """The book's root: the nearest folder above `start` (default: the working directory) holding
    `_config.yml` and `data/`, else the folder this package was installed from.

    Searching from the working directory lets a copy of the book (a test fixture, a lecturer's copy)
    read its own data even though the package is installed from elsewhere.
    """
    env = os.environ.get("THALBOOK_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "_config.yml").is_file() and (folder / "data").is_dir():
            return folder
    return Path(__file__).resolve().parents[2]


def data_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "data"


# ---------------------------------------------------------------- readers with line numbers
def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


_PLAIN = {
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_parsing": "expected a number",
    "bool_parsing": "expected true or false",
    "missing": "a value is required here",
    "string_type": "expected text",
    "list_type": "expected a list",
    "dict_type": "expected a mapping of fields",
    "model_type": "expected a mapping of fields",
    "extra_forbidden": "unknown field (check its spelling against the data dictionary)",
}


def _explain(err: dict[str, Any]) -> str:
    kind = err["type"]
    got = err.get("input")
    shown = f", got '{got}'" if isinstance(got, (str, int, float)) and not isinstance(got, bool) else ""
    if kind == "literal_error":
        allowed = err.get("ctx", {}).get("expected", "")
        return f"expected one of {allowed}{shown}"
    if kind == "string_pattern_mismatch":
        return f"expected a value matching {err['ctx']['pattern']}{shown}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal"):
        return f"{err['msg'].lower()}{shown}"
    if kind in ("too_short", "too_long"):
        return err["msg"]
    if kind == "value_error":
        return str(err.get("ctx", {}).get("error", err["msg"]))
    return _PLAIN.get(kind, err["msg"]) + shown


_COLUMN_IN_MESSAGE = re.compile(r"^(?:column|field) '([^']+)': (.*)$", re.DOTALL)


def _errors_from_validation(
    exc: ValidationError, shown: str, line_of, prefix: tuple = ()
) -> list[DataError]:
    out = []
    for err in exc.errors():
        loc = prefix + tuple(err["loc"])
        message = _explain(err)
        column = _path_name(tuple(err["loc"]))
        m = _COLUMN_IN_MESSAGE.match(message)
        if m:  # a cross-column rule names the column it blames
            column = _path_name(tuple(err["loc"]) + (m.group(1),)) if err["loc"] else m.group(1)
            loc = loc + (m.group(1),)
            message = m.group(2)
        out.append(DataError(shown, line_of(loc), column or None, message))
    return out


def _path_name(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def read_csv(path: Path, model: type[Row], shown: str) -> list[tuple[int, BaseModel]]:
    """Rows of a CSV file as (line, model); header is line 1."""
    text = path.read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise DataError(shown, 1, None, "the file is empty; expected a header line") from None
    fields = model.model_fields
    required = [n for n, f in fields.items() if f.is_required()]
    for name in required:
        if name not in header:
            raise DataError(shown, 1, name, "missing column")
    for name in header:
        if name not in fields:
            raise DataError(shown, 1, name, "unknown column (check its spelling against the data dictionary)")
    rows, errors = [], []
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            errors.append(DataError(shown, line, None, f"expected {len(header)} cells, got {len(values)}"))
            continue
        record = {k: v for k, v in zip(header, values) if v.strip() != ""}
        try:
            rows.append((line, model.model_validate(record)))
        except ValidationError as exc:
            errors.extend(_errors_from_validation(exc, shown, lambda loc, line=line: line))
    if errors:
        raise DataErrors(errors)
    return rows


# libyaml's parser is about 25 times faster than the pure-Python one (0.03 s against 0.76 s for data/ in
# every kernel); the pure-Python parser still reports any error, so messages stay the same
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# YAML's own words for a syntax error, and what they usually mean in a data file like ours
_YAML_PROBLEMS = [
    ("expected <block end>", "the indentation does not match the lines above: a field or '- ' item here is "
     "indented more or less than its neighbours (YAML nests by indentation; indent with spaces)"),
    ("expected <block mapping start>", "the indentation does not match the lines above (YAML nests by indentation)"),
    ("mapping values are not allowed here", "a colon followed by a space inside a value: put the whole value in "
     "double quotes"),
    ("could not find expected ':'", "a line that is not 'field: value': a long value may have lost its "
     "indentation, or a quotation mark is not closed"),
    ("found character '\\t'", "a tab character: indent with spaces only"),
    ("found unexpected end of stream", "a quotation mark is opened and never closed"),
    ("while parsing a flow", "a value starting with [ or { is read as a list or mapping: put the value in quotes"),
    ("expected ',' or", "a value starting with [ or { is read as a list or mapping: put the value in quotes"),
    ("found undefined alias", "a value starting with * or &: put the value in quotes"),
    ("expected alphabetic or numeric character", "a value starting with *, & or !: put the value in quotes"),
    ("that cannot start any token", "a value cannot start with this character (%, @ or `): put the value in quotes"),
    ("found duplicate key", "the same field appears twice in one record"),
]


def _line_shown(text: str, line: int, column: int) -> str:
    """The offending line with a caret under the column, as an editor shows it."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    number = f"{line} | "
    return f"\n      {number}{lines[line - 1]}\n      {' ' * len(number)}{' ' * max(column - 1, 0)}^"


def _compose(text: str, shown: str):
    try:
        return yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        pass
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "YAML syntax error"
        said = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        plain = next((words for key, words in _YAML_PROBLEMS if key in said), f"YAML syntax error: {problem}")
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        if "mapping values are not allowed" in said and line and _indented_field(text.splitlines(), line - 1):
            plain = ("this field is indented more than the field above it, so YAML reads it as part of that "
                     "field's value: give it the same indentation as its neighbours")
        raise DataError(
            shown, line, str(column) if column else None,
            plain + (_line_shown(text, line, column) if line else ""),
        ) from None


def _indented_field(lines: list[str], index: int) -> bool:
    """True when line `index` is a lone `field: value` indented deeper than the previous field line."""
    m = re.match(r"^( *)[\w-]+: ", lines[index]) if index < len(lines) else None
    if not m:
        return False
    for above in reversed(lines[:index]):
        if above.strip():
            prev = re.match(r"^( *)(?:- )?[\w-]+: ", above)
            return bool(prev) and len(m.group(1)) > len(prev.group(1)) + (2 if above.lstrip().startswith("- ") else 0)
    return False


# YAML 1.1 reads yes/no/on/off as booleans; the book accepts only true and false and asks for anything else
_BOOL_WORDS = {"true", "false"}


def _to_python(node, path: tuple, lines: dict[tuple, int], shown: str = ""):
    """Plain Python from a YAML node, recording the line of every value in `lines`."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            key = key_node.value
            out[key] = _to_python(value_node, path + (key,), lines, shown)
            lines[path + (key,)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(v, path + (i,), lines, shown) for i, v in enumerate(node.value)]
    if node.tag == "tag:yaml.org,2002:bool" and node.value.lower() not in _BOOL_WORDS:
        raise DataError(
            shown, node.start_mark.line + 1, str(node.start_mark.column + 1),
            f"'{node.value}' would be read as a yes/no value: write true or false (if it is text, put it in quotes)",
        )
    return yaml.SafeLoader.construct_object(yaml.SafeLoader(""), node, deep=True)


def read_yaml(path: Path, shown: str) -> tuple[Any, dict[tuple, int]]:
    node = _compose(path.read_text(encoding="utf-8"), shown)
    lines: dict[tuple, int] = {}
    if node is None:
        raise DataError(shown, 1, None, "the file is empty")
    return _to_python(node, (), lines, shown), lines


def _line_finder(lines: dict[tuple, int]):
    def line_of(loc: tuple) -> int | None:
        for cut in range(len(loc), -1, -1):
            if loc[:cut] in lines:
                return lines[loc[:cut]]
        return None

    return line_of


def read_yaml_list(path: Path, model: type[Row], shown: str) -> list[tuple[int, BaseModel]]:
    """Records of a YAML list as (line, model); `field_lines` of the result maps (index, field) to a line."""
    obj, lines = read_yaml(path, shown)
    if not isinstance(obj, list):
        raise DataError(shown, 1, None, "expected a list of records (lines starting with '- ')")
    rows, errors = [], []
    for i, item in enumerate(obj):
        try:
            rows.append((lines[(i,)], model.model_validate(item)))
        except ValidationError as exc:
            errors.extend(_errors_from_validation(exc, shown, _line_finder(lines), prefix=(i,)))
    if errors:
        raise DataErrors(errors)
    return _Rows(rows, {k: v for k, v in lines.items() if len(k) == 2})


class _Rows(list):
    """A list of (line, row) that also knows the line of each field of each row (YAML)."""

    def __init__(self, rows, field_lines: dict[tuple, int]):
        super().__init__(rows)
        self.field_lines = field_lines


def read_yaml_document(path: Path, model: type[Row], shown: str) -> tuple[int, BaseModel]:
    obj, lines = read_yaml(path, shown)
    try:
        return 1, model.model_validate(obj)
    except ValidationError as exc:
        raise DataErrors(_errors_from_validation(exc, shown, _line_finder(lines))) from None


def _name_items(errors: list[DataError], root: Path) -> None:
    """Give each YAML error the ids of the list items on its field path (`questions[7]` → its id)."""
    read: dict[str, Any] = {}
    for error in errors:
        if not error.column or "[" not in error.column or error.path.endswith(".csv"):
            continue
        if error.path not in read:
            try:
                read[error.path] = yaml.load((root / error.path).read_text(encoding="utf-8"), Loader=_FAST_LOADER)
            except (OSError, yaml.YAMLError):
                read[error.path] = None
        node = read[error.path]
        for prefix, name, index in field_steps(error.column):
            if name is not None:
                node = node.get(name) if isinstance(node, dict) else None
                continue
            node = node[index] if isinstance(node, list) and index < len(node) else None
            ident = node.get("id") or node.get("term") if isinstance(node, dict) else None
            if isinstance(ident, str):
                error.ids[prefix] = ident


# ---------------------------------------------------------------- the whole folder
class Dataset:
    """Every validated file of one data folder."""

    def __init__(self, root: Path):
        self.root = root
        self.dir = root / "data"
        self.tables: dict[str, list[tuple[int, BaseModel]]] = {}
        self.documents: dict[str, BaseModel] = {}
        self.folders: dict[str, dict[str, tuple[str, BaseModel]]] = {}
        self.bib: dict[str, dict[str, Any]] = {}

    def shown(self, path: Path) -> str:
        return _display(path, self.root)

    def load(self) -> Dataset:
        errors: list[DataError] = []

        def attempt(fn, *args):
            try:
                return fn(*args)
            except DataError as exc:
                errors.append(exc)
            except DataErrors as exc:
                errors.extend(exc.errors)
            return None

        self.bib = attempt(self._read_bib) or {}
        for name, (model, _key) in TABLES.items():
            path = self.dir / name
            if not path.is_file():
                errors.append(DataError(self.shown(path), None, None, "file is missing"))
                continue
            reader = read_csv if name.endswith(".csv") else None
            rows = attempt(reader, path, model, self.shown(path)) if reader else attempt(
                read_yaml_list, path, model, self.shown(path)
            )
            if rows is not None:
                self.tables[name] = rows
        for name, model in DOCUMENTS.items():
            path = self.dir / name
            got = attempt(read_yaml_document, path, model, self.shown(path))
            if got:
                self.documents[name] = got[1]
        for folder, model in FOLDERS.items():
            self.folders[folder] = {}
            for path in sorted((self.dir / folder).glob("*.y*ml")):
                got = attempt(read_yaml_document, path, model, self.shown(path))
                if got:
                    self.folders[folder][path.stem] = (self.shown(path), got[1])
        unknown = [
            p for p in sorted(self.dir.rglob("*"))
            if p.is_file() and not p.name.endswith(".md") and not self._known(p)
        ]
        for p in unknown:
            errors.append(DataError(self.shown(p), None, None, "a file no schema describes: add it to thalbook/data/schemas.py or remove it"))
        if not errors:
            errors.extend(self._cross_check())
        if errors:
            _name_items(errors, self.root)
            raise DataErrors(errors)
        return self

    def _known(self, p: Path) -> bool:
        rel = p.relative_to(self.dir)
        if str(rel) in TABLES or str(rel) in DOCUMENTS or rel.name == "references.bib":
            return True
        return len(rel.parts) == 2 and rel.parts[0] in FOLDERS and rel.suffix in (".yaml", ".yml")

    def _read_bib(self) -> dict[str, dict[str, Any]]:
        path = self.dir / "references.bib"
        shown = self.shown(path)
        text = path.read_text(encoding="utf-8")
        entries: dict[str, dict[str, Any]] = {}
        matches = list(BIB_ENTRY.finditer(text))
        for i, m in enumerate(matches):
            line = text.count("\n", 0, m.start()) + 1
            key = m.group(2)
            body = text[m.end() : matches[i + 1].start() if i + 1 < len(matches) else len(text)]
            if key in entries:
                raise DataError(shown, line, "key", f"duplicate entry key '{key}' (first on line {entries[key]['line']})")
            status = BIB_STATUS.search(body)
            if not status:
                raise DataError(shown, line, "status", f"entry '{key}' has no status field")
            value = status.group(1).strip()
            if value not in ("verified", "not verified", "not found"):
                raise DataError(
                    shown, line + body.count("\n", 0, status.start()), "status",
                    f"expected one of verified, not verified, not found, got '{value}'",
                )
            entries[key] = {"line": line, "type": m.group(1).lower(), "status": value, "body": body}
        return entries

    def _cross_check(self) -> list[DataError]:
        errors: list[DataError] = []

        def check_source(shown: str, line: int | None, column: str, row: BaseModel):
            source = getattr(row, "source", None)
            if source is not None and source not in self.bib:
                errors.append(DataError(shown, line, column, f"unknown source key '{source}': add it to data/references.bib"))

        for name, rows in self.tables.items():
            shown = self.shown(self.dir / name)
            key_cols = TABLES[name][1]
            seen: dict[tuple, int] = {}
            # glossary.yaml: each name (term or alias) links to one entry only
            glossary_names = {r.term.casefold(): r.term for _, r in rows} if name == "glossary.yaml" else {}
            field_lines = getattr(rows, "field_lines", {})
            for index, (line, row) in enumerate(rows):
                def at(field: str, index=index, line=line, field_lines=field_lines) -> int:
                    return field_lines.get((index, field), line)

                key = tuple(getattr(row, k) for k in key_cols)
                if key in seen:
                    errors.append(DataError(shown, at(key_cols[0]), key_cols[0], f"duplicate key {key} (first on line {seen[key]})"))
                seen.setdefault(key, at(key_cols[0]))
                check_source(shown, at("source"), "source", row)
                if name == "appraisals.yaml":
                    if not self.page_exists(row.page):
                        errors.append(DataError(shown, at("page"), "page", f"no page '{row.page}' (.ipynb or .md) in the book"))
                    questions = [q.id for _, q in self.tables.get("checklist.yaml", [])]
                    if row.question not in questions:  # every flag sits under one checklist question
                        errors.append(DataError(shown, at("question"), "question",
                                                f"no question '{row.question}' in data/checklist.yaml; known: {', '.join(questions)}"))
                for alias in getattr(row, "aliases", []) if name == "glossary.yaml" else []:
                    owner = glossary_names.setdefault(alias.casefold(), row.term)
                    if owner != row.term:
                        errors.append(DataError(shown, at("aliases"), "aliases", f"'{alias}' already names the term '{owner}'"))
        for _folder, files in self.folders.items():
            for stem, (shown, doc) in files.items():
                if doc.id != stem:
                    errors.append(DataError(shown, None, "id", f"expected the file's name '{stem}', got '{doc.id}'"))
                _, lines = read_yaml(self.root / shown, shown)
                check_source(shown, _line_finder(lines)(("source",)), "source", doc)  # cases/ carry a source
                weight = getattr(doc, "weight", None)  # cases/: a row of illustrative_weights.yaml
                if weight is not None and weight not in {r.id for r in self.rows("illustrative_weights.yaml")}:
                    errors.append(DataError(shown, _line_finder(lines)(("weight",)), "weight",
                                            f"no id '{weight}' in data/illustrative_weights.yaml"))
                refs = {r.id: r for r in self.rows("lab_reference.yaml")} if _folder == "cases" else {}
                for i, stage in enumerate(getattr(doc, "stages", []) if refs else []):
                    for j, lab in enumerate(getattr(stage, "labs", [])):  # cases/: tests of lab_reference.yaml
                        loc = ("stages", i, "labs", j, "test")
                        ref = refs.get(lab.test)
                        if ref is None:
                            msg = f"no id '{lab.test}' in data/lab_reference.yaml; known: {', '.join(refs)}"
                        elif lab.value is not None and not any(
                                r.age_min_years <= doc.age_years <= r.age_max_years for r in ref.ranges):
                            msg = f"data/lab_reference.yaml has no range of '{lab.test}' for age {doc.age_years}"
                        else:
                            continue
                        errors.append(DataError(shown, _line_finder(lines)(loc), _path_name(loc), msg))
                questions = [(("questions", i), q) for i, q in enumerate(getattr(doc, "questions", []))]
                questions += [
                    (("stages", i, "question"), s.question)
                    for i, s in enumerate(getattr(doc, "stages", []))
                    if s.question
                ]
                ids: dict[str, int] = {}
                for loc, q in questions:
                    line = _line_finder(lines)(loc + ("id",))
                    if q.id in ids:
                        errors.append(DataError(shown, line, _path_name(loc + ("id",)), f"duplicate question id '{q.id}'"))
                    ids[q.id] = line
                    check_source(shown, _line_finder(lines)(loc + ("source",)), _path_name(loc + ("source",)), q)
                    if not q.teaches and _folder in ("quizzes", "cases"):  # their summaries link a missed question to its page
                        errors.append(DataError(shown, line, _path_name(loc + ("id",)), f"question '{q.id}' names no page in 'teaches'; "
                                                f"every question of a {_folder[:-1]} names the page that teaches it"))
                    elif q.teaches and not self.page_exists(q.teaches):
                        errors.append(DataError(shown, _line_finder(lines)(loc + ("teaches",)), _path_name(loc + ("teaches",)),
                                                f"no page '{q.teaches}' (.ipynb or .md) in the book"))
                for i, stage in enumerate(getattr(doc, "stages", [])):
                    if [s.id for s in doc.stages].count(stage.id) > 1:
                        errors.append(DataError(shown, _line_finder(lines)(("stages", i)), f"stages[{i}].id", f"duplicate stage id '{stage.id}'"))
                if hasattr(doc, "cross_check"):  # wording/: the pages a file names exist
                    errors.extend(DataError(shown, _line_finder(lines)(path), _path_name(path), message)
                                  for path, message in doc.cross_check(self))
        # a row or document may check what it names in other files: `cross_check(dataset)` in schemas.py
        # returns (field path, message) pairs (part 5: citations.yaml, other_uses.yaml, trial_planning.yaml)
        for name, rows in self.tables.items():
            field_lines = getattr(rows, "field_lines", {})
            for index, (line, row) in enumerate(rows):
                for path, message in row.cross_check(self) if hasattr(row, "cross_check") else []:
                    errors.append(DataError(self.shown(self.dir / name), field_lines.get((index, path[0]), line), _path_name(path), message))
        for name, doc in self.documents.items():
            if hasattr(doc, "cross_check"):
                shown = self.shown(self.dir / name)
                line_of = _line_finder(read_yaml(self.dir / name, shown)[1])
                errors.extend(DataError(shown, line_of(path), _path_name(path), message) for path, message in doc.cross_check(self))
        return errors

    def page_exists(self, page: str) -> bool:
        """The page (a path without suffix) exists as .ipynb or .md (that it is published, in _toc.yml, is a
        test of the book's own toc: books cut down for a test build keep fewer pages)."""
        base = self.root / page  # not with_suffix: a page named '1.1-slug' has a dot that is not a suffix
        return any(base.with_name(base.name + s).is_file() for s in (".ipynb", ".md"))

    # ------------------------------------------------------------ access
    def rows(self, name: str) -> list[BaseModel]:
        return [row for _, row in self.tables[name]]

    def frame(self, name: str) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([row.model_dump() for row in self.rows(name)])

    def by_id(self, name: str, ident: str, field: str = "id") -> BaseModel:
        for row in self.rows(name):
            if getattr(row, field) == ident:
                return row
        known = ", ".join(str(getattr(r, field)) for r in self.rows(name))
        raise KeyError(f"no {field} '{ident}' in data/{name}; known: {known}")

    def document(self, name: str) -> BaseModel:
        return self.documents[name]

    def item(self, folder: str, ident: str) -> BaseModel:
        try:
            return self.folders[folder][ident][1]
        except KeyError:
            known = ", ".join(self.folders.get(folder, {})) or "none"
            raise KeyError(f"no file data/{folder}/{ident}.yaml; known: {known}") from None


@functools.lru_cache(maxsize=4)
def _load_cached(root: str, stamp: tuple) -> Dataset:
    return Dataset(Path(root)).load()


def _stamp(root: Path) -> tuple:
    """(path, mtime) of every file under data/: the key that tells `dataset()` a file changed.

    Page builders call `dataset()` for every text and row they read (hundreds of times per widget), so
    this walks with os.scandir, whose entries carry their type: about 4 times faster than Path.rglob."""
    found, folders = [], [str(root / "data")]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                elif entry.is_file():
                    found.append((entry.path, entry.stat().st_mtime_ns))
    return tuple(sorted(found))


def dataset(root: Path | None = None) -> Dataset:
    """The validated data of the book (re-read when a file changes)."""
    root = (root or project_root()).resolve()
    return _load_cached(str(root), _stamp(root))


def load_dir(root: Path) -> Dataset:
    """Validate the data folder of `root` afresh (for tests and the validator)."""
    return Dataset(Path(root)).load()


# ---------------------------------------------------------------- the data dictionary (generated from schemas.py)
_PATTERN_WORDS = {
    SLUG: "an identifier: lower-case letters and digits, joined by '-', '_' or '.'",
    r"^\d+(\.\d+)?$": "digits, with decimals only if the source prints them",
    r"^(\d\.\d|Table 1|References)$": "a section number such as 1.1, or 'Table 1', or 'References'",
}
_SCALAR_KIND = {str: "text", int: "whole number", float: "number", bool: "true or false"}
_PLURAL = {"text": "texts", "whole number": "whole numbers", "number": "numbers", "true or false": "true/false values",
           "choice": "choices", "record": "records"}


def _unwrap_optional(annotation: Any) -> Any:
    """`X | None` -> X (whether a value may be empty is told by `required`, not by the type)."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The record model inside a field (`Model`, `Model | None` or `list[Model]`), if any."""
    annotation = _unwrap_optional(annotation)
    if get_origin(annotation) is list:
        annotation = _unwrap_optional(get_args(annotation)[0])
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _kind(annotation: Any) -> str:
    annotation = _unwrap_optional(annotation)
    if get_origin(annotation) is Literal:
        return "choice"
    if get_origin(annotation) is list:
        inner = _kind(get_args(annotation)[0])
        return "list of " + _PLURAL.get(inner, inner)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "record"
    if get_origin(annotation) is dict:
        return "texts by key"
    return _SCALAR_KIND.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _literal_values(annotation: Any) -> tuple[str, ...] | None:
    annotation = _unwrap_optional(annotation)
    if get_origin(annotation) is list:
        return _literal_values(get_args(annotation)[0])
    if get_origin(annotation) is Literal:
        return tuple(str(v) for v in get_args(annotation))
    return None


def _default_text(field: FieldInfo) -> str:
    value = field.default_factory() if field.default_factory is not None else field.default  # type: ignore[call-arg]
    if value is None or value == "" or value == []:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _allowed(field: FieldInfo, values: tuple[str, ...] | None) -> str:
    """Values a field accepts, in words: choices, pattern, bounds, list lengths, and whether it may be left out."""
    parts = []
    if values:
        parts.append("one of: " + ", ".join(values))
    lengths: dict[str, int] = {}
    for m in field.metadata:
        pattern = getattr(m, "pattern", None)
        if pattern:
            words = _PATTERN_WORDS.get(pattern)
            parts.append(f"{words} (pattern {pattern})" if words else f"text matching the pattern {pattern}")
        for attr, words in (("ge", "at least"), ("gt", "more than"), ("le", "at most"), ("lt", "less than")):
            bound = getattr(m, attr, None)
            if bound is not None:
                parts.append(f"{words} {bound:g}" if isinstance(bound, (int, float)) else f"{words} {bound}")
        for attr in ("min_length", "max_length"):
            if getattr(m, attr, None) is not None:
                lengths[attr] = getattr(m, attr)
    if lengths:
        low, high = lengths.get("min_length"), lengths.get("max_length")
        parts.append(f"{low} to {high} items" if low is not None and high is not None
                     else f"at least {low} item{'s' if low != 1 else ''}" if low is not None else f"at most {high} items")
    parts.append("required" if field.is_required() else f"optional (if left out: {_default_text(field)})")
    return "; ".join(parts)


def _field_rows(model: type[BaseModel], prefix: str = "", seen: tuple = ()) -> list[dict[str, Any]]:
    """One row per field of `model`, then the fields of each nested record under a dotted path."""
    rows = []
    # provenance (source, status, basis) comes last, as in the data files
    fields = sorted(model.model_fields.items(), key=lambda item: item[0] in ("source", "status", "basis"))
    for name, field in fields:
        path = prefix + name
        values = _literal_values(field.annotation)
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        rows.append({
            "column": path,
            "type": _kind(field.annotation),
            "unit": str(extra.get("unit") or ""),
            "meaning": field.description or "",
            "allowed": _allowed(field, values),
            "required": field.is_required(),
            "values": values,
        })
        inner = _nested_model(field.annotation)
        if inner is not None and inner not in seen:  # guard against a model that nests itself
            rows.extend(_field_rows(inner, path + ".", seen + (model,)))
    return rows


def registered_files() -> list[tuple[str, type[Row], str]]:
    """Every file the registry in schemas.py describes, as (file, model, layout), read at call time so that
    a model added to TABLES, DOCUMENTS or FOLDERS appears without any change here."""
    files = [(name, model, "CSV table: one row per record" if name.endswith(".csv") else "YAML list: one record per item")
             for name, (model, _key) in TABLES.items()]
    files += [(name, model, "YAML document: one record for the whole file") for name, model in DOCUMENTS.items()]
    files += [(f"{folder}/*.yaml", model, "folder: one YAML record per file") for folder, model in FOLDERS.items()]
    return sorted(files, key=lambda f: f[0])


def card_name(file: str) -> str:
    """The data card of a registered file: data/<name>.md ('studies.csv' -> 'studies.md', 'quizzes/*.yaml' -> 'quizzes.md')."""
    return (file.split("/")[0] if "/" in file else Path(file).stem) + ".md"


def data_card(file: str, root: Path | None = None) -> str | None:
    """The text of a registered file's data card, or None when it has none."""
    path = data_dir(root) / card_name(file)
    return path.read_text(encoding="utf-8") if path.is_file() else None


def page_title(page: str, root: Path | None = None) -> str:
    """The title (first '# ' heading) of a book page given as a path without suffix, e.g.
    'chapters/3-clinical-efficacy/overview'; the path itself when the page has no title."""
    base = (root or project_root()) / page
    for suffix in (".ipynb", ".md"):
        path = base.with_name(base.name + suffix)  # not with_suffix: '3.2-slug' holds a dot
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if suffix == ".ipynb":
            cells = json.loads(text).get("cells", [])
            text = "\n".join("".join(c.get("source", "")) for c in cells if c.get("cell_type") == "markdown")
        for line in text.splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return page


def dictionary() -> pd.DataFrame:
    """The data dictionary: one row per registered file x column (nested records as dotted paths).

    Columns: file, column, type, unit, meaning, allowed (choices, pattern, bounds, required or optional
    in words), required (bool), values (the allowed choices as a tuple, or None), model, layout, card.
    Generated from the pydantic models in `thalbook/data/schemas.py`, so it cannot drift from the checks.
    """
    rows = []
    for file, model, layout in registered_files():
        for row in _field_rows(model):
            rows.append({"file": file, **row, "model": model.__name__, "layout": layout, "card": "data/" + card_name(file)})
    columns = ["file", "column", "type", "unit", "meaning", "allowed", "required", "values", "model", "layout", "card"]
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


__all__ = [
    "STATUSES", "DataError", "DataErrors", "Dataset", "data_card", "data_dir", "dataset", "dictionary", "load_dir",
    "page_title", "project_root", "registered_files",
]
