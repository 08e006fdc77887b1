// An export the worker writes: poll its state, move the progress bar and, once the file is written,
// show the download link (or the error). A static file, so the strict Content Security Policy stays as it is.
(function () {
  "use strict";
  const box = document.querySelector("[data-export-status]");
  if (!box) {
    return;
  }
  const url = box.dataset.exportStatus;
  const bar = box.querySelector("[data-export-bar]");
  const fill = box.querySelector("[data-export-fill]");
  const progress = box.querySelector("[data-export-progress]");
  const timeLeft = box.querySelector("[data-export-time-left]");
  const error = box.querySelector("[data-export-error]");
  const download = box.querySelector("[data-export-download]");
  const cancelled = box.querySelector("[data-export-cancelled]");
  const cancel = box.querySelector("[data-export-cancel]");
  const everyMs = 1000;

  function show(state) {
    bar.setAttribute("aria-valuenow", String(state.percent));
    bar.setAttribute("aria-valuetext", state.progress_text);
    // Set through the CSSOM, which the policy allows (a style attribute in the page would be refused).
    fill.style.width = state.percent + "%";
    progress.textContent = state.progress_text;
    timeLeft.textContent = state.time_left_text;
    if (state.error) {
      (state.cancelled ? cancelled : error).textContent = state.error;
      (state.cancelled ? cancelled : error).hidden = false;
    }
    cancel.hidden = state.finished;
    download.hidden = !state.download_url;
  }

  async function poll() {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const state = await response.json();
        show(state);
        if (state.finished) {
          return;
        }
      }
    } catch (failure) {
      // Offline for a moment: the next poll tries again.
    }
    window.setTimeout(poll, everyMs);
  }

  fill.style.width = bar.getAttribute("aria-valuenow") + "%";
  poll();
})();
