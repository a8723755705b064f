// Kotae's only script. Every page works without it; it adds three conveniences.
"use strict";

// An IME is composing (Japanese input before the conversion is confirmed): Enter then
// confirms the conversion and must not send the question. keyCode 229 covers browsers that
// report the composition only that way.
function composing(event) {
  return event.isComposing || event.keyCode === 229;
}

// 1. In the question box, Enter sends and Shift+Enter starts a new line.
document.addEventListener("keydown", function (event) {
  var box = event.target;
  if (!box || !box.matches || !box.matches("textarea[data-enter-submits]")) return;
  if (event.key !== "Enter" || event.shiftKey || composing(event)) return;
  event.preventDefault();
  if (box.value.trim() && box.form) box.form.requestSubmit();
});

// 2. The language switch on a form page sends the answers typed so far with it.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-switch-form]");
  if (!link) return;
  var form = document.getElementById(link.getAttribute("data-switch-form"));
  if (!form) return;
  event.preventDefault();
  var action = document.createElement("input");
  action.type = "hidden";
  action.name = "action";
  action.value = "lang";
  form.appendChild(action);
  form.submit();
});

// 3. An error summary takes the focus so that screen readers announce it.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-focus]");
  if (summary) summary.focus();
});
