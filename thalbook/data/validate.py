"""`python -m thalbook.data.validate [ROOT]`: check every file in ROOT/data (default: the book's root).

Prints one line per problem (file, line, column, what was expected) and exits 1, or prints a one-line
summary and exits 0. Never writes a file. `make book` and `make test` run it first.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import DataError, DataErrors
from .loader import load_dir, project_root


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    root = Path(argv[0]).resolve() if argv else project_root()
    try:
        ds = load_dir(root)
    except (DataError, DataErrors) as exc:
        problems = exc.errors if isinstance(exc, DataErrors) else [exc]
        print(f"data/ has {len(problems)} problem(s); nothing was built:", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    rows = sum(len(r) for r in ds.tables.values()) + sum(len(f) for f in ds.folders.values())
    print(f"data/ is valid: {len(ds.tables) + len(ds.documents) + sum(len(f) for f in ds.folders.values())} files, "
          f"{rows} records, {len(ds.bib)} references")
    return 0


if __name__ == "__main__":
    sys.exit(main())
