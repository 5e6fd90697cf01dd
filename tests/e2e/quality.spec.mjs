// Strict CSP with zero violations, and an axe-core scan with no violations.
import { test, expect, checkout, fillCard, shot, axe } from "./shop.mjs";

test("the demo's strict CSP: widget, card form, errors and the 3-D Secure modal cause zero violations", async ({ page }) => {
  await checkout(page, "DE:EUR");
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  expect(csp).toContain("style-src 'self'");
  expect(csp).not.toContain("unsafe-inline");
  await page.locator("#pay-creditCard").click(); // validation messages
  await fillCard(page, "5454 5454 5454 5454");
  await page.locator("#pay-creditCard").click();
  await page.frameLocator("dialog iframe").locator("#password").waitFor();
  await page.keyboard.press("Escape");
  for (const t of ["payPal", "klarnaCredit", "sepaDebit", "wireTransfer", "giftCard"]) {
    await page.locator(`#b-${t}`).click();
  }
  // The widget's styles really apply (adoptedStyleSheets, not blocked).
  const bg = await page.locator("#pay-giftCard").evaluate((b) => getComputedStyle(b).backgroundColor);
  expect(bg).not.toBe("rgba(0, 0, 0, 0)");
  const styleAttrs = await page.evaluate(() => {
    const root = document.querySelector(".paysession-dropin").shadowRoot;
    return { styleEls: root.querySelectorAll("style").length, styleAttrs: root.querySelectorAll("[style]").length, sheets: root.adoptedStyleSheets.length };
  });
  // Two constructed sheets: the widget's shared one and its appearance's (the demo themes it).
  expect(styleAttrs).toEqual({ styleEls: 0, styleAttrs: 0, sheets: 2 });
  expect(await page.evaluate(() => window.__csp)).toEqual([]);
  expect(page.csp).toEqual([]);
});


test("axe-core: no violations in the list, the card form with errors, and the modal", async ({ page }) => {
  await checkout(page);
  expect(await axe(page)).toEqual([]);
  await page.locator("#pay-creditCard").click();
  await expect(page.locator("#card-e")).not.toBeEmpty();
  expect(await axe(page)).toEqual([]);
  await shot(page, "a11y-errors");
  await fillCard(page, "4917 6100 0000 0000");
  await page.locator("#pay-creditCard").click();
  await page.frameLocator("dialog iframe").locator("#password").waitFor();
  expect(await axe(page)).toEqual([]);
});

test("a platform language Intl refuses (WebKitGTK's `C`) falls back: the shop loads, shows prices and pays", async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, "language", { get: () => "C", configurable: true });
    Object.defineProperty(Navigator.prototype, "languages", { get: () => ["C"], configurable: true });
  });
  await checkout(page);
  expect(await page.evaluate(() => navigator.language)).toBe("C");
  await expect(page.locator("#pay-creditCard")).toHaveText("Pay €12.99");
  await fillCard(page, "4242 4242 4242 4242");
  await page.locator("#pay-creditCard").click();
  await expect(page.locator("#step-done")).toBeVisible();
});

test("the demo as a shop ships it: a meta description, and no request for a missing /favicon.ico", async ({ page }) => {
  const missing = [];
  page.on("response", (r) => { if (r.status() >= 400) missing.push(`${r.status()} ${new URL(r.url()).pathname}`); });
  await checkout(page);
  await page.reload();
  await expect(page.locator("#checkout")).toBeVisible();
  await expect(page.locator("#market option").first()).toBeAttached();
  expect(missing).toEqual([]);
  // The page names its icon (inline): the browser asks for no /favicon.ico.
  expect(await page.locator('link[rel="icon"]').count()).toBe(1);
  const description = await page.locator('meta[name="description"]').getAttribute("content", { timeout: 1000 });
  expect(description.length).toBeGreaterThan(50);
});

test("the cart page runs only the shop: the SDK's script and WebAssembly load when the shopper heads for the checkout; the languages are named after the first paint", async ({ page }) => {
  const sdk = [];
  page.on("request", (r) => { const p = new URL(r.url()).pathname; if (/\.wasm$|\/sdk\.[0-9a-f]+\.js$/.test(p)) sdk.push(p.replace(/[0-9a-f]{8,}/, "…")); });
  await page.goto("/?terms=off");
  // The cart is drawn (the shop's catalog is in): nothing of the SDK asked for.
  await expect(page.locator("main.layout")).not.toHaveAttribute("aria-busy", /.*/);
  await expect(page.locator("#products li").first()).toBeVisible();
  expect(sdk).toEqual([]);
  // The checkout languages, named in themselves after the first paint (in idle time).
  const hebrew = await page.evaluate(() => new Intl.DisplayNames(["he-IL"], { type: "language" }).of("he-IL"));
  await expect(page.locator('#locale option[value="he-IL"]')).toHaveText(`${hebrew} (he-IL)`);
  await expect(page.locator('#locale option[value="en-US"]')).toHaveText(/^American English \(en-US\)$|^English \(United States\) \(en-US\)$/);
  // A pointer on the checkout button starts it; the checkout then mounts the drop-in.
  await page.locator("#checkout").hover();
  await expect.poll(() => sdk.length).toBeGreaterThan(0);
  await page.locator("#checkout").click();
  await expect(page.locator("button[aria-expanded]").first()).toBeVisible();
  expect(sdk.sort()).toEqual(["/sdk.….js", "/….module.wasm"].sort());
});
