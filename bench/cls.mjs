// Cumulative Layout Shift of the demo shop's checkout step, in headless
// Chromium on loopback (issue 17: "the checkout step shifts the layout as the
// drop-in appears"; target < 0.1).
//
// `measureCls(demoUrl)` (the figure; `measureCheckout` with the details) opens the demo (a `paysession-server --demo www/dist`),
// picks a market, clicks Checkout and waits for the drop-in's method list and
// its onReady, then for the layout to stay still. CLS is computed as
// Lighthouse and web-vitals do: the 'layout-shift' entries after the click
// grouped into session windows (a gap under 1 s, at most 5 s long), the
// largest window's sum, leaving out shifts with recent input as Lighthouse
// does in a timespan (see sessionWindowCls). It does so
// at Lighthouse's mobile viewport (412 × 823) and its desktop one
// (1350 × 940), each in a fresh browser profile, and answers both, the
// larger as `cls`, and which elements moved.
//
// `withDemoServer(bin, fn)` runs `fn(demoUrl)` against a demo server of its
// own (the bench's server has no --demo), building www/dist when missing or
// older than pkg/ or the demo's sources (`demoStale`).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "./ready.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

export const VIEWPORTS = { mobile: { width: 412, height: 823 }, desktop: { width: 1350, height: 940 } };

/**
 * CLS of `shifts` ({value, startTime, hadRecentInput}) as Lighthouse computes
 * it for a timespan (a user flow step): shifts in session windows (a gap under
 * 1 s, at most 5 s), the largest window's sum. Shifts flagged with recent
 * input (500 ms after an input) are left out, except, as Lighthouse does
 * (core/computed/metrics/cumulative-layout-shift.js: its emulated input sets
 * the flag), those before the first shift that is not flagged. With
 * `{strict: true}` every flagged shift is left out (web-vitals in the field).
 */
export function sessionWindowCls(shifts, { strict = false } = {}) {
  let best = 0, sum = 0, first = -Infinity, prev = -Infinity, respect = strict;
  for (const s of [...shifts].sort((a, b) => a.startTime - b.startTime)) {
    if (s.hadRecentInput && respect) continue;
    if (!s.hadRecentInput) respect = true;
    if (s.startTime - prev >= 1000 || s.startTime - first >= 5000) { sum = 0; first = s.startTime; }
    sum += s.value;
    prev = s.startTime;
    best = Math.max(best, sum);
  }
  return best;
}

// Before the page's own scripts: every layout shift with what moved.
const RECORD = () => {
  window.__shifts = [];
  const describe = (n) => !n || n.nodeType !== 1 ? (n ? n.nodeName.toLowerCase() : "(in a shadow root)")
    : n.localName + (n.id ? `#${n.id}` : "") + [...n.classList].map((c) => `.${c}`).join("");
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      window.__shifts.push({ value: e.value, startTime: e.startTime, hadRecentInput: e.hadRecentInput,
        // What moved (null: a node inside a shadow root, such as the drop-in's) and where.
        sources: (e.sources || []).map((s) => `${describe(s.node)} y ${Math.round(s.previousRect.y)}→${Math.round(s.currentRect.y)}, h ${Math.round(s.previousRect.height)}→${Math.round(s.currentRect.height)}`) });
    }
  }).observe({ type: "layout-shift", buffered: true });
};

/** The kind of a response, for the bytes' breakdown. */
const kind = (url, type) => /\.wasm(\?|$)/.test(url) ? "wasm" : /javascript/.test(type) ? "js" : /css/.test(type) ? "css"
  : /html/.test(type) ? "html" : /json/.test(type) ? "json" : "other";

async function once(demoUrl, viewport, { identity = false } = {}) {
  const b = await launch();
  try {
    const page = b.page;
    await page.setViewportSize(viewport);
    // Bytes on the wire (bodies as sent, headers apart) of every response of
    // the page and its frames, from the first byte to the drop-in's onReady.
    const bytes = { body: 0, headers: 0, byKind: {}, encodings: {} };
    const pending = [];
    page.on("requestfinished", (req) => pending.push((async () => {
      const res = await req.response();
      if (!res) return;
      const sz = await req.sizes();
      const k = kind(req.url(), res.headers()["content-type"] || "");
      bytes.body += sz.responseBodySize;
      bytes.headers += sz.responseHeadersSize;
      bytes.byKind[k] = (bytes.byKind[k] || 0) + sz.responseBodySize;
      const enc = res.headers()["content-encoding"] || "identity";
      bytes.encodings[enc] = (bytes.encodings[enc] || 0) + 1;
    })().catch(() => {})));
    // As a client that accepts no compression would be served (what every
    // client got before issue 17).
    if (identity) await page.setExtraHTTPHeaders({ "accept-encoding": "identity" });
    await page.addInitScript(RECORD);
    await page.goto(`${demoUrl.replace(/\/$/, "")}/?terms=off`);
    await page.locator("#market option").first().waitFor({ state: "attached" });
    await page.locator("#market").selectOption("NL:EUR");
    // Let the cart settle (its own shifts are not the checkout step's).
    await page.waitForTimeout(300);
    const clickedAt = await page.evaluate(() => performance.now());
    await page.locator("#checkout").click();
    await page.locator("#drop-in button[aria-expanded]").first().waitFor({ state: "visible", timeout: 20000 });
    await page.locator("#log .what", { hasText: "callback: onReady" }).first().waitFor({ timeout: 20000 });
    // Still: no new shift for 1.5 s (Lighthouse's windows close after 1 s), at most 10 s.
    let n = -1, still = 0;
    for (let i = 0; i < 100 && still < 15; i++) {
      const m = await page.evaluate(() => window.__shifts.length);
      still = m === n ? still + 1 : 0;
      n = m;
      await page.waitForTimeout(100);
    }
    const shifts = (await page.evaluate(() => window.__shifts)).filter((s) => s.startTime >= clickedAt);
    await Promise.all(pending);
    return {
      bytes,
      cls: sessionWindowCls(shifts),
      // Without any shift inside 500 ms of the click (what web-vitals reports in the field).
      strict: sessionWindowCls(shifts, { strict: true }),
      shifts: shifts.map((s) => ({ value: +s.value.toFixed(4), ms: Math.round(s.startTime - clickedAt), recentInput: s.hadRecentInput, sources: s.sources })),
    };
  } finally {
    await b.close();
  }
}

