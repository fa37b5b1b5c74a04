"""Browser measurements for bench/run.py: bytes per visit, widget-ready time, widget latency.

Everything runs in Debian's chromium driven by playwright. No request is intercepted with
`page.route` (playwright turns the HTTP cache off when routing is on, which would make every repeat
visit look like a first one); requests to other hosts are instead made to fail by a host-resolver
rule and counted from the DevTools protocol.
"""

from __future__ import annotations

import statistics
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # any host but the local server fails to resolve: nothing leaves the machine, and each attempt is counted
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
WIDGETS = ".thalbook-widget, .thalbook-figure"

# Installed before any page script: records when every widget and figure of the page is ready.
READY_PROBE = """
(() => {
  const SEL = '.thalbook-widget, .thalbook-figure';
  window.__tbReady = null;
  window.__tbWidgetsReady = null;
  const allReady = (sel) => {
    const all = document.querySelectorAll(sel);
    if (!all.length) return false;
    for (const el of all) if (el.dataset.ready !== 'true') return false;
    return true;
  };
  // per figure: when it first came into the window (not the 200 px margin the page draws ahead with)
  // and when it was drawn, to time "drawn within 1 s of being in view on a ready page"
  window.__tbFigures = {};
  const figTimes = (el) => (window.__tbFigures[el.id] = window.__tbFigures[el.id] || {visible: null, drawn: null});
  const seen = ('IntersectionObserver' in window) ? new IntersectionObserver((entries) => {
    for (const e of entries) if (e.isIntersecting && figTimes(e.target).visible === null) figTimes(e.target).visible = performance.now();
  }) : null;
  const check = () => {
    for (const el of document.querySelectorAll('.thalbook-figure')) {
      const t = figTimes(el);
      if (seen && !el.__tbSeen) { el.__tbSeen = true; seen.observe(el); }
      if (t.drawn === null && el.dataset.ready === 'true') t.drawn = performance.now();
    }
    if (window.__tbWidgetsReady === null && allReady('.thalbook-widget')) window.__tbWidgetsReady = performance.now();
    if (window.__tbReady === null && allReady(SEL)) window.__tbReady = performance.now();
  };
  const obs = new MutationObserver(check);
  const start = () => { obs.observe(document.documentElement, {subtree: true, attributes: true, attributeFilter: ['data-ready']}); check(); };
  if (document.documentElement) start(); else document.addEventListener('DOMContentLoaded', start);
  document.addEventListener('DOMContentLoaded', check);  // the figures exist from here on: watch them
})();
"""


@contextmanager
def serve(directory: Path):
    """The site served by thalbook.site.serve.make_server (the book's own server) on a free port."""
    from thalbook.site.serve import make_server

    server = make_server(directory, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class NetLog:
    """Bytes and requests of one navigation, from the DevTools protocol (Network domain)."""

    def __init__(self, cdp):
        self.cdp = cdp
        self.reset()
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.requestServedFromCache", self._cached)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)
        cdp.send("Network.enable")

    def reset(self) -> None:
        self.urls: dict[str, str] = {}
        self.bytes: dict[str, int] = {}
        self.from_cache: set[str] = set()
        self.status: dict[str, int] = {}
        self.failed: set[str] = set()

    def _sent(self, e):
        self.urls[e["requestId"]] = e["request"]["url"]

    def _cached(self, e):
        self.from_cache.add(e["requestId"])

    def _response(self, e):
        r = e["response"]
        self.status[e["requestId"]] = r.get("status", 0)
        if r.get("fromDiskCache") or r.get("fromPrefetchCache") or r.get("fromServiceWorker"):
            self.from_cache.add(e["requestId"])

    def _finished(self, e):
        self.bytes[e["requestId"]] = int(e.get("encodedDataLength") or 0)

    def _failed(self, e):
        self.failed.add(e["requestId"])

    def summary(self) -> dict:
        local = {rid: u for rid, u in self.urls.items() if not u.startswith(("data:", "blob:"))}
        external = sorted({u for u in local.values() if urlparse(u).hostname not in ("127.0.0.1", "localhost")})
        network = [rid for rid in local if rid not in self.from_cache and self.bytes.get(rid, 0) > 0]
        return {
            "bytes": sum(self.bytes.get(rid, 0) for rid in local),
            "requests": len(local),
            "over_network": len(network),
            "not_modified_304": sum(1 for rid in local if self.status.get(rid) == 304),
            "from_cache": sum(1 for rid in local if rid in self.from_cache),
            "external_requests": external,
            "urls_over_network": sorted(local[rid] for rid in network),
        }


def _scroll_through(page) -> None:
    """Scroll to the end of the page in viewport steps, as a reader would, so lazy figures draw."""
    height = page.evaluate("() => document.documentElement.scrollHeight")
    step = page.evaluate("() => window.innerHeight")
    y = 0
    while y < height:
        y += step
        page.evaluate(f"() => window.scrollTo(0, {y})")
        page.wait_for_timeout(60)
        height = page.evaluate("() => document.documentElement.scrollHeight")


def _visit(page, url: str, log: NetLog) -> dict:
    log.reset()
    t0 = time.perf_counter()
    page.goto(url, wait_until="load")
    load_ms = (time.perf_counter() - t0) * 1000
    n_widgets = page.evaluate("() => document.querySelectorAll('.thalbook-widget').length")
    n_figures = page.evaluate("() => document.querySelectorAll('.thalbook-figure').length")
    widgets_ready = None
    if n_widgets:
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('.thalbook-widget')).every(e => e.dataset.ready === 'true')",
            timeout=30000,
        )
        # the moment the last widget (not figure) became ready, read in the page
        widgets_ready = page.evaluate("() => window.__tbWidgetsReady")
    _scroll_through(page)
    all_ready = None
    if n_widgets or n_figures:
        page.wait_for_function(f"() => Array.from(document.querySelectorAll('{WIDGETS}')).every(e => e.dataset.ready === 'true')", timeout=60000)
        all_ready = page.evaluate("() => window.__tbReady")
    try:  # settle; a request still open after 10 s is counted as it stands
        page.wait_for_load_state("networkidle", timeout=10000)
    except Exception:  # noqa: BLE001
        pass
    out = log.summary()
    if n_figures:
        # each figure: from the later of "page ready" (load event) and "figure in the window" to drawn
        times = page.evaluate("""() => {
          const ready = performance.getEntriesByType('navigation')[0].loadEventEnd;
          return Object.values(window.__tbFigures).filter(t => t.visible !== null && t.drawn !== null)
            .map(t => t.drawn - Math.max(ready, t.visible));
        }""")
        out["figure_drawn_after_in_view_ms"] = [round(max(0.0, t), 1) for t in times]
    out.update(load_ms=round(load_ms, 1), widgets=n_widgets, figures=n_figures,
               widgets_ready_ms=None if widgets_ready is None else round(widgets_ready, 1),
               all_ready_after_scroll_ms=None if all_ready is None else round(all_ready, 1))
    return out


