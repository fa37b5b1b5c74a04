// calculator.js: named pure calculators; inputs typed as text, validated, outputs as text.
import { tbMount, tbReady, tbQ, tbQA, tbText, tbListen, tbScheduler, tbAnnounce, tbSave } from "./core.js";

export const TB_Z95 = 1.959963984540054;

/**
 * Wilson score interval without continuity correction; [low, high] as proportions, or null unless
 * x, n are whole numbers with n >= 1 and 0 <= x <= n. Same arithmetic order as Python
 * thalbook.core.stats.wilson_interval (which raises ValueError where this returns null).
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
  const res = fn(values, spec); // a calculator may read data-driven `spec.params` (page 4.2 capsules)
  if (res.errors && Object.keys(res.errors).length) return { outputs: {}, errors: res.errors };
  const outputs = {};
  for (const o of spec.outputs || []) {
    if (res.outputs[o.name] !== undefined) outputs[o.name] = formatOutput(res.outputs[o.name], o.format);
  }
  return { outputs, errors: {} };
}

// ---- percentage checker (page 3.2); Python twin: thalbook.pages.part3.percent_counts / percent_counts_calc
export const TB_MAX_DECIMALS = 3;

/** Decimals a typed percentage carries (64 -> 0, 63.5 -> 1; trailing zeros ignored); null beyond 3. */
export function percentDecimals(p) {
  for (let d = 0; d <= TB_MAX_DECIMALS; d++) {
    const scale = 10 ** d;
    if (Math.round(p * scale) / scale === p) return d;
  }
  return null;
}

/** Whole counts x (0..n) with |100x/n - p| within half a unit of p's last digit; null on invalid input. */
export function percentCounts(n, p) {
  if (typeof n !== "number" || typeof p !== "number" || !Number.isInteger(n) || !Number.isFinite(p)) return null;
  if (n < 1 || n > 10000 || p < 0 || p > 100) return null;
  const d = percentDecimals(p);
  if (d === null) return null;
  const half = 0.5 / 10 ** d;
  const xs = [];
  for (let x = 0; x <= n; x++) if (Math.abs((100 * x) / n - p) <= half + 1e-9) xs.push(x);
  return xs;
}

CALCULATORS.percent_counts = function percentCountsCalc(values) {
  const n = values.n;
  const p = values.percent + 0; // -0 -> 0, as in the Python twin
  const d = percentDecimals(p);
  if (d === null) return { errors: { percent: `Give the percentage with at most ${TB_MAX_DECIMALS} decimals.` } };
  const xs = percentCounts(n, p);
  if (!xs) return { errors: { n: "Enter a whole number from 1 to 10000." } };
  const shown = p.toFixed(d);
  const k = xs.length;
  let verdict;
  let counts;
  if (k === 0) {
    verdict = `No whole number of ${n} gives ${shown}%.`;
    counts = "none";
  } else if (k === 1) {
    verdict = `1 whole count of ${n} gives ${shown}%.`;
    counts = `${xs[0]}/${n}`;
  } else {
    verdict = `${k} whole counts of ${n} give ${shown}%.`;
    counts = k <= 5 ? xs.map((x) => `${x}/${n}`).join(", ") : `${xs[0]}/${n} to ${xs[k - 1]}/${n}`;
  }
  const lo = Math.floor((p * n) / 100);
  const hi = Math.ceil((p * n) / 100);
  const near = [...new Set([lo, hi])].filter((x) => x >= 0 && x <= n);
  const nearest = near.map((x) => `${x}/${n} = ${((100 * x) / n).toFixed(d + 1)}%`).join("; ");
  return { outputs: { verdict, counts, nearest } };
};

// ---- capsule arithmetic (page 4.2); Python twin: thalbook.core.calculator.capsules_calc (numbers from spec.params)
function tbNum(v) {
  return String(Number(v));
}

/** Whole capsules every day nearest the daily dose: [[capsules a day, mg/day]], at least one capsule. */
export function dailyCapsuleSchedules(d, cap) {
  const ks = [...new Set([Math.floor(d / cap), Math.ceil(d / cap)])].filter((k) => k >= 1).sort((a, b) => a - b);
  return (ks.length ? ks : [1]).map((k) => [k, k * cap]);
}

