// The time-to-ready figures of bench/ready.mjs in Firefox ESR (Debian's
// `firefox-esr`), driven over WebDriver BiDi by puppeteer-core: the same
// pages and harness (window.__bench), a fresh profile per load, variants
// interleaved, loopback only.
import puppeteer from "puppeteer-core";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stats } from "./ready.mjs";

export const FIREFOX = process.env.FIREFOX || "/usr/bin/firefox-esr";

/** Headless Firefox ESR on the profile folder `profile`, loopback only (also
 * the engine tests' browser, tests/engines/firefox.mjs). */
export function launchFirefox(profile) {
  if (!existsSync(FIREFOX)) throw new Error(`${FIREFOX} is missing (scripts/setup.sh installs firefox-esr)`);
  return puppeteer.launch({
    browser: "firefox", executablePath: FIREFOX, headless: true, userDataDir: profile,
    extraPrefsFirefox: {
      // Loopback only: no updates, telemetry, captive-portal or remote settings fetches.
      "network.captive-portal-service.enabled": false, "app.update.enabled": false,
      "datareporting.policy.dataSubmissionEnabled": false, "toolkit.telemetry.enabled": false,
      "browser.safebrowsing.malware.enabled": false, "browser.safebrowsing.phishing.enabled": false,
      "network.dns.disablePrefetch": true, "network.prefetch-next": false,
    },
  });
}

/** `loads` cold loads of each variant in Firefox; {variant: {navToReady, mountToReady, errors}}. */
export async function measureReadyFirefox(variants, loads, url) {
  if (!existsSync(FIREFOX)) throw new Error(`${FIREFOX} is missing (scripts/setup.sh installs firefox-esr)`);
  const samples = Object.fromEntries(variants.map((v) => [v, { navToReady: [], mountToReady: [], errors: [] }]));
  for (let i = 0; i < loads; i++) {
    for (const v of variants) {
      const profile = mkdtempSync(join(tmpdir(), "bench-firefox-"));
      let browser = null;
      try {
        browser = await launchFirefox(profile);
        const page = await browser.newPage();
        await page.goto(await url(v));
        await page.waitForFunction(() => window.__bench, { timeout: 30000 });
        const r = await page.evaluate(() => window.__bench);
        if (r.error) samples[v].errors.push(r.error);
        else { samples[v].navToReady.push(r.navToReady); samples[v].mountToReady.push(r.mountToReady); }
      } catch (e) {
        samples[v].errors.push(String(e.message || e).split("\n")[0]);
      } finally {
        if (browser) await browser.close().catch(() => {});
        rmSync(profile, { recursive: true, force: true });
      }
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([v, s]) => [v, {
    navToReady: s.navToReady.length ? stats(s.navToReady) : null,
    mountToReady: s.mountToReady.length ? stats(s.mountToReady) : null,
    errors: s.errors,
  }]));
}
