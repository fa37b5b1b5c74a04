"""`make bench`: this book against a default Jupyter Book, measured in one run on this machine.

Builds, in temporary folders (the repository's `_build/` is not touched):
  * this book: a copy of the repository with `.venv` symlinked, built with `make book` (cold), then again
    after a one-word edit in one Markdown cell of one chapter (cached rebuild);
  * a baseline: `jupyter-book create` (the default template, unchanged), built with `jupyter-book build .`
    from `bench/work/baseline-venv` (this book's environment through a .pth file, plus matplotlib, which
    the template needs); cold, then after the same kind of one-word edit.
Then serves both sites with `thalbook.site.serve.make_server` and measures them in Debian's chromium
(playwright) and with Lighthouse (npm, pinned in package.json), and writes bench/results/latest.{md,json}.

Progress lines go to stdout as it runs (about 5 to 10 minutes on 2 cores).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import browser as bb  # noqa: E402  (bench/browser.py)

WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"
LOGS = WORK / "logs"  # build logs of the last run (git-ignored)
BASELINE_VENV = WORK / "baseline-venv"
MATPLOTLIB = "matplotlib==3.11.2"  # what the default template's notebooks import
IGNORED = {"_build", ".venv", "node_modules", ".git", "live", ".pytest_cache", "__pycache__",
           ".ipynb_checkpoints", "work", ".ruff_cache", ".hypothesis"}
ANSI = re.compile(r"\x1b\[[0-9;]*m")
EXECUTED = re.compile(r"^(?P<path>\S+\.(?:ipynb|md)): Executed notebook in (?P<s>[\d.]+) seconds")
EXECUTING = re.compile(r"^(?P<path>\S+\.(?:ipynb|md)): Executing notebook")
READING = re.compile(r"^reading sources\.\.\. \[\s*\d+%\] (?P<doc>\S+)")
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --disable-background-networking"
T0 = time.perf_counter()

# Pages compared. The baseline has no widget page; its heaviest page (a matplotlib figure) stands in.
PAGES = {
    "book": {"landing": "chapters/index.html", "text": "chapters/back/glossary.html",
             "widgets": "chapters/back/widget-gallery.html"},
    "baseline": {"landing": "intro.html", "text": "markdown.html", "widgets": "notebooks.html"},
}
TARGETS = {
    "cached_rebuild_ratio": 0.10,
    "repeat_visit_bytes": 200 * 1024,
    "widget_p95_ms": 50.0,
    "lighthouse_performance": 95,
    "lighthouse_accessibility": 100,
    # issue 18: a figure page's first visit, and each chart drawn once the page is ready and it is in view
    "figure_page_first_visit_bytes": 600 * 1024,
    "figure_drawn_ms": 1000.0,
}


def progress(msg: str) -> None:
    print(f"[{time.perf_counter() - T0:6.1f}s] {msg}", flush=True)


# ----------------------------------------------------------------------------- running and measuring
def run_measured(cmd: list[str], cwd: Path, env: dict | None = None, log: Path | None = None) -> dict:
    """Run `cmd`; wall time, and peak memory of its whole process tree sampled every 50 ms with psutil
    (sum of the RSS of all processes at one time; and the largest single process)."""
    import psutil

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = {"tree": 0, "single": 0}
    stop = threading.Event()

    def sample():
        try:
            root = psutil.Process(proc.pid)
        except psutil.Error:
            return
        while not stop.is_set():
            total = 0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            for p in procs:
                try:
                    rss = p.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                peak["single"] = max(peak["single"], rss)
            peak["tree"] = max(peak["tree"], total)
            stop.wait(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, _ = proc.communicate()
    wall = time.perf_counter() - t0
    stop.set()
    thread.join()
    text = ANSI.sub("", out)
    if log:
        log.write_text(text)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed in {cwd} (exit {proc.returncode}):\n{text[-4000:]}")
    return {"wall_s": round(wall, 2), "peak_tree_rss_mb": round(peak["tree"] / 2**20, 1),
            "peak_process_rss_mb": round(peak["single"] / 2**20, 1), "log": text}


def parse_log(text: str, root: Path) -> dict:
    executed, reread = {}, []
    for line in text.splitlines():
        m = EXECUTED.match(line.strip())
        if m:
            executed[str(Path(m["path"]).resolve().relative_to(root.resolve()))] = float(m["s"])
        m = READING.match(line.strip())
        if m:
            reread.append(m["doc"])
    return {"executed": executed, "reread": reread}


def edit_one_word(nb_path: Path) -> str:
    """Change one word in one Markdown cell of a notebook, on a plain prose line (no heading, role, math,
    link or code), so nothing but that sentence changes; returns what changed."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        offset = 0
        for line in src.splitlines(keepends=True):
            plain = line.strip() and not line.lstrip().startswith(("#", ":", "`", "|", "-", "*", "!"))
            m = re.search(r"(?<= )(the|you)(?= )", line) if plain and not re.search(r"[{}$`\[\]<>]", line) else None
            if m:
                word, repl = m.group(1), {"the": "this", "you": "we"}[m.group(1)]
                cell["source"] = src[: offset + m.start()] + repl + src[offset + m.end():]
                nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
                return f"{nb_path.name}: '{word}' -> '{repl}' in a Markdown cell"
            offset += len(line)
    raise RuntimeError(f"no Markdown cell with a plain 'the' or 'you' in {nb_path}")


