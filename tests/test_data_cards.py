"""Data cards (data/<name>.md) agree with the data they describe (issue 21).

A card is prose for contributors, so only what can drift is checked:
- a folder's card lists every file in the folder, and no file that does not exist;
- every `snake_case` name a card puts in backticks exists: a field of a schema, a reference key, a name in
  the package, a value or key in the data, or a configuration key;
- a card's **Statuses.** (or **Sources and statuses.**) paragraph names every status its files use (every
  card whose files carry a status has one), and a `field` = `value` example names a value the field allows.
Each rule is also shown failing on a planted card.
"""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

import yaml

from thalbook.data.loader import _literal_values, _nested_model, _unwrap_optional, registered_files
from thalbook.data.schemas import FOLDERS, STATUSES

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SPAN = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")
# keys that live outside data/ and the package: a notebook's metadata and _config.yml
OTHER_KEYS = {"last_reviewed", "bibtex_bibfiles"}


def spans(text: str):
    """(line number, code span) outside fenced blocks."""
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced:
            for m in SPAN.finditer(line):
                yield number, m.group(1)


def model_fields(model, seen=()) -> dict:
    out = {}
    if model in seen:
        return out
    for name, field in model.model_fields.items():
        out[name] = field
        inner = _nested_model(field.annotation)
        if inner:
            out.update(model_fields(inner, seen + (model,)))
    return out


def card_files(stem: str) -> list[Path]:
    out = []
    for file, _model, _layout in registered_files():
        if (file.split("/")[0] if "/" in file else Path(file).stem) == stem:
            out += sorted((DATA / file.split("/")[0]).glob("*.y*ml")) if "/" in file else [DATA / file]
    return out


def card_model_fields(stem: str) -> dict:
    out = {}
    for file, model, _layout in registered_files():
        if (file.split("/")[0] if "/" in file else Path(file).stem) == stem:
            out.update(model_fields(model))
    return out


def _walk(obj, keys: set, values: set, statuses: set):
    if isinstance(obj, dict):
        for k, v in obj.items():
            keys.add(str(k))
            if (k == "status" or str(k).endswith("_status")) and v in STATUSES:
                statuses.add(v)
            _walk(v, keys, values, statuses)
    elif isinstance(obj, list):
        for v in obj:
            _walk(v, keys, values, statuses)
    elif isinstance(obj, str):
        values.add(obj)


def read(path: Path) -> tuple[set, set, set]:
    keys, values, statuses = set(), set(), set()
    if path.suffix == ".csv":
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                keys.update(row)
                values.update(row.values())
                if row.get("status") in STATUSES:
                    statuses.add(row["status"])
    elif path.suffix in (".yaml", ".yml"):
        _walk(yaml.safe_load(path.read_text(encoding="utf-8")), keys, values, statuses)
    elif path.suffix == ".bib":
        statuses.update(s for s in re.findall(r"status\s*=\s*\{([^}]*)\}", path.read_text(encoding="utf-8")) if s in STATUSES)
    return keys, values, statuses


def known_names() -> set[str]:
    names = set(OTHER_KEYS)
    for _file, model, _layout in registered_files():
        names.update(model_fields(model))
    names.update(re.findall(r"^@\w+\s*\{\s*([^,\s]+)", (DATA / "references.bib").read_text(encoding="utf-8"), re.M))
    for path in (ROOT / "thalbook").rglob("*.py"):
        names.add(path.stem)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Assign):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    for path in DATA.rglob("*"):
        if path.suffix in (".yaml", ".yml", ".csv"):
            keys, values, _ = read(path)
            names |= keys | values
    return names


def unknown_names(card: Path, names: set[str], base: Path = ROOT) -> list[str]:
    return [f"{card.relative_to(base)}, line {n}: `{t}` is not a field, reference key, package name or data value"
            for n, t in spans(card.read_text(encoding="utf-8")) if SNAKE.fullmatch(t) and t not in names]


def folder_drift(card: Path, folder: Path, base: Path = ROOT) -> list[str]:
    listed = {t for _n, t in spans(card.read_text(encoding="utf-8")) if re.fullmatch(r"[\w.-]+\.ya?ml", t)}
    actual = {p.name for p in folder.glob("*.y*ml")}
    elsewhere = {p.name for p in DATA.glob("*.y*ml")} | {p.name for p in ROOT.glob("*.y*ml")}
    problems = [f"{card.relative_to(base)} does not list {name} (a file in {folder.relative_to(base)}/)"
                for name in sorted(actual - listed)]
    problems += [f"{card.relative_to(base)} lists {name}, which is not in {folder.relative_to(base)}/"
                 for name in sorted(listed - actual - elsewhere)]
    return problems


