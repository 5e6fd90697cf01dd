// @paysession/react (packages/react): server-side rendering on Node, its types, and in
// Chromium, under React's StrictMode (development build: every effect runs, is cleaned up
// and runs again), that the provider loads the SDK once and makes one PaySession, that one
// drop-in or one frame per card field is mounted, that callback props change without a
// remount and other props remount, that unmounting leaves no frame and no listener, and
// that server-rendered markup hydrates without a mismatch.
// The harness is packages/react/test/harness.tsx (built by packages/react/build.mjs).
import { test, expect } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { API, createSession } from "./fixtures.mjs";
import { secure } from "./card-frame.mjs";

const FIELDS = process.env.PAYSESSION_FIELDS;
const HARNESS = "/packages/react/test/dist/harness.html";
const year = String((new Date().getFullYear() + 2) % 100).padStart(2, "0");

test("renders on Node with renderToString and reads no window or document", () => {
  const out = JSON.parse(execFileSync(process.execPath, ["packages/react/test/ssr.mjs"], { encoding: "utf8" }));
  // Each provider kind renders the same mount points, nothing else.
  const expected = '<form id="checkout"><div id="drop-in" class="dropin"></div><div id="card-number" class="field"></div>'
    + '<div id="card-expiry"></div><div id="card-cvv"></div><div id="legal"></div></form>';
  expect(out.html).toEqual([expected, expected, expected]);
  expect(out.reads, "browser globals the package read while importing and rendering").toEqual([]);
  expect(out.readsByLoad, "the detector sees the package's own reads").toBeGreaterThan(0);
  expect(out.hooks).toEqual(Array(3).fill({ paySession: null, element: null, createSource: "function" }));
  expect(out.loaded).toBeNull();
  expect(out.imported).toBe(0);
  expect(out.outside).toBe("usePaySession() must be used inside a <PaySessionProvider>.");
  expect(out.cjs).toEqual(out.esm);
  expect(out.esm).toEqual(["CardCvvElement", "CardExpirationElement", "CardNumberElement", "Compliance", "DropIn",
    "PaySessionProvider", "loadPaySession", "useCreateSource", "useElement", "usePaySession", "usePaySessionState"]);
});

