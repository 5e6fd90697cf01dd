// Frames without the wait (issue 17, docs/DROPIN.md): the drop-in creates its
// card's secure frame (number, expiry and code in one document) at mount(), beside the payment-methods
// request (through the API's /hosted/field redirect, before the answer names
// the fields origin). These tests prove that those early frames are the ones
// the form uses (no second set), that they are requested before the answer
// is in, that onReady still means the number field takes a keystroke, and
// that no frame is left behind by an unmount or a failed load.
import { expect, API, PK, createSession, secure } from "./fixtures.mjs";
import { test, FIELDS } from "./elements-fixtures.mjs";

/** Counts the page's requests for frames: through the API and at the fields origin. */
function frameRequests(page) {
  const seen = { api: 0, fields: 0 };
  page.on("request", (r) => {
    const u = r.url();
    if (u.startsWith(`${API}/hosted/field?`)) seen.api++;
    else if (u.startsWith(`${FIELDS}/field?`)) seen.fields++;
  });
  return seen;
}

/** The frames in the drop-in's shadow root, as the page sees them. */
const framesIn = (page) => page.evaluate(() => {
  const host = document.querySelector(".paysession-dropin");
  return host ? host.shadowRoot.querySelectorAll("iframe").length : 0;
});

test("the card frames are requested before the payment-methods answer is in, and they are the ones the form uses", async ({ elPage: page }) => {
  const s = await createSession({ country: "NL" });
  const seen = frameRequests(page);
  // Hold the payment-methods answer until the card frame has been asked
  // for: a drop-in that waits for the answer before making its frames never
  // gets it (and this test fails on its timeout).
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route("**/payment-methods*", async (route) => { await held; await route.continue(); });
  const out = page.evaluate(({ api, pk, sid }) => new Promise((resolve) => {
    const payments = new PaySession(pk, { apiBase: api });
    const d = payments.createDropin({
      sessionId: sid,
      onReady: () => {
        const now = [...root.querySelectorAll("iframe")];
        resolve({ same: now.length === early.length && now.every((f, i) => f === early[i]), frames: now.length });
      },
    });
    d.mount("drop-in");
    const root = document.querySelector(".paysession-dropin").shadowRoot;
    // Made by mount() itself, synchronously.
    const early = [...root.querySelectorAll("iframe")];
    window.earlyCount = early.length;
  }), { api: API, pk: PK, sid: s.id });
  await expect.poll(() => seen.api, { timeout: 10_000 }).toBe(1);
  expect(await page.evaluate(() => window.earlyCount)).toBe(1);
  // Nothing of the card is usable before the answer: the list is laid out
  // (so its frames render) but transparent and inert, out of the
  // accessibility tree and the tab order.
  expect(await page.evaluate(() => {
    const root = document.querySelector(".paysession-dropin").shadowRoot;
    const ul = root.querySelector("ul");
    return { inert: ul.inert, opacity: getComputedStyle(ul).opacity };
  })).toEqual({ inert: true, opacity: "0" });
  await expect(page.getByRole("button", { name: /card/i })).toHaveCount(0);
  release();
  const r = await out;
  expect(r).toEqual({ same: true, frames: 1 });
  // One frame: once through the API, one document at the fields origin, no more.
  expect(seen.api).toBe(1);
  expect(seen.fields).toBe(1);
  // Shown when the form renders.
  await expect(page.locator("#b-creditCard")).toBeVisible();
  expect(await page.evaluate(() => document.querySelector(".paysession-dropin").shadowRoot.querySelector("ul").inert)).toBe(false);
  await expect(secure(page, "num")).toBeVisible();
});

