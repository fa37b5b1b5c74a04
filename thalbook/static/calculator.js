// calculator.js: named pure calculators; inputs typed as text, validated, outputs as text.
import { tbMount, tbReady, tbQ, tbQA, tbText, tbListen, tbScheduler, tbAnnounce, tbSave } from "./core.js";

export const TB_Z95 = 1.959963984540054;

/**
 * Wilson score interval without continuity correction; [low, high] as proportions, or null unless
 * x, n are whole numbers with n >= 1 and 0 <= x <= n. Same arithmetic order as Python
 * thalbook.stats.wilson_interval (which raises ValueError where this returns null).
 */
export function wilsonInterval(x, n, z = TB_Z95) {
  if (typeof x !== "number" || typeof n !== "number" || !Number.isInteger(x) || !Number.isInteger(n)) return null;
  if (n < 1 || x < 0 || x > n) return null;
  const p = x / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))) / denom;
  const low = x === 0 ? 0 : Math.max(0, centre - half);
  const high = x === n ? 1 : Math.min(1, centre + half);
  return [low, high];
}

export const CALCULATORS = {
  wilson(values) {
    const x = values.x;
    const n = values.n;
    if (x > n) return { errors: { x: "Must not be more than n." } };
    const ci = wilsonInterval(x, n);
    if (!ci) return { errors: { n: "Enter whole numbers with n at least 1." } };
    const counts = `${x}/${n}`;
    return { outputs: { proportion: x / n, low: ci[0], high: ci[1], fraction: counts, count: counts } };
  },
};

const NUM_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INT_RE = /^[+-]?\d+$/;

function fmtNum(v) {
  return String(Number(v));
}

/** Text as typed -> {value} or {error}; mirrors thalbook.widgets.parse_field. */
export function parseField(text, field) {
  const s = String(text == null ? "" : text).trim();
  if (s === "") return { error: "Enter a value." };
  if (field.integer) {
    if (!INT_RE.test(s)) return { error: "Enter a whole number." };
  } else if (!NUM_RE.test(s)) return { error: "Enter a number." };
  const v = Number(s);
  const lo = field.min;
  const hi = field.max;
  const hasLo = lo !== undefined && lo !== null;
  const hasHi = hi !== undefined && hi !== null;
  if ((hasLo && v < lo) || (hasHi && v > hi)) {
    if (hasLo && hasHi) return { error: `Enter a value from ${fmtNum(lo)} to ${fmtNum(hi)}.` };
    if (hasLo) return { error: `Enter a value of at least ${fmtNum(lo)}.` };
    return { error: `Enter a value of at most ${fmtNum(hi)}.` };
  }
  return { value: v };
}

export function formatPercent1(v) {
  return (v * 100).toFixed(1);
}

export function formatOutput(v, format) {
  if (format === "percent1") return formatPercent1(v) + "%";
  return String(v);
}

/** Pure: spec + texts -> {outputs: {name: text}, errors: {name: message}}; mirrors widgets.calculate. */
export function calculate(spec, inputs) {
  const values = {};
  const errors = {};
  for (const f of spec.inputs || []) {
    const r = parseField((inputs || {})[f.name], f);
    if (r.error) errors[f.name] = r.error;
    else values[f.name] = r.value;
  }
  if (Object.keys(errors).length) return { outputs: {}, errors };
  const fn = CALCULATORS[spec.fn];
  if (!fn) return { outputs: {}, errors: { _: `Unknown calculator ${spec.fn}` } };
  const res = fn(values);
  if (res.errors && Object.keys(res.errors).length) return { outputs: {}, errors: res.errors };
  const outputs = {};
  for (const o of spec.outputs || []) {
    if (res.outputs[o.name] !== undefined) outputs[o.name] = formatOutput(res.outputs[o.name], o.format);
  }
  return { outputs, errors: {} };
}

function render({ model, el }) {
  const root = tbMount(el, model);
  const spec = model.get("spec") || {};
  const fields = tbQA(root, ".tb-input");
  const outs = tbQA(root, ".tb-out");
  let lastSay = "";

  function update() {
    const inputs = model.get("inputs") || {};
    for (const f of fields) {
      const v = inputs[f.dataset.name] ?? "";
      if (f !== document.activeElement && f.value !== v) f.value = v;
    }
    const touched = Object.values(inputs).some((v) => String(v).trim() !== "");
    const r = calculate(spec, inputs);
    for (const f of fields) {
      const name = f.dataset.name;
      // an untouched form shows no errors, only empty outputs
      const err = touched ? (r.errors[name] || "") : "";
      const ref = f.getAttribute("aria-describedby");
      const msg = ref ? root.querySelector(`[id="${ref}"]`) : null;
      tbText(msg, err);
      if (err) f.setAttribute("aria-invalid", "true");
      else f.removeAttribute("aria-invalid");
    }
    for (const o of outs) tbText(o, r.outputs[o.dataset.name] ?? "–");
    if (JSON.stringify(r.outputs) !== JSON.stringify(model.get("outputs") || {})) tbSave(model, { outputs: r.outputs });
    const say = Object.keys(r.outputs).length
      ? (spec.outputs || []).map((o) => `${o.label} ${r.outputs[o.name]}`).join("; ")
      : (touched ? "No result: check the highlighted field." : "");
    if (say !== lastSay) { lastSay = say; if (say) tbAnnounce(root, say); }
  }

  const onInput = (ev) => {
    const f = ev.target;
    tbSave(model, { inputs: { ...(model.get("inputs") || {}), [f.dataset.name]: f.value } });
  };
  for (const f of fields) f.addEventListener("input", onInput);
  const schedule = tbScheduler(update);
  const stop = tbListen(model, ["inputs"], schedule);
  update();
  tbReady(root);
  return () => { stop(); for (const f of fields) f.removeEventListener("input", onInput); };
}

export default { render };
