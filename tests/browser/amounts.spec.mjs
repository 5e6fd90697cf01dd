// Amounts without ICU: the payment-methods answer carries `amountFormat` (how
// the SDK's locale writes the session's currency, read from ICU when the
// backend is built: scripts/gen-amount-formats.mjs), and the drop-in writes its
// amounts with it (src/amount.js) instead of starting ICU on the page (its first
// `Intl.NumberFormat`: 20-40 ms of the main thread while the card frame starts).
import { readFileSync } from "node:fs";
import { test, expect, API, PK, createSession } from "./fixtures.mjs";
import { generate, currencies, TABLE, SAMPLES } from "../../scripts/gen-amount-formats.mjs";

// src/amount.js is an ES module the SDK's glue imports; the package around it is
// CommonJS to Node, so its text is imported as a module.
const { formatAmount } = await import(`data:text/javascript,${encodeURIComponent(readFileSync(new URL("../../src/amount.js", import.meta.url), "utf8"))}`);

const table = JSON.parse(readFileSync(TABLE, "utf8"));
const { amounts, samples } = JSON.parse(readFileSync(SAMPLES, "utf8"));
const exponents = Object.fromEntries(currencies());

test("the table and its samples are what this ICU writes (scripts/gen-amount-formats.mjs)", () => {
  // Another Node's ICU may write some locale differently: then the files stay
  // what they were made from (the samples below still hold the SDK to them).
  test.skip(process.versions.icu !== table.icu, `the table was written by ICU ${table.icu}, this is ${process.versions.icu}`);
  const now = generate();
  expect(now.table === readFileSync(TABLE, "utf8"), "amount-formats.json is stale: run node scripts/gen-amount-formats.mjs").toBe(true);
  expect(now.samples === readFileSync(SAMPLES, "utf8"), "amount-samples.json is stale").toBe(true);
});

test("the SDK's formatAmount writes every sample ICU wrote: every locale, every currency", () => {
  let n = 0;
  const wrong = [];
  for (const [locale, byCurrency] of Object.entries(samples)) {
    const l = table.locales[locale];
    for (const [currency, texts] of Object.entries(byCurrency)) {
      const [prefix, suffix] = l.affixes[currency];
      const f = { locale, currency, prefix, suffix, decimal: l.decimal, group: l.group, fractionDigits: table.fractionDigits[currency],
        primaryGroupSize: l.primaryGroupSize, secondaryGroupSize: l.secondaryGroupSize, minimumGroupingDigits: l.minimumGroupingDigits, digits: l.digits };
      amounts.forEach((a, i) => {
        const got = formatAmount(f, a, exponents[currency]);
        if (got !== texts[i]) wrong.push({ locale, currency, a, got, want: texts[i] });
        n++;
      });
    }
  }
  expect(wrong.slice(0, 5)).toEqual([]);
  expect(n).toBe(Object.keys(table.locales).length * Object.keys(exponents).length * amounts.length);
});

/** The SDK's test page with `Intl.NumberFormat` counted from before the SDK loads. */
async function countingPage(page) {
  await page.addInitScript(() => {
    window.numberFormats = 0;
    const NF = Intl.NumberFormat;
    Intl.NumberFormat = new Proxy(NF, {
      construct(t, a) { window.numberFormats++; return Reflect.construct(t, a); },
      apply(t, self, a) { window.numberFormats++; return Reflect.apply(t, self, a); },
    });
  });
  await page.goto("/tests/browser/pages/index.html");
  await page.waitForFunction(() => window.sdkReady || window.sdkError, null, { timeout: 15_000 });
  expect(await page.evaluate(() => window.sdkError)).toBeFalsy();
}

/** Mounts a drop-in in `locale` for a session; its `{ready, text, accept}`: the shadow root's text at onReady. */
async function dropinIn(page, locale, session) {
  const asked = [];
  page.on("request", (r) => { if (r.url().includes("/payment-methods")) asked.push(r.headers()["accept-language"]); });
  await page.evaluate(({ api, pk, sid, locale }) => new Promise((resolve) => {
    const p = new PaySession(pk, { apiBase: api, locale });
    window.dropin = p.createDropin({
      sessionId: sid,
      onReady: () => resolve(),
      onError: (e) => resolve(e),
    });
    window.dropin.mount("drop-in");
  }), { api: API, pk: PK, sid: session.id, locale });
  const state = await page.evaluate(() => ({ made: window.numberFormats, text: document.querySelector(".paysession-dropin").shadowRoot.textContent }));
  return { ...state, asked };
}