/** The demo's checkout step at the mobile and desktop viewports: for each its
 * CLS, the shifts and the bytes it downloads (`{identity: true}`: asking for
 * no compression); `cls` the larger CLS. */
export async function measureCheckout(demoUrl, opts = {}) {
  const out = {};
  for (const [name, vp] of Object.entries(VIEWPORTS)) out[name] = await once(demoUrl, vp, opts);
  out.cls = Math.max(...Object.keys(VIEWPORTS).map((k) => out[k].cls));
  return out;
}

/** CLS of the demo's checkout step: the larger of the mobile and desktop figures. */
export async function measureCls(demoUrl) {
  return (await measureCheckout(demoUrl)).cls;
}

/** The row of the targets table, from `measureCheckout`'s answer (null: not measured). */
export function clsTarget(r) {
  return {
    name: "CLS of the checkout step",
    target: "< 0.1",
    figure: r ? `${r.cls.toFixed(3)} (mobile ${r.mobile.cls.toFixed(3)}, desktop ${r.desktop.cls.toFixed(3)})` : "–",
    ok: r ? r.cls < 0.1 : null,
  };
}

/**
 * www/dist is missing, or older than what it is built from (the SDK in pkg/,
 * the demo's sources, the webpack config): a bench of an older SDK's demo
 * measured the CLS and Lighthouse rows of a build that was not the one named.
 */
export function demoStale(root = ROOT) {
  const built = `${root}/www/dist/index.html`;
  if (!existsSync(built)) return true;
  const at = statSync(built).mtimeMs;
  const newer = (p) => {
    if (!existsSync(p)) return false;
    const st = statSync(p);
    if (!st.isDirectory()) return st.mtimeMs > at;
    return readdirSync(p).some((f) => newer(join(p, f)));
  };
  return ["pkg", "www/src", "www/index.html", "webpack.config.js"].some((p) => newer(`${root}/${p}`));
}

/** Runs `fn(demoUrl)` with `bin --demo www/dist` on loopback ports of its own, then stops it. */
export async function withDemoServer(bin, fn) {
  if (demoStale()) {
    const r = spawnSync("bash", ["scripts/build-demo.sh"], { cwd: ROOT, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`build-demo failed: ${(r.stderr || r.stdout).slice(-2000)}`);
  }
  const child = spawn(resolve(bin), ["--listen", "127.0.0.1:0", "--fields-listen", "127.0.0.1:0", "--database", "sqlite::memory:",
    "--demo", "www/dist", "--rate-limit-public", "off", "--rate-limit-demo-checkout", "off"],
  { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  try {
    const url = await new Promise((resolve, reject) => {
      let out = "";
      const t = setTimeout(() => reject(new Error(`the demo server did not start in 30 s: ${out}`)), 30000);
      child.stdout.on("data", (d) => {
        out += d;
        const m = out.match(/^listening on (http:\/\/\S+)/m);
        if (m && /^fields on /m.test(out)) { clearTimeout(t); resolve(m[1]); }
      });
      child.on("exit", (c) => { clearTimeout(t); reject(new Error(`the demo server exited (${c}): ${out}`)); });
      child.on("error", (e) => { clearTimeout(t); reject(e); });
    });
    return await fn(url);
  } finally {
    child.kill();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // node bench/cls.mjs DEMO_URL | --bin SERVER_BINARY  [--identity]
  const [a, b] = process.argv.slice(2);
  // --identity: the bytes as a client that accepts no compression gets them.
  const opts = { identity: process.argv.includes("--identity") };
  const r = a === "--bin" ? await withDemoServer(b, (u) => measureCheckout(u, opts)) : await measureCheckout(a, opts);
  console.log(JSON.stringify(r, null, 2));
}
