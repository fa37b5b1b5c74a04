"""Build the book into a staging folder and publish it only when the whole build succeeded.

`make book` runs this after the data check and the pre-execution: ``python -m thalbook.site.build``.

- Sphinx (through jupyter-book's own `build_sphinx`, with the book's `_config.yml` and `_toc.yml`) writes to
  `_build/stage/html`; the doctrees stay in `_build/.doctrees` and the execution cache in
  `_build/.jupyter_cache`, so rebuilds stay incremental.
- With no warning (`-W`, `--keep-going`, nitpicky), the staged site replaces `_build/html` in one step
  (a copy, then an exchange of the two folders). On any problem `_build/html` is not touched: the last good
  site stays as it was, byte for byte, and the command says so.
- A failed build ends with a short summary (`buildlog.summarise`): each problem with its file, the cell and
  line within the cell for notebooks, what is wrong in plain words and, where one exists, the nearest valid
  name. Kernel and installer chatter never reaches the summary.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import sys
import time
from pathlib import Path

from .buildlog import Tee, summarise

STAGE = Path("_build") / "stage"
SITE = Path("_build") / "html"


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one system call (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def publish(staged: Path, site: Path) -> None:
    """Replace `site` with a copy of `staged`; a reader of `site` sees the old site or the new one."""
    fresh = site.with_name(site.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(staged, fresh, symlinks=True)
    if site.exists() and _exchange(fresh, site):
        shutil.rmtree(fresh)  # now holds the old site
        return
    old = site.with_name(site.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if site.exists():
        site.rename(old)
    fresh.rename(site)
    shutil.rmtree(old, ignore_errors=True)


def drop_stale_pages(root: Path, staged: Path) -> list[str]:
    """Pages of notebooks no longer in _toc.yml (renamed, split or removed): Sphinx never deletes an old
    output file, so without this a renamed page would stay on the site under its old address."""
    from sphinx_external_toc.parsing import parse_toc_yaml

    pages = set(parse_toc_yaml(str(root / "_toc.yml")))
    stale = sorted(p for p in (staged / "chapters").rglob("*.html")
                   if str(p.relative_to(staged).with_suffix("")) not in pages)
    for page in stale:
        page.unlink()
    return [str(p.relative_to(staged)) for p in stale]


def sphinx_build(root: Path, outdir: Path) -> int:
    """jupyter-book's Sphinx build of the book at `root` into `outdir` (as `jupyter-book build . -W -n --keep-going`)."""
    from jupyter_book.sphinx import build_sphinx

    result = build_sphinx(
        root,
        outdir,
        use_external_toc=True,
        noconfig=True,
        path_config=str(root / "_config.yml"),
        confoverrides={
            "external_toc_path": (root / "_toc.yml").as_posix(),
            "latex_individualpages": False,
            "nitpicky": True,
            # the cache the pre-execution fills, where it always was (not beside the staging folder)
            "nb_execution_cache_path": str(root / "_build" / ".jupyter_cache"),
        },
        doctreedir=root / "_build" / ".doctrees",
        builder="html",
        warningiserror=True,
        keep_going=True,
    )
    return result if isinstance(result, int) else 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    root = Path(argv[0]).resolve() if argv else Path.cwd()
    staged, site = root / STAGE / "html", root / SITE
    started = time.perf_counter()
    print(f"== building into {staged.relative_to(root)} (published to {SITE} only if the build succeeds)", flush=True)
    with Tee(sys.stderr) as warnings, Tee(sys.stdout) as status:
        try:
            code = sphinx_build(root, staged)
        except Exception as exc:  # jupyter-book reports most failures as return codes; anything else too
            print(f"ERROR: the build stopped: {type(exc).__name__}: {exc}", file=sys.stderr)
            code = 1
    if code == 0:
        for page in drop_stale_pages(root, staged):
            print(f"== {page}: its notebook is no longer in _toc.yml; removed from the site", flush=True)
        publish(staged, site)
        print(f"== published {SITE} ({time.perf_counter() - started:.0f} s)", flush=True)
        return 0
    report = summarise(status.text() + "\n" + warnings.text(), root)
    print(report, file=sys.stderr)
    kept = f"The last good site in {SITE} is unchanged." if site.exists() else f"Nothing was published: {SITE} does not exist yet."
    print(f"\n{kept} The failed build is in {staged.relative_to(root)} for inspection.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
