// Fixtures of the secure card fields' tests: a page (tests/browser/pages/elements.html,
// with the skimmer script) whose CSP adds only frame-src for the fields origin, and
// helpers to mount the three elements and type a card into their frames.
import { test as base, expect, API, PK, createSession, mountElements } from "./fixtures.mjs";

export const FIELDS = process.env.PAYSESSION_FIELDS;
const year = String((new Date().getFullYear() + 2) % 100).padStart(2, "0");

export const test = base.extend({
  // The SDK build the page loads (tests/browser/pages/boot.js `?m=`): the checkout's module by default.
  elModule: ["paysession", { option: true }],
  elPage: async ({ page, elModule }, use) => {
    if (!FIELDS) throw new Error("PAYSESSION_FIELDS is not set (run through scripts/with-server.sh)");
    const problems = [];
    page.on("pageerror", (e) => problems.push(String(e)));
    await page.goto(`/tests/browser/pages/elements.html?m=${elModule}`);
    await page.waitForFunction(() => window.sdkReady || window.sdkError, null, { timeout: 15_000 });
    page.problems = problems;
    await use(page);
    expect(problems, "uncaught page errors").toEqual([]);
  },
});

/** Creates the three elements, records their events in window.events, mounts them, waits for ready
 * (the page-side function, tests/browser/backend.mjs's mountElements, shared with tests/engines). */
export async function mountAll(page, options = {}) {
  await page.evaluate(mountElements, { api: API, pk: PK, fields: FIELDS, options });
}

export const frame = (page, id) => page.frameLocator(`#${id} iframe`).locator("input");

/** Types a card into the three fields as a shopper would. */
export async function typeCard(page, number = "4242424242424242", expiry = `12${year}`, cvv = "123") {
  await frame(page, "card-number").click();
  await page.keyboard.type(number);
  await frame(page, "card-expiry").click();
  await page.keyboard.type(expiry);
  await frame(page, "card-cvv").click();
  await page.keyboard.type(cvv);
}

/** Mounts the three fields, types a card and creates a source from it with
 * an owner, on a new session: the createSource result, made plain. */
export async function tokenizeTypedCard(page, owner = { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" }) {
  await mountAll(page);
  await typeCard(page);
  const s = await createSession();
  return page.evaluate(async ({ sid, owner }) => resultPlain(await window.payments.createSource(window.els.cardnumber, {
    sessionId: sid, type: "creditCard", owner,
  })), { sid: s.id, owner });
}
