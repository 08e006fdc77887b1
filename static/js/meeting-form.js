/* The meeting form's behaviour: pickers, time zone, reminders and the live preview.
 * Data comes from data- attributes (strict CSP: no inline script). Every text the
 * server sends is inserted with textContent, never as HTML. */
(function () {
  "use strict";
  const form = document.getElementById("meeting-form");
  if (!form) return;

  const debounce = (fn, ms) => {
    let timer;
    return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
  };
  const escapeText = (text) => {
    const span = document.createElement("span");
    span.textContent = text == null ? "" : String(text);
    return span.innerHTML;
  };

  // Tom Select keeps the native <select> (it submits the values) and gives the rep its own labelled
  // combobox. The native one stays in the DOM, unnamed: hidden from assistive technology, there is one
  // control per field, not two.
  // Its error state and descriptions move to the combobox the rep actually uses.
  const enhanced = (select, picker) => {
    select.setAttribute("aria-hidden", "true");
    ["aria-invalid", "aria-describedby"].forEach((name) => {
      const value = select.getAttribute(name);
      if (value) picker.control_input.setAttribute(name, value);
    });
    return picker;
  };

  // --- association pickers: search HubSpot as the rep types -----------------------------
  // After Back a browser refills what was typed, but not a picker's choices (their options came from
  // searches, not from the page): they are kept for this tab and put back when the page is reached through
  // the history, so a second submit is the same meeting and the server can ask before sending it again.
  const PICKED_KEY = "meeting-form:picked";
  const navigation = (performance.getEntriesByType("navigation")[0] || {}).type;
  let picked = {};
  try {
    picked = navigation === "back_forward" ? JSON.parse(sessionStorage.getItem(PICKED_KEY) || "{}") : {};
  } catch (error) { picked = {}; }
  const keepPicked = (name, picker) => {
    picked[name] = picker.items.map((value) => ({ value, text: (picker.options[value] || {}).text || value }));
    try { sessionStorage.setItem(PICKED_KEY, JSON.stringify(picked)); } catch (error) { /* storage off: nothing kept */ }
  };
  const restorePicked = (name, picker) => {
    if (picker.items.length || !Array.isArray(picked[name])) return;  // what the page chose comes first
    picked[name].forEach((option) => { picker.addOption(option); picker.addItem(option.value, true); });
  };

  form.querySelectorAll("select[data-picker-url]").forEach((select) => {
    const status = document.getElementById(select.id + "_status");
    const picker = enhanced(select, new TomSelect(select, {
      plugins: ["remove_button"],
      valueField: "value",
      labelField: "text",
      searchField: ["text", "detail"],
      placeholder: select.dataset.placeholder,
      maxOptions: 50,
      loadThrottle: 300,
      refreshThrottle: 0,
      closeAfterSelect: true,
      shouldLoad: (query) => query.trim().length >= 2,
      load: (query, callback) => {
        status.textContent = "";
        fetch(select.dataset.pickerUrl + "?q=" + encodeURIComponent(query), {
          headers: { Accept: "application/json" }, credentials: "same-origin",
        })
          .then((response) => response.json().then((body) => ({ ok: response.ok, body })))
          .then(({ ok, body }) => {
            if (!ok) { status.textContent = body.error || ""; callback(); return; }
            callback(body.results);
          })
          .catch(() => { status.textContent = form.dataset.searchDown || ""; callback(); });
      },
      render: {
        option: (item) => '<div><div>' + escapeText(item.text) + '</div>' +
          (item.detail ? '<small class="text-body-secondary">' + escapeText(item.detail) + '</small>' : '') + '</div>',
        item: (item) => '<div>' + escapeText(item.text) + '</div>',
        no_results: () => '<div class="no-results">' + escapeText(select.dataset.noResults || "—") + '</div>',
      },
    }));
    restorePicked(select.name, picker);
    keepPicked(select.name, picker);
    picker.on("change", () => keepPicked(select.name, picker));
  });

  const attendees = form.querySelector("select[name=attendees]");
  // refreshThrottle 0: Tom Select's delayed refresh of a picker the rep already left
  // would reopen its dropdown and pull the focus back from the next field.
  if (attendees) {
    enhanced(attendees, new TomSelect(attendees, { plugins: ["remove_button"], closeAfterSelect: true, refreshThrottle: 0 }));
  }

  // --- the title's length, counted as the rep types (HubSpot takes 255 characters) -------------
  const title = form.querySelector("input[name=title]");
  const titleCount = document.getElementById("id_title_count");
  if (title && titleCount) {
    const countTitle = () => {
      const n = title.value.length;
      const max = Number(title.dataset.max);
      const over = n - max;
      titleCount.textContent = (over > 0 ? titleCount.dataset.over : titleCount.dataset.count)
        .replace("{n}", n).replace("{max}", max).replace("{over}", over);
      titleCount.classList.toggle("text-danger", over > 0);
      title.setAttribute("aria-invalid", over > 0 ? "true" : title.classList.contains("is-invalid") ? "true" : "false");
    };
    title.addEventListener("input", countTitle);
    countTitle();
  }

  // --- time zone: searchable, defaults to the browser's zone ----------------------------
  const zoneSelect = form.querySelector("select[data-zone-picker]");
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  let zonePicker = null;
  if (zoneSelect) {
    // dropdown_input: the search box opens inside the dropdown, so the combobox itself stays where it
    // is once a zone is chosen (a single select otherwise moves its input off-screen).
    zonePicker = enhanced(zoneSelect, new TomSelect(zoneSelect, {
      // The placeholder also names the box Tom Select shows while no zone is chosen (yet).
      plugins: ["dropdown_input"], maxOptions: 1000, refreshThrottle: 0, placeholder: zoneSelect.dataset.placeholder,
      onChange: () => schedulePreview(),
    }));
    fetch(form.dataset.zonesUrl, { credentials: "same-origin" })
      .then((response) => response.json())
      .then((body) => {
        zonePicker.addOptions(body.zones.map((zone) => ({ value: zone, text: zone })));
        if (!zonePicker.getValue() && browserZone && body.zones.includes(browserZone)) {
          zonePicker.setValue(browserZone, true);
          schedulePreview();
        }
      });
  }

  // --- duration fills in the end -----------------------------------------------------------
  const start = form.querySelector("input[name=start]");
  const end = form.querySelector("input[name=end]");
  const duration = form.querySelector("select[name=duration]");
  // The end of a chosen duration comes from the server's preview, in real minutes: wall-clock
  // arithmetic here would be an hour off across a clock change (02:30 + 30 min is 02:00 that night).
  function fillEnd(endValue) {
    if (duration.value && endValue) end.value = endValue;
  }
  duration.addEventListener("change", () => schedulePreview());
  start.addEventListener("change", () => schedulePreview());
  start.addEventListener("input", () => schedulePreview());
  end.addEventListener("input", () => { duration.value = ""; });
  form.addEventListener("change", (event) => {
    if (event.target.name === "start_occurrence") schedulePreview();
  });

  // --- reminder rows: add and remove, at most three ------------------------------------------
  const rows = document.getElementById("reminder-rows");
  const template = document.getElementById("reminder-template");
  const addButton = document.getElementById("add-reminder");
  const totalForms = form.querySelector("input[name=reminders-TOTAL_FORMS]");
  const maxRows = Number(rows.dataset.max || 3);

  function renumber() {
    rows.querySelectorAll(".reminder-row").forEach((row, index) => {
      // "Reminder 2", "Remove reminder 2": a screen reader tells the rows apart.
      row.querySelector("[role=group]").setAttribute("aria-label", rows.dataset.rowLabel.replace("{n}", index + 1));
      row.querySelector(".remove-reminder").setAttribute("aria-label", rows.dataset.removeLabel.replace("{n}", index + 1));
      row.querySelectorAll("input, select, label").forEach((el) => {
        ["name", "id", "for"].forEach((attr) => {
          const value = el.getAttribute(attr);
          if (value) el.setAttribute(attr, value.replace(/reminders-(\d+|__prefix__)-/, "reminders-" + index + "-"));
        });
      });
    });
    const count = rows.querySelectorAll(".reminder-row").length;
    totalForms.value = count;
    addButton.disabled = count >= maxRows;
    schedulePreview();
  }
  addButton.addEventListener("click", () => {
    if (rows.querySelectorAll(".reminder-row").length >= maxRows) return;
    rows.appendChild(template.content.firstElementChild.cloneNode(true));
    const added = rows.lastElementChild;
    added.querySelector(".reminder-number").value = "1";
    renumber();
    added.querySelector(".reminder-number").focus();
  });
  rows.addEventListener("click", (event) => {
    const button = event.target.closest(".remove-reminder");
    if (!button) return;
    button.closest(".reminder-row").remove();
    renumber();
    addButton.focus();
  });
  rows.addEventListener("input", () => schedulePreview());
  rows.addEventListener("change", () => schedulePreview());
  addButton.disabled = rows.querySelectorAll(".reminder-row").length >= maxRows;

  // --- live preview, computed by the server with the form's own rules -------------------------
  const preview = document.getElementById("preview");
  function renderPreview(data) {
    preview.replaceChildren();
    if (!data.ready) {
      const p = document.createElement("p");
      p.className = "text-body-secondary";
      p.textContent = preview.dataset.empty;
      preview.appendChild(p);
    }
    (data.warnings || []).forEach((text) => {
      const div = document.createElement("div");
      div.className = "alert alert-warning py-2 small";
      div.setAttribute("role", "status");
      div.textContent = text;
      preview.appendChild(div);
    });
    if (!data.ready) return;
    const dl = document.createElement("dl");
    dl.className = "mb-2 small";
    data.rows.forEach((row) => {
      const dt = document.createElement("dt");
      dt.textContent = row.label;
      const dd = document.createElement("dd");
      dd.textContent = row.value;
      dl.append(dt, dd);
    });
    preview.appendChild(dl);
    if (data.reminders.length) {
      const heading = document.createElement("p");
      heading.className = "fw-semibold small mb-1";
      heading.textContent = preview.dataset.remindersLabel;
      const list = document.createElement("ul");
      list.className = "small ps-3";
      list.id = "preview-reminders";
      data.reminders.forEach((reminder) => {
        const li = document.createElement("li");
        li.textContent = reminder.past ? reminder.warning : reminder.value;
        if (reminder.past) li.className = "text-danger";
        list.appendChild(li);
      });
      preview.append(heading, list);
    }
  }
  const refreshPreview = () => {
    const params = new URLSearchParams();
    params.set("start", start.value);
    params.set("duration", duration.value);
    params.set("time_zone", zoneSelect ? zoneSelect.value : "");
    params.set("viewer_zone", browserZone || "");
    const occurrence = form.querySelector("input[name=start_occurrence]:checked");
    if (occurrence) params.set("start_occurrence", occurrence.value);
    rows.querySelectorAll(".reminder-row").forEach((row) => {
      const number = row.querySelector(".reminder-number").value;
      const unit = row.querySelector(".reminder-unit").value;
      if (number) params.append("reminder", number + ":" + unit);
    });
    fetch(form.dataset.previewUrl + "?" + params.toString(), { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : { ready: false }))
      .then((data) => { fillEnd(data.end_value); renderPreview(data); })
      .catch(() => {});
  };
  const schedulePreview = debounce(refreshPreview, 250);
  schedulePreview();

  // After a failed submit, take keyboard and screen-reader users to what needs fixing.
  const errors = document.getElementById("form-errors");
  if (errors) errors.focus();
})();
