// Renames the wasm's imports from ./paysession_bg.js (each wasm-bindgen import
// name carries a 16-hex-digit hash, e.g. __wbg_fetch_1a2b…, which neither brotli
// nor a JS minifier can shrink) to short `_$<n>` names, in the wasm import
// section and in the JS glue alike; likewise the closures' invokers among the
// exports (below). The other exports keep their names.
// Usage: node scripts/minify-imports.mjs DIR [NAME]   (DIR holds NAME_bg.wasm and the
// glue; NAME defaults to paysession)
import fs from "node:fs";
const dir = process.argv[2];
const mod_name = process.argv[3] || "paysession";
const wasmPath = `${dir}/${mod_name}_bg.wasm`;
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
// The closures' invokers are exported under their Rust paths with crate hashes
// (`wasm_bindgen_<hash>___convert__closures_____invoke___js_sys_<hash>___…`,
// up to 334 characters each, in the wasm and again in the glue): `$_<n>`.
const exportMap = new Map();
function exportSection(end) {
  const count = uleb(); const parts = [enc(count)];
  for (let i = 0; i < count; i++) {
    const field = str(); const descStart = p;
    p++; uleb();
    let nf = field;
    if (/^wasm_bindgen_[0-9a-f]{16}___convert__closures/.test(field)) { nf = "$_" + exportMap.size.toString(36); exportMap.set(field, nf); }
    parts.push(estr(nf), buf.subarray(descStart, p));
  }
  if (p !== end) throw new Error("export section parse mismatch");
  const body = Buffer.concat(parts);
  return [enc(body.length), body];
}
while (p < buf.length) {
  const id = buf[p++]; const size = uleb(); const start = p, end = p + size;
  if (id === 7) { out.push(Buffer.from([id]), ...exportSection(end)); continue; }
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
    if (mod === `./${mod_name}_bg.js` && /^__wb/.test(field)) { if (!map.has(field)) map.set(field, name(idx++)); nf = map.get(field); }
    parts.push(estr(mod), estr(nf), buf.subarray(descStart, p));
  }
  if (p !== end) throw new Error("import section parse mismatch");
  const body = Buffer.concat(parts);
  out.push(Buffer.from([2]), enc(body.length), body);
}
fs.writeFileSync(wasmPath, Buffer.concat(out));
const renames = [...map, ...exportMap].sort((x, y) => y[0].length - x[0].length);
for (const f of fs.readdirSync(dir).filter((f) => /\.js$|\.d\.ts$/.test(f))) {
  let js = fs.readFileSync(`${dir}/${f}`, "utf8");
  for (const [a, b] of renames) js = js.split(a).join(b);
  fs.writeFileSync(`${dir}/${f}`, js);
}
console.error(`minify-imports: ${map.size} imports and ${exportMap.size} closure exports renamed in ${dir}`);
