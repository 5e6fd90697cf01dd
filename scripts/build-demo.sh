#!/usr/bin/env bash
# Builds the demo storefront (www/) with webpack into www/dist, importing the SDK
# from pkg/ (run scripts/build-sdk.sh first; `npm start` does both), then
# compresses each script, style sheet and wasm module of at least 1 KB once,
# here, beside it: NAME.br (brotli -q 11) and NAME.gz (gzip -9). The server sends
# these copies to a client that accepts them instead of compressing per request
# (crates/server/src/delivery.rs; its MIN_COMPRESS is the same 1 KB).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f pkg/paysession.js ] || bash scripts/build-sdk.sh
npx webpack --config webpack.config.js --mode production --no-stats
node --input-type=module - www/dist <<'JS'
import { readdirSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { join, extname } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";
const dir = process.argv[2];
const kinds = new Set([".js", ".mjs", ".css", ".wasm", ".svg", ".json", ".txt", ".map"]);
let raw = 0, br = 0;
for (const f of readdirSync(dir)) {
  const p = join(dir, f);
  if (!kinds.has(extname(f)) || !statSync(p).isFile()) continue;
  const data = readFileSync(p);
  if (data.length < 1024) continue;
  const b = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
  writeFileSync(p + ".br", b);
  writeFileSync(p + ".gz", gzipSync(data, { level: 9 }));
  raw += data.length; br += b.length;
}
console.log(`demo: precompressed ${raw} B of scripts, styles and wasm to ${br} B (brotli)`);
JS
echo "demo: built www/dist ($(du -sh www/dist | cut -f1))"
