// A record whose outcome is still open (pending, or being checked with HubSpot) updates itself:
// poll its status and reload once it is settled or another check has been made. No inline script,
// so the strict Content Security Policy stays as it is.
(function () {
  "use strict";
  const alert = document.querySelector("[data-record-status]");
  if (!alert) {
    return;
  }
  const url = alert.dataset.recordStatus;
  const everyMs = 3000;
  let checks = null;

  async function poll() {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const state = await response.json();
        if (!state.open || (checks !== null && state.checks !== checks)) {
          window.location.reload();
          return;
        }
        checks = state.checks;
      }
    } catch (error) {
      // Offline for a moment: the next poll tries again.
    }
    window.setTimeout(poll, everyMs);
  }

  window.setTimeout(poll, everyMs);
})();
