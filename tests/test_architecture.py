"""The package's layers, read from its source (no import needed, so a circle cannot hide behind a late import).

thalbook/core < data < widgets < pages < site < the facade (thalbook/__init__.py): a module imports only
from its own layer or the layers below it, every import counted (top-level or inside a function), and no
two modules import each other, directly or round a circle. Each helper exists once: no two functions in
the package have the same code.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "thalbook"
LAYERS = ["core", "data", "widgets", "pages", "site"]  # lowest first
FACADE = len(LAYERS)


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in p.parts}


def layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else FACADE


def imports(module: str, path: Path, known: set[str]) -> list[tuple[str, int]]:
    """(thalbook module imported, line) for every import statement anywhere in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names if a.name.split(".")[0] == "thalbook"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "thalbook":
                continue
            # `from .pkg import mod` imports the sub-module mod
            for a in node.names:
                sub = f"{target}.{a.name}"
                out.append((sub if sub in known else target, node.lineno))
    return out


def graph() -> dict[str, list[tuple[str, int]]]:
    mods = modules()
    known = set(mods)
    return {m: [(t, line) for t, line in imports(m, p, known) if t in known and t != m] for m, p in mods.items()}


def test_the_package_has_the_five_layers():
    for name in LAYERS:
        assert (PACKAGE / name / "__init__.py").is_file(), f"thalbook/{name}/ is missing"
    flat = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert flat == ["__init__.py"], f"modules outside the layers: {flat}"


def test_no_import_runs_upwards():
    upward = [
        f"thalbook/{modules()[m].relative_to(PACKAGE)}:{line} imports {t} ({LAYERS[layer(t)] if layer(t) < FACADE else 'facade'}"
        f" is above {LAYERS[layer(m)] if layer(m) < FACADE else 'facade'})"
        for m, edges in graph().items() for t, line in edges if layer(t) > layer(m)
    ]
    assert not upward, "\n".join(upward)


def find_cycle(edges: dict[str, list[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for t in edges.get(n, []):
            if state.get(t) == 1:
                return stack[stack.index(t):] + [t]
            if t not in state and (found := visit(t)):
                return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(edges):
        if n not in state and (found := visit(n)):
            return found
    return None


def test_no_import_circle():
    # a package's __init__ re-exporting its own modules is not a circle between modules
    edges = {m: sorted({t for t, _ in e if not t.startswith(m + ".")}) for m, e in graph().items()}
    cycle = find_cycle(edges)
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_planted_circle():
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["b"], "b": []}) is None


def test_the_layer_check_sees_a_late_upward_import(tmp_path):
    bad = tmp_path / "thalbook" / "core"
    bad.mkdir(parents=True)
    (bad / "x.py").write_text("def f():\n    from ..pages import safety\n    return safety\n")
    found = imports("thalbook.core.x", bad / "x.py", {"thalbook.pages.safety"})
    assert found == [("thalbook.pages.safety", 2)]
    assert layer("thalbook.pages.safety") > layer("thalbook.core.x")


def _function_bodies() -> dict[str, list[str]]:
    seen: dict[str, list[str]] = defaultdict(list)
    for m, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body = node.body
                if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
                    body = body[1:]  # the docstring does not make two functions different
                if len(body) == 1 and isinstance(body[0], ast.Return) and len(ast.dump(body[0])) < 120:
                    continue  # one-line accessors (a property, a delegating wrapper) may look alike
                key = ast.dump(ast.Module(body=body, type_ignores=[]), include_attributes=False) + repr(
                    [a.arg for a in node.args.args])
                seen[key].append(f"{m}.{node.name} (line {node.lineno})")
    return seen


def test_each_helper_exists_once():
    dupes = [places for places in _function_bodies().values() if len(places) > 1]
    assert not dupes, "the same code in several places: " + "; ".join(" = ".join(p) for p in dupes)
