// A shopper pays right to left: the demo shop's language switch set to Hebrew,
// a declined card first (the error in Hebrew), then a good one; and an Arabic
// shopper of the United Arab Emirates market in dirhams. Screenshots in artifacts/e2e/.
import { test, expect, secure, fillCard, expectDone, shot } from "./shop.mjs";

const catalog = async (page, loc) => (await page.request.get(`/v1/locales/${loc}`)).json();

test("a Hebrew shopper pays by card end to end, right to left", async ({ page }) => {
  const he = await catalog(page, "he-IL");
  await page.goto("/");
  await page.locator("#market").selectOption("DE:EUR");
  await page.locator("#locale").selectOption("he-IL");
  await page.locator("#checkout").click();
  const host = page.locator(".paysession-dropin");
  await expect(host).toHaveAttribute("dir", "rtl");
  await expect(host).toHaveAttribute("lang", "he-IL");
  await expect(page.getByRole("list", { name: he.paymentMethods })).toBeVisible();
  await expect(page.getByRole("button", { name: he["method.creditCard"], exact: true })).toHaveAttribute("aria-expanded", "true");
  // The form reads right to left: its label starts at the right edge of the field.
  const box = async (sel) => page.locator(sel).first().boundingBox();
  const [label, field] = [await box("label[for=name]"), await box("#name")];
  expect(Math.abs(label.x + label.width - (field.x + field.width))).toBeLessThan(2);
  // The pay button: the catalog's words around the amount in the locale's format.
  const pay = page.locator("#pay-creditCard");
  const words = he["button.payNow"].replace("{amount}", "").trim();
  await expect(pay).toContainText(words);
  const text = await pay.textContent();
  const amount = text.replace(words, "").trim();
  expect(amount).toMatch(/€/);
  expect(await page.evaluate((a) => {
    const n = new Intl.NumberFormat("he-IL", { style: "currency", currency: "EUR" });
    return [...Array(100000).keys()].some((c) => n.format(c / 100) === a);
  }, amount)).toBe(true);

  await fillCard(page, "4000 0000 0000 0002", { name: "עדה לאבלייס" });
  // The shop's terms of sale checkbox, in Hebrew.
  await expect(page.locator("label[for=terms-creditCard]")).toHaveText(he["terms.accept"]);
  await page.locator("#terms-creditCard").check();
  await pay.click();
  await expect(page.locator("#fe-creditCard")).toHaveText(he["error.card_declined"]);
  // onError's message is the shopper's words too (the shop shows it).
  await expect(page.locator("#pay-status")).toHaveText(he["error.card_declined"]);
  await shot(page, "rtl-he-declined");
  await secure(page, "num").fill("4242 4242 4242 4242");
  await pay.click();
  await expectDone(page);
  await shot(page, "rtl-he-paid");
});

test("an Arabic shopper of the UAE market sees dirhams and Arabic texts, and pays", async ({ page }) => {
  const ar = await catalog(page, "ar");
  await page.goto("/");
  await page.locator("#market").selectOption("AE:AED");
  await page.locator("#checkout").click();
  const host = page.locator(".paysession-dropin");
  await expect(host).toHaveAttribute("dir", "rtl");
  await expect(host).toHaveAttribute("lang", "ar");
  const pay = page.locator("#pay-creditCard");
  await expect(pay).toContainText(ar["button.payNow"].replace("{amount}", "").trim());
  await expect(page.getByRole("button", { name: ar["method.creditCard"], exact: true })).toBeVisible();
  await shot(page, "rtl-ar-checkout");
  await fillCard(page, "4242 4242 4242 4242");
  await page.locator("#terms-creditCard").check();
  await pay.click();
  await expectDone(page);
});
