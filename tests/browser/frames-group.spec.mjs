// Secure card fields, the mount group (issue 18, item 4): a frame answers and
// is answered only within its own group bound to the same public key and page
// origin. A page of another origin (on 127.0.0.1, so the same site and the
// same storage partition as the victim's page), mounting expiry and code
// frames with the victim's group id under the victim's public key and under
// another merchant's key, changes nothing: the victim's tokenizations all
// succeed and that page hears nothing from its frames while the victim pays.
// Inside one group, two frames of one type holding different values fail the
// tokenization with a coded error instead of one being picked.
//
// A second backend is started here with two merchants (the victim's and
// another's, both allowing any origin), so the foreign key is a real one.
import { createServer } from "node:http";
import { expect } from "./fixtures.mjs";
import { spawnBackend } from "./backend.mjs";
import { test, frame, typeCard } from "./elements-fixtures.mjs";

const VICTIM = { pk: "pk_test_victim", sk: "sk_test_victim" };
const OTHER = { pk: "pk_test_other", sk: "sk_test_other" };

let backend, api, fields, attacker, attackerOrigin;

/** The second backend: two merchants, both allowing any origin. */
async function startBackend() {
  backend = await spawnBackend(["--fields-listen", "127.0.0.1:0"], {
    config: [VICTIM, OTHER].map((m, i) =>
      `[[merchant]]\nid = "m${i}"\npublic_key = "${m.pk}"\nsecret_key = "${m.sk}"\nallowed_origins = ["*"]\n`).join("\n"),
  });
  ({ api, fields } = backend);
}

// The other page: records every message its frames post to it (window.heard).
const PAGE = `<!doctype html><html lang="en"><title>other shop</title><body><script>
window.heard = [];
addEventListener("message", (e) => window.heard.push({ origin: e.origin, data: e.data }));
window.mountFrames = (src) => { for (const s of src) { const f = document.createElement("iframe"); f.src = s; document.body.append(f); } };
</script></body></html>`;

test.beforeAll(async () => {
  await startBackend();
  attacker = createServer((req, res) => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE));
  await new Promise((ok) => attacker.listen(0, "127.0.0.1", ok));
  attackerOrigin = `http://127.0.0.1:${attacker.address().port}`;
});

test.afterAll(async () => {
  attacker?.close();
  await backend?.stop();
});

async function session(m) {
  const res = await fetch(`${api}/v1/sessions`, {
    method: "POST", headers: { authorization: `Bearer ${m.sk}`, "content-type": "application/json" },
    body: JSON.stringify({ amount: 1000, currency: "EUR", country: "US" }),
  });
  expect(res.status).toBe(201);
  return (await res.json()).id;
}

/** The victim's three elements (ids card-number, card-expiry, card-cvv) on the second backend; its group id. */
async function mountVictim(page) {
  return page.evaluate(async ({ api, pk, fields }) => {
    window.payments = new PaySession(pk, { apiBase: api, fieldsBase: fields });
    window.els = {};
    const ready = [];
    for (const [type, id] of [["cardnumber", "card-number"], ["cardexpiration", "card-expiry"], ["cardcvv", "card-cvv"]]) {
      const el = (window.els[type] = payments.createElement(type));
      ready.push(new Promise((ok) => el.on("ready", ok)));
      el.mount(id);
    }
    await Promise.all(ready);
    return new URL(document.querySelector("#card-number iframe").src).hash.match(/g=([^&]+)/)[1];
  }, { api, pk: VICTIM.pk, fields });
}

const pay = (page, sid, el = "cardnumber") =>
  page.evaluate(async ({ sid, el }) => resultPlain(await window.payments.createSource(window.els[el], { sessionId: sid, type: "creditCard" })), { sid, el });

test("frames of another origin or another key with the victim's group id change nothing and hear nothing", async ({ elPage: page }) => {
  test.setTimeout(60_000);
  const group = await mountVictim(page);
  await typeCard(page);

  // The other shop's page, in the same browser: expiry and code frames with the
  // victim's group id, under the victim's key and under its own merchant's key.
  const other = await page.context().newPage();
  await other.goto(`${attackerOrigin}/`);
  const o = encodeURIComponent(attackerOrigin);
  const srcs = [];
  for (const k of [VICTIM.pk, OTHER.pk]) {
    for (const t of ["cardexpiration", "cardcvv"]) srcs.push(`${fields}/field?k=${k}&o=${o}#t=${t}&c=${k}-${t}&g=${group}`);
  }
  await other.evaluate((s) => window.mountFrames(s), srcs);
  // Each frame loaded and said hello to the other page (so its script listens).
  await expect.poll(() => other.evaluate(() => heard.filter((m) => m.data && m.data.t === "hi").length)).toBe(4);
  // Its expiry frames hold a past date, its code frames a wrong length: taken,
  // they would fail the victim's card (set without an input event: no message yet).
  for (const f of other.frames().filter((f) => f.url().includes("/field?"))) {
    await f.locator("input").evaluate((e, v) => { e.value = v; }, f.url().includes("cardexpiration") ? "01 / 20" : "1");
  }
  const before = await other.evaluate(() => heard.length);

  const results = [];
  for (let i = 0; i < 10; i++) {
    const r = await pay(page, await session(VICTIM));
    results.push(r.state === "chargeable" ? "ok" : `${r.state}: ${r.error && r.error.errors.map((e) => e.code).join(",")}`);
  }
  expect.soft(results).toEqual(Array(10).fill("ok"));
  // The victim's frames still hold the card.
  expect.soft(await frame(page, "card-number").inputValue()).toBe("4242 4242 4242 4242");
  // The other page heard nothing of the victim's ten payments.
  const heard = await other.evaluate((n) => heard.slice(n), before);
  expect(heard.map((m) => m.data && m.data.t + (m.data.x ? ` ${m.data.x}` : ""))).toEqual([]);
  await other.close();
});

test("two frames of one type in one group: different values fail with a coded error, equal values pay", async ({ elPage: page }) => {
  await mountVictim(page);
  await typeCard(page);
  // A second expiry field of the same PaySession.
  await page.evaluate(async () => {
    const d = document.createElement("div");
    d.id = "card-expiry-2";
    document.body.append(d);
    const el = (window.els.exp2 = payments.createElement("cardexpiration"));
    const ready = new Promise((ok) => el.on("ready", ok));
    el.mount(d);
    await ready;
  });
  const year = String((new Date().getFullYear() + 3) % 100).padStart(2, "0");
  await frame(page, "card-expiry-2").click();
  await page.keyboard.type(`11${year}`);
  const r = await pay(page, await session(VICTIM));
  expect(r.state).toBe("failed");
  expect(r.error.errors[0]).toMatchObject({ code: "invalid_parameter", parameter: "element" });

  // The same value in both: one answer for the type, the card pays.
  await frame(page, "card-expiry-2").fill(await frame(page, "card-expiry").inputValue());
  const ok = await pay(page, await session(VICTIM));
  expect(ok.error).toBeUndefined();
  expect(ok.state).toBe("chargeable");
});
