// Calibra web pages: comfort only. Every action also works without this script.
(function () {
  "use strict";

  // Receipt desk: keep the focus in the scan field so a barcode scanner can work through a box without a mouse.
  function keepScanFocus() {
    var scan = document.querySelector("[data-scan]");
    if (!scan) return;
    if (!document.querySelector(".error-summary, [data-keep-focus-elsewhere]")) scan.focus();
    scan.select();
  }

  // Measurement form: `Add point` copies the last point's fieldset with empty fields and the next number.
  function addPointButton() {
    var button = document.querySelector("[data-add-point]");
    if (!button) return;
    button.addEventListener("click", function (event) {
      var points = document.querySelectorAll("[data-point]");
      if (!points.length) return;
      event.preventDefault();
      var last = points[points.length - 1];
      var index = points.length;
      var copy = last.cloneNode(true);
      var from = "points[" + (index - 1) + "]";
      var to = "points[" + index + "]";
      copy.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (node) {
        ["name", "id", "for", "aria-describedby"].forEach(function (attribute) {
          var value = node.getAttribute(attribute);
          if (value) node.setAttribute(attribute, value.split(from).join(to).split("point-" + (index - 1)).join("point-" + index));
        });
        if (node.matches("input[type=text], input:not([type]), textarea")) node.value = "";
        if (node.matches("select")) node.selectedIndex = 0;
      });
      copy.querySelectorAll(".error-message, .preview").forEach(function (node) { node.textContent = ""; });
      var legend = copy.querySelector("legend");
      if (legend) legend.textContent = legend.textContent.replace(/\d+\s*$/, String(index + 1));
      last.parentNode.insertBefore(copy, last.nextSibling);
      wirePreview(copy);
      var first = copy.querySelector("input, textarea");
      if (first) first.focus();
    });
  }

  // Measurement form: preview each point's mean, error, expanded uncertainty and decision while typing, computed by
  // the server's own uncertainty evaluation (same origin, the page's session).
  function wirePreview(point) {
    var output = point.querySelector(".preview");
    var url = document.querySelector("[data-preview-url]");
    if (!output || !url) return;
    var timer = null;
    point.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var body = new URLSearchParams();
        point.querySelectorAll("[name]").forEach(function (node) { body.append(node.name.replace(/^points\[\d+\]\./, ""), node.value); });
        body.append("_csrf", document.querySelector("input[name=_csrf]").value);
        fetch(url.getAttribute("data-preview-url"), { method: "POST", body: body, credentials: "same-origin",
          headers: { "Content-Type": "application/x-www-form-urlencoded" } })
          .then(function (response) { return response.ok ? response.text() : ""; })
          .then(function (text) { output.textContent = text; })
          .catch(function () { output.textContent = ""; });
      }, 350);
    });
  }

  // Reject and similar buttons that ask for a reason: show the reason field before sending.
  function revealOnDemand() {
    document.querySelectorAll("[data-reveal]").forEach(function (button) {
      var target = document.getElementById(button.getAttribute("data-reveal"));
      if (!target) return;
      // Shown by the server so the form works without this script; hidden here until the button is pressed.
      if (!target.querySelector(".error-message")) target.hidden = true;
      button.addEventListener("click", function (event) {
        if (target.hidden) {
          event.preventDefault();
          target.hidden = false;
          var input = target.querySelector("input, textarea");
          if (input) input.focus();
        }
      });
    });
  }

  // Move the focus to an error summary so screen readers announce it.
  function focusErrors() {
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrors();
    keepScanFocus();
    addPointButton();
    document.querySelectorAll("[data-point]").forEach(wirePreview);
    revealOnDemand();
  });
})();
