// Wallet payments through the demo: the backend's test wallet is a real
// Payment Handler (its method manifest, service worker and window are served
// by the backend; Chromium installs it just in time when the drop-in's
// PaymentRequest names it). The wallet's window is a browser window, not a
// page of the test's context: it is found and driven over the DevTools
// protocol (Target.* on the browser session), clicks and keys included.
import { test, expect, checkout, expectDone, callbacks, shot } from "./shop.mjs";

/** The payment handler's window: evaluate in it, press keys in it, screenshot it. */
async function walletWindow(page) {
  const cdp = await page.context().browser().newBrowserCDPSession();
  let target;
  await expect.poll(async () => {
    const { targetInfos } = await cdp.send("Target.getTargets");
    target = targetInfos.find((t) => t.type === "page" && t.url.includes("/hosted/wallet/window"));
    return !!target;
  }, { timeout: 15_000 }).toBe(true);
  const { sessionId } = await cdp.send("Target.attachToTarget", { targetId: target.targetId, flatten: false });
  let id = 0;
  const pending = new Map();
  cdp.on("Target.receivedMessageFromTarget", (m) => {
    if (m.sessionId !== sessionId) return;
    const msg = JSON.parse(m.message);
    if (pending.has(msg.id)) { pending.get(msg.id)(msg); pending.delete(msg.id); }
  });
  const send = (method, params = {}) => new Promise((resolve, reject) => {
    const n = ++id;
    pending.set(n, (msg) => (msg.error ? reject(new Error(`${method}: ${msg.error.message}`)) : resolve(msg.result)));
    cdp.send("Target.sendMessageToTarget", { sessionId, message: JSON.stringify({ id: n, method, params }) }).catch(reject);
  });
  const evaluate = async (expression) => {
    const r = await send("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true });
    return r.result.value;
  };
  const key = async (k, code = k, text) => {
    const vk = { Tab: 9, Enter: 13, " ": 32, ArrowDown: 40 }[k];
    await send("Input.dispatchKeyEvent", { type: "keyDown", key: k, code, windowsVirtualKeyCode: vk, text });
    // Not awaited: a key that pays closes the window, which then answers nothing.
    send("Input.dispatchKeyEvent", { type: "keyUp", key: k, code, windowsVirtualKeyCode: vk }).catch(() => {});
  };
  return {
    url: target.url,
    evaluate,
    key,
    /** Waits until the wallet shows the total (it comes from the service worker). */
    ready: () => expect.poll(() => evaluate("document.getElementById('total').textContent"), { timeout: 10_000 }).toMatch(/\d/),
    shot: async (name) => {
      const { data } = await send("Page.captureScreenshot", { format: "png" });
      const { writeFile } = await import("node:fs/promises");
      await writeFile(`artifacts/e2e/${name}.png`, Buffer.from(data, "base64"));
    },
    close: () => cdp.detach().catch(() => {}),
  };
}

const walletButton = (page) => page.locator("button[data-wallet=simulated]");

test("test wallet: the drop-in's wallet button pays through the Payment Handler to an order", async ({ page }) => {
  const scripts = [];
  page.on("request", (r) => { if (r.resourceType() === "script") scripts.push(new URL(r.url()).pathname); });
  await checkout(page, "DE:EUR");
  const b = walletButton(page);
  // The demo shows a German market in German (the keys' translations).
  await expect(b).toHaveText("Mit Test-Wallet bezahlen");
  // At the top of the drop-in, before the list, with the separator.
  await expect(page.locator("#pay-wallets")).toContainText("Oder anders bezahlen");
  expect(await page.locator("#pay-wallets").evaluate((f) => f.nextElementSibling?.tagName)).toBe("UL");
  // The wallet module came as a script of its own, after the shop's bundle
  // and the SDK's chunk (webpack names the SDK's wallet.js by its hash).
  expect(scripts.filter((u) => !/^\/(shop\.|sdk\.|field\.([0-9a-f]{16}\.)?js$)/.test(u)).length, scripts.join()).toBe(1);
  await shot(page, "wallet-button");
  await b.click();
  const w = await walletWindow(page);
  await w.ready();
  expect(await w.evaluate("document.getElementById('total').textContent")).toBe("€12.99");
  expect(await w.evaluate("document.getElementById('payee').textContent")).toBe(new URL(page.url()).origin);
  // The window shows the wallet's cards masked, never a number.
  const text = await w.evaluate("document.body.innerText");
  expect(text).toContain("•••• 4242");
  expect(text).not.toMatch(/\d{12,}/);
  await w.shot("wallet-window");
  // The second card is one its issuer challenges in Germany: through the wallet it is not.
  await w.evaluate("document.querySelector('input[name=card][value=\"1\"]').click(); document.getElementById('pay').click()");
  await w.close();
  await expectDone(page);
  await shot(page, "wallet-done");
  expect(await callbacks(page, "onSuccess")).toBe(1);
  expect(await callbacks(page, "onError")).toBe(0);
  const log = await page.locator("#log").innerText();
  expect(log).toContain('"googlePay"');
  expect(log).toContain("5454");
  // No card data on the merchant's page: no number, no challenge dialog.
  // (The demo's own list of test cards names it, spaced: the drop-in and the log must not.)
  const html = await page.evaluate(() => document.documentElement.outerHTML);
  expect(html).not.toContain("5454545454545454");
  const dropin = await page.evaluate(() => [...document.querySelectorAll(".paysession-dropin")].map((h) => h.shadowRoot.innerHTML).join(""));
  expect(dropin).not.toMatch(/5454\D?5454/);
  expect(log).not.toMatch(/5454\D?5454/);
  await expect(page.locator("dialog[open]")).toHaveCount(0);
  expect(page.csp, page.csp.join("\n")).toEqual([]);
});

test("test wallet: cancel in the wallet fires onCancel and the drop-in can pay again", async ({ page }) => {
  await checkout(page, "NL:EUR");
  await expect(walletButton(page)).toHaveText("Pay with Test Wallet");
  await walletButton(page).click();
  let w = await walletWindow(page);
  await w.ready();
  await w.evaluate("document.getElementById('cancel').click()");
  await w.close();
  await expect.poll(() => callbacks(page, "onCancel")).toBe(1);
  await expect(page.locator(".paysession-dropin [role=status][aria-live=polite]")).toHaveText(/cancel/i);
  await expect(walletButton(page)).toBeEnabled();
  expect(await callbacks(page, "onError")).toBe(0);
  // Again, paying this time.
  await walletButton(page).click();
  w = await walletWindow(page);
  await w.ready();
  await w.evaluate("document.getElementById('pay').click()");
  await w.close();
  await expectDone(page);
  expect(await callbacks(page, "onSuccess")).toBe(1);
});

test("keyboard only: Tab to the wallet button, Enter, pay in the wallet with the keyboard", async ({ page }) => {
  await checkout(page, "NL:EUR");
  await expect(walletButton(page)).toBeVisible();
  // From the page's start, Tab reaches the wallet button before the card method.
  await page.locator("#checkout-title, h1, h2").first().evaluate((e) => { e.tabIndex = -1; e.focus(); }).catch(() => {});
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await walletButton(page).evaluate((b) => b.getRootNode().activeElement === b);
    if (!reached) expect(await page.locator("#b-creditCard").evaluate((b) => b.getRootNode().activeElement === b)).toBe(false);
  }
  expect(reached).toBe(true);
  await page.keyboard.press("Enter");
  const w = await walletWindow(page);
  await w.ready();
  // The wallet focuses Pay once it knows the total; Enter submits.
  expect(await w.evaluate("document.activeElement.id")).toBe("pay");
  await w.key("Enter", "Enter", "\r");
  await w.close();
  await expectDone(page);
  expect(await callbacks(page, "onSuccess")).toBe(1);
});
