// Where mount() → onReady goes for the drop-in with secure fields, from the
// browser's own timestamps (Navigation and Resource Timing of the page and of
// each card frame's document, all on the epoch clock: performance.timeOrigin +
// performance.now() is comparable across the page's and the frames'
// processes). One cold load per sample (a fresh profile), like bench/ready.mjs.
// Also: drop-in mount() → the first keystroke accepted in the number field
// (the keystroke is sent as soon as onReady fires; its `input` event in the
// frame is the time).
import { launch, stats } from "./ready.mjs";

/** One cold load of `url` (a bench page of the paysession drop-in): the phases in ms from mount(). */
export async function traceOnce(url) {
  const b = await launch();
  try {
    const page = b.page;
    await page.goto(url);
    const r = await page.waitForFunction(() => window.__bench, null, { timeout: 20000 }).then((h) => h.jsonValue());
    if (r.error) throw new Error(r.error);
    const pageT = await page.evaluate(() => {
      const res = performance.getEntriesByType("resource");
      const pm = res.find((e) => e.name.includes("/payment-methods"));
      return { origin: performance.timeOrigin, answer: pm ? pm.responseEnd : null, asked: pm ? pm.startTime : null };
    });
    const mount = pageT.origin + r.mountStart;
    const ready = pageT.origin + r.navToReady;
    const frames = page.frames().filter((f) => /\/field\?/.test(f.url()));
    const ft = [];
    for (const f of frames) {
      ft.push(await f.evaluate(() => {
        const n = performance.getEntriesByType("navigation")[0];
        const js = performance.getEntriesByType("resource").find((e) => /\/field[.\w]*\.js/.test(e.name));
        const o = performance.timeOrigin;
        return { start: o, response: o + n.responseEnd, parsed: o + n.domInteractive, script: js ? o + js.responseEnd : null, ran: o + n.domContentLoadedEventEnd };
      }));
    }
    // The first keystroke: focus the number field as a shopper's click on its label would, type one digit.
    // (The card frame, t=card, holds the number as #num; before, the number was a frame of its own.)
    const num = frames.find((f) => /t=card(number)?&/.test(f.url()));
    let keystroke = null;
    if (num) {
      await num.evaluate(() => (document.querySelector("#num") || document.querySelector("input")).addEventListener("input", () => { window.__in = performance.timeOrigin + performance.now(); }, { once: true }));
      await page.evaluate(() => document.querySelector(".paysession-dropin")?.shadowRoot.querySelector("label[for=card], label[for=num]")?.click());
      await page.keyboard.type("4");
      const t = await num.waitForFunction(() => window.__in, null, { timeout: 5000 }).then((h) => h.jsonValue()).catch(() => null);
      if (t) keystroke = t - mount;
    }
    const last = (k) => Math.max(...ft.map((x) => x[k] ?? 0));
    const first = (k) => Math.min(...ft.map((x) => x[k] ?? Infinity));
    return {
      frames: ft.length,
      // mount() → the first frame's navigation starts (frame element made and its navigation begun)
      frameStart: first("start") - mount,
      // → the last frame's document is in (through the API's redirect when no fieldsBase)
      documents: last("response") - mount,
      // → the last frame's script has run (parsed, field.js fetched, run: it configures
      // itself from its URL and says ready; an SDK before that, hi)
      scripts: last("ran") - mount,
      // the payment-methods answer, from mount()
      answer: pageT.answer == null ? null : pageT.origin + pageT.answer - mount,
      // → onReady (the frames' ready reaching the page, render; before: hi → cfg → ready)
      ready: ready - mount,
      keystroke,
    };
  } finally {
    await b.close();
  }
}

/** `loads` cold loads; the median of each phase. `url()` gives one load's URL. */
export async function measureTrace(url, loads) {
  const keys = ["frameStart", "documents", "scripts", "answer", "ready", "keystroke"];
  const got = Object.fromEntries(keys.map((k) => [k, []]));
  const errors = [];
  for (let i = 0; i < loads; i++) {
    try {
      const t = await traceOnce(await url());
      for (const k of keys) if (t[k] != null && Number.isFinite(t[k])) got[k].push(t[k]);
    } catch (e) {
      errors.push(String(e.message || e).split("\n")[0]);
    }
  }
  return { ...Object.fromEntries(keys.map((k) => [k, got[k].length ? stats(got[k]) : null])), errors };
}
