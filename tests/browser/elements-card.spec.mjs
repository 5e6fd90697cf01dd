// The card build (`paysession/card`, pkg-web/paysession-card.js): the three
// secure card fields and createSource(cardElement, data), nothing else. What
// it leaves out is refused with a coded error or absent, never ignored; the
// Elements build keeps all of it.
import { expect, API, PK, createSession } from "./fixtures.mjs";
import { test, FIELDS, mountAll, tokenizeTypedCard } from "./elements-fixtures.mjs";

test.use({ elModule: "paysession-card" });

test.describe("the card build", () => {
  test("mounts the three fields and tokenizes a typed card; the page gets brand and last four only", async ({ elPage: page }) => {
    expect(await page.evaluate(() => window.sdkModule)).toBe("paysession-card");
    const r = await tokenizeTypedCard(page);
    expect(r.error).toBeUndefined();
    expect(r.state).toBe("chargeable");
    expect(r.source.creditCard).toMatchObject({ brand: "visa", lastFourDigits: "4242" });
    expect(JSON.stringify(r)).not.toContain("4242424242424242");
  });

  test("a payload without an element resolves failed with a coded error and sends nothing", async ({ elPage: page }) => {
    const s = await createSession();
    const sent = [];
    page.on("request", (q) => { if (q.url().includes("/v1/sources")) sent.push(q.url()); });
    const r = await page.evaluate(async ({ api, pk, fields, sid }) => {
      const p = new PaySession(pk, { apiBase: api, fieldsBase: fields });
      return resultPlain(await p.createSource({ type: "sepaDebit", sessionId: sid, sepaDebit: { iban: "DE89370400440532013000" } }));
    }, { api: API, pk: PK, fields: FIELDS, sid: s.id });
    expect(r.state).toBe("failed");
    expect(r.error).toMatchObject({ type: "validation_error", code: "invalid_parameter" });
    expect(r.error.errors[0].parameter).toBe("payload");
    expect(r.error.message).toContain("paysession/elements");
    // An element without its data: told that data is missing.
    await mountAll(page);
    const noData = await page.evaluate(async () => resultPlain(await window.payments.createSource(window.els.cardnumber)));
    expect(noData.state).toBe("failed");
    expect([noData.error.code, noData.error.errors[0].parameter]).toEqual(["missing_parameter", "data"]);
    expect(sent).toEqual([]);
  });

  test("no compliance element and no session helpers: a coded error, or no such method", async ({ elPage: page }) => {
    const out = await page.evaluate(({ api, pk, fields }) => {
      const p = new PaySession(pk, { apiBase: api, fieldsBase: fields });
      let compliance = null;
      try { p.createElement("compliance", { sessionId: "ses_x" }); } catch (e) { compliance = [e.code, e.errors[0].parameter]; }
      const methods = ["createSource", "createElement", "retrieveAvailablePaymentMethods", "retrieveComplianceDetails",
        "retrieveSource", "authenticateSource", "retrieveSession", "updateSession", "createDropin"];
      return { compliance, has: methods.filter((m) => typeof p[m] === "function"), classes: Object.keys(window.sdk).filter((k) => /^[A-Z]/.test(k)).sort() };
    }, { api: API, pk: PK, fields: FIELDS });
    expect(out).toEqual({
      compliance: ["invalid_parameter", "type"],
      has: ["createSource", "createElement"],
      classes: ["PaySession", "PaySessionElement"],
    });
  });

  test("appearance is refused with a coded error naming the Elements build; style and classes still apply", async ({ elPage: page }) => {
    const out = await page.evaluate(({ api, pk, fields }) => {
      const p = new PaySession(pk, { apiBase: api, fieldsBase: fields });
      const err = (f) => { try { f(); return null; } catch (e) { return [e.code, e.errors[0].parameter, e.message]; } };
      const styled = p.createElement("cardnumber", { style: { base: { color: "#123456" } }, classes: { base: "mine" } });
      return {
        create: err(() => p.createElement("cardexpiration", { appearance: { theme: "dark" } })),
        update: err(() => styled.update({ appearance: { variables: { colorText: "#000" } } })),
        restyle: err(() => styled.update({ style: { base: { color: "#654321" } } })),
      };
    }, { api: API, pk: PK, fields: FIELDS });
    for (const e of [out.create, out.update]) {
      expect(e.slice(0, 2)).toEqual(["invalid_parameter", "appearance"]);
      expect(e[2]).toContain("paysession/elements");
    }
    expect(out.restyle).toBeNull();
  });

  test("the owner's e-mail and country are the backend's to refuse: the same code and parameter as the Elements build's own check", async ({ elPage: page }) => {
    const posts = [];
    page.on("request", (q) => { if (q.url().endsWith("/v1/sources") && q.method() === "POST") posts.push(q.url()); });
    const email = await tokenizeTypedCard(page, { firstName: "Ada", email: "ada@" });
    expect(email.state).toBe("failed");
    expect([email.error.code, email.error.errors[0].parameter]).toEqual(["invalid_email", "owner.email"]);
    // The fields still hold the card: a second source with a country that is not one.
    const s = await createSession();
    const country = await page.evaluate(async (sid) => resultPlain(await window.payments.createSource(window.els.cardnumber, {
      sessionId: sid, type: "creditCard", owner: { address: { country: "XX" } },
    })), s.id);
    expect(country.state).toBe("failed");
    expect([country.error.code, country.error.errors[0].parameter]).toEqual(["invalid_country", "owner.address.country"]);
    // Both answers came from the backend.
    expect(posts.length).toBe(2);
  });

  test("a catalog that fails or never answers leaves the fields English, with no error on the page", async ({ elPage: page }) => {
    // he-IL's catalog refused; fr-FR's held until the PaySession's deadline (300 ms) aborts it.
    await page.route("**/v1/locales/he-IL*", (r) => r.abort());
    await page.route("**/v1/locales/fr-FR*", () => {});
    const failed = [];
    page.on("requestfailed", (r) => { if (r.url().includes("/v1/locales/")) failed.push(new URL(r.url()).pathname); });
    for (const [locale, type, id] of [["he-IL", "cardnumber", "card-number"], ["fr-FR", "cardcvv", "card-cvv"]]) {
      const title = await page.evaluate(async ({ api, pk, fields, locale, type, id }) => {
        const p = new PaySession(pk, { apiBase: api, fieldsBase: fields, locale, timeoutMs: 300 });
        const e = p.createElement(type);
        await new Promise((ok) => { e.on("ready", ok); e.mount(id); });
        return document.querySelector(`#${id} iframe`).title;
      }, { api: API, pk: PK, fields: FIELDS, locale, type, id });
      await expect.poll(() => failed).toContain(`/v1/locales/${locale}`);
      expect(title).toBe(type === "cardnumber" ? "Card number" : "Security code");
    }
  });
});

