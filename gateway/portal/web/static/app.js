// sekisho portal: progressive enhancement only. Every page works without this file;
// it adds confirmation prompts, select-all checkboxes and busy buttons. No inline
// script exists anywhere (the Content-Security-Policy forbids it).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // <form data-confirm="question"> asks before submitting.
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
  // <input type=checkbox data-select-all="name"> toggles every checkbox called name.
  document.querySelectorAll("input[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      var name = box.getAttribute("data-select-all");
      document.querySelectorAll("input[type=checkbox][name='" + CSS.escape(name) + "']").forEach(function (c) {
        c.checked = box.checked;
      });
    });
  });
  // Buttons turn busy after a submit so a slow operation is not sent twice.
  document.querySelectorAll("form").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (e.defaultPrevented) { return; }
      f.querySelectorAll("button[type=submit]").forEach(function (b) {
        window.setTimeout(function () { b.disabled = true; b.setAttribute("aria-busy", "true"); }, 0);
      });
    });
  });
});
