// The drop-in's manage flow lives in a module of its own (issue 17): the
// checkout's download never carries it; `flow: "managePaymentMethods"` loads
// pkg-web/paysession-manage.js and its wasm, once, and the drop-in it makes
// there takes every call of the one the page holds (src/dropin/lazy.rs).
import { test, expect, API, PK, createSession, savedCard, sk } from "./fixtures.mjs";

const MODULE = /\/paysession-manage(\.js|_bg\.wasm)$/;

/** Creates a manage-flow drop-in as `window[name]` and mounts it in #drop-in
 * (and unmounts it in the same task, with `unmount`); its callbacks go to
 * `window.events`. */
async function manage(page, sid, name = "m", unmount = false) {
  await page.evaluate(({ api, pk, sid, name, unmount }) => {
    window.events ??= [];
    const d = new PaySession(pk, { apiBase: api }).createDropin({
      sessionId: sid,
      options: { flow: "managePaymentMethods", usage: "convenience" },
      onReady: (x) => events.push([name, "ready", x]),
      onError: (x) => events.push([name, "error", x]),
      onSuccess: (x) => events.push([name, "success", x]),
    });
    window[name] = d;
    d.mount("drop-in");
    if (unmount) d.unmount();
  }, { api: API, pk: PK, sid, name, unmount });
}

test("a checkout never downloads the manage flow; the flow loads its module once and works through the page's drop-in", async ({ sdkPage: page }) => {
  const { cus } = await savedCard();
  const s = await createSession({ customerId: cus });
  const fetched = [];
  page.on("request", (r) => fetched.push(new URL(r.url()).pathname));

  // A checkout, through to onReady: nothing of the manage module.
  await page.evaluate(({ api, pk, sid }) => new Promise((resolve, reject) => {
    window.c = new PaySession(pk, { apiBase: api }).createDropin({ sessionId: sid, onReady: resolve, onError: reject });
    c.mount("drop-in");
  }), { api: API, pk: PK, sid: s.id });
  expect(fetched.filter((p) => MODULE.test(p))).toEqual([]);
  await page.evaluate(() => c.unmount());

  // The manage flow: mounted (and restyled) before its module is there.
  await manage(page, s.id);
  const bad = await page.evaluate(() => {
    const out = [];
    for (const f of [() => m.mount("no-such-id"), () => m.update({ appearance: { theme: "neon" } })]) {
      try { f(); out.push("accepted"); } catch (e) { out.push(e.code); }
    }
    m.update({ appearance: { variables: { colorPrimary: "#005a9c" } } });
    return out;
  });
  expect(bad).toEqual(["mount_target_not_found", "invalid_parameter"]);
  await page.waitForFunction(() => events.length > 0);
  expect(await page.evaluate(() => events.map((e) => e.slice(0, 2)))).toEqual([["m", "ready"]]);
  await expect(page.getByRole("heading", { name: "Manage payment methods" })).toBeVisible();
  const item = page.locator("#sl li");
  await expect(item).toHaveCount(1);
  await expect(item).toContainText("Visa ending in 4242");
  expect(fetched.filter((p) => MODULE.test(p)).sort()).toEqual(["/pkg-web/paysession-manage.js", "/pkg-web/paysession-manage_bg.wasm"]);

  // Its Remove button is the manage module's and takes the card off.
  await page.getByRole("button", { name: "Remove Visa ending in 4242" }).click();
  await expect(page.locator(".paysession-dropin [role=status]")).toHaveText("Payment method removed.");
  expect((await sk("GET", `/v1/customers/${cus}/payment-methods`)).json.data).toEqual([]);
  await page.evaluate(() => m.unmount());
  await expect(page.locator(".paysession-dropin")).toHaveCount(0);

  // A drop-in unmounted before its module is there (the module is an
  // import away even when cached) never shows; the next one reuses the
  // module (no second download).
  const before = fetched.length;
  await page.evaluate(() => { window.events = []; });
  await manage(page, s.id, "gone", true);
  await manage(page, s.id, "again");
  await page.waitForFunction(() => events.length > 0);
  expect(await page.evaluate(() => events.map((e) => e.slice(0, 2)))).toEqual([["again", "ready"]]);
  await expect(page.locator(".paysession-dropin")).toHaveCount(1);
  expect(fetched.slice(before).filter((p) => MODULE.test(p))).toEqual([]);
});

test("a manage module that cannot load: the target says why, onError gets network_unavailable, unmount clears it", async ({ sdkPage: page }) => {
  const { cus } = await savedCard();
  const s = await createSession({ customerId: cus });
  await page.route(/\/paysession-manage_bg\.wasm$/, (route) => route.abort());
  await manage(page, s.id);
  await page.waitForFunction(() => events.length > 0);
  const [[, kind, data]] = await page.evaluate(() => events);
  expect(kind).toBe("error");
  expect(data.type).toBe("network_error");
  expect(data.errors[0].code).toBe("network_unavailable");
  const alert = page.locator("#drop-in [role=alert]");
  await expect(alert).toHaveText("We could not reach the payment service. Check your connection and try again.");
  await page.evaluate(() => m.unmount());
  await expect(alert).toHaveCount(0);
  // Mounted again: said again, once.
  await page.evaluate(() => m.mount("drop-in"));
  await expect(alert).toHaveCount(1);
  expect(await page.evaluate(() => events.filter((e) => e[1] === "error").length)).toBe(2);
});

// An account page that shows only the manage flow imports its module
// directly (`paysession/manage`; here pkg-web/paysession-manage.js): one
// download, not the checkout's module and then the manage module.
test("an account page that imports the manage module alone downloads nothing of the checkout's module", async ({ page }) => {
  const { cus } = await savedCard();
  const s = await createSession({ customerId: cus });
  const fetched = [];
  page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  await page.goto("/tests/browser/pages/index.html?m=paysession-manage");
  await page.waitForFunction(() => window.sdkReady || window.sdkError, null, { timeout: 15_000 });
  expect(await page.evaluate(() => window.sdkError ?? null)).toBeNull();
  await manage(page, s.id);
  await page.waitForFunction(() => events.length > 0);
  expect(await page.evaluate(() => events.map((e) => e.slice(0, 2)))).toEqual([["m", "ready"]]);
  await expect(page.getByRole("heading", { name: "Manage payment methods" })).toBeVisible();
  await expect(page.locator("#sl li")).toContainText("Visa ending in 4242");
  const sdkFiles = fetched.filter((p) => p.startsWith("/pkg-web/")).sort();
  expect(sdkFiles).toEqual(["/pkg-web/paysession-manage.js", "/pkg-web/paysession-manage_bg.wasm"]);
});
