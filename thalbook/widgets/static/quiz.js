// quiz.js: all questions visible; choose an option, then "Check answer"; feedback per option, running
// score, a summary at the end (missed questions linked to the page that teaches them), Restart.
import { tbMount, tbReady, tbQ, tbText, tbShow, tbListen, tbScheduler, tbQuestions, tbAnnounce, tbVerdict, tbFeedbackText } from "./core.js";

function render({ model, el }) {
  const root = tbMount(el, model);
  const spec = model.get("spec") || {};
  const questions = spec.questions || [];
  const n = questions.length;
  const qs = tbQuestions(root, model, questions, {
    onChoice(q, index) {
      const verdict = tbVerdict(model, q, index);
      const fb = verdict === "Answer recorded" ? "" : ` ${tbFeedbackText(root, q, index)}`;
      tbAnnounce(root, `${verdict}.${fb} Score ${model.get("score")} of ${n}`);
    },
    onReveal() {
      tbAnnounce(root, `Answer revealed. Score ${model.get("score")} of ${n}`);
    },
    onDebrief() {
      const score = tbQ(root, ".tb-debrief-score");
      tbAnnounce(root, `Quiz complete. ${score ? score.textContent : ""}`);
    },
  });
  const scoreEl = tbQ(root, ".tb-score");
  const controls = tbQ(root, ".tb-controls");
  const restart = tbQ(root, ".tb-restart");

  function update() {
    qs.update();
    const answered = Object.keys(model.get("answers") || {}).length;
    const presenter = Boolean(model.get("presenter"));
    const counted = presenter ? "revealed answers only; " : "";
    tbText(scoreEl, `Score: ${model.get("score") || 0} of ${n} (${counted}${answered} answered; first answer scored)`);
    tbShow(scoreEl, true);
    tbShow(controls, true);
  }
  const onRestart = () => {
    qs.restart();
    tbAnnounce(root, `Quiz restarted. Score 0 of ${n}`);
    const first = tbQ(root, ".tb-radio");
    if (first) first.focus();
  };
  restart.addEventListener("click", onRestart);

  const schedule = tbScheduler(update);
  const stopA = tbListen(model, ["answers", "revealed", "presenter"], () => { qs.reconcile(); schedule(); });
  const stopB = tbListen(model, ["score", "scored"], schedule);
  qs.reconcile();
  update();
  tbReady(root);
  return () => { stopA(); stopB(); qs.cleanup(); restart.removeEventListener("click", onRestart); };
}

export default { render };
