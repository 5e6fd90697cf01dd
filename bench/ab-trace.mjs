// A/B of the drop-in's mount → ready breakdown (bench/trace.mjs) for two SDK
// builds, loads interleaved: node bench/ab-trace.mjs --api URL --a /tree-a/pkg
// --b /tree-b/pkg [--loads 10]. Each build is bundled by webpack like the bench's
// paysession variant (PAYSESSION_PKG); prints the medians side by side.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "./serve.mjs";
import { OUT } from "./sizes.mjs";
import { writePage, HARNESS } from "./ready.mjs";
import { traceOnce } from "./trace.mjs";
import { createSession } from "./load.mjs";
import { stats } from "./ready.mjs";
import { writeFileSync } from "node:fs";

const BENCH = fileURLToPath(new URL(".", import.meta.url));
const arg = (k, d) => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : d; };
const api = arg("--api", process.env.PAYSESSION_API), loads = +arg("--loads", 10);
const builds = { a: arg("--a"), b: arg("--b") };
mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, "harness.js"), HARNESS);
for (const [k, pkg] of Object.entries(builds)) {
  const r = spawnSync(join(BENCH, "node_modules", ".bin", "webpack"), ["--config", "webpack.config.js", "--config-name", "paysession"], { cwd: BENCH, encoding: "utf8", env: { ...process.env, PAYSESSION_PKG: pkg } });
  if (r.status !== 0) throw new Error(r.stdout.slice(-2000));
  rmSync(join(OUT, `ab-${k}`), { recursive: true, force: true });
  cpSync(join(OUT, "paysession"), join(OUT, `ab-${k}`), { recursive: true });
  writePage(OUT, `ab-${k}`, ["paysession.js"]);
}
const site = await serve(OUT);
const keys = ["frameStart", "documents", "scripts", "answer", "ready", "keystroke"];
const got = { a: Object.fromEntries(keys.map((k) => [k, []])), b: Object.fromEntries(keys.map((k) => [k, []])) };
for (let i = 0; i < loads; i++) {
  for (const v of ["a", "b"]) {
    const t = await traceOnce(`${site.url}/ab-${v}/index.html?api=${encodeURIComponent(api)}&session=${await createSession(api)}`).catch((e) => ({ error: e.message }));
    if (t.error) { console.log(`${v}: ${t.error}`); continue; }
    for (const k of keys) if (t[k] != null && Number.isFinite(t[k])) got[v][k].push(t[k]);
  }
}
await site.close();
console.log(`medians over ${loads} interleaved cold loads, ms after mount():`);
for (const k of keys) {
  const m = (v) => (got[v][k].length ? stats(got[v][k]).median.toFixed(1) : "–");
  console.log(`${k.padEnd(11)} a ${m("a").padStart(7)}   b ${m("b").padStart(7)}`);
}
