/* Small enhancements only: every action works without JavaScript. */
(function () {
  "use strict";

  // A "copy" button next to a newly created API token.
  function addCopyButton() {
    var token = document.getElementById("new-token");
    if (!token || !navigator.clipboard) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--small";
    button.textContent = document.documentElement.lang === "en" ? "Copy" : "Sao chép";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(token.textContent.trim()).then(function () {
        button.textContent = document.documentElement.lang === "en" ? "Copied" : "Đã sao chép";
      });
    });
    token.parentNode.appendChild(button);
  }

  // While htmx refreshes the case list, tell assistive technology it is busy.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var results = document.getElementById("results");
    if (results && event.detail.elt.matches("form.filters")) {
      results.setAttribute("aria-busy", "true");
    }
  });

  document.addEventListener("DOMContentLoaded", addCopyButton);
}());
