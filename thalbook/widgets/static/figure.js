// figure.js: a control switching a plotly figure between precomputed states (static page).
// Plotly itself is loaded once by boot.js; a figure is redrawn with Plotly.react once drawn.
import { tbMount, tbReady, tbQ, tbQA, tbShow, tbListen, tbScheduler, tbAnnounce, tbSave, tbThemeLayout, tbThemeData, tbFitTitles, TB_PLOT_CONFIG } from "./core.js";

function render({ model, el }) {
  const root = tbMount(el, model);
  const spec = model.get("spec") || {};
  const states = spec.states || {};
  const options = (spec.control && spec.control.options) || [];
  const radios = tbQA(root, ".tb-figure-control .tb-radio");
  const summaries = tbQA(root, ".tb-figure-summary");
  const div = tbQ(root, ".thalbook-figure");
  const script = div ? tbQ(div, ".thalbook-figure-data") : null;
  const labelOf = (v) => (options.find((o) => o.value === v) || {}).label || v;

  function draw(v) {
    if (!div || !states[v]) return;
    if (div.dataset.ready === "true" && window.Plotly) {
      if (div.dataset.drawnState !== v) {
        div.dataset.drawnState = v;
        div.dataset.state = v;
        const fig = states[v];
        // let the control and the text summary (what a screen reader and the tests read) paint first:
        // plotly's redraw takes a frame or more. A requestAnimationFrame callback runs before that frame
        // is painted, so the redraw goes in a task queued from it, which runs after the paint (bench: the
        // redraw in the frame callback held the visible update back, p95 119 ms; synchronous, 171 ms)
        requestAnimationFrame(() => setTimeout(() => {
          if (div.dataset.drawnState === v) {
            div._tbFigure = fig;
            window.Plotly.react(div, tbThemeData(div, fig.data), tbThemeLayout(div, fig.layout), TB_PLOT_CONFIG)
              .then(() => tbFitTitles(div));
          }
        }, 0));
      }
    } else if (div.dataset.state !== v) {
      // not drawn yet: boot.js draws whatever the data script holds when the figure comes into view
      div.dataset.state = v;
      if (script) script.textContent = JSON.stringify(states[v]);
    }
  }

  function current() {
    const v = model.get("state");
    return states[v] ? v : (options[0] && options[0].value);
  }

  function update() {
    const v = current();
    for (const r of radios) r.checked = r.value === v;
    for (const s of summaries) tbShow(s, s.dataset.state === v);
    draw(v);
  }

  const onChange = (ev) => {
    const r = ev.target;
    if (r.classList.contains("tb-radio") && r.checked) {
      tbSave(model, { state: r.value });
      tbAnnounce(root, `Showing ${labelOf(r.value)}`);
    }
  };
  const control = tbQ(root, ".tb-figure-control");
  if (control) control.addEventListener("change", onChange);
  // spec.highlight: a selector of table rows carrying data-study; a click on a point (customdata[0], the
  // study id) highlights that study's rows and brings the first into view (3.2: the evidence table)
  function highlight(id) {
    if (!spec.highlight || !id) return;
    const rows = tbQA(document, spec.highlight).filter((tr) => tr.dataset.study === id);
    for (const tr of tbQA(document, ".tb-row-highlight")) tr.classList.remove("tb-row-highlight");
    for (const tr of rows) tr.classList.add("tb-row-highlight");
    if (rows.length) {
      if (!rows[0].hasAttribute("tabindex")) rows[0].setAttribute("tabindex", "-1");
      rows[0].scrollIntoView({ block: "center" });
      rows[0].focus({ preventScroll: true });
      tbAnnounce(root, `Highlighted ${rows.length} row${rows.length === 1 ? "" : "s"} of the table`);
    }
  }
  let clickBound = false;
  const onDrawn = () => {
    if (!clickBound && div && typeof div.on === "function") {
      clickBound = true;
      div.on("plotly_click", (ev) => {
        const pt = ev && ev.points && ev.points[0];
        highlight(pt && pt.customdata && pt.customdata[0]);
      });
    }
    draw(current());
  };
  // the text alternative's trial links (#evidence-<id>) highlight the same rows, for keyboard readers
  const onLink = (ev) => {
    const a = ev.target.closest && ev.target.closest('a[href^="#evidence-"]');
    if (a && spec.highlight) {
      ev.preventDefault();
      highlight(a.getAttribute("href").slice("#evidence-".length));
    }
  };
  root.addEventListener("click", onLink);
  if (div) div.addEventListener("thalbook:drawn", onDrawn);
  const schedule = tbScheduler(update);
  const stop = tbListen(model, ["state"], schedule);
  update();
  tbReady(root);
  return () => {
    stop();
    if (control) control.removeEventListener("change", onChange);
    if (div) div.removeEventListener("thalbook:drawn", onDrawn);
    root.removeEventListener("click", onLink);
  };
}

export default { render };
