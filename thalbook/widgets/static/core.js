// core.js: helpers shared by every thalbook widget module. No top-level side effects;
// every export starts with "tb" so the modules can be concatenated into one anywidget bundle.

let tbViewCounter = 0;

export function tbQ(root, sel) {
  return root.querySelector(sel);
}

export function tbQA(root, sel) {
  return Array.from(root.querySelectorAll(sel));
}

export function tbText(el, text) {
  if (el && el.textContent !== text) el.textContent = text;
}

export function tbShow(el, on) {
  if (el) el.hidden = !on;
}

export function tbHas(obj, key) {
  return obj != null && Object.prototype.hasOwnProperty.call(obj, key);
}

/** Announce a change through the widget's visually hidden aria-live region. */
export function tbAnnounce(root, msg) {
  const live = tbQ(root, ".tb-live");
  if (!live) return;
  live.textContent = "";
  // a fresh text node makes screen readers repeat an identical message
  setTimeout(() => { live.textContent = msg; }, 30);
}

// Attributes that hold ids or id references; rewritten per live view so that two views of the same
// widget on one page (or a view and its static twin) never share ids or radio groups.
const TB_ID_ATTRS = ["id", "for", "name", "aria-describedby", "aria-labelledby", "aria-controls"];

export function tbUniquify(root, suffix) {
  for (const el of root.querySelectorAll("*")) {
    if (el.tagName === "SCRIPT") continue;
    for (const a of TB_ID_ATTRS) {
      const v = el.getAttribute(a);
      if (v) el.setAttribute(a, v.split(/\s+/).map((x) => x + suffix).join(" "));
    }
  }
}

/**
 * Return the widget root. Static page: `el` is the .thalbook-widget div with the prerendered twin.
 * Live (anywidget): `el` is empty; fill it from the synced `html` trait (already sanitised by Python).
 */
export function tbMount(el, model) {
  if (!el.firstElementChild || !el.querySelector(":scope > :not(script)")) {
    el.classList.add("thalbook-widget");
    el.dataset.kind = model.get("kind") || "";
    el.innerHTML = model.get("html") || "";
    tbViewCounter += 1;
    tbUniquify(el, "-v" + tbViewCounter);
  }
  return el;
}

export function tbReady(root) {
  root.dataset.ready = "true";
}

/** Subscribe to change:<name> for each name; returns an unsubscribe function. */
export function tbListen(model, names, cb) {
  const subs = names.map((n) => ["change:" + n, cb]);
  for (const [ev, f] of subs) model.on(ev, f);
  return () => { for (const [ev, f] of subs) model.off(ev, f); };
}

/** Coalesce several trait changes into one update. */
export function tbScheduler(fn) {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => { queued = false; fn(); });
  };
}

export function tbSave(model, values) {
  for (const [k, v] of Object.entries(values)) model.set(k, v);
  model.save_changes();
}

// ------------------------------------------------------------------ questions (quiz + stepper)

export function tbIsCorrect(question, index) {
  const o = question && question.options && question.options[index];
  return Boolean(o && o.correct);
}

/** Score = number of questions whose FIRST answer was right; in presenter mode only revealed ones. */
export function tbScoreOf(questions, scored, revealed, presenter) {
  let s = 0;
  for (const q of questions) {
    if (scored && scored[q.id] === true && (!presenter || (revealed && revealed[q.id]))) s += 1;
  }
  return s;
}

/** Add `scored` entries for answers that have none yet (first answers coming e.g. from the kernel). */
export function tbReconcile(questions, answers, scored) {
  const byId = Object.fromEntries(questions.map((q) => [q.id, q]));
  let out = scored || {};
  let changed = false;
  for (const [qid, idx] of Object.entries(answers || {})) {
    if (byId[qid] && !tbHas(out, qid)) {
      if (!changed) out = { ...out };
      out[qid] = tbIsCorrect(byId[qid], idx);
      changed = true;
    }
  }
  return changed ? out : null;
}

/**
 * Wire the question fieldsets inside `root`. Returns {update(), restart(), cleanup(), ...}.
 * Choosing an option only selects it (the radio group's arrow keys move the selection); the question's
 * "Check answer" button answers it. `onChoice(question, index)` is called after the model was updated
 * by a check; `onDebrief()` when the summary appears (not when a widget restored complete shows it at once).
 */
