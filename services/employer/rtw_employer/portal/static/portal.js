// Progressive enhancement only: every page works without this file.
// The counter-proposal's schedule rows are only sent when the employer ticks "I offer a different
// schedule"; greying them out until then shows which part of the form counts.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.getElementById("offer-schedule");
  const rows = document.getElementById("schedule-rows");
  if (!toggle || !rows) return;
  const sync = () => {
    for (const field of rows.querySelectorAll("input:not([type=hidden]), select")) {
      field.disabled = !toggle.checked;
    }
  };
  toggle.addEventListener("change", sync);
  sync();
});