def site_size(html: Path) -> dict:
    files = [p for p in html.rglob("*") if p.is_file()]
    pages = [p for p in files if p.suffix == ".html" and p.name not in ("genindex.html", "search.html")]
    return {"bytes": sum(p.stat().st_size for p in files), "files": len(files), "html_pages": len(pages),
            "plotly_js_files": sorted(str(p.relative_to(html)) for p in files if re.match(r"plotly.*\.js$", p.name))}


def cache_exec_times(root: Path) -> dict:
    """Per-notebook execution seconds recorded by jupyter-cache (this book uses execute_notebooks: cache)."""
    path = root / "_build" / ".jupyter_cache"
    if not path.is_dir():
        return {}
    from jupyter_cache import get_cache

    return {str(Path(r.uri).relative_to(root)): round(r.data.get("execution_seconds", 0.0), 2)
            for r in get_cache(str(path)).list_cache_records()}


# ----------------------------------------------------------------------------- the two builds
def book_copy(root: Path, ref: str | None) -> dict:
    """A copy of the book in `root` (commit `ref`, or the working tree) with this `.venv` and `node_modules`;
    returns the environment under which its `make book` builds the copy's own thalbook."""
    if ref:  # a committed state (git archive): what a fresh clone of that commit builds
        root.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)
    else:  # the working tree as it is
        shutil.copytree(ROOT, root, ignore=lambda d, names: [n for n in names if n in IGNORED], symlinks=True)
    (root / ".venv").symlink_to(ROOT / ".venv")
    (root / "node_modules").symlink_to(ROOT / "node_modules")  # the site's plotly.js bundle, installed
    return {**os.environ, "PYTHONPATH": str(root)}  # the copy's thalbook, not the editable install's


