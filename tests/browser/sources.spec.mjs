// createSource against the real backend: every type and state, card
// validation before any request, and the DigitalRiver guide's snippet.
import { test, expect, API, PK, createSession, card, trackApi } from "./fixtures.mjs";

/** Runs createSource in the page and returns a plain result. */
async function createSource(page, payload, options = {}) {
  return page.evaluate(
    async ({ api, pk, payload, options }) => {
      const payments = new PaySession(pk, { apiBase: api, ...options });
      return resultPlain(await payments.createSource(payload));
    },
    { api: API, pk: PK, payload, options },
  );
}

const owner = {
  firstName: "Ada", lastName: "Lovelace", email: "ada@example.com",
  address: { line1: "1 Main St", city: "Berlin", postalCode: "10115", country: "DE" },
};

test.describe("card sources", () => {
  for (const [number, brand, cvv] of [
    ["4242 4242 4242 4242", "visa", "123"],
    ["5555 5555 5555 4444", "mastercard", "123"],
    ["3782 822463 10005", "amex", "1234"],
  ]) {
    test(`${brand} is chargeable`, async ({ sdkPage }) => {
      const s = await createSession();
      const r = await createSource(sdkPage, { sessionId: s.id, type: "creditCard", owner, creditCard: card(number, cvv) });
      expect(r.error).toBeUndefined();
      expect(r.state).toBe("chargeable");
      expect(r.source.state).toBe("chargeable");
      expect(r.source.creditCard.brand).toBe(brand);
      expect(r.source.creditCard.lastFourDigits).toBe(number.replace(/ /g, "").slice(-4));
      expect(r.source.amount).toBe(1000);
      expect(JSON.stringify(r)).not.toContain(number.replace(/ /g, ""));
    });
  }

  for (const [number, code] of [
    ["4000 0000 0000 0002", "card_declined"],
    ["4000 0000 0000 9995", "insufficient_funds"],
  ]) {
    test(`${code} resolves as failed`, async ({ sdkPage }) => {
      const s = await createSession();
      const r = await createSource(sdkPage, { sessionId: s.id, type: "creditCard", creditCard: card(number) });
      expect(r.state).toBe("failed");
      expect(r.source).toBeUndefined();
      expect(r.error.isError).toBe(true);
      expect(r.error.code).toBe(code);
      expect(r.error.errors[0].code).toBe(code);
    });
  }

  test("5454… in a DE session requires action, then authenticates", async ({ sdkPage }) => {
    const s = await createSession({ country: "DE" });
    const out = await sdkPage.evaluate(async ({ api, pk, sid, c }) => {
      const payments = new PaySession(pk, { apiBase: api });
      const r = await payments.createSource({ sessionId: sid, type: "creditCard", creditCard: c });
      const src = r.source;
      const pending = await payments.authenticateSource({ sessionId: sid, sourceId: src.id, sourceClientSecret: src.clientSecret });
      const done = await payments.authenticateSource({
        sessionId: sid, sourceId: src.id, sourceClientSecret: src.clientSecret, challengeResponse: "password",
      });
      const again = await payments.retrieveSource(src.id, src.clientSecret);
      return { state: r.state, nextAction: src.nextAction, pending: pending.status, done: done.status, doneState: done.source.state, again: again.state };
    }, { api: API, pk: PK, sid: s.id, c: card("5454 5454 5454 5454") });
    expect(out.state).toBe("requires_action");
    expect(out.nextAction.type).toBe("challenge");
    expect(out.pending).toBe("pending");
    expect(out.done).toBe("complete");
    expect(out.doneState).toBe("chargeable");
    expect(out.again).toBe("chargeable");
  });

  test("a wrong challenge answer is status failed (resolved, not rejected)", async ({ sdkPage }) => {
    const s = await createSession({ country: "DE" });
    const out = await sdkPage.evaluate(async ({ api, pk, sid, c }) => {
      const payments = new PaySession(pk, { apiBase: api });
      const { source } = await payments.createSource({ sessionId: sid, type: "creditCard", creditCard: c });
      const r = await payments.authenticateSource({
        sessionId: sid, sourceId: source.id, sourceClientSecret: source.clientSecret, challengeResponse: "nope",
      });
      return { status: r.status };
    }, { api: API, pk: PK, sid: s.id, c: card("4917 6100 0000 0000") });
    expect(out.status).toBe("failed");
  });

  test("a card outside the EEA needs no authentication", async ({ sdkPage }) => {
    const s = await createSession({ country: "US" });
    const out = await sdkPage.evaluate(async ({ api, pk, sid, c }) => {
      const payments = new PaySession(pk, { apiBase: api });
      const { source, state } = await payments.createSource({ sessionId: sid, type: "creditCard", creditCard: c });
      const r = await payments.authenticateSource({ sessionId: sid, sourceId: source.id, sourceClientSecret: source.clientSecret });
      return { state, status: r.status };
    }, { api: API, pk: PK, sid: s.id, c: card("5454 5454 5454 5454") });
    expect(out.state).toBe("chargeable");
    expect(out.status).toBe("authentication_not_required");
  });

  test("card sources carry browserInfo for SCA", async ({ sdkPage }) => {
    const s = await createSession({ country: "DE" });
    const bodies = [];
    sdkPage.on("request", (r) => { if (r.method() === "POST" && r.url().endsWith("/v1/sources")) bodies.push(r.postDataJSON()); });
    await createSource(sdkPage, { sessionId: s.id, type: "creditCard", creditCard: card("4242424242424242") });
    const info = bodies[0].browserInfo;
    expect(info.screenWidth).toBeGreaterThan(0);
    expect(info.screenHeight).toBeGreaterThan(0);
    expect(info.colorDepth).toBeGreaterThan(0);
    expect(typeof info.timeZoneOffset).toBe("number");
    expect(info.language).toBeTruthy();
    expect(info.userAgent).toContain("Chrome");
  });
});

