// The drop-in widget itself, on the SDK test page (strict CSP): no leak over
// 1,000 mounts, callbacks once per outcome, and the mount → onReady time.
import { test, expect, API, PK, createSession, secure, fillDropinCard } from "./fixtures.mjs";

test("mount/unmount 1,000 times leaks no elements, listeners or wasm memory", async ({ sdkPage }) => {
  test.setTimeout(120_000);
  const s = await createSession({ country: "NL" });
  const out = await sdkPage.evaluate(async ({ api, pk, sid }) => {
    const p = new PaySession(pk, { apiBase: api });
    let ready = 0;
    // The card form collapsed: 1,000 synchronous cycles without its secure
    // fields' frames (those are counted below, with their frames loaded).
    const d = p.createDropin({ sessionId: sid, options: { expandFirstPaymentMethod: false }, onReady: () => { ready++; } });
    const host = document.getElementById("drop-in");
    d.mount(host);
    await new Promise((r) => { const t = setInterval(() => { if (ready) { clearInterval(t); r(); } }, 10); });
    const nodes = () => document.getElementsByTagName("*").length;
    const cycle = (n) => { for (let i = 0; i < n; i++) { d.mount(host); d.unmount(); } };
    cycle(100); // warm-up: the allocator reaches its working size
    const before = { nodes: nodes(), mem: wasm.memory.buffer.byteLength };
    cycle(1000);
    const after = { nodes: nodes(), mem: wasm.memory.buffer.byteLength };
    d.mount(host);
    const shown = host.querySelector(".paysession-dropin").shadowRoot.querySelectorAll("button[aria-expanded]").length;
    d.unmount();
    return { before, after, shown, left: host.childNodes.length, ready };
  }, { api: API, pk: PK, sid: s.id });
  console.log(`leak check: nodes ${out.before.nodes} → ${out.after.nodes}, wasm memory ${out.before.mem} → ${out.after.mem} bytes`);
  expect(out.after.nodes).toBe(out.before.nodes);
  expect(out.after.mem).toBe(out.before.mem);
  expect(out.shown).toBeGreaterThan(3);
  expect(out.left).toBe(0);
  expect(out.ready).toBe(1);
});

test("mount → onReady → unmount with the card's secure fields, 30 times: no element, frame or wasm memory left", async ({ sdkPage }) => {
  test.setTimeout(120_000);
  const s = await createSession({ country: "NL" });
  const out = await sdkPage.evaluate(async ({ api, pk, sid }) => {
    const p = new PaySession(pk, { apiBase: api });
    const host = document.getElementById("drop-in");
    const cycle = () => new Promise((resolve) => {
      const d = p.createDropin({ sessionId: sid, onReady: () => { frames.push(host.querySelector(".paysession-dropin").shadowRoot.querySelectorAll("iframe").length); d.unmount(); resolve(); } });
      d.mount(host);
    });
    const frames = [];
    for (let i = 0; i < 5; i++) await cycle(); // warm-up
    const before = { nodes: document.getElementsByTagName("*").length, mem: wasm.memory.buffer.byteLength };
    for (let i = 0; i < 30; i++) await cycle();
    const after = { nodes: document.getElementsByTagName("*").length, mem: wasm.memory.buffer.byteLength };
    return { before, after, frames: [...new Set(frames)], left: host.childNodes.length };
  }, { api: API, pk: PK, sid: s.id });
  expect(out.frames).toEqual([1]);
  expect(out.after).toEqual(out.before);
  expect(out.left).toBe(0);
});

