// SPDX-License-Identifier: AGPL-3.0-or-later
// The drawn signature of the signing page (public/sign.html): the pen's path as SVG path data in a hidden field.
(function () {
  var canvas = document.getElementById("drawn-canvas"), ctx = canvas.getContext("2d");
  var input = document.querySelector("#sign-form input[name=drawn_signature]");
  var path = "", drawing = false;
  function pos(e) { var r = canvas.getBoundingClientRect(); return [Math.round((e.clientX - r.left) * canvas.width / r.width), Math.round((e.clientY - r.top) * canvas.height / r.height)]; }
  canvas.addEventListener("pointerdown", function (e) { drawing = true; var p = pos(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); path += "M" + p[0] + " " + p[1] + " "; });
  canvas.addEventListener("pointermove", function (e) { if (!drawing) return; var p = pos(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); path += "L" + p[0] + " " + p[1] + " "; });
  window.addEventListener("pointerup", function () { drawing = false; if (path.length < 60000) { input.value = path.trim(); } });
  document.getElementById("drawn-clear").addEventListener("click", function () { ctx.clearRect(0, 0, canvas.width, canvas.height); path = ""; input.value = ""; });
})();