export function tbQuestions(root, model, questions, opts = {}) {
  const byId = Object.fromEntries(questions.map((q) => [q.id, q]));
  const cleanups = [];
  const answers = () => model.get("answers") || {};
  const scored = () => model.get("scored") || {};
  const revealed = () => model.get("revealed") || {};
  // selections not yet checked, per question id (view-local: a selection is not an answer)
  let pending = {};
  let debriefShown = null;  // null until the first update, which only notes whether the summary shows
  // "Question 3" for the summary, from each fieldset's legend ("Question 3 of 5")
  const labels = opts.labels || Object.fromEntries(tbQA(root, ".tb-question").map((fs) => {
    const legend = tbQ(fs, ".tb-legend");
    return [fs.dataset.qid, legend ? legend.textContent.replace(/\s+of\s+\d+\s*$/, "") : fs.dataset.qid];
  }));

  function scoreFields(newScored, newRevealed) {
    return tbScoreOf(questions, newScored, newRevealed, Boolean(model.get("presenter")));
  }

  function choose(qid, index) {
    const q = byId[qid];
    if (!q) return;
    delete pending[qid];
    const sc = scored();
    const newScored = tbHas(sc, qid) ? sc : { ...sc, [qid]: tbIsCorrect(q, index) };
    const newAnswers = { ...answers(), [qid]: index };
    tbSave(model, { scored: newScored, score: scoreFields(newScored, revealed()), answers: newAnswers });
    if (opts.onChoice) opts.onChoice(q, index);
  }

  function reveal(qid) {
    const newRevealed = { ...revealed(), [qid]: true };
    tbSave(model, { revealed: newRevealed, score: scoreFields(scored(), newRevealed) });
    if (opts.onReveal) opts.onReveal(byId[qid]);
  }

  function selected(fs) {
    const on = tbQA(fs, ".tb-radio").find((r) => r.checked);
    return on ? Number(on.value) : null;
  }

  for (const fs of tbQA(root, ".tb-question")) {
    const qid = fs.dataset.qid;
    const onChange = (ev) => {
      const t = ev.target;
      if (t && t.classList && t.classList.contains("tb-radio") && t.checked) {
        pending[qid] = Number(t.value);
        update();
      }
    };
    fs.addEventListener("change", onChange);
    cleanups.push(() => fs.removeEventListener("change", onChange));
    const check = tbQ(fs, ".tb-check");
    if (check) {
      const onCheck = () => {
        const idx = tbHas(pending, qid) ? pending[qid] : selected(fs);
        if (idx !== null) choose(qid, idx);
      };
      check.addEventListener("click", onCheck);
      cleanups.push(() => check.removeEventListener("click", onCheck));
    }
    const btn = tbQ(fs, ".tb-reveal");
    if (btn) {
      const onClick = () => reveal(qid);
      btn.addEventListener("click", onClick);
      cleanups.push(() => btn.removeEventListener("click", onClick));
    }
  }

  /** Keep `scored`/`score` consistent with answers set from elsewhere (kernel, saved state). */
  function reconcile() {
    const a = answers();
    if (Object.keys(a).length === 0 && (Object.keys(scored()).length || Object.keys(revealed()).length)) {
      tbSave(model, { scored: {}, revealed: {}, score: 0 });
      return;
    }
    const fixed = tbReconcile(questions, a, scored());
    const want = scoreFields(fixed || scored(), revealed());
    if (fixed) tbSave(model, { scored: fixed, score: want });
    else if (model.get("score") !== want) tbSave(model, { score: want });
  }

  function update() {
    const a = answers();
    const rv = revealed();
    const sc = scored();
    const presenter = Boolean(model.get("presenter"));
    for (const fs of tbQA(root, ".tb-question")) {
      const qid = fs.dataset.qid;
      const q = byId[qid];
      if (!q) continue;
      const chosen = tbHas(a, qid) ? Number(a[qid]) : null;
      const sel = tbHas(pending, qid) ? pending[qid] : chosen;
      const shown = !presenter || Boolean(rv[qid]);
      for (const input of tbQA(fs, ".tb-radio")) {
        const on = sel !== null && Number(input.value) === sel;
        if (input.checked !== on) input.checked = on;
      }
      for (const li of tbQA(fs, ".tb-option")) {
        const i = Number(li.dataset.option);
        const isChosen = chosen === i;
        const isRight = tbIsCorrect(q, i);
        const showFb = shown && (isChosen || (presenter && rv[qid] && isRight));
        tbShow(tbQ(li, ".tb-feedback"), showFb);
        tbShow(tbQ(li, ".tb-answer-mark"), presenter && Boolean(rv[qid]) && isRight);
        li.classList.toggle("tb-chosen", isChosen);
        li.classList.toggle("tb-right", showFb && isRight);
        li.classList.toggle("tb-wrong", showFb && !isRight);
      }
      const check = tbQ(fs, ".tb-check");
      // enabled once something is selected; never disabled under the keyboard user after a check
      if (check) check.disabled = sel === null;
      tbShow(tbQ(fs, ".tb-check-row"), true);
      tbShow(tbQ(fs, ".tb-question-controls"), presenter);
      const btn = tbQ(fs, ".tb-reveal");
      if (btn) btn.disabled = Boolean(rv[qid]);
      const status = tbQ(fs, ".tb-qstatus");
      let msg = "";
      if (chosen !== null) {
        if (!shown) msg = "Answer recorded. Press “Reveal answer” to see the feedback.";
        else if (tbHas(sc, qid) && sc[qid] !== tbIsCorrect(q, chosen)) {
          msg = `Answer changed; your first answer (${sc[qid] ? "correct" : "not correct"}) is the one scored.`;
        } else msg = "First answer scored.";
      }
      tbText(status, msg);
      tbShow(status, msg !== "");
    }
    // the summary, where the widget has one (quizzes; steppers whose twin carries it)
    const shown = tbDebrief(root, model, questions, labels);
    if (shown && debriefShown === false && opts.onDebrief) {
      setTimeout(opts.onDebrief, 1500);  // after the last verdict, which the live region is still reading
    }
    debriefShown = shown;
  }

  return {
    update,
    reconcile,
    choose,
    reveal,
    restart() {
      pending = {};
      tbSave(model, { answers: {}, scored: {}, revealed: {}, score: 0 });
    },
    cleanup() { for (const f of cleanups) f(); },
    get debriefShown() { return Boolean(debriefShown); },
  };
}

