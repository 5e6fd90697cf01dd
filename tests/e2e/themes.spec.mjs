// The demo's theme switch: the three themes of the appearance API on the
// checkout, switched in place (the secure fields keep what was typed), one
// screenshot per theme (artifacts/e2e/theme-<name>.png), axe on each, then a payment.
import { test, expect, checkout, fillCard, expectDone, secure, axe } from "./shop.mjs";

const host = (page, sel, prop) => page.evaluate(({ sel, prop }) => getComputedStyle(document.querySelector(".paysession-dropin").shadowRoot.querySelector(sel))[prop], { sel, prop });

test("theme switch: default (the shop's colours), dark and flat restyle the drop-in and its frames in place; a screenshot of each; then it pays", async ({ page }) => {
  await checkout(page);
  await fillCard(page, "4242424242424242");
  // Default: the shop's accent (#b7410e) on the pay button, its radius.
  expect(await host(page, ".pay", "backgroundColor")).toBe("rgb(183, 65, 14)");
  expect(await host(page, "li", "borderTopLeftRadius")).toBe("6px");
  await page.locator("#step-pay").screenshot({ path: "artifacts/e2e/theme-default.png" });
  const want = { dark: ["rgb(31, 41, 55)", "rgb(243, 244, 246)", "8px"], flat: ["rgb(255, 255, 255)", "rgb(17, 24, 39)", "0px"] };
  for (const [theme, [bg, text, radius]] of Object.entries(want)) {
    await page.locator("#theme").selectOption(theme);
    expect(await host(page, "li", "backgroundColor")).toBe(bg);
    expect(await host(page, "li", "borderTopLeftRadius")).toBe(radius);
    await expect.poll(() => secure(page, "num").evaluate((e) => getComputedStyle(e).color)).toBe(text);
    await page.locator("#step-pay").screenshot({ path: `artifacts/e2e/theme-${theme}.png` });
    // Each theme stays accessible (axe's colour contrast included).
    expect(await axe(page)).toEqual([]);
  }
  // Nothing reloaded: the card typed before the switches is still there.
  await expect(secure(page, "num")).toHaveValue("4242 4242 4242 4242");
  await page.locator("#pay-creditCard").click();
  await expectDone(page);
  expect(page.csp).toEqual([]);
});
