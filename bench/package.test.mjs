// The npm package (pkg/) as a storefront's bundler sees it: webpack 5 bundles
// each entry point a page may import — `paysession`, `paysession/dropin`, `paysession/elements`,
// `paysession/card` and `paysession/manage` (an account page's) — without an error or a
// warning, and emits what they load later (the wasm, wallet.js) as assets.
// The package's exports map is what resolves the names.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const webpack = require("webpack");
const PKG = resolve(import.meta.dirname, "..", "pkg");

for (const [name, code] of [
  ["paysession", `import { PaySession } from "paysession"; window.P = PaySession;`],
  ["paysession/dropin", `import { PaySession } from "paysession/dropin"; window.P = PaySession;`],
  ["paysession/elements", `import { PaySession } from "paysession/elements"; window.P = PaySession;`],
  ["paysession/card", `import { PaySession } from "paysession/card"; window.P = PaySession;`],
  ["paysession/manage", `import init, { PaySession } from "paysession/manage"; await init(); window.P = PaySession;`],
]) {
  test(`webpack bundles ${name} without a warning`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "pkg-test-"));
    try {
      mkdirSync(join(dir, "node_modules"));
      symlinkSync(PKG, join(dir, "node_modules", "paysession"));
      writeFileSync(join(dir, "entry.js"), code);
      const stats = await new Promise((ok, fail) => webpack({
        mode: "production", context: dir, entry: "./entry.js", output: { path: join(dir, "dist") },
        experiments: { asyncWebAssembly: true, topLevelAwait: true }, resolve: { symlinks: false },
        performance: { hints: false }, devtool: false,
      }, (e, s) => (e ? fail(e) : ok(s))));
      const { errors, warnings, assets } = stats.toJson({ all: false, errors: true, warnings: true, assets: true });
      assert.deepEqual(errors.map((e) => e.message), []);
      assert.deepEqual(warnings.map((w) => w.message), []);
      const emitted = assets.map((a) => a.name);
      assert.ok(emitted.some((a) => a.endsWith(".wasm")), `no wasm emitted: ${emitted}`);
      if (!["paysession/elements", "paysession/card"].includes(name)) assert.ok(assets.some((a) => a.info?.sourceFilename?.endsWith("wallet.js")), `wallet.js not emitted: ${emitted}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
