// Card payments through the demo: success, decline then retry, validation, keyboard only.
import { test, expect, checkout, fillCard, expectDone, callbacks, shot, yy, secure } from "./shop.mjs";

test("card success: brand, grouping, pay label, one onSuccess", async ({ page }) => {
  await checkout(page);
  await expect(page.locator("#pay-creditCard")).toHaveText("Pay €12.99");
  await fillCard(page, "4242424242424242");
  await expect(secure(page, "num")).toHaveValue("4242 4242 4242 4242");
  await expect(page.locator("#card-b")).toHaveText("Visa");
  await shot(page, "card-form");
  await page.locator("#step-pay").screenshot({ path: "artifacts/e2e/dropin.png" });
  await page.locator("#pay-creditCard").dblclick();
  await expectDone(page);
  await shot(page, "card-done");
  expect(await callbacks(page, "onSuccess")).toBe(1);
  expect(await callbacks(page, "onError")).toBe(0);
});

test("a decline fires onError once and can be retried in place", async ({ page }) => {
  await checkout(page);
  await fillCard(page, "4000 0000 0000 0002");
  await page.locator("#pay-creditCard").click();
  await expect(page.locator("#fe-creditCard")).toHaveText(/declined/);
  await expect(page.locator("#pay-creditCard")).toBeEnabled();
  await expect(page.locator("#pay-creditCard")).toHaveAttribute("aria-busy", "false");
  await shot(page, "card-declined");
  expect(await callbacks(page, "onError")).toBe(1);
  await secure(page, "num").fill("5555 5555 5555 4444");
  await page.locator("#pay-creditCard").click();
  await expectDone(page);
  expect(await callbacks(page, "onError")).toBe(1);
  expect(await callbacks(page, "onSuccess")).toBe(1);
});

test("validation messages under the card and the name, linked and announced", async ({ page }) => {
  await checkout(page);
  await page.locator("#pay-creditCard").click();
  for (const id of ["card", "name"]) {
    await expect(page.locator(`#${id}-e`)).toHaveText("This field is required.");
  }
  for (const id of ["num", "exp", "cvc"]) await expect(secure(page, id)).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#name")).toHaveAttribute("aria-invalid", "true");
  await expect(secure(page, "num")).toBeFocused();
  await expect(page.locator(".paysession-dropin [role=status][aria-live=polite]")).toHaveText("This field is required.");
  // On blur: Luhn, expiry in the past, Amex needs four digits (checked in the fields' frames).
  await secure(page, "num").fill("4242 4242 4242 4241");
  await secure(page, "exp").focus();
  await expect(page.locator("#card-e")).toHaveText("This card number is not valid.");
  await secure(page, "num").fill("4242 4242 4242 4242");
  await secure(page, "exp").fill("01/20");
  await secure(page, "cvc").focus();
  await expect(page.locator("#card-e")).toHaveText("This expiry date is not valid or has passed.");
  await secure(page, "exp").fill(`12/${yy}`);
  await secure(page, "num").fill("3782 822463 10005");
  await expect(page.locator("#card-b")).toHaveText("American Express");
  await secure(page, "cvc").fill("123");
  await page.locator("#name").focus();
  await expect(page.locator("#card-e")).toHaveText("The security code is incomplete.");
  await shot(page, "card-validation");
  expect(await callbacks(page, "onError")).toBe(0);
  await secure(page, "cvc").fill("1234");
  await secure(page, "exp").fill(`12/${yy}`);
  await page.locator("#name").fill("Grace Hopper");
  await page.locator("#pay-creditCard").click();
  await expectDone(page);
});

test("keyboard only: Tab to the card form, type, Enter pays", async ({ page }) => {
  await checkout(page);
  // Collapse and re-open the card method with the keyboard.
  await page.locator("#b-creditCard").focus();
  await page.keyboard.press("Enter");
  await expect(page.locator("#b-creditCard")).toHaveAttribute("aria-expanded", "false");
  await expect(page.locator("#card")).toBeHidden();
  await page.keyboard.press("Space");
  await expect(page.locator("#b-creditCard")).toHaveAttribute("aria-expanded", "true");
  // One Tab per input (no stop on the frame itself): number, expiry, code, name.
  await page.keyboard.press("Tab");
  await expect(secure(page, "num")).toBeFocused();
  await page.keyboard.type("4242424242424242");
  await page.keyboard.press("Tab");
  await expect(secure(page, "exp")).toBeFocused();
  await page.keyboard.type(`12${yy}`);
  await expect(secure(page, "exp")).toHaveValue(`12 / ${yy}`);
  await page.keyboard.press("Tab");
  await expect(secure(page, "cvc")).toBeFocused();
  await page.keyboard.type("123");
  await page.keyboard.press("Tab");
  await expect(page.locator("#name")).toBeFocused();
  await page.keyboard.type("Ada Lovelace");
  await page.keyboard.press("Enter");
  await expectDone(page);
});
