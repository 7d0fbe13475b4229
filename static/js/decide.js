// Progressive enhancement only: every action works without this file.
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

  // Close the account menu with Escape and when clicks leave it.
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

  function fragmentFrom(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    return holder.firstElementChild;
  }

  function send(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    return fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "decide-fetch" }
    }).then(function (response) {
      return response.text().then(function (text) { return { ok: response.ok, status: response.status, text: text }; });
    });
  }

  // Votes (debates and comments): post in place and swap the block the server returns.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("js-inplace")) { return; }
    event.preventDefault();
    var name = form.getAttribute("data-replace");
    var block = document.querySelector('[data-fragment="' + name + '"]');
    send(form, event.submitter).then(function (result) {
      if (result.status === 429 || !block) { form.submit(); return; }
      var fresh = fragmentFrom(result.text);
      if (fresh) { block.replaceWith(fresh); }
      var focusable = document.querySelector('[data-fragment="' + name + '"] [aria-pressed="true"]');
      if (focusable) { focusable.focus(); }
    }).catch(function () { form.submit(); });
  });

  // Comments and replies: publish in place, keeping the text on error.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("js-comment-form")) { return; }
    event.preventDefault();
    var error = form.querySelector(".js-form-error");
    send(form, event.submitter).then(function (result) {
      if (!result.ok) {
        if (error) { error.textContent = result.text.trim(); error.hidden = false; }
        return;
      }
      var parentId = form.querySelector('input[name="parent_id"]').value;
      var list = document.querySelector('[data-comment-list="' + (parentId || "root") + '"]');
      var item = fragmentFrom(result.text);
      if (list && item) {
        list.hidden = false;
        if (parentId) { list.appendChild(item); } else { list.insertBefore(item, list.firstChild); }
        item.setAttribute("tabindex", "-1");
        item.focus();
        var empty = document.querySelector(".js-no-comments");
        if (empty) { empty.remove(); }
      }
      if (form.classList.contains("comment-form--reply")) { form.remove(); } else { form.reset(); }
      if (error) { error.hidden = true; }
    }).catch(function () { form.submit(); });
  });

  // "Reply" opens a form under the comment instead of going to the thread page.
  var template = document.getElementById("reply-form-template");
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".js-reply") : null;
    if (!link || !template) { return; }
    event.preventDefault();
    var parentId = link.getAttribute("data-parent");
    var slot = document.querySelector('[data-reply-slot="' + parentId + '"]');
    if (!slot) { return; }
    if (slot.firstElementChild) { slot.querySelector("textarea").focus(); return; }
    var form = template.content.firstElementChild.cloneNode(true);
    form.querySelector('input[name="parent_id"]').value = parentId;
    // Give the copied fields ids of their own, so each label points at its field.
    form.querySelectorAll("[id]").forEach(function (field) {
      var label = form.querySelector('label[for="' + field.id + '"]');
      field.id = field.id + "-" + parentId;
      if (label) { label.setAttribute("for", field.id); }
    });
    var textarea = form.querySelector("textarea");
    slot.appendChild(form);
    textarea.focus();
  });
})();
