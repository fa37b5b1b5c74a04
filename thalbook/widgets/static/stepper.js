// stepper.js: one stage at a time, Back / Next / Restart, optional question, tables and decision per stage;
// the summary (score, missed questions linked to their pages) is announced when it appears.
import { tbMount, tbReady, tbQ, tbQA, tbText, tbShow, tbHas, tbListen, tbScheduler, tbQuestions, tbAnnounce, tbVerdict, tbSave } from "./core.js";

export function stepperClamp(stage, n) {
  const s = Number.isInteger(stage) ? stage : 0;
  return Math.max(0, Math.min(n - 1, s));
}

// Routing: the twin of thalbook/core/stepper.py (a choice's pick, a stage's `next`, else the following
// stage that is not a branch). The route is recomputed from the choices, never stored.
function stepperIndex(stages, id) {
  const i = stages.findIndex((s) => s.id === id);
  return i < 0 ? null : i;
}

export function stepperNextIndex(stages, k, choices) {
  if (!(k >= 0 && k < stages.length)) return null;
  const s = stages[k];
  if (s.choice) {
    const picked = (choices || {})[s.id];
    const options = s.choice.options || [];
    if (!Number.isInteger(picked) || picked < 0 || picked >= options.length) return null;
    return stepperIndex(stages, options[picked].goto);
  }
  if (s.next) return stepperIndex(stages, s.next);
  for (let j = k + 1; j < stages.length; j++) if (!stages[j].branch) return j;
  return null;
}

export function stepperRoute(stages, choices) {
  const out = [];
  let k = stages.length ? 0 : null;
  while (k !== null && !out.includes(k)) {
    out.push(k);
    k = stepperNextIndex(stages, k, choices);
  }
  return out;
}

export function stepperRouteLength(stages) {
  const first = {};
  for (const s of stages) if (s.choice) first[s.id] = 0;
  return stepperRoute(stages, first).length;
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
    onDebrief() { tbAnnounce(root, summaryText()); },
  });
  const items = tbQA(root, ".tb-stage");
  const progressText = tbQ(root, ".tb-progress-text");
  const bar = tbQ(root, ".tb-progress-bar");
  const back = tbQ(root, ".tb-back");
  const next = tbQ(root, ".tb-next");
  const restart = tbQ(root, ".tb-restart");
  const scoreEl = tbQ(root, ".tb-score");
  const total = stepperRouteLength(stages);
  const choices = () => model.get("choices") || {};
  // position on the reader's route (a stage set from elsewhere and off the route: its list position)
  const position = (i) => {
    const r = stepperRoute(stages, choices());
    return r.includes(i) ? r.indexOf(i) + 1 : i + 1;
  };
  const progress = (i) => `Stage ${position(i)} of ${total}`;
  const label = (i) => `${progress(i)}: ${stages[i] ? stages[i].title : ""}`;
  const choiceBoxes = tbQA(root, ".tb-choice");
  const reveals = tbQA(root, ".tb-stage-reveal");
  // the summary in words: said when it appears, and again when Next reaches the last stage
  const summaryText = () => {
    const score = tbQ(root, ".tb-debrief-score");
    const missed = tbQA(root, ".tb-debrief-missed li").length;
    const links = missed ? ` Questions to read up on: ${missed}, each with a link to its page.` : "";
    return `Your summary, below the stage: ${score ? score.textContent : ""}${links}`;
  };

  function updateChoices() {
    const ch = choices();
    for (const box of choiceBoxes) {
      const picked = tbHas(ch, box.dataset.sid) ? Number(ch[box.dataset.sid]) : null;
      for (const b of tbQA(box, ".tb-choice-option")) {
        const on = Number(b.dataset.option) === picked;
        b.setAttribute("aria-pressed", on ? "true" : "false");
        b.closest(".tb-choice-item").classList.toggle("tb-chosen", on);
      }
      for (const c of tbQA(box, ".tb-consequence")) tbShow(c, Number(c.dataset.option) === picked);
      tbShow(tbQ(box, ".tb-choice-hint"), picked === null);
    }
  }

  function update() {
    const k = stepperClamp(model.get("stage"), n);
    items.forEach((li, i) => tbShow(li, i === k));
    tbText(progressText, progress(k));
    if (bar) { bar.max = total; bar.value = Math.min(total, position(k)); }
    const r = stepperRoute(stages, choices());
    back.disabled = !(r.includes(k) ? r.indexOf(k) > 0 : k > 0);
    next.disabled = stepperNextIndex(stages, k, choices()) === null;
    updateChoices();
    const answered = model.get("answers") || {};
    const revealed = model.get("revealed") || {};
    for (const box of reveals) {
      const qid = box.dataset.qid;
      tbShow(box, tbHas(answered, qid) && (!model.get("presenter") || Boolean(revealed[qid])));
    }
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
    const end = stepperNextIndex(stages, target, choices()) === null && !stages[target].choice;
    tbAnnounce(root, end && qs.debriefShown ? `${label(target)}. ${summaryText()}` : label(target));
    // keep the keyboard user in place; if their button just became disabled, move to the stage title
    if (focusTitle || (hadFocus && hadFocus.disabled)) {
      const h = tbQ(items[target], ".tb-stage-title");
      if (h) h.focus();
    }
  }

  const onBack = () => {
    const k = stepperClamp(model.get("stage"), n);
    const r = stepperRoute(stages, choices());
    go(r.includes(k) ? r[Math.max(0, r.indexOf(k) - 1)] : k - 1);
  };
  const onNext = () => {
    const k = stepperClamp(model.get("stage"), n);
    const j = stepperNextIndex(stages, k, choices());
    if (j !== null) go(j);
  };
  const onRestart = () => {
    qs.restart(); tbSave(model, { choices: {} }); go(0, true); tbAnnounce(root, `Restarted. ${label(0)}`);
  };
  // a decision: record it, show its consequence, and let Next follow it
  const onChoice = (ev) => {
    const b = ev.target && ev.target.closest && ev.target.closest(".tb-choice-option");
    if (!b) return;
    const sid = b.closest(".tb-choice").dataset.sid;
    tbSave(model, { choices: { ...choices(), [sid]: Number(b.dataset.option) } });
    update();
    const fb = tbQ(b.closest(".tb-choice-item"), ".tb-consequence");
    tbAnnounce(root, `Chosen: ${b.textContent}. ${fb ? fb.textContent : ""}`);
  };
  for (const box of choiceBoxes) box.addEventListener("click", onChoice);
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
  const stopB = tbListen(model, ["stage", "score", "scored", "choices"], schedule);
  qs.reconcile();
  update();
  tbReady(root);
  return () => {
    stopA(); stopB(); qs.cleanup();
    back.removeEventListener("click", onBack);
    next.removeEventListener("click", onNext);
    restart.removeEventListener("click", onRestart);
    controls.removeEventListener("keydown", onKey);
    for (const box of choiceBoxes) box.removeEventListener("click", onChoice);
  };
}

export default { render };