test("type-checks: the declarations, the example and the type tests (what must not compile does not)", () => {
  let out = "";
  try {
    out = execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "packages/react"], { encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    throw new Error(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
  expect(out).toBe("");
  const dts = readFileSync("packages/react/dist/DropIn.d.ts", "utf8");
  for (const t of ["sessionId: string;", "onSuccess?(data: DropinSuccessData): void;", "onError?(data: DropinErrorData): void;",
    "onReady?(data: DropinReadyData): void;", "onCancel?(data: DropinCancelData): void;", 'from "paysession"',
    "appearance?: Appearance;", 'paymentMethodConfiguration?: DropinConfiguration["paymentMethodConfiguration"];']) expect(dts).toContain(t);
  expect(readFileSync("packages/react/dist/provider.d.ts", "utf8")).toContain("export declare function useCreateSource(): CreateSource;");
});

/** Listeners on the page's window, by type (Chrome DevTools Protocol). */
async function windowListeners(page) {
  const cdp = page.cdp ??= await page.context().newCDPSession(page);
  const { result } = await cdp.send("Runtime.evaluate", { expression: "window" });
  const { listeners } = await cdp.send("DOMDebugger.getEventListeners", { objectId: result.objectId });
  await cdp.send("Runtime.releaseObject", { objectId: result.objectId });
  const byType = {};
  for (const l of listeners) byType[l.type] = (byType[l.type] || 0) + 1;
  return byType;
}

async function openHarness(page) {
  const problems = [];
  page.on("pageerror", (e) => problems.push(String(e)));
  // Errors on the console, React's own warnings included (it writes them with console.error),
  // but not the network's: a declined card's 400, Google Pay's manifest (no DNS here).
  page.on("console", (m) => {
    const t = m.text();
    if (m.type() === "error" && !/^Failed to load resource|^Unable to download payment manifest/.test(t)) problems.push(t);
  });
  await page.goto(HARNESS);
  await page.waitForFunction(() => window.harness);
  return problems;
}

const calls = (page, name) => page.evaluate((n) => harness.calls.filter((c) => c.name === n), name);
const waitCalls = (page, name, n) => page.waitForFunction(([x, k]) => harness.calls.filter((c) => c.name === x).length >= k, [name, n]);
/** The drop-ins on the page: their hosts, and the card frames in their shadow roots. */
const dropins = (page) => page.evaluate(() => [...document.querySelectorAll(".paysession-dropin")].map((h) => ({
  inTest: !!h.closest(".under-test"),
  marked: h.dataset.mark || null,
  frames: h.shadowRoot.querySelectorAll("iframe").length,
})));
const frameInput = (page, sel) => page.frameLocator(sel).locator("input");

test("StrictMode: one SDK import, one PaySession, one drop-in; new callbacks without a remount; a new session remounts; unmount leaves nothing", async ({ page }) => {
  const problems = await openHarness(page);
  const before = await windowListeners(page);
  const s = await createSession({ country: "NL" });
  // The provider first, alone, until its SDK has loaded; then <DropIn> mounts with the
  // PaySession at hand, so StrictMode runs its effect, cleans it up and runs it again.
  await page.evaluate(({ api, sid }) => harness.render({ scene: "dropin", api, sessionId: sid, show: false }), { api: API, sid: s.id });
  await page.waitForFunction(() => harness.seen.paySession);
  expect(await page.evaluate(() => harness.counts)).toEqual({ imports: 1, made: 1 });
  await page.evaluate(({ api, sid }) => harness.render({ scene: "dropin", api, sessionId: sid, v: 1 }), { api: API, sid: s.id });
  await waitCalls(page, "onReady", 1);
  expect(await page.evaluate(() => harness.counts)).toEqual({ imports: 1, made: 1 });
  // Mounted, unmounted and mounted again: one drop-in, its card frame.
  expect(await dropins(page)).toEqual([{ inTest: true, marked: null, frames: 1 }]);
  expect((await calls(page, "onReady"))[0].data.paymentMethodTypes).toContain("creditCard");

  // New callback props (v2): the same drop-in (its host keeps a mark), and the new ones are called.
  await page.evaluate(() => { document.querySelector(".paysession-dropin").dataset.mark = "first"; });
  await page.evaluate(({ api, sid }) => harness.render({ scene: "dropin", api, sessionId: sid, v: 2 }), { api: API, sid: s.id });
  const pay = async (number) => {
    await secure(page, "num").fill(number);
    await secure(page, "exp").fill(`12/${year}`);
    await secure(page, "cvc").fill("123");
    await page.locator("#name").fill("Ada Lovelace");
    await page.locator("#pay-creditCard").click();
  };
  await pay("4000 0000 0000 0002");
  await waitCalls(page, "onError", 1);
  expect((await calls(page, "onError")).map((c) => [c.v, c.data.errors[0].code])).toEqual([[2, "card_declined"]]);
  await page.locator("#pay-creditCard").click({ trial: true });
  await pay("4242 4242 4242 4242");
  await waitCalls(page, "onSuccess", 1);
  expect((await calls(page, "onSuccess")).map((c) => [c.v, c.data.source.state])).toEqual([[2, "chargeable"]]);
  expect(await dropins(page)).toEqual([{ inTest: true, marked: "first", frames: 1 }]);
  expect((await calls(page, "onReady")).length).toBe(1);

  // A new sessionId: the old drop-in goes, a new one comes (one, with its frames).
  const s2 = await createSession({ country: "NL" });
  await page.evaluate(({ api, sid }) => harness.render({ scene: "dropin", api, sessionId: sid, v: 2 }), { api: API, sid: s2.id });
  await waitCalls(page, "onReady", 2);
  expect(await dropins(page)).toEqual([{ inTest: true, marked: null, frames: 1 }]);
  expect(await page.evaluate(() => harness.counts)).toEqual({ imports: 1, made: 1 });

  // Unmounting the React tree: no drop-in, no frame, the window's listeners as before.
  await page.evaluate(() => harness.unmount());
  expect(await dropins(page)).toEqual([]);
  expect(await page.locator("iframe").count()).toBe(0);
  expect(await windowListeners(page)).toEqual(before);
  expect((await page.evaluate(() => harness.calls)).map((c) => c.name).sort())
    .toEqual(["onError", "onReady", "onReady", "onSuccess"]);
  expect(problems).toEqual([]);
});

test("one SDK import for two providers (a PaySession each); a provider given loadPaySession()'s promise", async ({ page }) => {
  const problems = await openHarness(page);
  const before = await windowListeners(page);
  const [a, b] = [await createSession(), await createSession()];
  await page.evaluate(({ api, sid }) => harness.render({ scene: "dropin", api, sessionId: sid, providers: 2 }), { api: API, sid: a.id });
  await waitCalls(page, "onReady", 2);
  expect(await page.evaluate(() => harness.counts)).toEqual({ imports: 1, made: 2 });
  expect(await dropins(page)).toEqual(Array(2).fill({ inTest: true, marked: null, frames: 1 }));
  await page.evaluate(() => harness.unmount());
  expect(await dropins(page)).toEqual([]);

  await page.evaluate(({ api, sid }) => harness.render({ scene: "dropin-promise", api, sessionId: sid }), { api: API, sid: b.id });
  await waitCalls(page, "onReady", 3);
  expect(await page.evaluate(() => harness.counts)).toEqual({ imports: 1, made: 3 });
  expect(await dropins(page)).toEqual([{ inTest: true, marked: null, frames: 1 }]);
  expect(await page.evaluate(() => harness.seen)).toEqual({ numberElement: false, paySession: true });
  await page.evaluate(() => harness.unmount());
  expect(await page.locator("iframe").count()).toBe(0);
  expect(await windowListeners(page)).toEqual(before);
  expect(problems).toEqual([]);
});

test("server-rendered markup hydrates without a mismatch, and the drop-in mounts into the server's <div>", async ({ page }) => {
  const problems = await openHarness(page);
  const s = await createSession();
  await page.evaluate(({ api, sid }) => harness.hydrate({ scene: "dropin", api, sessionId: sid }), { api: API, sid: s.id });
  await waitCalls(page, "onReady", 1);
  expect(await dropins(page)).toEqual([{ inTest: true, marked: null, frames: 1 }]);
  expect(await page.evaluate(() => document.querySelector(".paysession-dropin").parentElement === harness.serverDiv)).toBe(true);
  expect(await page.evaluate(() => harness.hydrationErrors)).toEqual([]);
  await page.evaluate(() => harness.unmount());
  expect(await dropins(page)).toEqual([]);
  expect(problems).toEqual([]);
});

test("StrictMode Elements: one frame per field, options update in place, useCreateSource pays through the fields, mount/unmount cycles leave nothing", async ({ page }) => {
  const problems = await openHarness(page);
  const before = await windowListeners(page);
  const s = await createSession({ country: "US" });
  const render = (placeholder, show = true) => page.evaluate(({ api, fields, placeholder, show }) =>
    harness.render({ scene: "elements", api, fields, placeholder, show }), { api: API, fields: FIELDS, placeholder, show });
  // The fields mount once the provider has its PaySession: StrictMode runs each one's effect twice.
  await render(undefined, false);
  await page.waitForFunction(() => harness.seen.paySession);
  await render(undefined);
  await waitCalls(page, "number.onReady", 1);
  await expect(page.locator("iframe")).toHaveCount(3);
  expect(await page.locator("#n iframe, #e iframe, #c iframe").count()).toBe(3);
  expect(await page.evaluate(() => harness.counts)).toEqual({ imports: 1, made: 1 });
  expect(await page.evaluate(() => harness.seen)).toEqual({ numberElement: true, paySession: true });
  await expect(frameInput(page, "#n iframe")).toHaveAttribute("placeholder", "1234 1234 1234 1234");

  // A new placeholder goes to element.update: the same frame (not reloaded) shows it.
  await page.evaluate(() => { document.querySelector("#n iframe").dataset.mark = "first"; });
  await render("Card number");
  await expect(frameInput(page, "#n iframe")).toHaveAttribute("placeholder", "Card number");
  expect(await page.evaluate(() => document.querySelector("#n iframe").dataset.mark)).toBe("first");
  expect((await calls(page, "number.onReady")).length).toBe(1);

  // useCreateSource tokenizes through the mounted fields (the page never has the number).
  await frameInput(page, "#n iframe").fill("4242 4242 4242 4242");
  await frameInput(page, "#e iframe").fill(`12/${year}`);
  await frameInput(page, "#c iframe").fill("123");
  await page.waitForFunction(() => harness.calls.some((c) => c.name === "cvv.onChange" && c.data.complete));
  const r = await page.evaluate((sid) => harness.createSource({ sessionId: sid, type: "creditCard" }), s.id);
  expect(r.state).toBe("chargeable");
  expect(r.source.creditCard.lastFourDigits).toBe("4242");
  expect(JSON.stringify(await page.evaluate(() => harness.calls))).not.toContain("4242 4242");

  // Unmount and mount again, three times: each time three frames, then none; listeners as before.
  for (let i = 0; i < 3; i++) {
    await page.evaluate(() => harness.unmount());
    await expect(page.locator("iframe")).toHaveCount(0);
    expect(await windowListeners(page)).toEqual(before);
    await render(undefined);
    await waitCalls(page, "number.onReady", i + 2);
    await expect(page.locator("iframe")).toHaveCount(3);
  }
  await page.evaluate(() => harness.unmount());
  await expect(page.locator("iframe")).toHaveCount(0);
  expect(await windowListeners(page)).toEqual(before);
  expect(problems).toEqual([]);
});

test("<DropIn appearance>: a new theme restyles the mounted drop-in in place (dropin.update, no remount), an equal one updates nothing, none restores the default, a refused one reaches onError; createDropin gets it at mount", async ({ page }) => {
  const problems = await openHarness(page);
  const before = await windowListeners(page);
  const s = await createSession({ country: "NL" });
  const render = (appearance, sid = s.id) => page.evaluate(({ api, sid, appearance }) =>
    harness.render({ scene: "dropin", api, sessionId: sid, appearance }), { api: API, sid, appearance });
  // The drop-in's look, read on its host: a method row's background and the host's colour variable.
  const look = () => page.evaluate(() => {
    const h = document.querySelector(".paysession-dropin");
    return { row: getComputedStyle(h.shadowRoot.querySelector("li")).backgroundColor,
      bg: getComputedStyle(h).getPropertyValue("--ps-color-background").trim(), mark: h.dataset.mark || null };
  });
  const made = () => page.evaluate(() => harness.made);
  await render(undefined);
  await waitCalls(page, "onReady", 1);
  const plain = await look();
  const dropinsMade = (await made()).dropins;
  await page.evaluate(() => { document.querySelector(".paysession-dropin").dataset.mark = "first"; });

  await render({ theme: "dark" });
  await expect.poll(look).toEqual({ row: "rgb(31, 41, 55)", bg: "#1f2937", mark: "first" });
  await render({ theme: "flat", variables: { colorBackground: "#fafafa" } });
  await expect.poll(look).toEqual({ row: "rgb(250, 250, 250)", bg: "#fafafa", mark: "first" });
  // The same appearance in a new object: nothing to do.
  await render({ theme: "flat", variables: { colorBackground: "#fafafa" } });
  await render(undefined);
  await expect.poll(look).toEqual({ ...plain, mark: "first" });
  expect(await made()).toMatchObject({ dropins: dropinsMade, dropinUpdates: [
    { appearance: { theme: "dark" } }, { appearance: { theme: "flat", variables: { colorBackground: "#fafafa" } } }, { appearance: {} }] });

  // Refused by update: onError with the coded error, the look and the drop-in stay.
  await render({ theme: "neon" });
  await waitCalls(page, "onError", 1);
  expect((await calls(page, "onError")).map((c) => c.data)).toEqual([
    { paymentMethod: null, type: "validation_error", errors: [expect.objectContaining({ code: "invalid_parameter", parameter: "appearance.theme" })] }]);
  expect(await look()).toEqual({ ...plain, mark: "first" });
  expect((await calls(page, "onReady")).length).toBe(1);
  expect((await made()).dropins).toBe(dropinsMade);

  // Refused by createDropin (a new session with it): no drop-in; a valid one then mounts it, with that look.
  const s2 = await createSession({ country: "NL" });
  await render({ rules: { ".Tab": { backgroundColor: "url(https://evil.test/x)" } } }, s2.id);
  await waitCalls(page, "onError", 2);
  expect((await calls(page, "onError"))[1].data.errors[0]).toMatchObject({ code: "invalid_parameter", parameter: "appearance.rules..Tab.backgroundColor" });
  expect(await dropins(page)).toEqual([]);
  const updates = (await made()).dropinUpdates.length;
  await render({ theme: "dark" }, s2.id);
  await waitCalls(page, "onReady", 2);
  expect(await look()).toEqual({ row: "rgb(31, 41, 55)", bg: "#1f2937", mark: null });
  expect((await made()).dropinUpdates.length, "the look came with createDropin, not an update").toBe(updates);
  await page.evaluate(() => harness.unmount());
  expect(await dropins(page)).toEqual([]);
  expect(await page.locator("iframe").count()).toBe(0);
  expect(await windowListeners(page)).toEqual(before);
  expect(problems).toEqual([]);
});

test("card Elements: a new options.appearance goes to element.update in place, a removed one is reset to the default, a removed label makes a new element", async ({ page }) => {
  const problems = await openHarness(page);
  const before = await windowListeners(page);
  const render = (o) => page.evaluate(({ api, fields, o }) => harness.render({ scene: "elements", api, fields, ...o }), { api: API, fields: FIELDS, o });
  await render({ show: false });
  await page.waitForFunction(() => harness.seen.paySession);
  await render({ numberAppearance: { theme: "dark" } });
  await waitCalls(page, "number.onReady", 1);
  await expect(page.locator("iframe")).toHaveCount(3);
  const number = () => page.evaluate(() => { const f = document.querySelector("#n iframe"); return { mark: f.dataset.mark || null, title: f.title }; });
  const made = () => page.evaluate(() => harness.made);
  const elementsMade = (await made()).elements;
  expect((await made()).elementUpdates, "StrictMode's second effect run updates nothing").toEqual([]);
  await page.evaluate(() => { document.querySelector("#n iframe").dataset.mark = "first"; });

  await render({ numberAppearance: { theme: "flat", variables: { colorText: "#111111" } } });
  await render({ numberAppearance: { theme: "flat", variables: { colorText: "#111111" } } });
  await render({});
  await render({ numberLabel: "Numéro de carte" });
  await expect.poll(number).toEqual({ mark: "first", title: "Numéro de carte" });
  expect(await made()).toMatchObject({ elements: elementsMade, elementUpdates: [
    { appearance: { theme: "flat", variables: { colorText: "#111111" } } }, { appearance: {} }, { label: "Numéro de carte" }] });
  expect((await calls(page, "number.onReady")).length).toBe(1);

  // update cannot take a label back to the built-in one: a new element (a new frame) does.
  await render({});
  await waitCalls(page, "number.onReady", 2);
  await expect.poll(number).toEqual({ mark: null, title: "Card number" });
  await expect(page.locator("iframe")).toHaveCount(3);
  expect((await made()).elementUpdates.length).toBe(3);
  await page.evaluate(() => harness.unmount());
  await expect(page.locator("iframe")).toHaveCount(0);
  expect(await windowListeners(page)).toEqual(before);
  expect(problems).toEqual([]);
});
