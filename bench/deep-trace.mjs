// One cold load of the drop-in bench page with Chromium's own tracing on
// (--trace-startup), then where mount() → onReady went: each card frame's
// navigation as the browser process saw it (begun, redirected, response,
// commit sent, committed), each renderer's main-thread busy time by kind of
// work, and the requests. A diagnosis tool beside bench/trace.mjs (which
// gives the medians over many loads); bench/analysis.md quotes its output.
//   PAYSESSION_FIELDS_HOST=localhost PAYSESSION_PROFILE=release \
//     bash scripts/with-server.sh node bench/deep-trace.mjs [--variant paysession] [--out trace.json]
// (the bench pages come from an earlier `npm run bench`; the trace file can be
// opened in chrome://tracing or Perfetto).
import { readFileSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { serve } from "./serve.mjs";
import { OUT } from "./sizes.mjs";
import { launch, HARNESS } from "./ready.mjs";
import { createSession } from "./load.mjs";

const arg = (k, d) => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : d; };
const api = arg("--api", process.env.PAYSESSION_API), variant = arg("--variant", "paysession");
const file = arg("--out", join(mkdtempSync(join(tmpdir(), "deep-trace-")), "trace.json"));
const cats = ["devtools.timeline", "loading", "navigation", "toplevel", "v8", "v8.execute", "blink", "browser", "content", "disabled-by-default-devtools.timeline", "blink.user_timing"].join(",");
writeFileSync(join(OUT, "harness.js"), HARNESS);
const site = await serve(OUT);
const b = await launch([`--trace-startup=${cats}`, `--trace-startup-file=${file}`, "--trace-startup-duration=8", "--trace-startup-format=json"]);
let r;
try {
  await b.page.goto(`${site.url}/${variant}/index.html?api=${encodeURIComponent(api)}&session=${await createSession(api)}`);
  r = await b.page.waitForFunction(() => window.__bench, null, { timeout: 20000 }).then((h) => h.jsonValue());
  r.origin = await b.page.evaluate(() => performance.timeOrigin);
  // Chromium writes the trace when --trace-startup-duration has passed.
  await new Promise((res) => setTimeout(res, 8500));
} finally {
  await b.close();
  await site.close();
}
for (let i = 0; i < 50 && !existsSync(file); i++) await new Promise((res) => setTimeout(res, 100));
const ev = JSON.parse(readFileSync(file, "utf8")).traceEvents;
const names = {};
for (const e of ev) if (e.ph === "M" && e.name === "process_name") names[e.pid] = e.args.name;
// The page's clock in the trace: the harness marks "bench:mount" as it calls mount().
const mark = ev.find((e) => e.name === "bench:mount");
if (!mark) throw new Error("the bench:mount mark is not in the trace");
const mountAt = mark.ts, readyAt = mark.ts + (r.navToReady - r.mountStart) * 1000;
const ms = (us) => (us / 1000).toFixed(1).padStart(7);
console.log(`mount() at ${r.mountStart.toFixed(1)} ms, onReady at ${r.navToReady.toFixed(1)} ms (page clock); times below in ms after mount()`);
// Each card frame's navigation, from the browser process: begun, redirected
// (the API's /hosted/field), response, commit sent, commit done.
const steps = { "RenderFrameHostImpl::BeginNavigation": "begun", "NavigationRequest::OnRequestRedirected": "redirected",
  "NavigationRequest::OnResponseStarted": "response", "NavigationRequest::CommitNavigation": "commit sent", "RenderFrameHostImpl::DidCommitNavigation": "committed" };
const browser = ev.filter((e) => e.ph === "X" && steps[e.name] && e.ts > mountAt - 5000 && e.ts < readyAt + 5000 && names[e.pid] === "Browser").sort((a, b) => a.ts - b.ts);
console.log("\nnavigations (browser process):");
for (const e of browser) {
  const node = JSON.stringify(e.args || {}).match(/frame_tree_node_id":(\d+)/);
  console.log(`${ms(e.ts - mountAt)}  ${steps[e.name]}${node ? ` (frame ${node[1]})` : ""}`);
}
// Each renderer's main thread: busy time inside [mount, onReady] by kind of work.
const kinds = [["commit", /CommitNavigation$/], ["parse", /HTMLDocumentParser|ParseHTML/], ["script", /EvaluateScript|v8\.run|FunctionCall|v8\.callFunction|RunMicrotasks/],
  ["style+layout", /UpdateStyleAndLayout|UpdateLifecycle/], ["frame set-up", /CreateFrame|CreateWebView|createChildFrame|LoadOrRedirectSubframe/], ["messages", /PostMessageEvent/]];
const mains = {};
for (const e of ev) if (e.ph === "M" && e.name === "thread_name" && e.args.name === "CrRendererMain") mains[e.pid] = e.tid;
console.log("\nrenderer main threads, busy ms inside mount → onReady (top-level tasks; of which by kind):");
for (const [pid, tid] of Object.entries(mains)) {
  const tasks = ev.filter((e) => e.pid === +pid && e.tid === tid && e.ph === "X" && e.name === "ThreadControllerImpl::RunTask");
  let busy = 0;
  for (const t of tasks) busy += Math.max(0, Math.min(t.ts + t.dur, readyAt) - Math.max(t.ts, mountAt));
  if (busy < 1000) continue;
  // Each kind counts its outermost events only (a parse that runs a script counts as parse and as script).
  const by = {}, until = {};
  for (const e of ev.filter((e) => e.pid === +pid && e.tid === tid && e.ph === "X" && e.dur).sort((a, b) => a.ts - b.ts)) {
    const k = kinds.find(([, re]) => re.test(e.name));
    if (!k || e.ts < (until[k[0]] || 0)) continue;
    until[k[0]] = e.ts + e.dur;
    by[k[0]] = (by[k[0]] || 0) + Math.max(0, Math.min(e.ts + e.dur, readyAt) - Math.max(e.ts, mountAt));
  }
  const docs = new Set(ev.filter((e) => e.pid === +pid && e.name === "ResourceSendRequest").map((e) => new URL(e.args.data.url).origin));
  console.log(`${ms(busy)}  renderer ${pid} (${[...docs].join(", ")}): ` + Object.entries(by).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`).join(", ") + " (kinds overlap when nested)");
}
console.log("\nrequests (renderers):");
for (const e of ev.filter((e) => e.name === "ResourceSendRequest" && e.ts > mountAt - 5000 && e.ts < readyAt && !/^(chrome|data):/.test(e.args.data.url)).sort((a, b) => a.ts - b.ts)) {
  const fin = ev.find((f) => f.name === "ResourceFinish" && f.args?.data?.requestId === e.args.data.requestId);
  console.log(`${ms(e.ts - mountAt)} → ${fin ? ms(fin.ts - mountAt) : "      ?"}  ${e.args.data.url.replace(/[?#].*/, "")}`);
}
