// Live reload for `dossier serve` (never part of a built site): reloads the
// page after each rebuild, and shows build errors over the page until fixed.
(function () {
  "use strict";
  var overlay = null;
  function show(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "dossier-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,10,10,.94);color:#ffe9e9;padding:1.5rem;font:14px/1.45 ui-monospace,monospace";
      var title = document.createElement("p");
      title.style.cssText = "font:600 18px system-ui,sans-serif;margin:0 0 1rem";
      title.textContent = "The build failed: the page shows the last good build. Fix the file and save; this reloads by itself.";
      var pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:0";
      overlay.appendChild(title);
      overlay.appendChild(pre);
      document.body.appendChild(overlay);
    }
    overlay.lastChild.textContent = text;
  }
  var events = new EventSource("/__dossier/events");
  events.addEventListener("reload", function () { window.location.reload(); });
  events.addEventListener("error", function (e) { if (e.data) show(e.data); });
})();
