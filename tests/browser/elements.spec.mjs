// Secure card fields (Elements): each field is an iframe from the fields
// origin (PAYSESSION_FIELDS, a second listener of the backend: a different
// origin from this page and from the API). Methods, events, message checks,
// the frame's headers, and a frame that does not load.
import { expect, API, PK, createSession } from "./fixtures.mjs";
import { test, FIELDS, mountAll, frame, tokenizeTypedCard } from "./elements-fixtures.mjs";

const lastChange = (page, type) =>
  page.evaluate((t) => window.events.filter((e) => e.name === "change" && e.elementType === t).at(-1), type);

test.describe("Elements", () => {
  test("ready, change with brand, complete; focus and blur events; classes on the target", async ({ elPage: page }) => {
    await mountAll(page);
    const readies = await page.evaluate(() => window.events.filter((e) => e.name === "ready").map((e) => e.elementType).sort());
    expect(readies).toEqual(["cardcvv", "cardexpiration", "cardnumber"]);
    // Each iframe comes from the fields origin, titled with its label, with autofill/payment allowed.
    const attrs = await page.evaluate(() => [...document.querySelectorAll("iframe")].map((f) => ({ src: f.src, title: f.title, allow: f.allow })));
    expect(attrs.map((a) => a.title)).toEqual(["Card number", "Expiry date (MM/YY)", "Security code"]);
    for (const a of attrs) {
      expect(new URL(a.src).origin).toBe(FIELDS);
      expect(a.allow).toContain("payment");
    }
    expect(await frame(page, "card-number").getAttribute("autocomplete")).toBe("cc-number");
    expect(await frame(page, "card-expiry").getAttribute("autocomplete")).toBe("cc-exp");
    expect(await frame(page, "card-cvv").getAttribute("autocomplete")).toBe("cc-csc");

    await frame(page, "card-number").click();
    await page.keyboard.type("4242");
    await expect.poll(() => lastChange(page, "cardnumber")).toMatchObject({ empty: false, complete: false, brand: "visa" });
    expect(await page.getAttribute("#card-number", "class")).toContain("PaySessionElement--focus");
    await page.keyboard.type("424242424242");
    await expect.poll(() => lastChange(page, "cardnumber")).toMatchObject({ complete: true, brand: "visa" });
    expect(await frame(page, "card-number").inputValue()).toBe("4242 4242 4242 4242");
    await expect(page.locator("#card-number")).toHaveClass(/PaySessionElement--complete/);
    await frame(page, "card-expiry").click();
    // Focus and blur cross from the frames by postMessage: wait for them to arrive.
    const names = () => page.evaluate(() => window.events.map((e) => `${e.name}:${e.elementType}`));
    await expect.poll(names).toContain("blur:cardnumber");
    await expect.poll(names).toContain("focus:cardexpiration");
    expect(await names()).toContain("focus:cardnumber");
    // The page hears state only: no event carries a digit run of the number.
    expect(JSON.stringify(await page.evaluate(() => window.events))).not.toMatch(/4242/);
  });

  test("an invalid number reports a coded error; clear() empties; the code follows the brand", async ({ elPage: page }) => {
    await mountAll(page);
    await frame(page, "card-number").click();
    await page.keyboard.type("4242424242424241");
    await expect.poll(() => lastChange(page, "cardnumber")).toMatchObject({
      complete: false, error: { code: "invalid_card_number", message: "This card number is not valid." },
    });
    await expect(page.locator("#card-number")).toHaveClass(/PaySessionElement--invalid/);
    await page.evaluate(() => window.els.cardnumber.clear());
    await expect.poll(() => lastChange(page, "cardnumber")).toMatchObject({ empty: true, complete: false });
    expect(await frame(page, "card-number").inputValue()).toBe("");
    // Amex: a 4-digit code; 3 digits is incomplete.
    await frame(page, "card-number").click();
    await page.keyboard.type("378282246310005");
    await expect.poll(() => lastChange(page, "cardnumber")).toMatchObject({ complete: true, brand: "amex" });
    await frame(page, "card-cvv").click();
    await page.keyboard.type("123");
    await expect.poll(() => lastChange(page, "cardcvv")).toMatchObject({ complete: false });
    await page.keyboard.type("4");
    await expect.poll(() => lastChange(page, "cardcvv")).toMatchObject({ complete: true });
    // An expired date is invalid.
    await frame(page, "card-expiry").click();
    await page.keyboard.type("0120");
    await expect.poll(() => lastChange(page, "cardexpiration")).toMatchObject({ error: { code: "invalid_expiration_date" } });
  });

  test("focus() and blur() move the focus; unmount/mount; destroy; update()", async ({ elPage: page }) => {
    await mountAll(page);
    await page.evaluate(() => window.els.cardexpiration.focus());
    await expect.poll(() => page.evaluate(() => window.events.some((e) => e.name === "focus" && e.elementType === "cardexpiration"))).toBe(true);
    await page.evaluate(() => window.els.cardexpiration.blur());
    await expect.poll(() => page.evaluate(() => window.events.some((e) => e.name === "blur" && e.elementType === "cardexpiration"))).toBe(true);

    // A click on the <label for> focuses the field.
    await page.click("label[for=card-cvv]");
    await expect.poll(() => page.evaluate(() => window.events.some((e) => e.name === "focus" && e.elementType === "cardcvv"))).toBe(true);

    await page.evaluate(() => window.els.cardcvv.unmount());
    expect(await page.locator("#card-cvv iframe").count()).toBe(0);
    expect(await page.getAttribute("#card-cvv", "class")).toBe("");
    await page.evaluate(() => new Promise((ok) => { window.els.cardcvv.on("ready", ok); window.els.cardcvv.mount(document.getElementById("card-cvv")); }));
    expect(await page.locator("#card-cvv iframe").count()).toBe(1);

    // update(): placeholder, classes and style reach the frame / target.
    await page.evaluate(() => window.els.cardnumber.update({
      placeholderText: "1234 1234 1234 1234", classes: { base: "my-field" },
      style: { base: { color: "rgb(1, 2, 3)", fontSize: "18px", "::placeholder": { color: "rgb(9, 9, 9)" } } },
    }));
    await expect(frame(page, "card-number")).toHaveAttribute("placeholder", "1234 1234 1234 1234");
    await expect.poll(() => frame(page, "card-number").evaluate((e) => getComputedStyle(e).color)).toBe("rgb(1, 2, 3)");
    await expect(page.locator("#card-number")).toHaveClass(/my-field/);
    await expect(page.locator("#card-number")).not.toHaveClass(/(^| )PaySessionElement( |$)/);
    // A refused update() changes nothing; a later one changes only what it names.
    const refused = await page.evaluate(() => {
      try { window.els.cardnumber.update({ placeholderText: "x", style: { base: { background: "red" } } }); return null; } catch (e) { return [e.code, e.errors[0].parameter]; }
    });
    expect(refused).toEqual(["unknown_parameter", "style.base.background"]);
    await page.evaluate(() => window.els.cardnumber.update({ placeholderText: "4242 4242 4242 4242" }));
    await expect(frame(page, "card-number")).toHaveAttribute("placeholder", "4242 4242 4242 4242");
    await expect(page.locator("#card-number")).toHaveClass(/my-field/);
    await expect(page.locator("#card-number")).not.toHaveClass(/(^| )PaySessionElement( |$)/);
    await expect.poll(() => frame(page, "card-number").evaluate((e) => getComputedStyle(e).color)).toBe("rgb(1, 2, 3)");
    // New classes replace the page's old ones on the target.
    await page.evaluate(() => window.els.cardnumber.update({ classes: { base: "other-field" } }));
    await expect(page.locator("#card-number")).toHaveClass(/other-field/);
    await expect(page.locator("#card-number")).not.toHaveClass(/my-field/);

    await page.evaluate(() => window.els.cardnumber.destroy());
    expect(await page.locator("#card-number iframe").count()).toBe(0);
    const err = await page.evaluate(() => { try { window.els.cardnumber.mount("card-number"); } catch (e) { return errPlain(e); } });
    expect(err.code).toBe("invalid_parameter");
  });

  test("Tab and Shift+Tab move number -> expiry -> code and back, one press each", async ({ elPage: page }) => {
    await mountAll(page);
    const focused = () => page.evaluate(() => window.events.filter((e) => e.name === "focus").map((e) => e.elementType));
    await page.evaluate(() => window.els.cardnumber.focus());
    await expect.poll(focused).toEqual(["cardnumber"]);
    await page.keyboard.press("Tab");
    await expect.poll(focused).toEqual(["cardnumber", "cardexpiration"]);
    await page.keyboard.press("Tab");
    await expect.poll(focused).toEqual(["cardnumber", "cardexpiration", "cardcvv"]);
    await page.keyboard.press("Shift+Tab");
    await expect.poll(focused).toEqual(["cardnumber", "cardexpiration", "cardcvv", "cardexpiration"]);
    // Out of the last field, Tab reaches the page's next control.
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await expect.poll(() => page.evaluate(() => document.activeElement.id)).toBe("pay");
  });

  test("bad arguments are coded errors, never ignored", async ({ elPage: page }) => {
    const out = await page.evaluate(({ api, pk, fields }) => {
      const p = new PaySession(pk, { apiBase: api, fieldsBase: fields });
      const run = (f) => { try { f(); return null; } catch (e) { return [e.code, e.errors[0].parameter]; } };
      return {
        noBase: run(() => new PaySession(pk, { apiBase: api }).createElement("cardnumber")),
        type: run(() => p.createElement("iban")),
        prop: run(() => p.createElement("cardnumber", { style: { base: { background: "red" } } })),
        pseudo: run(() => p.createElement("cardnumber", { style: { base: { ":before": { color: "red" } } } })),
        state: run(() => p.createElement("cardnumber", { style: { hover: {} } })),
        value: run(() => p.createElement("cardnumber", { style: { base: { color: "red;background:url(x)" } } })),
        cls: run(() => p.createElement("cardnumber", { classes: { base: "a b" } })),
        option: run(() => p.createElement("cardnumber", { mask: true })),
        target: run(() => p.createElement("cardnumber").mount("nope")),
        event: run(() => p.createElement("cardnumber").on("return", () => {})),
        update: run(() => p.createElement("cardnumber").update({ style: { base: { fontSize: 12 } } })),
        ok: run(() => p.createElement("cardnumber", { style: { base: { fontFamily: "'Helvetica Neue', sans-serif", ":focus": { color: "#333" } }, invalid: { color: "red" } } })),
      };
    }, { api: API, pk: PK, fields: FIELDS });
    expect(out).toEqual({
      noBase: ["missing_parameter", "fieldsBase"],
      type: ["invalid_parameter", "type"],
      prop: ["unknown_parameter", "style.base.background"],
      pseudo: ["unknown_parameter", "style.base.:before"],
      state: ["unknown_parameter", "style.hover"],
      value: ["invalid_parameter", "style.base.color"],
      cls: ["invalid_parameter", "classes.base"],
      option: ["unknown_parameter", "options.mask"],
      target: ["mount_target_not_found", "target"],
      event: ["invalid_parameter", "name"],
      update: ["invalid_parameter", "style.base.fontSize"],
      ok: null,
    });
  });

  test("createSource(element) tokenizes inside the frames; the page gets brand and last four only", async ({ elPage: page }) => {
    const r = await tokenizeTypedCard(page);
    expect(r.error).toBeUndefined();
    expect(r.state).toBe("chargeable");
    expect(r.source.creditCard).toMatchObject({ brand: "visa", lastFourDigits: "4242", expirationMonth: 12 });
    expect(JSON.stringify(r)).not.toContain("4242424242424242");
  });

  test("createSource(element) with an incomplete field resolves failed with the field's code", async ({ elPage: page }) => {
    await mountAll(page);
    await frame(page, "card-number").click();
    await page.keyboard.type("4242424242424242");
    await frame(page, "card-cvv").click();
    await page.keyboard.type("12");
    const s = await createSession();
    const r = await page.evaluate(async (sid) => resultPlain(await window.payments.createSource(window.els.cardnumber, { sessionId: sid, type: "creditCard" })), s.id);
    expect(r.state).toBe("failed");
    expect(r.error.code).toBe("incomplete_expiration_date");
    expect(r.error.errors[0].parameter).toBe("creditCard.expirationYear");
    // The fields show their errors too.
    await expect.poll(() => lastChange(page, "cardexpiration")).toMatchObject({ error: { code: "incomplete_expiration_date" } });
    await expect.poll(() => lastChange(page, "cardcvv")).toMatchObject({ error: { code: "incomplete_security_code" } });
    const bad = await page.evaluate(async (sid) => [
      resultPlain(await window.payments.createSource(window.els.cardcvv, { sessionId: sid, type: "creditCard" })).error.code,
      resultPlain(await window.payments.createSource(window.els.cardnumber, { sessionId: sid, type: "payPal" })).error.code,
      resultPlain(await window.payments.createSource({}, { sessionId: sid, type: "creditCard" })).error.code,
    ], s.id);
    expect(bad).toEqual(["invalid_parameter", "unknown_payment_type", "invalid_parameter"]);
  });
});
