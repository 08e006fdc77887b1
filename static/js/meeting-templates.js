/* Saving the meeting form as a template (templates/meetings/partials/template_save.html).
 * Enter in the template's name saves the template: the form's default button would create the meeting. */
(function () {
  "use strict";
  const name = document.getElementById("id_template-name");
  const save = document.getElementById("save-template");
  if (!name || !save) return;
  name.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    save.click();
  });
  // A name that was refused: take the rep to it.
  if (name.getAttribute("aria-invalid") === "true") name.focus();
})();
