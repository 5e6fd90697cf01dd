// The store engines under load: create-source and create-order on PostgreSQL
// with 1, 2 and 3 server instances (one throwaway cluster from scripts/pg.sh,
// a fresh schema per instance count), beside the SQLite figures of the load
// section of the same run. wrk runs once per instance at the same time, the
// connections split between them (a client-side load balancer); every
// instance can answer for every session, since they share the database.
// After each run the instances' /readyz says whether their database pools ran
// out (checkouts that had to wait), and the report says so.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { wrk, pool, createSession, fundedSession, ordersFor, PK, SK } from "./load.mjs";

const CARD = { number: "4242424242424242", expirationMonth: 12, expirationYear: 2034, cvv: "123" };
const VAULT_KEY = "5b".repeat(32);

function pg(root, cmd, dir) {
  const r = spawnSync("bash", [join(root, "scripts/pg.sh"), cmd, dir], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`scripts/pg.sh ${cmd}: ${r.stderr || r.stdout}`);
  return r.stdout.trim();
}

function schema(admin, name) {
  const r = spawnSync("psql", ["-q", admin, "-c", `CREATE SCHEMA ${name}`], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`CREATE SCHEMA: ${r.stderr}`);
  return `${admin}?options=-c%20search_path%3D${name}`;
}

/** Starts one instance; resolves to {url, child} once it listens. */
function instance(bin, db, dbPool) {
  const child = spawn(bin, ["--listen", "127.0.0.1:0", "--database", db, "--db-pool", String(dbPool),
    "--rate-limit-public", "off", "--rate-limit-demo-checkout", "off"],
  { env: { ...process.env, PAYSESSION_VAULT_KEY: VAULT_KEY, RUST_LOG: "warn" }, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error("an instance did not start in 30 s")); }, 30000);
    child.on("exit", (code) => reject(new Error(`an instance exited (${code})`)));
    lines.on("line", (l) => {
      const m = /^listening on (http:\/\/\S+)/.exec(l);
      if (m) { clearTimeout(timer); resolve({ url: m[1], child }); }
    });
  });
}

async function waits(urls) {
  let n = 0;
  for (const u of urls) n += (await (await fetch(`${u}/readyz`)).json()).pool_waits;
  return n;
}

/** wrk on every instance at once, `connections` split; the runs' sums. */
async function spread(urls, { seconds, connections, env, idsFor }) {
  const per = urls.map((_, i) => Math.floor(connections / urls.length) + (i < connections % urls.length ? 1 : 0));
  const runs = await Promise.all(urls.map((u, i) => wrk(u, { seconds, connections: per[i], env: { ...env, ...(idsFor ? { BENCH_IDS: idsFor(i) } : {}) } })));
  const requests = runs.reduce((a, r) => a + r.requests, 0);
  const secs = Math.max(...runs.map((r) => r.seconds));
  return {
    rps: requests / secs, requests, seconds: secs,
    p50: Math.max(...runs.map((r) => r.p50)), p99: Math.max(...runs.map((r) => r.p99)),
    non2xx: runs.reduce((a, r) => a + r.non2xx, 0), socketErrors: runs.reduce((a, r) => a + r.socketErrors, 0),
  };
}

/**
 * Measures PostgreSQL with 1..maxInstances instances. `bin`: the release
 * server. Returns {postgres: [{instances, dbPool, createSource, createOrder}]}.
 */
export async function measureEngines({ root, bin, seconds = 5, connections = 8, dbPool = 16, maxInstances = 3, log = () => {} }) {
  const dir = mkdtempSync(join(tmpdir(), "bench-engines-"));
  chmodSync(dir, 0o711); // the cluster's owner (postgres, when run as root) must reach its folder
  const cluster = join(dir, "pg");
  const out = { seconds, connections, dbPool, postgres: [] };
  try {
    const admin = pg(root, "start", cluster);
    out.postgresVersion = spawnSync("psql", ["-tA", admin, "-c", "SHOW server_version"], { encoding: "utf8" }).stdout.trim();
    for (let n = 1; n <= maxInstances; n++) {
      const db = schema(admin, `bench_${n}`);
      const first = await instance(bin, db, dbPool); // migrates the schema
      const rest = await Promise.all(Array.from({ length: n - 1 }, () => instance(bin, db, dbPool)));
      const nodes = [first, ...rest];
      const urls = nodes.map((x) => x.url);
      try {
        const sessions = await pool(64, 16, (i) => createSession(urls[i % n]));
        const sessionsFile = join(dir, `sessions-${n}.txt`);
        writeFileSync(sessionsFile, sessions.join("\n") + "\n");
        let w0 = await waits(urls);
        const createSource = await spread(urls, {
          seconds, connections,
          env: { BENCH_METHOD: "POST", BENCH_PATH: "/v1/sources", BENCH_AUTH: PK, BENCH_IDEMPOTENCY: "1",
            BENCH_BODY: JSON.stringify({ type: "creditCard", sessionId: "{id}", creditCard: CARD }) },
          idsFor: () => sessionsFile,
        });
        createSource.poolWaits = (await waits(urls)) - w0;
        const orders = ordersFor(createSource.rps, seconds);
        const t0 = performance.now();
        const funded = await pool(orders, 32, (i) => fundedSession(urls[i % n]));
        const prepSeconds = (performance.now() - t0) / 1000;
        // Each instance's wrk takes its own share of the prepared sessions.
        const files = urls.map((_, i) => {
          const f = join(dir, `funded-${n}-${i}.txt`);
          writeFileSync(f, funded.filter((_, j) => j % n === i).join("\n") + "\n");
          return f;
        });
        w0 = await waits(urls);
        const createOrder = await spread(urls, {
          seconds, connections,
          env: { BENCH_METHOD: "POST", BENCH_PATH: "/v1/orders", BENCH_AUTH: SK, BENCH_ONCE: "1", BENCH_BODY: JSON.stringify({ sessionId: "{id}" }) },
          idsFor: (i) => files[i],
        });
        createOrder.poolWaits = (await waits(urls)) - w0;
        createOrder.prepared = orders;
        createOrder.prepSeconds = prepSeconds;
        createOrder.exhausted = createOrder.seconds < seconds * 0.98;
        out.postgres.push({ instances: n, createSource, createOrder });
        log(`postgres × ${n}: create-source ${createSource.rps.toFixed(0)} req/s (p99 ${createSource.p99.toFixed(1)} ms, db pool waits ${createSource.poolWaits}), create-order ${createOrder.rps.toFixed(0)} req/s (p99 ${createOrder.p99.toFixed(1)} ms, db pool waits ${createOrder.poolWaits}; ${orders} sessions prepared${createOrder.exhausted ? ", ALL CONSUMED before the end" : ", not exhausted"})`);
      } finally {
        for (const x of nodes) x.child.kill("SIGTERM");
        await Promise.all(nodes.map((x) => new Promise((r) => (x.child.exitCode !== null ? r() : x.child.on("exit", r)))));
      }
    }
    return out;
  } finally {
    try { pg(root, "stop", cluster); } catch (e) { log(`pg stop: ${e.message}`); }
    rmSync(dir, { recursive: true, force: true });
  }
}
