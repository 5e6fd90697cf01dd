// The demo shop with the terms of sale checkbox (its default): paying is
// blocked until the shopper accepts, and the acceptance goes with the source.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test, expect, checkout, fillCard, expectDone, callbacks, shot } from "./shop.mjs";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

test("terms of sale: the card is not charged until the shopper accepts the terms", async ({ page }) => {
  const sources = [];
  page.on("request", (r) => { if (r.method() === "POST" && new URL(r.url()).pathname === "/v1/sources") sources.push(r.postDataJSON()); });
  await checkout(page, "NL:EUR", { terms: true });
  const box = page.locator("#terms-creditCard");
  await expect(box).not.toBeChecked();
  await expect(page.getByRole("checkbox", { name: "I have read and accept the terms of sale." })).toBeVisible();
  await fillCard(page, "4242424242424242");
  await page.locator("#pay-creditCard").click();
  await expect(page.locator("#terms-creditCard-e")).toHaveText("Accept the terms of sale to continue.");
  await expect(page.locator(".paysession-dropin [role=status][aria-live=polite]")).toHaveText("Accept the terms of sale to continue.");
  await expect(box).toBeFocused();
  await shot(page, "terms-required");
  // The checkbox, its error and the links: no axe-core violation, no CSP violation.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ["violations"] })).violations.map((v) => v.id));
  expect(violations).toEqual([]);
  expect(await page.evaluate(() => window.__csp)).toEqual([]);
  expect(page.csp).toEqual([]);
  await page.waitForTimeout(300);
  expect(sources).toHaveLength(0);
  expect(await callbacks(page, "onSuccess")).toBe(0);
  expect(await callbacks(page, "onError")).toBe(0);

  // The link opens the terms in a new tab, safely.
  const link = page.locator("#f-creditCard").getByRole("link", { name: "Terms of sale" });
  await expect(link).toHaveAttribute("target", "_blank");
  await expect(link).toHaveAttribute("rel", "noopener noreferrer");
  await box.check();
  await expect(page.locator("#terms-creditCard-e")).toBeEmpty();
  await page.locator("#pay-creditCard").click();
  await expectDone(page);
  await shot(page, "terms-accepted-done");
  expect(await callbacks(page, "onSuccess")).toBe(1);
  expect(sources).toHaveLength(1);
  // The terms version went with the source the card frame created.
  expect(sources[0].termsAcceptance).toEqual({ version: "2026-01" });
});
