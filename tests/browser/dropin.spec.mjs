// createDropin plumbing: config checks, mount/unmount, callbacks.
import { test, expect, API, PK, createSession } from "./fixtures.mjs";

test("mount by id renders an accessible list and fires onReady once", async ({ sdkPage }) => {
  const s = await createSession({ country: "NL" });
  await sdkPage.evaluate(({ api, pk, sid }) => {
    window.events = [];
    const payments = new PaySession(pk, { apiBase: api });
    window.dropin = payments.createDropin({
      sessionId: sid,
      options: { flow: "checkout", showComplianceSection: true, button: { type: "payNow" } },
      onSuccess(d) { events.push(["success", d]); },
      onError(d) { events.push(["error", d]); },
      onReady(d) { events.push(["ready", d]); },
      onCancel(d) { events.push(["cancel", d]); },
    });
    dropin.mount("drop-in");
  }, { api: API, pk: PK, sid: s.id });
  await sdkPage.waitForFunction(() => events.length > 0);
  const events = await sdkPage.evaluate(() => events);
  expect(events.length).toBe(1);
  expect(events[0][0]).toBe("ready");
  expect(events[0][1].paymentMethodTypes).toContain("creditCard");
  expect(events[0][1].paymentMethodTypes).toContain("ideal");
  const list = sdkPage.getByRole("list", { name: "Payment methods" });
  await expect(list).toBeVisible();
  // One disclosure button per method (the first expanded), plus the open form's pay button.
  const buttons = sdkPage.locator("button[aria-expanded]");
  await expect(buttons).toHaveCount(events[0][1].paymentMethodTypes.length);
  await expect(buttons.first()).toHaveAttribute("aria-expanded", "true");
  await sdkPage.getByRole("button", { name: "iDEAL", exact: true }).click();
  await expect(sdkPage.getByRole("button", { name: "iDEAL", exact: true })).toHaveAttribute("aria-expanded", "true");
  await expect(buttons.first()).toHaveAttribute("aria-expanded", "false");
  expect(await sdkPage.evaluate(() => dropin.selectedPaymentMethod)).toBe("ideal");
  await sdkPage.screenshot({ path: "artifacts/dropin-mounted.png" });

  // Unmount removes elements and listeners; mounting again does not fire onReady twice.
  await sdkPage.evaluate(() => dropin.unmount());
  await expect(sdkPage.locator(".paysession-dropin")).toHaveCount(0);
  await sdkPage.evaluate(() => { dropin.unmount(); dropin.mount(document.getElementById("drop-in")); });
  await expect(sdkPage.getByRole("list", { name: "Payment methods" })).toBeVisible();
  await sdkPage.waitForTimeout(200);
  expect(await sdkPage.evaluate(() => events.length)).toBe(1);
  await expect(sdkPage.locator(".paysession-dropin")).toHaveCount(1);
});

test("enabled/disabled payment methods filter the list", async ({ sdkPage }) => {
  const s = await createSession({ country: "NL" });
  const types = await sdkPage.evaluate(({ api, pk, sid }) => new Promise((resolve) => {
    const d = new PaySession(pk, { apiBase: api }).createDropin({
      sessionId: sid,
      paymentMethodConfiguration: { disabledPaymentMethods: ["ideal"] },
      onReady: (x) => resolve(x.paymentMethodTypes),
    });
    d.mount("drop-in");
  }), { api: API, pk: PK, sid: s.id });
  expect(types).toContain("creditCard");
  expect(types).not.toContain("ideal");
});

test("mount_target_not_found, onError for a bad session, unmount before load", async ({ sdkPage }) => {
  const out = await sdkPage.evaluate(async ({ api, pk }) => {
    const p = new PaySession(pk, { apiBase: api });
    const d = p.createDropin({ sessionId: "ses_missing", onError: (e) => errors.push(e), onReady: () => readies.push(1) });
    const errors = []; const readies = [];
    const codes = [];
    for (const t of ["nope", undefined, 5, {}, document.createTextNode("x")]) {
      try { d.mount(t); codes.push("mounted"); } catch (e) { codes.push(e.code); }
    }
    d.mount("drop-in");
    await new Promise((r) => setTimeout(r, 1500));
    const status = document.querySelector(".paysession-dropin")?.shadowRoot?.querySelector("[role=alert]")?.textContent;
    d.unmount();
    // Unmounted before the methods arrive: no callback, nothing on the page.
    const quiet = [];
    const s2 = p.createDropin({ sessionId: "ses_missing2", onError: () => quiet.push(1) });
    s2.mount("drop-in"); s2.unmount();
    await new Promise((r) => setTimeout(r, 800));
    // A throwing callback does not break the SDK.
    const thrower = p.createDropin({ sessionId: "ses_missing3", onError: () => { throw new Error("merchant bug"); } });
    thrower.mount("drop-in");
    await new Promise((r) => setTimeout(r, 800));
    thrower.unmount();
    const left = document.querySelectorAll(".paysession-dropin").length;
    return { codes, errors: errors.map((e) => ({ paymentMethod: e.paymentMethod, code: e.errors[0].code })), readies: readies.length, status, quiet: quiet.length, left };
  }, { api: API, pk: PK });
  expect(out.codes).toEqual(["mount_target_not_found", "mount_target_not_found", "mount_target_not_found", "mount_target_not_found", "mount_target_not_found"]);
  expect(out.errors).toEqual([{ paymentMethod: null, code: "resource_not_found" }]);
  expect(out.readies).toBe(0);
  expect(out.status).toBeTruthy();
  expect(out.quiet).toBe(0);
  expect(out.left).toBe(0);
});

