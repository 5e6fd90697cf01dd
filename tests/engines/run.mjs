// Runs the named subset (tests/engines/scenarios.mjs) in one engine:
//   node --test-reporter=tap tests/engines/run.mjs firefox|webkit [NAME-PATTERN]
// Needs the backend with the demo (PAYSESSION_API, PAYSESSION_FIELDS: scripts/test-engines.sh
// starts it) and pkg-web/ built. One browser for the whole run, one page reused;
// a static server on a free port for tests/browser/pages. A failed scenario leaves
// a screenshot in artifacts/engines/.
import { after, before, test } from "node:test";
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { scenarios } from "./scenarios.mjs";

const [engine, only] = process.argv.slice(2);
if (!["firefox", "webkit"].includes(engine)) throw new Error("usage: run.mjs firefox|webkit [name]");
if (!process.env.PAYSESSION_API || !process.env.PAYSESSION_FIELDS) throw new Error("PAYSESSION_API / PAYSESSION_FIELDS are not set (run scripts/test-engines.sh)");

let d, server;
const env = { fields: process.env.PAYSESSION_FIELDS };

before(async () => {
  server = spawn(process.execPath, ["tests/browser/static-server.mjs", "0"], { stdio: ["ignore", "pipe", "ignore"] });
  process.on("exit", () => server.kill());
  env.static = await new Promise((ok, fail) => {
    let out = "";
    server.stdout.on("data", (b) => { out += b; const m = /static on (http:\/\/\S+)/.exec(out); if (m) ok(m[1]); });
    server.on("exit", (c) => fail(new Error(`static server exited (${c})`)));
  });
  const t0 = performance.now();
  d = await (await import(`./${engine}.mjs`)).launch();
  console.log(`# ${engine} ${d.version} started in ${Math.round(performance.now() - t0)} ms`);
});

after(async () => {
  if (d) await d.close();
  if (server) server.kill();
});

for (const [i, [name, run, skips = {}]] of scenarios.entries()) {
  if (only && !new RegExp(only).test(name)) continue;
  test(`${engine}: ${name}`, { skip: skips[engine] || false }, async () => {
    try {
      await run(d, env);
      assert(d.errors());
    } catch (e) {
      mkdirSync("artifacts/engines", { recursive: true });
      await d.screenshot(`artifacts/engines/${engine}-${i + 1}.png`).catch(() => {});
      throw e;
    }
  });
}

/** No uncaught page error (where the engine reports them). */
function assert(errors) {
  if (errors.length) throw new Error(`uncaught page errors: ${errors.join(" | ")}`);
}
