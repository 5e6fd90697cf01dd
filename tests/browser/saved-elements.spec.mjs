// A saved card paid with a fresh security code typed into a secure field:
// `createElement("cardcvv", {paymentMethodId})`. The code field stands alone
// (it takes no part in its group's new card), the frame creates the source
// from the fields origin, and a skimmer on the page sees no code.
import { expect, API, PK, createSession, sk, savedCard } from "./fixtures.mjs";
import { test, FIELDS, mountAll, frame, typeCard } from "./elements-fixtures.mjs";


test("a cardcvv element with paymentMethodId pays the saved card; the page never holds the code", async ({ elPage: page }) => {
  const { cus, pm } = await savedCard();
  const s = await createSession({ customerId: cus });
  await mountAll(page, { cardcvv: { paymentMethodId: pm } });
  // The new card's number is typed too: the saved card's code is not its code.
  await typeCard(page, "5555555555554444", undefined, "737");
  const mixed = await page.evaluate(async (sid) => resultPlain(await window.payments.createSource(window.els.cardnumber, { sessionId: sid, type: "creditCard" })), s.id);
  expect(mixed.state).toBe("failed");
  expect(mixed.error.errors[0].parameter).toBe("creditCard.cvv");
  const r = await page.evaluate(async (sid) => resultPlain(await window.payments.createSource(window.els.cardcvv, { sessionId: sid, type: "creditCard" })), s.id);
  expect(r.error).toBeUndefined();
  expect(r.state).toBe("chargeable");
  expect(r.source.creditCard).toMatchObject({ brand: "visa", lastFourDigits: "4242" });
  await page.evaluate(() => window.__skimWalk());
  const text = (await page.evaluate(() => window.__skim)).join("\n")
    .replace(/"(key|code)":"\d"/g, "")
    .replace(/[0-9a-z_]{12,}/gi, (run) => (/[a-z]/i.test(run) ? "<id>" : run));
  expect(text).not.toMatch(/(^|[^0-9])737([^0-9]|$)/);
  // The page sent no source request itself.
  expect(text).not.toMatch(/fetch:[^\n]*\/v1\/sources/);
});

test("paymentMethodId: only on cardcvv, only a pm_ id; a removed method is payment_method_removed", async ({ elPage: page }) => {
  const { cus, pm } = await savedCard();
  const refused = await page.evaluate(({ pm, api, pk, fields }) => {
    const p = new PaySession(pk, { apiBase: api, fieldsBase: fields });
    const codes = [];
    for (const [type, id] of [["cardnumber", pm], ["cardexpiration", pm], ["cardcvv", "pm_x"], ["cardcvv", 7]]) {
      try { p.createElement(type, { paymentMethodId: id }); codes.push("accepted"); } catch (e) { codes.push([e.code, e.errors[0].parameter]); }
    }
    return codes;
  }, { pm, api: API, pk: PK, fields: FIELDS });
  expect(refused).toEqual(Array(4).fill(["invalid_parameter", "paymentMethodId"]));
  const s = await createSession({ customerId: cus });
  await mountAll(page, { cardcvv: { paymentMethodId: pm } });
  await frame(page, "card-cvv").click();
  await page.keyboard.type("321");
  expect((await sk("DELETE", `/v1/customers/${cus}/payment-methods/${pm}`)).status).toBe(200);
  const r = await page.evaluate(async (sid) => resultPlain(await window.payments.createSource(window.els.cardcvv, { sessionId: sid, type: "creditCard" })), s.id);
  expect(r.state).toBe("failed");
  expect(r.error.code).toBe("payment_method_removed");
});

test("drop-in: saved cards first, an expired one marked and not selectable, the selected one pays with its code", async ({ elPage: page }) => {
  const { cus } = await savedCard();
  const s = await createSession({ customerId: cus });
  // The backend refuses expired cards, so the expired one is added to its answer here.
  await page.route(`**/v1/sessions/${s.id}/payment-methods*`, async (route) => {
    const response = await route.fetch();
    const json = await response.json();
    json.savedPaymentMethods.push({ id: `pm_${"0".repeat(32)}`, type: "creditCard", usage: "convenience",
      creditCard: { brand: "mastercard", lastFourDigits: "4444", expirationMonth: 1, expirationYear: 2020 }, createdTime: "2020-01-01T00:00:00Z" });
    await route.fulfill({ response, json });
  });
  const ready = await page.evaluate(({ api, pk, sid }) => new Promise((resolve) => {
    window.events = [];
    const payments = new PaySession(pk, { apiBase: api });
    payments.createDropin({
      sessionId: sid,
      onSuccess: (d) => window.events.push(["success", d.source.state, d.source.creditCard.lastFourDigits]),
      onError: (d) => window.events.push(["error", d.errors[0].code]),
      onReady: resolve,
    }).mount("drop-in");
  }), { api: API, pk: PK, sid: s.id });
  expect(ready.paymentMethodTypes).toContain("creditCard");
  await expect(page.locator("legend")).toHaveText("Saved payment methods");
  await expect(page.locator("label[for=spm-0]")).toHaveText(/^Visa ending in 4242 — Expires 12\/2040$/);
  await expect(page.locator("label[for=spm-1]")).toHaveText("Mastercard ending in 4444 — Expired");
  await expect(page.locator("#spm-0")).toBeChecked();
  await expect(page.locator("#spm-1")).toBeDisabled();
  await expect(page.locator("#b-creditCard")).toBeHidden();
  await page.frameLocator("#scvc iframe").locator("input").fill("737");
  await page.locator("#pay-saved").click();
  await expect.poll(() => page.evaluate(() => window.events)).toEqual([["success", "chargeable", "4242"]]);
});
