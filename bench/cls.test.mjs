// The bench's demo is rebuilt when it is older than what it is built from
// (bench/cls.mjs `demoStale`): the CLS and Lighthouse rows of a run once
// measured a www/dist left from an older SDK.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync, utimesSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { demoStale } from "./cls.mjs";

test("the demo is rebuilt for the CLS and Lighthouse rows when pkg/ or its sources are newer than www/dist", () => {
  const root = mkdtempSync(join(tmpdir(), "demo-stale-"));
  try {
    const at = (p, s) => { mkdirSync(dirname(join(root, p)), { recursive: true }); writeFileSync(join(root, p), ""); utimesSync(join(root, p), s, s); };
    assert.equal(demoStale(root), true, "no www/dist: stale");
    at("pkg/paysession_bg.wasm", 1000); at("www/src/main.js", 1000); at("www/dist/index.html", 2000);
    assert.equal(demoStale(root), false, "built after everything it is built from");
    at("pkg/snippets/x/src/http/attempt.js", 3000);
    assert.equal(demoStale(root), true, "an SDK file newer than the build");
    at("www/dist/index.html", 4000);
    assert.equal(demoStale(root), false);
    at("www/src/main.js", 5000);
    assert.equal(demoStale(root), true, "a demo source newer than the build");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
