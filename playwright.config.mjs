// Playwright: the SDK's browser tests (tests/browser) and the end-to-end
// tests of the drop-in and demo (tests/e2e), in Debian's Chromium (never a
// downloaded browser). The backend URL comes from PAYSESSION_API
// (scripts/test-browser.sh or scripts/with-server.sh start it); the demo's URL
// from PAYSESSION_DEMO_URL (scripts/test-e2e.sh starts a server with --demo).
import { defineConfig } from "@playwright/test";

const staticPort = Number(process.env.PAYSESSION_STATIC_PORT || 4174);

export default defineConfig({
  outputDir: "artifacts/test-results",
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: false,
  workers: process.env.CI ? 1 : 2,
  retries: 0,
  reporter: [["list"], ["html", { outputFolder: "artifacts/playwright-report", open: "never" }]],
  use: {
    baseURL: `http://127.0.0.1:${staticPort}`,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "browser", testDir: "tests/browser", testMatch: /.*\.spec\.mjs/ },
    // The demo storefront served by `paysession-server --demo www/dist` (scripts/test-e2e.sh).
    { name: "e2e", testDir: "tests/e2e", testMatch: /.*\.spec\.(mjs|js|ts)/, timeout: 60_000,
      expect: { timeout: 15_000 }, outputDir: "artifacts/e2e-results", use: { baseURL: process.env.PAYSESSION_DEMO_URL } },
  ],
  webServer: {
    command: `node tests/browser/static-server.mjs ${staticPort}`,
    url: `http://127.0.0.1:${staticPort}/tests/browser/pages/index.html`,
    reuseExistingServer: !process.env.CI,
    stdout: "ignore",
  },
});