test.describe("the Elements build", () => {
  test.use({ elModule: "paysession-elements" });

  test("keeps createSource for every type, the session helpers and the compliance element", async ({ elPage: page }) => {
    const out = await page.evaluate(({ api, pk, fields }) => {
      const p = new PaySession(pk, { apiBase: api, fieldsBase: fields });
      const methods = ["createSource", "createElement", "retrieveAvailablePaymentMethods", "retrieveComplianceDetails",
        "retrieveSource", "authenticateSource", "retrieveSession", "updateSession", "createDropin"];
      return { module: window.sdkModule, has: methods.filter((m) => typeof p[m] === "function"), classes: Object.keys(window.sdk).filter((k) => /^[A-Z]/.test(k)).sort() };
    }, { api: API, pk: PK, fields: FIELDS });
    expect(out).toEqual({
      module: "paysession-elements",
      has: ["createSource", "createElement", "retrieveAvailablePaymentMethods", "retrieveComplianceDetails",
        "retrieveSource", "authenticateSource", "retrieveSession", "updateSession"],
      classes: ["ComplianceElement", "PaySession", "PaySessionElement"],
    });
    // A payload goes to the backend as before: a wrong gift card PIN is the backend's answer.
    const s = await createSession();
    const r = await page.evaluate(async ({ api, pk, sid }) => resultPlain(await new PaySession(pk, { apiBase: api })
      .createSource({ type: "giftCard", sessionId: sid, giftCard: { number: "6000000000000001", pin: "9999" } })), { api: API, pk: PK, sid: s.id });
    expect(r.state).toBe("failed");
    expect(r.error.code).toBe("invalid_gift_card");
  });

  test("checks the owner's e-mail itself: the card build's code and parameter, nothing sent", async ({ elPage: page }) => {
    const posts = [];
    page.on("request", (q) => { if (q.url().endsWith("/v1/sources") && q.method() === "POST") posts.push(q.url()); });
    const r = await tokenizeTypedCard(page, { firstName: "Ada", email: "ada@" });
    expect([r.state, r.error.code, r.error.errors[0].parameter]).toEqual(["failed", "invalid_email", "owner.email"]);
    expect(posts).toEqual([]);
  });
});
