// lookup.js: selectors (+ an optional number with its unit) -> matching outcome cards.
import { tbMount, tbReady, tbQ, tbQA, tbText, tbShow, tbListen, tbScheduler, tbAnnounce, tbSave } from "./core.js";

function isNum(v) {
  return typeof v === "number" && Number.isFinite(v);
}

/**
 * CTCAE-style grade of a value graded by how far it falls below normal (same as Python
 * thalbook.core.dosing.ctcae_grade): 0 if value >= lln, else 1 + number of floors the value is below.
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
    // only_listed: a selection without a variant has no numeric input (it is hidden)
    if (!v && num.only_listed) return null;
    return { key: num.key || "grade", baseline: num.baseline, ...(v || Object.values(num.variants)[0] || {}) };
  }
  return { key: "grade", ...num };
}

/** A value in one unit expressed in another, to 6 significant digits: 1.2 ×10⁹/L -> "1200" /mm³. */
export function convertUnit(v, from, to) {
  return String(Number(((v * from.to_base) / to.to_base).toPrecision(6)));
}

/** Typed text in a unit -> {base, grade} or {error} (null: nothing typed). */
function readValue(num, valueText, unitName) {
  const s = String(valueText == null ? "" : valueText).trim();
  const unit = (num.units || []).find((u) => u.unit === unitName) || (num.units || [])[0];
  if (s === "") return null;
  if (!NUM_RE.test(s)) return { error: "Enter a number, for example 1200." };
  if (!unit) return { error: "No unit to read this value in." };
  const v = Number(s);
  if ((isNum(unit.min) && v < unit.min) || (isNum(unit.max) && v > unit.max)) {
    return { error: `Enter a value from ${fmt(unit.min)} to ${fmt(unit.max)} ${unit.unit}.` };
  }
  const base = v * unit.to_base;
  const g = gradeFromValue(base, num.floors, num.lln);
  if (g === null) return { error: "This value cannot be graded." };
  return { base, grade: g };
}

/**
 * Pure: selection + typed value + unit (+ optional baseline value in the same unit) ->
 * {rows: [ids], grade, category, value_base, error, most_severe, baseline_grade, baseline, baseline_error}.
 * Optional, data-driven: `numeric.baseline` = {key, min_worse}: with a graded value, the selection gets
 * key = "none" (no baseline typed), "worse" (grade - baseline grade >= min_worse) or "not-worse";
 * a row with `value_below` matches, once a value is entered, by value_base < value_below instead of
 * by the numeric key. An invalid value matches no row. most_severe: the row asking for the strongest
 * action (highest severity; a tie keeps the first). Python twin: thalbook.core.lookup.lookup_compute.
 */
