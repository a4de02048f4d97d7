// The plan builder's live checks (progressive enhancement: without this file the form posts and the page
// answers the same). As the therapist types, the form is posted to data-check-url; the answer is the checks
// panel (HTML rendered and escaped by the server) and each field's problems, shown beside its input.
// Nothing is saved. A click on a warning's "Acknowledge" box changes no check, so it asks nothing.
"use strict";

function planBuilder(form) {
  const panel = document.getElementById("checks");
  let timer = null;
  let asked = 0;
  const show = (fields) => {
    for (const slot of form.querySelectorAll(".field-error")) {
      const id = slot.id.replace(/-err$/, "");
      const messages = fields[id] || [];
      slot.textContent = messages.join(" ");
      const input = document.getElementById(id);
      if (input && (input.tagName === "INPUT" || input.tagName === "SELECT")) {
        if (messages.length) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
      }
    }
  };
  // A check that could not run (the service busy, the network gone) is asked again twice, then the
  // panel says its checks are not current rather than show an older answer as if it were.
  const RETRIES = 2;
  const notCurrent = () => {
    if (panel.querySelector(".checks-stale")) return;
    const note = document.createElement("p");
    note.className = "checks-stale";
    note.setAttribute("role", "status");
    note.textContent = "These checks could not be brought up to date just now; they run again as you type, and saving checks everything.";
    panel.prepend(note);
  };
  // A retry keeps its check's number (`mine`); typing clears a pending retry (`soon`) and asks anew.
  const check = async (retrying = 0, mine = ++asked) => {
    const body = new FormData(form);
    body.delete("action");
    let found = null;
    try {
      const answer = await fetch(form.dataset.checkUrl, { method: "POST", body, credentials: "same-origin" });
      if (answer.ok) found = await answer.json();
    } catch (error) {
      // the network: asked again below, as a refused answer is
    }
    if (mine !== asked) return;  // typed since: a newer check is on its way
    if (found === null) {
      if (retrying < RETRIES) timer = setTimeout(() => check(retrying + 1, mine), 1000 * (retrying + 1));
      else notCurrent();
      return;
    }
    // A box ticked while the check was on its way stays ticked.
    const ticked = new Set([...panel.querySelectorAll("input[name=acknowledge]:checked")].map((box) => box.value));
    panel.innerHTML = found.panel;
    panel.querySelectorAll("input[name=acknowledge]").forEach((box) => { if (ticked.has(box.value)) box.checked = true; });
    show(found.fields);
    form.dataset.checked = String(mine);
  };
  const soon = (event) => {
    if (panel.contains(event.target)) return;
    clearTimeout(timer);
    timer = setTimeout(() => check(), 400);
  };
  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
  if (form.dataset.focus) {
    const row = document.getElementById(form.dataset.focus);
    const first = row && row.querySelector("input:not([type=hidden]), select");
    if (first) first.focus();
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("builder");
  if (form && form.dataset.checkUrl) planBuilder(form);
});
