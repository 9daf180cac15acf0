// SPDX-License-Identifier: AGPL-3.0-or-later
// Behaviour shared by every page, without inline scripts (the Content-Security-Policy forbids them).
(function () {
  "use strict";
  // <form data-confirm="Question ?">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
