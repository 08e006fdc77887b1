/* Meetings that already hold the time being typed, for the rep and the chosen attendees.
 * A warning beside the times, never a block: the form submits as before. Checked on the server
 * (GET data-conflicts-url), at most once per pause in typing: each check may cost one of the
 * portal's five HubSpot searches a second, shared by every rep. Texts go in with textContent. */
(function () {
  "use strict";
  const form = document.getElementById("meeting-form");
  const box = document.getElementById("meeting-conflicts");
  if (!form || !box) return;

  const DEBOUNCE_MS = 400;
  const WATCHED = new Set(["start", "end", "duration", "time_zone", "attendees", "start_occurrence", "end_occurrence"]);
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  let timer = null;
  let latest = 0; // only the newest check's answer is shown: an older one may arrive later
  let lastQuery = "";

  const field = (name) => form.querySelector("[name=" + name + "]");

  function query() {
    const start = field("start").value;
    const end = field("end").value;
    const duration = field("duration").value;
    if (!start || (!end && !duration)) return "";
    const params = new URLSearchParams();
    params.set("start", start);
    // A chosen duration decides the end (in real minutes, on the server); the End field only shows it.
    if (duration) params.set("duration", duration); else params.set("end", end);
    params.set("time_zone", field("time_zone").value || browserZone);
    ["start_occurrence", "end_occurrence"].forEach((name) => {
      const chosen = form.querySelector("input[name=" + name + "]:checked");
      if (chosen) params.set(name, chosen.value);
    });
    const attendees = field("attendees");
    if (attendees) Array.from(attendees.selectedOptions).forEach((o) => params.append("attendees", o.value));
    return params.toString();
  }

  function render(data) {
    box.replaceChildren();
    const conflicts = (data && data.conflicts) || [];
    if (conflicts.length) {
      const alert = document.createElement("div");
      alert.className = "alert alert-warning py-2 mb-0";
      const heading = document.createElement("p");
      heading.className = "mb-1 fw-semibold";
      heading.textContent = box.dataset.heading;
      const list = document.createElement("ul");
      list.className = "mb-0 ps-3";
      conflicts.forEach((conflict) => {
        const item = document.createElement("li");
        item.textContent = conflict.text;
        list.appendChild(item);
      });
      const scope = document.createElement("p");
      scope.className = "small mb-0 mt-1";
      scope.textContent = box.dataset.scope;
      alert.append(heading, list, scope);
      box.appendChild(alert);
    }
    if (data && data.skipped) {
      const note = document.createElement("p");
      note.className = "form-text mb-0 conflicts-skipped";
      note.textContent = data.skipped;
      box.appendChild(note);
    }
  }

  function check() {
    const params = query();
    if (params === lastQuery) return; // nothing the check depends on changed
    lastQuery = params;
    const mine = ++latest;
    if (!params) { render(null); return; }
    fetch(box.dataset.conflictsUrl + "?" + params, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : { conflicts: [] }))
      .then((data) => {
        if (mine !== latest) return;
        if (data.skipped) lastQuery = ""; // not checked: the next change asks again, even back to this time
        render(data);
      })
      .catch(() => { if (mine === latest) render({ conflicts: [], skipped: box.dataset.unavailable }); });
  }

  const schedule = (event) => {
    if (!WATCHED.has(event.target.name)) return;
    clearTimeout(timer);
    timer = setTimeout(check, DEBOUNCE_MS);
  };
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  // A form shown again (after an error, or restored after sign-in) may already hold a time.
  check();
})();
