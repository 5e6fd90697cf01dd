// Node side of the lab page (bench/lab/lab.js): createSource overhead against
// a raw fetch, and memory across mount/unmount cycles, each in its own fresh
// headless Chromium.
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { launch, stats } from "./ready.mjs";

/** Writes out/lab/index.html (the lab bundle and a mount target). */
export function writeLabPage(outDir) {
  mkdirSync(join(outDir, "lab"), { recursive: true });
  writeFileSync(join(outDir, "lab", "index.html"), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>lab</title>
<script src="lab.js"></script></head><body><div id="dropin"></div></body></html>`);
}

async function openLab(pageUrl, extraArgs) {
  const b = await launch(extraArgs);
  try {
    await b.page.goto(pageUrl);
    await b.page.waitForFunction(() => window.labReady === true, null, { timeout: 20000 });
    return b;
  } catch (e) {
    await b.close();
    throw e;
  }
}

/** {sdk, raw: stats in ms, ratio: median sdk / median raw, iterations, requestBytes}. */
export async function measureCreateSource(pageUrl, { apiBase, sessionId, iterations }) {
  const b = await openLab(pageUrl);
  try {
    const r = await b.page.evaluate((a) => window.labCreateSource(a), { apiBase, sessionId, iterations });
    const sdk = stats(r.sdk), raw = stats(r.raw);
    const phases = Object.fromEntries(Object.entries(r.phases).map(([k, xs]) => [k, stats(xs)]));
    return { iterations, sdk, raw, ratio: sdk.median / raw.median, phases, requestBytes: r.requestBytes, headers: r.headers };
  } finally {
    await b.close();
  }
}

/** Memory after mount and after `cycles` mount/unmount cycles, with the growth. */
export async function measureMemory(pageUrl, { apiBase, sessionId, cycles, captures = true }) {
  const b = await openLab(pageUrl, ["--enable-precise-memory-info", "--js-flags=--expose-gc"]);
  try {
    const r = await b.page.evaluate((a) => window.labMemory(a), { apiBase, sessionId, cycles, captures });
    return {
      ...r,
      wasmGrowth: r.afterCycles.wasmBytes - r.afterMount.wasmBytes,
      heapGrowth: r.afterCycles.jsHeapUsed - r.afterMount.jsHeapUsed,
      domGrowth: r.afterCycles.domNodes - r.afterMount.domNodes,
    };
  } finally {
    await b.close();
  }
}
