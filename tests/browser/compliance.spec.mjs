// Compliance (issue 12): retrieveComplianceDetails, the compliance element,
// the drop-in's required terms of sale (showTermsOfSaleDisclosure) and
// consents, and the drop-in's options doing what docs/API.md says.
import { test, expect, API, PK, createSession, merchantSession, trackApi, fillDropinCard, secure } from "./fixtures.mjs";

const SELLER = "PaySession Test Seller of Record is the seller of record for this order.";
const status = (page) => page.locator(".paysession-dropin").locator("[role=status]");

/** Mounts a drop-in with `options`; events in window.events; resolves at onReady. */
async function mountDropin(page, sid, options = {}, pmc = undefined) {
  return page.evaluate(({ api, pk, sid, options, pmc }) => new Promise((resolve, reject) => {
    window.events = [];
    try {
      window.dropin = new PaySession(pk, { apiBase: api }).createDropin({
        sessionId: sid,
        options,
        paymentMethodConfiguration: pmc,
        onSuccess: (d) => events.push(["success", d.source]),
        onError: (d) => events.push(["error", d.errors[0].code]),
        onCancel: () => events.push(["cancel"]),
        onReady: (d) => resolve(d.paymentMethodTypes),
      });
      dropin.mount("drop-in");
    } catch (e) { reject(e); }
  }), { api: API, pk: PK, sid, options, pmc });
}

test("retrieveComplianceDetails: localized details of the session; coded errors for bad arguments", async ({ sdkPage }) => {
  const s = await createSession({ country: "DE", requireTermsAcceptance: true });
  const out = await sdkPage.evaluate(async ({ api, pk, sid }) => {
    const en = await new PaySession(pk, { apiBase: api }).retrieveComplianceDetails({ sessionId: sid });
    const p = new PaySession(pk, { apiBase: api, locale: "de-DE" });
    const de = await p.retrieveComplianceDetails({ sessionId: sid });
    const fr = await p.retrieveComplianceDetails({ sessionId: sid, locale: "fr_FR" });
    const bad = [];
    for (const q of [undefined, {}, { sessionId: 7 }, { sessionId: sid, lang: "de" }, { sessionId: sid, locale: "<x>" }, { sessionId: "ses_nope" }, { sessionId: "a/b" }]) {
      try { await p.retrieveComplianceDetails(q); bad.push("resolved"); } catch (e) { bad.push([e instanceof Error, e.code, e.errors[0].parameter ?? null]); }
    }
    return { en, de, fr, bad };
  }, { api: API, pk: PK, sid: s.id });
  expect(out.en.locale).toBe("en-US");
  expect(out.en.sellerDisclosure.localizedText).toBe(SELLER);
  expect(out.en.termsOfSale).toEqual({ localizedText: "Terms of sale", url: `${API}/hosted/legal/terms` });
  expect(out.en.confirmDisclosure.localizedText).toBe("I have read and accept the terms of sale.");
  expect(out.en.savePaymentAgreement.unscheduled.localizedText).toBe("We save your card and may charge it later for amounts you have agreed to.");
  expect(out.en.termsVersion).toBe("2026-01");
  expect(out.en.requireTermsAcceptance).toBe(true);
  expect(out.de.locale).toBe("de-DE");
  expect(out.de.legalNotice.localizedText).toBe("Impressum");
  expect(out.fr.locale).toBe("fr-FR");
  expect(out.fr.cancellationRights.localizedText).toBe("Droit de rétractation");
  expect(out.bad).toEqual([
    [true, "missing_parameter", "query"],
    [true, "missing_parameter", "sessionId"],
    [true, "invalid_parameter", "sessionId"],
    [true, "unknown_parameter", "lang"],
    [true, "invalid_parameter", "locale"],
    [true, "resource_not_found", null],
    [true, "invalid_parameter", "sessionId"],
  ]);
});

