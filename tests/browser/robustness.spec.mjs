// Bad arguments from JavaScript give errors with codes, never a trap, and
// the module keeps working after any sequence of them.
import { test, expect, API, PK, createSession, card } from "./fixtures.mjs";

test("constructor validation throws PaySessionError objects", async ({ sdkPage }) => {
  const out = await sdkPage.evaluate(({ api }) => {
    const attempt = (...args) => { try { new PaySession(...args); return "ok"; } catch (e) { return errPlain(e); } };
    return {
      good: attempt("pk_test_default", { apiBase: api }),
      noKey: attempt(),
      numberKey: attempt(42, { apiBase: api }),
      secretKey: attempt("sk_test_default", { apiBase: api }),
      badPrefix: attempt("test_default", { apiBase: api }),
      relative: attempt("pk_test_default", { apiBase: "/api" }),
      ftp: attempt("pk_test_default", { apiBase: "ftp://x.example" }),
      jsUrl: attempt("pk_test_default", { apiBase: "javascript:alert(1)" }),
      unknownOption: attempt("pk_test_default", { apiBase: api, timeout: 5 }),
      badTimeout: attempt("pk_test_default", { apiBase: api, timeoutMs: -1 }),
      badRetries: attempt("pk_test_default", { apiBase: api, maxRetries: 99 }),
      badLocale: attempt("pk_test_default", { apiBase: api, locale: "<script>" }),
      optionsString: attempt("pk_test_default", "http://x"),
      defaultBase: attempt("pk_test_default"),
    };
  }, { api: API });
  expect(out.good).toBe("ok");
  expect(out.defaultBase).toBe("ok"); // the page's origin
  expect(out.noKey).toMatchObject({ isError: true, name: "PaySessionError", type: "validation_error", code: "invalid_api_key", errors: [{ parameter: "publicKey" }] });
  expect(out.numberKey.code).toBe("invalid_api_key");
  expect(out.secretKey.code).toBe("invalid_api_key");
  expect(out.secretKey.message).toContain("secret key");
  expect(out.badPrefix.code).toBe("invalid_api_key");
  for (const k of ["relative", "ftp", "jsUrl"]) expect(out[k]).toMatchObject({ code: "invalid_url", errors: [{ parameter: "apiBase" }] });
  expect(out.unknownOption).toMatchObject({ code: "unknown_parameter", errors: [{ parameter: "timeout" }] });
  expect(out.badTimeout).toMatchObject({ code: "invalid_parameter", errors: [{ parameter: "timeoutMs" }] });
  expect(out.badRetries).toMatchObject({ code: "invalid_parameter", errors: [{ parameter: "maxRetries" }] });
  expect(out.badLocale.code).toBe("invalid_parameter");
  expect(out.optionsString).toMatchObject({ code: "invalid_parameter", errors: [{ parameter: "options" }] });
});

