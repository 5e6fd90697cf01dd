// Lighthouse on the demo shop's cart page (issue 21, "the demo as a shop would
// ship it": target ≥ 0.98 in all four categories, mobile and desktop). Prints
// the four scores per form factor and every audit that cost points; a figure,
// not a timed test. Lighthouse (pinned in bench/package.json: 12.2.3, the last
// that runs on Node 20) drives the system Chromium through chrome-launcher on
// loopback, as the other bench rows do.
//
//   node bench/lighthouse.mjs DEMO_URL | --bin SERVER_BINARY  [--check]
// --check exits 1 when a score is under TARGET.
import { createRequire } from "node:module";
import { pathToFileURL, fileURLToPath } from "node:url";
import { withDemoServer } from "./cls.mjs";

export const TARGET = 0.98;
export const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];

/** A module of bench/node_modules (or NODE_PATH), imported. */
async function load(name) {
  const require = createRequire(import.meta.url);
  let path;
  try { path = require.resolve(name); } catch {
    throw new Error(`${name} is not installed: run scripts/setup.sh (it installs bench/'s packages)`);
  }
  return import(pathToFileURL(path).href);
}

/** The four scores of `url` per form factor: {mobile: {scores, lost}, desktop: …}. */
export async function audit(url) {
  const { default: lighthouse } = await load("lighthouse");
  const { default: desktop } = await load("lighthouse/core/config/desktop-config.js");
  const chromeLauncher = await load("chrome-launcher");
  const out = {};
  for (const [form, config] of [["mobile", undefined], ["desktop", desktop]]) {
    // A fresh browser per form factor: no cache or service worker carried over.
    const chrome = await chromeLauncher.launch({
      chromePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      const r = await lighthouse(url, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: CATEGORIES }, config);
      const lhr = r.lhr;
      const scores = Object.fromEntries(CATEGORIES.map((c) => [c, lhr.categories[c].score]));
      const lost = [];
      for (const c of CATEGORIES) {
        for (const ref of lhr.categories[c].auditRefs) {
          const a = lhr.audits[ref.id];
          if (ref.weight > 0 && a.score !== null && a.score < 1) lost.push({ category: c, id: a.id, score: a.score, title: a.title, value: a.displayValue || "" });
        }
      }
      out[form] = { scores, lost, runWarnings: lhr.runWarnings };
    } finally {
      await chrome.kill();
    }
  }
  return out;
}

/** The printed rows. */
export function table(r) {
  const lines = [`| form | ${CATEGORIES.join(" | ")} |`, `|---|${CATEGORIES.map(() => "---").join("|")}|`];
  for (const [form, { scores }] of Object.entries(r)) lines.push(`| ${form} | ${CATEGORIES.map((c) => scores[c]?.toFixed(2) ?? "—").join(" | ")} |`);
  for (const [form, { lost, runWarnings }] of Object.entries(r)) {
    for (const l of lost) lines.push(`${form}: ${l.category} ${l.id} ${l.score}: ${l.title} ${l.value}`);
    for (const w of runWarnings || []) lines.push(`${form}: warning: ${w}`);
  }
  return lines.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [a, b] = process.argv.slice(2);
  if (!a) { console.error("usage: node bench/lighthouse.mjs DEMO_URL | --bin SERVER_BINARY [--check]"); process.exit(2); }
  // The cart page: the demo's first page.
  const r = a === "--bin" ? await withDemoServer(b, (u) => audit(`${u}/`)) : await audit(a);
  console.log(table(r));
  const low = Object.values(r).some(({ scores }) => CATEGORIES.some((c) => !(scores[c] >= TARGET)));
  if (process.argv.includes("--check") && low) process.exit(1);
}