export function lookupCompute(spec, selection, valueText, unitName, baselineText) {
  const sel = { ...(selection || {}) };
  const out = { rows: [], grade: null, category: null, value_base: null, error: null, most_severe: null };
  const num = lookupNumeric(spec, sel);
  if (num) {
    const r = readValue(num, valueText, unitName);
    if (r && r.error) out.error = r.error;
    else if (r) {
      out.grade = r.grade;
      out.value_base = r.base;
      const cats = num.categories;
      out.category = Array.isArray(cats) && cats[r.grade] != null ? String(cats[r.grade]) : `Grade ${r.grade}`;
      sel[num.key] = String(r.grade);
    }
    const bl = num.baseline;
    if (bl && bl.key) {
      out.baseline_grade = null;
      out.baseline = "none";
      out.baseline_error = null;
      const b = out.grade === null ? null : readValue(num, baselineText, unitName);
      if (b && b.error) out.baseline_error = b.error;
      else if (b) {
        out.baseline_grade = b.grade;
        out.baseline = out.grade - b.grade >= (isNum(bl.min_worse) ? bl.min_worse : 1) ? "worse" : "not-worse";
      }
      sel[bl.key] = out.baseline;
    }
  }
  if (out.error) return out; // an invalid value shows only its error, no card beside it
  let best = null;
  for (const row of spec.rows || []) {
    const byValue = num && isNum(row.value_below) && out.value_base !== null;
    if (byValue && !(out.value_base < row.value_below)) continue;
    const m = { ...(row.match || {}) };
    if (byValue) delete m[num.key];
    // a match value is one value or a list of accepted values (any of them matches)
    const ok = Object.keys(m).every((k) => Object.prototype.hasOwnProperty.call(sel, k)
      && (Array.isArray(m[k]) ? m[k].map(String).includes(String(sel[k])) : String(sel[k]) === String(m[k])));
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
  const numFields = tbQA(root, ".tb-numeric");
  const blInput = tbQ(root, ".tb-baseline");
  const blMsg = tbQ(root, ".tb-baseline-msg");
  const blResult = tbQ(root, ".tb-baseline-result");
  const cards = tbQA(root, ".tb-card");
  const empty = tbQ(root, ".tb-empty");
  const applied = tbQ(root, ".tb-applied");
  const selectorOf = (name) => (spec.selectors || []).find((x) => x.name === name) || {};
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
    for (const s of selects) {
      // hide_when {selector: [values]}: this selector means nothing for those choices (e.g. "any grade")
      const hw = selectorOf(s.dataset.name).hide_when || {};
      const hide = Object.keys(hw).some((k) => (hw[k] || []).map(String).includes(String(selection[k])));
      tbShow(s.closest(".tb-field"), !hide);
    }
    const num = lookupNumeric(spec, selection);
    syncUnits(num);
    if (input && input !== document.activeElement && input.value !== (model.get("value") || "")) {
      input.value = model.get("value") || "";
    }
    for (const f of numFields) tbShow(f, !!num);
    if (blInput && blInput !== document.activeElement && blInput.value !== (model.get("baseline") || "")) {
      blInput.value = model.get("baseline") || "";
    }
    const r = lookupCompute(spec, selection, model.get("value"), model.get("unit"), model.get("baseline"));
    if (blInput) {
      tbText(blMsg, r.baseline_error || "");
      if (r.baseline_error) blInput.setAttribute("aria-invalid", "true");
      else blInput.removeAttribute("aria-invalid");
    }
    if (blResult) {
      const texts = (num && num.baseline && num.baseline.texts) || {};
      const text = r.baseline === undefined || r.grade === null ? ""
        : (r.baseline_grade === null ? "" : `Baseline grade ${r.baseline_grade}. `) + (texts[r.baseline] || "");
      tbText(blResult, text);
      tbShow(blResult, text !== "");
    }
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
    // a graded value sets the selector it stands for (numeric.sets_selector), so the two never disagree
    const setsName = num && spec.numeric && spec.numeric.sets_selector;
    if (setsName && r.grade !== null && String(selection[setsName]) !== String(r.grade)) {
      tbSave(model, { selection: { ...selection, [setsName]: String(r.grade) } });
    }
    const matched = new Set(r.rows);
    // the applied row is marked only when it is chosen among several; its title is said in words
    const several = matched.size > 1;
    let appliedTitle = "";
    for (const c of cards) {
      const on = matched.has(c.dataset.row);
      const isApplied = on && r.most_severe === c.dataset.row;
      if (isApplied) appliedTitle = tbQ(c, ".tb-card-title").textContent;
      tbShow(c, on);
      c.classList.toggle("tb-most-severe", isApplied && several);
      tbShow(tbQ(c, ".tb-most-severe-label"), isApplied && several);
    }
    if (applied) {
      const text = appliedTitle && spec.highlight ? String(spec.highlight.summary || "").replace("{title}", appliedTitle) : "";
      tbText(applied, text);
      tbShow(applied, text !== "");
    }
    tbShow(empty, matched.size === 0 && !r.error);
    const result = { rows: r.rows, grade: r.grade, category: r.category, value_base: r.value_base, error: r.error, most_severe: r.most_severe };
    if (r.baseline !== undefined) Object.assign(result, { baseline: r.baseline, baseline_grade: r.baseline_grade, baseline_error: r.baseline_error });
    if (JSON.stringify(result) !== JSON.stringify(model.get("result") || {})) tbSave(model, { result });
    const say = r.error ? r.error : r.baseline_error ? r.baseline_error
      : `${r.grade !== null ? r.category + ". " : ""}${matched.size} matching ${matched.size === 1 ? "entry" : "entries"}.`;
    if (say !== lastAnnounce) { lastAnnounce = say; tbAnnounce(root, say); }
  }

  const onSelect = (ev) => {
    const s = ev.target;
    const change = { selection: { ...(model.get("selection") || {}), [s.dataset.name]: s.value } };
    // another toxicity: the typed values belonged to the old one
    if (spec.numeric && spec.numeric.by === s.dataset.name) {
      Object.assign(change, { value: "", baseline: "" });
      for (const box of [input, blInput]) if (box) box.value = "";
    }
    tbSave(model, change);
  };
  const onInput = () => tbSave(model, { value: input.value });
  const onUnit = () => {
    // another unit: convert what was typed, so the count itself does not change
    const num = lookupNumeric(spec, model.get("selection") || {}) || {};
    const from = (num.units || []).find((u) => u.unit === model.get("unit"));
    const to = (num.units || []).find((u) => u.unit === unitSel.value);
    const change = { unit: unitSel.value };
    if (from && to) {
      for (const [key, box] of [["value", input], ["baseline", blInput]]) {
        const text = String(model.get(key) || "").trim();
        if (!NUM_RE.test(text)) continue;
        change[key] = convertUnit(Number(text), from, to);
        if (box) box.value = change[key]; // the box may hold the focus, which update() leaves alone
      }
    }
    tbSave(model, change);
  };
  const onBaseline = () => tbSave(model, { baseline: blInput.value });
  if (blInput) blInput.addEventListener("input", onBaseline);
  for (const s of selects) s.addEventListener("change", onSelect);
  if (input) input.addEventListener("input", onInput);
  if (unitSel) unitSel.addEventListener("change", onUnit);

  const schedule = tbScheduler(update);
  const stop = tbListen(model, ["selection", "value", "unit", "baseline"], schedule);
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
    if (blInput) blInput.removeEventListener("input", onBaseline);
  };
}

export default { render };
