// The appearance API ({theme, variables, rules}) on the drop-in and inside the
// secure fields' frames, `update({appearance})` restyling without a reload,
// paymentMethodConfiguration's per-method settings, and every style payload
// that could inject CSS, load a URL or select on a typed value refused with a
// coded error. The page (elements.html) runs under a strict CSP
// (`style-src 'self'`, no 'unsafe-inline'): a violation fails the test.
import { expect, API, PK, createSession, leaks, secure, cardFrame, savedCard } from "./fixtures.mjs";
import { test, FIELDS, mountAll, frame } from "./elements-fixtures.mjs";

const year = String((new Date().getFullYear() + 2) % 100).padStart(2, "0");

/** Mounts a drop-in with `config` added; resolves at onReady; events in window.events; CSP violations in window.csp. */
async function mountDropin(page, sid, config = {}) {
  return page.evaluate(({ api, pk, sid, config }) => new Promise((resolve) => {
    window.events = [];
    window.csp = [];
    // Style violations only (the test page's wallet icon is another matter: img-src).
    document.addEventListener("securitypolicyviolation", (e) => e.violatedDirective.startsWith("style-src") && window.csp.push(e.violatedDirective + " " + e.blockedURI));
    const payments = new PaySession(pk, { apiBase: api });
    window.dropin = payments.createDropin({
      sessionId: sid,
      ...config,
      onSuccess: (d) => events.push(["success", d.source.state]),
      onError: (d) => events.push(["error", d.errors[0].code]),
      onReady: (d) => resolve(d.paymentMethodTypes),
    });
    dropin.mount("drop-in");
  }), { api: API, pk: PK, sid, config });
}

/** The computed `prop` of the drop-in's part `sel` (in its shadow root). */
const part = (page, sel, prop, pseudo = null) =>
  page.evaluate(({ sel, prop, pseudo }) => getComputedStyle(document.querySelector(".paysession-dropin").shadowRoot.querySelector(sel), pseudo)[prop], { sel, prop, pseudo });
/** The computed `prop` of the drop-in's secure input `id` (num, exp, cvc in the card frame; scvc). */
const inFrame = (page, id, prop) => secure(page, id).evaluate((e, p) => getComputedStyle(e)[p], prop);

test("drop-in appearance: a theme, variables and rules style the widget and its frames; update() restyles in place; strict CSP holds", async ({ elPage: page }) => {
  const s = await createSession({ country: "NL" });
  await mountDropin(page, s.id, {
    appearance: {
      theme: "dark",
      variables: { fontSizeBase: "17px", borderRadius: "3px" },
      rules: { ".Label": { textTransform: "uppercase" }, ".Button": { borderRadius: "20px" }, ".Input:focus": { color: "rgb(250, 200, 0)" }, ".Tab--selected": { borderColor: "rgb(0, 128, 0)" } },
    },
  });
  // The dark theme's variables in the shadow root…
  expect(await part(page, "li", "backgroundColor")).toBe("rgb(31, 41, 55)");
  expect(await part(page, "li", "borderTopLeftRadius")).toBe("3px");
  expect(await part(page, "li", "borderTopColor")).toBe("rgb(0, 128, 0)");
  expect(await part(page, "label", "textTransform")).toBe("uppercase");
  expect(await part(page, ".pay", "borderTopLeftRadius")).toBe("20px");
  // …and inside the secure fields' frames (text colour and size).
  await expect.poll(() => inFrame(page, "num", "color")).toBe("rgb(243, 244, 246)");
  expect(await inFrame(page, "num", "fontSize")).toBe("17px");
  await secure(page, "num").click();
  await expect.poll(() => inFrame(page, "num", "color")).toBe("rgb(250, 200, 0)");
  await page.keyboard.type("4242");
  // A mark in the frame's window: a reloaded frame would lose it.
  await cardFrame(page).locator("body").evaluate(() => { window.mark = 1; });

  await page.evaluate(() => dropin.update({ appearance: { theme: "flat", variables: { colorText: "rgb(10, 20, 30)" } } }));
  expect(await part(page, "li", "backgroundColor")).toBe("rgb(255, 255, 255)");
  expect(await part(page, "li", "borderTopLeftRadius")).toBe("0px");
  expect(await part(page, "label", "textTransform")).toBe("none");
  for (const id of ["num", "exp", "cvc"]) await expect.poll(() => inFrame(page, id, "color")).toBe("rgb(10, 20, 30)");
  expect(await cardFrame(page).locator("body").evaluate(() => window.mark)).toBe(1);
  // What was typed is still there (the frame was not reloaded).
  await expect(secure(page, "num")).toHaveValue("4242");
  // A bad update throws a coded error and changes nothing.
  const bad = await page.evaluate(() => { try { dropin.update({ appearance: { theme: "neon" } }); } catch (e) { return [e.code, e.errors[0].parameter]; } });
  expect(bad).toEqual(["invalid_parameter", "appearance.theme"]);
  expect(await part(page, "li", "backgroundColor")).toBe("rgb(255, 255, 255)");
  // Back to the default theme: the sheet's own values.
  await page.evaluate(() => dropin.update({ appearance: { theme: "default" } }));
  expect(await part(page, "li", "borderTopLeftRadius")).toBe("8px");
  await expect.poll(() => inFrame(page, "num", "color")).toBe("rgb(31, 41, 55)");
  expect(await page.evaluate(() => window.csp)).toEqual([]);
});

