// Counts down every [data-countdown] element (its text: the whole seconds left), also in
// content htmx swaps in later (the QR code's "a new one in N s").
(function () {
  function start(root) {
    root.querySelectorAll("[data-countdown]:not([data-counting])").forEach(function (el) {
      el.setAttribute("data-counting", "");
      var end = Date.now() + parseFloat(el.getAttribute("data-countdown")) * 1000;
      function tick() {
        var left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
        el.textContent = String(left);
        if (left > 0 && el.isConnected) setTimeout(tick, 200);
      }
      tick();
    });
  }
  document.addEventListener("DOMContentLoaded", function () { start(document); });
  document.addEventListener("htmx:load", function (event) { start(event.target); });
})();
