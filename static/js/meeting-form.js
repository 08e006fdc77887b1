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

  // An empty list still holds an option (disabled, saying so): a listbox without options breaks
  // ARIA (axe: aria-required-children), and a screen reader hears why nothing is offered.
  const noResults = (text) => () =>
    '<div class="no-results" role="option" aria-disabled="true" aria-selected="false">' + escapeText(text || "—") + '</div>';

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
    picked[name] = picker.items.map((value) => {
      const { text, zone } = picker.options[value] || {};
      return { value, text: text || value, ...(zone ? { zone } : {}) };
    });
    try { sessionStorage.setItem(PICKED_KEY, JSON.stringify(picked)); } catch (error) { /* storage off: nothing kept */ }
  };
  const restorePicked = (name, picker) => {
    if (picker.items.length || !Array.isArray(picked[name])) return;  // what the page chose comes first
    picked[name].forEach((option) => { picker.addOption(option); picker.addItem(option.value, true); });
  };

  const pickers = [];  // [{label, picker}] in the page's order, for the summary's "Who"
  const labelOf = (select) => {
    const label = document.querySelector("label[for='" + select.id + "']");
    return label ? label.textContent.replace("*", "").trim() : "";
  };
  let contactPicker = null;  // its chosen contacts' zones, as HubSpot has them, are offered beside the zone
  form.querySelectorAll("select[data-picker-url]").forEach((select) => {
    const status = document.getElementById(select.id + "_status");
    const label = labelOf(select);  // read before Tom Select points the label at its own control
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
        no_results: noResults(select.dataset.noResults),
      },
    }));
    restorePicked(select.name, picker);
    keepPicked(select.name, picker);
    picker.on("change", () => { keepPicked(select.name, picker); renderWho(); });
    if (select.name === "contacts") {
      const known = JSON.parse(select.dataset.zones || "{}");  // contacts the page came with
      Object.entries(known).forEach(([value, zone]) => { if (picker.options[value]) picker.options[value].zone = zone; });
      contactPicker = picker;
      picker.on("change", () => { suggestContactZone(); schedulePreview(); });
    }
    pickers.push({ label, picker });
  });

  const attendees = form.querySelector("select[name=attendees]");
  // refreshThrottle 0: Tom Select's delayed refresh of a picker the rep already left
  // would reopen its dropdown and pull the focus back from the next field.
  if (attendees) {
    const label = labelOf(attendees);
    const picker = enhanced(attendees, new TomSelect(attendees, {
      plugins: ["remove_button"], closeAfterSelect: true, refreshThrottle: 0,
      render: { no_results: noResults(form.dataset.noAttendees) },
    }));
    picker.on("change", () => renderWho());
    pickers.push({ label, picker });
  }

  // --- the summary's "Who": the chosen records and attendees, by name --------------------------
  const who = document.getElementById("summary-who");
  function renderWho() {
    if (!who) return;
    who.replaceChildren();
    pickers.forEach(({ label, picker }) => {
      const names = picker.items.map((value) => (picker.options[value] || {}).text || value);
      if (!names.length) return;
      const li = document.createElement("li");
      const kind = document.createElement("span");
      kind.className = "fw-semibold";
      kind.textContent = label + ": ";
      li.append(kind, document.createTextNode(names.join(", ")));
      who.appendChild(li);
    });
    if (!who.children.length) {
      const li = document.createElement("li");
      li.className = "text-body-secondary";
      li.textContent = who.dataset.empty;
      who.appendChild(li);
    }
  }
  renderWho();

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
    const summaryTitle = document.getElementById("summary-title");
    const showTitle = () => { summaryTitle.textContent = title.value.trim() || summaryTitle.dataset.empty; };
    title.addEventListener("input", showTitle);
    showTitle();
  }

  // --- time zone: searchable, defaults to the browser's zone ----------------------------
  const zoneSelect = form.querySelector("select[data-zone-picker]");
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  let zonePicker = null;
  if (zoneSelect) {
    // dropdown_input: the search box opens inside the dropdown, so the combobox itself stays where it
    // is once a zone is chosen (a single select otherwise moves its input off-screen).
    // Zones are found by city, country, common name and abbreviation ("Germany", "CET", "Pacific Time"):
    // each option's `search` holds them (meetings/core/timezones.py). The rep's recent zones come first.
    const recent = (form.dataset.recentZones || "").split(" ").filter(Boolean);
    zonePicker = enhanced(zoneSelect, new TomSelect(zoneSelect, {
      // The placeholder also names the box Tom Select shows while no zone is chosen (yet).
      plugins: ["dropdown_input"], maxOptions: 1000, refreshThrottle: 0, placeholder: zoneSelect.dataset.placeholder,
      searchField: ["text", "search"], openOnFocus: false,  // tabbing through must not cover the start
      // Tom Select's own score, raised for the whole query found as written and by the zone's rank (Berlin
      // before Büsingen: meetings/core/timezones.py).
      score(query) {
        const base = this.sifter.getScoreFunction(query, this.getSearchOptions());
        const phrase = query.trim().toLowerCase();
        return (item) => {
          const score = base(item);
          if (!score || !phrase) return score;
          // In this order: the whole phrase in the zone's common name ("Pacific Time", not Fiji's "Pacific/Fiji"),
          // or anywhere; then the rank; then how well Tom Select found the words.
          const whole = (item.common || "").toLowerCase().includes(phrase) ? 2
            : (item.text + " " + item.search).toLowerCase().includes(phrase) ? 1 : 0;
          return whole * 100 + (item.rank || 0) * 10 + Math.min(score, 9);
        };
      },
      sortField: [{ field: "$score", direction: "desc" }, { field: "$order" }],
      optgroupField: "group", lockOptgroupOrder: true,
      render: { no_results: noResults(zoneSelect.dataset.noResults) },
      onChange: () => schedulePreview(),
    }));
    // It opens on a click, or from the keyboard (a letter, ↓ or Enter), never by being tabbed into.
    let wasOpen = false;
    zonePicker.control.addEventListener("mousedown", () => { wasOpen = zonePicker.isOpen; }, true);
    zonePicker.control.addEventListener("click", () => { if (!wasOpen && !zonePicker.isOpen) zonePicker.open(); });
    // The search box in the dropdown is a field of its own: it needs a name.
    zonePicker.control_input.setAttribute("aria-label", zoneSelect.dataset.searchLabel || "");
    zonePicker.addOptionGroup("contact", { label: form.dataset.contactZoneLabel });
    if (recent.length) zonePicker.addOptionGroup("recent", { label: form.dataset.recentLabel });
    zonePicker.addOptionGroup("all", { label: form.dataset.allLabel });
    fetch(form.dataset.zonesUrl, { credentials: "same-origin" })
      .then((response) => response.json())
      .then((body) => {
        // A browser may name its zone by an old name ("Asia/Calcutta"): the list offers its current one.
        const listed = (value) => (body.old_names || {})[value] || value;
        const chosen = zonePicker.getValue();
        const byValue = new Map(body.zones.map((zone) => [zone.value, zone]));
        const ordered = [...recent.filter((value) => byValue.has(value)).map((value) => byValue.get(value)),
          ...body.zones.filter((zone) => !recent.includes(zone.value))];
        ordered.forEach((zone) => {
          const option = { ...zone, group: recent.includes(zone.value) ? "recent" : "all" };
          zoneHome.set(zone.value, option.group);
          if (zonePicker.options[zone.value]) zonePicker.updateOption(zone.value, option);
          else zonePicker.addOption(option);
        });
        if (chosen && byValue.has(listed(chosen))) zonePicker.setValue(listed(chosen), true);
        if (!chosen && browserZone && byValue.has(listed(browserZone))) {
          zonePicker.setValue(listed(browserZone), true);
          schedulePreview();
        }
        suggestContactZone();
      });
    zonePicker.on("change", () => suggestContactZone());
  }

  // --- the chosen contacts' zones, as HubSpot has them: first in the list, and one click away ------
  const zoneHome = new Map();  // each zone's group before a contact's zone moved it to the top
  let contactZone = "";  // for the summary: the meeting in the contact's zone
  const contactZoneHint = document.createElement("p");
  contactZoneHint.className = "small mb-2";
  contactZoneHint.hidden = true;
  const useContactZone = document.createElement("button");
  useContactZone.type = "button";
  useContactZone.className = "btn btn-link btn-sm p-0 text-start";
  useContactZone.id = "use-contact-zone";
  contactZoneHint.appendChild(useContactZone);
  if (zoneSelect) (document.getElementById("div_" + zoneSelect.id) || zoneSelect.parentElement).after(contactZoneHint);

  function suggestContactZone() {
    const contacts = contactPicker ? contactPicker.items.map((value) => contactPicker.options[value] || {}) : [];
    const zones = contacts.filter((contact) => contact.zone);
    contactZone = zones.length ? zones[0].zone : "";
    if (zonePicker) {
      Object.keys(zonePicker.options).forEach((value) => {
        const group = zones.some((contact) => contact.zone === value) ? "contact" : zoneHome.get(value);
        if (group && zonePicker.options[value].group !== group) {
          zonePicker.updateOption(value, { ...zonePicker.options[value], group });
        }
      });
    }
    const other = zoneSelect && zones.find((contact) => contact.zone !== zoneSelect.value);
    const option = other && zonePicker ? zonePicker.options[other.zone] : null;
    contactZoneHint.hidden = !option;
    if (!option) return;
    useContactZone.textContent = form.dataset.contactZone
      .replace("%(name)s", other.text).replace("%(zone)s", option.text);
    useContactZone.onclick = () => zonePicker.setValue(other.zone);
  }

  // --- a date and time is one Tab stop -----------------------------------------------------------
  // Chromium makes each part of a date-time field (day, month, year, hour, minute) a stop of its own: the
  // arrow keys and typing move between the parts, so Tab leaves the field as a whole.
  const tabbable = () => Array.from(document.querySelectorAll(
    "a[href], button, input, select, textarea, summary, [tabindex]",
  )).filter((el) => el.tabIndex >= 0 && !el.disabled && el.type !== "hidden" && el.getClientRects().length);
  form.querySelectorAll("input[type=datetime-local]").forEach((input) => {
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Tab" || event.altKey || event.ctrlKey || event.metaKey) return;
      const stops = tabbable();
      const next = stops[stops.indexOf(input) + (event.shiftKey ? -1 : 1)];
      if (!next) return;
      event.preventDefault();
      next.focus();
    });
  });

  // --- duration fills in the end -----------------------------------------------------------
  const start = form.querySelector("input[name=start]");
  const end = form.querySelector("input[name=end]");
  const duration = form.querySelector("select[name=duration]");
  // The end of a chosen duration comes from the server's preview, in real minutes: wall-clock
  // arithmetic here would be an hour off across a clock change (02:30 + 30 min is 02:00 that night).
  function fillEnd(endValue) {
    if (duration.value && endValue) end.value = endValue;
  }
  const endFold = document.getElementById("end-fold");
  duration.addEventListener("change", () => {
    // "— or enter an end —": the end is the rep's now, so it unfolds.
    if (!duration.value && endFold) endFold.open = true;
    schedulePreview();
  });
  start.addEventListener("change", () => schedulePreview());
  start.addEventListener("input", () => schedulePreview());
  end.addEventListener("input", () => { duration.value = ""; });

  // --- the files chosen, by name: what the page can say was not kept (see MeetingForm.attachment_names) ---
  const files = form.querySelector("input[type=file][name=attachments]");
  const fileNames = form.querySelector("input[name=attachment_names]");
  if (files && fileNames) {
    const keepNames = () => { fileNames.value = Array.from(files.files).map((f) => f.name).join("/"); };
    files.addEventListener("change", keepNames);
    keepNames();
  }
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
    pluralise(added);
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
  // "1 hour before", "2 hours before": each unit's option carries both forms (BeforeSelect).
  const pluralise = (row) => {
    const one = row.querySelector(".reminder-number").value.trim() === "1";
    row.querySelectorAll(".reminder-unit option").forEach((option) => {
      const text = one ? option.dataset.one : option.dataset.other;
      if (text) option.textContent = text;
    });
  };
  rows.addEventListener("input", (event) => {
    const row = event.target.closest(".reminder-row");
    if (row) pluralise(row);
    schedulePreview();
  });
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
    if (data.started) {
      const p = document.createElement("p");
      p.className = "small text-body-secondary";
      p.textContent = preview.dataset.past;
      preview.appendChild(p);
    }
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
    params.set("contact_zone", contactZone);
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
