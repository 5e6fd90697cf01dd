// The non-payment methods: payment methods, sources, session fields.
import { test, expect, API, PK, createSession } from "./fixtures.mjs";

test("retrieveAvailablePaymentMethods by session", async ({ sdkPage }) => {
  const s = await createSession({ amount: 2500, currency: "EUR", country: "NL" });
  const pm = await sdkPage.evaluate(async ({ api, pk, sid }) =>
    new PaySession(pk, { apiBase: api }).retrieveAvailablePaymentMethods({ sessionId: sid }), { api: API, pk: PK, sid: s.id });
  expect(pm.sessionInformation).toEqual({ amount: 2500, currency: "EUR", country: "NL" });
  const types = pm.paymentMethods.map((m) => m.type);
  expect(types).toContain("creditCard");
  expect(types).toContain("ideal");
  expect(pm.paymentMethods[0].images.iconImage).toBeTruthy();
  expect(pm.compliance.businessEntity.name).toBeTruthy();
});

test("retrieveAvailablePaymentMethods by market, without a session", async ({ sdkPage }) => {
  const out = await sdkPage.evaluate(async ({ api, pk }) => {
    const p = new PaySession(pk, { apiBase: api });
    const us = await p.retrieveAvailablePaymentMethods({ currency: "USD", country: "US", amount: 5000 });
    const nl = await p.retrieveAvailablePaymentMethods({ currency: "EUR", country: "NL" });
    let bad;
    try { await p.retrieveAvailablePaymentMethods({ currency: "eur", country: "NL" }); } catch (e) { bad = errPlain(e); }
    let badCountry;
    try { await p.retrieveAvailablePaymentMethods({ currency: "EUR", country: "XX" }); } catch (e) { badCountry = errPlain(e); }
    return { us: us.paymentMethods.map((m) => m.type), nl: nl.paymentMethods.map((m) => m.type), bad, badCountry };
  }, { api: API, pk: PK });
  expect(out.us).toContain("creditCard");
  expect(out.us).not.toContain("ideal");
  expect(out.nl).toContain("ideal");
  expect(out.bad).toMatchObject({ isError: true, type: "validation_error", code: "invalid_currency" });
  expect(out.badCountry.code).toBe("invalid_country");
});

test("non-payment methods reject with the error object", async ({ sdkPage }) => {
  const out = await sdkPage.evaluate(async ({ api, pk }) => {
    const p = new PaySession(pk, { apiBase: api });
    const grab = async (f) => { try { await f(); return "resolved"; } catch (e) { return errPlain(e); } };
    return {
      pm: await grab(() => p.retrieveAvailablePaymentMethods({ sessionId: "ses_nope" })),
      source: await grab(() => p.retrieveSource("src_nope", "secret")),
      session: await grab(() => p.retrieveSession("ses_nope")),
      badId: await grab(() => p.retrieveSession("../../v1/orders")),
      noSecret: await grab(() => p.retrieveSource("src_x")),
    };
  }, { api: API, pk: PK });
  expect(out.pm).toMatchObject({ isError: true, type: "not_found" });
  expect(out.source.isError).toBe(true);
  expect(["not_found", "unauthorized", "forbidden"]).toContain(out.source.type);
  expect(out.session.type).toBe("not_found");
  expect(out.badId).toMatchObject({ code: "invalid_parameter", errors: [{ parameter: "sessionId" }] });
  expect(out.noSecret).toMatchObject({ code: "missing_parameter", errors: [{ parameter: "clientSecret" }] });
});

test("retrieveSource needs the right client secret", async ({ sdkPage }) => {
  const s = await createSession();
  const out = await sdkPage.evaluate(async ({ api, pk, sid }) => {
    const p = new PaySession(pk, { apiBase: api });
    const { source } = await p.createSource({ sessionId: sid, type: "wireTransfer", wireTransfer: {} });
    const ok = await p.retrieveSource(source.id, source.clientSecret);
    let wrong;
    try { await p.retrieveSource(source.id, "wrong_secret"); } catch (e) { wrong = errPlain(e); }
    return { ok: ok.id === source.id && ok.state, wrong };
  }, { api: API, pk: PK, sid: s.id });
  expect(out.ok).toBe("pending_funds");
  expect(out.wrong.isError).toBe(true);
});

test("retrieveSession and updateSession, with the version lock", async ({ sdkPage }) => {
  const s = await createSession({ country: "DE" });
  const out = await sdkPage.evaluate(async ({ api, pk, sid }) => {
    const p = new PaySession(pk, { apiBase: api });
    const before = await p.retrieveSession(sid);
    const year = new Date().getFullYear() + 2;
    const updated = await p.updateSession(sid, {
      owner: { firstName: "Grace", email: "grace@example.com" },
      card: { number: "4242 4242 4242 4242", expirationMonth: 5, expirationYear: year, cvv: "123" },
    }, { version: before.version });
    let stale;
    try { await p.updateSession(sid, { owner: { lastName: "Hopper" } }, { version: before.version }); } catch (e) { stale = errPlain(e); }
    const after = await p.retrieveSession(sid);
    let invalid;
    try { await p.updateSession(sid, { card: { number: "4242424242424241" } }); } catch (e) { invalid = errPlain(e); }
    let nul;
    try { await p.updateSession(sid, { owner: null }); } catch (e) { nul = errPlain(e); }
    // A card source with no creditCard uses the session's card.
    const src = await p.createSource({ sessionId: sid, type: "creditCard" });
    return { before, updated, stale, after, invalid, nul, src: resultPlain(src) };
  }, { api: API, pk: PK, sid: s.id });
  expect(out.updated.version).toBeGreaterThan(out.before.version);
  expect(out.updated.owner.firstName).toBe("Grace");
  expect(out.stale).toMatchObject({ isError: true, type: "conflict", code: "session_version_mismatch" });
  expect(out.after.owner.lastName).toBeUndefined();
  expect(out.after.card.number).toBe("424242xxxxxx4242");
  expect(out.after.card.cvvPresent).toBe(true);
  expect(JSON.stringify(out.after)).not.toContain("4242424242424242");
  expect(out.invalid).toMatchObject({ type: "validation_error", code: "invalid_card_number", errors: [{ parameter: "card.number" }] });
  expect(out.nul).toMatchObject({ code: "null_not_allowed", errors: [{ parameter: "owner" }] });
  expect(out.src.state).toBe("chargeable");
  expect(out.src.source.creditCard.lastFourDigits).toBe("4242");
});
