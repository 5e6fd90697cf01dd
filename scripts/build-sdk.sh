#!/usr/bin/env bash
# Builds the JavaScript SDK: the root crate `paysession` to wasm32, then
#   pkg/      wasm-bindgen --target bundler (the npm package)
#   pkg-web/  wasm-bindgen --target web     (a plain <script type="module">)
# each optimised with binaryen's wasm-opt -Oz from the npm package `binaryen`
# (never Debian's /usr/bin/wasm-opt), and prints the brotli -q 11 size of
# wasm + JS glue (the drop-in's CSS is inside the wasm) against the 57,600 B budget
# of SDK + drop-in.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUDGET=${PAYSESSION_SIZE_BUDGET:-57600}

WASM_BINDGEN=${WASM_BINDGEN:-$ROOT/.tools/bin/wasm-bindgen}
WASM_OPT=$ROOT/node_modules/.bin/wasm-opt
[ -x "$WASM_BINDGEN" ] || { echo "build-sdk: $WASM_BINDGEN missing (run scripts/setup.sh)" >&2; exit 1; }
[ -x "$WASM_OPT" ] && [ -x node_modules/.bin/esbuild ] || npm install --no-audit --no-fund >/dev/null
command -v brotli >/dev/null || { echo "build-sdk: brotli CLI missing (apt-get install brotli)" >&2; exit 1; }

want=$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"/\1/p}' Cargo.lock | head -1)
have=$("$WASM_BINDGEN" --version | awk '{print $2}')
if [ -n "$want" ] && [ "$want" != "$have" ]; then
  echo "build-sdk: wasm-bindgen CLI $have does not match the crate $want" >&2; exit 1
fi

TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
cargo build --release --target wasm32-unknown-unknown -p paysession
WASM=$TARGET_DIR/wasm32-unknown-unknown/release/paysession.wasm

# The glue's import names carry a 16-hex-digit hash each (__wbg_fetch_1a2b…),
# which neither brotli nor a JS minifier can shrink: rename every import from
# ./paysession_bg.js to a short `_$<n>`, in the wasm import section and in the
# glue alike (-2.7 KB brotli). Exports (memory, class methods) keep their names.
minify_imports() {
  node --input-type=module - "$1" <<'NODE'
import fs from "node:fs";
const dir = process.argv.at(-1);
const wasmPath = `${dir}/paysession_bg.wasm`;
const buf = fs.readFileSync(wasmPath);
let p = 8;
const uleb = () => { let r = 0, s = 0, b; do { b = buf[p++]; r |= (b & 0x7f) << s; s += 7; } while (b & 0x80); return r >>> 0; };
const enc = (n) => { const o = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; o.push(b); } while (n); return Buffer.from(o); };
const str = () => { const n = uleb(); const s = buf.toString("utf8", p, p + n); p += n; return s; };
const estr = (s) => { const b = Buffer.from(s, "utf8"); return Buffer.concat([enc(b.length), b]); };
const out = [buf.subarray(0, 8)];
const map = new Map();
let idx = 0;
const name = (i) => "_$" + i.toString(36);
while (p < buf.length) {
  const id = buf[p++]; const size = uleb(); const start = p, end = p + size;
  if (id !== 2) { out.push(Buffer.from([id]), enc(size), buf.subarray(start, end)); p = end; continue; }
  const count = uleb(); const parts = [enc(count)];
  for (let i = 0; i < count; i++) {
    const mod = str(); const field = str(); const descStart = p;
    const kind = buf[p++];
    if (kind === 0) uleb();
    else if (kind === 1) { p++; const f = buf[p++]; uleb(); if (f & 1) uleb(); }
    else if (kind === 2) { const f = buf[p++]; uleb(); if (f & 1) uleb(); }
    else if (kind === 3) { p += 2; }
    else if (kind === 4) { p++; uleb(); }
    let nf = field;
    if (mod === "./paysession_bg.js" && /^__wb/.test(field)) { if (!map.has(field)) map.set(field, name(idx++)); nf = map.get(field); }
    parts.push(estr(mod), estr(nf), buf.subarray(descStart, p));
  }
  if (p !== end) throw new Error("import section parse mismatch");
  const body = Buffer.concat(parts);
  out.push(Buffer.from([2]), enc(body.length), body);
}
fs.writeFileSync(wasmPath, Buffer.concat(out));
for (const f of fs.readdirSync(dir).filter((f) => /\.js$/.test(f))) {
  let js = fs.readFileSync(`${dir}/${f}`, "utf8");
  for (const [a, b] of [...map].sort((x, y) => y[0].length - x[0].length)) js = js.split(a).join(b);
  fs.writeFileSync(`${dir}/${f}`, js);
}
console.error(`minify-imports: ${map.size} imports renamed in ${dir}`);
NODE
}

for t in bundler:pkg web:pkg-web; do
  target=${t%%:*}; out=${t##*:}
  rm -rf "$out.tmp"
  "$WASM_BINDGEN" --target "$target" --out-dir "$out.tmp" --out-name paysession "$WASM"
  "$WASM_OPT" -Oz --converge --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$out.tmp/paysession_bg.wasm" -o "$out.tmp/paysession_bg.opt.wasm"
  mv "$out.tmp/paysession_bg.opt.wasm" "$out.tmp/paysession_bg.wasm"
  minify_imports "$out.tmp"
  rm -rf "$out"; mv "$out.tmp" "$out"
done

# The no-bundler build ships as is: minify its JS glue (a bundler does this
# for pkg/). Export names and import.meta.url are kept.
"$ROOT/node_modules/.bin/esbuild" --minify --format=esm --log-level=warning \
  pkg-web/paysession.js --outfile=pkg-web/paysession.min.js
mv pkg-web/paysession.min.js pkg-web/paysession.js

# package.json of the npm package (wasm-bindgen alone does not write one).
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
cat > pkg/package.json <<JSON
{
  "name": "paysession",
  "version": "$version",
  "description": "Client payments SDK in WebAssembly: payment sessions, sources and a drop-in widget.",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "main": "paysession.js",
  "module": "paysession.js",
  "types": "paysession.d.ts",
  "files": ["paysession_bg.wasm", "paysession.js", "paysession_bg.js", "paysession.d.ts", "paysession_bg.wasm.d.ts"],
  "sideEffects": ["./paysession.js", "./snippets/*"]
}
JSON

size() { wc -c < "$1" | tr -d ' '; }
br() { brotli -q 11 -c "$1" | wc -c | tr -d ' '; }
report() {
  local dir=$1; shift
  local raw=0 comp=0 f
  for f in "$@"; do raw=$((raw + $(size "$dir/$f"))); comp=$((comp + $(br "$dir/$f"))); done
  printf '%-8s wasm+JS: %6d B raw, %6d B brotli (%s)\n' "$dir" "$raw" "$comp" "$*" >&2
  echo "$comp"
}
echo "sizes (brotli -q 11):"
web=$(report pkg-web paysession_bg.wasm paysession.js)
report pkg paysession_bg.wasm paysession.js paysession_bg.js >/dev/null
printf 'wasm alone: %d B raw, %d B brotli\n' "$(size pkg-web/paysession_bg.wasm)" "$(br pkg-web/paysession_bg.wasm)"
if [ "$web" -gt "$BUDGET" ]; then
  echo "build-sdk: over budget: $web > $BUDGET bytes brotli" >&2; exit 1
fi
echo "build-sdk: within budget ($web <= $BUDGET bytes brotli)"