/** The feedback of option `index` as plain text (for the live region), from the rendered twin. */
export function tbFeedbackText(root, q, index) {
  const fs = Array.from(root.querySelectorAll(".tb-question")).find((f) => f.dataset.qid === q.id);
  const fb = fs && fs.querySelector(`.tb-feedback[data-option="${Number(index)}"]`);
  if (!fb) return "";
  return Array.from(fb.children)
    .filter((c) => !c.classList.contains("tb-verdict"))
    .map((c) => c.textContent.trim())
    .join(" ");
}

// Site root of the static book: this module is served from <root>/_static/thalbook/core.js. Live
// (anywidget) the module is a blob, and the notebooks sit two folders below the book's root.
const TB_HERE = (() => { try { return String(import.meta.url); } catch (e) { return ""; } })();

/** Link to a book page given as 'chapters/<part>/<page>' (no suffix). */
export function tbPageHref(page) {
  const m = TB_HERE.match(/^(.*\/)_static\/thalbook\/[^/]*$/);
  if (m) return new URL(page + ".html", m[1]).href;
  return "../../" + page + ".ipynb";
}

/**
 * The end-of-quiz summary: once every question has been checked (in presenter mode: revealed), the
 * score and each question whose first answer was wrong, linked to the page that teaches it.
 * Returns true when the summary is shown.
 */
export function tbDebrief(root, model, questions, labels) {
  const box = tbQ(root, ".tb-debrief");
  if (!box) return false;
  const a = model.get("answers") || {};
  const sc = model.get("scored") || {};
  const rv = model.get("revealed") || {};
  const presenter = Boolean(model.get("presenter"));
  const done = questions.length > 0 && questions.every((q) => tbHas(a, q.id) && (!presenter || rv[q.id]));
  tbShow(box, done);
  if (!done) return false;
  const missed = questions.filter((q) => sc[q.id] !== true);
  const right = questions.length - missed.length;
  tbText(tbQ(box, ".tb-debrief-score"),
    `You answered ${right} of ${questions.length} right at the first try.` +
    (missed.length ? "" : " Nothing to read up on."));
  tbShow(tbQ(box, ".tb-debrief-lead"), missed.length > 0);
  const list = tbQ(box, ".tb-debrief-missed");
  const key = missed.map((q) => q.id).join(" ");
  if (list.dataset.key !== key) {
    list.dataset.key = key;
    list.replaceChildren(...missed.map((q) => {
      const li = document.createElement("li");
      // an inert document: only the prompt's text is used
      const prompt = new DOMParser().parseFromString(q.prompt_html || "", "text/html").body.textContent.trim();
      li.append(`${labels[q.id] || q.id}: ${prompt} `);
      if (q.teaches) {
        const link = document.createElement("a");
        link.className = "tb-debrief-link";
        link.href = tbPageHref(q.teaches);
        link.textContent = `Read: ${q.teaches_title || q.teaches}`;
        li.append(link);
      }
      return li;
    }));
  }
  return true;
}