test("a keystroke sent at onReady lands in the number field", async ({ elPage: page }) => {
  const s = await createSession({ country: "NL" });
  await page.evaluate(({ api, pk, sid }) => new Promise((resolve) => {
    new PaySession(pk, { apiBase: api }).createDropin({
      sessionId: sid,
      // At onReady, at once: the shopper's click on the card's label
      // focuses the number (inside the card frame).
      onReady: () => { document.querySelector(".paysession-dropin").shadowRoot.querySelector("label[for=card]").click(); resolve(); },
    }).mount("drop-in");
  }), { api: API, pk: PK, sid: s.id });
  await page.keyboard.type("4242");
  await expect(secure(page, "num")).toHaveValue("4242");
});

test("unmount before the answer, and a mount whose payment methods fail, leave no frame behind", async ({ elPage: page }) => {
  const s = await createSession({ country: "NL" });
  // Unmounted at once: the early frames go with it.
  const n = await page.evaluate(({ api, pk, sid }) => {
    const d = new PaySession(pk, { apiBase: api }).createDropin({ sessionId: sid });
    d.mount("drop-in");
    const made = document.querySelector(".paysession-dropin").shadowRoot.querySelectorAll("iframe").length;
    d.unmount();
    return { made, left: document.querySelectorAll("iframe").length + document.getElementById("drop-in").childNodes.length };
  }, { api: API, pk: PK, sid: s.id });
  expect(n).toEqual({ made: 1, left: 0 });
  await expect.poll(() => page.frames().length).toBe(1);
  // A session that does not exist: onError, the error shown, no frame left.
  const err = await page.evaluate(({ api, pk }) => new Promise((resolve) => {
    new PaySession(pk, { apiBase: api }).createDropin({
      sessionId: "ses_0000000000000000000000000000dead",
      onError: (e) => resolve(e.errors[0].code),
    }).mount("drop-in");
  }), { api: API, pk: PK });
  expect(err).toBeTruthy();
  expect(await framesIn(page)).toBe(0);
  await expect(page.locator("[role=alert]")).toBeVisible();
  await expect.poll(() => page.frames().length).toBe(1);
});

test("a session without the card: the early frames are removed when the list renders", async ({ elPage: page }) => {
  // A Dutch session offers iDEAL and others; the merchant disables the card
  // server side by offering only what the answer lists: filter it out here.
  const s = await createSession({ country: "NL" });
  await page.route("**/payment-methods*", async (route) => {
    const res = await route.fetch();
    const j = await res.json();
    j.paymentMethods = j.paymentMethods.filter((m) => m.type !== "creditCard");
    await route.fulfill({ response: res, json: j });
  });
  const types = await page.evaluate(({ api, pk, sid }) => new Promise((resolve) => {
    new PaySession(pk, { apiBase: api }).createDropin({ sessionId: sid, onReady: (d) => resolve(d.paymentMethodTypes) }).mount("drop-in");
  }), { api: API, pk: PK, sid: s.id });
  expect(types).not.toContain("creditCard");
  expect(types.length).toBeGreaterThan(0);
  expect(await framesIn(page)).toBe(0);
  await expect.poll(() => page.frames().length).toBe(1);
});

test("an answer naming another fields origin than the frames reached: their messages are refused, the field says why", async ({ elPage: page }) => {
  const s = await createSession({ country: "NL" });
  // The answer is rewritten to name a fields origin the frames are not on:
  // the page must not take the frames' messages (nor send them the config).
  await page.route("**/payment-methods*", async (route) => {
    const res = await route.fetch();
    const j = await res.json();
    j.fieldsUrl = "http://127.0.0.1:9";
    await route.fulfill({ response: res, json: j });
  });
  const ready = await page.evaluate(({ api, pk, sid }) => new Promise((resolve) => {
    new PaySession(pk, { apiBase: api }).createDropin({ sessionId: sid, onReady: (d) => resolve(d.paymentMethodTypes) }).mount("drop-in");
  }), { api: API, pk: PK, sid: s.id });
  // The card was offered with its frames, which never became ready: the load timeout's coded error.
  expect(ready).toContain("creditCard");
  await expect(page.locator("#card-e")).toHaveText(/could not reach/);
});

