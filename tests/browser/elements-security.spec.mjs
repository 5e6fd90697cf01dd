// Secure card fields, the isolation: messages from a wrong origin or window
// are ignored both ways, the frame page's CSP / frame-ancestors / nosniff, a
// frame that does not load, and the skimmer: a hostile script on the shop's
// page sees neither the card number nor the security code of a paid card.
import { expect, API, PK, createSession, sk, leaks } from "./fixtures.mjs";
import { test, FIELDS, mountAll, frame, typeCard } from "./elements-fixtures.mjs";


const fieldFrame = (page, type) => page.frames().find((f) => f.url().includes(`#t=${type}&`));

test("a message from a wrong origin or a wrong window is ignored, both ways", async ({ elPage: page }) => {
  await mountAll(page);
  const channel = await page.evaluate(() => new URL(document.querySelector("#card-number iframe").src).hash.match(/c=([^&]+)/)[1]);
  const changes = () => page.evaluate(() => window.events.filter((e) => e.name === "change" && e.elementType === "cardnumber").length);
  const before = await changes();
  // The page's own origin (a script on the shop's page) forges a frame message.
  await page.evaluate((c) => window.postMessage({ c, t: "change", e: false, k: true, b: "amex" }, "*"), channel);
  // The right origin (another field's frame), but not the number's frame window.
  await fieldFrame(page, "cardcvv").evaluate((c) => parent.postMessage({ c, t: "change", e: false, k: true, b: "amex" }, "*"), channel);
  await fieldFrame(page, "cardcvv").evaluate((c) => parent.postMessage({ c, t: "ready", h: 300 }, "*"), channel);
  await page.waitForTimeout(300);
  expect(await changes()).toBe(before);
  expect(await page.locator("#card-number").getAttribute("class")).not.toContain("complete");

  // Frame side: the number frame takes orders only from the page's origin and window.
  await typeCard(page);
  const posts = [];
  page.on("request", (r) => { if (r.url().startsWith(`${API}/v1/sources`) && r.method() === "POST") posts.push(r.url()); });
  await fieldFrame(page, "cardcvv").evaluate((c) => {
    for (let i = 0; i < parent.length; i++) parent[i].postMessage({ c, t: "clear" }, "*");
    for (let i = 0; i < parent.length; i++) parent[i].postMessage({ c, t: "tok", r: 1, s: "ses_x" }, "*");
  }, channel);
  await page.waitForTimeout(500);
  expect(await frame(page, "card-number").inputValue()).toBe("4242 4242 4242 4242");
  expect(posts).toEqual([]);
});

test("the frame page: strict CSP, frame-ancestors of the page's origin only, nosniff", async ({ elPage: page, baseURL }) => {
  const origin = new URL(baseURL).origin;
  const res = await fetch(`${FIELDS}/field?k=${PK}&o=${encodeURIComponent(origin)}`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-security-policy")).toBe(
    `default-src 'none'; script-src 'self'; style-src 'none'; connect-src ${new URL(API).origin}; base-uri 'none'; form-action 'none'; frame-ancestors ${origin}`);
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  const js = await fetch(`${FIELDS}/field.js`);
  expect(js.headers.get("content-type")).toMatch(/^text\/javascript/);
  expect(js.headers.get("x-content-type-options")).toBe("nosniff");
  // The script is field.js minified (scripts/gen-field-min.mjs), its placeholders filled in.
  const text = await js.text();
  expect(text).toContain(`"${API.replace(/\/$/, "")}/v1/sources"`);
  for (const p of ["%API%", "__PAYSESSION_DATA__", "// "]) expect(text).not.toContain(p);
  // The fields origin serves nothing else, and not for a secret key or a non-origin.
  expect((await fetch(`${FIELDS}/v1/sources`)).status).toBe(404);
  expect((await fetch(`${FIELDS}/field?k=sk_test_default&o=${encodeURIComponent(origin)}`)).status).toBe(404);
  expect((await fetch(`${FIELDS}/field?k=${PK}&o=${encodeURIComponent(origin + "/x")}`)).status).toBe(400);

  // Embedded by a page of another origin than the one named: the browser refuses it.
  await page.evaluate((src) => {
    const f = document.createElement("iframe");
    f.id = "foreign";
    f.src = src;
    document.body.append(f);
  }, `${FIELDS}/field?k=${PK}&o=${encodeURIComponent("http://shop.example")}#t=cardnumber&c=x&g=y`);
  await page.waitForTimeout(1000);
  const foreign = await (await page.locator("#foreign").elementHandle()).contentFrame();
  expect(foreign.url()).not.toContain("/field?");
  expect(await foreign.locator("input").count()).toBe(0);
  // No unsafe-inline anywhere: the field's style comes from a constructed sheet.
  await mountAll(page, { cardnumber: { style: { base: { color: "rgb(10, 20, 30)" } } } });
  await expect.poll(() => frame(page, "card-number").evaluate((e) => getComputedStyle(e).color)).toBe("rgb(10, 20, 30)");
});

