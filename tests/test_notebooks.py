"""The chapters as files: no stored outputs, a last-reviewed date, the review's numbers in titles,
and cells that read like sentences (no logic in chapters)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
TOC_FILES = [TOC["root"]] + [f for part in TOC["parts"] for c in part["chapters"]
                             for f in [c["file"]] + [s["file"] for s in c.get("sections", [])]]  # pages under a page (3.3.1)
NOTEBOOKS = sorted((ROOT / "chapters").rglob("*.ipynb"))
IDS = [str(p.relative_to(ROOT)) for p in NOTEBOOKS]


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_every_toc_entry_is_a_notebook_and_every_notebook_is_in_the_toc():
    in_toc = {f"{f}.ipynb" for f in TOC_FILES}
    on_disk = {str(p.relative_to(ROOT)) for p in NOTEBOOKS}
    assert in_toc == on_disk


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_stored_outputs(path: Path):
    stored = [i for i, c in enumerate(cells(path)) if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert stored == [], f"{path.name}: cells {stored} carry outputs; clear them (outputs are made by the build)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_last_reviewed_date_in_metadata(path: Path):
    meta = json.loads(path.read_text())["metadata"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(meta.get("last_reviewed", ""))), f"{path.name}: add metadata last_reviewed: YYYY-MM-DD"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_one_title_carrying_the_review_number(path: Path):
    first = "".join(cells(path)[0]["source"])
    titles = [line for c in cells(path) if c["cell_type"] == "markdown" for line in "".join(c["source"]).splitlines() if line.startswith("# ")]
    assert first.startswith("# ") and len(titles) == 1
    folder = path.parent.name
    number = re.match(r"(\d+)-", folder)
    if number:  # a part: its overview starts with the part number, a subsection page with its own
        own = re.match(r"(\d\.\d(?:\.\d)?)-", path.name)  # 3.3, or a page under it: 3.3.1
        expected = own.group(1) if own else number.group(1)
        assert titles[0].startswith(f"# {expected} "), f"{path.name}: title should start with '{expected} '"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_cells_hold_no_logic(path: Path):
    """STYLE.md §3: one call per cell; definitions, loops and imports other than thalbook belong in the package."""
    for c in cells(path):
        if c["cell_type"] != "code":
            continue
        tree = ast.parse("".join(c["source"]))
        for node in ast.walk(tree):
            assert not isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.For, ast.While, ast.Lambda)), path.name
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
                assert names == ["thalbook"], f"{path.name}: import only thalbook in chapters"
