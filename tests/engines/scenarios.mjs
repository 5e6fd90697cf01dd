// The named subset every other engine runs (Chromium runs the full suites in
// tests/browser and tests/e2e): each feature once, on the same pages, backend
// and fixtures as those suites — the SDK's calls and the three Elements on
// tests/browser/pages (the skimmer page), the drop-in through the demo shop
// served by `paysession-server --demo www/dist`. Written once against the
// driver of tests/engines/driver.mjs; run by tests/engines/run.mjs. Each entry:
// [name, run(d, env), {engine: why it is skipped there}?] — a skip is reported
// as skipped with its reason, never as passed.
import assert from "node:assert/strict";
import { API, PK, createSession, sk, card, leaks, mountElements } from "../browser/backend.mjs";
import { until, textIs, visible, attrIs, focused, frameFocused } from "./driver.mjs";

const yy = String((new Date().getFullYear() + 2) % 100).padStart(2, "0");

/** Cart → checkout for `market`, the drop-in shown. The demo's own account
 * (saved cards) only with `{account: true}`; the checkout language `locale`
 * (the market's when empty). Records CSP violations in window.__csp from here on. */
async function checkout(d, market = "NL:EUR", { account = false, locale = "" } = {}) {
  await d.goto(`${API}/?terms=off`);
  await until(d, `({ market, locale }) => {
    const has = (id, v) => [...document.getElementById(id).options].some((o) => o.value === v);
    return has("market", market) && has("locale", locale);
  }`, { market, locale }, `market ${market} and locale ${locale} offered`);
  await d.run(`({ market, locale }) => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI), true);
    for (const [id, v] of [["market", market], ["locale", locale]]) {
      const s = document.getElementById(id);
      s.value = v;
      s.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }`, { market, locale });
  if ((await d.run(`() => document.getElementById("remember").checked`)) !== account) await d.click("#remember");
  await d.click("#checkout");
  await visible(d, "button[aria-expanded]");
  // Ready means the card fields take input: a step before onReady (a pay
  // click) races the frames on a loaded machine.
  await until(d, `() => [...document.querySelectorAll("#log .what")].some((e) => e.textContent.includes("callback: onReady"))`, null, "the drop-in's onReady");
}

/** Types a card into the drop-in's card frame (number, expiry, code) and its name field. */
async function fillCard(d, number, { cvc = "123", name = "Ada Lovelace" } = {}) {
  await d.frameType("#card iframe", number, "#num");
  await d.frameType("#card iframe", `12${yy}`, "#exp");
  await d.frameType("#card iframe", cvc, "#cvc");
  await d.type("#name", name);
}

/** The confirmation step with an order id, and no CSP violation on the way. */
async function expectDone(d) {
  await visible(d, "#step-done");
  await textIs(d, "#order-id", /^ord_/);
  assert.deepEqual(await d.run(`() => window.__csp`), []);
}

/** How many times the developer log shows `callback: NAME`. */
const callbacks = (d, name) =>
  d.run(`(name) => [...document.querySelectorAll("#log .what")].filter((e) => e.textContent.includes("callback: " + name)).length`, name);

/** A page of tests/browser/pages with the SDK loaded. */
async function sdkPage(d, env, page) {
  await d.goto(`${env.static}/tests/browser/pages/${page}`);
  const state = await until(d, `() => window.sdkReady ? "ready" : window.sdkError`, null, "the SDK loads");
  assert.equal(state, "ready");
}

