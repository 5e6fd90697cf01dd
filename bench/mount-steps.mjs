// The page's own timeline of a cold load of a bench page, from inside it
// (no browser trace): the SDK's wasm request, mount(), the shadow root, the
// drop-in's stylesheet, the card frame put in the page, the payment-methods
// request (asked, answered) and onReady, each in ms after the bench's t0
// (before `new PaySession`), medians of the loads. A diagnosis tool beside
// bench/deep-trace.mjs; bench/analysis.md quotes its output.
//   PAYSESSION_FIELDS_HOST=localhost PAYSESSION_PROFILE=release \
//     bash scripts/with-server.sh node bench/mount-steps.mjs [--loads 8] [--flags "--js-flags=…"]
// (the bench pages come from an earlier `npm run bench`; --flags adds Chromium
// flags, e.g. `--js-flags=--no-wasm-lazy-compilation`).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { serve } from "./serve.mjs";
import { OUT } from "./sizes.mjs";
import { launch, HARNESS, stats } from "./ready.mjs";
import { createSession } from "./load.mjs";

const arg = (k, d) => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : d; };
const api = arg("--api", process.env.PAYSESSION_API), loads = +arg("--loads", 8), flags = arg("--flags", "");
writeFileSync(join(OUT, "harness.js"), HARNESS);
const site = await serve(OUT);

// In the page before its scripts: notes the first time each step happens.
const hooks = () => {
  window.__steps = [];
  const note = (k) => window.__steps.push([k, performance.now()]);
  const frameIn = (n) => n && (n.nodeName === "IFRAME" || (n.querySelector && n.querySelector("iframe")));
  // The nodes each method inserts (insertBefore's second argument is where, not what).
  for (const [m, nodes] of [["appendChild", (a) => [a[0]]], ["insertBefore", (a) => [a[0]]], ["append", (a) => a], ["prepend", (a) => a], ["replaceChildren", (a) => a]]) {
    const host = m in Node.prototype ? Node.prototype : Element.prototype;
    const o = host[m];
    host[m] = function (...a) {
      const frame = this.isConnected && nodes(a).some(frameIn);
      if (frame) note("card frame being put in the page");
      const r = o.apply(this, a);
      if (frame) note("card frame in the page");
      if (nodes(a).some((n) => n && n.classList && n.classList.contains("paysession-dropin"))) note("the drop-in's host in the page");
      return r;
    };
  }
  const as = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (...a) { note("shadow root"); return as.apply(this, a); };
  const rs = CSSStyleSheet.prototype.replaceSync;
  CSSStyleSheet.prototype.replaceSync = function (...a) { const r = rs.apply(this, a); note("stylesheet parsed"); return r; };
  const gcs = window.getComputedStyle;
  window.getComputedStyle = function (...a) { note("computed style asked"); const r = gcs.apply(this, a); void r.color; note("computed style read"); return r; };
  const ce = Document.prototype.createElement;
  Document.prototype.createElement = function (n, ...a) { if (String(n).toLowerCase() === "iframe") note("card frame created"); return ce.call(this, n, ...a); };
  const mk = performance.mark.bind(performance);
  performance.mark = (n, o) => { if (n === "bench:mount") note("t0 (before new PaySession)"); return mk(n, o); };
};

const all = {};
for (let i = 0; i < loads; i++) {
  const b = await launch(flags ? flags.split(" ") : []);
  try {
    await b.page.addInitScript(hooks);
    await b.page.goto(`${site.url}/paysession/index.html?api=${encodeURIComponent(api)}&session=${await createSession(api)}`);
    const r = await b.page.waitForFunction(() => window.__bench, null, { timeout: 20000 }).then((h) => h.jsonValue());
    const steps = await b.page.evaluate(() => {
      for (const e of performance.getEntriesByType("resource")) {
        if (e.name.endsWith(".wasm")) window.__steps.push(["the SDK's wasm asked", e.startTime], ["the SDK's wasm in", e.responseEnd]);
        if (e.name.includes("/payment-methods")) window.__steps.push(["payment methods asked", e.startTime], ["payment methods in", e.responseEnd]);
      }
      return window.__steps;
    });
    const t0 = steps.find((s) => s[0].startsWith("t0"))[1];
    const seen = new Set();
    for (const [k, t] of steps) if (!seen.has(k)) { seen.add(k); (all[k] ||= []).push(t - t0); }
    (all.onReady ||= []).push(r.mountToReady);
  } finally {
    await b.close();
  }
}
await site.close();
console.log(`medians of ${loads} cold loads, ms after t0${flags ? ` (flags: ${flags})` : ""}:`);
for (const [k, v] of Object.entries(all).sort((a, b) => stats(a[1]).median - stats(b[1]).median)) console.log(`${stats(v).median.toFixed(1).padStart(8)}  ${k}`);
