// Every locale the backend has a catalog for: the drop-in in that language
// and direction, every payment method's form opened in turn, the card form
// with its error lines shown, and no text clipped by its control (label,
// button, link, error line) at a phone's width. One screenshot per locale in
// artifacts/locales/<locale>.png. Also: a standalone Element's frame is named
// in the page's locale (its catalog fetched once, only when a field is made).
// And in every locale, the card frame's document has the locale's `lang` and
// `dir`, and its number input, given an invalid number, is invalid in
// Chromium's accessibility tree and described by the locale's error
// (issue 18's frames' accessibility; frames-a11y.spec.mjs has the rest).
import { readdirSync, mkdirSync } from "node:fs";
import { test, expect, API, PK, createSession, secure, axInput, frameDoc } from "./fixtures.mjs";
import { test as elTest, FIELDS, frame } from "./elements-fixtures.mjs";

const LOCALES = readdirSync(new URL("../../crates/server/locales/", import.meta.url))
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.slice(0, -5))
  .sort();
const RTL = new Set(["ar", "he", "fa"]);
const catalog = async (loc) => (await fetch(`${API}/v1/locales/${loc}`)).json();

mkdirSync("artifacts/locales", { recursive: true });

test("there are at least 30 locales, three of them right to left", () => {
  expect(LOCALES.length).toBeGreaterThanOrEqual(30);
  expect(LOCALES.filter((l) => RTL.has(l.split("-")[0]))).toEqual(["ar", "fa-IR", "he-IL"]);
});

/** Every text-bearing control of the shadow root whose text is wider or taller than its box. */
function overflowing() {
  const root = document.querySelector(".paysession-dropin").shadowRoot;
  const out = [];
  for (const el of root.querySelectorAll("button, label, a, .e, .b, .n, .c, p, h2, dt, dd, li, span, legend, summary")) {
    const cs = getComputedStyle(el);
    if (cs.display === "none" || cs.visibility === "hidden" || !el.getClientRects().length) continue;
    const text = el.textContent.trim();
    if (!text) continue;
    if (cs.display === "inline") {
      // An inline box has no client size: its rectangle must lie inside its block parent's.
      const r = el.getBoundingClientRect();
      const p = el.parentElement.getBoundingClientRect();
      if (r.left < p.left - 1 || r.right > p.right + 1) out.push({ tag: el.tagName, cls: el.className, text, w: r.width, box: p.width });
      continue;
    }
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
      out.push({ tag: el.tagName, cls: el.className, text, sw: el.scrollWidth, cw: el.clientWidth, sh: el.scrollHeight, ch: el.clientHeight });
    }
  }
  // The widget itself never scrolls sideways.
  const host = document.querySelector(".paysession-dropin");
  if (host.scrollWidth > host.clientWidth + 1) out.push({ tag: "host", sw: host.scrollWidth, cw: host.clientWidth });
  return out;
}

