// Cold loads of a bench page with V8's CPU profiler on: where the page's
// main thread spends mount() → onReady (self time by function, top 30,
// averaged over the loads). The window is placed from the profile's start
// (taken just before the navigation) by the page's own navigation → mount
// and → ready times, so it sits early by the few ms between the profiler's
// start and the navigation's: read it as "about mount → ready".
//   PAYSESSION_FIELDS_HOST=localhost bash scripts/with-server.sh node bench/profile-mount.mjs [--variant paysession]
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { serve } from "./serve.mjs";
import { OUT } from "./sizes.mjs";
import { launch, HARNESS } from "./ready.mjs";
import { createSession } from "./load.mjs";

const arg = (k, d) => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : d; };
const api = arg("--api", process.env.PAYSESSION_API), variant = arg("--variant", "paysession"), loads = +arg("--loads", 3);
writeFileSync(join(OUT, "harness.js"), HARNESS);
const site = await serve(OUT);
const total = new Map();
for (let i = 0; i < loads; i++) {
  const b = await launch();
  try {
    const cdp = await b.page.context().newCDPSession(b.page);
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
    await cdp.send("Profiler.start");
    await b.page.goto(`${site.url}/${variant}/index.html?api=${encodeURIComponent(api)}&session=${await createSession(api)}`);
    const r = await b.page.waitForFunction(() => window.__bench, null, { timeout: 20000 }).then((h) => h.jsonValue());
    const { profile } = await cdp.send("Profiler.stop");
    // Sample times are µs on the profile's clock; the window is the last mountToReady ms before the end of the samples up to ready.
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    let t = profile.startTime;
    const times = profile.timeDeltas.map((d) => (t += d));
    const readyAt = profile.startTime + r.navToReady * 1000 - 0; // timeOrigin ≈ profile start (navigation)
    const from = readyAt - r.mountToReady * 1000;
    profile.samples.forEach((id, k) => {
      if (times[k] < from || times[k] > readyAt) return;
      const n = byId.get(id), f = n.callFrame;
      const key = `${f.functionName || "(anon)"} ${f.url.split("/").pop()}:${f.lineNumber}`;
      total.set(key, (total.get(key) || 0) + (profile.timeDeltas[k] || 0) / 1000);
    });
    console.log(`load ${i + 1}: mount → ready ${r.mountToReady.toFixed(1)} ms`);
  } finally {
    await b.close();
  }
}
await site.close();
const rows = [...total.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30);
for (const [k, ms] of rows) console.log(`${(ms / loads).toFixed(1).padStart(7)}  ${k}`);
