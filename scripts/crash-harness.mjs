// Crash harness for the session backend (issue 8: exactly-once money), run by
// scripts/test-crash.sh, which builds the release server and passes its path.
//
//   node scripts/crash-harness.mjs --server PATH [--clients 16] [--cycles 10]
//        [--seed N] [--keep]
//
// It starts the server on a fresh SQLite database in a scratch directory and
// runs CLIENTS concurrent checkouts in a loop, each one four idempotent writes
// that move money: POST /v1/sessions (sk, `reference` = the checkout's tag),
// POST /v1/sources (pk, card 4242 4242 4242 4242), POST /v1/sessions/{id}/sources
// (sk, attach) and POST /v1/orders (sk). Every write has its own
// Idempotency-Key and a body serialised once. CYCLES times, at a random moment
// of the load, the server is killed with SIGKILL and restarted on the same
// database (new port); every request left without an answer (connection
// reset, refused, 5xx) is retried with its original key and body until it is
// answered. Then the load stops, every chain finishes, and it checks:
//   lost        an acknowledged (2xx) write whose object is missing: GET each
//               session, source, attachment and order from the restarted server;
//   duplicates  two objects for one idempotency key: sessions per `reference`,
//               card sources per session (one source request per session) and
//               orders per session, read from the SQLite file read-only
//               (python3's sqlite3), since the API lists none of these;
//   events      one `session.created`, `source.created`, `order.created` event
//               per object and none without its object, one `source.consumed`
//               per order (the outbox, docs/API.md §5.17), from the same file;
//   errors      a write whose final answer is not 2xx (every write here is
//               valid: a retry answered e.g. `order_submit_failed` means the
//               write happened but its idempotency record was lost).
// It prints the figures and a node-test-style tally (`# pass N` / `# fail N`)
// and exits non-zero unless lost, duplicates and errors are all 0. The seed of
// the kill moments is printed (`--seed` / CRASH_SEED replays the schedule;
// the interleaving of course differs). Env: CRASH_CLIENTS, CRASH_CYCLES,
// CRASH_SEED, CRASH_KEEP=1 (keep the scratch directory), CRASH_SERVER_ARGS
// (extra server flags). A 429 is waited out (Retry-After) and retried with the
// same key; it is not an answer.

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, openSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const argv = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  if (i >= 0) return argv[i + 1] ?? true;
  return dflt;
};
const SERVER = arg("server", process.env.PAYSESSION_SERVER_BIN);
const CLIENTS = Number(arg("clients", process.env.CRASH_CLIENTS ?? 16));
const CYCLES = Number(arg("cycles", process.env.CRASH_CYCLES ?? 10));
const SEED = Number(arg("seed", process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31)));
// The load comes from one address: the public-key rate limit is off unless CRASH_SERVER_ARGS says otherwise.
const EXTRA_ARGS = (process.env.CRASH_SERVER_ARGS ?? "--rate-limit-public off").split(/\s+/).filter(Boolean);
const KEEP = argv.includes("--keep") || process.env.CRASH_KEEP === "1";
if (!SERVER) {
  console.error("crash-harness: --server PATH (the release paysession-server) is required");
  process.exit(2);
}

const SK = "sk_test_default";
const PK = "pk_test_default";
const CARD = { number: "4242424242424242", expirationMonth: 12, expirationYear: 2040, cvv: "123" };
const REQUEST_TIMEOUT_MS = 30_000; // an upper bound for a hung request, never expected

