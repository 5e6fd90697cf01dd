// Shared fixtures: the backend URL, merchant sessions created with the secret
// key over HTTP, and a page with the SDK loaded.
import { test as base, expect } from "@playwright/test";

export const API = process.env.PAYSESSION_API;
export const PK = "pk_test_default";
const SK = "sk_test_default";

/** POST /v1/sessions with the secret key; returns the session. */
export async function createSession(body = {}) {
  const res = await fetch(`${API}/v1/sessions`, {
    method: "POST",
    headers: { authorization: `Bearer ${SK}`, "content-type": "application/json" },
    body: JSON.stringify({ amount: 1000, currency: "EUR", country: "US", ...body }),
  });
  const json = await res.json();
  if (res.status !== 201) throw new Error(`session: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** GET /v1/sessions/{id} with the secret key. */
export async function merchantSession(id) {
  const res = await fetch(`${API}/v1/sessions/${id}`, { headers: { authorization: `Bearer ${SK}` } });
  return res.json();
}

/** A card that expires next year. */
export function card(number, cvv = "123") {
  return { number, expirationMonth: 12, expirationYear: new Date().getFullYear() + 1, cvv };
}

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

/** The input of the drop-in's secure field `id` (num, exp, cvc): a frame of the fields origin. */
export const secure = (page, id) => page.frameLocator(`#${id} iframe`).locator("input");

/** Types a card into the drop-in's form: number, expiry and code in their secure fields. */
export async function fillDropinCard(page, number, name = "Ada") {
  const y = String((new Date().getFullYear() + 1) % 100).padStart(2, "0");
  await secure(page, "num").fill(number);
  await secure(page, "exp").fill(`12/${y}`);
  await secure(page, "cvc").fill("123");
  await page.locator("#name").fill(name);
}

export { expect };
