// docs/BENCHMARKS.md from one run's results: the table, the machine, the date,
// how each figure was taken, and the hand-written analysis (bench/analysis.md).
import { readFileSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { cpus, totalmem, release } from "node:os";
import { fileURLToPath } from "node:url";
import { wrkVersion } from "./load.mjs";
import { CHROMIUM } from "./ready.mjs";

const sh = (cmd, args) => { try { return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim(); } catch { return null; } };

import { clsTarget } from "./cls.mjs";
import { table as lighthouseTable, TARGET as LIGHTHOUSE_TARGET } from "./lighthouse.mjs";

export function machine() {
  const cpuinfo = existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : "";
  const model = (cpuinfo.match(/^model name\s*:\s*(.*)$/m) || [])[1] || cpus()[0]?.model || "unknown";
  const os = existsSync("/etc/os-release") ? (readFileSync("/etc/os-release", "utf8").match(/^PRETTY_NAME="?([^"\n]*)/m) || [])[1] : null;
  const dirty = sh("git", ["status", "--porcelain", "--", "src", "crates", "Cargo.lock"]);
  return {
    nproc: Number(sh("nproc", [])) || cpus().length,
    model,
    memGiB: totalmem() / 2 ** 30,
    os: `${os || "unknown"}, Linux ${release()}`,
    chromium: sh(CHROMIUM, ["--version"]),
    node: process.version,
    wrk: wrkVersion(),
    loadavg: existsSync("/proc/loadavg") ? readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ") : null,
    commit: sh("git", ["rev-parse", "--short", "HEAD"]),
    dirty: !!dirty,
  };
}

const kB = (n) => (n / 1000).toFixed(1);
const f1 = (x) => (x == null || Number.isNaN(x) ? "–" : x.toFixed(1));
const f2 = (x) => (x == null || Number.isNaN(x) ? "–" : x.toFixed(2));
const range = (s, f = f1) => (s ? `${f(s.median)} (${f(s.min)}–${f(s.max)})` : "–");
const signed = (n) => (n >= 0 ? "+" : "−") + Math.abs(n).toLocaleString("en-US");
const num = (n) => (n == null ? "–" : n.toLocaleString("en-US"));
const verdict = (ok) => (ok == null ? "not measured" : ok ? "**met**" : "**missed**");

