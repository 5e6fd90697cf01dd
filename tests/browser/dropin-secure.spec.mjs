// The drop-in's card form on secure fields: the number, expiry and code are
// one frame of the fields origin (learned from the backend's payment-methods
// answer, no option), labels and errors stay in the drop-in, onReady fires
// when the fields take input, and a skimmer on the shop's page sees neither
// the number nor the code of a card paid through the drop-in (also with
// 3-D Secure). The page (elements.html) adds only `frame-src` to its CSP.
import { expect, API, PK, createSession, sk, leaks, secure } from "./fixtures.mjs";
import { test } from "./elements-fixtures.mjs";

// The drop-in build (`paysession/dropin`), the one a checkout page that shows
// the drop-in imports; the other drop-in specs run on the checkout's module,
// whose drop-in is the same code.
test.use({ elModule: "paysession-dropin" });

const year = String((new Date().getFullYear() + 2) % 100).padStart(2, "0");

/** Mounts a drop-in for `sid`; events in window.events; resolves at onReady. */
async function mountDropin(page, sid, extra = {}) {
  return page.evaluate(({ api, pk, sid, extra }) => new Promise((resolve) => {
    window.events = [];
    const payments = new PaySession(pk, { apiBase: api, ...extra });
    window.dropin = payments.createDropin({
      sessionId: sid,
      onSuccess: (d) => events.push(["success", d.source.id, d.source.state]),
      onError: (d) => events.push(["error", d.errors[0].code]),
      onCancel: () => events.push(["cancel"]),
      onReady: (d) => {
        // At onReady the fields take input: each frame has said "ready".
        const root = document.querySelector(".paysession-dropin").shadowRoot;
        const frames = [...root.querySelectorAll(".PaySessionElement iframe")];
        resolve({ types: d.paymentMethodTypes, frames: frames.length, titles: frames.map((f) => f.title), src: frames.map((f) => new URL(f.src).origin) });
      },
    });
    dropin.mount("drop-in");
  }), { api: API, pk: PK, sid, extra });
}

/** Types a card into the drop-in's card frame (one frame of the fields origin), by keyboard. */
async function typeCard(page, number, cvv, name = "Ada Lovelace") {
  const f = (id) => secure(page, id);
  // Clicking the label focuses the card frame's number.
  await page.locator("label[for=card]").click();
  await expect(f("num")).toBeFocused();
  await page.keyboard.type(number);
  await page.keyboard.press("Tab");
  await expect(f("exp")).toBeFocused();
  await page.keyboard.type(`12${year}`);
  await page.keyboard.press("Tab");
  await expect(f("cvc")).toBeFocused();
  await page.keyboard.type(cvv);
  await page.keyboard.press("Tab");
  await expect(page.locator("#name")).toBeFocused();
  await page.keyboard.type(name);
}

test("drop-in card form: one secure frame from the backend's fields origin, localized names, errors under it", async ({ elPage: page }) => {
  const s = await createSession({ country: "NL" });
  const ready = await mountDropin(page, s.id);
  expect(ready.types).toContain("creditCard");
  // The card's number, expiry and code: one frame, one document.
  expect(ready.frames).toBe(1);
  expect(ready.titles).toEqual(["Card number, Expiry date (MM/YY), Security code"]);
  const f = (id) => secure(page, id);
  for (const [id, name, ac] of [["num", "Card number", "cc-number"], ["exp", "Expiry date (MM/YY)", "cc-exp"], ["cvc", "Security code", "cc-csc"]]) {
    await expect(f(id)).toHaveAttribute("aria-label", name);
    await expect(f(id)).toHaveAttribute("autocomplete", ac);
  }
  await expect(f("exp")).toHaveAttribute("placeholder", "MM/YY");
  // Made at mount, before the answer named the fields origin: the frame is
  // asked of the API (`/hosted/field`), which redirects it to the fields
  // origin, where its document runs.
  expect(ready.src).toEqual([API]);
  const at = page.frames().filter((f) => f.url().includes("/field?")).map((f) => new URL(f.url()).origin);
  expect(at).toEqual([process.env.PAYSESSION_FIELDS]);
  // No card input in the merchant's page (nor in the drop-in's shadow root).
  const inputs = await page.evaluate(() => [...document.querySelector(".paysession-dropin").shadowRoot.querySelectorAll("input")].map((i) => i.id));
  expect(inputs).toEqual(["name"]);
  // An empty submit: the message under the card and the name, each empty
  // part marked required inside the frame, the first focused, announced.
  await page.locator("#pay-creditCard").click();
  for (const id of ["card", "name"]) await expect(page.locator(`#${id}-e`)).toHaveText("This field is required.");
  for (const id of ["num", "exp", "cvc"]) {
    await expect(f(id)).toHaveAttribute("aria-invalid", "true");
    await expect(page.frameLocator("#card iframe").locator(`#${id}-e`)).toHaveText("This field is required.");
  }
  await expect(f("num")).toBeFocused();
  await expect(page.locator("[role=status]")).toHaveText("This field is required.");
  // A wrong number typed: its error in the drop-in and the live region; the brand beside it.
  await page.keyboard.type("4242424242424241");
  await page.keyboard.press("Tab");
  await expect(f("exp")).toBeFocused();
  await expect(page.locator("#card-e")).toHaveText("This card number is not valid.");
  await expect(page.locator("[role=status]")).toHaveText("This card number is not valid.");
  await expect(page.locator("#card-b")).toHaveText("Visa");
  await expect(page.locator("#card")).toHaveClass(/PaySessionElement--invalid/);
  // Still required: the expiry, empty since the submit.
  await expect(f("exp")).toHaveAttribute("aria-invalid", "true");
  expect(await page.evaluate(() => events)).toEqual([]);
});