for (const loc of LOCALES) {
  test(`drop-in in ${loc}: direction, language, texts from the catalog, nothing overflows, screenshot`, async ({ sdkPage }) => {
    test.setTimeout(60_000);
    await sdkPage.setViewportSize({ width: 360, height: 1000 });
    const cat = await catalog(loc);
    const s = await createSession({ country: "NL", amount: 123456 });
    await sdkPage.evaluate(({ api, pk, sid, loc }) => {
      window.events = [];
      const p = new PaySession(pk, { apiBase: api, locale: loc });
      window.dropin = p.createDropin({
        sessionId: sid,
        options: {
          showComplianceSection: true, showSavePaymentAgreement: true, showTermsOfSaleDisclosure: true,
          consents: { companyName: "Acme Handelsgesellschaft mbH", eula: "https://example.com/eula", termsOfUse: "https://example.com/use", termsOfService: "https://example.com/tos" },
        },
        onReady(d) { events.push(["ready", d]); },
        onError(d) { events.push(["error", d]); },
      });
      dropin.mount("drop-in");
    }, { api: API, pk: PK, sid: s.id, loc });
    await sdkPage.waitForFunction(() => window.events && events.some((e) => e[0] === "ready"), null, { timeout: 20_000 });
    const host = sdkPage.locator(".paysession-dropin");
    await expect(host).toHaveAttribute("dir", cat.dir);
    await expect(host).toHaveAttribute("lang", loc);
    await expect(sdkPage.getByRole("list", { name: cat.paymentMethods })).toBeVisible();
    const types = (await sdkPage.evaluate(() => events.find((e) => e[0] === "ready")[1].paymentMethodTypes));
    expect(types.length).toBeGreaterThan(3);

    // Each method's form opened in turn: its name and texts fit.
    const problems = [];
    for (const t of types) {
      const b = sdkPage.getByRole("button", { name: cat[`method.${t}`], exact: true });
      if ((await b.getAttribute("aria-expanded")) !== "true") await b.click();
      await expect(b).toHaveAttribute("aria-expanded", "true");
      for (const o of await sdkPage.evaluate(overflowing)) problems.push({ method: t, ...o });
    }

    // The card form, its pay button with the localized amount, its error lines shown.
    const card = sdkPage.getByRole("button", { name: cat["method.creditCard"], exact: true });
    if ((await card.getAttribute("aria-expanded")) !== "true") await card.click();
    const amount = await sdkPage.evaluate((loc) => new Intl.NumberFormat(loc, { style: "currency", currency: "EUR" }).format(1234.56), loc);
    const pay = sdkPage.getByRole("button", { name: cat["button.payNow"].replace("{amount}", amount), exact: true });
    await expect(pay).toBeVisible();
    await pay.click();
    const errors = sdkPage.locator(".e:not(:empty)");
    await expect(errors.first()).toBeVisible();
    const shown = await errors.allTextContents();
    // Under the card (its first part's) and under the name.
    expect(shown.length).toBeGreaterThanOrEqual(2);
    const known = new Set(Object.entries(cat).filter(([k]) => k.startsWith("error.") || k === "terms.required").map(([, v]) => v));
    for (const e of shown) expect(known.has(e), `error line "${e}" comes from the ${loc} catalog`).toBe(true);
    for (const o of await sdkPage.evaluate(overflowing)) problems.push({ method: "creditCard+errors", ...o });

    await host.screenshot({ path: `artifacts/locales/${loc}.png` });
    expect(problems, `texts clipped in ${loc}`).toEqual([]);

    // The card frame speaks the locale: its document's lang and dir, and an
    // invalid number's error on its input in the accessibility tree.
    await secure(sdkPage, "num").fill("4242424242424241");
    await expect(sdkPage.locator("#card-e")).toHaveText(cat["error.invalid_card_number"]);
    expect(await frameDoc(sdkPage, "num")).toMatchObject({ lang: loc, dir: cat.dir === "rtl" ? "rtl" : "ltr" });
    await expect.poll(() => axInput(sdkPage, "num")).toMatchObject({ invalid: "true", description: cat["error.invalid_card_number"] });
  });
}

test("the drop-in's catalog may come from the browser's cache (public, a day): a second drop-in does not ask the network", async ({ sdkPage }) => {
  // Chromium's own account of each response (network, disk or memory cache).
  const cdp = await sdkPage.context().newCDPSession(sdkPage);
  await cdp.send("Network.enable");
  const from = new Map(); // requestId → "network" | "disk" | "memory"
  cdp.on("Network.requestWillBeSent", (e) => { if (e.request.url.includes("/v1/locales/de-DE")) from.set(e.requestId, null); });
  cdp.on("Network.requestServedFromCache", (e) => { if (from.has(e.requestId)) from.set(e.requestId, "memory"); });
  cdp.on("Network.responseReceived", (e) => {
    if (from.has(e.requestId) && from.get(e.requestId) !== "memory") from.set(e.requestId, e.response.fromDiskCache ? "disk" : "network");
  });
  const seen = () => [...from.values()].filter(Boolean);
  for (let i = 0; i < 2; i++) {
    const s = await createSession({ country: "DE" });
    await sdkPage.evaluate(({ api, pk, sid }) => new Promise((ok, fail) => {
      window.dropin?.unmount();
      const d = (window.dropin = new PaySession(pk, { apiBase: api, locale: "de-DE" }).createDropin({ sessionId: sid, onReady: ok, onError: fail }));
      d.mount("drop-in");
    }), { api: API, pk: PK, sid: s.id });
  }
  await expect.poll(() => seen().length).toBe(2);
  expect(seen()[0]).toBe("network");
  expect(seen()[1], JSON.stringify(seen())).not.toBe("network");
});

