// Fixtures for driving the demo storefront as a shopper. Elements inside the
// drop-in's (open) shadow root are reached by Playwright's piercing CSS.
import { test as base, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { secure } from "../browser/card-frame.mjs";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export const yy = String((new Date().getFullYear() + 2) % 100).padStart(2, "0");

export const test = base.extend({
  page: async ({ page }, use) => {
    if (!process.env.PAYSESSION_DEMO_URL) throw new Error("PAYSESSION_DEMO_URL is not set (run scripts/test-e2e.sh)");
    const problems = [];
    page.csp = [];
    page.on("pageerror", (e) => problems.push(String(e)));
    page.on("console", (m) => {
      const t = m.text();
      if (/Content Security Policy|Refused to/i.test(t)) page.csp.push(t);
      // A drop-in with Google Pay enabled asks Chromium whether it can pay
      // (its payment method manifest at google.com): the test machine has no
      // DNS. (The demo enables no real wallet, so it no longer asks.)
      else if (/^Unable to download payment manifest "https:\/\/google\.com\/pay"\. ERR_NAME_NOT_RESOLVED/.test(t)) page.offline = true;
      // Chromium's own fetch of the test wallet's Payment Handler icon (a
      // valid 32×32 PNG, /hosted/wallet/icon.png), made in the background
      // while it installs the app: a test that leaves the page first, or a
      // loaded machine, ends it with this browser message; no page code runs.
      else if (/^Failed to download or decode a non-empty icon for payment app with ".*\/hosted\/wallet\/app\.json" manifest\.$/.test(t)) page.walletIcon = false;
      else if (m.type() === "error" && !/Failed to load resource/.test(t)) problems.push(t);
    });
    await page.addInitScript(() => {
      window.__csp = [];
      document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`), true);
    });
    await use(page);
    expect(problems, "uncaught errors on the page").toEqual([]);
  },
});

/** The cart → checkout step for a market (`COUNTRY:CURRENCY`), waiting for the
 * drop-in; the demo's terms of sale checkbox only with `{terms: true}`
 * (compliance.spec.mjs), so the other tests need not tick it. */
export async function checkout(page, market = "NL:EUR", { terms = false } = {}) {
  await page.goto(terms ? "/" : "/?terms=off");
  await page.locator("#market").selectOption(market);
  await page.locator("#checkout").click();
  await expect(page.locator("button[aria-expanded]").first()).toBeVisible();
}

export { secure } from "../browser/card-frame.mjs";

/** Types a card into the drop-in's card form (number, expiry and code in their secure fields). */
export async function fillCard(page, number, { exp = `12/${yy}`, cvc = "123", name = "Ada Lovelace" } = {}) {
  await secure(page, "num").fill(number);
  await secure(page, "exp").fill(exp);
  await secure(page, "cvc").fill(cvc);
  await page.locator("#name").fill(name);
}

/** The confirmation step with an order id. */
export async function expectDone(page) {
  await expect(page.locator("#step-done")).toBeVisible();
  await expect(page.locator("#order-id")).toHaveText(/^ord_/);
}

/** How many times the developer log shows `callback: NAME`. */
export function callbacks(page, name) {
  return page.locator("#log .what", { hasText: `callback: ${name}` }).count();
}

export const shot = (page, name) => page.screenshot({ path: `artifacts/e2e/${name}.png`, fullPage: true });

/** axe-core's violations on the page (the drop-in's open shadow root included). */
export async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")) }));
  });
}

export { expect };
