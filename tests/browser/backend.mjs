// The test backend over HTTP, for every browser's tests (Playwright's
// fixtures.mjs re-exports these; tests/engines uses them directly): its URL,
// merchant sessions created with the secret key, secret-key calls, test cards,
// and the skimmer's verdict (tests/browser/pages/skimmer.js).
export const API = process.env.PAYSESSION_API;
export const PK = "pk_test_default";
const SK = "sk_test_default";

/** POST /v1/sessions with the secret key; returns the session. */
export async function createSession(body = {}) {
  const res = await fetch(`${API}/v1/sessions`, {
    method: "POST",
    headers: { authorization: `Bearer ${SK}`, "content-type": "application/json" },
    body: JSON.stringify({ amount: 1000, currency: "EUR", country: "US", ...body }),
  });
  const json = await res.json();
  if (res.status !== 201) throw new Error(`session: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** GET /v1/sessions/{id} with the secret key. */
export async function merchantSession(id) {
  const res = await fetch(`${API}/v1/sessions/${id}`, { headers: { authorization: `Bearer ${SK}` } });
  return res.json();
}

/** A secret-key call: {status, json}. */
export async function sk(method, path, body) {
  const res = await fetch(`${API}${path}`, {
    method, headers: { authorization: `Bearer ${SK}`, "content-type": "application/json" },
    body: body && JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/** A customer with 4242… saved (convenience) through a paid order: its id and
 * the saved method's. The set-up of every saved-card test. */
export async function savedCard() {
  const cus = (await sk("POST", "/v1/customers", {})).json.id;
  const s = await createSession({ customerId: cus });
  const res = await fetch(`${API}/v1/sources`, {
    method: "POST", headers: { authorization: `Bearer ${PK}`, "content-type": "application/json" },
    body: JSON.stringify({ type: "creditCard", sessionId: s.id, usage: "convenience",
      creditCard: { number: "4242424242424242", expirationMonth: 12, expirationYear: 2040, cvv: "123" } }),
  });
  const src = await res.json();
  if (res.status !== 201) throw new Error(`saved card's source: ${res.status} ${JSON.stringify(src)}`);
  for (const [path, body, want] of [[`/v1/sessions/${s.id}/sources`, { sourceId: src.id }, 200], ["/v1/orders", { sessionId: s.id }, 201]]) {
    const r = await sk("POST", path, body);
    if (r.status !== want) throw new Error(`saved card: POST ${path}: ${r.status} ${JSON.stringify(r.json)}`);
  }
  const list = (await sk("GET", `/v1/customers/${cus}/payment-methods`)).json.data;
  if (list?.length !== 1) throw new Error(`saved card: ${JSON.stringify(list)}`);
  return { cus, pm: list[0].id };
}

/** A card that expires next year. */
export function card(number, cvv = "123") {
  return { number, expirationMonth: 12, expirationYear: new Date().getFullYear() + 1, cvv };
}

/** What a skimmer's record holds of the card `number` or the code `cvv`: raw,
 * grouped, with dashes, or its digits run together; the code as a number of
 * its own (single keystrokes and ids — UUIDs, long letter-and-digit runs —
 * that may hold any three digits by chance, left out). Empty when nothing leaked. */
export function leaks(record, number, cvv) {
  const text = record.join("\n");
  const hits = [];
  const grouped = number.replace(/(\d{4})(?=\d)/g, "$1 ");
  for (const form of [number, grouped, grouped.replace(/ /g, "-")]) if (text.includes(form)) hits.push(form);
  if (text.replace(/[\s-]/g, "").includes(number)) hits.push("digits");
  const plain = text
    .replace(/"(key|code)":"\d"/g, "")
    // UUIDs (a frame's channel, an idempotency key): random hex whose
    // four-digit groups can read "b737" by chance.
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>")
    .replace(/[0-9a-z_]{12,}/gi, (run) => (/[a-z]/i.test(run) ? "<id>" : run));
  const m = new RegExp(`(^|[^0-9])${cvv}([^0-9]|$)`).exec(plain);
  if (m) hits.push(`cvv in …${plain.slice(Math.max(0, m.index - 60), m.index + 60)}…`);
  return hits;
}

/** In a page with the SDK (tests/browser/pages/elements.html): creates the three
 * card elements as window.els, records their events in window.events, mounts
 * them in #card-number, #card-expiry, #card-cvv and resolves when each is ready.
 * Runs in the page (Playwright's page.evaluate, or its source through a driver). */
export async function mountElements({ api, pk, fields, options = {} }) {
  window.events = [];
  const payments = (window.payments = new PaySession(pk, { apiBase: api, fieldsBase: fields }));
  const ready = [];
  window.els = {};
  for (const [type, id] of [["cardnumber", "card-number"], ["cardexpiration", "card-expiry"], ["cardcvv", "card-cvv"]]) {
    const el = (window.els[type] = payments.createElement(type, options[type] || {}));
    for (const name of ["ready", "change", "focus", "blur"]) el.on(name, (e) => window.events.push({ name, ...e }));
    ready.push(new Promise((ok) => el.on("ready", ok)));
    el.mount(id);
  }
  await Promise.all(ready);
}

/** A backend of its own for a test: the binary scripts/with-server.sh built
 * (PAYSESSION_SERVER_BIN) on a fresh SQLite file in a new directory under
 * TMPDIR, with `args` after `--listen 127.0.0.1:0 --database …`. Resolves to
 * {api, fields (null with `--fields-listen off`), dir, stop()} once it
 * listens; `config` (TOML text) becomes its `--config`. Node only. */
export async function spawnBackend(args = [], { config } = {}) {
  const [{ spawn }, fs, os, path] = await Promise.all([
    import("node:child_process"), import("node:fs"), import("node:os"), import("node:path")]);
  if (!process.env.PAYSESSION_SERVER_BIN) throw new Error("PAYSESSION_SERVER_BIN is not set (run through scripts/with-server.sh)");
  const dir = fs.mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), "backend-"));
  const extra = [...args];
  if (config) {
    fs.writeFileSync(path.join(dir, "merchants.toml"), config);
    extra.push("--config", path.join(dir, "merchants.toml"));
  }
  const env = { ...process.env, RUST_LOG: "warn" };
  for (const k of ["PAYSESSION_CONFIG", "PAYSESSION_VAULT_KEY", "PAYSESSION_PUBLIC_URL", "PAYSESSION_FIELDS_LISTEN", "PAYSESSION_FIELDS_URL"]) delete env[k];
  const child = spawn(process.env.PAYSESSION_SERVER_BIN, ["--listen", "127.0.0.1:0",
    "--database", `sqlite://${path.join(dir, "db.sqlite")}`, ...extra], { stdio: ["ignore", "pipe", "inherit"], env });
  const fieldsOff = extra.includes("off");
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((ok) => child.once("exit", ok));
      child.kill("SIGTERM");
      await gone;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const [api, fields] = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("the backend did not start in 30 s")), 30_000);
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`the backend exited (${code})`)); });
    child.stdout.on("data", (d) => {
      out += d;
      const a = /^listening on (http:\/\/\S+)/m.exec(out), f = /^fields on (http:\/\/\S+)/m.exec(out);
      if (a && (f || fieldsOff)) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        resolve([a[1], f ? f[1] : null]);
      }
    });
  }).catch(async (e) => { await stop(); throw e; });
  return { api, fields, dir, stop };
}