/** The targets, each {name, target, figure, ok} (ok null when not measured). */
export function targets(r) {
  const t = [];
  const s = r.sizes, rd = r.ready, cs = r.createSource, ld = r.load?.routes, m = r.memory;
  // The drop-in's download has its card frame (the i=1 page, script inline);
  // an Elements page the fields' page and shared script. (Runs before the
  // two were measured apart counted the latter for both.)
  const frame = s?.paysessionFrame?.brotli || 0, cardFrame = (s?.paysessionCardFrame || s?.paysessionFrame)?.brotli || 0;
  const ours = s?.paysession ? s.paysession.brotli + cardFrame : null;
  const sizeRatio = ours != null && s?.adyen ? ours / s.adyen.brotli : null;
  const navRatio = rd?.paysession?.navToReady && rd?.adyen?.navToReady ? rd.paysession.navToReady.median / rd.adyen.navToReady.median : null;
  t.push({ name: "navigation → onReady (medians), vs Adyen in the same run", target: "≤ 0.8 ×", figure: navRatio == null ? "–" : `${navRatio.toFixed(3)} × (${f1(rd.paysession.navToReady.median)} ms vs ${f1(rd.adyen.navToReady.median)} ms)`, ok: navRatio == null ? null : navRatio <= 0.8 });
  const mRatio = rd?.paysession?.mountToReady && rd?.adyen?.mountToReady ? rd.paysession.mountToReady.median / rd.adyen.mountToReady.median : null;
  t.push({ name: "mount() → onReady (medians), vs Adyen's mount → onReady in the same run", target: "≤ 0.5 ×", figure: mRatio == null ? "–" : `${mRatio.toFixed(3)} × (${f1(rd.paysession.mountToReady.median)} ms vs ${f1(rd.adyen.mountToReady.median)} ms)`, ok: mRatio == null ? null : mRatio <= 0.5 });
  t.push({ name: "drop-in download (SDK + frame), brotli, vs Adyen Drop-in + Card", target: "≤ 0.58 × (60 kB); 0.40 × where we are going", figure: sizeRatio == null ? "–" : `${sizeRatio.toFixed(3)} × (${kB(ours)} kB with the secure-field frame vs ${kB(s.adyen.brotli)} kB)`, ok: sizeRatio == null ? null : sizeRatio <= 0.58 });
  // The page that uses only createSource and the three card Elements imports the card build.
  const el = s?.["paysession-card"] ? s["paysession-card"].brotli + frame : null;
  t.push({ name: "page with createSource + the three card Elements only (`paysession/card` + frame), brotli", target: "≤ 35 kB", figure: el == null ? "–" : `${kB(el)} kB`, ok: el == null ? null : el <= 35000 });
  t.push({ name: "createSource vs raw fetch (ratio of medians)", target: "≤ 1.05 ×", figure: cs ? `${cs.ratio.toFixed(3)} × (${f2(cs.sdk.median)} ms vs ${f2(cs.raw.median)} ms)` : "–", ok: cs ? cs.ratio <= 1.05 : null });
  if (r.cls !== undefined) t.push(clsTarget(r.cls));
  const lh = r.lighthouse;
  if (lh) {
    const perf = Object.entries(lh).map(([form, x]) => [form, x.scores?.performance]);
    t.push({ name: "Lighthouse performance of the demo's cart page (mobile, desktop)", target: `≥ ${LIGHTHOUSE_TARGET}`, figure: perf.map(([f, v]) => `${f} ${v == null ? "–" : v.toFixed(2)}`).join(", "), ok: perf.every(([, v]) => v != null && v >= LIGHTHOUSE_TARGET) });
  }
  const srcRatio = ld?.createSource && ld?.healthz ? ld.createSource.rps / ld.healthz.rps : null;
  t.push({ name: "create-source throughput, durable commits", target: "≥ 25 % of GET /healthz", figure: srcRatio == null ? "–" : `${(srcRatio * 100).toFixed(1)} % (${ld.createSource.rps.toFixed(0)} vs ${ld.healthz.rps.toFixed(0)} req/s)`, ok: srcRatio == null ? null : srcRatio >= 0.25 });
  // "No growth": wasm linear memory must not grow; the JS heap may wobble by
  // less than 256 KiB over the run (V8 feedback and allocator noise after a
  // forced GC; one leaked drop-in per cycle shows as megabytes).
  const grew = m ? m.wasmGrowth > 0 || m.heapGrowth > 262144 || m.domGrowth > 0 : null;
  t.push({ name: `memory across ${m?.cycles ?? 1000} mount/unmount cycles`, target: "no growth", figure: m ? `wasm ${signed(m.wasmGrowth)} B, JS heap ${signed(m.heapGrowth)} B, DOM nodes ${signed(m.domGrowth)}` : "–", ok: grew == null ? null : !grew });
  return t;
}