test("each card frame takes its config from its URL: its first words to the page are its state and ready, not a request for the config", async ({ elPage: page }) => {
  const s = await createSession({ country: "NL" });
  // The page hears every message the frames send, in order, per frame.
  const firsts = await page.evaluate(({ api, pk, sid, fields }) => new Promise((resolve) => {
    const first = new Map();
    addEventListener("message", (e) => {
      if (e.origin !== fields || !e.data) return;
      const seen = first.get(e.source) || [];
      if (seen.length < 2) first.set(e.source, [...seen, e.data.t]);
    });
    const payments = new PaySession(pk, { apiBase: api, fieldsBase: fields });
    const el = payments.createElement("cardnumber", {});
    el.on("ready", () => {
      payments.createDropin({ sessionId: sid, onReady: () => resolve([...first.values()]) }).mount("drop-in");
    });
    el.mount("card-number");
  }), { api: API, pk: PK, sid: s.id, fields: FIELDS });
  // One standalone field and the drop-in's card frame.
  // (Before, each frame began with "hi" and waited for the page's "cfg".)
  expect(firsts).toEqual(Array(2).fill(["change", "ready"]));
  // The config the URL carried is the one in force: labelled, in the page's
  // language, and a keystroke is taken.
  const num = secure(page, "num");
  await expect(num).toHaveAttribute("aria-label", "Card number");
  await num.pressSequentially("4111");
  await expect(num).toHaveValue("4111");
});

test("frames ready before the answer count as ready when it comes: no config is sent again, each frame says ready once", async ({ elPage: page }) => {
  const s = await createSession({ country: "NL" });
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route("**/payment-methods*", async (route) => { await held; await route.continue(); });
  await page.evaluate(({ api, pk, sid, fields }) => {
    window.readies = 0;
    addEventListener("message", (e) => { if (e.origin === fields && e.data && e.data.t === "ready") window.readies++; });
    window.done = new Promise((resolve) => {
      new PaySession(pk, { apiBase: api }).createDropin({ sessionId: sid, onReady: resolve }).mount("drop-in");
    });
  }, { api: API, pk: PK, sid: s.id, fields: FIELDS });
  // The card frame configured itself from its URL before the answer.
  await expect.poll(() => page.evaluate(() => window.readies), { timeout: 10_000 }).toBe(1);
  release();
  await page.evaluate(() => window.done);
  await expect(secure(page, "num")).toBeVisible();
  // Before, the answer sent each frame its config again and each said ready twice.
  expect(await page.evaluate(() => window.readies)).toBe(1);
});

test("nothing is posted to a frame still loading (no origin warning); a config changed meanwhile reaches it when it is ready", async ({ elPage: page }) => {
  const s = await createSession({ country: "NL" });
  const warnings = [];
  page.on("console", (m) => { if (/postMessage/.test(m.text())) warnings.push(m.text()); });
  // The frames' documents wait until the list (in German, its catalog in) has rendered.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route(`${FIELDS}/field?*`, async (route) => { await held; await route.continue(); });
  await page.evaluate(({ api, pk, sid }) => {
    window.done = new Promise((resolve) => {
      new PaySession(pk, { apiBase: api, locale: "de-DE" }).createDropin({ sessionId: sid, onReady: resolve }).mount("drop-in");
    });
  }, { api: API, pk: PK, sid: s.id });
  await expect(page.locator("#b-creditCard")).toBeVisible();
  release();
  await page.evaluate(() => window.done);
  // The URL said English (the catalog was not in at mount); the frame now speaks German.
  const num = secure(page, "num");
  await expect(num).toHaveAttribute("aria-label", "Kartennummer");
  // Before: "Failed to execute 'postMessage' on 'DOMWindow': The target origin provided … does not match the recipient window's origin" (5 in the run before the fix).
  expect(warnings).toEqual([]);
});
