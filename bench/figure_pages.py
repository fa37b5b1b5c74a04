"""Figure pages on a first visit (issue 18): bytes transferred and time until every figure is drawn.

    .venv/bin/python bench/figure_pages.py [--before SITE | --before-ref REV] [SITE]

Measures a built site (default: this repository's `_build/html`) and, with --before, another build, or
with --before-ref a commit built for the occasion (`git archive` into a temporary folder, this `.venv`
and `node_modules`, `make book`), in the same run, on a phone-sized window in Debian's chromium, served by
thalbook.site.serve (gzip). Writes bench/results/figure-pages.{md,json}. `make bench` measures the rest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import browser as bb  # noqa: E402  (bench/browser.py)

RESULTS = ROOT / "bench" / "results"


def figure_pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in (site / "chapters").rglob("*.html")
                  if "thalbook-figure-data" in p.read_text(encoding="utf-8"))


def measure(site: Path) -> dict:
    from playwright.sync_api import sync_playwright

    with bb.serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=bb.CHROMIUM, args=bb.CHROMIUM_ARGS, headless=True)
        try:
            return bb.visit_pages(browser, base, figure_pages(site), print)
        finally:
            browser.close()


def build_commit(rev: str, tmp: Path) -> Path:
    """The site of commit `rev`, built in `tmp` as a fresh clone would build it."""
    from run import book_copy  # bench/run.py: the copy `make bench` builds

    root = tmp / "book"
    env = book_copy(root, rev)
    print(f"building {rev} in {root} ...", flush=True)
    log = tmp / "build.log"
    with log.open("w") as out:
        if subprocess.run(["make", "--no-print-directory", "book"], cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT).returncode:
            sys.exit(f"building {rev} failed; its log: {log}\n" + log.read_text(encoding="utf-8")[-3000:])
    return root / "_build" / "html"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("site", nargs="?", default=str(ROOT / "_build" / "html"))
    before = ap.add_mutually_exclusive_group()
    before.add_argument("--before", help="a built site to compare with")
    before.add_argument("--before-ref", help="a commit to build and compare with, e.g. 3705ad8 (before issue 18)")
    args = ap.parse_args()
    runs = {"after": measure(Path(args.site))}
    if args.before:
        runs = {"before": measure(Path(args.before)), **runs}
    elif args.before_ref:
        with tempfile.TemporaryDirectory(prefix="thalbook-figures-") as tmp:
            runs = {"before": measure(build_commit(args.before_ref, Path(tmp))), **runs}
    lines = [f"# Figure pages, first visit (`bench/figure_pages.py`), {dt.datetime.now().isoformat(timespec='seconds')}", "",
             *([f"Before: {'commit ' + args.before_ref if args.before_ref else args.before}; after: {args.site}.", ""]
               if "before" in runs else []),
             "412 x 823 window, fresh profile, gzip; bytes are what crossed the network; drawn = page load to every",
             "figure and widget ready, scrolling through the page as a reader does (so it includes the reader's",
             "scrolling); each chart = from the later of the load event and that chart entering the window to the",
             "chart drawn (the issue's \"drawn within 1 s of the page being ready\").", "",
             "| page | " + " | ".join(f"{k}: kB" for k in runs) + " | " + " | ".join(f"{k}: drawn ms" for k in runs)
             + " | " + " | ".join(f"{k}: each chart ms" for k in runs) + " |",
             "|---|" + "---|" * (3 * len(runs))]
    for page in runs["after"]:
        kb = [f"{runs[k][page]['first']['bytes'] / 1024:.0f}" if page in runs[k] else "–" for k in runs]
        ms = [str(runs[k][page]["first"]["all_ready_after_scroll_ms"]) if page in runs[k] else "–" for k in runs]
        each = [", ".join(str(t) for t in runs[k][page]["first"].get("figure_drawn_after_in_view_ms", [])) or "–"
                if page in runs[k] else "–" for k in runs]
        lines.append(f"| {page} | " + " | ".join(kb) + " | " + " | ".join(ms) + " | " + " | ".join(each) + " |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "figure-pages.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (RESULTS / "figure-pages.json").write_text(json.dumps(runs, indent=1) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
