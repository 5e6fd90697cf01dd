// Smoke of the benchmark harness (`npm test`, scripts/test-bench-smoke.sh):
// every measurement once at toy sizes against the running backend
// ($PAYSESSION_API). Figures are printed; the only assertion is that each
// measurement produced a number.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { runAll } from "./run.mjs";
import { renderReport, targets } from "./report.mjs";

const api = process.env.PAYSESSION_API;
let run;

before(async () => {
  assert.ok(api, "PAYSESSION_API must name a running backend (scripts/with-server.sh)");
  const opts = { api, loads: 1, iterations: 5, cycles: 5, loadSeconds: 1, connections: 3, build: true, engines: true, lighthouse: false, webhookEvents: 20 };
  run = await runAll(opts, (line) => console.log(line));
}, { timeout: 240000 });

const isNum = (x, what) => assert.ok(typeof x === "number" && Number.isFinite(x), `${what} is not a number: ${x}`);
const noError = (name) => assert.equal(run.errors[name], undefined, run.errors[name]);

test("webpack builds the variants", () => noError("build"));

test("sizes: raw, gzip and brotli of each variant", () => {
  noError("sizes");
  for (const v of ["paysession", "paysession-elements", "paysession-card", "adyen", "braintree"]) for (const k of ["raw", "gzip", "brotli"]) isNum(run.results.sizes[v]?.[k], `${v} ${k}`);
  // The manage module and wallet.js, which webpack emits beside the drop-in, are not a checkout's download.
  const p = run.results.sizes.paysession;
  assert.deepEqual(p.files.filter((f) => /^(paysession-manage|wallet)/.test(f.file)), []);
  assert.deepEqual(p.lazy?.files.map((f) => f.file.replace(/\.[0-9a-f]{16}\./, ".")).sort(), ["paysession-manage.js", "paysession-manage_bg.wasm", "wallet.js"]);
  // The frames, measured apart: an Elements page's (page + shared script)
  // and the drop-in's card frame (one page, its script inline).
  if (process.env.PAYSESSION_FIELDS) {
    const { paysessionFrame: f, paysessionCardFrame: c } = run.results.sizes;
    isNum(f?.brotli, "the fields' frame");
    isNum(c?.brotli, "the drop-in's card frame");
    assert.deepEqual(c.files.map((x) => x.file), ["field?i=1 (page, script inline)"]);
  }
});

test("time to ready: navigation and mount to onReady", () => {
  noError("ready");
  for (const v of ["paysession", "paysession-card", "adyen"]) {
    isNum(run.results.ready[v].navToReady?.median, `${v} nav→ready`);
    isNum(run.results.ready[v].mountToReady?.median, `${v} mount→ready`);
  }
});

test("the bytes counted are the files the timed pages fetch by onReady, the lazy ones not", () => {
  noError("ready");
  noError("sizes");
  for (const v of ["paysession", "paysession-card", "adyen"]) {
    const fetched = run.results.ready[v].files;
    const sizes = run.results.sizes[v];
    assert.deepEqual(sizes.files.map((f) => f.file).filter((f) => !fetched.includes(f)), [], `${v}: counted but not fetched (fetched: ${fetched})`);
    assert.deepEqual((sizes.lazy?.files || []).map((f) => f.file).filter((f) => fetched.includes(f)), [], `${v}: counted as lazy but fetched`);
  }
});

test("time to ready with the card frame in the page's process", () => {
  noError("readyShared");
  for (const v of ["paysession", "adyen"]) isNum(run.results.readyShared[v].mountToReady?.median, `shared-process ${v} mount→ready`);
});

test("time to ready in Firefox ESR", () => {
  noError("readyFirefox");
  for (const v of ["paysession", "paysession-card", "adyen"]) isNum(run.results.readyFirefox[v].navToReady?.median, `Firefox ${v} nav→ready`);
});

test("where the drop-in's mount → ready goes, and the first keystroke", () => {
  noError("trace");
  for (const k of ["frameStart", "documents", "scripts", "answer", "ready", "keystroke"]) isNum(run.results.trace[k]?.median, `trace ${k}`);
});

test("createSource against a raw fetch", () => {
  noError("createSource");
  isNum(run.results.createSource.ratio, "ratio");
});

test("memory after mount and after cycles", () => {
  noError("memory");
  noError("memoryNoCapture");
  isNum(run.results.memoryNoCapture.heapGrowth, "heap growth (callbacks not capturing)");
  const m = run.results.memory;
  isNum(m.afterMount.wasmBytes, "wasm after mount");
  isNum(m.afterMount.jsHeapUsed, "JS heap after mount");
  isNum(m.wasmGrowth, "wasm growth");
  isNum(m.heapGrowth, "heap growth");
});

test("CLS of the demo's checkout step", () => {
  noError("cls");
  for (const k of ["mobile", "desktop"]) isNum(run.results.cls[k].cls, `${k} CLS`);
});

test("backend under load: every route", () => {
  noError("load");
  for (const k of ["healthz", "createSession", "paymentMethods", "createSource", "createSourceNoKey", "createOrder"]) {
    isNum(run.results.load.routes[k]?.rps, `${k} req/s`);
    isNum(run.results.load.routes[k]?.p99, `${k} p99`);
  }
});

test("store engines: PostgreSQL with 1, 2 and 3 instances", () => {
  noError("engines");
  assert.equal(run.results.engines.postgres.length, 3);
  for (const x of run.results.engines.postgres) {
    isNum(x.createSource.rps, `postgres × ${x.instances} create-source req/s`);
    isNum(x.createOrder.rps, `postgres × ${x.instances} create-order req/s`);
  }
});

test("the report renders every figure", () => {
  const md = renderReport(run.results, run.errors);
  for (const t of targets(run.results)) {
    console.log(`# target ${t.name}: ${t.figure} (${t.ok == null ? "not measured" : t.ok ? "met" : "missed"})`);
    assert.notEqual(t.ok, null, `${t.name} not measured`);
  }
  assert.match(md, /## Side by side/);
  assert.match(md, /\| PostgreSQL \| 3 \|/);
});

test("webhooks: delivery throughput and commit → delivery lag", () => {
  noError("webhooks");
  isNum(run.results.webhooks.deliveredPerSecond, "webhook deliveries per second");
  isNum(run.results.webhooks.lagMs.median, "webhook lag median");
  isNum(run.results.webhooks.loneLagMs.median, "webhook lag median of an event alone");
});
