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

// ------------------------------------------------------------------ progress kept in this browser
// Only localStorage, only on the static site, keys "thalbook:<book version>:<kind>:<id>". Nothing is
// sent anywhere. Storage that is off or full (private windows, blocked site data) is simply not used.
const STORE_PREFIX = "thalbook:";
const STORED_KINDS = new Set(["quiz", "stepper"]);

export function progressStore() {
  try {
    const s = window.localStorage;
    const probe = STORE_PREFIX + "probe";
    s.setItem(probe, "1");
    s.removeItem(probe);
    return s;
  } catch (e) {
    return null;
  }
}

export function progressKey(version, kind, id) {
  return `${STORE_PREFIX}${version || "dev"}:${kind}:${id}`;
}

function readSaved(store, key) {
  try {
    const v = JSON.parse(store.getItem(key) || "null");
    return v && typeof v === "object" ? v : null;
  } catch (e) {
    return null;
  }
}

function questionsOf(state) {
  const spec = state.spec || {};
  return spec.questions || (spec.stages || []).filter((s) => s.question).map((s) => s.question);
}

/** Saved answers and stage put back into the state, keeping only what still fits this spec. */
export function restoreProgress(state, saved) {
  if (!saved) return state;
  const qs = Object.fromEntries(questionsOf(state).map((q) => [q.id, q.options.length]));
  const answers = {};
  const scored = {};
  for (const [qid, idx] of Object.entries(saved.answers || {})) {
    if (Number.isInteger(idx) && idx >= 0 && idx < (qs[qid] || 0)) answers[qid] = idx;
  }
  for (const [qid, ok] of Object.entries(saved.scored || {})) {
    if (qid in answers && typeof ok === "boolean") scored[qid] = ok;
  }
  const out = { ...state, answers, scored };
  const n = ((state.spec || {}).stages || []).length;
  if (n && Number.isInteger(saved.stage) && saved.stage >= 0 && saved.stage < n) out.stage = saved.stage;
  return out;
}

function summary(model, state, old) {
  const questions = questionsOf(state);
  const answers = model.get("answers") || {};
  const scored = model.get("scored") || {};
  const stages = ((state.spec || {}).stages || []).length;
  const stage = model.get("stage");
  return {
    answers,
    scored,
    stage: Number.isInteger(stage) ? stage : undefined,
    reached: Number.isInteger(stage) ? Math.max(stage, (old && old.reached) || 0) : undefined,
    stages: stages || undefined,
    questions: questions.length,
    answered: questions.filter((q) => q.id in answers).length,
    right: questions.filter((q) => scored[q.id] === true).length,
  };
}

/** Keep this widget's answers (and stage) in the browser; returns the possibly restored state. */
function persist(el, state, store) {
  const kind = el.dataset.kind || state.kind;
  const id = (state.spec || {}).id;
  if (!store || !STORED_KINDS.has(kind) || !id || state.presenter) return { state, watch: () => {} };
  const key = progressKey(el.dataset.version, kind, id);
  const restored = restoreProgress(state, readSaved(store, key));
  return {
    state: restored,
    watch(model) {
      let last = readSaved(store, key);
      model.on("change", () => {
        last = summary(model, restored, last);
        try { store.setItem(key, JSON.stringify(last)); } catch (e) { /* full or blocked: not kept */ }
      });
    },
  };
}

const PART_WORDS = (done, total) => `${done} of ${total}`;

/** Fill the landing page's "Your progress" box from storage; its Reset button clears it. */
export function renderProgress(box, store = progressStore()) {
  const version = box.dataset.version;
  const items = Array.from(box.querySelectorAll(".tb-progress-item"));
  const off = box.querySelector(".tb-progress-off");
  const controls = box.querySelector(".tb-progress-controls");
  if (off) off.hidden = Boolean(store);
  if (controls) controls.hidden = !store;
  const parts = new Map();
  for (const li of items) {
    const saved = store ? readSaved(store, progressKey(version, li.dataset.kind, li.dataset.id)) : null;
    const nq = Number(li.dataset.questions) || 0;
    const ns = Number(li.dataset.stages) || 0;
    const answered = saved ? Number(saved.answered) || 0 : 0;
    const right = saved ? Number(saved.right) || 0 : 0;
    const reached = saved && Number.isInteger(saved.reached) ? saved.reached : null;
    const done = nq > 0 ? answered >= nq : reached !== null && reached >= ns - 1;
    let text = "not started";
    if (saved && (answered || reached)) {
      const bits = [];
      if (ns && reached !== null) bits.push(`stage ${reached + 1} of ${ns} reached`);
      if (nq) bits.push(`${answered} of ${nq} answered, ${right} right at the first try`);
      text = (done ? "done: " : "") + bits.join("; ");
    }
    const state = li.querySelector(".tb-progress-state");
    if (state) state.textContent = text;
    li.dataset.done = String(done);
    const p = parts.get(li.dataset.part) || { done: 0, total: 0, right: 0, answered: 0 };
    p.total += 1;
    p.done += done ? 1 : 0;
    p.right += right;
    p.answered += answered;
    parts.set(li.dataset.part, p);
  }
  for (const tr of box.querySelectorAll("tr[data-part]")) {
    const p = parts.get(tr.dataset.part) || { done: 0, total: 0, right: 0, answered: 0 };
    tr.querySelector(".tb-progress-done").textContent = PART_WORDS(p.done, p.total);
    tr.querySelector(".tb-progress-score").textContent = p.answered ? `${p.right} of ${p.answered} answers` : "–";
  }
  box.dataset.ready = "true";
}

function wireProgress(box) {
  if (box.dataset.ready) return;
  const store = progressStore();
  renderProgress(box, store);
  const reset = box.querySelector(".tb-progress-reset");
  if (reset && store) {
    reset.addEventListener("click", () => {
      // every key of this book, any version: "reset my progress" means all of it
      const keys = [];
      for (let i = 0; i < store.length; i += 1) {
        const k = store.key(i);
        if (k && k.startsWith(STORE_PREFIX)) keys.push(k);
      }
      keys.forEach((k) => store.removeItem(k));
      renderProgress(box, store);
      const live = box.querySelector(".tb-live");
      if (live) live.textContent = "Your progress has been reset.";
    });
  }
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
    const parsed = JSON.parse(script.textContent);
    const kind = el.dataset.kind || parsed.kind;
    if (!KIND_RE.test(kind || "")) throw new Error("unknown widget kind " + kind);
    const mod = await import(new URL("./" + kind + ".js", import.meta.url).href);
    const api = mod.default || mod;
    const render = typeof api === "function" ? (await api()).render : api.render;
    const kept = persist(el, parsed, progressStore());
    const model = makeModel(kept.state);
    await render({ model, el });
    kept.watch(model);
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
  root.querySelectorAll(".thalbook-progress").forEach(wireProgress);
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
