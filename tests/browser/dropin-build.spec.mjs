// The drop-in build (`paysession/dropin`, pkg-web/paysession-dropin.js): a
// checkout page that shows the drop-in downloads `new PaySession`,
// `createDropin`, `createSource(payload)` and `retrieveAvailablePaymentMethods`,
// and none of the page's own Elements, the compliance element or the session
// helpers (Cargo.toml's `elements` feature). What it leaves out is absent or
// refused with a coded error, never ignored. Its drop-in is the checkout
// module's: dropin-secure.spec.mjs pays through it (the skimmer tests
// included); the other drop-in specs run on the checkout's module.
import { expect, API, PK, createSession, savedCard } from "./fixtures.mjs";
import { test, FIELDS } from "./elements-fixtures.mjs";

test.use({ elModule: "paysession-dropin" });

test("the drop-in build has PaySession and Dropin only; an element's second argument is refused, nothing sent", async ({ elPage: page }) => {
  expect(await page.evaluate(() => window.sdkModule)).toBe("paysession-dropin");
  const s = await createSession();
  const sent = [];
  page.on("request", (q) => { if (q.url().includes("/v1/sources")) sent.push(q.url()); });
  const out = await page.evaluate(async ({ api, pk, fields, sid }) => {
    const p = new PaySession(pk, { apiBase: api, fieldsBase: fields });
    const methods = ["createSource", "createDropin", "retrieveAvailablePaymentMethods", "createElement",
      "retrieveComplianceDetails", "retrieveSource", "authenticateSource", "retrieveSession", "updateSession"];
    const card = { type: "creditCard", sessionId: sid };
    return {
      has: methods.filter((m) => typeof p[m] === "function"),
      classes: Object.keys(window.sdk).filter((k) => /^[A-Z]/.test(k)).sort(),
      // What a page written for the checkout's module would pass: an element (here any object) and its data.
      withData: resultPlain(await p.createSource({}, card)),
    };
  }, { api: API, pk: PK, fields: FIELDS, sid: s.id });
  expect(out.has).toEqual(["createSource", "createDropin", "retrieveAvailablePaymentMethods"]);
  expect(out.classes).toEqual(["Dropin", "PaySession"]);
  expect(out.withData.state).toBe("failed");
  expect(out.withData.error).toMatchObject({ type: "validation_error", code: "invalid_parameter" });
  expect(out.withData.error.errors[0].parameter).toBe("payload");
  expect(out.withData.error.message).toContain("paysession/elements");
  expect(sent).toEqual([]);
});

test("the drop-in build creates a source from a payload and lists the payment methods", async ({ elPage: page }) => {
  const s = await createSession({ country: "DE" });
  const out = await page.evaluate(async ({ api, pk, sid }) => {
    const p = new PaySession(pk, { apiBase: api });
    const owner = { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com",
      address: { line1: "1 Main St", city: "Berlin", postalCode: "10115", country: "DE" } };
    const sepa = resultPlain(await p.createSource({ sessionId: sid, type: "sepaDebit", owner, sepaDebit: { iban: "DE89 3704 0044 0532 0130 00" } }));
    const bad = resultPlain(await p.createSource({ sessionId: sid, type: "sepaDebit", owner, sepaDebit: { iban: "DE89 3704 0044 0532 0130 01" } }));
    const { paymentMethods } = await p.retrieveAvailablePaymentMethods({ sessionId: sid });
    return { sepa: [sepa.state, sepa.source?.sepaDebit?.lastFourDigits], bad: [bad.state, bad.error.code], types: paymentMethods.map((m) => m.type) };
  }, { api: API, pk: PK, sid: s.id });
  expect(out.sepa).toEqual(["chargeable", "3000"]);
  expect(out.bad).toEqual(["failed", "invalid_iban"]);
  expect(out.types).toContain("creditCard");
  expect(out.types).toContain("sepaDebit");
});

test("the drop-in build's manage flow loads the manage module and shows the saved card", async ({ elPage: page }) => {
  const { cus } = await savedCard();
  const s = await createSession({ customerId: cus });
  const fetched = [];
  page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  const ready = await page.evaluate(({ api, pk, sid }) => new Promise((resolve, reject) => {
    new PaySession(pk, { apiBase: api }).createDropin({
      sessionId: sid,
      options: { flow: "managePaymentMethods", usage: "convenience" },
      onReady: () => resolve(true),
      onError: (e) => reject(new Error(e.errors[0].code)),
    }).mount("drop-in");
  }), { api: API, pk: PK, sid: s.id });
  expect(ready).toBe(true);
  await expect(page.getByRole("heading", { name: "Manage payment methods" })).toBeVisible();
  await expect(page.locator("#sl li")).toContainText("Visa ending in 4242");
  expect(fetched.filter((p) => /\/paysession-manage(\.js|_bg\.wasm)$/.test(p)).sort())
    .toEqual(["/pkg-web/paysession-manage.js", "/pkg-web/paysession-manage_bg.wasm"]);
});
