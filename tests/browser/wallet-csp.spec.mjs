// Wallets under a shop's strict CSP (issue 21): the drop-in asks the browser
// (PaymentRequest, whose URL method identifiers make Chromium fetch a payment
// method manifest under the page's connect-src) only for the wallets the
// merchant enabled. Apple Pay and Google Pay are asked only when named in
// enabledPaymentMethods; the test wallet (the API's own Payment Handler) is on
// the API's origin. The page's policy: connect-src 'self' http://127.0.0.1:*.
import { test, expect, API, PK, createSession } from "./fixtures.mjs";

/** The strict page, recording every PaymentRequest's identifiers and every CSP violation. */
async function strictPage(page) {
  await page.addInitScript(() => {
    window.asked = [];
    window.violations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    const PR = window.PaymentRequest;
    window.PaymentRequest = class extends PR {
      constructor(m, d, o) { window.asked.push(...m.map((x) => x.supportedMethods)); super(m, d, o); }
    };
  });
  const console = [];
  page.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) console.push(m.text()); });
  await page.goto("/tests/browser/pages/strict.html");
  await page.waitForFunction(() => window.sdkReady || window.sdkError);
  return console;
}

async function mount(page, options) {
  const s = await createSession({ country: "DE" });
  await page.evaluate(({ api, pk, sid, options }) => new Promise((resolve) => {
    window.dropin = new PaySession(pk, { apiBase: api }).createDropin({ sessionId: sid, ...options, onReady: resolve });
    dropin.mount("drop-in");
  }), { api: API, pk: PK, sid: s.id, options });
  // The wallet module answers once every wallet it asked about has answered.
  await expect(page.locator("#pay-wallets button")).not.toHaveCount(0);
}

test("no wallet enabled: Google Pay and Apple Pay are never asked, no CSP violation; the test wallet shows", async ({ sdkPage: page }) => {
  const csp = await strictPage(page);
  await mount(page, {});
  await expect(page.locator("#pay-wallets button")).toHaveText(["Pay with Test Wallet"]);
  const { asked, violations } = await page.evaluate(() => ({ asked: window.asked, violations: window.violations }));
  expect(asked.length).toBeGreaterThan(0);
  expect(asked.every((m) => m.startsWith(`${API}/`)), asked.join(", ")).toBe(true);
  expect(violations).toEqual([]);
  expect(csp).toEqual([]);
});

test("Google Pay enabled by the merchant: asked, and this policy (without https://google.com/pay) reports it", async ({ sdkPage: page }) => {
  const csp = await strictPage(page);
  await mount(page, { paymentMethodConfiguration: { enabledPaymentMethods: ["creditCard", "googlePay"] } });
  const asked = await page.evaluate(() => window.asked);
  expect(asked).toContain("https://google.com/pay");
  await expect.poll(() => page.evaluate(() => window.violations.length) .then((n) => n + csp.length)).toBeGreaterThan(0);
  const all = [...(await page.evaluate(() => window.violations)), ...csp].join("\n");
  expect(all).toContain("google.com/pay");
});
