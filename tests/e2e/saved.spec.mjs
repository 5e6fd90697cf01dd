// Saved cards through the demo shop's account (a customer the shop's server
// keeps in an HttpOnly cookie): a card saved at checkout is offered first at
// the next checkout and pays with only its security code, typed into a secure
// field (a skimmer on the shop's page never sees it); the account page
// (drop-in flow managePaymentMethods) adds a card without paying and removes it.
import { test, expect, checkout, fillCard, expectDone, callbacks, shot, secure } from "./shop.mjs";
import { leaks } from "../browser/backend.mjs";

const status = (page) => page.locator(".paysession-dropin [role=status][aria-live=polite]");

test("a card saved at checkout pays the next checkout with only its security code", async ({ page }) => {
  await page.addInitScript({ path: "tests/browser/pages/skimmer.js" });
  await page.goto("/");
  await page.locator("#remember").check();
  await checkout(page);
  // A new account: nothing saved yet; the agreement says what the card is saved for.
  await expect(page.locator("#f-saved")).toHaveCount(0);
  await expect(page.locator("label[for=save-creditCard]")).toHaveText(/We save your card so you can pay faster next time/);
  await fillCard(page, "4242424242424242", { cvc: "123" });
  await page.locator("#save-creditCard").check();
  await page.locator("#pay-creditCard").click();
  await expectDone(page);

  // The next checkout: the saved card first, selected; the other methods behind a button.
  await checkout(page);
  const first = page.locator("#spm-0");
  await expect(first).toBeChecked();
  await expect(page.locator("label[for=spm-0]")).toHaveText(/^Visa ending in 4242 — Expires \d\d\/\d{4}$/);
  await expect(page.locator("#usenew")).toHaveAttribute("aria-expanded", "false");
  await expect(page.locator("#b-creditCard")).toBeHidden();
  // Paying without the code is refused beside the field.
  await page.locator("#pay-saved").click();
  await expect(page.locator("#scvc-e")).toHaveText("This field is required.");
  await secure(page, "scvc").fill("737");
  await shot(page, "saved-card-checkout");
  await page.locator("#pay-saved").click();
  await expectDone(page);
  await shot(page, "saved-card-done");
  expect(await callbacks(page, "onSuccess")).toBe(1);
  expect(await callbacks(page, "onError")).toBe(0);
  // The shop's page saw neither the code nor the number.
  await page.evaluate(() => window.__skimWalk());
  const record = await page.evaluate(() => window.__skim);
  expect(record.length).toBeGreaterThan(10);
  expect(leaks(record, "4242424242424242", "737")).toEqual([]);
});

test("use a new payment method: the saved card's form gives way to the methods", async ({ page }) => {
  await page.goto("/");
  await page.locator("#remember").check();
  await checkout(page);
  await fillCard(page, "5555555555554444");
  await page.locator("#save-creditCard").check();
  await page.locator("#pay-creditCard").click();
  await expectDone(page);
  await checkout(page);
  await expect(page.locator("label[for=spm-0]")).toHaveText(/^Mastercard ending in 4444/);
  await page.locator("#usenew").click();
  await expect(page.locator("#usenew")).toHaveAttribute("aria-expanded", "true");
  await expect(page.locator("#f-saved")).toBeHidden();
  await expect(page.locator("#b-creditCard")).toBeVisible();
  await fillCard(page, "4242424242424242");
  await page.locator("#pay-creditCard").click();
  await expectDone(page);
});

test("manage saved cards: add one without paying, then remove it", async ({ page }) => {
  await page.goto("/");
  await page.locator("#market").selectOption("NL:EUR");
  await page.locator("#account").click();
  await expect(page.locator("#step-account")).toBeVisible();
  await expect(page.locator("h2", { hasText: "Manage payment methods" })).toBeVisible();
  await expect(page.locator("#snone")).toHaveText("You have no saved payment methods.");
  const add = page.locator("#b-creditCard");
  await expect(add).toHaveText("Add a payment method");
  await add.click();
  await expect(page.locator("#pay-creditCard")).toHaveText("Save payment method");
  await fillCard(page, "5555555555554444");
  await page.locator("#pay-creditCard").click();
  await expect(status(page)).toHaveText("Payment method saved.");
  const item = page.locator("#sl li");
  await expect(item).toHaveCount(1);
  await expect(item).toContainText("Mastercard ending in 4444");
  await expect(page.locator("#snone")).toBeHidden();
  await shot(page, "manage-added");
  expect(await callbacks(page, "onSuccess")).toBe(1);

  // Nothing was paid, and the card is there on the next visit.
  await page.locator("#account-back").click();
  await page.locator("#account").click();
  await expect(page.locator("#sl li")).toHaveCount(1);
  // No compliance texts of an order here: nothing is bought.
  await expect(page.locator(".paysession-dropin .c")).toHaveCount(0);
  const remove = page.getByRole("button", { name: "Remove Mastercard ending in 4444" });
  await expect(remove).toHaveText("Remove");
  await remove.click();
  await expect(status(page)).toHaveText("Payment method removed.");
  await expect(page.locator("#sl li")).toHaveCount(0);
  await expect(page.locator("#snone")).toBeVisible();
  await shot(page, "manage-removed");
  // Gone for the checkout too.
  await page.locator("#account-back").click();
  await page.locator("#remember").check();
  await checkout(page);
  await expect(page.locator("#f-saved")).toHaveCount(0);
});

test("a saved 3-D Secure card is challenged again when it pays: the modal, then onSuccess", async ({ page }) => {
  await page.goto("/");
  await page.locator("#remember").check();
  await checkout(page);
  await fillCard(page, "5454 5454 5454 5454");
  await page.locator("#save-creditCard").check();
  await page.locator("#pay-creditCard").click();
  await page.frameLocator("dialog iframe").locator("#password").fill("password");
  await page.frameLocator("dialog iframe").getByRole("button", { name: "Submit" }).click();
  await expectDone(page);
  await checkout(page);
  await expect(page.locator("label[for=spm-0]")).toHaveText(/^Mastercard ending in 5454/);
  await secure(page, "scvc").fill("123");
  await page.locator("#pay-saved").click();
  const dialog = page.locator("dialog[open]");
  await expect(dialog).toBeVisible();
  await page.frameLocator("dialog iframe").locator("#password").fill("password");
  await shot(page, "saved-card-3ds");
  await page.frameLocator("dialog iframe").getByRole("button", { name: "Submit" }).click();
  await expectDone(page);
  expect(await callbacks(page, "onSuccess")).toBe(1);
});
