/* SPDX-License-Identifier: AGPL-3.0-or-later — Coopforma's catalogue widget: replaces the link just before this
   script with an iframe of the widget, sized to its content (the page posts its height). No cookie. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var origin = "{{ origin|escapejs }}";
  var org = script.getAttribute("data-coopforma-org") || "{{ org|escapejs }}";
  var structure = script.getAttribute("data-structure") || "";
  var query = [];
  ["color", "size", "limit"].forEach(function (name) {
    var value = script.getAttribute("data-" + name);
    if (value) { query.push(name + "=" + encodeURIComponent(value)); }
  });
  var path = "/f/" + encodeURIComponent(org) + "/" +
    (structure ? "structures/" + encodeURIComponent(structure) + "/" : "") + "widget/";
  var frame = document.createElement("iframe");
  frame.src = origin + path + (query.length ? "?" + query.join("&") : "");
  frame.title = script.getAttribute("data-title") || "Formations et prochaines sessions";
  frame.setAttribute("loading", "lazy");
  frame.style.width = "100%";
  frame.style.border = "0";
  frame.style.height = "420px";
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || event.source !== frame.contentWindow) { return; }
    var data = event.data || {};
    if (data.type !== "coopforma-widget-height") { return; }
    var height = parseInt(data.height, 10);
    if (height > 0 && height < 20000) { frame.style.height = height + "px"; }
  });
  var fallback = script.previousElementSibling;
  if (fallback && fallback.hasAttribute("data-coopforma-fallback")) {
    fallback.parentNode.replaceChild(frame, fallback);
  } else {
    script.parentNode.insertBefore(frame, script);
  }
}());
