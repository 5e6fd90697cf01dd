// paysession hosted pages: tell the embedding window the challenge result.
// Served as a file so the pages need no inline script under a strict CSP.
(function () {
  "use strict";
  var b = document.body;
  if (!b || b.getAttribute("data-paysession-result") !== "challenge") return;
  var msg = {
    type: "paysession:challenge",
    sourceId: b.getAttribute("data-source-id"),
    state: b.getAttribute("data-state")
  };
  var targets = [];
  if (window.parent && window.parent !== window) targets.push(window.parent);
  if (window.opener) targets.push(window.opener);
  for (var i = 0; i < targets.length; i++) {
    try { targets[i].postMessage(msg, "*"); } catch (e) { /* ignore */ }
  }
})();
