"""`python -m thalbook.buildprep`: keep cached builds honest before `jupyter-book build`.

Sphinx re-reads only pages whose source changed, and the execution cache keys on code cells only, so an
edit in `data/` or in `thalbook/*.py` would leave stale numbers on the site. When the hash of those inputs
changes, drop the doctrees and the execution cache together (every page is then re-executed once).
Only files under `_build/` are removed; sources are never touched.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

from .data import project_root

STAMP = ".thalbook-inputs.sha256"
CACHED = (".doctrees", ".jupyter_cache", "jupyter_execute")


def inputs_hash(root: Path) -> str:
    digest = hashlib.sha256()
    # data cards (*.md) are for contributors; no page reads them
    files = sorted(p for p in (root / "data").rglob("*") if p.is_file() and p.suffix != ".md")
    files += sorted((root / "thalbook").glob("*.py"))
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
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
