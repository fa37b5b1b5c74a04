// stepper.js: one stage at a time, Back / Next / Restart, optional question per stage.
import { tbMount, tbReady, tbQ, tbQA, tbText, tbShow, tbListen, tbScheduler, tbQuestions, tbAnnounce, tbVerdict, tbSave } from "./core.js";

export function stepperClamp(stage, n) {
  const s = Number.isInteger(stage) ? stage : 0;
  return Math.max(0, Math.min(n - 1, s));
}

function render({ model, el }) {
  const root = tbMount(el, model);
  const spec = model.get("spec") || {};
  const stages = spec.stages || [];
  const n = stages.length;
  const questions = stages.filter((s) => s.question).map((s) => s.question);
  const nq = questions.length;
  const scoreText = () => {
    const answered = Object.keys(model.get("answers") || {}).length;
    const counted = model.get("presenter") ? "revealed answers only; " : "";
    return `Score: ${model.get("score") || 0} of ${nq} (${counted}${answered} answered; first answer scored)`;
  };
  const qs = tbQuestions(root, model, questions, {
    onChoice(q, index) { tbAnnounce(root, `${tbVerdict(model, q, index)}. ${scoreText()}`); },
    onReveal() { tbAnnounce(root, `Answer revealed. ${scoreText()}`); },
  });
  const items = tbQA(root, ".tb-stage");
  const progressText = tbQ(root, ".tb-progress-text");
  const bar = tbQ(root, ".tb-progress-bar");
  const back = tbQ(root, ".tb-back");
  const next = tbQ(root, ".tb-next");
  const restart = tbQ(root, ".tb-restart");
  const scoreEl = tbQ(root, ".tb-score");
  const label = (i) => `Stage ${i + 1} of ${n}: ${stages[i] ? stages[i].title : ""}`;

  function update() {
    const k = stepperClamp(model.get("stage"), n);
    items.forEach((li, i) => tbShow(li, i === k));
    tbText(progressText, label(k));
    if (bar) { bar.max = n; bar.value = k + 1; }
    back.disabled = k === 0;
    next.disabled = k === n - 1;
    qs.update();
    tbText(scoreEl, scoreText());
    tbShow(scoreEl, nq > 0);
    tbShow(tbQ(root, ".tb-progress"), true);
    tbShow(tbQ(root, ".tb-controls"), true);
  }

  function go(k, focusTitle) {
    const target = stepperClamp(k, n);
    const hadFocus = root.contains(document.activeElement) ? document.activeElement : null;
    tbSave(model, { stage: target });
    update();
    tbAnnounce(root, label(target));
    // keep the keyboard user in place; if their button just became disabled, move to the stage title
    if (focusTitle || (hadFocus && hadFocus.disabled)) {
      const h = tbQ(items[target], ".tb-stage-title");
      if (h) h.focus();
    }
  }

  const onBack = () => go(stepperClamp(model.get("stage"), n) - 1);
  const onNext = () => go(stepperClamp(model.get("stage"), n) + 1);
  const onRestart = () => { qs.restart(); go(0, true); tbAnnounce(root, `Restarted. ${label(0)}`); };
  const onKey = (ev) => {
    if (ev.target && ev.target.tagName === "BUTTON") {
      if (ev.key === "ArrowLeft" && !back.disabled) { ev.preventDefault(); onBack(); back.disabled ? next.focus() : back.focus(); }
      if (ev.key === "ArrowRight" && !next.disabled) { ev.preventDefault(); onNext(); next.disabled ? back.focus() : next.focus(); }
    }
  };
  back.addEventListener("click", onBack);
  next.addEventListener("click", onNext);
  restart.addEventListener("click", onRestart);
  const controls = tbQ(root, ".tb-controls");
  controls.addEventListener("keydown", onKey);

  const schedule = tbScheduler(update);
  const stopA = tbListen(model, ["answers", "revealed", "presenter"], () => { qs.reconcile(); schedule(); });
  const stopB = tbListen(model, ["stage", "score", "scored"], schedule);
  qs.reconcile();
  update();
  tbReady(root);
  return () => {
    stopA(); stopB(); qs.cleanup();
    back.removeEventListener("click", onBack);
    next.removeEventListener("click", onNext);
    restart.removeEventListener("click", onRestart);
    controls.removeEventListener("keydown", onKey);
  };
}

export default { render };
