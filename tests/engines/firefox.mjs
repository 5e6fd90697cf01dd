// The engine driver for Firefox ESR (Debian's `firefox-esr`): puppeteer-core
// over WebDriver BiDi, no geckodriver, one browser and one page for a whole
// run. Implements the small driver interface of tests/engines/driver.mjs.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEEP } from "./driver.mjs";

// The browser as the bench launches it (puppeteer-core is one of bench/'s
// packages; scripts/setup.sh installs them for `npm test`).
import { launchFirefox } from "../../bench/firefox.mjs";

const KEYS = { Tab: "Tab", Enter: "Enter", Space: " ", Escape: "Escape", Backspace: "Backspace" };

export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), "engines-firefox-"));
  const browser = await launchFirefox(profile);
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e && e.message || e)));
  // Waits (up to 10 s) for the element, as Playwright's locators do: a click
  // that navigates (the demo's "#again") leaves the next lookup racing the
  // new page, which must not fail the step.
  const el = async (sel) => {
    for (const end = Date.now() + 10_000; ; await new Promise((r) => setTimeout(r, 40))) {
      const h = await page.evaluateHandle(`(${DEEP})(${JSON.stringify(sel)})`).catch(() => null);
      const e = h && h.asElement();
      if (e) return e;
      if (Date.now() > end) throw new Error(`no element ${sel}`);
    }
  };
  const frame = async (sel) => {
    const f = await (await el(sel)).contentFrame();
    if (!f) throw new Error(`no frame in ${sel}`);
    return f;
  };
  return {
    name: "firefox",
    version: await browser.version(),
    // Not page.goto: leaving a page whose cross-origin card frames were mounted,
    // its promise never settled here (Firefox 153, puppeteer-core 25) though the
    // new page had loaded. The page is marked, sent away, and the new one awaited.
    async goto(url) {
      await page.evaluate(`window.__leaving = 1; location.href = ${JSON.stringify(url)}`);
      const ready = `!window.__leaving && location.href === ${JSON.stringify(url)} && document.readyState === "complete"`;
      for (const end = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 40))) {
        if (await page.evaluate(ready).catch(() => false)) return;
        if (Date.now() > end) throw new Error(`${url} did not load in 30 s`);
      }
    },
    async run(src, arg) { return page.evaluate(`(${src})(${JSON.stringify(arg ?? null)})`); },
    /** `src(arg)` run synchronously, one check per call (driver.mjs `until`): an async
     * poll still running in the page when a click navigates it away once never
     * answered (a `script.evaluate` timeout of 180 s, the PayPal scenario at load 11).
     * A call that gets no answer in 5 s fails, and the wait asks again. */
    async runSync(src, arg) {
      let timer;
      const late = new Promise((_, no) => { timer = setTimeout(() => no(new Error("no answer in 5 s")), 5_000); });
      try { return await Promise.race([this.run(src, arg), late]); } finally { clearTimeout(timer); }
    },
    async click(sel) { await (await el(sel)).click(); },
    async type(sel, text) { await (await el(sel)).type(text); },
    async frameType(sel, text, inner = "input") {
      const input = await (await frame(sel)).waitForSelector(inner, { timeout: 15_000 });
      await input.type(text);
    },
    async frameRun(sel, src, arg) { return (await frame(sel)).evaluate(`(${src})(${JSON.stringify(arg ?? null)})`); },
    async press(key) { await page.keyboard.press(KEYS[key] || key); },
    async keys(text) { await page.keyboard.type(text); },
    async clearCookies() { const c = await page.cookies(); if (c.length) await page.deleteCookie(...c); },
    async screenshot(path) { await page.screenshot({ path }); },
    errors: () => errors.splice(0),
    async close() { await browser.close().catch(() => {}); rmSync(profile, { recursive: true, force: true }); },
  };
}