test("listeners are removed by unmount (counted through addEventListener)", async ({ sdkPage }) => {
  const s = await createSession({ country: "NL" });
  const out = await sdkPage.evaluate(async ({ api, pk, sid }) => {
    let live = 0;
    const add = EventTarget.prototype.addEventListener, remove = EventTarget.prototype.removeEventListener;
    EventTarget.prototype.addEventListener = function (...a) { live++; return add.apply(this, a); };
    EventTarget.prototype.removeEventListener = function (...a) { live--; return remove.apply(this, a); };
    const d = new PaySession(pk, { apiBase: api }).createDropin({ sessionId: sid });
    const base = live;
    let peak = 0;
    for (let i = 0; i < 50; i++) { d.mount("drop-in"); peak = Math.max(peak, live - base); d.unmount(); }
    const left = live - base;
    EventTarget.prototype.addEventListener = add; EventTarget.prototype.removeEventListener = remove;
    return { peak, left };
  }, { api: API, pk: PK, sid: s.id });
  expect(out.peak).toBeGreaterThan(0);
  expect(out.left).toBe(0);
});

test("each callback fires once per outcome: a double submit pays once", async ({ sdkPage }) => {
  const s = await createSession({ country: "NL" });
  await sdkPage.evaluate(({ api, pk, sid }) => {
    window.events = [];
    const d = new PaySession(pk, { apiBase: api }).createDropin({
      sessionId: sid,
      onSuccess: (x) => events.push(["success", x.source.id, x.readyForStorage, x.supportsStorage]),
      onError: (x) => events.push(["error", x.errors[0].code]),
      onReady: () => events.push(["ready"]),
      onCancel: () => events.push(["cancel"]),
      options: { showSavePaymentAgreement: true },
    });
    d.mount("drop-in");
    // No reference to `d` is kept: a mounted drop-in must survive garbage collection.
  }, { api: API, pk: PK, sid: s.id });
  await sdkPage.waitForFunction(() => events.length > 0); // onReady: the secure fields take input
  await fillDropinCard(sdkPage, "4000 0000 0000 0002");
  await sdkPage.locator("#pay-creditCard").click();
  await expect(sdkPage.locator("#fe-creditCard")).not.toBeEmpty();
  await secure(sdkPage, "num").fill("4242 4242 4242 4242");
  await sdkPage.locator("#save-creditCard").check();
  // Three submits in one task: one request, one outcome.
  await sdkPage.evaluate(() => {
    const b = document.querySelector(".paysession-dropin").shadowRoot.getElementById("pay-creditCard");
    b.click(); b.click(); b.form.requestSubmit();
  });
  await sdkPage.waitForFunction(() => events.some((e) => e[0] === "success"));
  await sdkPage.waitForTimeout(500);
  const events = await sdkPage.evaluate(() => window.events);
  expect(events.map((e) => e[0])).toEqual(["ready", "error", "success"]);
  expect(events[1][1]).toBe("card_declined");
  expect(events[2].slice(2)).toEqual([true, true]);
  await expect(sdkPage.locator("#pay-creditCard")).toBeDisabled();
});

test("mount → onReady time (printed, not asserted)", async ({ sdkPage }) => {
  // onReady waits for the card's secure fields (three frames of the fields origin).
  test.setTimeout(120_000);
  const s = await createSession({ country: "NL" });
  const t = await sdkPage.evaluate(async ({ api, pk, sid }) => {
    const p = new PaySession(pk, { apiBase: api });
    const warm = [], cold = [];
    for (let i = 0; i < 15; i++) {
      for (const [list, wait] of [[warm, 300], [cold, 0]]) {
        let t0 = 0;
        const done = new Promise((resolve) => {
          const d = p.createDropin({ sessionId: sid, onReady: () => resolve([performance.now() - t0, d]) });
          setTimeout(() => { t0 = performance.now(); d.mount("drop-in"); }, wait);
        });
        const [ms, d] = await done;
        list.push(ms);
        d.unmount();
      }
    }
    const median = (a) => a.sort((x, y) => x - y)[a.length >> 1];
    return { warm: median(warm), cold: median(cold) };
  }, { api: API, pk: PK, sid: s.id });
  console.log(`mount → onReady (card fields ready) median over 15: ${t.warm.toFixed(2)} ms (createDropin 300 ms earlier), ${t.cold.toFixed(2)} ms (createDropin then mount at once)`);
  expect(t.warm).toBeGreaterThanOrEqual(0);
});
