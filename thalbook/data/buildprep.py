"""`python -m thalbook.data.buildprep`: keep cached builds honest before `jupyter-book build`.

Sphinx re-reads only pages whose source changed, and the execution cache keys on code cells only, so an
edit in `data/` or in the package would leave stale numbers on the site. When the hash of those inputs
changes, drop the doctrees and the execution cache together (every page is then re-executed once).

The package's modules (in every sub-folder) are hashed by their code, not their text: the syntax tree
without docstrings, so a comment, a docstring or reformatting re-executes nothing, while any change in
behaviour does. Only files under `_build/` are removed; sources are never touched.
"""

from __future__ import annotations

import ast
import hashlib
import shutil
import sys
from pathlib import Path

from .loader import project_root

STAMP = ".thalbook-inputs.sha256"
# the staging folder goes too: its pages were written from the dropped doctrees
CACHED = (".doctrees", ".jupyter_cache", "jupyter_execute", "stage")


def _without_docstrings(tree: ast.AST) -> ast.AST:
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                    and isinstance(body[0].value.value, str):
                node.body = body[1:] or [ast.Pass()]
    return tree


def code_fingerprint(source: str) -> bytes:
    """What a module does, not how it is written: its syntax tree without docstrings or positions.

    A module that does not parse is fingerprinted by its text (the build will then fail on it anyway).
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source.encode()
    return ast.dump(_without_docstrings(tree), include_attributes=False).encode()


def inputs_hash(root: Path) -> str:
    digest = hashlib.sha256()
    # data cards (*.md) are for contributors; no page reads them
    files = sorted(p for p in (root / "data").rglob("*") if p.is_file() and p.suffix != ".md")
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    package = root / "thalbook"
    for path in sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(code_fingerprint(path.read_text(encoding="utf-8")))
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    root = Path(argv[0]).resolve() if argv else project_root()
    build = root / "_build"
    stamp = build / STAMP
    current = inputs_hash(root)
    previous = stamp.read_text().strip() if stamp.is_file() else None
    if previous != current:
        dropped = [name for name in CACHED if (build / name).exists()]
        for name in dropped:
            shutil.rmtree(build / name)
        if previous is not None:
            print(f"data/ or thalbook/ changed: dropped {', '.join(dropped) or 'nothing'}; every page re-executes")
        build.mkdir(exist_ok=True)
        stamp.write_text(current + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
