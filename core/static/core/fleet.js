// The dashboard's few behaviours, in one static file: the Content-Security-Policy allows no
// inline script. Each looks for its elements and does nothing on pages without them.
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // The language switch submits itself when a language is chosen.
  function languageSwitch(root) {
    root.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }

  // The composer shows only the fields of the chosen kind (data-kind-fields on the form, or
  // on each variant's fieldset of a campaign, whose fields carry a prefix: v1-kind...).
  function composer(root) {
    root.querySelectorAll("[data-kind-fields]").forEach(function (form) {
      if (form.dataset.kindBound) return;
      form.dataset.kindBound = "1";
      var map = JSON.parse(form.dataset.kindFields);
      var always = ["chat_id", "kind", "delay_typing"];
      var kind = form.querySelector("[name=kind], [name$='-kind']");
      if (!kind) return;
      function show() {
        var wanted = new Set(always.concat(map[kind.value] || []));
        form.querySelectorAll(".compose-row").forEach(function (row) {
          row.hidden = !wanted.has(row.dataset.field);
        });
      }
      kind.addEventListener("change", show);
      show();
    });
  }

  // Countdowns (data-seconds): count down to 0, then enable the button named by
  // data-enables (the mobile registration's retryAfter, spec 000).
  function countdowns(root) {
    root.querySelectorAll(".countdown[data-seconds]").forEach(function (el) {
      if (el.dataset.counting) return;
      el.dataset.counting = "1";
      var left = parseInt(el.dataset.seconds, 10);
      var timer = setInterval(function () {
        left -= 1;
        el.textContent = Math.max(left, 0);
        if (left <= 0) {
          clearInterval(timer);
          var button = el.dataset.enables && document.getElementById(el.dataset.enables);
          if (button) button.disabled = false;
        }
      }, 1000);
    });
  }

  function bind(root) { languageSwitch(root); composer(root); countdowns(root); }

  ready(function () { bind(document); });
  // Parts swapped in by htmx get the same behaviours.
  document.addEventListener("htmx:load", function (event) { bind(event.target); });
})();