test("options the drop-in does not build are refused with a coded error, never accepted and ignored", async ({ sdkPage }) => {
  const out = await sdkPage.evaluate(({ api, pk }) => {
    const p = new PaySession(pk, { apiBase: api });
    const cases = [
      { options: { usage: "forever" } },
      { options: { consents: {} } },
      { options: { showTermsOfSaleDisclosure: 1 } },
      { options: { flow: "manage" } },
      { options: { button: { type: "donate" } } },
      { paymentMethodConfiguration: { style: { base: { background: "red" } } } },
      { paymentMethodConfiguration: { creditCard: { mask: true } } },
      { paymentMethodConfiguration: { payPal: {} } },
      { paymentMethodConfiguration: { enabledPaymentMethods: ["bitcoin"] } },
      { paymentMethodConfiguration: { disabledPaymentMethods: ["creditCard", "cash"] } },
      { options: { flow: "checkout", button: { type: "custom", buttonText: "Go" } }, paymentMethodConfiguration: { enabledPaymentMethods: ["creditCard"] } },
    ];
    return cases.map((c) => {
      try { p.createDropin({ sessionId: "ses_none", ...c }); return "accepted"; } catch (e) { return [e.code, e.errors[0].parameter]; }
    });
  }, { api: API, pk: PK });
  expect(out).toEqual([
    ["invalid_parameter", "options.usage"],
    ["missing_parameter", "options.consents.companyName"],
    ["invalid_parameter", "options.showTermsOfSaleDisclosure"],
    ["invalid_parameter", "options.flow"],
    ["invalid_parameter", "options.button.type"],
    ["unknown_parameter", "paymentMethodConfiguration.style.base.background"],
    ["unknown_parameter", "paymentMethodConfiguration.creditCard.mask"],
    ["unknown_parameter", "paymentMethodConfiguration.payPal"],
    ["unknown_payment_type", "paymentMethodConfiguration.enabledPaymentMethods"],
    ["unknown_payment_type", "paymentMethodConfiguration.disabledPaymentMethods"],
    "accepted",
  ]);
});

test("back on the page with a failed source: onError with authentication_failed, not payment_cancelled", async ({ sdkPage }) => {
  const s = await createSession({ country: "DE" });
  const src = await sdkPage.evaluate(async ({ api, pk, sid }) => {
    const p = new PaySession(pk, { apiBase: api });
    const r = await p.createSource({ sessionId: sid, type: "creditCard", creditCard: { number: "5454545454545454", expirationMonth: 12, expirationYear: new Date().getFullYear() + 1, cvv: "123" } });
    const a = await p.authenticateSource({ sessionId: sid, sourceId: r.source.id, sourceClientSecret: r.source.clientSecret, challengeResponse: "wrong" });
    return { id: r.source.id, secret: r.source.clientSecret, state: r.state, after: a.status };
  }, { api: API, pk: PK, sid: s.id });
  expect(src.state).toBe("requires_action");
  expect(src.after).toBe("failed");
  await sdkPage.goto(`/tests/browser/pages/index.html?sourceId=${src.id}&sourceClientSecret=${src.secret}`);
  await sdkPage.waitForFunction(() => window.sdkReady);
  const out = await sdkPage.evaluate(({ api, pk, sid }) => new Promise((resolve) => {
    const d = new PaySession(pk, { apiBase: api }).createDropin({
      sessionId: sid,
      onError: (e) => resolve(["error", e.paymentMethod, e.errors[0].code]),
      onCancel: (e) => resolve(["cancel", e.paymentMethod]),
      onSuccess: () => resolve(["success"]),
    });
    d.mount("drop-in");
  }), { api: API, pk: PK, sid: s.id });
  expect(out).toEqual(["error", "creditCard", "authentication_failed"]);
  expect(sdkPage.url()).not.toContain("sourceClientSecret");
});
