// SPDX-License-Identifier: AGPL-3.0-or-later
// The optional drawn signature of the émargement (attendance/phone/_drawing.html): on « Je signe », what was
// drawn goes as a PNG data URL in the form's hidden « drawing » field. Nothing drawn: the button alone signs.
(function () {
  document.querySelectorAll("[data-drawing]").forEach(function (canvas) {
    var form = canvas.closest("form"), input = form.querySelector("input[name=drawing]");
    var ctx = canvas.getContext("2d"), drawing = false, drawn = false;
    ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#111";
    function pos(e) {
      var r = canvas.getBoundingClientRect();
      return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
    }
    canvas.addEventListener("pointerdown", function (e) {
      e.preventDefault(); drawing = true; canvas.setPointerCapture(e.pointerId);
      var p = pos(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); ctx.lineTo(p[0] + 0.1, p[1] + 0.1); ctx.stroke(); drawn = true;
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return; var p = pos(e); ctx.lineTo(p[0], p[1]); ctx.stroke();
    });
    canvas.addEventListener("pointerup", function () { drawing = false; });
    canvas.addEventListener("pointercancel", function () { drawing = false; });
    form.querySelector("[data-drawing-clear]").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height); drawn = false; input.value = "";
    });
    form.addEventListener("submit", function () { input.value = drawn ? canvas.toDataURL("image/png") : ""; });
  });
})();