// Deterministic kill schedule (mulberry32).
let seedState = SEED >>> 0;
const random = () => {
  seedState = (seedState + 0x6d2b79f5) >>> 0;
  let t = seedState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const scratch = mkdtempSync(join(process.env.TMPDIR || tmpdir(), "paysession-crash."));
const dbFile = join(scratch, "crash.db");
const logFile = join(scratch, "server.log");
const runId = `crash-${Date.now().toString(36)}`;

// ---- the server: start, kill, restart -------------------------------------

// The test merchant of the contract (no --config) and the vault key file beside the database.
const serverEnv = { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "warn" };
for (const k of ["PAYSESSION_CONFIG", "PAYSESSION_VAULT_KEY", "PAYSESSION_PUBLIC_URL", "PAYSESSION_SESSION_TTL"]) delete serverEnv[k];
const server = { child: null, url: null, generation: 0, up: false, upWaiters: [] };

function startServer() {
  return new Promise((resolve, reject) => {
    const log = openSync(logFile, "a");
    const child = spawn(SERVER, ["--listen", "127.0.0.1:0", "--database", `sqlite://${dbFile}`, ...EXTRA_ARGS], {
      stdio: ["ignore", "pipe", log],
      env: serverEnv,
    });
    child.once("error", reject);
    closeSync(log);
    let out = "";
    const timer = setTimeout(() => reject(new Error("the server did not print `listening on` in 30 s")), 30_000);
    child.once("exit", (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code ?? sig}) before listening`));
    });
    child.stdout.on("data", (d) => {
      out += d;
      const m = /^listening on (http:\/\/\S+)/m.exec(out);
      if (m && !server.up) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        server.child = child;
        server.url = m[1];
        server.generation += 1;
        server.up = true;
        for (const w of server.upWaiters.splice(0)) w();
        resolve();
      }
    });
  });
}

async function killServer() {
  const child = server.child;
  server.up = false;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
}

// Resolves once a server newer than `gen` is up (or, if the same server is
// still up, after a short pause: the failure was not a crash).
async function serverAfter(gen) {
  const deadline = Date.now() + 500;
  while (true) {
    if (server.up && (server.generation > gen || Date.now() >= deadline)) return;
    if (!server.up) await new Promise((r) => server.upWaiters.push(r));
    else await sleep(20);
  }
}

// ---- one idempotent write, retried until answered -------------------------

const stats = { writes: 0, acknowledged: 0, retriedWrites: 0, retries: 0, unanswered: 0, serverErrors: 0, inProgress: 0, rateLimited: 0 };
const writes = []; // {kind, tag, status, body, attempts}

async function write(kind, tag, path, key, body) {
  const text = JSON.stringify(body);
  const idemKey = `${tag}-${kind}`;
  let attempts = 0;
  let rateLimited = 0;
  stats.writes += 1;
  while (true) {
    if (!server.up) await serverAfter(server.generation);
    const gen = server.generation;
    attempts += 1;
    let status, answer, retryAfter;
    try {
      const r = await fetch(server.url + path, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "idempotency-key": idemKey },
        body: text,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      status = r.status;
      retryAfter = r.headers.get("retry-after");
      answer = await r.text();
    } catch {
      stats.unanswered += 1; // killed (reset/refused) before the answer arrived
      await serverAfter(gen);
      continue;
    }
    let json = null;
    try { json = JSON.parse(answer); } catch { /* not JSON: judged below by status */ }
    if (status >= 500) { // not stored by the server: retry with the same key
      stats.serverErrors += 1;
      await sleep(50);
      continue;
    }
    const code = json?.errors?.[0]?.code;
    if (status === 429 && rateLimited < 100) { // a rate limit is not an answer: wait as told, same key
      rateLimited += 1;
      stats.rateLimited += 1;
      await sleep(1000 * Math.min(Number(retryAfter) || 1, 5));
      continue;
    }
    if (status === 409 && code === "idempotency_key_reused" && attempts < 200) {
      // The same bytes are sent every time, so this is "still in progress".
      stats.inProgress += 1;
      await sleep(50);
      continue;
    }
    if (attempts > 1) { stats.retriedWrites += 1; stats.retries += attempts - 1; }
    const w = { kind, tag, status, body: json, attempts };
    writes.push(w);
    if (status >= 200 && status < 300) stats.acknowledged += 1;
    return w;
  }
}

// ---- the load: checkouts -----------------------------------------------------

let stopping = false;

async function checkout(tag, amount) {
  const s = await write("session", tag, "/v1/sessions", SK,
    { amount, currency: "EUR", country: "DE", reference: tag, metadata: { crashTag: tag } });
  if (s.status !== 201) return;
  const sid = s.body.id;
  const src = await write("source", tag, "/v1/sources", PK,
    { type: "creditCard", sessionId: sid, creditCard: CARD });
  if (src.status !== 201) return;
  const a = await write("attach", tag, `/v1/sessions/${sid}/sources`, SK, { sourceId: src.body.id });
  if (a.status !== 200) return;
  await write("order", tag, "/v1/orders", SK, { sessionId: sid });
}

async function client(c) {
  for (let n = 0; !stopping; n++) await checkout(`${runId}-c${c}-n${n}`, 1000 + ((c * 7919 + n) % 9000));
}

// ---- checks -------------------------------------------------------------------

async function get(path) {
  const r = await fetch(server.url + path, { headers: { authorization: `Bearer ${SK}` }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  return { status: r.status, body: await r.json().catch(() => null) };
}

async function pool(items, n, f) {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => { while (i < items.length) await f(items[i++]); }));
}

async function lostWrites() {
  const lost = [];
  const sessions = new Map();
  const session = async (id) => {
    if (!sessions.has(id)) sessions.set(id, get(`/v1/sessions/${id}`));
    return sessions.get(id);
  };
  await pool(writes.filter((w) => w.status >= 200 && w.status < 300), 8, async (w) => {
    let ok = false;
    if (w.kind === "session") {
      const s = await session(w.body.id);
      ok = s.status === 200 && s.body.reference === w.tag;
    } else if (w.kind === "source") {
      const s = await get(`/v1/sources/${w.body.id}`);
      ok = s.status === 200 && s.body.sessionId === w.body.sessionId;
    } else if (w.kind === "attach") {
      const s = await session(w.body.id);
      const want = w.body.sources?.map((x) => x.id) ?? [];
      ok = s.status === 200 && want.length > 0 && want.every((id) => (s.body.sources ?? []).some((x) => x.id === id));
    } else if (w.kind === "order") {
      const o = await get(`/v1/orders/${w.body.id}`);
      const s = await session(w.body.sessionId);
      ok = o.status === 200 && s.status === 200 && s.body.orderId === w.body.id;
    }
    if (!ok) lost.push(`${w.kind} ${w.body?.id} (${w.tag})`);
  });
  return lost;
}

// Duplicates from the database file, opened read-only beside the running server.
function duplicates() {
  const py = `
import json, sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
q = lambda sql: [list(r) for r in db.execute(sql)]
print(json.dumps({
  "sessions": q("SELECT json_extract(data, '$.reference'), COUNT(*) FROM sessions GROUP BY 1 HAVING COUNT(*) > 1"),
  "sources": q("SELECT session_id, COUNT(*) FROM sources GROUP BY 1 HAVING COUNT(*) > 1"),
  "orders": q("SELECT session_id, COUNT(*) FROM orders GROUP BY 1 HAVING COUNT(*) > 1"),
  "totals": q("SELECT (SELECT COUNT(*) FROM sessions), (SELECT COUNT(*) FROM sources), (SELECT COUNT(*) FROM orders), (SELECT COUNT(*) FROM idempotency)")[0],
  "untagged": q("SELECT COUNT(*) FROM sessions WHERE json_extract(data, '$.reference') IS NULL")[0][0],
  "events": {t: [
    q(f"SELECT COUNT(*) FROM (SELECT object_id FROM events WHERE type = '{t}.created' GROUP BY 1 HAVING COUNT(*) > 1)")[0][0],
    q(f"SELECT COUNT(*) FROM {t}s o WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.type = '{t}.created' AND e.object_id = o.id)")[0][0],
    q(f"SELECT COUNT(*) FROM events e WHERE e.type = '{t}.created' AND NOT EXISTS (SELECT 1 FROM {t}s o WHERE o.id = e.object_id)")[0][0],
  ] for t in ["session", "source", "order"]},
  "consumed": q("SELECT COUNT(*), COUNT(DISTINCT object_id) FROM events WHERE type = 'source.consumed'")[0],
}))`;
  return JSON.parse(execFileSync("python3", ["-c", py, dbFile], { encoding: "utf8" }));
}

// ---- the run ----------------------------------------------------------------------

const results = [];
const check = (ok, name) => {
  results.push(ok);
  console.log(`${ok ? "ok" : "not ok"} ${results.length} - ${name}`);
};

async function main() {
  const started = Date.now();
  console.log(`crash-harness: ${CLIENTS} clients, ${CYCLES} SIGKILL cycles, seed ${SEED}, scratch ${scratch}`);
  await startServer();
  const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
  let cycles = 0;
  let downMs = 0;
  for (let i = 0; i < CYCLES; i++) {
    await sleep(400 + Math.floor(random() * 2600)); // a random moment of the load
    const t = Date.now();
    await killServer();
    cycles += 1;
    await sleep(Math.floor(random() * 200)); // clients pile up retries meanwhile
    await startServer();
    downMs += Date.now() - t;
  }
  await sleep(500 + Math.floor(random() * 1000)); // some load after the last restart
  stopping = true;
  await Promise.all(clients);
  const loadSecs = (Date.now() - started) / 1000;

  const lost = await lostWrites();
  const dup = duplicates();
  const dupSessions = dup.sessions.reduce((n, [, c]) => n + c - 1, 0);
  const dupSources = dup.sources.reduce((n, [, c]) => n + c - 1, 0);
  const dupOrders = dup.orders.reduce((n, [, c]) => n + c - 1, 0);
  const errors = writes.filter((w) => w.status < 200 || w.status >= 300);
  const byKind = (k) => writes.filter((w) => w.kind === k && w.status < 300).length;

  console.log(`crash cycles:              ${cycles} (server down ${downMs} ms in all)`);
  console.log(`writes sent:               ${stats.writes} (load ${loadSecs.toFixed(1)} s, ${CLIENTS} clients)`);
  console.log(`writes acknowledged:       ${stats.acknowledged} (sessions ${byKind("session")}, card sources ${byKind("source")}, attaches ${byKind("attach")}, orders ${byKind("order")})`);
  console.log(`requests retried:          ${stats.retriedWrites} writes, ${stats.retries} retries (${stats.unanswered} unanswered at a kill, ${stats.serverErrors} 5xx, ${stats.inProgress} in-progress 409, ${stats.rateLimited} 429)`);
  console.log(`acknowledged writes lost:  ${lost.length}${lost.length ? ": " + lost.slice(0, 10).join(", ") : ""}`);
  console.log(`duplicates created:        ${dupSessions + dupSources + dupOrders} (sessions per reference ${dupSessions}, card sources per session ${dupSources}, orders per session ${dupOrders})`);
  for (const [ref, n] of dup.sessions.slice(0, 5)) console.log(`  duplicate session: reference ${ref} x${n}`);
  for (const [sid, n] of dup.sources.slice(0, 5)) console.log(`  duplicate card source: session ${sid} x${n}`);
  for (const [sid, n] of dup.orders.slice(0, 5)) console.log(`  duplicate order: session ${sid} x${n}`);
  console.log(`writes answered an error:  ${errors.length}`);
  for (const w of errors.slice(0, 5)) console.log(`  ${w.kind} ${w.tag}: ${w.status} ${w.body?.errors?.[0]?.code ?? ""} after ${w.attempts} attempts`);
  console.log(`database:                  ${dup.totals[0]} sessions, ${dup.totals[1]} sources, ${dup.totals[2]} orders, ${dup.totals[3]} idempotency records`);

  check(cycles >= CYCLES && cycles >= 5, `the server was killed with SIGKILL and restarted ${cycles} times`);
  check(stats.retriedWrites > 0, `the kills interrupted writes (${stats.retriedWrites} retried with their original key)`);
  check(lost.length === 0, `no acknowledged write lost (${lost.length} of ${stats.acknowledged})`);
  check(dupSessions === 0, `no duplicate session (${dupSessions})`);
  check(dupSources === 0, `no duplicate card source (${dupSources})`);
  check(dupOrders === 0, `no duplicate order (${dupOrders})`);
  check(errors.length === 0, `every write answered 2xx, retries included (${errors.length} errors)`);
  check(dup.untagged === 0 && dup.totals[0] >= byKind("session"), "every session in the database carries its checkout's tag");
  // The outbox (docs/API.md §5.17): one `X.created` event per object, none without its object.
  for (const [t, [twice, missing, orphan]] of Object.entries(dup.events)) {
    check(twice + missing + orphan === 0, `one ${t}.created event per ${t} (${twice} twice, ${missing} missing, ${orphan} without the ${t})`);
  }
  const [consumed, consumedDistinct] = dup.consumed;
  check(consumed === dup.totals[2] && consumedDistinct === consumed, `one source.consumed event per order (${consumed} events, ${consumedDistinct} sources, ${dup.totals[2]} orders)`);
}

let failed = false;
try {
  await main();
} catch (e) {
  console.log(`not ok ${results.length + 1} - the harness ran: ${e.stack ?? e}`);
  results.push(false);
} finally {
  if (server.child && server.up) await killServer().catch(() => {});
  const pass = results.filter(Boolean).length;
  const fail = results.length - pass;
  failed = fail > 0;
  console.log(`1..${results.length}`);
  console.log(`# pass ${pass}`);
  console.log(`# fail ${fail}`);
  if (failed) {
    try {
      const tail = execFileSync("tail", ["-n", "15", logFile], { encoding: "utf8" });
      if (tail.trim()) console.log(`crash-harness: last server log lines:\n${tail}`);
    } catch { /* no log */ }
  }
  if (KEEP) console.log(`crash-harness: kept ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