const CASES = [
  ["en-US", { currency: "USD", country: "US", amount: 123456789 }],
  ["de-DE", { currency: "EUR", country: "DE", amount: 123456 }],
  ["es-ES", { currency: "EUR", country: "ES", amount: 123456 }], // 1234,56 €: no group under 10 000
  ["hi-IN", { currency: "INR", country: "IN", amount: 1234567890 }], // 1,23,45,678.90
  ["ar", { currency: "SAR", country: "SA", amount: 123456 }],
  ["fa-IR", { currency: "USD", country: "US", amount: 123456 }], // Persian digits
  ["ja-JP", { currency: "JPY", country: "JP", amount: 123456 }],
  ["hu-HU", { currency: "HUF", country: "HU", amount: 123450 }], // no fraction shown: rounded
  ["fr", { currency: "EUR", country: "FR", amount: 123456 }], // a language alone, as shops often pass it
];

for (const [locale, s] of CASES) {
  test(`drop-in in ${locale}, ${s.currency}: the amount as the browser's Intl writes it, and no Intl.NumberFormat made`, async ({ page }) => {
    await countingPage(page);
    const session = await createSession(s);
    const r = await dropinIn(page, locale, session);
    const exp = exponents[s.currency];
    const want = await page.evaluate(({ locale, c, v }) => new Intl.NumberFormat(locale, { style: "currency", currency: c }).format(v), { locale, c: s.currency, v: s.amount / 10 ** exp });
    expect(r.made, "Intl.NumberFormat made before onReady").toBe(0);
    expect(r.text).toContain(want);
    expect(r.asked).toEqual([locale]);
  });
}

test("a locale without a catalog of its own (de-AT): no amountFormat, the drop-in asks Intl", async ({ page }) => {
  await countingPage(page);
  const session = await createSession({ currency: "EUR", country: "AT", amount: 123456 });
  const answer = await (await fetch(`${API}/v1/sessions/${session.id}/payment-methods?key=${PK}`, { headers: { "accept-language": "de-AT" } })).json();
  expect(answer.amountFormat).toBeUndefined();
  const r = await dropinIn(page, "de-AT", session);
  const want = await page.evaluate(() => new Intl.NumberFormat("de-AT", { style: "currency", currency: "EUR" }).format(1234.56));
  expect(want).toBe("€\u00a01.234,56"); // not de-DE's 1.234,56 €
  expect(r.text).toContain(want);
  expect(r.made).toBeGreaterThan(0);
});

test("the answer's amountFormat is the request's locale's, for the session's currency", async () => {
  const session = await createSession({ currency: "CHF", country: "CH", amount: 500 });
  const get = async (lang) => (await (await fetch(`${API}/v1/sessions/${session.id}/payment-methods?key=${PK}`, lang ? { headers: { "accept-language": lang } } : {})).json()).amountFormat;
  expect(await get("fr-FR,en;q=0.5")).toMatchObject({ locale: "fr-FR", currency: "CHF", suffix: "\u00a0CHF", decimal: ",", fractionDigits: 2 });
  expect(await get("en-US")).toMatchObject({ locale: "en-US", currency: "CHF", prefix: "CHF\u00a0" });
  expect(await get(undefined)).toBeUndefined();
  const market = await (await fetch(`${API}/v1/payment-methods?currency=JPY&country=JP&key=${PK}`, { headers: { "accept-language": "ja-JP" } })).json();
  expect(market.amountFormat).toMatchObject({ locale: "ja-JP", currency: "JPY", prefix: "￥", fractionDigits: 0 });
});

test("a wallet's total is the session's amount in the currency's ISO 4217 unit (HUF: 2 decimals, though Intl shows none)", async ({ page }) => {
  await page.addInitScript(() => {
    window.totals = [];
    const PR = window.PaymentRequest;
    window.PaymentRequest = class extends PR {
      constructor(m, d, o) { super(m, d, o); window.totals.push(d.total.amount); }
    };
  });
  await countingPage(page);
  const session = await createSession({ currency: "HUF", country: "HU", amount: 12345 });
  await dropinIn(page, "en-US", session);
  await page.waitForFunction(() => window.totals.length > 0);
  expect(await page.evaluate(() => window.totals[0])).toEqual({ currency: "HUF", value: "123.45" });
});