test("compliance element: mount renders text and safe links, update re-renders, unmount removes, remount works", async ({ sdkPage }) => {
  const s = await createSession({ country: "DE" });
  // Hostile texts from the network stay text; a javascript: link is dropped.
  // (The SDK sends the tag as Intl canonicalizes it: xx-Evil.)
  await sdkPage.route(/\/compliance\?locale=xx-EVIL/i, async (route) => {
    const res = await route.fetch({ url: route.request().url().replace(/xx-EVIL/i, "en-US") });
    const d = await res.json();
    d.sellerDisclosure.localizedText = "<img src=x onerror=\"window.pwned=1\">";
    d.privacyPolicy.url = "javascript:window.pwned=1";
    d.legalNotice.url = "https://user@evil.example/";
    await route.fulfill({ response: res, json: d });
  });
  const out = await sdkPage.evaluate(async ({ api, pk, sid }) => {
    const host = document.createElement("footer");
    host.id = "legal";
    document.body.append(host);
    const p = new PaySession(pk, { apiBase: api }); // no fieldsBase: not needed here
    const el = p.createElement("compliance", { sessionId: sid });
    const read = () => {
      const n = host.querySelector(".paysession-compliance");
      return n && {
        lang: n.getAttribute("lang"),
        text: n.querySelector("p").textContent,
        links: [...n.querySelectorAll("a")].map((a) => [a.textContent, a.getAttribute("href"), a.rel, a.target]),
        imgs: n.querySelectorAll("img").length,
      };
    };
    const mounted = await el.mount("legal");
    const first = read();
    await el.update({ locale: "fr-FR" });
    const fr = read();
    el.unmount();
    const gone = host.querySelectorAll(".paysession-compliance").length;
    await el.mount(host); // an element works as the target too
    const again = read();
    await el.update({ locale: "xx-EVIL" });
    const evil = read();
    el.unmount();
    // A late answer after unmount renders nothing.
    const late = el.update({ locale: "de-DE" });
    await late;
    const errors = [];
    const codeOf = (f) => { try { f(); return "ok"; } catch (e) { return [e.code, e.errors[0].parameter ?? null]; } };
    errors.push(codeOf(() => el.mount("no-such-id")));
    errors.push(codeOf(() => p.createElement("compliance", {})));
    errors.push(codeOf(() => p.createElement("compliance", { sessionId: sid, style: {} })));
    errors.push(codeOf(() => p.createElement("compliance")));
    errors.push(codeOf(() => el.update({ locale: 5 })));
    let rejected = null;
    const bad = p.createElement("compliance", { sessionId: "ses_nope" });
    await bad.mount(host).catch((e) => { rejected = e.code; });
    bad.unmount();
    return { mounted, first, fr, gone, again, evil, errors, rejected, pwned: window.pwned ?? null, left: host.children.length };
  }, { api: API, pk: PK, sid: s.id });
  expect(out.mounted).toBeUndefined();
  expect(out.first.lang).toBe("en-US");
  expect(out.first.text).toBe(SELLER);
  expect(out.first.links).toEqual([
    ["Terms of sale", `${API}/hosted/legal/terms`, "noopener noreferrer", "_blank"],
    ["Privacy policy", `${API}/hosted/legal/privacy`, "noopener noreferrer", "_blank"],
    ["Cancellation rights", `${API}/hosted/legal/cancellation`, "noopener noreferrer", "_blank"],
    ["Legal notice", `${API}/hosted/legal/notice`, "noopener noreferrer", "_blank"],
  ]);
  expect(out.fr.lang).toBe("fr-FR");
  expect(out.fr.text).toBe("PaySession Test Seller of Record est le vendeur officiel de cette commande.");
  expect(out.fr.links.map((l) => l[0])).toEqual(["Conditions de vente", "Politique de confidentialité", "Droit de rétractation", "Mentions légales"]);
  expect(out.gone).toBe(0);
  expect(out.again.lang).toBe("fr-FR");
  expect(out.evil.text).toBe("<img src=x onerror=\"window.pwned=1\">");
  expect(out.evil.imgs).toBe(0);
  expect(out.evil.links.map((l) => l[0])).toEqual(["Terms of sale", "Cancellation rights"]);
  expect(out.errors).toEqual([
    ["mount_target_not_found", "target"],
    ["missing_parameter", "sessionId"],
    ["unknown_parameter", "style"],
    ["missing_parameter", "options"],
    ["invalid_parameter", "locale"],
  ]);
  expect(out.rejected).toBe("resource_not_found");
  expect(out.pwned).toBeNull();
  expect(out.left).toBe(0);
});

