// The React example (packages/react/example, built by packages/react/build.mjs) paid
// through as a shopper would: its cart, the demo backend's checkout (session made with the
// secret key), the <DropIn> or the three card Elements with useCreateSource, then attach
// and order on the demo backend. The example is served by Playwright's static server
// (another origin than the shop's server and the API, as a separately hosted React app).
import { test, expect, fillCard, yy } from "./shop.mjs";

const DEMO = process.env.PAYSESSION_DEMO_URL;
const FIELDS = process.env.PAYSESSION_FIELDS;
const example = () => `http://127.0.0.1:${process.env.PAYSESSION_STATIC_PORT || 4174}/packages/react/example/dist/index.html`
  + `?shop=${encodeURIComponent(DEMO)}&fields=${encodeURIComponent(FIELDS)}&market=NL:EUR`;

/** The order as the merchant's server sees it (secret key). */
async function order(id) {
  const res = await fetch(`${DEMO}/v1/orders/${id}`, { headers: { authorization: "Bearer sk_test_default" } });
  expect(res.status).toBe(200);
  return res.json();
}

async function toCheckout(page) {
  await page.goto(example());
  await page.locator("#checkout").click();
  await expect(page.locator("#step-pay")).toBeVisible();
}

const logLines = (page) => page.locator("#log li").allTextContents();

test("the React example pays with <DropIn>: one drop-in, onReady and onSuccess once, order placed", async ({ page }) => {
  await toCheckout(page);
  await expect(page.locator("#drop-in button[aria-expanded]").first()).toBeVisible();
  await expect(page.locator(".paysession-dropin")).toHaveCount(1);
  await page.screenshot({ path: "artifacts/e2e/react-example-checkout.png", fullPage: true });
  // The theme switch: <DropIn appearance> restyles the same drop-in (no remount, one onReady).
  const row = () => page.locator(".paysession-dropin").evaluate((h) => getComputedStyle(h.shadowRoot.querySelector("li")).backgroundColor);
  const light = await row();
  await page.locator(".paysession-dropin").evaluate((h) => { h.dataset.mark = "first"; });
  await page.locator("#theme").selectOption("dark");
  await expect.poll(row).toBe("rgb(31, 41, 55)");
  await page.screenshot({ path: "artifacts/e2e/react-example-dark.png", fullPage: true });
  await page.locator("#theme").selectOption("default");
  await expect.poll(row).toBe(light);
  await expect(page.locator(".paysession-dropin")).toHaveAttribute("data-mark", "first");
  await fillCard(page, "4242 4242 4242 4242");
  await page.locator("#pay-creditCard").click();
  await expect(page.locator("#step-done")).toBeVisible();
  const id = await page.locator("#order-id").textContent();
  expect(id).toMatch(/^ord_/);
  await expect(page.locator("#done-detail")).toHaveText(/^Paid €\d+\.\d\d with Visa •••• 4242\.$/);
  const o = await order(id);
  expect(`Paid ${new Intl.NumberFormat("en-US", { style: "currency", currency: "EUR" }).format(o.amount / 100)}`)
    .toBe((await page.locator("#done-detail").textContent()).split(" with")[0]);
  const log = await logLines(page);
  expect(log.filter((l) => l.startsWith("onReady")).length).toBe(1);
  expect(log.filter((l) => l.startsWith("onSuccess")).length).toBe(1);
  expect(log.some((l) => l.includes("4242 4242"))).toBe(false);
  // The drop-in left with the checkout step: no frame remains.
  await expect(page.locator(".paysession-dropin")).toHaveCount(0);
  await expect(page.locator("iframe")).toHaveCount(0);
  await page.screenshot({ path: "artifacts/e2e/react-example-paid.png", fullPage: true });
});

test("the React example pays with the card Elements and useCreateSource", async ({ page }) => {
  await toCheckout(page);
  await page.getByRole("tab", { name: "Card fields" }).click();
  await expect(page.locator(".paysession-dropin")).toHaveCount(0);
  await expect(page.locator("#pay")).toBeEnabled();
  await expect(page.locator(".compliance")).toContainText("is the seller of record");
  const field = (id) => page.frameLocator(`#${id} iframe`).locator("input");
  await field("card-number").fill("4000 0000 0000 0002");
  await field("card-expiry").fill(`12/${yy}`);
  await field("card-cvv").fill("123");
  await page.locator("#pay").click();
  await expect(page.locator(".card-form [role=alert]")).toHaveText(/declined/i);
  await field("card-number").fill("5555 5555 5555 4444");
  await page.locator("#pay").click();
  await expect(page.locator("#step-done")).toBeVisible();
  await expect(page.locator("#done-detail")).toHaveText(/^Paid €\d+\.\d\d with Mastercard •••• 4444\.$/);
  const o = await order(await page.locator("#order-id").textContent());
  expect(o.sessionId).toMatch(/^ses_/);
  const log = await logLines(page);
  expect(log.filter((l) => l.startsWith("createSource")).map((l) => JSON.parse(l.slice(13)).state)).toEqual(["failed", "chargeable"]);
  await expect(page.locator("iframe")).toHaveCount(0);
  await page.screenshot({ path: "artifacts/e2e/react-example-card-fields-paid.png", fullPage: true });
});

test("the React example: PayPal's redirect and back, the <DropIn> resumes it (onSuccess once), order placed", async ({ page }) => {
  await toCheckout(page);
  await page.locator("#b-payPal").click();
  await page.locator("#pay-payPal").click();
  await page.waitForURL(/\/hosted\/redirect\//);
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.locator("#step-done")).toBeVisible();
  expect(page.url()).toContain("/packages/react/example/dist/index.html?shop=");
  expect(page.url()).not.toContain("sourceClientSecret");
  await order(await page.locator("#order-id").textContent());
  const log = await logLines(page);
  expect(log.filter((l) => l.startsWith("onSuccess")).length).toBe(1);
});