test.describe("other source types", () => {
  const urls = { returnUrl: "https://shop.example/return", cancelUrl: "https://shop.example/cancel" };
  for (const [type, country] of [["payPal", "US"], ["klarnaCredit", "DE"], ["ideal", "NL"]]) {
    test(`${type} is pending_redirect`, async ({ sdkPage }) => {
      const s = await createSession({ country });
      const r = await createSource(sdkPage, { sessionId: s.id, type, owner, [type]: urls });
      expect(r.error).toBeUndefined();
      expect(r.state).toBe("pending_redirect");
      expect(r.source.flow).toBe("redirect");
      expect(r.source.redirect.redirectUrl).toContain("/hosted/redirect/");
      expect(r.source.redirect.returnUrl).toBe(urls.returnUrl);
    });
  }

  test("wireTransfer is pending_funds with instructions", async ({ sdkPage }) => {
    const s = await createSession({ country: "DE" });
    const r = await createSource(sdkPage, { sessionId: s.id, type: "wireTransfer", owner, wireTransfer: {} });
    expect(r.state).toBe("pending_funds");
    expect(r.source.flow).toBe("receiver");
    expect(r.source.wireTransfer.referenceId).toBeTruthy();
  });

  test("giftCard is chargeable with its balance", async ({ sdkPage }) => {
    const s = await createSession();
    const r = await createSource(sdkPage, { sessionId: s.id, type: "giftCard", giftCard: { number: "6000 0000 0000 0001", pin: "1234" } });
    expect(r.state).toBe("chargeable");
    expect(r.source.giftCard.balance).toBe(500);
    expect(r.source.giftCard.lastFourDigits).toBe("0001");
  });

  test("a wrong gift card PIN fails with the backend's code", async ({ sdkPage }) => {
    const s = await createSession();
    const r = await createSource(sdkPage, { sessionId: s.id, type: "giftCard", giftCard: { number: "6000000000000001", pin: "9999" } });
    expect(r.state).toBe("failed");
    expect(r.error.code).toBe("invalid_gift_card");
  });

  test("sepaDebit is chargeable with a mandate", async ({ sdkPage }) => {
    const s = await createSession({ country: "DE" });
    const r = await createSource(sdkPage, { sessionId: s.id, type: "sepaDebit", owner, sepaDebit: { iban: "DE89 3704 0044 0532 0130 00" } });
    expect(r.state).toBe("chargeable");
    expect(r.source.sepaDebit.lastFourDigits).toBe("3000");
    expect(r.source.sepaDebit.mandateReference).toBeTruthy();
  });

  test("an unknown session resolves failed with resource_not_found", async ({ sdkPage }) => {
    const r = await createSource(sdkPage, { sessionId: "ses_doesnotexist", type: "wireTransfer", wireTransfer: {} });
    expect(r.state).toBe("failed");
    expect(r.error.type).toBe("not_found");
  });
});

