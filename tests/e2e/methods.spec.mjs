// Every other method through the demo: 3-D Secure, PayPal (redirect and back),
// Klarna and iDEAL (the same redirect flow), gift card + card, wire transfer,
// SEPA; locales.
import { test, expect, checkout, fillCard, expectDone, callbacks, shot, secure } from "./shop.mjs";

test("3-D Secure: the challenge opens in a modal, the right password pays", async ({ page }) => {
  await checkout(page, "DE:EUR");
  await fillCard(page, "5454 5454 5454 5454");
  await page.locator("#pay-creditCard").click();
  const dialog = page.locator("dialog[open]");
  await expect(dialog).toBeVisible();
  const box = await dialog.locator("iframe").boundingBox();
  expect(box.width).toBeGreaterThan(390);
  expect(box.height).toBeGreaterThan(400);
  const frame = page.frameLocator("dialog iframe");
  await frame.locator("#password").fill("password");
  await shot(page, "3ds-challenge");
  await frame.getByRole("button", { name: "Submit" }).click();
  await expectDone(page);
  expect(await callbacks(page, "onSuccess")).toBe(1);
  expect(await callbacks(page, "onError")).toBe(0);
});

test("3-D Secure: a wrong password is onError, the form stays for a retry", async ({ page }) => {
  await checkout(page, "DE:EUR");
  await fillCard(page, "5454 5454 5454 5454");
  await page.locator("#pay-creditCard").click();
  const frame = page.frameLocator("dialog iframe");
  await frame.locator("#password").fill("wrong");
  await frame.getByRole("button", { name: "Submit" }).click();
  await expect(page.locator("dialog")).toHaveCount(0);
  await expect(page.locator("#fe-creditCard")).not.toBeEmpty();
  await expect(page.locator("#pay-creditCard")).toBeEnabled();
  await expect(page.locator("#pay-creditCard")).toBeFocused();
  expect(await callbacks(page, "onError")).toBe(1);
  expect(await callbacks(page, "onSuccess")).toBe(0);
  await shot(page, "3ds-failed");
  await secure(page, "num").fill("4242 4242 4242 4242");
  await page.locator("#pay-creditCard").click();
  await expectDone(page);
});

test("3-D Secure: Escape closes the modal as onCancel and focus returns", async ({ page }) => {
  await checkout(page, "NL:EUR");
  await fillCard(page, "4917 6100 0000 0000");
  await page.locator("#pay-creditCard").click();
  await expect(page.locator("dialog[open]")).toBeVisible();
  await page.frameLocator("dialog iframe").locator("#password").waitFor();
  await page.keyboard.press("Escape");
  await expect(page.locator("dialog")).toHaveCount(0);
  await expect(page.locator("#pay-creditCard")).toBeFocused();
  await expect.poll(() => callbacks(page, "onCancel")).toBe(1);
  expect(await callbacks(page, "onError")).toBe(0);
});

test("PayPal: redirect to the approval page and back, approved", async ({ page }) => {
  await checkout(page);
  await page.locator("#b-payPal").click();
  await expect(page.locator("#b-payPal")).toHaveAttribute("aria-expanded", "true");
  await page.locator("#pay-payPal").click();
  await page.waitForURL(/\/hosted\/redirect\//);
  await shot(page, "paypal-hosted");
  await page.getByRole("button", { name: "Approve" }).click();
  await expectDone(page);
  expect(page.url()).not.toContain("sourceClientSecret");
  expect(await callbacks(page, "onSuccess")).toBe(1);
});

for (const [type, label] of [["klarnaCredit", "Klarna"], ["ideal", "iDEAL"]]) {
  test(`${label}: redirect to the approval page and back, approved`, async ({ page }) => {
    await checkout(page, "NL:EUR"); // iDEAL is offered only for NL + EUR; Klarna within its limits
    await page.locator(`#b-${type}`).click();
    await expect(page.locator(`#b-${type}`)).toHaveAttribute("aria-expanded", "true");
    await page.locator(`#pay-${type}`).click();
    await page.waitForURL(/\/hosted\/redirect\//);
    await expect(page.locator("body")).toContainText(type);
    await page.getByRole("button", { name: "Approve" }).click();
    await expectDone(page);
    expect(await callbacks(page, "onSuccess")).toBe(1);
  });
}

test("PayPal: cancelled on the approval page is onCancel, then pay by card", async ({ page }) => {
  await checkout(page);
  await page.locator("#b-payPal").click();
  await page.locator("#pay-payPal").click();
  await page.waitForURL(/\/hosted\/redirect\//);
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.locator("#pay-status")).toHaveText(/cancelled/);
  expect(await callbacks(page, "onCancel")).toBe(1);
  expect(await callbacks(page, "onError")).toBe(0);
  await expect(page.locator("#b-creditCard")).toHaveAttribute("aria-expanded", "true");
  await fillCard(page, "4242 4242 4242 4242");
  await page.locator("#pay-creditCard").click();
  await expectDone(page);
});

test("gift card covers part, the drop-in shows what remains, a card pays the rest", async ({ page }) => {
  await checkout(page);
  await page.locator("#b-giftCard").click();
  await page.locator("#gnum").fill("6000000000000001");
  await page.locator("#gpin").fill("1234");
  await page.locator("#pay-giftCard").click();
  await expect(page.locator("#pay-creditCard")).toHaveText("Pay €7.99");
  await expect(page.locator("#pay-summary")).toContainText("7.99");
  await shot(page, "giftcard-remaining");
  await fillCard(page, "4242 4242 4242 4242");
  await page.locator("#pay-creditCard").click();
  await expectDone(page);
  expect(await callbacks(page, "onSuccess")).toBe(2);
});

test("wire transfer: instructions and the order", async ({ page }) => {
  await checkout(page);
  await page.locator("#b-wireTransfer").click();
  await expect(page.locator("#p-wireTransfer")).toContainText("€12.99");
  await page.locator("#pay-wireTransfer").click();
  await expectDone(page);
  await expect(page.locator("#done-wire")).toContainText("IBAN");
  await shot(page, "wire-done");
  expect(await callbacks(page, "onSuccess")).toBe(1);
});

test("SEPA Direct Debit: IBAN checked, mandate shown", async ({ page }) => {
  await checkout(page);
  await page.locator("#b-sepaDebit").click();
  await expect(page.locator("#p-sepaDebit")).toContainText("SEPA");
  await page.locator("#iban").fill("DE89 3704 0044 0532 0130 01");
  await page.locator("#holder").fill("Ada Lovelace");
  await page.locator("#pay-sepaDebit").click();
  await expect(page.locator("#iban-e")).toHaveText("This IBAN is not valid.");
  await page.locator("#iban").fill("DE89 3704 0044 0532 0130 00");
  await page.locator("#pay-sepaDebit").click();
  await expectDone(page);
});

test("locales: German texts and amounts, Arabic right to left", async ({ page }) => {
  await checkout(page, "DE:EUR");
  await expect(page.locator("#pay-creditCard")).toHaveText(/12,99\s€/);
  await expect(page.locator("label[for=card]")).not.toHaveText("Card number");
  await shot(page, "locale-de");
  await checkout(page, "AE:AED");
  await expect(page.locator(".paysession-dropin")).toHaveAttribute("dir", "rtl");
  await shot(page, "locale-ar");
});
