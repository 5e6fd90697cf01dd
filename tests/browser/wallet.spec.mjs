// The drop-in's wallet buttons (src/wallet.js, loaded on demand): shown only
// where the browser's PaymentRequest.canMakePayment() answers true, loaded
// only when a wallet is offered, errors announced.
import { test, expect, API, PK, createSession } from "./fixtures.mjs";

async function mount(page, sid, options = {}) {
  await page.evaluate(({ api, pk, sid, options }) => {
    window.events = [];
    const payments = new PaySession(pk, { apiBase: api });
    window.dropin = payments.createDropin({
      sessionId: sid,
      ...options,
      onSuccess(d) { events.push(["success", d]); },
      onError(d) { events.push(["error", d]); },
      onReady(d) { events.push(["ready", d]); },
      onCancel(d) { events.push(["cancel", d]); },
    });
    dropin.mount("drop-in");
  }, { api: API, pk: PK, sid, options });
  await page.waitForFunction(() => events.some((e) => e[0] === "ready"));
}

function scripts(page) {
  const seen = [];
  page.on("request", (r) => { if (r.resourceType() === "script") seen.push(new URL(r.url()).pathname); });
  return seen;
}

test("in headless Chromium Apple Pay and Google Pay stay hidden; the test wallet shows", async ({ sdkPage }) => {
  const seen = scripts(sdkPage);
  const s = await createSession({ country: "DE" });
  await mount(sdkPage, s.id, { paymentMethodConfiguration: { enabledPaymentMethods: ["creditCard", "googlePay", "applePay"] } });
  const wallets = sdkPage.locator("#pay-wallets");
  await expect(wallets.locator("button")).toHaveText(["Pay with Test Wallet"]);
  await expect(wallets).toBeVisible();
  await expect(sdkPage.locator("button[data-wallet=googlePay], button[data-wallet=applePay]")).toHaveCount(0);
  expect(seen).toContain("/pkg-web/wallet.js");
  // Really asked: the browser says no to Google Pay here (and Apple Pay is Safari's).
  const can = await sdkPage.evaluate(async () => {
    const d = { total: { label: "t", amount: { currency: "EUR", value: "1.00" } } };
    try { return await new PaymentRequest([{ supportedMethods: "https://google.com/pay" }], d).canMakePayment(); } catch (e) { return e.name; }
  });
  expect(can).not.toBe(true);
  await sdkPage.locator("#drop-in").screenshot({ path: "artifacts/dropin-wallets.png" });
});

test("a wallet whose canMakePayment() answers true is shown, in order; its failure is announced and onError fires", async ({ sdkPage }) => {
  await sdkPage.addInitScript(() => {
    const PR = window.PaymentRequest;
    const yes = ["https://google.com/pay", "https://apple.com/apple-pay"];
    window.PaymentRequest = class extends PR {
      constructor(m, d, o) { super(m, d, o); this.m = m[0].supportedMethods; }
      canMakePayment() { return yes.includes(this.m) ? Promise.resolve(true) : super.canMakePayment(); }
    };
    window.ApplePaySession = function ApplePaySession() {};
  });
  await sdkPage.reload();
  await sdkPage.waitForFunction(() => window.sdkReady);
  const s = await createSession({ country: "DE" });
  // Apple Pay and Google Pay are asked only when the merchant names them.
  await mount(sdkPage, s.id, { paymentMethodConfiguration: { enabledPaymentMethods: ["creditCard", "googlePay", "applePay"] } });
  const buttons = sdkPage.locator("#pay-wallets button");
  await expect(buttons).toHaveText(["Pay with Apple Pay", "Pay with Google Pay", "Pay with Test Wallet"]);
  await expect(sdkPage.locator("#pay-wallets")).toContainText("Or pay another way");
  // Google Pay cannot really pay in this browser: show() fails, the backend
  // refuses the empty answer, the drop-in says so and fires onError once.
  await sdkPage.locator("button[data-wallet=googlePay]").click();
  await sdkPage.waitForFunction(() => events.some((e) => e[0] === "error"));
  const ev = await sdkPage.evaluate(() => events.filter((e) => e[0] !== "ready"));
  expect(ev.length).toBe(1);
  expect(ev[0][1].errors[0].code).toBe("invalid_wallet_token");
  expect(ev[0][1].paymentMethod).toBe("googlePay");
  await expect(sdkPage.locator("[role=status][aria-live=polite]")).toHaveText("The wallet could not pay. Try again or choose another method.");
  await expect(sdkPage.locator("#pay-wallets")).toBeEnabled();
});

test("the wallet module is not loaded when no wallet is offered, nor shown without PaymentRequest", async ({ sdkPage }) => {
  const seen = scripts(sdkPage);
  const s = await createSession({ country: "DE" });
  await mount(sdkPage, s.id, { paymentMethodConfiguration: { disabledPaymentMethods: ["googlePay", "applePay"] } });
  await expect(sdkPage.locator("#b-creditCard")).toBeVisible();
  await expect(sdkPage.locator("#pay-wallets")).toHaveCount(0);
  await sdkPage.waitForTimeout(500);
  expect(seen.filter((u) => u.endsWith("/wallet.js"))).toEqual([]);

  // Enabled methods without a wallet: the same.
  await sdkPage.evaluate(() => dropin.unmount());
  const s2 = await createSession({ country: "DE" });
  await mount(sdkPage, s2.id, { paymentMethodConfiguration: { enabledPaymentMethods: ["creditCard"] } });
  await expect(sdkPage.locator("#pay-wallets")).toHaveCount(0);
  expect(seen.filter((u) => u.endsWith("/wallet.js"))).toEqual([]);

  // A browser without the Payment Request API: the fieldset stays hidden.
  await sdkPage.evaluate(() => { dropin.unmount(); delete window.PaymentRequest; });
  const s3 = await createSession({ country: "DE" });
  await mount(sdkPage, s3.id);
  await expect.poll(() => seen.filter((u) => u.endsWith("/wallet.js")).length).toBe(1);
  await sdkPage.waitForTimeout(300);
  await expect(sdkPage.locator("#pay-wallets")).toBeHidden();
  await expect(sdkPage.locator("#pay-wallets button")).toHaveCount(0);
});