// Each payload of a style injection: a value that would end the declaration
// or the rule, load a URL, run an old IE expression, hide in a CSS escape or a
// comment, leave a function or a string open (it would swallow what follows),
// and rule keys that are selectors on a typed value.
const VALUES = [
  "red;background:url(https://evil.example/x)",
  "url(https://evil.example/x)",
  "@import 'https://evil.example/x.css'",
  "image-set('https://evil.example/x.png' 1x)",
  "expression(alert(1))",
  "\\75 rl(https://evil.example/x)",
  "red}input[value^='4']{background:red",
  "red/*",
  "rgb(1, 2, 3",
  "'Helvetica",
];

test("appearance and per-method styles: injection payloads, unknown keys and parts are coded errors, never applied", async ({ elPage: page }) => {
  const out = await page.evaluate(({ api, pk, fields, values }) => {
    const p = new PaySession(pk, { apiBase: api, fieldsBase: fields });
    const run = (f) => { try { f(); return null; } catch (e) { return [e.code, e.errors[0].parameter]; } };
    const dropin = (extra) => run(() => p.createDropin({ sessionId: "ses_x", ...extra }));
    const r = {};
    values.forEach((v, i) => {
      r["var" + i] = dropin({ appearance: { variables: { colorPrimary: v } } });
      r["rule" + i] = dropin({ appearance: { rules: { ".Input": { color: v } } } });
      r["el" + i] = run(() => p.createElement("cardnumber", { appearance: { variables: { fontFamily: v } } }));
      r["pmc" + i] = dropin({ paymentMethodConfiguration: { creditCard: { style: { base: { color: v } } } } });
      r["upd" + i] = run(() => p.createDropin({ sessionId: "ses_x" }).update({ appearance: { rules: { ".Button": { boxShadow: v } } } }));
    });
    Object.assign(r, {
      attr: dropin({ appearance: { rules: { "input[value^='4']": { color: "red" } } } }),
      attr2: run(() => p.createElement("cardnumber", { appearance: { rules: { ".Input[value^='4']": { color: "red" } } } })),
      prop: dropin({ appearance: { rules: { ".Input": { backgroundImage: "none" } } } }),
      variable: dropin({ appearance: { variables: { colorLink: "red" } } }),
      theme: dropin({ appearance: { theme: "neon" } }),
      updKey: run(() => p.createDropin({ sessionId: "ses_x" }).update({ theme: "dark" })),
      key: dropin({ appearance: { labels: "floating" } }),
      notString: dropin({ appearance: { variables: { fontSizeBase: 16 } } }),
      elPart: run(() => p.createElement("cardnumber", { appearance: { rules: { ".Label": { color: "red" } } } })),
      cardKey: dropin({ paymentMethodConfiguration: { creditCard: { mask: true } } }),
      cardBool: dropin({ paymentMethodConfiguration: { creditCard: { showCardholderName: "no" } } }),
      method: dropin({ paymentMethodConfiguration: { payPal: { style: {} } } }),
      sepaState: dropin({ paymentMethodConfiguration: { sepaDebit: { style: { complete: { color: "green" } } } } }),
      sepaValue: dropin({ paymentMethodConfiguration: { sepaDebit: { style: { base: { color: "url(x)" } } } } }),
      topStyle: dropin({ paymentMethodConfiguration: { style: { base: { background: "red" } } } }),
      ok: dropin({
        appearance: { theme: "flat", variables: { colorPrimary: "#0a0", fontFamily: "'Helvetica Neue', sans-serif", focusRing: "3px solid rgb(0 0 0 / 50%)" }, rules: { ".Tab:hover": { boxShadow: "0 1px 2px #0003" }, ".Error": { fontWeight: "700" } } },
        paymentMethodConfiguration: { style: { base: { color: "#111" } }, creditCard: { showCardholderName: false, showBrandIcons: false, style: { invalid: { color: "red" } } }, sepaDebit: { style: { base: { letterSpacing: "1px", ":focus": { color: "#000" } }, invalid: { color: "red" } } }, giftCard: { style: {} } },
      }),
      okEl: run(() => p.createElement("cardnumber", { appearance: { theme: "dark", rules: { ".Input::placeholder": { color: "#999" } } }, style: { base: { color: "#000" } } })),
    });
    return r;
  }, { api: API, pk: PK, fields: FIELDS, values: VALUES });
  const want = {};
  VALUES.forEach((_, i) => {
    want["var" + i] = ["invalid_parameter", "appearance.variables.colorPrimary"];
    want["rule" + i] = ["invalid_parameter", "appearance.rules..Input.color"];
    want["el" + i] = ["invalid_parameter", "appearance.variables.fontFamily"];
    want["pmc" + i] = ["invalid_parameter", "paymentMethodConfiguration.creditCard.style.base.color"];
    want["upd" + i] = ["invalid_parameter", "appearance.rules..Button.boxShadow"];
  });
  Object.assign(want, {
    attr: ["unknown_parameter", "appearance.rules.input[value^='4']"],
    attr2: ["unknown_parameter", "appearance.rules..Input[value^='4']"],
    prop: ["unknown_parameter", "appearance.rules..Input.backgroundImage"],
    variable: ["unknown_parameter", "appearance.variables.colorLink"],
    theme: ["invalid_parameter", "appearance.theme"],
    updKey: ["unknown_parameter", "theme"],
    key: ["unknown_parameter", "appearance.labels"],
    notString: ["invalid_parameter", "appearance.variables.fontSizeBase"],
    elPart: ["unknown_parameter", "appearance.rules..Label"],
    cardKey: ["unknown_parameter", "paymentMethodConfiguration.creditCard.mask"],
    cardBool: ["invalid_parameter", "paymentMethodConfiguration.creditCard.showCardholderName"],
    method: ["unknown_parameter", "paymentMethodConfiguration.payPal"],
    sepaState: ["unknown_parameter", "paymentMethodConfiguration.sepaDebit.style.complete"],
    sepaValue: ["invalid_parameter", "paymentMethodConfiguration.sepaDebit.style.base.color"],
    topStyle: ["unknown_parameter", "paymentMethodConfiguration.style.base.background"],
    ok: null,
    okEl: null,
  });
  expect(out).toEqual(want);
});

