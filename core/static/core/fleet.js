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

  // Choices narrowed by other ticks (data-narrow-by names the checkboxes that narrow; each
  // choice names its owner in data-owner): a campaign's labels are those of its ticked
  // senders, shown as senders are ticked. Nothing ticked: every choice. A ticked choice
  // stays shown (the form says why it does not fit). data-narrow-empty: shown when none is.
  function narrowedChoices(root) {
    root.querySelectorAll("[data-narrow-by]").forEach(function (box) {
      if (box.dataset.narrowBound) return;
      box.dataset.narrowBound = "1";
      var form = box.closest("form") || document;
      var owners = form.querySelectorAll("input[name='" + box.dataset.narrowBy + "']");
      var choices = box.querySelectorAll("input[data-owner]");
      var empty = box.querySelector("[data-narrow-empty]");
      function narrow() {
        var ticked = new Set();
        owners.forEach(function (owner) { if (owner.checked) ticked.add(owner.value); });
        var shown = 0;
        choices.forEach(function (choice) {
          var show = !ticked.size || ticked.has(choice.dataset.owner) || choice.checked;
          (choice.closest("div") || choice).hidden = !show;
          if (show) shown += 1;
        });
        if (empty) empty.hidden = shown > 0 || !choices.length;
      }
      owners.forEach(function (owner) { owner.addEventListener("change", narrow); });
      choices.forEach(function (choice) { choice.addEventListener("change", narrow); });
      narrow();
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

  function bind(root) {
    languageSwitch(root); composer(root); narrowedChoices(root); countdowns(root);
  }

  ready(function () { bind(document); });
  // Parts swapped in by htmx get the same behaviours.
  document.addEventListener("htmx:load", function (event) { bind(event.target); });
})();
