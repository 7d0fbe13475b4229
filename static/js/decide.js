// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Sign-up: show the organisation name field only when "organisation" is chosen.
  function syncOrganisationField(form) {
    var chosen = form.querySelector('input[name="kind"]:checked');
    var isOrg = chosen && chosen.value === "organisation";
    form.querySelectorAll(".js-organisation-only").forEach(function (el) {
      el.hidden = !isOrg;
    });
  }

  document.querySelectorAll('input[name="kind"]').forEach(function (radio) {
    var form = radio.form;
    syncOrganisationField(form);
    radio.addEventListener("change", function () { syncOrganisationField(form); });
  });

  // Close the account menu with Escape and when focus or clicks leave it.
  document.querySelectorAll("details.user-menu").forEach(function (menu) {
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) { menu.open = false; }
    });
  });

  // Move focus to the error summary so screen-reader users hear what went wrong.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