test("Elements: appearance in createElement and update() restyles the frame in place; a style given wins per state", async ({ elPage: page }) => {
  await mountAll(page, { cardnumber: { appearance: { theme: "dark", variables: { fontSizeBase: "19px" }, rules: { ".Input--invalid": { color: "rgb(200, 0, 0)" } } } } });
  expect(await frame(page, "card-number").evaluate((e) => getComputedStyle(e).color)).toBe("rgb(243, 244, 246)");
  expect(await frame(page, "card-number").evaluate((e) => getComputedStyle(e).fontSize)).toBe("19px");
  await frame(page, "card-number").click();
  await page.keyboard.type("4242424242424241");
  await frame(page, "card-expiry").click();
  await expect.poll(() => frame(page, "card-number").evaluate((e) => getComputedStyle(e).color)).toBe("rgb(200, 0, 0)");
  await frame(page, "card-number").evaluate(() => { window.mark = 1; });
  await page.evaluate(() => window.els.cardnumber.update({ appearance: { theme: "flat" }, style: { invalid: { color: "rgb(0, 0, 200)" } } }));
  await expect.poll(() => frame(page, "card-number").evaluate((e) => getComputedStyle(e).color)).toBe("rgb(0, 0, 200)");
  expect(await frame(page, "card-number").evaluate(() => window.mark)).toBe(1);
  await expect(frame(page, "card-number")).toHaveValue("4242 4242 4242 4241");
});