def visit_pages(browser, base: str, pages: list[str], progress) -> dict:
    """For each page: a first visit in a fresh profile, then a repeat visit with the cache it filled."""
    results = {}
    for i, rel in enumerate(pages, 1):
        context = browser.new_context(viewport={"width": 412, "height": 823})
        context.add_init_script(READY_PROBE)
        page = context.new_page()
        log = NetLog(context.new_cdp_session(page))
        first = _visit(page, base + rel, log)
        page.goto("about:blank")
        repeat = _visit(page, base + rel, log)
        context.close()
        results[rel] = {"first": first, "repeat": repeat}
        progress(f"  [{i}/{len(pages)}] {rel}: first {first['bytes'] / 1024:.0f} kB, repeat {repeat['bytes'] / 1024:.1f} kB"
                 + (f", widgets ready {first['widgets_ready_ms']} ms" if first["widgets_ready_ms"] is not None else ""))
    return results


def site_tour(browser, base: str, pages: list[str]) -> dict:
    """One reader, one profile: every page in order. How often is each plotly.js URL fetched?"""
    context = browser.new_context(viewport={"width": 412, "height": 823})
    context.add_init_script(READY_PROBE)
    page = context.new_page()
    log = NetLog(context.new_cdp_session(page))
    fetched: dict[str, int] = {}
    total = 0
    for rel in pages:
        v = _visit(page, base + rel, log)
        total += v["bytes"]
        for u in v["urls_over_network"]:
            if "plotly" in Path(urlparse(u).path).name:
                fetched[urlparse(u).path] = fetched.get(urlparse(u).path, 0) + 1
    context.close()
    return {"pages": len(pages), "bytes": total, "plotly_fetches": fetched}