def build_book(tmp: Path, ref: str | None) -> dict:
    root = tmp / "book"
    env = book_copy(root, ref)
    cmd = ["make", "--no-print-directory", "book"]
    progress("book: cold build (make book in a copy) ...")
    cold = run_measured(cmd, root, env, LOGS / "book-cold.log")
    cold_log = parse_log(cold.pop("log"), root)
    progress(f"book: cold build {cold['wall_s']} s, {len(cold_log['executed'])} notebooks executed")
    exec_cache = cache_exec_times(root)
    # one-word edit in one Markdown cell of one chapter
    target = root / "chapters" / "2-pharmacology" / "overview.ipynb"
    if not target.is_file():
        target = sorted((root / "chapters").rglob("overview.ipynb"))[0]
    change = edit_one_word(target)
    rel = str(target.relative_to(root))
    progress(f"book: cached rebuild after {change} ...")
    warm = run_measured(cmd, root, env, LOGS / "book-rebuild.log")
    warm_log = parse_log(warm.pop("log"), root)
    progress(f"book: cached rebuild {warm['wall_s']} s, executed {list(warm_log['executed']) or 'none'}, "
             f"re-read {warm_log['reread']}")
    return {"root": root, "html": root / "_build" / "html", "command": " ".join(cmd), "cold": cold,
            "source": f"git archive {ref} ({commit(ref)})" if ref else "working tree",
            "executed_cold": cold_log["executed"], "execution_seconds_cache": exec_cache,
            "rebuild": warm, "edit": f"{rel}: {change.split(': ', 1)[1]}",
            "executed_rebuild": warm_log["executed"], "reread_rebuild": warm_log["reread"],
            "only_edited_notebook_executed": set(warm_log["executed"]) <= {rel}}


def baseline_python() -> Path:
    py = BASELINE_VENV / "bin" / "python"
    if not py.is_file():
        progress(f"baseline: creating {BASELINE_VENV.relative_to(ROOT)} (this book's packages via .pth, plus {MATPLOTLIB})")
        subprocess.run(["python3.11", "-m", "venv", str(BASELINE_VENV)], check=True)
        purelib = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c",
                                  "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 check=True, capture_output=True, text=True).stdout.strip()
        site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                   check=True, capture_output=True, text=True).stdout.strip())
        (site / "thalbook-main-venv.pth").write_text(purelib + "\n")
    ok = subprocess.run([str(py), "-c", "import matplotlib"], capture_output=True).returncode == 0
    if not ok:
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", MATPLOTLIB], check=True)
    return py