test("paymentMethodConfiguration: no cardholder name, no brand icon, the card's style in its frames, SEPA's on its inputs; the card pays and leaks nothing", async ({ elPage: page }) => {
  const number = "4242424242424242", cvv = "737";
  const s = await createSession({ country: "NL" });
  const types = await mountDropin(page, s.id, {
    appearance: { rules: { ".Input": { color: "rgb(9, 9, 9)" }, ".Input:focus": { color: "rgb(7, 7, 7)" } } },
    paymentMethodConfiguration: {
      style: { base: { color: "rgb(5, 5, 5)", letterSpacing: "1px" } },
      creditCard: { showCardholderName: false, showBrandIcons: false, style: { base: { color: "rgb(1, 2, 3)" } } },
      sepaDebit: { style: { base: { letterSpacing: "3px" }, invalid: { color: "rgb(200, 0, 0)" } } },
    },
  });
  // creditCard.style wins over the top-level style and the appearance; the top-level letterSpacing stays.
  expect(await inFrame(page, "num", "color")).toBe("rgb(1, 2, 3)");
  expect(await inFrame(page, "num", "letterSpacing")).toBe("1px");
  expect(await page.evaluate(() => document.querySelector(".paysession-dropin").shadowRoot.querySelectorAll("#name").length)).toBe(0);
  const f = (id) => secure(page, id);
  await f("num").click();
  await page.keyboard.type(number);
  await expect(page.locator("#card-b")).toHaveText("Visa");
  // The brand's name stays (it is announced); its badge is not drawn.
  expect(await part(page, "#card-b", "display", "::before")).toBe("none");
  await f("exp").click();
  await page.keyboard.type(`12${year}`);
  await f("cvc").click();
  await page.keyboard.type(cvv);
  expect(types).toContain("sepaDebit");
  {
    await page.locator("#b-sepaDebit").click();
    expect(await part(page, "#iban", "letterSpacing")).toBe("3px");
    expect(await part(page, "#iban", "color")).toBe("rgb(9, 9, 9)");
    await page.locator("#b-creditCard").click();
  }
  await page.locator("#pay-creditCard").click();
  await page.waitForFunction(() => events.length > 0);
  expect(await page.evaluate(() => events)).toEqual([["success", "chargeable"]]);
  await page.evaluate(() => window.__skimWalk());
  const record = await page.evaluate(() => window.__skim);
  expect(record.some((x) => x.startsWith("frame-blocked:"))).toBe(true);
  expect(leaks(record, number, cvv)).toEqual([]);
  expect(await page.evaluate(() => window.csp)).toEqual([]);
});

test("a saved card's code field follows the appearance and paymentMethodConfiguration.style, and update() restyles it in place", async ({ elPage: page }) => {
  const { cus } = await savedCard();
  const s = await createSession({ customerId: cus });
  await mountDropin(page, s.id, { appearance: { theme: "dark" }, paymentMethodConfiguration: { style: { base: { letterSpacing: "2px" } } } });
  await expect(page.frameLocator("#scvc iframe").locator("input")).toBeVisible();
  await expect.poll(() => inFrame(page, "scvc", "color")).toBe("rgb(243, 244, 246)");
  expect(await inFrame(page, "scvc", "letterSpacing")).toBe("2px");
  await page.evaluate(() => dropin.update({ appearance: { theme: "flat" } }));
  await expect.poll(() => inFrame(page, "scvc", "color")).toBe("rgb(17, 24, 39)");
  expect(await inFrame(page, "scvc", "letterSpacing")).toBe("2px");
});