def status_drift(card: Path) -> list[str]:
    used = set()
    for path in card_files(card.stem) or ([DATA / "references.bib"] if card.stem == "references" else []):
        used |= read(path)[2]
    text = card.read_text(encoding="utf-8")
    m = re.search(r"\*\*(?:Sources and s|S)tatus(?:es)?\.\*\*(.*?)(?:\n\s*\n|\Z)", text, re.S)
    if m is None:
        return [f"{card.relative_to(ROOT)} has no **Statuses.** (or **Sources and statuses.**) paragraph; its data uses {sorted(used)}"] if used else []
    said, rest = set(), re.sub(r"[`*]", "", m.group(1))
    for status in sorted(STATUSES, key=len, reverse=True):  # "not verified" before "verified"
        if re.search(rf"\b{status}\b", rest):
            said.add(status)
            rest = re.sub(rf"\b{status}\b", "", rest)
    if used <= said:
        return []
    return [f"{card.relative_to(ROOT)}: its statuses paragraph does not name {sorted(used - said)}, which the data uses"]


def value_drift(card: Path) -> list[str]:
    fields, out = card_model_fields(card.stem), []
    for number, line in enumerate(card.read_text(encoding="utf-8").splitlines(), start=1):
        for m in re.finditer(r"`([a-z][a-z0-9_]*)`\s*(?:=|:)\s*`([^`]+)`", line):
            name, value = m.groups()
            allowed = _literal_values(_unwrap_optional(fields[name].annotation)) if name in fields else None
            if allowed and value not in allowed:
                out.append(f"{card.relative_to(ROOT)}, line {number}: `{name}` = `{value}`, but {name} allows {list(allowed)}")
    return out


CARDS = sorted(DATA.glob("*.md"))


def test_every_folder_card_lists_exactly_its_files():
    problems = [p for folder in FOLDERS for p in folder_drift(DATA / f"{folder}.md", DATA / folder)]
    assert problems == [], "\n".join(problems)


def test_every_name_a_card_quotes_exists():
    names = known_names_cached()
    problems = [p for card in CARDS for p in unknown_names(card, names)]
    assert problems == [], "\n".join(problems)


def test_every_card_names_the_statuses_its_data_uses():
    problems = [p for card in CARDS for p in status_drift(card)]
    assert problems == [], "\n".join(problems)


def test_every_value_example_in_a_card_is_allowed():
    problems = [p for card in CARDS for p in value_drift(card)]
    assert problems == [], "\n".join(problems)


# ------------------------------------------------------------------ each rule fails on a planted card
def test_a_card_missing_a_new_file_is_named(tmp_path):
    folder = tmp_path / "quizzes"
    folder.mkdir()
    (folder / "one.yaml").write_text("id: one\n")
    (folder / "two.yaml").write_text("id: two\n")
    card = tmp_path / "quizzes.md"
    card.write_text("At present: `one.yaml` and `three.yaml`.\n")
    problems = folder_drift(card, folder, base=tmp_path)
    assert problems == ["quizzes.md does not list two.yaml (a file in quizzes/)",
                        "quizzes.md lists three.yaml, which is not in quizzes/"]


def test_a_renamed_field_in_a_card_is_named(tmp_path):
    card = DATA / "studies.md"
    text = card.read_text(encoding="utf-8").replace("`printed_percent`", "`printed_percentage`", 1)
    assert "`printed_percentage`" in text
    planted = tmp_path / "studies.md"
    planted.write_text(text, encoding="utf-8")
    problems = unknown_names(planted, known_names_cached(), base=tmp_path)
    line = next(n for n, ln in enumerate(text.splitlines(), 1) if "`printed_percentage`" in ln)
    assert problems == [f"studies.md, line {line}: `printed_percentage` is not a field, reference key, package name or data value"]


def test_a_status_the_card_leaves_out_is_named(tmp_path, monkeypatch):
    text = (DATA / "studies.md").read_text(encoding="utf-8").replace(", `not found` (the review's figures)", "", 1)
    planted = DATA / "studies.md"
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: text if self == planted else _read_text(self, encoding))
    assert status_drift(planted) == ["data/studies.md: its statuses paragraph does not name ['not found'], which the data uses"]


def test_a_value_a_field_does_not_allow_is_named(monkeypatch):
    planted = DATA / "studies.md"
    text = planted.read_text(encoding="utf-8").replace("`denominator_type` = `unknown`", "`denominator_type` = `none`", 1)
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: text if self == planted else _read_text(self, encoding))
    (problem,) = value_drift(planted)
    assert problem.startswith("data/studies.md, line ") and "`denominator_type` = `none`, but denominator_type allows" in problem


_read_text = Path.read_text
_NAMES: set[str] = set()


def known_names_cached() -> set[str]:
    if not _NAMES:
        _NAMES.update(known_names())
    return _NAMES