test("drop-in: decline then retry in place, Enter in a field pays", async ({ elPage: page }) => {
  const s = await createSession({ country: "NL" });
  await mountDropin(page, s.id);
  // An empty submit first: field errors, nothing sent; the form stays usable.
  await page.locator("#pay-creditCard").click();
  await expect(page.locator("#card-e")).toHaveText("This field is required.");
  await typeCard(page, "4000000000000002", "123");
  await page.locator("#pay-creditCard").click();
  await expect(page.locator("#fe-creditCard")).toHaveText(/declined/);
  await expect(page.locator("#pay-creditCard")).toBeEnabled();
  const num = secure(page, "num");
  await num.fill("");
  await num.click();
  await page.keyboard.type("5555555555554444");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => events.some((e) => e[0] === "success"));
  expect((await page.evaluate(() => events)).map((e) => e[0])).toEqual(["error", "success"]);
});

test("skimmer: a shopper pays by card through the drop-in; the page's record holds neither number nor code", async ({ elPage: page }) => {
  const number = "4242424242424242", cvv = "737";
  const s = await createSession({ country: "NL" });
  await mountDropin(page, s.id);
  await typeCard(page, number, cvv);
  await page.locator("#pay-creditCard").click();
  await page.waitForFunction(() => events.length > 0);
  const ev = await page.evaluate(() => events);
  expect(ev[0].slice(0, 1).concat(ev[0][2])).toEqual(["success", "chargeable"]);
  expect((await sk("POST", `/v1/sessions/${s.id}/sources`, { sourceId: ev[0][1] })).status).toBe(200);
  expect((await sk("POST", "/v1/orders", { sessionId: s.id })).status).toBe(201);
  const src = await sk("GET", `/v1/sources/${ev[0][1]}`);
  expect(src.json.creditCard.lastFourDigits).toBe("4242");
  await page.evaluate(() => window.__skimWalk());
  const record = await page.evaluate(() => window.__skim);
  // The skimmer ran: it saw the messages, the frames (blocked) and the typed name.
  expect(record.some((x) => x.startsWith("message:"))).toBe(true);
  expect(record.some((x) => x.startsWith("frame-blocked:"))).toBe(true);
  expect(record.some((x) => x.includes("Ada Lovelace"))).toBe(true);
  expect(record.some((x) => (x.startsWith("fetch:") || x.startsWith("xhr")) && x.includes("/v1/sources"))).toBe(false);
  expect(leaks(record, number, cvv)).toEqual([]);
});

test("skimmer: 3-D Secure through the drop-in with secure fields, challenge passed, leaks nothing", async ({ elPage: page }) => {
  const number = "5454545454545454", cvv = "818";
  const s = await createSession({ country: "DE" });
  await mountDropin(page, s.id);
  await typeCard(page, number, cvv);
  await page.locator("#pay-creditCard").click();
  const challenge = page.frameLocator("dialog iframe");
  await challenge.locator("#password").fill("password");
  await challenge.locator("#password").press("Enter");
  await page.waitForFunction(() => events.length > 0);
  const ev = await page.evaluate(() => events);
  expect(ev.map((e) => e[0])).toEqual(["success"]);
  expect(ev[0][2]).toBe("chargeable");
  expect((await sk("POST", `/v1/sessions/${s.id}/sources`, { sourceId: ev[0][1] })).status).toBe(200);
  expect((await sk("POST", "/v1/orders", { sessionId: s.id })).status).toBe(201);
  await page.evaluate(() => window.__skimWalk());
  const record = await page.evaluate(() => window.__skim);
  expect(leaks(record, number, cvv)).toEqual([]);
});

test("fieldsBase names the fields origin; frames that do not load: onReady after the load timeout, each field says why", async ({ elPage: page }) => {
  const s = await createSession({ country: "NL" });
  // fieldsBase wins over the backend's: a port that refuses connections.
  const out = await page.evaluate(({ api, pk, sid }) => new Promise((resolve) => {
    const t0 = performance.now();
    const d = new PaySession(pk, { apiBase: api, fieldsBase: "http://127.0.0.1:9" }).createDropin({
      sessionId: sid,
      onReady: (x) => resolve({ types: x.paymentMethodTypes, ms: performance.now() - t0 }),
    });
    d.mount("drop-in");
  }), { api: API, pk: PK, sid: s.id });
  // The frames never load: onReady still comes (after the load timeout), the field says why.
  expect(out.types).toContain("creditCard");
  expect(out.ms).toBeLessThan(15_000);
  await expect(page.locator("#card-e")).toHaveText(/could not reach/);
});

test("drop-in: an Amex needs a four-digit code (the code field follows the number's brand), then pays", async ({ elPage: page }) => {
  const s = await createSession({ country: "NL" });
  await mountDropin(page, s.id);
  const f = (id) => secure(page, id);
  await f("num").fill("3782 822463 10005");
  await expect(page.locator("#card-b")).toHaveText("American Express");
  await expect(page.locator("#card-b")).toHaveAttribute("data-brand", "amex");
  await f("cvc").fill("123");
  await page.locator("#name").focus();
  await expect(page.locator("#card-e")).toHaveText("The security code is incomplete.");
  await f("cvc").fill("1234");
  await expect(page.locator("#card-e")).toHaveText("");
  await f("exp").fill(`12/${year}`);
  await page.locator("#name").fill("Grace Hopper");
  await page.locator("#pay-creditCard").click();
  await page.waitForFunction(() => events.length > 0);
  expect(await page.evaluate(() => events.map((e) => e[0]))).toEqual(["success"]);
});