export function renderReport(r, errors = {}) {
  const mc = r.machine, o = r.options || {};
  const s = r.sizes || {}, rd = r.ready || {}, cs = r.createSource, ld = r.load, m = r.memory;
  const L = [];
  L.push("# Benchmarks", "");
  L.push("Written by `npm run bench` (scripts/bench.sh → bench/run.mjs); rerun it to refresh every figure.",
    "Figures are printed and recorded here, never asserted in a timed test.", "");
  L.push(`- **Date**: ${r.date}`);
  L.push(`- **Machine**: ${mc.nproc} cores (nproc), ${mc.model}, ${mc.memGiB.toFixed(1)} GiB memory; ${mc.os}`);
  if (mc.loadavg) L.push(`- **Load average** (1/5/15 min) when the run started: ${mc.loadavg}${r.loadavgEnd ? `; when it ended: ${r.loadavgEnd}` : ""} — anything well above 0 means other work shared the cores and the timings are pessimistic`);
  L.push(`- **Software**: ${mc.chromium || "Chromium ?"} (headless), Node ${mc.node}, ${mc.wrk || "wrk ?"}`);
  L.push(`- **Tree**: commit ${mc.commit || "?"}${mc.dirty ? " with uncommitted changes under src/ or crates/" : ""}; SDK from pkg/ (\`npm run build\`), backend \`cargo build --release -p paysession-server\` on a fresh SQLite database (WAL, synchronous=FULL), rate limits raised by scripts/with-server.sh so they never trigger (the limiter still counts every public-key request)`);
  L.push(`- **Run**: ${o.loads} page loads per variant, ${o.iterations} createSource pairs, ${o.cycles} mount/unmount cycles, ${o.loadSeconds} s per load run with ${o.connections} connections${r.totalSeconds ? `; ${r.totalSeconds.toFixed(0)} s in all` : ""}`);
  L.push("");
  const failed = Object.keys(errors);
  if (failed.length) L.push(`**Sections that failed in this run**: ${failed.join(", ")} (see the run's output).`, "");

  L.push("## Targets", "", "| figure | target | this run | verdict |", "|---|---|---|---|");
  for (const t of targets(r)) L.push(`| ${t.name} | ${t.target} | ${t.figure} | ${verdict(t.ok)} |`);
  L.push("");

  L.push("## Side by side", "");
  L.push("| figure | paysession (`paysession/dropin`: SDK + drop-in) | Adyen Web 6.45.2 Drop-in + Card | Braintree Web Drop-in 1.48.0 |", "|---|---|---|---|");
  const sz = (v, k) => (s[v] ? `${kB(s[v][k])} kB` : "–");
  L.push(`| bytes, raw (JS + CSS + wasm) | ${sz("paysession", "raw")} | ${sz("adyen", "raw")} | ${sz("braintree", "raw")} |`);
  L.push(`| bytes, gzip -9 | ${sz("paysession", "gzip")} | ${sz("adyen", "gzip")} | ${sz("braintree", "gzip")} |`);
  L.push(`| bytes, brotli -q 11 | ${sz("paysession", "brotli")} | ${sz("adyen", "brotli")} | ${sz("braintree", "brotli")} |`);
  if (s.paysessionFrame) {
    const f = s.paysessionCardFrame || s.paysessionFrame, p = s.paysession;
    const what = s.paysessionCardFrame ? "the drop-in's one card frame: its page with the card frame's script inline" : "page + field.js; the drop-in's one card frame gets both as one page, field.js inline";
    L.push(`| secure-field frame (fields origin: ${what}), brotli | ${kB(f.brotli)} kB (${f.files.map((x) => `${x.file} ${kB(x.brotli)}`).join(", ")}) | in the bundle above | – |`);
    if (p) L.push(`| bytes the shopper downloads for the drop-in with secure fields, brotli | ${kB(p.brotli + f.brotli)} kB | ${sz("adyen", "brotli")} | ${sz("braintree", "brotli")} |`);
  }
  const hashless = (f) => f.replace(/^[0-9a-f]{16,}\./, "<hash>.").replace(/\.[0-9a-f]{16,}\./, ".<hash>.");
  const files = (v) => (s[v] ? s[v].files.map((f) => `${hashless(f.file)} ${kB(f.brotli)}`).join(", ") : "–");
  L.push(`| files (brotli kB) | ${files("paysession")} | ${files("adyen")} | ${files("braintree")} |`);
  const lazy = s.paysession?.lazy;
  if (lazy) L.push(`| not in a checkout's download: the drop-in's manage flow and its wallet buttons, loaded only when a page asks for the flow or a session offers a wallet (brotli kB) | ${kB(lazy.brotli)} kB (${lazy.files.map((f) => `${hashless(f.file)} ${kB(f.brotli)}`).join(", ")}) | – | – |`);
  const notTimed = "not timed: its drop-in fetches a client token config and hosted fields from Braintree's gateway and CDN over the internet, so a loopback load cannot reach onReady";
  L.push(`| navigation start → onReady, ms: median (min–max) | ${range(rd.paysession?.navToReady)} | ${range(rd.adyen?.navToReady)} | ${notTimed} |`);
  L.push(`| mount() → onReady, ms: median (min–max) | ${range(rd.paysession?.mountToReady)} | ${range(rd.adyen?.mountToReady)} | not timed (as above) |`);
  L.push(`| of which: navigation start → mount() call (HTML, bundle, wasm compile), ms: median | ${f1(rd.paysession?.mountStart?.median)} | ${f1(rd.adyen?.mountStart?.median)} | – |`);
  L.push(`| of which, inside mount → ready: set-up until the first API request, ms: median | ${f1(rd.paysession?.beforeApi?.median)} | (no API request: all of mount → ready) | – |`);
  L.push(`| of which, inside mount → ready: the API fetch (a simple GET: the public key rides in the URL, no CORS preflight), ms: median | ${f1(rd.paysession?.apiMs?.median)} | none | – |`);
  L.push(`| of which, inside mount → ready: last answer → onReady (render), ms: median | ${f1(rd.paysession?.afterApi?.median)} | – | – |`);
  L.push(`| what mount() waits for | GET /v1/sessions/{id}/payment-methods from the real backend (release build, loopback), a fresh session per load, then the card form's three secure-field frames (fields origin) ready for input | nothing over the network: advanced flow with a local payment-methods response | – |`);
  L.push(`| loads (fresh profile each, interleaved) | ${rd.paysession?.navToReady?.n ?? "–"} | ${rd.adyen?.navToReady?.n ?? "–"} | – |`);
  L.push("");

  // Time to ready in another browser set-up: one table per variant, the ratios against Adyen.
  const readyTable = (x, title, intro, where) => {
    if (!x) return;
    L.push(`## ${title}`, "", intro, "");
    L.push("| variant | navigation start → ready, ms: median (min–max) | mount() → ready, ms: median (min–max) | loads |", "|---|---|---|---|");
    for (const [v, y] of Object.entries(x)) L.push(`| ${v} | ${range(y.navToReady)} | ${range(y.mountToReady)} | ${y.navToReady?.n ?? 0} |`);
    const ratio = (k) => (x.paysession?.[k] && x.adyen?.[k] ? `${(x.paysession[k].median / x.adyen[k].median).toFixed(3)} ×` : "–");
    L.push("", `paysession's drop-in against Adyen's ${where}: navigation → ready ${ratio("navToReady")}, mount() → ready ${ratio("mountToReady")}.`, "");
  };
  readyTable(r.readyShared, "Time to ready with the card frame in the page's process",
    "The same pages in Chromium started with `--disable-site-isolation-trials`: a cross-site frame then runs in the page's renderer process, on its main thread, as in Chrome on Android (which isolates only some sites) and in WebKit. A fresh profile per load, variants interleaved.",
    "with the frame in the page's process");
  readyTable(r.readyFirefox, "Time to ready in Firefox ESR",
    "The same pages and harness in Firefox ESR (Debian's `firefox-esr`, headless, WebDriver BiDi through puppeteer-core), a fresh profile per load, variants interleaved.",
    "in Firefox");

  L.push("## Elements only, and where the drop-in's mount → ready goes", "");
  const pe = s["paysession-elements"], pc = s["paysession-card"], fr = s.paysessionFrame?.brotli || 0;
  const build = (x, v) => (x ? `${kB(x.brotli)} kB + ${kB(fr)} kB frame = ${kB(x.brotli + fr)} kB (${files(v)})` : "–");
  L.push("| figure | this run |", "|---|---|");
  L.push(`| card build (\`import {PaySession} from "paysession/card"\`: the three card Elements and createSource(cardElement), nothing else), brotli | ${build(pc, "paysession-card")} |`);
  L.push(`| Elements build (\`import {PaySession} from "paysession/elements"\`: createSource for every type, the card Elements, the session helpers, the compliance element, no drop-in), brotli | ${build(pe, "paysession-elements")} |`);
  L.push(`| card page: navigation start → the three card fields ready, ms: median (min–max) | ${range(rd["paysession-card"]?.navToReady)} |`);
  L.push(`| card page: mount of the three fields → all ready, ms: median (min–max) | ${range(rd["paysession-card"]?.mountToReady)} |`);
  const tr = r.trace;
  if (tr) {
    const q = (k) => f1(tr[k]?.median);
    L.push(`| drop-in, after mount() (medians of ${tr.ready?.n ?? 0} cold loads): the first card frame's navigation starts | ${q("frameStart")} ms |`);
    L.push(`| … the last frame's document is in (through the API's /hosted/field redirect) | ${q("documents")} ms |`);
    L.push(`| … the last frame's script has run (it says hi) | ${q("scripts")} ms |`);
    L.push(`| … the payment-methods answer is in | ${q("answer")} ms |`);
    L.push(`| … onReady (config sent, each frame ready, list rendered) | ${q("ready")} ms |`);
    L.push(`| **drop-in mount() → the first keystroke accepted in the number field** (sent at onReady) | **${q("keystroke")} ms** |`);
  }
  L.push("");

  L.push("## createSource overhead", "");
  if (cs) {
    L.push("| path | median ms | min ms | max ms |", "|---|---|---|---|");
    L.push(`| \`payments.createSource({type: "creditCard", sessionId, creditCard})\` | ${f2(cs.sdk.median)} | ${f2(cs.sdk.min)} | ${f2(cs.sdk.max)} |`);
    L.push(`| raw \`fetch\` of the same POST /v1/sources (same headers and ${cs.requestBytes}-byte body) | ${f2(cs.raw.median)} | ${f2(cs.raw.min)} | ${f2(cs.raw.max)} |`);
    L.push(`| **ratio of medians** | **${cs.ratio.toFixed(3)}** | | |`, "");
    if (cs.phases) {
      const p = cs.phases;
      // Means where the run has them: the page's clock moves in 0.1 ms steps
      // with jitter, which a median of sub-millisecond spans rounds to a step.
      const m = (x) => f2(x.mean ?? x.median);
      L.push(`Where an SDK call's time goes (${p.before.mean != null ? "means" : "medians"} over ${p.before.n} more calls with \`fetch\` wrapped to timestamp it): ${m(p.before)} ms before \`fetch\` is called (validation, browserInfo, JSON, headers), ${m(p.network)} ms until the answer's headers arrive, ${m(p.after)} ms after (body, JSON parse, result); the raw fetch, timed the same way: ${m(p.rawNetwork)} ms until the headers, ${m(p.rawAfter)} ms in \`res.json()\`.`, "");
    }
  } else L.push("Not measured in this run.", "");

  L.push("## Backend under load", "");
  if (ld) {
    L.push(`wrk, 1 thread, ${ld.connections} connections, ${ld.seconds} s per route, loopback; the load generator shares the ${mc.nproc} cores with the server.`, "");
    L.push("| route | key | req/s | p50 ms | p99 ms | vs GET /healthz | requests | non-2xx |", "|---|---|---|---|---|---|---|---|");
    const rows = [["healthz", "GET /healthz (ceiling)", "–"], ["createSession", "POST /v1/sessions", "sk"], ["paymentMethods", "GET /v1/sessions/{id}/payment-methods", "pk"],
      ["createSource", "POST /v1/sources (card 4242…, a fresh Idempotency-Key each, as the SDK sends)", "pk"],
      ["createSourceNoKey", "POST /v1/sources (card 4242…, no Idempotency-Key)", "pk"],
      ["createOrder", "POST /v1/orders (pre-funded sessions)", "sk"]];
    for (const [k, label, key] of rows) {
      const x = ld.routes[k];
      if (!x) { L.push(`| ${label} | ${key} | – | – | – | – | – | – |`); continue; }
      const rel = k === "healthz" ? "1" : `${((x.rps / ld.routes.healthz.rps) * 100).toFixed(1)} %`;
      L.push(`| ${label} | ${key} | ${x.rps.toFixed(0)} | ${f2(x.p50)} | ${f2(x.p99)} | ${rel} | ${num(x.requests)} | ${num(x.non2xx)}${x.socketErrors ? ` (+${x.socketErrors} socket errors)` : ""} |`);
    }
    const co = ld.routes.createOrder;
    if (co) L.push("", `create-order: ${num(co.prepared)} sessions were pre-funded (session + card source + attach) before the run; ${co.exhausted ? `all were consumed in ${co.seconds.toFixed(2)} s, so the run ended early (up to ${ld.connections} trailing requests went to /healthz and are counted)` : "the run did not exhaust them"}.`);
    L.push("");
  } else L.push("Not measured in this run.", "");

  if (r.lighthouse) L.push("## Lighthouse on the demo's cart page", "", "bench/lighthouse.mjs against the release backend serving the demo (`--demo www/dist`); a score lost is listed under the table.", "", lighthouseTable(r.lighthouse), "");
  L.push("## Webhook delivery", "");
  const wh = r.webhooks;
  if (wh) {
    L.push(`A receiver on 127.0.0.1 registered for \`session.created\` (bench/webhooks.mjs); ${num(wh.events)} sessions created by 8 clients as fast as they go, then ${num(wh.lone ?? 0)} one at a time (each waiting for its event: *alone*); the server's default worker settings (a commit wakes the worker of its process; it also looks for due deliveries every 500 ms at most, for other instances' commits). *Lag*: from the create's answer (its commit acknowledged) to the event's arrival at the receiver.`, "");
    L.push("| events | delivered | duplicates | delivered/s | created/s | lag median ms | lag p95 ms | lag max ms | alone: lag median ms | p95 | max |", "|---|---|---|---|---|---|---|---|---|---|---|");
    const lone = wh.loneLagMs ? [wh.loneLagMs.median, wh.loneLagMs.p95, wh.loneLagMs.max].map((x) => x.toFixed(1)) : ["–", "–", "–"];
    L.push(`| ${num(wh.events)} | ${num(wh.delivered)} | ${num(wh.duplicates)} | ${wh.deliveredPerSecond.toFixed(0)} | ${wh.createPerSecond.toFixed(0)} | ${wh.lagMs.median.toFixed(0)} | ${wh.lagMs.p95.toFixed(0)} | ${wh.lagMs.max.toFixed(0)} | ${lone.join(" | ")} |`, "");
  } else L.push("Not measured in this run.", "");

  L.push("## Store engines: SQLite and PostgreSQL with 1, 2 and 3 instances", "");
  const en = r.engines;
  if (en && ld) {
    L.push(`The same release server on SQLite (the load section above: one process, group commit) and on PostgreSQL ${en.postgresVersion || ""} (a throwaway cluster from scripts/pg.sh, fsync and synchronous commit on, as SQLite's synchronous=FULL; a fresh schema per row) with 1, 2 and 3 instances sharing it, ${en.dbPool} database connections per instance. wrk runs once per instance at the same time with the ${en.connections} connections split between them, ${en.seconds} s per run. Everything (wrk, the instances, PostgreSQL) shares the machine's ${mc.nproc} cores, so more instances add contention here, not capacity: the figures show what the shared database costs and that nothing breaks, not how far it scales on more machines. *db pool waits*: checkouts that found every connection of an instance busy (0 = the pool was never what ran out).`, "");
    L.push("| engine | instances | create-source req/s | p99 ms | create-order req/s | p99 ms | db pool waits | prepared sessions |", "|---|---|---|---|---|---|---|---|");
    const cs0 = ld.routes.createSource, co0 = ld.routes.createOrder;
    if (cs0 && co0) L.push(`| SQLite | 1 | ${cs0.rps.toFixed(0)} | ${f2(cs0.p99)} | ${co0.rps.toFixed(0)} | ${f2(co0.p99)} | – | ${num(co0.prepared)}${co0.exhausted ? " (all consumed: the figure is a lower bound)" : ""} |`);
    for (const x of en.postgres) {
      const a = x.createSource, b = x.createOrder;
      L.push(`| PostgreSQL | ${x.instances} | ${a.rps.toFixed(0)} | ${f2(a.p99)} | ${b.rps.toFixed(0)} | ${f2(b.p99)} | ${a.poolWaits} / ${b.poolWaits} | ${num(b.prepared)}${b.exhausted ? " (all consumed: the figure is a lower bound)" : ""} |`);
    }
    if (cs0 && en.postgres[0]) L.push("", `PostgreSQL with one instance against SQLite: create-source ${(en.postgres[0].createSource.rps / cs0.rps).toFixed(2)}×, create-order ${(en.postgres[0].createOrder.rps / co0.rps).toFixed(2)}×.`);
    L.push("");
  } else L.push("Not measured in this run.", "");

  L.push("## Memory", "");
  const mems = [["callbacks close over the drop-in (`onReady: () => resolve(dropin)`)", m], ["callbacks reference nothing of the drop-in", r.memoryNoCapture]].filter(([, x]) => x);
  if (mems.length) {
    L.push("| scenario | reading | wasm linear memory | JS heap used | DOM elements |", "|---|---|---|---|---|");
    for (const [label, x] of mems) {
      L.push(`| ${label} | after the first mount (onReady) | ${num(x.afterMount.wasmBytes)} B | ${num(x.afterMount.jsHeapUsed)} B | ${x.afterMount.domNodes} |`);
      L.push(`| | after ${num(x.cycles)} mount/unmount cycles, one mounted | ${num(x.afterCycles.wasmBytes)} B | ${num(x.afterCycles.jsHeapUsed)} B | ${x.afterCycles.domNodes} |`);
      L.push(`| | **growth** | **${signed(x.wasmGrowth)} B** | **${signed(x.heapGrowth)} B** | **${signed(x.domGrowth)}** |`);
    }
    L.push("", `One cycle (createDropin → mount → onReady → unmount, with its payment-methods fetch) took ${mems.map(([, x]) => f2(x.cycleMs)).join(" / ")} ms on average.`, "");
  } else L.push("Not measured in this run.", "");

  L.push("## How each figure was taken", "");
  L.push(
    "- **Bytes**: each variant is an entry built by webpack 5 in production mode (bench/webpack.config.js, CSS extracted by mini-css-extract-plugin) the way a storefront would bundle it: `import {PaySession} from \"paysession\"` (pkg/, the bundler build of `npm run build`, wasm-opt -Oz), `@adyen/adyen-web` Drop-in + Card with its stylesheet, `braintree-web-drop-in` with its stylesheet. Every emitted .js, .css and .wasm file is counted (licence text files are not), raw, `gzip -9` and `brotli -q 11` (node:zlib), in decimal kB. Our styles live in the module (a constructed stylesheet), so there is no CSS file.",
    "- **Time to ready**: headless Chromium (flags in bench/ready.mjs), a new browser on a fresh `--user-data-dir` per load (cold HTTP cache, cold compile cache), pages and bundles served from a static server on 127.0.0.1, variants interleaved load by load. The page calls `window.benchMount(el)` on `load`; *navigation start → onReady* is `performance.now()` at onReady (its time origin is the navigation start), *mount() → onReady* is measured inside the page from before `new PaySession(…)` / `AdyenCheckout(…)` to the onReady callback. Ours creates a fresh session per load beforehand (POST /v1/sessions with sk_test_default, not timed) and its onReady waits for the payment methods from the real backend; Adyen's uses its advanced flow with a local payment-methods response (no network).",
    "- **createSource overhead**: one page, one `PaySession`, one session; the SDK's first call is captured (URL, headers, JSON body — including the `browserInfo` the SDK adds) and replayed by a raw `fetch` with a fresh `Idempotency-Key` per request. After one untimed pair, SDK and raw requests alternate (A B B A …) so neither always goes first; each sample is `performance.now()` around the awaited call, including reading the JSON answer. Every source is `chargeable` (checked). The CORS preflight is cached after the warm-up for both paths.",
    "- **Backend under load**: the release build on a fresh temporary SQLite database (durable commits: WAL, synchronous=FULL) on loopback; wrk (bench/load/wrk.lua) with one thread and a few keep-alive connections, one short run per route, GET /healthz of the same server as the ceiling. Payment methods and create-source rotate over a pool of pre-created sessions; create-order uses sessions pre-funded beforehand (create session + card source + attach), one order per session. Latency is wrk's per-request latency. With 2 cores the load generator competes with the server for CPU, so these figures are lower bounds and the ratios matter more than the absolute numbers.",
    "- **Memory**: a lab page (bench/lab/lab.js) bundles the SDK the same way and imports the module's `memory` export beside it (webpack hands both imports the same instance). Chromium runs with `--enable-precise-memory-info --js-flags=--expose-gc`; before each reading `gc()` runs three times with a 50 ms pause (so FinalizationRegistry callbacks that free wasm-side objects run). Reading 1: after the first mount's onReady. Then that drop-in is unmounted and N cycles of `createDropin({sessionId, onReady}).mount(el)` → wait for onReady → `unmount()` run (no `free()`, as a storefront would not call it); reading 2 with one drop-in mounted again, after its onReady. wasm memory never shrinks, so its growth is the high-water mark's growth. Two scenarios, each in a fresh browser: the callbacks close over the drop-in (the headline figure and the target; a storefront's `onReady: () => dropin.…` does this) and the callbacks reference nothing of it. JS heap growth under 256 KiB over the run counts as no growth (V8 feedback and allocator noise after a forced GC; a drop-in leaked per cycle costs about 2.6 kB, megabytes over the run).",
  );
  L.push("");
  const analysis = fileURLToPath(new URL("./analysis.md", import.meta.url));
  if (existsSync(analysis)) L.push(readFileSync(analysis, "utf8").trim(), "");
  return L.join("\n");
}
