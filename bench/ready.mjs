// Time to ready in headless Chromium on loopback: a fresh browser profile per
// load, the variants interleaved load by load. For each load: navigation start
// → onReady (performance.now() at onReady) and mount() → onReady.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
// Loopback only: every host name but localhost fails to resolve, so nothing leaves the
// machine (Adyen's page would otherwise fetch analytics, logos and iframes from
// its CDN while loading; none of them gates its onReady).
// The omnibox popup's WebUI: headless Chromium 156 starts it with every new
// browser (a renderer of its own parsing chrome://omnibox-popup.top-chrome for
// 300–500 ms of CPU, seen in bench/deep-trace.mjs) while the page loads; a
// shopper's browser is already running. Off for every variant alike.
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"];

/** A fresh profile and a browser on it; `close()` ends both. */
export async function launch(extraArgs = []) {
  const profile = mkdtempSync(join(tmpdir(), "bench-profile-"));
  try {
    const ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs], headless: true });
    const page = ctx.pages()[0] || (await ctx.newPage());
    return { ctx, page, close: async () => { await ctx.close().catch(() => {}); rmSync(profile, { recursive: true, force: true }); } };
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
}

/** Writes bench/out/<variant>/index.html, a page that mounts the variant and records its timings. */
export function writePage(outDir, variant, files) {
  const tags = files.map((f) => (f.endsWith(".css") ? `<link rel="stylesheet" href="${f}">` : `<script src="${f}"></script>`)).join("\n");
  writeFileSync(join(outDir, variant, "index.html"), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${variant}</title>
${tags}<script src="../harness.js"></script></head><body><div id="dropin"></div></body></html>`);
}

export const HARNESS = `// Mounts the variant once its bundle has loaded and records the timings.
window.addEventListener("load", async () => {
  const q = new URLSearchParams(location.search);
  const wait = () => new Promise((r) => { const t = () => (window.benchMount ? r() : setTimeout(t, 1)); t(); });
  await wait();
  try {
    performance.mark("bench:mount"); // the anchor of bench/deep-trace.mjs in the browser's own trace
    const mountToReady = await window.benchMount(document.getElementById("dropin"), { apiBase: q.get("api"), sessionId: q.get("session"), fieldsBase: q.get("fields") });
    const navToReady = performance.now();
    // Where the time went: navigation start → mount() (HTML, bundle, wasm),
    // and inside mount → ready the page's own fetches to the API (if any).
    const mountStart = navToReady - mountToReady;
    const api = q.get("api");
    // The page's own requests (not the card frames' navigations through the API's /hosted/field).
    const fetches = performance.getEntriesByType("resource").filter((e) => api && e.name.startsWith(api) && e.startTime >= mountStart && e.initiatorType !== "iframe");
    const apiStart = fetches.length ? Math.min(...fetches.map((e) => e.startTime)) : navToReady;
    const apiMs = fetches.length ? Math.max(...fetches.map((e) => e.responseEnd)) - apiStart : 0;
    // mount() → first API request (set-up), the requests, last answer → onReady (render).
    // The page's own files fetched by onReady (its bundle, wasm, styles): what sizes.mjs
    // counts as the variant's download must be among them, what it counts as lazy not.
    const files = [...new Set(performance.getEntriesByType("resource").filter((e) => e.name.startsWith(location.origin)).map((e) => new URL(e.name).pathname.split("/").pop()))];
    window.__bench = { mountToReady, navToReady, mountStart, apiMs, beforeApi: apiStart - mountStart, afterApi: mountToReady - (apiStart - mountStart) - apiMs, files };
  } catch (e) {
    window.__bench = { error: String(e && (e.message || e.code) || e) };
  }
});`;

export const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { n: s.length, median, mean: s.reduce((a, b) => a + b, 0) / (s.length || 1), min: s[0], max: s[s.length - 1] };
};

/**
 * Loads each variant `loads` times, interleaved, each in a fresh profile.
 * `url(variant)` returns the page URL for one load (it may create a session).
 */
export async function measureReady(variants, loads, url, extraArgs = []) {
  const samples = Object.fromEntries(variants.map((v) => [v, { navToReady: [], mountToReady: [], mountStart: [], apiMs: [], beforeApi: [], afterApi: [], errors: [], files: new Set() }]));
  for (let i = 0; i < loads; i++) {
    for (const v of variants) {
      let b = null;
      try {
        b = await launch(extraArgs);
        const page = b.page;
        await page.goto(await url(v));
        const r = await page.waitForFunction(() => window.__bench, null, { timeout: 20000 }).then((h) => h.jsonValue());
        if (r.error) samples[v].errors.push(r.error);
        else {
          for (const k of ["navToReady", "mountToReady", "mountStart", "apiMs", "beforeApi", "afterApi"]) samples[v][k].push(r[k]);
          for (const f of r.files || []) samples[v].files.add(f);
        }
      } catch (e) {
        samples[v].errors.push(String(e.message || e).split("\n")[0]);
      } finally {
        if (b) await b.close();
      }
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([v, s]) => [v, {
    navToReady: s.navToReady.length ? stats(s.navToReady) : null,
    mountToReady: s.mountToReady.length ? stats(s.mountToReady) : null,
    mountStart: s.mountStart.length ? stats(s.mountStart) : null,
    apiMs: s.apiMs.length ? stats(s.apiMs) : null,
    beforeApi: s.beforeApi.length ? stats(s.beforeApi) : null,
    afterApi: s.afterApi.length ? stats(s.afterApi) : null,
    errors: s.errors,
    // Every file of the page's origin that some load fetched by onReady.
    files: [...s.files].sort(),
  }]));
}