test("each part's state rule applies in its state: .Input:hover/:focus/--invalid, .Label--invalid, .Tab:hover/:focus, .Button:hover/:focus/:disabled; .Input:disabled and ::placeholder are in the sheet", async ({ elPage: page }) => {
  const s = await createSession({ country: "NL" });
  const c = (n) => `rgb(${n}, ${n}, ${n})`;
  await mountDropin(page, s.id, {
    appearance: {
      rules: {
        ".Input:hover": { borderColor: c(11) }, ".Input:focus": { borderColor: c(12) }, ".Input::placeholder": { color: c(13) },
        ".Input--invalid": { borderColor: c(14) }, ".Input:disabled": { color: c(15) }, ".Label--invalid": { color: c(16) },
        ".Tab:hover": { color: c(17) }, ".Tab:focus": { outline: `3px solid ${c(18)}` },
        ".Button:hover": { color: c(19) }, ".Button:focus": { outline: `3px solid ${c(20)}` }, ".Button:disabled": { color: c(21) },
      },
    },
  });
  // Out of every state first: nothing of the rules shows.
  await page.mouse.move(0, 0);
  expect(await part(page, "#name", "borderTopColor")).not.toBe(c(11));
  expect(await part(page, "#pay-creditCard", "color")).not.toBe(c(19));
  // Hover.
  await page.locator("#name").hover();
  expect(await part(page, "#name", "borderTopColor")).toBe(c(11));
  await page.locator("#b-payPal").hover();
  expect(await part(page, "#b-payPal", "color")).toBe(c(17));
  await page.locator("#pay-creditCard").hover();
  expect(await part(page, "#pay-creditCard", "color")).toBe(c(19));
  await page.mouse.move(0, 0);
  // Focus (the tab's and the button's are :focus-visible: reached by the keyboard).
  await page.locator("#name").focus();
  expect(await part(page, "#name", "borderTopColor")).toBe(c(12));
  const active = () => page.evaluate(() => document.querySelector(".paysession-dropin").shadowRoot.activeElement?.id);
  for (let i = 0; i < 6 && (await active()) !== "pay-creditCard"; i++) await page.keyboard.press("Tab");
  expect(await active()).toBe("pay-creditCard");
  expect(await part(page, "#pay-creditCard", "outlineColor")).toBe(c(20));
  await page.locator("#b-payPal").focus();
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Tab");
  expect(await part(page, "#b-payPal", "outlineColor")).toBe(c(18));
  // Invalid: an empty submit marks the name and its label.
  await page.locator("#pay-creditCard").click();
  await expect(page.locator("#name")).toHaveAttribute("aria-invalid", "true");
  await page.mouse.move(0, 0);
  await page.locator("#b-creditCard").focus();
  expect(await part(page, "#name", "borderTopColor")).toBe(c(14));
  expect(await part(page, "label[for=name]", "color")).toBe(c(16));
  // Disabled: the pay button while a payment is on its way (the source request held).
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route("**/v1/sources", async (route) => { await held; await route.continue(); });
  const y = String((new Date().getFullYear() + 2) % 100).padStart(2, "0");
  await secure(page, "num").fill("4242 4242 4242 4242");
  await secure(page, "exp").fill(`12/${y}`);
  await secure(page, "cvc").fill("123");
  await page.locator("#name").fill("Ada");
  await page.locator("#pay-creditCard").click();
  await expect(page.locator("#pay-creditCard")).toBeDisabled();
  expect(await part(page, "#pay-creditCard", "color")).toBe(c(21));
  release();
  await page.waitForFunction(() => events.length > 0);
  // No text input of the drop-in is ever disabled, and getComputedStyle does not
  // read ::placeholder: those two rules are checked in the sheet, on the inputs' selectors.
  const sheet = await page.evaluate(() => [...document.querySelector(".paysession-dropin").shadowRoot.adoptedStyleSheets].map((s) => [...s.cssRules].map((r) => r.cssText).join("\n")).join("\n"));
  expect(sheet).toContain(`input[type="text"]:disabled { color: ${c(15)}; }`);
  expect(sheet).toContain(`input[type="text"]::placeholder { color: ${c(13)}; }`);
  expect(await page.evaluate(() => window.csp)).toEqual([]);
});
