/* SPDX-License-Identifier: AGPL-3.0-or-later — inside the widget's iframe: tell the page around it our height
   (widget.js listens, checking that the message comes from this frame and this origin). */
(function () {
  "use strict";
  if (window.parent === window) { return; }
  var last = 0;
  function send() {
    var height = Math.ceil(document.documentElement.scrollHeight);
    if (height === last) { return; }
    last = height;
    window.parent.postMessage({ type: "coopforma-widget-height", height: height }, "*");
  }
  window.addEventListener("load", send);
  window.addEventListener("resize", send);
  if (window.ResizeObserver) { new ResizeObserver(send).observe(document.body); }
  send();
}());
