// lookup.js: selectors (+ an optional number with its unit) -> matching outcome cards.
import { tbMount, tbReady, tbQ, tbQA, tbText, tbShow, tbListen, tbScheduler, tbAnnounce, tbSave } from "./core.js";

function isNum(v) {
  return typeof v === "number" && Number.isFinite(v);
}

/**
 * CTCAE-style grade of a value graded by how far it falls below normal (same as Python
 * thalbook.dosing.ctcae_grade): 0 if value >= lln, else 1 + number of floors the value is below.
 * Returns null (Python raises ValueError) for a non-number, negative value or malformed floors.
 */
export function gradeFromValue(value, floors, lln) {
  if (!isNum(value) || value < 0 || !isNum(lln) || !Array.isArray(floors)) return null;
  for (let i = 0; i < floors.length; i++) {
    if (!isNum(floors[i])) return null;
    if (i > 0 && !(floors[i - 1] > floors[i])) return null;
  }
  if (value >= lln) return 0;
  let g = 1;
  for (const f of floors) if (value < f) g += 1;
  return g;
}

const NUM_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function fmt(v) {
  return String(Number(v));
}

/** The numeric block that applies to this selection (plain, or chosen by a selector). */
export function lookupNumeric(spec, selection) {
  const num = spec && spec.numeric;
  if (!num) return null;
  if (num.variants) {
    const v = num.variants[String((selection || {})[num.by])];
    return { key: num.key || "grade", ...(v || Object.values(num.variants)[0] || {}) };
  }
  return { key: "grade", ...num };
}

/**
 * Pure: selection + typed value + unit -> {rows: [ids], grade, category, value_base, error, most_severe}.
 */
export function lookupCompute(spec, selection, valueText, unitName) {
  const sel = { ...(selection || {}) };
  const out = { rows: [], grade: null, category: null, value_base: null, error: null, most_severe: null };
  const num = lookupNumeric(spec, sel);
  if (num) {
    const s = String(valueText == null ? "" : valueText).trim();
    const unit = (num.units || []).find((u) => u.unit === unitName) || (num.units || [])[0];
    if (s === "") {
      out.error = null;
    } else if (!NUM_RE.test(s)) {
      out.error = "Enter a number, for example 1200.";
    } else if (!unit) {
      out.error = "No unit to read this value in.";
    } else {
      const v = Number(s);
      if ((isNum(unit.min) && v < unit.min) || (isNum(unit.max) && v > unit.max)) {
        out.error = `Enter a value from ${fmt(unit.min)} to ${fmt(unit.max)} ${unit.unit}.`;
      } else {
        const base = v * unit.to_base;
        const g = gradeFromValue(base, num.floors, num.lln);
        if (g === null) out.error = "This value cannot be graded.";
        else {
          out.grade = g;
          out.value_base = base;
          const cats = num.categories;
          out.category = Array.isArray(cats) && cats[g] != null ? String(cats[g]) : `Grade ${g}`;
          sel[num.key] = String(g);
        }
      }
    }
  }
  let best = null;
  for (const row of spec.rows || []) {
    const m = row.match || {};
    const ok = Object.keys(m).every((k) => Object.prototype.hasOwnProperty.call(sel, k) && String(sel[k]) === String(m[k]));
    if (!ok) continue;
    out.rows.push(row.id);
    if (isNum(row.severity) && (best === null || row.severity > best.severity)) best = row;
  }
  out.most_severe = best ? best.id : null;
  return out;
}

function render({ model, el }) {
  const root = tbMount(el, model);
  const spec = model.get("spec") || {};
  const selects = tbQA(root, ".tb-select");
  const input = tbQ(root, ".tb-value");
  const unitSel = tbQ(root, ".tb-unit");
  const msg = tbQ(root, ".tb-msg");
  const numLabel = tbQ(root, ".tb-numeric-label");
  const resultEl = tbQ(root, ".tb-numeric-result");
  const cards = tbQA(root, ".tb-card");
  const empty = tbQ(root, ".tb-empty");
  let lastUnits = null;
  let lastAnnounce = "";

  function syncUnits(num) {
    if (!unitSel || !num) return;
    const names = (num.units || []).map((u) => u.unit);
    const key = names.join("\u0000");
    if (key !== lastUnits) {
      lastUnits = key;
      if (Array.from(unitSel.options).map((o) => o.value).join("\u0000") !== key) {
        unitSel.replaceChildren(...names.map((u) => {
          const o = document.createElement("option");
          o.value = u;
          o.textContent = u;
          return o;
        }));
      }
    }
    if (numLabel && num.label) tbText(numLabel, num.label);
    const unit = model.get("unit");
    if (names.includes(unit)) unitSel.value = unit;
    else if (names.length) { unitSel.value = names[0]; tbSave(model, { unit: names[0] }); }
  }

  function update() {
    const selection = model.get("selection") || {};
    for (const s of selects) {
      const v = selection[s.dataset.name];
      if (v != null && s.value !== String(v)) s.value = String(v);
    }
    const num = lookupNumeric(spec, selection);
    syncUnits(num);
    if (input && input !== document.activeElement && input.value !== (model.get("value") || "")) {
      input.value = model.get("value") || "";
    }
    const r = lookupCompute(spec, selection, model.get("value"), model.get("unit"));
    if (input) {
      tbText(msg, r.error || "");
      if (r.error) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
    if (resultEl) {
      const text = r.grade === null ? "" : `Result: ${r.category}`;
      tbText(resultEl, text);
      tbShow(resultEl, text !== "");
    }
    const matched = new Set(r.rows);
    for (const c of cards) {
      const on = matched.has(c.dataset.row);
      const worst = on && r.most_severe === c.dataset.row && matched.size > 0;
      tbShow(c, on);
      c.classList.toggle("tb-most-severe", worst);
      tbShow(tbQ(c, ".tb-most-severe-label"), worst);
    }
    tbShow(empty, matched.size === 0);
    const result = { rows: r.rows, grade: r.grade, category: r.category, value_base: r.value_base, error: r.error, most_severe: r.most_severe };
    if (JSON.stringify(result) !== JSON.stringify(model.get("result") || {})) tbSave(model, { result });
    const say = r.error ? r.error
      : `${r.grade !== null ? r.category + ". " : ""}${matched.size} matching ${matched.size === 1 ? "entry" : "entries"}.`;
    if (say !== lastAnnounce) { lastAnnounce = say; tbAnnounce(root, say); }
  }

  const onSelect = (ev) => {
    const s = ev.target;
    tbSave(model, { selection: { ...(model.get("selection") || {}), [s.dataset.name]: s.value } });
  };
  const onInput = () => tbSave(model, { value: input.value });
  const onUnit = () => tbSave(model, { unit: unitSel.value });
  for (const s of selects) s.addEventListener("change", onSelect);
  if (input) input.addEventListener("input", onInput);
  if (unitSel) unitSel.addEventListener("change", onUnit);

  const schedule = tbScheduler(update);
  const stop = tbListen(model, ["selection", "value", "unit"], schedule);
  // seed the selection from the selects when the kernel sent none
  if (!Object.keys(model.get("selection") || {}).length && selects.length) {
    tbSave(model, { selection: Object.fromEntries(selects.map((s) => [s.dataset.name, s.value])) });
  }
  update();
  tbReady(root);
  return () => {
    stop();
    for (const s of selects) s.removeEventListener("change", onSelect);
    if (input) input.removeEventListener("input", onInput);
    if (unitSel) unitSel.removeEventListener("change", onUnit);
  };
}

export default { render };