test("hostile arguments never trap; the module works afterwards", async ({ sdkPage }) => {
  const s = await createSession();
  const out = await sdkPage.evaluate(async ({ api, pk, sid, c }) => {
    const p = new PaySession(pk, { apiBase: api });
    const huge = "4".repeat(5_000_000);
    const throwing = { get type() { throw new Error("boom"); } };
    const proxy = new Proxy({}, { ownKeys() { throw new Error("keys"); } });
    const cyclic = { type: "wireTransfer", sessionId: sid }; cyclic.owner = cyclic;
    const payloads = [
      undefined, null, 0, 42, "creditCard", true, [], [1, 2], () => 1, Symbol("s"), 10n,
      {}, { type: 7 }, { type: "creditCard" }, { type: "creditCard", sessionId: 5 },
      { type: "creditCard", sessionId: sid, creditCard: "4242" },
      { type: "creditCard", sessionId: sid, creditCard: { number: huge, expirationMonth: 1, expirationYear: 2040, cvv: "123" } },
      { type: "creditCard", sessionId: sid, creditCard: { number: 4242424242424242, expirationMonth: 1, expirationYear: 2040, cvv: "123" } },
      { type: "creditCard", sessionId: sid, creditCard: { number: "4242424242424242", expirationMonth: NaN, expirationYear: Infinity, cvv: 123 } },
      { type: "creditCard", sessionId: sid, creditCard: { number: "4242424242424242", expirationMonth: 1.5, expirationYear: 1e300, cvv: "123" } },
      { type: huge }, { type: "wireTransfer", sessionId: huge }, { type: "wireTransfer", sessionId: "" },
      { type: "wireTransfer", sessionId: "a/b?c" }, { type: "\u0000" }, { type: "giftCard", sessionId: sid, giftCard: { number: "٣٣٣", pin: "١٢٣٤" } },
      throwing, proxy, cyclic, Object.create({ type: "wireTransfer", sessionId: sid }),
      { type: "wireTransfer", sessionId: sid, owner: { firstName: "é".repeat(300) } },
      { type: "wireTransfer", sessionId: sid, owner: { address: [] } },
      Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i])),
    ];
    const results = [];
    for (const payload of payloads) {
      const r = await p.createSource(payload);
      results.push({ state: r.state, code: r.error && r.error.code, isError: r.error instanceof Error });
    }
    // Other methods with junk.
    const rejections = [];
    const grab = async (f) => { try { await f(); rejections.push("resolved"); } catch (e) { rejections.push(e instanceof Error ? e.code : "not-an-error"); } };
    await grab(() => p.retrieveAvailablePaymentMethods());
    await grab(() => p.retrieveAvailablePaymentMethods(null));
    await grab(() => p.retrieveAvailablePaymentMethods({ sessionId: {} }));
    await grab(() => p.retrieveAvailablePaymentMethods({ currency: "EUR", country: "DE", amount: -5 }));
    await grab(() => p.retrieveAvailablePaymentMethods({ currency: "EUR", country: "DE", amount: 1.5 }));
    await grab(() => p.retrieveSource());
    await grab(() => p.retrieveSource({}, []));
    await grab(() => p.retrieveSource(huge, huge));
    await grab(() => p.authenticateSource());
    await grab(() => p.authenticateSource({ sessionId: sid }));
    await grab(() => p.retrieveSession(undefined));
    await grab(() => p.retrieveSession(huge));
    await grab(() => p.updateSession(sid));
    await grab(() => p.updateSession(sid, { version: 1 }));
    await grab(() => p.updateSession(sid, {}, { version: "x" }));
    await grab(() => p.updateSession(sid, {}, { versions: 1 }));
    const throwsSync = [];
    for (const cfg of [undefined, null, {}, { sessionId: 5 }, { sessionId: sid, onReady: "x" }, { sessionId: sid, options: { flow: "pay" } }, { sessionId: sid, bogus: 1 }]) {
      try { p.createDropin(cfg); throwsSync.push("ok"); } catch (e) { throwsSync.push(e.code); }
    }
    // And then: it still works.
    const good = await p.createSource({ sessionId: sid, type: "creditCard", creditCard: c });
    const other = new PaySession(pk, { apiBase: api });
    const pm = await other.retrieveAvailablePaymentMethods({ sessionId: sid });
    return { results, rejections, throwsSync, good: good.state, pm: pm.paymentMethods.length > 0 };
  }, { api: API, pk: PK, sid: s.id, c: card("4242424242424242") });
  for (const r of out.results) {
    expect(r.state).toBe("failed");
    expect(r.isError).toBe(true);
    expect(r.code).toMatch(/^[a-z_]+$/);
  }
  expect(out.results[0].code).toBe("missing_parameter");
  expect(out.rejections.every((c) => /^[a-z_]+$/.test(c) && c !== "resolved")).toBe(true);
  expect(out.throwsSync).toEqual(["missing_parameter", "invalid_parameter", "missing_parameter", "invalid_parameter", "invalid_parameter", "invalid_parameter", "unknown_parameter"]);
  expect(out.good).toBe("chargeable");
  expect(out.pm).toBe(true);
});

test("many concurrent calls all settle", async ({ sdkPage }) => {
  const s = await createSession();
  const states = await sdkPage.evaluate(async ({ api, pk, sid }) => {
    const p = new PaySession(pk, { apiBase: api });
    const calls = Array.from({ length: 20 }, (_, i) => i % 2
      ? p.createSource({ sessionId: sid, type: "wireTransfer", wireTransfer: {} })
      : p.createSource({ sessionId: sid, type: "nope" }));
    return (await Promise.all(calls)).map((r) => r.state);
  }, { api: API, pk: PK, sid: s.id });
  expect(states.filter((x) => x === "pending_funds").length).toBe(10);
  expect(states.filter((x) => x === "failed").length).toBe(10);
});

test("a locale Intl refuses (a platform's C, POSIX, en_US.UTF-8, a 9-letter subtag) reads en-US: the drop-in mounts and formats, nothing throws", async ({ sdkPage }) => {
  const s = await createSession({ amount: 1000, currency: "EUR" });
  const out = await sdkPage.evaluate(async ({ api, pk, sid }) => {
    const seen = [];
    for (const locale of ["C", "POSIX", "en_US.UTF-8", "de_DE@euro", "abcdefghi", "en-US-abcdefghi"]) {
      let p;
      try { p = new PaySession(pk, { apiBase: api, locale }); } catch (e) { seen.push([locale, "throws", e.code]); continue; }
      const host = document.getElementById("drop-in");
      const ready = await new Promise((resolve) => {
        const d = p.createDropin({ sessionId: sid, onReady: () => resolve(d), onError: (e) => resolve(e) });
        try { d.mount("drop-in"); } catch (e) { resolve(e); }
        setTimeout(() => resolve("no onReady"), 10_000);
      });
      if (!ready || typeof ready.unmount !== "function") { seen.push([locale, "mount", String(ready && (ready.code || ready.message || ready))]); continue; }
      const root = host.querySelector(".paysession-dropin").shadowRoot;
      seen.push([locale, root.host.getAttribute("lang"), root.querySelector("#pay-creditCard").textContent.replace(/\s/g, " ")]);
      ready.unmount();
    }
    return seen;
  }, { api: API, pk: PK, sid: s.id });
  expect(out).toEqual([
    ["C", "en-US", "Pay €10.00"],
    ["POSIX", "en-US", "Pay €10.00"],
    ["en_US.UTF-8", "en-US", "Pay €10.00"],
    ["de_DE@euro", "de-DE", "10,00 € bezahlen"],
    ["abcdefghi", "en-US", "Pay €10.00"],
    ["en-US-abcdefghi", "en-US", "Pay €10.00"],
  ]);
});