def commit(ref: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", ref], capture_output=True, text=True).stdout.strip()


def build_baseline(tmp: Path) -> dict:
    py = baseline_python()
    env = {**os.environ, "PATH": f"{py.parent}:{os.environ.get('PATH', '')}"}
    env.pop("PYTHONPATH", None)
    jb = [str(py), "-c", "import sys; from jupyter_book.cli.main import main; sys.argv[0] = 'jupyter-book'; main()"]
    root = tmp / "baseline"
    subprocess.run([*jb, "create", str(root)], check=True, env=env, capture_output=True)
    cmd = [*jb, "build", "."]
    progress("baseline: cold build (jupyter-book build . on the default template) ...")
    cold = run_measured(cmd, root, env, LOGS / "baseline-cold.log")
    cold_log = parse_log(cold.pop("log"), root)
    progress(f"baseline: cold build {cold['wall_s']} s, {len(cold_log['executed'])} notebooks executed")
    change = edit_one_word(root / "notebooks.ipynb")
    progress(f"baseline: rebuild after {change} ...")
    warm = run_measured(cmd, root, env, LOGS / "baseline-rebuild.log")
    warm_log = parse_log(warm.pop("log"), root)
    progress(f"baseline: rebuild {warm['wall_s']} s, executed {list(warm_log['executed'])}")
    return {"root": root, "html": root / "_build" / "html", "command": "jupyter-book build .", "cold": cold,
            "executed_cold": cold_log["executed"], "execution_seconds_cache": {},
            "rebuild": warm, "edit": f"notebooks.ipynb: {change.split(': ', 1)[1]}",
            "executed_rebuild": warm_log["executed"], "reread_rebuild": warm_log["reread"],
            "only_edited_notebook_executed": set(warm_log["executed"]) <= {"notebooks.ipynb"},
            "execute_notebooks": "force (the default template's setting: every build executes every notebook)"}


# ----------------------------------------------------------------------------- lighthouse
def lighthouse(url: str, out: Path) -> dict:
    if not LIGHTHOUSE.is_file():
        return {"error": "node_modules/.bin/lighthouse is missing (npm ci installs lighthouse 12.2.3)"}
    cmd = [str(LIGHTHOUSE), url, f"--chrome-flags={CHROME_FLAGS}", "--only-categories=performance,accessibility",
           "--form-factor=mobile", "--output=json", f"--output-path={out}", "--quiet"]
    r = subprocess.run(cmd, env={**os.environ, "CHROME_PATH": bb.CHROMIUM}, capture_output=True, text=True, timeout=300)
    if r.returncode != 0 or not out.is_file():
        return {"error": f"lighthouse exit {r.returncode}: {(r.stderr or r.stdout)[-800:]}"}
    d = json.loads(out.read_text())
    if d.get("runtimeError"):
        return {"error": str(d["runtimeError"])}
    audits = d["audits"]
    failed_a11y = [a for a in d["categories"]["accessibility"]["auditRefs"]
                   if a["weight"] and audits[a["id"]]["score"] is not None and audits[a["id"]]["score"] < 1]
    return {
        "performance": round(d["categories"]["performance"]["score"] * 100),
        "accessibility": round(d["categories"]["accessibility"]["score"] * 100),
        "fcp": audits["first-contentful-paint"]["displayValue"],
        "lcp": audits["largest-contentful-paint"]["displayValue"],
        "tbt": audits["total-blocking-time"]["displayValue"],
        "cls": audits["cumulative-layout-shift"]["displayValue"],
        "total_byte_weight": audits["total-byte-weight"]["displayValue"],
        "render_blocking": [i["url"].split("/")[-1].split("?")[0]
                            for i in (audits["render-blocking-resources"].get("details") or {}).get("items", [])],
        "failed_accessibility_audits": [a["id"] for a in failed_a11y],
        "settings": "mobile form factor, simulated throttling (Lighthouse defaults: slow 4G, 4x CPU slowdown)",
    }


# ----------------------------------------------------------------------------- machine
def machine() -> dict:
    def cmd(*c):
        try:
            return subprocess.run(c, capture_output=True, text=True, timeout=60).stdout.strip()
        except OSError:
            return ""

    mem = next((ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")), "0")
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    from importlib.metadata import version

    def v(name):
        try:
            return version(name)
        except Exception:  # noqa: BLE001
            return "?"

    base_py = BASELINE_VENV / "bin" / "python"
    mpl = cmd(str(base_py), "-c", "import matplotlib; print(matplotlib.__version__)") if base_py.is_file() else "?"
    lh = json.loads((ROOT / "node_modules" / "lighthouse" / "package.json").read_text())["version"] \
        if (ROOT / "node_modules" / "lighthouse" / "package.json").is_file() else "missing"
    return {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "memory_gib": round(int(mem) / 2**20, 1),
        "cpu": cpu,
        "os": cmd("sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"),
        "python": platform.python_version(),
        "jupyter_book": v("jupyter-book"), "sphinx": v("sphinx"), "myst_nb": v("myst-nb"),
        "jupyter_cache": v("jupyter-cache"), "plotly": v("plotly"), "playwright": v("playwright"),
        "matplotlib_baseline": mpl,
        "chromium": cmd(bb.CHROMIUM, "--version").splitlines()[-1] if cmd(bb.CHROMIUM, "--version") else "missing",
        "node": cmd("node", "--version"), "lighthouse": lh,
        "server": "thalbook.site.serve.make_server (Python http.server, threaded; text sent gzip-compressed when the "
                  "browser accepts it, with `Vary: Accept-Encoding`, as real hosts do): "
                  "`Cache-Control: public, max-age=86400` for /_static/, `no-cache` (revalidate; 304 on "
                  "If-Modified-Since) for everything else",
    }


# ----------------------------------------------------------------------------- report
def kb(n: float | None) -> str:
    return "–" if n is None else f"{n / 1024:.1f} kB" if n < 1024 * 1024 else f"{n / 2**20:.2f} MB"


def pages_of(html: Path) -> list[str]:
    return sorted(str(p.relative_to(html)) for p in html.rglob("*.html")
                  if p.name not in ("genindex.html", "search.html") and not p.is_symlink()
                  and "_static" not in p.parts and "_sources" not in p.parts
                  and not (p.name == "index.html" and p.parent == html))  # the root index only redirects


def evaluate(res: dict) -> list[dict]:
    b, base = res["book"], res["baseline"]
    out = []

    def add(name, met, value, target, note=""):
        out.append({"target": name, "met": bool(met), "value": value, "target_value": target, "note": note})

    ratio = b["build"]["rebuild"]["wall_s"] / b["build"]["cold"]["wall_s"]
    add("cached rebuild <= 10% of cold", ratio <= TARGETS["cached_rebuild_ratio"], f"{ratio:.1%} "
        f"({b['build']['rebuild']['wall_s']} s / {b['build']['cold']['wall_s']} s)", "<= 10%",
        "only the edited notebook may execute: " + ("yes" if b["build"]["only_edited_notebook_executed"] else "NO"))
    plotly_files = b["size"]["plotly_js_files"]
    fetches = b["tour"]["plotly_fetches"]
    add("plotly.js from one local URL, fetched once per visit to the site",
        len(plotly_files) == 1 and len(fetches) <= 1 and all(n == 1 for n in fetches.values()),
        f"files {plotly_files}; network fetches in a tour of all {b['tour']['pages']} pages: {fetches or 'none'}",
        "1 file, 1 fetch")
    worst = max(b["pages"].items(), key=lambda kv: kv[1]["repeat"]["bytes"])
    add("repeat-visit transfer of any page <= 200 kB", worst[1]["repeat"]["bytes"] <= TARGETS["repeat_visit_bytes"],
        f"largest: {worst[0]} {kb(worst[1]['repeat']['bytes'])}", "<= 200 kB")
    tb_text = b["pages"][PAGES["book"]["text"]]["first"]["bytes"]
    bl_text = base["pages"][PAGES["baseline"]["text"]]["first"]["bytes"]
    add("text page no heavier than the baseline's text page", tb_text <= bl_text,
        f"{PAGES['book']['text']} {kb(tb_text)} / {PAGES['baseline']['text']} {kb(bl_text)} (first visit)", "<= baseline")
    lat = {k: v for k, v in b["latency"].items() if not k.startswith("_")}
    worst_k = max(lat, key=lambda k: lat[k]["frame_p95_ms"] or 1e9)
    add("widget update p95 < 50 ms (every kind)",
        all(v["frame_p95_ms"] is not None and v["frame_p95_ms"] < TARGETS["widget_p95_ms"] and v["n"] >= 50 for v in lat.values()),
        f"worst p95 to the next frame: {worst_k} {lat[worst_k]['frame_p95_ms']} ms", "< 50 ms",
        "judged on the time to the frame that shows the change (the stricter of the two numbers)")
    figure_pages = {rel: v["first"] for rel, v in b["pages"].items() if v["first"]["figures"]}
    heaviest = max(figure_pages.items(), key=lambda kv: kv[1]["bytes"])
    add("figure page first visit <= 600 kB (issue 18)", heaviest[1]["bytes"] <= TARGETS["figure_page_first_visit_bytes"],
        f"heaviest of {len(figure_pages)}: {heaviest[0]} {kb(heaviest[1]['bytes'])}", "<= 600 kB")
    drawn = [(t, rel) for rel, v in figure_pages.items() for t in v.get("figure_drawn_after_in_view_ms", [])]
    n_figures = sum(v["figures"] for v in figure_pages.values())
    slowest = max(drawn) if drawn else (None, "no figure was timed")
    add("every chart drawn <= 1 s after the page is ready and it is in view (issue 18)",
        len(drawn) == n_figures and drawn and slowest[0] <= TARGETS["figure_drawn_ms"],
        f"slowest of {len(drawn)} of {n_figures} figures: {slowest[0]} ms ({slowest[1]})", "<= 1000 ms",
        "first visit, so plotly.js is fetched and compiled too; from the later of the load event and the "
        "chart entering the window to its data-ready")
    for key, page in PAGES["book"].items():
        lh = b["lighthouse"][page]
        if "error" in lh:
            add(f"Lighthouse {key} page ({page})", False, lh["error"], ">= 95 / 100", "Lighthouse did not run")
            continue
        add(f"Lighthouse performance >= 95, {key} page", lh["performance"] >= TARGETS["lighthouse_performance"],
            lh["performance"], ">= 95", f"FCP {lh['fcp']}, LCP {lh['lcp']}, TBT {lh['tbt']}, weight {lh['total_byte_weight']}")
        add(f"Lighthouse accessibility 100, {key} page", lh["accessibility"] >= TARGETS["lighthouse_accessibility"],
            lh["accessibility"], "100", ", ".join(lh["failed_accessibility_audits"]))
    return out


def markdown_report(res: dict) -> str:
    m, b, base = res["machine"], res["book"], res["baseline"]
    bb_, lb = b["build"], base["build"]
    lines = [
        "# Benchmark: this book / default Jupyter Book (`make bench`)",
        "",
        f"Run {m['date']} on {m['nproc']} cores ({m['cpu']}), {m['memory_gib']} GiB, {m['os']}; Python {m['python']}, "
        f"jupyter-book {m['jupyter_book']}, Sphinx {m['sphinx']}, myst-nb {m['myst_nb']}, {m['chromium']}, node {m['node']}, "
        f"lighthouse {m['lighthouse']}, playwright {m['playwright']}, matplotlib {m['matplotlib_baseline']} (baseline only).",
        f"Server: {m['server']}.",
        "",
        f"This book: {bb_['source']}. Every cell is **this book / baseline**, both from this run. The baseline is `jupyter-book create` unchanged "
        "(4 pages; `execute_notebooks: force`, so every build executes its 2 notebooks).",
        "",
        "## Build",
        "",
        "| measure | this book / baseline |",
        "|---|---|",
        f"| command | `{bb_['command']}` / `{lb['command']}` |",
        f"| pages (HTML) | {b['size']['html_pages']} / {base['size']['html_pages']} |",
        f"| cold build, total | {bb_['cold']['wall_s']} s / {lb['cold']['wall_s']} s |",
        f"| cold build, per page | {bb_['cold']['wall_s'] / b['size']['html_pages']:.2f} s / "
        f"{lb['cold']['wall_s'] / base['size']['html_pages']:.2f} s |",
        f"| peak memory, whole process tree (largest single process) | {bb_['cold']['peak_tree_rss_mb']:.0f} MB "
        f"({bb_['cold']['peak_process_rss_mb']:.0f}) / {lb['cold']['peak_tree_rss_mb']:.0f} MB ({lb['cold']['peak_process_rss_mb']:.0f}) |",
        f"| notebooks executed, cold (sum of execution time) | {len(bb_['executed_cold'])} ({sum(bb_['executed_cold'].values()):.1f} s) / "
        f"{len(lb['executed_cold'])} ({sum(lb['executed_cold'].values()):.1f} s) |",
        f"| rebuild after a one-word edit in one Markdown cell | {bb_['rebuild']['wall_s']} s / {lb['rebuild']['wall_s']} s |",
        f"| rebuild / cold | {bb_['rebuild']['wall_s'] / bb_['cold']['wall_s']:.1%} / {lb['rebuild']['wall_s'] / lb['cold']['wall_s']:.1%} |",
        f"| notebooks executed by the rebuild | {', '.join(bb_['executed_rebuild']) or 'none (cache hit: code unchanged)'} / "
        f"{', '.join(lb['executed_rebuild']) or 'none'} |",
        f"| edited | `{bb_['edit']}` / `{lb['edit']}` |",
        f"| total site size (files) | {kb(b['size']['bytes'])} ({b['size']['files']}) / {kb(base['size']['bytes'])} ({base['size']['files']}) |",
        "",
        "Per-notebook execution time, cold build (from the build log; this book's also from jupyter-cache):",
        "",
        "| notebook | seconds |",
        "|---|---|",
    ]
    for name, s in sorted(bb_["executed_cold"].items(), key=lambda kv: -kv[1]):
        lines.append(f"| {name} | {s:.2f} |")
    for name, s in sorted(lb["executed_cold"].items(), key=lambda kv: -kv[1]):
        lines.append(f"| baseline: {name} | {s:.2f} |")
    lines += [
        "",
        "## Pages in Chromium (412 x 823 viewport; load, then scroll to the end so lazy figures draw)",
        "",
        "Bytes are what crossed the network (headers included, DevTools `encodedDataLength`), as the server "
        "sent them (text gzip-compressed). Repeat = the same page again in the same profile. Ready = from navigation "
        "start until every widget has `data-ready=\"true\"` (figures: after scrolling them into view).",
        "",
        "Charts drawn = for each figure, from the later of the load event and the chart entering the window "
        "to the chart drawn (first visit).",
        "",
        "| page | first visit | repeat visit | requests (first) | widgets ready | all incl. figures | charts drawn |",
        "|---|---|---|---|---|---|---|",
    ]
    for site, res_ in (("", b), ("baseline: ", base)):
        for rel, v in res_["pages"].items():
            f, r = v["first"], v["repeat"]
            lines.append(
                f"| {site}{rel} | {kb(f['bytes'])} | {kb(r['bytes'])} | {f['requests']}"
                f"{' (+' + str(len(f['external_requests'])) + ' to other hosts, blocked)' if f['external_requests'] else ''} | "
                f"{'–' if f['widgets_ready_ms'] is None else str(f['widgets_ready_ms']) + ' ms'} | "
                f"{'–' if f['all_ready_after_scroll_ms'] is None else str(f['all_ready_after_scroll_ms']) + ' ms'} | "
                f"{', '.join(f'{t} ms' for t in f.get('figure_drawn_after_in_view_ms', [])) or '–'} |")
    ext = sorted({u for v in base["pages"].values() for u in v["first"]["external_requests"]})
    lines += [
        "",
        f"Requests to other hosts: this book {sum(len(v['first']['external_requests']) for v in b['pages'].values())}; "
        f"baseline {sum(len(v['first']['external_requests']) for v in base['pages'].values())} "
        f"({', '.join(ext) or 'none'}).",
        f"A reader touring all {b['tour']['pages']} pages in one profile: {kb(b['tour']['bytes'])} / "
        f"baseline {base['tour']['pages']} pages {kb(base['tour']['bytes'])}; plotly.js fetched: {b['tour']['plotly_fetches'] or 'never'}.",
        "",
        "## Widget click-to-update latency (gallery page, static site; this book only: the baseline has no widgets)",
        "",
        "Measured in the page with `performance.now()`: from just before the event is dispatched to the first "
        "DOM change in the widget (MutationObserver), and to the next animation frame after it.",
        "",
        "| widget | action | n | median / p95 to DOM change | median / p95 to next frame |",
        "|---|---|---|---|---|",
    ]
    for kind, v in b["latency"].items():
        if kind.startswith("_"):
            continue
        lines.append(f"| {kind} | {v['action']} | {v['n']} | {v['update_median_ms']} / {v['update_p95_ms']} ms | "
                     f"{v['frame_median_ms']} / {v['frame_p95_ms']} ms |")
    redraws = {k: v for k, v in b["latency"].items() if not k.startswith("_") and v.get("redraw_n")}
    if redraws:
        lines.append("")
    for kind, v in redraws.items():
        lines.append(f"The {kind}'s control and text change in the frame above; plotly then redraws the chart: "
                     f"until the frame after its redraw, median {v['redraw_median_ms']} / p95 {v['redraw_p95_ms']} ms "
                     f"(n = {v['redraw_n']}; each interaction starts after the previous redraw).")
    lines += ["", "## Lighthouse (mobile; simulated slow 4G and 4x CPU slowdown)", "",
              "| page | performance | accessibility | FCP | LCP | TBT | weight |", "|---|---|---|---|---|---|---|"]
    for key in ("landing", "text", "widgets"):
        for site, res_ in (("book", b), ("baseline", base)):
            page = PAGES[site][key]
            lh = res_["lighthouse"][page]
            label = f"{'' if site == 'book' else 'baseline: '}{page} ({key})"
            if "error" in lh:
                lines.append(f"| {label} | did not run: {lh['error'][:200]} | | | | | |")
            else:
                lines.append(f"| {label} | {lh['performance']} | {lh['accessibility']} | {lh['fcp']} | {lh['lcp']} | "
                             f"{lh['tbt']} | {lh['total_byte_weight']} |")
    lines += ["", "## Targets (issue 11)", "", "| target | value | met |", "|---|---|---|"]
    for t in res["targets"]:
        lines.append(f"| {t['target']} | {t['value']}{' — ' + t['note'] if t['note'] else ''} | {'yes' if t['met'] else '**no**'} |")
    lines.append("")
    return "\n".join(lines)


def strip(build: dict) -> dict:
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in build.items() if k not in ("root", "html")}


def main(argv: list[str] | None = None) -> int:
    import argparse

    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ref", help="build this commit (git archive) instead of the working tree, e.g. HEAD")
    args = parser.parse_args(argv)

    RESULTS.mkdir(parents=True, exist_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    res: dict = {"machine": machine()}
    progress(f"machine: {res['machine']['nproc']} cores, {res['machine']['memory_gib']} GiB, {res['machine']['cpu']}")
    with tempfile.TemporaryDirectory(prefix="thalbook-bench-") as tmp_:
        tmp = Path(tmp_)
        builds = {"book": build_book(tmp, args.ref), "baseline": build_baseline(tmp)}
        res["machine"]["matplotlib_baseline"] = machine()["matplotlib_baseline"]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=bb.CHROMIUM, args=bb.CHROMIUM_ARGS, headless=True)
            for site in ("book", "baseline"):
                html = builds[site]["html"]
                pages = pages_of(html)
                out = {"build": strip(builds[site]), "size": site_size(html)}
                with bb.serve(html) as base:
                    progress(f"{site}: {len(pages)} pages in chromium (first and repeat visit) ...")
                    out["pages"] = bb.visit_pages(browser, base, pages, progress)
                    out["tour"] = bb.site_tour(browser, base, pages)
                    progress(f"{site}: tour of all pages: {kb(out['tour']['bytes'])}, plotly fetches {out['tour']['plotly_fetches']}")
                    if site == "book":
                        progress("book: widget latency on the gallery (60 timed interactions per kind) ...")
                        out["latency"] = bb.widget_latency(browser, base + PAGES["book"]["widgets"])
                        for kind, v in out["latency"].items():
                            if not kind.startswith("_"):
                                progress(f"  {kind}: p95 {v['update_p95_ms']} ms to DOM change, {v['frame_p95_ms']} ms to next frame")
                    out["lighthouse"] = {}
                    for key, page in PAGES[site].items():
                        progress(f"{site}: lighthouse {page} ...")
                        out["lighthouse"][page] = lighthouse(base + page, tmp / f"lh-{site}-{key}.json")
                        lh = out["lighthouse"][page]
                        progress("  " + (lh["error"][:300] if "error" in lh else
                                         f"performance {lh['performance']}, accessibility {lh['accessibility']}"))
                res[site] = out
            browser.close()
    res["targets"] = evaluate(res)
    (RESULTS / "latest.json").write_text(json.dumps(res, indent=1, default=str) + "\n")
    (RESULTS / "latest.md").write_text(markdown_report(res))
    for t in res["targets"]:
        progress(f"target {'MET ' if t['met'] else 'MISSED'}: {t['target']}: {t['value']}")
    progress(f"wrote {RESULTS.relative_to(ROOT)}/latest.md and latest.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
