// SPDX-License-Identifier: AGPL-3.0-or-later
// The document template editor (documents/template_edit.html): keywords inserted at the cursor, the line of an
// error selected.
(function () {
  var form = document.getElementById("template-form");
  var area = form && document.getElementById(form.getAttribute("data-body"));
  if (!area) { return; }
  document.querySelectorAll(".keywords [data-snippet]").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-snippet");
      area.focus();
      // execCommand keeps the browser's undo history; setRangeText is the fallback.
      if (!(document.execCommand && document.execCommand("insertText", false, text))) {
        area.setRangeText(text, area.selectionStart, area.selectionEnd, "end");
      }
    });
  });
  var line = parseInt(form.getAttribute("data-error-line") || "0", 10);
  if (line > 0) {
    var lines = area.value.split("\n");
    var start = lines.slice(0, line - 1).join("\n").length + (line > 1 ? 1 : 0);
    area.focus();
    area.setSelectionRange(start, start + (lines[line - 1] || "").length);
    area.scrollTop = Math.max(0, (line - 4) * (parseFloat(getComputedStyle(area).lineHeight) || 18));
  }
})();
