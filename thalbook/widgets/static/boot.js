// boot.js: enhance every thalbook widget and figure on a static page (no kernel).
// Loaded as <script type="module" src=".../_static/thalbook/boot.js">.
import { tbThemeLayout, tbThemeData, tbRetheme, tbFitTitles, TB_PLOT_CONFIG } from "./core.js";

const PLOTLY_URL = new URL("./plotly.min.js", import.meta.url);
let plotlyPromise = null;

/** Load plotly.min.js once (classic script); resolves to window.Plotly. */
export function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!plotlyPromise) {
    plotlyPromise = new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = PLOTLY_URL.href;
      s.async = true;
      s.addEventListener("load", () => (window.Plotly ? resolve(window.Plotly) : reject(new Error("plotly.min.js loaded but defined no Plotly"))));
      s.addEventListener("error", () => reject(new Error("could not load " + s.src)));
      document.head.appendChild(s);
    });
  }
  return plotlyPromise;
}

/** A model with the anywidget interface, backed by the state JSON of the static twin. */
export function makeModel(state) {
  const data = { ...(state || {}) };
  const handlers = new Map();
  return {
    get: (k) => data[k],
    set(k, v) {
      const old = data[k];
      data[k] = v;
      if (old === v) return;
      for (const cb of [...(handlers.get("change:" + k) || [])]) cb({ name: k, old, new: v });
      for (const cb of [...(handlers.get("change") || [])]) cb({ name: k, old, new: v });
    },
    on(ev, cb) {
      if (!handlers.has(ev)) handlers.set(ev, new Set());
      handlers.get(ev).add(cb);
    },
    off(ev, cb) {
      if (!ev) handlers.clear();
      else if (!cb) handlers.delete(ev);
      else if (handlers.has(ev)) handlers.get(ev).delete(cb);
    },
    save_changes() {},
    send() {},
  };
}

function showError(el, message) {
  const p = document.createElement("p");
  p.className = "tb-error-box";
  p.setAttribute("role", "alert");
  p.textContent = message;
  el.appendChild(p);
  el.dataset.ready = "error";
}

const KIND_RE = /^[a-z]+$/;

async function bootWidget(el) {
  el.dataset.ready = "loading";
  try {
    const script = el.querySelector(":scope > script.thalbook-state");
    if (!script) throw new Error("no state");
    const state = JSON.parse(script.textContent);
    const kind = el.dataset.kind || state.kind;
    if (!KIND_RE.test(kind || "")) throw new Error("unknown widget kind " + kind);
    const mod = await import(new URL("./" + kind + ".js", import.meta.url).href);
    const api = mod.default || mod;
    const render = typeof api === "function" ? (await api()).render : api.render;
    await render({ model: makeModel(state), el });
    if (el.dataset.ready !== "true") el.dataset.ready = "true";
  } catch (err) {
    console.error("thalbook widget", el.id, err);
    showError(el, "This interactive part could not start; its content above still reads in full.");
  }
}

async function drawFigure(div) {
  if (div.dataset.ready === "true" || div.dataset.ready === "loading") return;
  div.dataset.ready = "loading";
  try {
    const Plotly = await loadPlotly();
    const script = div.querySelector("script.thalbook-figure-data");
    const fig = JSON.parse(script.textContent);
    const drawing = div.dataset.state;
    div._tbFigure = fig;  // kept to redraw it in the other colour theme
    await Plotly.newPlot(div, tbThemeData(div, fig.data), tbThemeLayout(div, fig.layout), TB_PLOT_CONFIG);
    await tbFitTitles(div);
    if (drawing !== undefined) div.dataset.drawnState = drawing;
    // the text summary stood in for the chart until now (a screen reader keeps the text alternative below)
    for (const p of div.querySelectorAll(":scope > .tb-figure-placeholder")) p.remove();
    div.dataset.ready = "true";
    div.dispatchEvent(new CustomEvent("thalbook:drawn"));
  } catch (err) {
    console.error("thalbook figure", div.id, err);
    delete div.dataset.ready;
    showError(div.parentElement || div, "The figure could not be drawn; its text alternative below gives the values.");
  }
}

let observer = null;
let themeWatch = null;

/** The theme sets data-theme on <html> (light, dark; "auto" resolves to one of them from the system's
 *  colour scheme): drawn figures follow a switch at once. */
function watchTheme() {
  if (themeWatch || !("MutationObserver" in window)) return;
  themeWatch = new MutationObserver(() => tbRetheme(document));
  themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
}

function watchFigures(root) {
  const figs = Array.from(root.querySelectorAll(".thalbook-figure:not([data-ready])"));
  if (!figs.length) return;
  watchTheme();
  if (!("IntersectionObserver" in window)) {
    figs.forEach(drawFigure);
    return;
  }
  if (!observer) {
    observer = new IntersectionObserver((entries) => {
      for (const e of entries) {
        if (e.isIntersecting) {
          observer.unobserve(e.target);
          drawFigure(e.target);
        }
      }
    }, { rootMargin: "200px 0px" });
  }
  figs.forEach((f) => observer.observe(f));
}

/** Enhance everything under `root` that is not enhanced yet; safe to call again. */
export function boot(root = document) {
  const widgets = Array.from(root.querySelectorAll(".thalbook-widget:not([data-ready])"));
  watchFigures(root);
  return Promise.all(widgets.map(bootWidget));
}

// A promise-like handle other scripts can use; loading starts on first call.
window.thalbookLoadPlotly = loadPlotly;
if (!("thalbookPlotly" in window)) {
  // window.thalbookPlotly: a promise of the Plotly object (reading it starts the one load)
  Object.defineProperty(window, "thalbookPlotly", { get: loadPlotly, configurable: true });
}
window.thalbookBoot = boot;

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => boot());
else boot();
