// paysession hosted pages: tell the embedding window the challenge result.
// Served as a file so the pages need no inline script under a strict CSP.
// The result goes only to the origins the server named in data-post-to (the
// embedding page's exact origin, or the merchant's registered ones), never to
// whichever origin the parent happens to have.
(function () {
  "use strict";
  var b = document.body;
  if (!b || b.getAttribute("data-paysession-result") !== "challenge") return;
  var msg = {
    type: "paysession:challenge",
    sourceId: b.getAttribute("data-source-id"),
    state: b.getAttribute("data-state")
  };
  var to = (b.getAttribute("data-post-to") || "").split(" ");
  var targets = [];
  if (window.parent && window.parent !== window) targets.push(window.parent);
  if (window.opener) targets.push(window.opener);
  for (var i = 0; i < targets.length; i++) {
    for (var j = 0; j < to.length; j++) {
      if (!to[j]) continue;
      try { targets[i].postMessage(msg, to[j]); } catch (e) { /* ignore */ }
    }
  }
})();