test("a frame that does not load gives a coded error within seconds", async ({ elPage: page }) => {
  const t0 = Date.now();
  const ev = await page.evaluate(({ api, pk }) => new Promise((resolve) => {
    // Port 9 (discard) refuses connections here: the frame never says hello.
    const p = new PaySession(pk, { apiBase: api, fieldsBase: "http://127.0.0.1:9" });
    const el = p.createElement("cardnumber");
    el.on("change", resolve);
    el.mount("card-number");
  }), { api: API, pk: PK });
  expect(Date.now() - t0).toBeLessThan(15_000);
  expect(ev).toMatchObject({ elementType: "cardnumber", complete: false, error: { code: "network_unavailable" } });
  await expect(page.locator("#card-number")).toHaveClass(/PaySessionElement--invalid/);
});

const NUMBER = "4242424242424242";
test("skimmer: a shopper pays through Elements; the page's record holds neither number nor code", async ({ elPage: page }) => {
  const cvv = "737";
  const s = await createSession();
  await mountAll(page);
  await typeCard(page, NUMBER, undefined, cvv);
  // Paste too (a clipboard event on the page would carry it).
  const r = await page.evaluate(async (sid) => resultPlain(await window.payments.createSource(window.els.cardnumber, { sessionId: sid, type: "creditCard" })), s.id);
  expect(r.state).toBe("chargeable");
  expect((await sk("POST", `/v1/sessions/${s.id}/sources`, { sourceId: r.source.id })).status).toBe(200);
  const order = await sk("POST", "/v1/orders", { sessionId: s.id });
  expect(order.status).toBe(201);
  await page.evaluate(() => window.__skimWalk());
  const record = await page.evaluate(() => window.__skim);
  // The skimmer did run: it saw the messages and the typing (keys reach it only as focus changes).
  expect(record.some((x) => x.startsWith("message:"))).toBe(true);
  expect(record.some((x) => x.startsWith("frame-blocked:"))).toBe(true);
  // The page itself sent no card request (the frame did, from the fields origin).
  expect(record.some((x) => (x.startsWith("fetch:") || x.startsWith("xhr")) && x.includes("/v1/sources"))).toBe(false);
  expect(leaks(record, NUMBER, cvv)).toEqual([]);
});

test("the leak check finds a code standing alone, not inside a random id", () => {
  // A frame's channel id is a random UUID: one group of it can read "b737"
  // (a fresh clone's run failed the test above so, the message holding
  // nothing of the card).
  const uuid = "2d91769f-3830-4e54-b737-3f0a9c1b2d4e";
  expect(leaks([`message: {"t":"change","c":"${uuid}"}`], NUMBER, "737")).toEqual([]);
  expect(leaks([`message: {"t":"change","c":"${uuid}","v":"737"}`], NUMBER, "737")).toHaveLength(1);
  expect(leaks(["input 737"], NUMBER, "737")).toHaveLength(1);
  expect(leaks(["fetch: 4242 4242 4242 4242"], NUMBER, "737")).toContain("4242 4242 4242 4242");
});

test("skimmer: a 3-D Secure card through Elements, challenge passed and order created, leaks nothing", async ({ elPage: page }) => {
  const number = "5454545454545454", cvv = "818";
  const s = await createSession({ country: "DE" });
  await mountAll(page);
  await typeCard(page, number, undefined, cvv);
  const out = await page.evaluate(async (sid) => {
    const r = await window.payments.createSource(window.els.cardnumber, { sessionId: sid, type: "creditCard" });
    const src = r.source;
    const done = await window.payments.authenticateSource({ sessionId: sid, sourceId: src.id, sourceClientSecret: src.clientSecret, challengeResponse: "password" });
    return { state: r.state, done: done.status, id: src.id };
  }, s.id);
  expect(out).toMatchObject({ state: "requires_action", done: "complete" });
  expect((await sk("POST", `/v1/sessions/${s.id}/sources`, { sourceId: out.id })).status).toBe(200);
  expect((await sk("POST", "/v1/orders", { sessionId: s.id })).status).toBe(201);
  await page.evaluate(() => window.__skimWalk());
  const record = (await page.evaluate(() => window.__skim)).join("\n");
  expect(record.replace(/[\s-]/g, "")).not.toContain(number);
  expect(record).not.toMatch(new RegExp(`(^|[^0-9])${cvv}([^0-9]|$)`));
});

test("the frames' scripts are assets/field.js minified by the pinned terser (scripts/gen-field-min.mjs --check)", async () => {
  const { execFileSync } = await import("node:child_process");
  execFileSync("node", ["scripts/gen-field-min.mjs", "--check"], { stdio: "pipe" });
});
