// The lab page: our SDK as a storefront bundles it, plus the hooks the
// createSource-overhead and memory measurements drive (window.lab*).
// The wasm module's own exports are imported beside the SDK; webpack gives
// both imports the same instance, so `memory` is the SDK's linear memory.
import { PaySession } from "paysession";
import * as wasm from "paysession/paysession_bg.wasm";

const CARD = { number: "4242424242424242", expirationMonth: 12, expirationYear: 2034, cvv: "123" };

function payments(apiBase) {
  return new PaySession("pk_test_default", { apiBase });
}

/**
 * createSource through the SDK against a raw fetch of the same request:
 * same URL, method, headers and JSON body as the SDK sends (captured from the
 * SDK's own first call), a fresh Idempotency-Key per request. Interleaved
 * A B B A so neither side always goes first. Returns the samples in ms.
 */
window.labCreateSource = async function labCreateSource({ apiBase, sessionId, iterations }) {
  const ps = payments(apiBase);
  const payload = () => ({ type: "creditCard", sessionId, creditCard: { ...CARD } });
  // Capture what the SDK sends (its fetch is the global one, looked up per call).
  const realFetch = window.fetch;
  let captured = null;
  window.fetch = (url, init) => {
    captured = { url: String(url), method: init.method, headers: { ...init.headers }, body: init.body };
    return realFetch(url, init);
  };
  let warm;
  try {
    warm = await ps.createSource(payload());
  } finally {
    window.fetch = realFetch;
  }
  if (!captured) throw new Error("the SDK made no fetch call");
  if (warm.state !== "chargeable") throw new Error(`warm-up createSource: ${JSON.stringify(warm.error || warm.state)}`);
  const sdk = async () => {
    const t0 = performance.now();
    const r = await ps.createSource(payload());
    const t = performance.now() - t0;
    if (r.state !== "chargeable") throw new Error(`createSource: ${JSON.stringify(r.error || r.state)}`);
    return t;
  };
  const raw = async () => {
    const t0 = performance.now();
    const res = await fetch(captured.url, {
      method: captured.method,
      headers: { ...captured.headers, "Idempotency-Key": crypto.randomUUID() },
      body: captured.body,
      mode: "cors",
      credentials: "omit",
      cache: "no-store",
    });
    const json = await res.json();
    const t = performance.now() - t0;
    if (res.status !== 201 || json.state !== "chargeable") throw new Error(`raw fetch: ${res.status}`);
    return t;
  };
  // One more untimed pair: both paths warm (JIT, preflight cache, connection).
  await raw();
  await sdk();
  const samples = { sdk: [], raw: [] };
  for (let i = 0; i < iterations; i++) {
    if (i % 2 === 0) { samples.sdk.push(await sdk()); samples.raw.push(await raw()); }
    else { samples.raw.push(await raw()); samples.sdk.push(await sdk()); }
  }
  // Where the SDK's extra time goes: a few more SDK calls with fetch wrapped to
  // timestamp the call (before: validation, browserInfo, JSON, headers) and the
  // answer's headers (after: reading the body, parsing, shaping the result).
  const phases = { before: [], network: [], after: [], rawNetwork: [], rawAfter: [] };
  for (let i = 0; i < Math.min(iterations, 50); i++) {
    let tCall = 0, tResp = 0;
    window.fetch = (url, init) => { tCall = performance.now(); return realFetch(url, init).then((r) => { tResp = performance.now(); return r; }); };
    try {
      const t0 = performance.now();
      const r = await ps.createSource(payload());
      const t1 = performance.now();
      if (r.state !== "chargeable") throw new Error(`createSource: ${JSON.stringify(r.error || r.state)}`);
      phases.before.push(tCall - t0); phases.network.push(tResp - tCall); phases.after.push(t1 - tResp);
    } finally {
      window.fetch = realFetch;
    }
    // The raw path's own "after" (res.json()), for comparison.
    const t0 = performance.now();
    const res = await fetch(captured.url, { method: captured.method, headers: { ...captured.headers, "Idempotency-Key": crypto.randomUUID() },
      body: captured.body, mode: "cors", credentials: "omit", cache: "no-store" });
    const t1 = performance.now();
    await res.json();
    phases.rawNetwork.push(t1 - t0); phases.rawAfter.push(performance.now() - t1);
  }
  return { ...samples, phases, requestBytes: captured.body.length, headers: Object.keys(captured.headers) };
};

const settle = () => new Promise((r) => setTimeout(r, 50));

/** Forced GC (twice, with a pause for finalizers), then wasm memory and the JS heap. */
async function snapshot() {
  if (typeof window.gc !== "function") throw new Error("gc() missing: launch Chromium with --js-flags=--expose-gc");
  for (let i = 0; i < 3; i++) { window.gc(); await settle(); }
  return {
    wasmBytes: wasm.memory.buffer.byteLength,
    jsHeapUsed: performance.memory ? performance.memory.usedJSHeapSize : null,
    domNodes: document.getElementsByTagName("*").length,
  };
}

/**
 * Mounts a drop-in and resolves with it at onReady. `captures`: the callbacks
 * close over the drop-in (as `onReady: () => dropin.…` in a storefront would);
 * otherwise they are made in a scope that cannot see it (V8 shares one
 * context among the closures of a scope, so a sibling closure that names the
 * drop-in would make every callback retain it).
 */
function mountReady(ps, target, sessionId, captures) {
  let dropin = null;
  const ready = new Promise((resolve, reject) => {
    const cb = captures
      ? { onReady: () => resolve(dropin), onError: (e) => reject(new Error(JSON.stringify(e))) }
      : blindCallbacks(resolve, reject);
    dropin = ps.createDropin({ sessionId, ...cb });
  });
  dropin.mount(target);
  return ready.then(() => dropin);
}

function blindCallbacks(resolve, reject) {
  return { onReady: () => resolve(), onError: (e) => reject(new Error(JSON.stringify(e))) };
}

/**
 * Memory after one mount, then after `cycles` mount → onReady → unmount cycles
 * (each waits for onReady, so each cycle fetches the payment methods and
 * renders), measured again with one drop-in mounted, as after the first.
 * Nothing calls `free()`: the wrappers are left to the garbage collector.
 */
window.labMemory = async function labMemory({ apiBase, sessionId, cycles, captures = true }) {
  const target = document.getElementById("dropin");
  const ps = payments(apiBase);
  let dropin = await mountReady(ps, target, sessionId, captures);
  const afterMount = await snapshot();
  dropin.unmount();
  dropin = null;
  const t0 = performance.now();
  for (let i = 0; i < cycles; i++) {
    const d = await mountReady(ps, target, sessionId, captures);
    d.unmount();
  }
  const cycleMs = (performance.now() - t0) / Math.max(cycles, 1);
  dropin = await mountReady(ps, target, sessionId, captures);
  const afterCycles = await snapshot();
  dropin.unmount();
  return { cycles, captures, cycleMs, afterMount, afterCycles };
};

// For ad-hoc probes (heap inspection from the DevTools protocol).
window.__ps = { PaySession };
window.__mem = () => wasm.memory;
window.labReady = true;
