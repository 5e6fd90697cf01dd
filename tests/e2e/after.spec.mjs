// After the order, on the demo's confirmation page (issue 20, "The demo"):
// the order's state as the shop's server hears it by verified webhook, and in
// test mode the buttons that drive the simulator and refund through the
// shop's server (the page never holds the secret key).
import { test, expect, checkout, fillCard, expectDone, shot, axe } from "./shop.mjs";

/** The webhook types listed on the confirmation page. */
const listed = (page) => page.locator("#events code");

test("wire transfer: the funds arrive, the order turns paid, a refund completes", async ({ page }) => {
  await checkout(page);
  await page.locator("#b-wireTransfer").click();
  await page.locator("#pay-wireTransfer").click();
  await expectDone(page);
  await expect(page.locator("#order-state")).toHaveText("Awaiting funds.");
  await expect(page.locator("#order-state")).toHaveAttribute("aria-live", "polite");
  await expect(page.locator("#order-state")).toHaveAttribute("role", "status");
  // The order's creation arrives by webhook; nothing is paid yet.
  await expect(listed(page)).toContainText(["order.created"]);
  await expect(page.getByRole("button", { name: "Refund" })).toBeHidden();
  await page.getByRole("button", { name: "Simulate the funds arriving" }).click();
  await expect(page.locator("#order-state")).toHaveText("Paid.");
  // Paid because the shop heard it: order.paid is among the verified webhooks.
  await expect(listed(page).filter({ hasText: /^order\.paid$/ })).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Simulate the funds arriving" })).toBeHidden();
  expect(await axe(page)).toEqual([]);
  // A wire transfer's refund is pending until the money is back.
  await page.getByRole("button", { name: "Refund" }).click();
  await expect(page.locator("#order-state")).toHaveText("Refund pending: the money is on its way back.");
  await page.getByRole("button", { name: "Simulate the refund completing" }).click();
  await expect(page.locator("#order-state")).toHaveText("Refunded: the money is back with you.");
  await expect(listed(page).filter({ hasText: /^refund\.succeeded$/ })).toHaveCount(1);
  await expect(page.locator("#after-test")).toBeHidden();
  await expect(page.locator("#after-error")).toHaveText("");
  await shot(page, "after-wire-refunded");
  expect(await page.evaluate(() => window.__csp)).toEqual([]);
  expect(page.csp).toEqual([]);
});

test("card: paid at once, the refund button shows refund.succeeded", async ({ page }) => {
  await checkout(page);
  await fillCard(page, "4242 4242 4242 4242");
  await page.locator("#pay-creditCard").click();
  await expectDone(page);
  await expect(page.locator("#order-state")).toHaveText("Paid.");
  await expect(listed(page).filter({ hasText: /^order\.paid$/ })).toHaveCount(1);
  await page.getByRole("button", { name: "Refund" }).click();
  await expect(page.locator("#order-state")).toHaveText("Refunded: the money is back with you.");
  await expect(listed(page).filter({ hasText: /^refund\.succeeded$/ })).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Refund" })).toBeHidden();
  expect(await page.evaluate(() => window.__csp)).toEqual([]);
});
