// figure.js: a control switching a plotly figure between precomputed states (static page).
// Plotly itself is loaded once by boot.js; a figure is redrawn with Plotly.react once drawn.
import { tbMount, tbReady, tbQ, tbQA, tbShow, tbListen, tbScheduler, tbAnnounce, tbSave, tbThemeLayout, TB_PLOT_CONFIG } from "./core.js";

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
            window.Plotly.react(div, fig.data || [], tbThemeLayout(div, fig.layout), TB_PLOT_CONFIG);
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
  const onDrawn = () => draw(current());
  if (div) div.addEventListener("thalbook:drawn", onDrawn);
  const schedule = tbScheduler(update);
  const stop = tbListen(model, ["state"], schedule);
  update();
  tbReady(root);
  return () => {
    stop();
    if (control) control.removeEventListener("change", onChange);
    if (div) div.removeEventListener("thalbook:drawn", onDrawn);
  };
}

export default { render };
