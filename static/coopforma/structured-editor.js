// SPDX-License-Identifier: AGPL-3.0-or-later
// The simple template editor (documents/template_structured.html): a keyword is inserted where the cursor was in
// the last text or title field used.
(function () {
  var form = document.getElementById("structured-form");
  if (!form) { return; }
  var last = null;
  form.addEventListener("focusin", function (event) {
    var field = event.target;
    if (field.tagName === "TEXTAREA" || (field.tagName === "INPUT" && field.type === "text")) { last = field; }
  });
  document.querySelectorAll(".keywords [data-snippet]").forEach(function (button) {
    button.addEventListener("click", function () {
      var area = last || form.querySelector("textarea");
      if (!area) { return; }
      var text = button.getAttribute("data-snippet");
      area.focus();
      if (!(document.execCommand && document.execCommand("insertText", false, text))) {
        area.setRangeText(text, area.selectionStart, area.selectionEnd, "end");
      }
    });
  });
})();