export const scenarios = [
  ["SDK calls: createSource for a card and a 3-D Secure card, the session's payment methods", async (d, env) => {
    await sdkPage(d, env, "index.html");
    const [s, s3] = [await createSession(), await createSession({ country: "DE" })];
    const out = await d.run(`async ({ api, pk, sid, sid3, c, c3 }) => {
      const p = new PaySession(pk, { apiBase: api });
      const a = await p.createSource({ sessionId: sid, type: "creditCard", creditCard: c });
      const b = await p.createSource({ sessionId: sid3, type: "creditCard", creditCard: c3 });
      const done = await p.authenticateSource({ sessionId: sid3, sourceId: b.source.id, sourceClientSecret: b.source.clientSecret, challengeResponse: "password" });
      const pm = await p.retrieveAvailablePaymentMethods({ sessionId: sid });
      let bad;
      try { new PaySession("sk_test_default", { apiBase: api }); } catch (e) { bad = [e instanceof Error, e.code]; }
      return { a: [a.state, a.source.creditCard.brand], b: b.state, done: done.status,
        pm: pm.paymentMethods.map((m) => m.type).includes("creditCard"), bad };
    }`, { api: API, pk: PK, sid: s.id, sid3: s3.id, c: card("4242424242424242"), c3: card("5454545454545454") });
    assert.deepEqual(out, { a: ["chargeable", "visa"], b: "requires_action", done: "complete", pm: true, bad: [true, "invalid_api_key"] });
  }],

  ["Elements: the three secure fields tokenize a typed card, a 3-D Secure card passes its challenge, the page's skimmer holds neither number nor code", async (d, env) => {
    await sdkPage(d, env, "elements.html");
    const s = await createSession({ country: "DE" });
    const number = "5454545454545454", cvv = "818";
    await d.run(String(mountElements), { api: API, pk: PK, fields: env.fields });
    await d.frameType("#card-number iframe", number);
    await d.frameType("#card-expiry iframe", `12${yy}`);
    await d.frameType("#card-cvv iframe", cvv);
    await until(d, `() => ["cardnumber", "cardexpiration", "cardcvv"].every((t) => window.events.some((e) => e.name === "change" && e.elementType === t && e.complete))`, null, "each field complete");
    const out = await d.run(`async (sid) => {
      const r = await window.payments.createSource(window.els.cardnumber, { sessionId: sid, type: "creditCard" });
      const src = r.source;
      const done = await window.payments.authenticateSource({ sessionId: sid, sourceId: src.id, sourceClientSecret: src.clientSecret, challengeResponse: "password" });
      return { state: r.state, brand: src.creditCard.brand, last4: src.creditCard.lastFourDigits, done: done.status, id: src.id };
    }`, s.id);
    assert.deepEqual({ ...out, id: undefined }, { state: "requires_action", brand: "mastercard", last4: "5454", done: "complete", id: undefined });
    assert.equal((await sk("POST", `/v1/sessions/${s.id}/sources`, { sourceId: out.id })).status, 200);
    assert.equal((await sk("POST", "/v1/orders", { sessionId: s.id })).status, 201);
    const record = await d.run(`() => { window.__skimWalk(); return window.__skim; }`);
    // The skimmer did run: it saw the frames' messages and could not enter them.
    assert.ok(record.some((x) => x.startsWith("message:")));
    assert.ok(record.some((x) => x.startsWith("frame-blocked:")));
    assert.deepEqual(leaks(record, number, cvv), []);
  }],

  ["drop-in appearance: the demo's theme switch restyles the widget and inside its secure fields in place, then the card pays", async (d) => {
    await checkout(d);
    await fillCard(d, "4242424242424242");
    const part = (sel, prop) => d.run(`({ sel, prop }) => getComputedStyle(document.querySelector(".paysession-dropin").shadowRoot.querySelector(sel))[prop]`, { sel, prop });
    // The frame restyles when its config message arrives: polled in the frame, bounded (as `until` does in the page).
    const colorIs = (want) => d.frameRun("#card iframe", `async (want) => {
      let got;
      for (const end = Date.now() + 15000; Date.now() < end; await new Promise((r) => setTimeout(r, 40))) {
        if ((got = getComputedStyle(document.querySelector("#num")).color) === want) break;
      }
      return got;
    }`, want);
    for (const [theme, bg, text] of [["dark", "rgb(31, 41, 55)", "rgb(243, 244, 246)"], ["flat", "rgb(255, 255, 255)", "rgb(17, 24, 39)"]]) {
      await d.run(`(v) => { const s = document.getElementById("theme"); s.value = v; s.dispatchEvent(new Event("change", { bubbles: true })); }`, theme);
      assert.equal(await part("li", "backgroundColor"), bg);
      assert.equal(await colorIs(text), text);
    }
    // Nothing reloaded: the typed number is still there.
    assert.equal(await d.frameRun("#card iframe", `() => document.querySelector("#num").value`), "4242 4242 4242 4242");
    await d.click("#pay-creditCard");
    await expectDone(d);
  }],

  ["drop-in: a card pays (brand, grouping, pay label, one onSuccess)", async (d) => {
    await checkout(d);
    await textIs(d, "#pay-creditCard", "Pay €12.99");
    await fillCard(d, "4242424242424242");
    assert.equal(await d.frameRun("#card iframe", `() => document.querySelector("#num").value`), "4242 4242 4242 4242");
    await textIs(d, "#card-b", "Visa");
    await d.click("#pay-creditCard");
    await expectDone(d);
    assert.equal(await callbacks(d, "onSuccess"), 1);
    assert.equal(await callbacks(d, "onError"), 0);
  }],

  ["drop-in: 3-D Secure opens its challenge in the modal, the right password pays", async (d) => {
    await checkout(d, "DE:EUR");
    await fillCard(d, "5454 5454 5454 5454");
    await d.click("#pay-creditCard");
    await visible(d, "dialog[open] iframe");
    await d.frameType("dialog iframe", "password", "#password");
    await d.press("Enter");
    await expectDone(d);
    assert.equal(await callbacks(d, "onSuccess"), 1);
  }],

  ["drop-in: PayPal redirects to its approval page and back, approved", async (d) => {
    await checkout(d);
    await d.click("#b-payPal");
    await attrIs(d, "#b-payPal", "aria-expanded", "true");
    await d.click("#pay-payPal");
    await until(d, `() => location.pathname.startsWith("/hosted/redirect/") && [...document.querySelectorAll("button")].some((b) => b.textContent.trim() === "Approve")`, null, "the approval page", 15_000, true);
    await d.run(`() => document.querySelector("button.approve").focus()`);
    await d.press("Enter");
    await until(d, `() => location.pathname === "/" && window.__csp === undefined && !!document.getElementById("step-done")`, null, "back at the shop", 15_000, true);
    // A new page of the shop: its CSP violations from here on.
    await d.run(`() => { window.__csp = []; document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective), true); }`);
    await expectDone(d);
    assert.equal(await d.run(`() => location.href.includes("sourceClientSecret")`), false);
    assert.equal(await callbacks(d, "onSuccess"), 1);
  }],

  ["drop-in: a gift card pays part, the drop-in shows what remains, a card pays the rest", async (d) => {
    await checkout(d);
    await d.click("#b-giftCard");
    await d.type("#gnum", "6000000000000001");
    await d.type("#gpin", "1234");
    await d.click("#pay-giftCard");
    await textIs(d, "#pay-creditCard", "Pay €7.99");
    await textIs(d, "#pay-summary", /7\.99/);
    await fillCard(d, "4242 4242 4242 4242");
    await d.click("#pay-creditCard");
    await expectDone(d);
    assert.equal(await callbacks(d, "onSuccess"), 2);
  }],

  ["drop-in: SEPA Direct Debit checks the IBAN, shows the mandate and pays", async (d) => {
    await checkout(d);
    await d.click("#b-sepaDebit");
    await textIs(d, "#p-sepaDebit", /SEPA/);
    await d.type("#iban", "DE89 3704 0044 0532 0130 01");
    await d.type("#holder", "Ada Lovelace");
    await d.click("#pay-sepaDebit");
    await textIs(d, "#iban-e", "This IBAN is not valid.");
    await d.run(`() => { const i = document.querySelector(".paysession-dropin").shadowRoot.querySelector("#iban"); i.value = ""; i.dispatchEvent(new Event("input", { bubbles: true })); }`);
    await d.type("#iban", "DE89 3704 0044 0532 0130 00");
    await d.click("#pay-sepaDebit");
    await expectDone(d);
  }],

  ["drop-in: a Hebrew shopper pays by card right to left", async (d) => {
    const he = await (await fetch(`${API}/v1/locales/he-IL`)).json();
    await checkout(d, "DE:EUR", { locale: "he-IL" });
    await attrIs(d, ".paysession-dropin", "dir", "rtl");
    await attrIs(d, ".paysession-dropin", "lang", "he-IL");
    await textIs(d, "#b-creditCard", he["method.creditCard"]);
    // The form reads right to left: the name's label ends at the field's right edge.
    const edge = await d.run(`() => {
      const root = document.querySelector(".paysession-dropin").shadowRoot;
      const r = (s) => root.querySelector(s).getBoundingClientRect();
      return Math.abs(r("label[for=name]").right - r("#name").right);
    }`);
    assert.ok(edge < 2, `label and field right edges ${edge}px apart`);
    await textIs(d, "#pay-creditCard", new RegExp(he["button.payNow"].replace("{amount}", "").trim() + ".*€|€.*" + he["button.payNow"].replace("{amount}", "").trim()));
    await fillCard(d, "4242 4242 4242 4242", { name: "עדה לאבלייס" });
    await d.click("#pay-creditCard");
    await expectDone(d);
  }],

  ["drop-in: keyboard only, Tab through the card form, Enter pays", async (d) => {
    await checkout(d);
    await d.run(`() => document.querySelector(".paysession-dropin").shadowRoot.querySelector("#b-creditCard").focus()`);
    await d.press("Enter");
    await attrIs(d, "#b-creditCard", "aria-expanded", "false");
    await d.press("Space");
    await attrIs(d, "#b-creditCard", "aria-expanded", "true");
    // One Tab per input (no stop on the frame itself): number, expiry, code, name.
    await d.press("Tab");
    assert.equal(await frameFocused(d, "#card iframe", "num"), true);
    await d.keys("4242424242424242");
    await d.press("Tab");
    assert.equal(await frameFocused(d, "#card iframe", "exp"), true);
    await d.keys(`12${yy}`);
    await d.press("Tab");
    assert.equal(await frameFocused(d, "#card iframe", "cvc"), true);
    await d.keys("123");
    await d.press("Tab");
    await focused(d, "#name");
    await d.keys("Ada Lovelace");
    // What the keys typed, read once the focus is back in the page (reading inside a
    // frame moves WebKit's focus, the driver puts it back on the name field).
    assert.equal(await d.frameRun("#card iframe", `() => document.querySelector("#num").value`), "4242 4242 4242 4242");
    assert.equal(await d.frameRun("#card iframe", `() => document.querySelector("#exp").value`), `12 / ${yy}`);
    assert.equal(await d.frameRun("#card iframe", `() => document.querySelector("#cvc").value`), "123");
    await focused(d, "#name");
    await d.press("Enter");
    await expectDone(d);
  }],

  ["the demo's strict CSP: the widget, the card's errors and every method's form cause zero violations; the styles apply", async (d) => {
    await checkout(d, "DE:EUR");
    await d.click("#pay-creditCard");
    await textIs(d, "#card-e", /\S/); // the market's language: German
    for (const t of ["payPal", "klarnaCredit", "sepaDebit", "wireTransfer", "giftCard"]) {
      await d.click(`#b-${t}`);
      await attrIs(d, `#b-${t}`, "aria-expanded", "true");
    }
    const out = await d.run(`() => {
      const root = document.querySelector(".paysession-dropin").shadowRoot;
      return { bg: getComputedStyle(root.querySelector("#pay-giftCard")).backgroundColor, styleEls: root.querySelectorAll("style").length,
        styleAttrs: root.querySelectorAll("[style]").length, sheets: root.adoptedStyleSheets.length, csp: window.__csp };
    }`);
    assert.notEqual(out.bg, "rgba(0, 0, 0, 0)");
    // Two constructed sheets: the widget's shared one and its appearance's (the demo themes it).
    assert.deepEqual({ ...out, bg: undefined }, { bg: undefined, styleEls: 0, styleAttrs: 0, sheets: 2, csp: [] });
  }],

  // Last: it leaves the demo account in the browser, and then takes it away.
  ["drop-in: a card saved at checkout pays the next checkout with only its security code; the account page lists it (the manage module)", async (d) => {
    await checkout(d, "NL:EUR", { account: true });
    await fillCard(d, "4242424242424242");
    await d.click("#save-creditCard");
    await d.click("#pay-creditCard");
    await expectDone(d);
    await checkout(d, "NL:EUR", { account: true });
    assert.equal(await d.run(`() => document.querySelector(".paysession-dropin").shadowRoot.querySelector("#spm-0").checked`), true);
    await textIs(d, "label[for=spm-0]", /^Visa ending in 4242 — Expires \d\d\/\d{4}$/);
    await d.click("#pay-saved");
    await textIs(d, "#scvc-e", "This field is required.");
    await d.frameType("#scvc iframe", "737");
    await d.click("#pay-saved");
    await expectDone(d);
    assert.equal(await callbacks(d, "onSuccess"), 1);
    await d.click("#again");
    // A new page of the shop (location.assign): its cart, shown once the catalog is in.
    await visible(d, "#remember", true);
    // The account page: the drop-in's manage flow, its module imported only now.
    await d.click("#account");
    await visible(d, "#step-account");
    await textIs(d, "#sl li", /^Visa .*4242/); // in the account's language (de-DE here)
    await d.click("#account-back");
    await visible(d, "#remember");
    await d.click("#remember");
    await d.clearCookies();
  }],
];