test("terms of sale (mouse): unticked blocks paying, says why beside it and in the live region; ticked pays and is recorded", async ({ sdkPage }) => {
  const s = await createSession({ country: "DE", requireTermsAcceptance: true });
  const api = trackApi(sdkPage);
  await mountDropin(sdkPage, s.id, { showTermsOfSaleDisclosure: true }, { enabledPaymentMethods: ["wireTransfer"] });
  const box = sdkPage.locator("#terms-wireTransfer");
  await expect(box).not.toBeChecked();
  await expect(sdkPage.getByRole("checkbox", { name: "I have read and accept the terms of sale." })).toBeVisible();
  const terms = sdkPage.locator("#f-wireTransfer").getByRole("link", { name: "Terms of sale" });
  await expect(terms).toHaveAttribute("href", `${API}/hosted/legal/terms`);
  await expect(terms).toHaveAttribute("rel", "noopener noreferrer");
  await sdkPage.locator("#pay-wireTransfer").click();
  await expect(sdkPage.locator("#terms-wireTransfer-e")).toHaveText("Accept the terms of sale to continue.");
  await expect(status(sdkPage)).toHaveText("Accept the terms of sale to continue.");
  await expect(box).toBeFocused();
  await expect(box).toHaveAttribute("aria-invalid", "true");
  await expect(box).toHaveAttribute("aria-describedby", "terms-wireTransfer-e");
  await sdkPage.waitForTimeout(300);
  expect(api.filter((r) => r === "POST /v1/sources")).toEqual([]);
  expect(await sdkPage.evaluate(() => events)).toEqual([]);
  await sdkPage.screenshot({ path: "artifacts/compliance-terms-required.png" });

  await box.click(); // ticking clears the error
  await expect(sdkPage.locator("#terms-wireTransfer-e")).toBeEmpty();
  await expect(box).not.toHaveAttribute("aria-invalid", "true");
  await sdkPage.locator("#pay-wireTransfer").click();
  await sdkPage.waitForFunction(() => events.length > 0);
  const [[kind, source]] = await sdkPage.evaluate(() => events);
  expect(kind).toBe("success");
  expect(source.termsAcceptance.version).toBe("2026-01");
  const m = await merchantSession(s.id);
  expect(m.termsAcceptance).toEqual({ version: "2026-01", acceptedTime: source.termsAcceptance.acceptedTime, sourceId: source.id });
  expect(api.filter((r) => r === "POST /v1/sources")).toHaveLength(1);
});

test("terms of sale (keyboard, card through the secure fields): Enter is blocked, Space ticks, Enter pays; the acceptance goes through the frame", async ({ sdkPage }) => {
  const s = await createSession({ country: "NL", requireTermsAcceptance: true });
  await mountDropin(sdkPage, s.id, { showTermsOfSaleDisclosure: true, consents: { companyName: "Acme", termsOfService: "https://acme.example/tos" } });
  await fillDropinCard(sdkPage, "4242 4242 4242 4242");
  await sdkPage.locator("#name").press("Enter");
  const box = sdkPage.locator("#terms-creditCard");
  await expect(box).toBeFocused();
  await expect(status(sdkPage)).toHaveText("Accept the terms of sale to continue.");
  await expect(sdkPage.locator("#terms-creditCard-e")).toHaveText("Accept the terms of sale to continue.");
  await sdkPage.keyboard.press("Space");
  await expect(box).toBeChecked();
  await expect(sdkPage.locator("#terms-creditCard-e")).toBeEmpty();
  await sdkPage.keyboard.press("Tab"); // the terms link
  await expect(sdkPage.locator("#f-creditCard").getByRole("link", { name: "Terms of sale" })).toBeFocused();
  await sdkPage.keyboard.press("Tab"); // the pay button
  await expect(sdkPage.locator("#pay-creditCard")).toBeFocused();
  await sdkPage.keyboard.press("Enter");
  await sdkPage.waitForFunction(() => events.length > 0);
  const [[kind, source]] = await sdkPage.evaluate(() => events);
  expect(kind).toBe("success");
  expect(source.creditCard.lastFourDigits).toBe("4242");
  expect(source.termsAcceptance.version).toBe("2026-01");
  expect((await merchantSession(s.id)).termsAcceptance.sourceId).toBe(source.id);
});

test("a session requiring the terms shows the checkbox even without the option: unticked nothing is sent, ticked it pays", async ({ sdkPage }) => {
  const s = await createSession({ country: "DE", requireTermsAcceptance: true });
  const api = [];
  sdkPage.on("request", (r) => { if (r.url().includes("/v1/sources")) api.push(r.method()); });
  await mountDropin(sdkPage, s.id, {}, { enabledPaymentMethods: ["wireTransfer"] });
  const box = sdkPage.locator("#terms-wireTransfer");
  await expect(box).toHaveCount(1);
  await sdkPage.locator("#pay-wireTransfer").click();
  await expect(box).toBeFocused();
  await expect(sdkPage.locator("#terms-wireTransfer-e")).toHaveText("Accept the terms of sale to continue.");
  expect(api).toEqual([]);
  await box.check();
  await sdkPage.locator("#pay-wireTransfer").click();
  await sdkPage.waitForFunction(() => events.length > 0);
  const [[kind, source]] = await sdkPage.evaluate(() => events);
  expect(kind).toBe("success");
  expect(source.termsAcceptance.version).toBe("2026-01");
  // Once the session has an acceptance, its answer no longer asks for one.
  const again = await (await fetch(`${API}/v1/sessions/${s.id}/payment-methods`, { headers: { authorization: `Bearer ${PK}` } })).json();
  expect(again.compliance.requireTermsAcceptance).toBeUndefined();
});