/** Text of the verdict announced after a choice. */
export function tbVerdict(model, q, index) {
  if (model.get("presenter") && !(model.get("revealed") || {})[q.id]) return "Answer recorded";
  return tbIsCorrect(q, index) ? "Correct" : "Not correct";
}

// ------------------------------------------------------------------ figures

/** The theme's ink for figures, read from the CSS of the figure's container (light or dark). */
export function tbThemeColors(div) {
  const cs = getComputedStyle(div);
  const v = (name, fallback) => cs.getPropertyValue(name).trim() || fallback;
  return { text: cs.color, grid: v("--tb-plot-grid", "rgba(128,128,128,0.35)"), line: v("--tb-plot-line", cs.color) };
}

/** Make a plotly layout readable in the current (light or dark) theme of its container: text, axis lines,
 *  ticks and arrows in the theme's ink (the layout's own template colours are for a light page). */
export function tbThemeLayout(div, layout) {
  const out = { ...(layout || {}) };
  try {
    Object.assign(out, tbThemePatch(tbThemeColors(div), out));
    tbWrapTitles(out, div.clientWidth);
    tbNarrowLayout(out, div.clientWidth);
  } catch (e) { /* not in a browser */ }
  // responsive plotly fills its container, so the container needs a height (CSS default, or the layout's)
  if (typeof out.height === "number" && div && div.style) {
    div.style.height = out.height + "px";
    // a figure grown for wrapped labels on a phone may pass the one-screen cap (85vh) the CSS sets
    if (layout && out.height > layout.height) div.style.maxHeight = "none";
  }
  return out;
}

/** Break `text` onto lines of at most `perLine` characters, at spaces (plotly's <br>). */
export function tbWrapText(text, perLine) {
  const lines = [""];
  for (const word of String(text).replace(/<br>/g, " ").split(" ")) {
    const last = lines.length - 1;
    if (lines[last] && (lines[last] + " " + word).length > perLine) lines.push(word);
    else lines[last] = lines[last] ? lines[last] + " " + word : word;
  }
  return lines.join("<br>");
}

/** On a narrow screen an axis title wider than the plot is cut: break it onto lines at spaces. */
export function tbWrapTitles(layout, width) {
  if (!width || width >= 560) return;
  const perLine = Math.max(16, Math.floor(width / 8));  // about 8 px per character at plotly's 12-14 px font
  for (const ax of Object.keys(layout).filter((k) => /^[xy]axis\d*$/.test(k))) {
    const t = layout[ax] && layout[ax].title;
    const text = t && (typeof t === "string" ? t : t.text);
    if (!text || text.length <= perLine || text.includes("<br>")) continue;
    layout[ax] = { ...layout[ax], title: { ...(typeof t === "string" ? {} : t), text: tbWrapText(text, perLine) } };
  }
}

/** On a phone: long tick labels ("Moreno-Aspitia 2006 (6/72)") break before their bracket and then at
 *  spaces, into lines that leave the plot more than half the width (a label longer than its margin
 *  would be cut at the figure's edge); x ticks at a fixed step are spaced by plotly for the width, and
 *  the legend goes above the plot, clear of a wrapped axis title. */
