"""data/wording/: every text a page builder asks for exists, every text is used, and a missing text or
placeholder is reported with its file and key. Read from the source, so the check needs no build."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from thalbook.pages import common

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "thalbook" / "pages"
WORDING = ROOT / "data" / "wording"
ACCESSORS = {"wording", "word_group", "word_list", "_w", "_words", "w"}


def _constants(node: ast.AST, consts: dict[str, str]) -> list[str]:
    """The literal keys an argument can take: a string, a module constant, or both sides of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name) and node.id in consts:
        return [consts[node.id]]
    if isinstance(node, ast.IfExp):
        return _constants(node.body, consts) + _constants(node.orelse, consts)
    return []


def used_keys() -> dict[tuple[str, str], str]:
    """(part, key) -> 'file:line' for every literal key the page builders ask for."""
    out: dict[tuple[str, str], str] = {}
    for path in sorted(PAGES.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        consts = {t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign)
                  for t in n.targets if isinstance(t, ast.Name) and isinstance(n.value, ast.Constant)
                  and isinstance(n.value.value, str)}
        part = consts.get("PART")
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ACCESSORS):
                continue
            args = [_constants(a, consts) for a in node.args]
            if node.func.id in {"_w", "_words", "w"}:  # module helpers bound to the module's PART
                for key in (args[0] if part and args else []):
                    out[(part, key)] = f"{path.name}:{node.lineno}"
            elif len(args) >= 2:
                for p in args[0]:
                    for key in args[1]:
                        out[(p, key)] = f"{path.name}:{node.lineno}"
    return out


def defined_keys() -> dict[tuple[str, str], str]:
    out = {}
    for path in sorted(WORDING.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key in doc["texts"]:
            out[(path.stem, str(key))] = f"data/wording/{path.name}"
    return out


def test_the_scan_finds_the_page_builders_calls():
    used = used_keys()
    assert ("part4", "actions") in used and ("part4", "notice_suffix") in used  # pages/safety.py
    assert ("common", "ctcae_title") in used and ("back", "plan_aims") in used


def test_every_text_a_page_asks_for_exists():
    defined = defined_keys()
    missing = [f"{where} asks for data/wording/{part}.yaml '{key}'" for (part, key), where in used_keys().items()
               if (part, key) not in defined]
    assert not missing, "\n".join(missing)


def test_every_text_is_used():
    used = used_keys()
    # texts read through a group or a loop over keys rather than a literal key
    dynamic = {("part1", "groups"), ("part1", "group_ticks")}  # part1.group_label(group, key)
    unused = [f"{file}: '{key}' is used by no page builder" for (part, key), file in defined_keys().items()
              if (part, key) not in used and (part, key) not in dynamic]
    assert not unused, "\n".join(unused)


# the data dictionary is built from the schemas alone (it must render even when data/ does not load)
EXEMPT = {("backmatter.py", "how to add a row")}


def test_no_page_builder_keeps_long_reader_facing_sentences():
    """Python keeps logic and markup: a literal of six words or more outside markup is wording."""
    long = []
    for path in sorted(PAGES.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {id(n.body[0].value) for n in ast.walk(tree)
                if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                text = node.value
            elif isinstance(node, ast.JoinedStr):
                text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            else:
                continue
            plain = re.sub(r"<[^>]*>|\b[a-z-]+=\"[^\"]*\"", " ", text)
            if len(re.findall(r"\b[A-Za-z]{3,}\b", plain)) >= 6 and not re.search(r"data/|thalbook|tb\.|known:|got ", text) \
                    and not any(path.name == f and words in text for f, words in EXEMPT):
                long.append(f"{path.name}:{node.lineno}: {text[:70]!r}")
    assert not long, "\n".join(long)


def test_a_missing_text_names_the_file_and_the_key():
    with pytest.raises(KeyError, match=r"data/wording/part4.yaml has no text 'no_such_text'; known: .*notice"):
        common.wording("part4", "no_such_text")
    with pytest.raises(KeyError, match=r"data/wording/part4.yaml has no group 'notice'"):
        common.word_group("part4", "notice")


def test_a_placeholder_the_page_does_not_fill_is_named():
    # 'card_title' reads "{toxicity}, {grades}: {action}"
    with pytest.raises(KeyError, match=r"data/wording/part4.yaml, text 'card_title': no value for \{action\}"):
        common.wording("part4", "card_title", toxicity="x", grades="y")
    assert common.wording("part4", "card_title", toxicity="Rash", grades="grade 3", action="stop") == "Rash, grade 3: stop"