/** Alternate-day schedules nearest the daily dose: [[capsules day A, day B, average mg/day]]. */
export function alternateCapsuleSchedules(d, cap) {
  const x = (d * 2) / cap;
  let lo = Math.floor(x);
  let hi = Math.ceil(x);
  if (lo % 2 === 0) lo -= 1;
  if (hi % 2 === 0) hi += 1;
  const ts = [...new Set([lo, hi])].filter((t) => t >= 1).sort((a, b) => a - b);
  return ts.map((t) => [(t - 1) / 2, (t + 1) / 2, (t * cap) / 2]);
}

/** The band with low <= d < high (an open top band has high null): 150 mg/day is in the top band. */
export function hazardBand(d, bands) {
  for (const b of bands || []) if (b.low <= d && (b.high === null || b.high === undefined || d < b.high)) return b;
  return null;
}

function scheduleWords(cap, a, b) {
  if (a === null) return `${b} × ${tbNum(cap)} mg every day`;
  if (a === 0) return `${tbNum(cap)} mg every other day`;
  return `${tbNum(a * cap)} mg and ${tbNum(b * cap)} mg on alternate days`;
}

function mgText(avg) {
  return Number.isInteger(avg) ? tbNum(avg) : avg.toFixed(1);
}

/** A cumulative dose: "350 mg" under a gram, else "2.3 g" (never "0.0 g"). */
function amountText(totalG) {
  return totalG < 1 ? `${(totalG * 1000).toFixed(0)} mg` : `${totalG.toFixed(1)} g`;
}

/** Of the whole-capsule schedules [words, average mg/day], the one nearest the daily dose (a tie goes to
 * the lower). Python twin: thalbook.core.calculator.given_schedule. */
export function givenSchedule(d, options) {
  let best = options[0];
  for (const o of options.slice(1)) {
    const gap = Math.abs(o[1] - d);
    const bestGap = Math.abs(best[1] - d);
    if (gap < bestGap || (gap === bestGap && o[1] < best[1])) best = o;
  }
  return best;
}

CALCULATORS.capsules = function capsulesCalc(values, spec) {
  const p = (spec && spec.params) || {};
  const w = values.weight;
  const mgkg = values.mgkg;
  const weeks = values.weeks;
  if (w <= 0) return { errors: { weight: "Enter a weight above 0 kg." } };
  if (mgkg <= 0) return { errors: { mgkg: "Enter a dose above 0 mg/kg/day." } };
  const cap = p.capsule_mg;
  const d = mgkg * w;
  const everyDay = dailyCapsuleSchedules(d, cap).map(([k, mg]) => [scheduleWords(cap, null, k), mg]);
  const alternate = alternateCapsuleSchedules(d, cap).map(([a, b, avg]) => [scheduleWords(cap, a, b), avg]);
  const daily = everyDay.map(([words, mg]) => `${words}: ${tbNum(mg)} mg/day`).join("; ");
  const alt = alternate.map(([words, avg]) => `${words}: average ${mgText(avg)} mg/day`).join("; ");
  const ranges = p.ranges || [];
  const inside = ranges.filter((r) => r.low <= mgkg && mgkg <= r.high);
  let fit;
  if (inside.length) fit = inside.map((r) => `within the range reported in ${r.label} (${r.status})`).join("; ");
  else if (ranges.length && mgkg < Math.min(...ranges.map((r) => r.low))) fit = "below every published paediatric range in the book's sources (none is from MDS)";
  else if (ranges.length) fit = "above every published paediatric range in the book's sources (none is from MDS)";
  else fit = "no published paediatric range to compare with";
  const [words, given] = givenSchedule(d, everyDay.concat(alternate));
  const ratio = given / d;
  const smallest = cap / 2; // one capsule every other day, the least whole capsules can give
  const over = smallest > d
    ? `Even the smallest whole-capsule schedule (${scheduleWords(cap, 0, 1)}, ${mgText(smallest)} mg/day on average) is ${(smallest / d).toFixed(1)} times the calculated dose: whole ${tbNum(cap)} mg capsules cannot give it.`
    : `${ratio.toFixed(2)} times the calculated dose.`;
  const band = hazardBand(given, p.bands);
  let hazard;
  if (!band) hazard = "No band.";
  else if (band.value === 1) hazard = `${band.label}: relative hazard 1 (${p.band_note})`;
  else hazard = `${band.label}: relative hazard ${tbNum(band.value)} against ${p.reference} (${p.band_note})`;
  const total = (given * 7 * weeks) / 1000;
  const ths = p.thresholds || [];
  const passed = ths.filter((t) => total > t.low);
  const flag = passed.length
    ? passed.map((t) => `Past ${t.label} (${t.status}).`).join(" ")
    : `Not past ${ths[0].label} (${ths[0].status}).`;
  const span = `${tbNum(weeks)} week${weeks === 1 ? "" : "s"}`;
  return { outputs: {
    daily: `${d.toFixed(1)} mg/day calculated (arithmetic, not a dose for a child with MDS)`,
    range: `${tbNum(mgkg)} mg/kg/day: ${fit}`,
    daily_schedules: daily,
    alternate_schedules: alt,
    given: `${words}: ${mgText(given)} mg/day on average. ${over}`,
    hazard: `For ${mgText(given)} mg/day (the nearest whole-capsule schedule): ${hazard}`,
    cumulative: `${amountText(total)} over ${span} of the nearest whole-capsule schedule`,
    cumulative_flag: flag,
  } };
};