export function tbNarrowLayout(layout, width) {
  if (!width || width >= 560) return;
  const perLine = Math.max(14, Math.floor((width * 0.42) / 6.5));  // 6.5 px a character at plotly's 12 px
  for (const ax of Object.keys(layout).filter((k) => /^yaxis\d*$/.test(k))) {
    const a = layout[ax];
    if (a && Array.isArray(a.ticktext)) {
      const wrap = (t) => String(t).replace(/ \(/, "<br>(").split("<br>")
        .map((line) => (line.length > perLine ? tbWrapText(line, perLine) : line)).join("<br>");
      const ticktext = a.ticktext.map(wrap);
      layout[ax] = { ...a, ticktext };
      // every wrapped label needs its lines of room: a taller figure rather than labels over each other
      // (legend above, axis title below: about 300 px)
      const lines = Math.max(...ticktext.map((t) => t.split("<br>").length));
      const need = ticktext.length * (lines * 16 + 8) + 300;
      if (typeof layout.height === "number" && need > layout.height) layout.height = need;
    }
  }
  for (const ax of Object.keys(layout).filter((k) => /^xaxis\d*$/.test(k))) {
    const a = layout[ax];
    if (a && typeof a.dtick === "number" && a.tickmode !== "array") {
      const { dtick, ...rest } = a;  // a step set for a wide page crowds the ticks on a phone
      layout[ax] = { ...rest, nticks: 6 };
    }
  }
  if (layout.legend && layout.legend.orientation === "h" && (layout.legend.y === undefined || layout.legend.y < 0)) {
    layout.legend = { ...layout.legend, y: 1.02, yanchor: "bottom", x: 0, xanchor: "left" };
    layout.margin = { ...(layout.margin || {}), t: Math.max(((layout.margin || {}).t) || 0, 48) };
  }
}

/** After drawing: an x-axis title still wider than the room around its centre (plotly centres it on the
 *  plot area, which wide tick labels push right) is wrapped shorter. */
export function tbFitTitles(div) {
  if (!window.Plotly || !div || !div.layout) return Promise.resolve();
  const box = div.getBoundingClientRect();
  const update = {};
  for (const t of div.querySelectorAll(".g-xtitle text")) {
    const r = t.getBoundingClientRect();
    if (r.left >= box.left && r.right <= box.right) continue;
    const ax = (t.getAttribute("class") || "").match(/\b(x\d*)title\b/);
    const key = ax ? ax[1].replace("x", "xaxis") : "xaxis";
    const title = ((div.layout[key] || {}).title || {}).text || "";
    const longest = Math.max(...title.split("<br>").map((l) => l.length), 1);
    const centre = (r.left + r.right) / 2;
    const room = 2 * Math.min(centre - box.left, box.right - centre) - 8;
    update[key + ".title.text"] = tbWrapText(title, Math.max(8, Math.floor((room * longest) / r.width)));
  }
  return Object.keys(update).length ? window.Plotly.relayout(div, update) : Promise.resolve();
}

/** The layout keys that carry the theme's colours (for Plotly.relayout on a theme switch). */
export function tbThemePatch(c, layout) {
  const patch = { font: { ...((layout && layout.font) || {}), color: c.text } };
  for (const ax of Object.keys(layout || {}).filter((k) => /^[xy]axis\d*$/.test(k)).concat(["xaxis", "yaxis"])) {
    patch[ax] = { ...((layout && layout[ax]) || {}), color: c.text, linecolor: c.line, tickcolor: c.line, gridcolor: c.grid, zerolinecolor: c.grid };
  }
  patch.legend = { ...((layout && layout.legend) || {}), font: { ...(((layout || {}).legend || {}).font || {}), color: c.text } };
  if (layout && Array.isArray(layout.annotations)) {
    patch.annotations = layout.annotations.map((a) => ({ ...a, arrowcolor: c.line, font: { ...(a.font || {}), color: c.text } }));
  }
  return patch;
}

/** Trace colours that stand for "ink" (black markers, default error bars) follow the theme's text colour. */
export function tbThemeData(div, data) {
  let text;
  try { text = tbThemeColors(div).text; } catch (e) { return data || []; }
  const ink = (col) => (typeof col === "string" && /^(#000000|#000|black)$/i.test(col) ? text : col);
  return (data || []).map((tr) => {
    const t = { ...tr };
    if (t.marker) t.marker = { ...t.marker, color: ink(t.marker.color), line: t.marker.line ? { ...t.marker.line, color: ink(t.marker.line.color) } : t.marker.line };
    for (const k of ["error_x", "error_y"]) if (t[k]) t[k] = { ...t[k], color: ink(t[k].color) || text };
    if (t.textfont || t.mode === "text") t.textfont = { ...(t.textfont || {}), color: text };
    // on a phone a text label ("no evaluable count printed") wraps instead of running off the plot
    if (t.mode === "text" && Array.isArray(t.text) && div.clientWidth < 560) t.text = t.text.map((s) => tbWrapText(s, 18));
    return t;
  });
}

/** Redraw every drawn figure in the theme now set (the reader toggled it, or the system changed). */
export function tbRetheme(root = document) {
  if (!window.Plotly) return;
  for (const div of root.querySelectorAll(".thalbook-figure[data-ready=\"true\"]")) {
    const fig = div._tbFigure;
    if (fig) window.Plotly.react(div, tbThemeData(div, fig.data), tbThemeLayout(div, fig.layout), TB_PLOT_CONFIG).then(() => tbFitTitles(div));
  }
}

export const TB_PLOT_CONFIG = { displaylogo: false, responsive: true };