test.describe("validation before any request", () => {
  const year = new Date().getFullYear();
  const cases = [
    ["Luhn", { number: "4242 4242 4242 4241", expirationMonth: 12, expirationYear: year + 1, cvv: "123" }, "invalid_card_number", "creditCard.number"],
    ["brand", { number: "9999 9999 9999 9995", expirationMonth: 12, expirationYear: year + 1, cvv: "123" }, "invalid_card_number", "creditCard.number"],
    ["short number", { number: "4242 4242", expirationMonth: 12, expirationYear: year + 1, cvv: "123" }, "incomplete_card_number", "creditCard.number"],
    ["expired", { number: "4242424242424242", expirationMonth: 1, expirationYear: year - 1, cvv: "123" }, "invalid_expiration_date", "creditCard.expirationYear"],
    ["month", { number: "4242424242424242", expirationMonth: 13, expirationYear: year + 1, cvv: "123" }, "invalid_expiration_date", "creditCard.expirationMonth"],
    ["amex needs 4", { number: "378282246310005", expirationMonth: 12, expirationYear: year + 1, cvv: "123" }, "incomplete_security_code", "creditCard.cvv"],
    ["visa takes 3", { number: "4242424242424242", expirationMonth: 12, expirationYear: year + 1, cvv: "1234" }, "invalid_security_code", "creditCard.cvv"],
    ["no cvv", { number: "4242424242424242", expirationMonth: 12, expirationYear: year + 1 }, "incomplete_security_code", "creditCard.cvv"],
    ["letters", { number: "4242-abcd", expirationMonth: 12, expirationYear: year + 1, cvv: "123" }, "invalid_card_number", "creditCard.number"],
  ];
  for (const [name, cc, code, parameter] of cases) {
    test(`card ${name}: ${code} on ${parameter}, no request`, async ({ sdkPage }) => {
      const seen = trackApi(sdkPage);
      const r = await createSource(sdkPage, { sessionId: "ses_anything", type: "creditCard", creditCard: cc });
      expect(r.state).toBe("failed");
      expect(r.error.type).toBe("validation_error");
      expect(r.error.errors.map((e) => [e.code, e.parameter])).toContainEqual([code, parameter]);
      expect(r.error.code).toBe(r.error.errors[0].code);
      expect(seen).toEqual([]);
    });
  }

  test("every faulty card field is reported at once", async ({ sdkPage }) => {
    const r = await createSource(sdkPage, {
      sessionId: "ses_x", type: "creditCard",
      creditCard: { number: "4242424242424241", expirationMonth: 2, expirationYear: 2001, cvv: "1" },
    });
    expect(r.error.errors.map((e) => e.parameter)).toEqual(["creditCard.number", "creditCard.expirationYear", "creditCard.cvv"]);
  });

  const other = [
    ["iban", { type: "sepaDebit", sepaDebit: { iban: "DE89 3704 0044 0532 0130 01" } }, "invalid_iban", "sepaDebit.iban"],
    ["no iban", { type: "sepaDebit", sepaDebit: {} }, "missing_parameter", "sepaDebit.iban"],
    ["redirect url", { type: "payPal", payPal: { returnUrl: "javascript:alert(1)", cancelUrl: "https://x.example" } }, "invalid_url", "payPal.returnUrl"],
    ["missing payPal", { type: "payPal" }, "missing_parameter", "payPal"],
    ["gift card pin", { type: "giftCard", giftCard: { number: "6000000000000001", pin: "x" } }, "invalid_gift_card", "giftCard.pin"],
    ["email", { type: "wireTransfer", owner: { email: "nope" } }, "invalid_email", "owner.email"],
    ["country", { type: "wireTransfer", owner: { address: { country: "Germany" } } }, "invalid_country", "owner.address.country"], // core's country rule, as the server answers
    ["unknown field", { type: "wireTransfer", amount: 1 }, "unknown_parameter", "amount"],
    ["other type's field", { type: "wireTransfer", creditCard: {} }, "unknown_parameter", "creditCard"],
    ["unknown type", { type: "bitcoin" }, "unknown_payment_type", "type"],
    ["no type", {}, "missing_parameter", "type"],
    ["null owner", { type: "wireTransfer", owner: null }, "null_not_allowed", "owner"],
    ["number month", { type: "creditCard", creditCard: { number: "4242424242424242", expirationMonth: "12a", expirationYear: 2040, cvv: "123" } }, "invalid_parameter", "creditCard.expirationMonth"],
  ];
  for (const [name, payload, code, parameter] of other) {
    test(`${name}: ${code} on ${parameter}, no request`, async ({ sdkPage }) => {
      const seen = trackApi(sdkPage);
      const r = await createSource(sdkPage, { sessionId: "ses_anything", ...payload });
      expect(r.state).toBe("failed");
      expect([r.error.code, r.error.errors[0].parameter]).toEqual([code, parameter]);
      expect(seen).toEqual([]);
    });
  }
});

test("the DigitalRiver guide's snippets run unchanged", async ({ sdkPage }) => {
  const s = await createSession();
  const out = await sdkPage.evaluate(async ({ api, pk, sid }) => {
    const log = [];
    const sendToBackEnd = (result) => log.push(["backend", result.state]);
    const doErrorScenario = () => log.push(["error"]);
    // Only the constructor differs from DigitalRiver.js.
    const digitalriver = new PaySession(pk, { apiBase: api });
    // --- from the guide, with the session id ---
    let payload = {
      "sessionId": sid,
      "type": "payPal",
      "payPal": {
        "returnUrl": "https://yourReturnUrl.com",
        "cancelUrl": "https://yourCancelUrl.com"
      }
    }
    await digitalriver.createSource(payload).then(function(result) {
      if(result.state === "chargeable") {
        sendToBackEnd(result);
      } else {
        doErrorScenario();
      }
      log.push(["state", result.state]);
    });
    await digitalriver.retrieveAvailablePaymentMethods({
      "sessionId": sid
    }).then(function(result) {
      //do something with the data
      log.push(["methods", result.paymentMethods.map((m) => m.type)]);
    });
    return log;
  }, { api: API, pk: PK, sid: s.id });
  expect(out[0]).toEqual(["error"]); // PayPal is pending_redirect, not chargeable
  expect(out[1]).toEqual(["state", "pending_redirect"]);
  expect(out[2][0]).toBe("methods");
  expect(out[2][1]).toContain("payPal");
  expect(out[2][1]).toContain("creditCard");
});
