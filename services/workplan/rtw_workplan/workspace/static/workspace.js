// Progressive enhancement only: every page works without this file (forms post, pages answer).
// - A form with data-live-url posts itself there as it changes (a short pause after typing) and shows the
//   answer in the element data-live-target names: the new-case form's computed DOT level (text), the
//   assessment's met / not met table (HTML rendered and escaped by the server). Nothing is recorded.
// - The assessment's grip rows show each hand's mean of its three trials as they are typed.
"use strict";

function liveForm(form) {
  const target = document.getElementById(form.dataset.liveTarget);
  if (!target) return;
  let timer = null;
  let asked = 0;
  const ask = async () => {
    const mine = ++asked;
    try {
      const answer = await fetch(form.dataset.liveUrl, { method: "POST", body: new FormData(form), credentials: "same-origin" });
      if (!answer.ok || mine !== asked) return;
      const text = await answer.text();
      if ("liveHtml" in form.dataset) target.innerHTML = text; else target.textContent = text;
    } catch (error) {
      // The page still works: the server shows the same when the form is sent.
    }
  };
  const soon = () => { clearTimeout(timer); timer = setTimeout(ask, 400); };
  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
}

function gripMeans() {
  for (const row of document.querySelectorAll("[data-grip]")) {
    const inputs = row.querySelectorAll("input");
    const output = row.querySelector("output");
    const show = () => {
      const values = [...inputs].map((i) => parseFloat(i.value.replace(",", "."))).filter((v) => !Number.isNaN(v));
      output.textContent = values.length === 3 ? `${Math.round((values.reduce((a, b) => a + b, 0) / 3) * 100) / 100} kg` : "—";
    };
    inputs.forEach((input) => input.addEventListener("input", show));
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-live-url]").forEach(liveForm);
  gripMeans();
});
