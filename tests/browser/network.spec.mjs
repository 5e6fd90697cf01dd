// Timeouts, retries with backoff, one Idempotency-Key per call.
import { test, expect, API, PK, createSession, card } from "./fixtures.mjs";

test("a lost answer is retried with the same Idempotency-Key and makes ONE source", async ({ sdkPage }) => {
  const s = await createSession();
  const attempts = [];
  let first;
  await sdkPage.route(`${API}/v1/sources`, async (route) => {
    const req = route.request();
    if (req.method() !== "POST") return route.continue();
    attempts.push(req.headers()["idempotency-key"]);
    if (attempts.length === 1) {
      // The backend makes the source, but its answer never reaches the page.
      const res = await route.fetch();
      first = await res.json();
      return route.abort("connectionreset");
    }
    return route.continue();
  });
  const r = await sdkPage.evaluate(async ({ api, pk, sid, c }) =>
    resultPlain(await new PaySession(pk, { apiBase: api }).createSource({ sessionId: sid, type: "creditCard", creditCard: c })),
  { api: API, pk: PK, sid: s.id, c: card("4242424242424242") });
  expect(attempts.length).toBe(2);
  expect(attempts[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(attempts[1]).toBe(attempts[0]);
  expect(r.state).toBe("chargeable");
  expect(r.source.id).toBe(first.id); // replayed, not a second source
});

test("each call has its own key", async ({ sdkPage }) => {
  const s = await createSession();
  const keys = [];
  sdkPage.on("request", (r) => { if (r.method() === "POST" && r.url().startsWith(API)) keys.push(r.headers()["idempotency-key"]); });
  await sdkPage.evaluate(async ({ api, pk, sid }) => {
    const p = new PaySession(pk, { apiBase: api });
    await p.createSource({ sessionId: sid, type: "wireTransfer", wireTransfer: {} });
    await p.createSource({ sessionId: sid, type: "wireTransfer", wireTransfer: {} });
  }, { api: API, pk: PK, sid: s.id });
  expect(keys.length).toBe(2);
  expect(keys[0]).not.toBe(keys[1]);
});

test("5xx and 429 are retried with backoff; 4xx is not", async ({ sdkPage }) => {
  const s = await createSession();
  const times = [];
  await sdkPage.route(`${API}/v1/sessions/${s.id}/payment-methods?*`, async (route) => {
    times.push(Date.now());
    if (times.length === 1) return route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ type: "internal_error", errors: [{ code: "internal_error", message: "busy" }] }) });
    if (times.length === 2) return route.fulfill({ status: 429, contentType: "application/json", body: "{}" });
    return route.continue();
  });
  // The waits the SDK asks of setTimeout (its retry timers; the call's
  // deadline is the one timer of timeoutMs): the backoff as the SDK paces it,
  // apart from how long Playwright's routing takes on a loaded machine (the
  // gaps between the requests once measured 844 then 461 ms here).
  const { pm, waits } = await sdkPage.evaluate(async ({ api, pk, sid }) => {
    const waits = [], st = window.setTimeout;
    window.setTimeout = (f, ms, ...a) => { waits.push(ms); return st(f, ms, ...a); };
    try {
      const pm = await new PaySession(pk, { apiBase: api, timeoutMs: 20000 }).retrieveAvailablePaymentMethods({ sessionId: sid });
      return { pm, waits };
    } finally { window.setTimeout = st; }
  }, { api: API, pk: PK, sid: s.id });
  expect(pm.paymentMethods.length).toBeGreaterThan(0);
  expect(times.length).toBe(3);
  const backoff = waits.filter((ms) => ms < 10000);
  // Equal jitter: retry 1 waits 125–250 ms, retry 2 (the 429, no Retry-After) 250–500 ms.
  expect(backoff, JSON.stringify(waits)).toHaveLength(2);
  expect(backoff[0]).toBeGreaterThanOrEqual(125);
  expect(backoff[0]).toBeLessThanOrEqual(250);
  expect(backoff[1]).toBeGreaterThanOrEqual(250);
  expect(backoff[1]).toBeLessThanOrEqual(500);
  // And the requests really were that far apart (load only lengthens a gap).
  expect(times[1] - times[0]).toBeGreaterThanOrEqual(backoff[0] - 5);
  expect(times[2] - times[1]).toBeGreaterThanOrEqual(backoff[1] - 5);

  let calls = 0;
  await sdkPage.route(`${API}/v1/sessions/ses_404/fields?*`, (route) => { calls++; return route.continue(); });
  const e = await sdkPage.evaluate(async ({ api, pk }) => {
    try { await new PaySession(pk, { apiBase: api }).retrieveSession("ses_404"); } catch (e) { return errPlain(e); }
  }, { api: API, pk: PK });
  expect(e.type).toBe("not_found");
  expect(calls).toBe(1);
});

test("retries stop at maxRetries and keep the last error", async ({ sdkPage }) => {
  let calls = 0;
  await sdkPage.route(`${API}/v1/payment-methods*`, (route) => { calls++; return route.abort("connectionrefused"); });
  const e = await sdkPage.evaluate(async ({ api, pk }) => {
    try { await new PaySession(pk, { apiBase: api, maxRetries: 1 }).retrieveAvailablePaymentMethods({ currency: "EUR", country: "DE" }); }
    catch (e) { return errPlain(e); }
  }, { api: API, pk: PK });
  expect(calls).toBe(2);
  expect(e).toMatchObject({ isError: true, type: "network_error", code: "network_unavailable" });
});