# In-page latency probe: `action(i)` changes the widget; the time runs from just before the event is
# dispatched until the widget's DOM changes (a MutationObserver; its aria-live region, which is filled
# 30 ms later on purpose, is left out), and until the next animation frame after that (the frame that
# shows the change). For the linked figure, whose control and text change first and whose chart plotly
# redraws after that frame, it also runs until plotly reports the redraw done (`plotly_afterplot`) and
# the frame after it; each interaction starts once the previous redraw is over, as a reader's would.
LATENCY_JS = """
async ({sel, kind, n, warm}) => {
  const root = document.querySelector(sel);
  const sleep = (ms) => new Promise(r => setTimeout(r, ms));
  const frame = () => new Promise(r => requestAnimationFrame(() => r(performance.now())));
  const fire = (el, type) => el.dispatchEvent(new Event(type, {bubbles: true}));
  const setValue = (el, v) => { el.value = v; fire(el, 'input'); };
  const q = (s) => root.querySelector(s);
  const qa = (s) => Array.from(root.querySelectorAll(s));
  let k = 0;
  const actions = {
    stepper: () => {
      const next = q('.tb-next');
      if (next.disabled) return null;  // at the last stage: restart (not timed) and go on
      return () => next.click();
    },
    quiz: () => { const r = qa('.tb-question')[0].querySelectorAll('.tb-radio'); const x = r[k % 2]; return () => x.click(); },
    lookup: () => { const vals = ['0.1', 'abc', '1000000', 'x']; const v = vals[k % vals.length]; const el = q('.tb-value'); return () => setValue(el, v); },
    calculator: () => { const v = String(10 + (k % 2) * 7); const el = q('.tb-input[data-name="x"]'); return () => setValue(el, v); },
    figure: () => { const r = qa('.tb-figure-control .tb-radio'); const x = r[(k + 1) % r.length]; return () => x.click(); },
  };
  if (kind === 'calculator') { setValue(q('.tb-input[data-name="n"]'), '100'); await sleep(50); }
  const upd = [], paint = [], redraw = [];
  const plot = kind === 'figure' ? root.querySelector('.thalbook-figure') : null;
  const redrawn = () => new Promise((resolve) => {
    let done = false;
    const finish = (t) => { if (!done) { done = true; resolve(t); } };
    plot.once('plotly_afterplot', () => frame().then(finish));
    setTimeout(() => finish(null), 2000);
  });
  let misses = 0;
  while (upd.length < n + warm) {
    let act = actions[kind]();
    if (act === null) { q('.tb-restart').click(); await sleep(50); continue; }
    k += 1;
    const chart = plot && plot.once ? redrawn() : null;
    let t0 = 0;
    const times = await new Promise((resolve) => {
      let done = false;
      const obs = new MutationObserver((muts) => {
        if (done) return;
        if (!muts.some(m => !(m.target.closest && m.target.closest('.tb-live')) && !(m.target.parentElement && m.target.parentElement.closest('.tb-live')))) return;
        done = true; obs.disconnect();
        const t1 = performance.now();
        frame().then((t2) => resolve([t1 - t0, t2 - t0]));
      });
      obs.observe(root, {subtree: true, childList: true, characterData: true, attributes: true});
      setTimeout(() => { if (!done) { done = true; obs.disconnect(); resolve(null); } }, 1000);
      t0 = performance.now();
      act();
    });
    const t3 = chart ? await chart : null;
    if (times === null) { misses += 1; if (misses > 20) break; continue; }
    upd.push(times[0]); paint.push(times[1]);
    if (t3 !== null) redraw.push(t3 - t0);
    await sleep(40);
  }
  return {update: upd.slice(warm), paint: paint.slice(warm), redraw: redraw.slice(warm), misses};
}
"""

GALLERY_WIDGETS = {
    # kind: (selector on the gallery page, what is done)
    "stepper": ("#tbw-stepper-appraise-a-number", "click Next"),
    "quiz": ("#tbw-quiz-evidence-labels", "click an option's radio in question 1 (alternating)"),
    "lookup": ("#tbw-lookup-ctcae-grade", "type a value into the numeric input (input event; 4 values in turn)"),
    "calculator": ("#tbw-calculator-wilson", "type x into the calculator (input event; n = 100)"),
    "figure": ("#tbw-figure-response-by-denominator", "click the other denominator radio (plotly redraws)"),
}


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def widget_latency(browser, url: str, n: int = 60, warm: int = 5) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url, wait_until="load")
    results = {}
    for kind, (sel, what) in GALLERY_WIDGETS.items():
        page.locator(sel).scroll_into_view_if_needed()
        page.wait_for_function(f"() => document.querySelector('{sel}').dataset.ready === 'true'", timeout=30000)
        if kind == "figure":
            plot = f"{sel}-plot"
            page.locator(plot).scroll_into_view_if_needed()
            page.wait_for_function(f"() => document.querySelector('{plot}').dataset.ready === 'true'", timeout=60000)
        r = page.evaluate(LATENCY_JS, {"sel": sel, "kind": kind, "n": n, "warm": warm})
        results[kind] = {
            "action": what,
            "n": len(r["update"]),
            "no_change_within_1s": r["misses"],
            "update_median_ms": round(statistics.median(r["update"]), 2) if r["update"] else None,
            "update_p95_ms": round(pct(r["update"], 0.95), 2) if r["update"] else None,
            "frame_median_ms": round(statistics.median(r["paint"]), 2) if r["paint"] else None,
            "frame_p95_ms": round(pct(r["paint"], 0.95), 2) if r["paint"] else None,
        }
        if r["redraw"]:  # the linked figure: until plotly has redrawn the chart, and the next frame
            results[kind].update(redraw_n=len(r["redraw"]), redraw_median_ms=round(statistics.median(r["redraw"]), 2),
                                 redraw_p95_ms=round(pct(r["redraw"], 0.95), 2))
    context.close()
    results["_console_errors"] = errors
    return results
