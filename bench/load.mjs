// Backend under load: wrk against the session backend on loopback, one short
// run per route, the bare GET /healthz of the same server as the ceiling.
// Requests are prepared here (sessions, pre-funded sessions) with plain fetch.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const LUA = fileURLToPath(new URL("./load/wrk.lua", import.meta.url));
export const SK = "sk_test_default";
export const PK = "pk_test_default";
export const SESSION_BODY = { amount: 1000, currency: "EUR", country: "DE" };
const CARD = { number: "4242424242424242", expirationMonth: 12, expirationYear: 2034, cvv: "123" };

export async function call(api, method, path, key, body) {
  const res = await fetch(api + path, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => null);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A new session (secret key). */
export async function createSession(api) {
  return (await call(api, "POST", "/v1/sessions", SK, SESSION_BODY)).id;
}

/** A session ready for an order: created, a card source, the source attached. */
export async function fundedSession(api) {
  const id = await createSession(api);
  const src = await call(api, "POST", "/v1/sources", PK, { type: "creditCard", sessionId: id, creditCard: CARD });
  await call(api, "POST", `/v1/sessions/${id}/sources`, SK, { sourceId: src.id });
  return id;
}

/** Runs `fn` `n` times, `parallel` at a time; returns the results in order. */
export async function pool(n, parallel, fn) {
  const out = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(parallel, n) }, async () => {
    while (next < n) { const i = next++; out[i] = await fn(i); }
  }));
  return out;
}

export function wrkVersion() {
  const r = spawnSync("wrk", ["-v"], { encoding: "utf8" });
  if (r.error) return null;
  return ((r.stdout || "") + (r.stderr || "")).split("\n")[0].trim();
}

/** One wrk run; resolves to {rps, p50, p99 (ms), requests, non2xx, errors, seconds}. */
export async function wrk(api, { seconds, connections, env }) {
  const dir = mkdtempSync(join(tmpdir(), "bench-wrk-"));
  const report = join(dir, "report.json");
  try {
    const args = ["-t1", `-c${connections}`, `-d${seconds}s`, "--timeout", "10s", "-s", LUA, api];
    const child = spawn("wrk", args, { env: { ...process.env, ...env, BENCH_REPORT: report }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const kill = setTimeout(() => child.kill("SIGKILL"), (seconds + 60) * 1000);
    const code = await new Promise((resolve, reject) => { child.on("error", reject); child.on("close", resolve); });
    clearTimeout(kill);
    if (code !== 0) throw new Error(`wrk exited ${code}: ${output}`);
    const s = JSON.parse(readFileSync(report, "utf8"));
    const secs = s.duration_us / 1e6;
    return {
      rps: s.requests / secs,
      p50: s.p50_us / 1000, p90: s.p90_us / 1000, p99: s.p99_us / 1000, max: s.max_us / 1000,
      requests: s.requests, seconds: secs, non2xx: s.non2xx3xx,
      socketErrors: s.connect + s.read + s.write + s.timeout,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sessions to pre-fund for an order run of `seconds` at about `rps`. */
export function ordersFor(rps, seconds, max = 60000) {
  return Math.max(50, Math.min(max, Math.ceil(rps * seconds * 2)));
}

/**
 * All load runs against `api`. `seconds` per run, `connections` held open by
 * one wrk thread. Returns {route: result} plus the prep counts.
 */
export async function measureLoad(api, { seconds = 5, connections = 8, poolSize = 64, maxOrders = 60000, log = () => {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "bench-load-"));
  try {
    const sessions = await pool(poolSize, 8, () => createSession(api));
    const poolFile = join(dir, "sessions.txt");
    writeFileSync(poolFile, sessions.join("\n") + "\n");
    const run = async (name, env) => {
      const r = await wrk(api, { seconds, connections, env });
      log(`load ${name}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms (${r.requests} requests, ${r.non2xx} non-2xx)`);
      return r;
    };
    const out = {};
    out.healthz = await run("healthz", { BENCH_METHOD: "GET", BENCH_PATH: "/healthz" });
    out.createSession = await run("create-session", {
      BENCH_METHOD: "POST", BENCH_PATH: "/v1/sessions", BENCH_AUTH: SK, BENCH_BODY: JSON.stringify(SESSION_BODY),
    });
    out.paymentMethods = await run("payment-methods", {
      BENCH_METHOD: "GET", BENCH_PATH: "/v1/sessions/{id}/payment-methods", BENCH_AUTH: PK, BENCH_IDS: poolFile,
    });
    // With a fresh Idempotency-Key per request, as the SDK always sends one
    // (the headline figure), and without one (the backend's bare write).
    const sourceBody = JSON.stringify({ type: "creditCard", sessionId: "{id}", creditCard: CARD });
    out.createSource = await run("create-source", {
      BENCH_METHOD: "POST", BENCH_PATH: "/v1/sources", BENCH_AUTH: PK, BENCH_IDS: poolFile, BENCH_BODY: sourceBody, BENCH_IDEMPOTENCY: "1",
    });
    out.createSourceNoKey = await run("create-source without Idempotency-Key", {
      BENCH_METHOD: "POST", BENCH_PATH: "/v1/sources", BENCH_AUTH: PK, BENCH_IDS: poolFile, BENCH_BODY: sourceBody,
    });
    // Orders consume their session: prepare twice what the run would use at
    // the create-source rate, so that the server, not the prepared sessions,
    // is what runs out; the report says when they ran out anyway.
    const orders = ordersFor(out.createSource.rps, seconds, maxOrders);
    const t0 = performance.now();
    const funded = await pool(orders, 32, () => fundedSession(api));
    const prepSeconds = (performance.now() - t0) / 1000;
    log(`load create-order: ${orders} pre-funded sessions prepared in ${prepSeconds.toFixed(1)} s`);
    const fundedFile = join(dir, "funded.txt");
    writeFileSync(fundedFile, funded.join("\n") + "\n");
    out.createOrder = await run("create-order", {
      BENCH_METHOD: "POST", BENCH_PATH: "/v1/orders", BENCH_AUTH: SK, BENCH_IDS: fundedFile, BENCH_ONCE: "1",
      BENCH_BODY: JSON.stringify({ sessionId: "{id}" }),
    });
    out.createOrder.prepared = orders;
    out.createOrder.exhausted = out.createOrder.seconds < seconds * 0.98;
    return { seconds, connections, poolSize, routes: out };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