test("createSource resolves failed on a network failure (never rejects, never hangs)", async ({ sdkPage }) => {
  await sdkPage.route(`${API}/v1/sources`, (route) => route.abort("internetdisconnected"));
  const r = await sdkPage.evaluate(async ({ api, pk }) =>
    resultPlain(await new PaySession(pk, { apiBase: api, maxRetries: 0 }).createSource({ sessionId: "ses_x", type: "wireTransfer", wireTransfer: {} })),
  { api: API, pk: PK });
  expect(r.state).toBe("failed");
  expect(r.error).toMatchObject({ type: "network_error", code: "network_unavailable" });
});

test("a browser without AbortController: createSource resolves failed with network_unavailable, the module still answers", async ({ sdkPage }) => {
  const r = await sdkPage.evaluate(async ({ api, pk }) => {
    const ps = new PaySession(pk, { apiBase: api, maxRetries: 0 });
    const saved = window.AbortController;
    window.AbortController = undefined;
    let first;
    try { first = resultPlain(await ps.createSource({ sessionId: "ses_x", type: "wireTransfer", wireTransfer: {} })); }
    finally { window.AbortController = saved; }
    // The module was not left in a broken state by the failed call.
    const again = resultPlain(await ps.createSource({ type: "nope" }));
    return { first, again };
  }, { api: API, pk: PK });
  expect(r.first.state).toBe("failed");
  expect(r.first.error).toMatchObject({ type: "network_error", code: "network_unavailable" });
  expect(r.again.error).toMatchObject({ code: "unknown_payment_type" });
});

test("a request that never answers times out with request_timeout", async ({ sdkPage }) => {
  await sdkPage.route(`${API}/v1/sessions/ses_slow/fields?*`, () => { /* never answered */ });
  const t0 = Date.now();
  const e = await sdkPage.evaluate(async ({ api, pk }) => {
    try { await new PaySession(pk, { apiBase: api, timeoutMs: 400 }).retrieveSession("ses_slow"); } catch (e) { return errPlain(e); }
  }, { api: API, pk: PK });
  const took = Date.now() - t0;
  expect(e).toMatchObject({ isError: true, type: "network_error", code: "request_timeout" });
  expect(took).toBeLessThan(3000);
});

test("an unparseable answer is invalid_response; an unknown state is not success", async ({ sdkPage }) => {
  await sdkPage.route(`${API}/v1/sessions/ses_html/fields?*`, (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<html>hi</html>" }));
  await sdkPage.route(`${API}/v1/sources`, (route) => route.fulfill({
    status: 201, contentType: "application/json", headers: { "access-control-allow-origin": "*" },
    body: JSON.stringify({ id: "src_1", state: "totally_paid" }),
  }));
  const out = await sdkPage.evaluate(async ({ api, pk }) => {
    const p = new PaySession(pk, { apiBase: api });
    let html;
    try { await p.retrieveSession("ses_html"); } catch (e) { html = errPlain(e); }
    const odd = resultPlain(await p.createSource({ sessionId: "ses_x", type: "wireTransfer", wireTransfer: {} }));
    return { html, odd };
  }, { api: API, pk: PK });
  expect(out.html.code).toBe("invalid_response");
  expect(out.odd.state).toBe("failed");
  expect(out.odd.error.code).toBe("invalid_response");
});

test("reads carry the public key in the URL and only safelisted headers (no preflight); writes carry it in the header", async ({ sdkPage }) => {
  const s = await createSession();
  const seen = [];
  sdkPage.on("request", (r) => { if (r.url().startsWith(API)) seen.push({ method: r.method(), url: r.url(), headers: r.headers() }); });
  await sdkPage.evaluate(async ({ api, pk, sid }) => {
    const p = new PaySession(pk, { apiBase: api, locale: "de-DE" });
    await p.retrieveAvailablePaymentMethods({ sessionId: sid });
    await p.retrieveSession(sid);
    await p.createSource({ sessionId: sid, type: "wireTransfer", wireTransfer: {} });
  }, { api: API, pk: PK, sid: s.id });
  const gets = seen.filter((r) => r.method === "GET");
  expect(gets.length).toBe(2);
  // CORS-safelisted request headers only (Fetch spec): no Authorization, no Content-Type.
  const safelisted = new Set(["accept", "accept-language", "content-language"]);
  for (const g of gets) {
    expect(new URL(g.url).searchParams.get("key")).toBe(PK);
    expect(g.headers.authorization).toBeUndefined();
    const extra = Object.keys(g.headers).filter((h) => !safelisted.has(h) && !/^(sec-|user-agent|referer|origin)/.test(h));
    expect(extra).toEqual([]);
  }
  const post = seen.find((r) => r.method === "POST");
  expect(post.headers.authorization).toBe(`Bearer ${PK}`);
  expect(new URL(post.url).searchParams.get("key")).toBeNull();
});