// ---- trial size for a precise response rate (page 5.2); Python twins in thalbook.core.stats and
// thalbook.pages.part5.sample_size_calc (z values come from spec.params, computed once in Python)
export const TB_N_MAX = 100000;

/** Half-width of the Wilson interval when proportion p is observed among n (null on invalid input). */
export function wilsonHalfWidth(p, n, z = TB_Z95) {
  if (typeof p !== "number" || !Number.isFinite(p) || p < 0 || p > 1) return null;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) return null;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  return (z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))) / denom;
}

/** [low, high] of the Wilson interval around an observed proportion p among n (same order as wilsonInterval). */
export function wilsonIntervalForProportion(p, n, z = TB_Z95) {
  const half = wilsonHalfWidth(p, n, z);
  if (half === null) return null;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Smallest n (1..TB_N_MAX) whose Wilson half-width around p is at most d; null if none or invalid. */
export function sampleSizeForPrecision(p, d, z = TB_Z95, nMax = TB_N_MAX) {
  if (typeof d !== "number" || !Number.isFinite(d) || !(d > 0 && d < 1)) return null;
  const top = wilsonHalfWidth(p, nMax, z);
  if (top === null || top > d) return null;
  let lo = 1;
  let hi = nMax;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (wilsonHalfWidth(p, mid, z) <= d) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The normal-approximation size ceil(z² p(1-p) / d²), at least 1 (a cross-check). */
export function normalSampleSize(p, d, z = TB_Z95) {
  if (typeof p !== "number" || typeof d !== "number" || !Number.isFinite(p) || !Number.isFinite(d)) return null;
  if (p < 0 || p > 1 || !(d > 0 && d < 1)) return null;
  return Math.max(1, Math.ceil((z * z * p * (1 - p)) / (d * d)));
}

CALCULATORS.sample_size = function sampleSizeCalc(values, spec) {
  const levels = ((spec && spec.params) || {}).levels || [];
  const level = levels.find((l) => l.level === values.confidence);
  if (!level) return { errors: { confidence: `Choose one of ${levels.map((l) => l.level).join(", ")}.` } };
  const p = values.rate / 100;
  const d = values.half_width / 100;
  const n = sampleSizeForPrecision(p, d, level.z);
  if (n === null) return { errors: { half_width: `More than ${TB_N_MAX} children would be needed: choose a wider interval.` } };
  const ci = wilsonIntervalForProportion(p, n, level.z);
  const half = wilsonHalfWidth(p, n, level.z);
  return { outputs: {
    n: `${n} children`,
    interval: `${(ci[0] * 100).toFixed(1)}% to ${(ci[1] * 100).toFixed(1)}% (half-width ${(half * 100).toFixed(2)} points)`,
    normal: `${normalSampleSize(p, d, level.z)} children`,
  } };
};

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
    for (const o of outs) {
      tbText(o, r.outputs[o.dataset.name] ?? "–");
      // a value reads large and bold; a sentence (e.g. "4.2 g over 12 weeks of ...") in body text
      o.classList.toggle("tb-out-sentence", o.textContent.split(" ").length > 3);
    }
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