test("consents: the merchant's documents as safe links; bad consents are refused at createDropin", async ({ sdkPage }) => {
  const s = await createSession({ country: "DE" });
  await mountDropin(sdkPage, s.id, {
    consents: { companyName: "Acme <b>GmbH</b>", eula: "https://acme.example/eula", termsOfService: "https://acme.example/tos?x=1#y" },
  }, { enabledPaymentMethods: ["wireTransfer"] });
  const p = sdkPage.locator("#f-wireTransfer .cs");
  await expect(p).toContainText("By paying, you agree to the following documents of Acme <b>GmbH</b>:");
  await expect(p.locator("b")).toHaveCount(0);
  const links = await p.locator("a").evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute("href"), a.rel, a.target]));
  expect(links).toEqual([
    ["End-user licence agreement", "https://acme.example/eula", "noopener noreferrer", "_blank"],
    ["Terms of service", "https://acme.example/tos?x=1#y", "noopener noreferrer", "_blank"],
  ]);
  // Without showTermsOfSaleDisclosure there is no checkbox, and paying needs none.
  await expect(sdkPage.locator("#terms-wireTransfer")).toHaveCount(0);
  await sdkPage.locator("#pay-wireTransfer").click();
  await sdkPage.waitForFunction(() => events.length > 0);
  expect((await sdkPage.evaluate(() => events))[0][0]).toBe("success");

  const codes = await sdkPage.evaluate(({ api, pk }) => {
    const p = new PaySession(pk, { apiBase: api });
    return [
      { consents: {} },
      { consents: { companyName: "A", eula: "javascript:alert(1)" } },
      { consents: { companyName: "A", termsOfUse: "//acme.example/tou" } },
      { consents: { companyName: "A", termsOfService: "https://u:p@acme.example/" } },
      { consents: { companyName: "A", privacy: "https://acme.example/" } },
      { consents: { companyName: 5 } },
      { consents: "Acme" },
      { showTermsOfSaleDisclosure: "yes" },
      { showTermsOfSaleDisclosure: true, consents: { companyName: "A", eula: "https://a.example/e", termsOfUse: "http://a.example/u", termsOfService: "https://a.example/s" } },
    ].map((options) => {
      try { p.createDropin({ sessionId: "ses_none", options }); return "accepted"; } catch (e) { return [e.code, e.errors[0].parameter]; }
    });
  }, { api: API, pk: PK });
  expect(codes).toEqual([
    ["missing_parameter", "options.consents.companyName"],
    ["invalid_url", "options.consents.eula"],
    ["invalid_url", "options.consents.termsOfUse"],
    ["invalid_url", "options.consents.termsOfService"],
    ["unknown_parameter", "options.consents.privacy"],
    ["invalid_parameter", "options.consents.companyName"],
    ["invalid_parameter", "options.consents"],
    ["invalid_parameter", "options.showTermsOfSaleDisclosure"],
    "accepted",
  ]);
});

