// "Verify now" on All meetings: follow the worker's walk of the audit chain, then reload the page, whose
// line then names the new verification. A static file, so the strict Content Security Policy stays as it is.
(function () {
  "use strict";
  const box = document.querySelector("[data-audit-verify]");
  if (!box) {
    return;
  }
  const bar = box.querySelector("[data-verify-bar]");
  const fill = box.querySelector("[data-verify-fill]");
  const text = box.querySelector("[data-verify-text]");
  const everyMs = 1000;

  function show(state) {
    bar.setAttribute("aria-valuenow", String(state.percent));
    fill.style.width = state.percent + "%";
    text.textContent = state.text;
  }

  async function poll() {
    try {
      const response = await fetch(box.dataset.auditVerify, { headers: { Accept: "application/json" },
                                                                credentials: "same-origin" });
      if (response.ok) {
        const state = await response.json();
        show(state);
        if (state.finished) {
          if (state.status === "SUCCESSFUL") {
            window.location.reload();
          }
          return;
        }
      } else if (response.status === 404) {
        return;
      }
    } catch (failure) {
      // Offline for a moment: the next poll tries again.
    }
    window.setTimeout(poll, everyMs);
  }

  fill.style.width = bar.getAttribute("aria-valuenow") + "%";
  poll();
})();