// The checkout's module asks for the catalog through its HTTP client, the
// card build (paysession/card) with a plain fetch of its own (src/catalog.js).
for (const elModule of ["paysession", "paysession-card"]) {
  elTest.describe(`Elements' texts (${elModule})`, () => {
    elTest.use({ elModule });
    elTest("a standalone Element's frame, field and error messages follow the page's locale, its catalog fetched once", async ({ elPage }) => {
      const requests = [];
      elPage.on("request", (r) => { if (r.url().includes("/v1/locales/")) requests.push(new URL(r.url()).pathname); });
      const he = await catalog("he-IL");
      const titles = await elPage.evaluate(async ({ api, pk, fields, en }) => {
        window.events = [];
        const p = new PaySession(pk, { apiBase: api, fieldsBase: fields, locale: "he-IL" });
        const ready = [];
        for (const [t, id] of [["cardnumber", "card-number"], ["cardexpiration", "card-expiry"], ["cardcvv", "card-cvv"]]) {
          const e = p.createElement(t);
          e.on("change", (ev) => events.push(ev));
          ready.push(new Promise((ok) => e.on("ready", ok)));
          e.mount(id);
        }
        await Promise.all(ready);
        // The catalog may land after the frames said hello: then the frames are renamed.
        for (let i = 0; i < 100 && document.querySelector("#card-number iframe").title === en; i++) await new Promise((r) => setTimeout(r, 20));
        return [...document.querySelectorAll("#card-number iframe, #card-expiry iframe, #card-cvv iframe")].map((f) => f.title);
      }, { api: API, pk: PK, fields: FIELDS, en: "Card number" });
      expect(titles).toEqual([he["field.cardNumber"], he["field.expiry"], he["field.cvv"]]);
      await expect(frame(elPage, "card-number")).toHaveAttribute("aria-label", he["field.cardNumber"]);
      await expect(frame(elPage, "card-cvv")).toHaveAttribute("aria-label", he["field.cvv"]);
      await frame(elPage, "card-number").fill("4242424242424241");
      await frame(elPage, "card-number").press("Tab");
      await elPage.waitForFunction(() => events.some((e) => e.error));
      const err = await elPage.evaluate(() => events.filter((e) => e.error).pop().error);
      expect(err).toEqual({ code: "invalid_card_number", message: he["error.invalid_card_number"] });
      expect(requests).toEqual(["/v1/locales/he-IL"]);
    });

    elTest("English Elements fetch no catalog", async ({ elPage }) => {
      const requests = [];
      elPage.on("request", (r) => { if (r.url().includes("/v1/locales/")) requests.push(r.url()); });
      const title = await elPage.evaluate(async ({ api, pk, fields }) => {
        const p = new PaySession(pk, { apiBase: api, fieldsBase: fields, locale: "en-GB" });
        const e = p.createElement("cardnumber");
        await new Promise((r) => { e.on("ready", r); e.mount("card-number"); });
        return document.querySelector("#card-number iframe").title;
      }, { api: API, pk: PK, fields: FIELDS });
      expect(title).toBe("Card number");
      expect(requests).toEqual([]);
    });
  });
}
