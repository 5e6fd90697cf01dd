// Shared fixtures: the backend URL, merchant sessions created with the secret
// key over HTTP, and a page with the SDK loaded.
import { test as base, expect } from "@playwright/test";

import { API } from "./backend.mjs";
import { secure } from "./card-frame.mjs";
export { API, PK, createSession, merchantSession, card, sk, leaks, mountElements, savedCard } from "./backend.mjs";

export const test = base.extend({
  sdkPage: async ({ page }, use) => {
    if (!API) throw new Error("PAYSESSION_API is not set (run scripts/test-browser.sh)");
    const problems = [];
    page.on("pageerror", (e) => problems.push(String(e)));
    await page.goto("/tests/browser/pages/index.html");
    await page.waitForFunction(() => window.sdkReady || window.sdkError, null, { timeout: 15_000 });
    const err = await page.evaluate(() => window.sdkError);
    if (err) throw new Error(`SDK failed to load: ${err}`);
    page.problems = problems;
    await use(page);
    // No uncaught exception (a WebAssembly trap would be one) in any test.
    expect(problems, "uncaught page errors").toEqual([]);
  },
});

/** Requests the page made to the backend, by method and path. */
export function trackApi(page) {
  const seen = [];
  page.on("request", (r) => {
    if (r.url().startsWith(API) && r.method() !== "OPTIONS") seen.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });
  return seen;
}

export { cardFrame, secure, axInput, frameDoc } from "./card-frame.mjs";

/** Types a card into the drop-in's form: number, expiry and code in their secure fields. */
export async function fillDropinCard(page, number, name = "Ada") {
  const y = String((new Date().getFullYear() + 1) % 100).padStart(2, "0");
  await secure(page, "num").fill(number);
  await secure(page, "exp").fill(`12/${y}`);
  await secure(page, "cvc").fill("123");
  await page.locator("#name").fill(name);
}

export { expect };