test("drop-in options audit: showComplianceSection, button types and text, redirect URLs and disableAutomaticRedirects do what they say", async ({ sdkPage }) => {
  const s = await createSession({ country: "NL" });
  // showComplianceSection: shown by default, gone with false.
  await mountDropin(sdkPage, s.id, {}, { enabledPaymentMethods: ["ideal"] });
  await expect(sdkPage.locator(".paysession-dropin").getByText(SELLER)).toBeVisible();
  await sdkPage.evaluate(() => dropin.unmount());
  await mountDropin(sdkPage, s.id, { showComplianceSection: false }, { enabledPaymentMethods: ["ideal"] });
  await expect(sdkPage.locator(".paysession-dropin").getByText(SELLER)).toHaveCount(0);
  await sdkPage.evaluate(() => dropin.unmount());
  // button.type and buttonText on the card's pay button.
  const labels = {};
  for (const button of [{ type: "buyNow" }, { type: "completeOrder" }, { type: "submitOrder" }, { type: "continue" }, { type: "custom", buttonText: "Pay up" }]) {
    await mountDropin(sdkPage, s.id, { button }, { enabledPaymentMethods: ["creditCard"] });
    labels[button.type] = await sdkPage.locator("#pay-creditCard").textContent();
    await sdkPage.evaluate(() => dropin.unmount());
  }
  expect(labels.custom).toBe("Pay up");
  expect(new Set(Object.values(labels)).size).toBe(5);
  for (const v of Object.values(labels)) expect(v).not.toMatch(/^button\./);
  // redirect: the given return/cancel URLs reach the source; disableAutomaticRedirects hands it to onSuccess.
  const back = await sdkPage.evaluate(() => location.origin + "/back");
  await mountDropin(sdkPage, s.id, { redirect: { returnUrl: back + "?ok=1", cancelUrl: back + "?no=1", disableAutomaticRedirects: true } }, { enabledPaymentMethods: ["payPal", "ideal"] });
  await sdkPage.getByRole("button", { name: "iDEAL", exact: true }).click();
  await sdkPage.locator("#pay-ideal").click();
  await sdkPage.waitForFunction(() => events.length > 0);
  const [[kind, source]] = await sdkPage.evaluate(() => events);
  expect(kind).toBe("success");
  expect(source.state).toBe("pending_redirect");
  expect(source.redirect.returnUrl).toBe(back + "?ok=1");
  expect(source.redirect.cancelUrl).toBe(back + "?no=1");
  expect(new URL(sdkPage.url()).pathname).toBe("/tests/browser/pages/index.html");
  await sdkPage.evaluate(() => dropin.unmount());
  // A redirect URL that is not one is refused at createDropin, not at paying.
  const codes = await sdkPage.evaluate(({ api, pk }) => {
    const p = new PaySession(pk, { apiBase: api });
    return [{ returnUrl: "javascript:alert(1)" }, { cancelUrl: "/relative" }].map((redirect) => {
      try { p.createDropin({ sessionId: "ses_none", options: { redirect } }); return "accepted"; } catch (e) { return [e.code, e.errors[0].parameter]; }
    });
  }, { api: API, pk: PK });
  expect(codes).toEqual([["invalid_url", "options.redirect.returnUrl"], ["invalid_url", "options.redirect.cancelUrl"]]);
});

test("hostile arguments to the compliance calls never trap; the module works afterwards", async ({ sdkPage }) => {
  const s = await createSession({ country: "DE" });
  const out = await sdkPage.evaluate(async ({ api, pk, sid }) => {
    const p = new PaySession(pk, { apiBase: api });
    const huge = "x".repeat(5_000_000);
    const throwing = { get sessionId() { throw new Error("boom"); } };
    const proxy = new Proxy({}, { ownKeys() { throw new Error("keys"); } });
    const junk = [undefined, null, 0, "s", [], () => 1, Symbol("s"), 10n, {}, { sessionId: huge }, { sessionId: sid, locale: huge },
      { sessionId: sid, locale: "" }, { sessionId: sid, locale: "\u0000" }, throwing, proxy, Object.create({ sessionId: sid }),
      Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i]))];
    const codes = [];
    for (const q of junk) {
      try { await p.retrieveComplianceDetails(q); codes.push("resolved"); } catch (e) { codes.push(e instanceof Error ? e.code : "not-an-error"); }
      try { p.createElement("compliance", q); codes.push("created"); } catch (e) { codes.push(e instanceof Error ? e.code : "not-an-error"); }
      try { p.createDropin({ sessionId: sid, options: { consents: q } }); codes.push("dropin"); } catch (e) { codes.push(e instanceof Error ? e.code : "not-an-error"); }
    }
    const el = p.createElement("compliance", { sessionId: sid });
    const mounts = [];
    for (const t of [undefined, null, 5, {}, huge, proxy, document.createTextNode("t")]) {
      try { await el.mount(t); mounts.push("mounted"); } catch (e) { mounts.push(e.code); }
    }
    const good = await p.retrieveComplianceDetails({ sessionId: sid });
    return { codes, mounts, good: good.termsVersion };
  }, { api: API, pk: PK, sid: s.id });
  for (const c of out.codes) expect(c).toMatch(/^(created|dropin|[a-z_]+)$/);
  expect(out.codes).not.toContain("resolved");
  expect(out.codes).not.toContain("not-an-error");
  expect(out.mounts.every((c) => c === "mount_target_not_found")).toBe(true);
  expect(out.good).toBe("2026-01");
});
