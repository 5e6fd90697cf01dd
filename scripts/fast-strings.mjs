// Gives the wasm-bindgen glue a fast path for the strings the module passes
// to JavaScript: a short ASCII string (an object key, a tag or class name, a
// header) is built from its bytes instead of through `TextDecoder.decode`,
// whose fixed cost per call in Chromium (≈ 0.6 µs) was most of the time
// such a string took; longer or non-ASCII text still goes through the decoder.
// Fails if the glue's function is not the one expected (a new wasm-bindgen).
// Usage: node scripts/fast-strings.mjs DIR NAME   (DIR holds NAME.js and/or NAME_bg.js)
import fs from "node:fs";
const [dir, name] = process.argv.slice(2);
const ORIGINAL = `function getStringFromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    return decodeText(getUint8ArrayMemory0().subarray(ptr, ptr + len));
}`;
const FAST = `function getStringFromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    const mem = getUint8ArrayMemory0();
    if (len <= 40) {
        let s = "";
        for (let i = ptr, end = ptr + len; i < end; i++) {
            const c = mem[i];
            if (c > 127) return decodeText(mem.subarray(ptr, ptr + len));
            s += String.fromCharCode(c);
        }
        return s;
    }
    return decodeText(mem.subarray(ptr, ptr + len));
}`;
// The fast path must give what the decoder gives: strings of every length
// around the threshold, of one- to four-byte characters (a multi-byte one
// across the threshold too), NUL and DEL, each at an odd offset.
{
  const td = new TextDecoder("utf-8", { ignoreBOM: true });
  const mem = new Uint8Array(1024);
  const fast = new Function("getUint8ArrayMemory0", "decodeText", `${FAST}; return getStringFromWasm0;`)(
    () => mem, (b) => td.decode(b));
  const chars = ["a", "Z", "0", "-", "\0", "\x7f", "é", "ß", "日", "€", "😀", "\ufeff"];
  let seed = 7;
  const rnd = (n) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  for (let len = 0; len <= 90; len++) {
    for (let k = 0; k < 40; k++) {
      let s = "";
      while (new TextEncoder().encode(s).length < len) s += k < 20 ? chars[rnd(6)] : chars[rnd(chars.length)];
      const bytes = new TextEncoder().encode(s);
      mem.set(bytes, 3);
      const got = fast(3, bytes.length), want = td.decode(mem.subarray(3, 3 + bytes.length));
      if (got !== want) throw new Error(`fast-strings: ${JSON.stringify(want)} read as ${JSON.stringify(got)}`);
    }
  }
}
let patched = 0;
for (const f of [`${name}.js`, `${name}_bg.js`]) {
  const p = `${dir}/${f}`;
  if (!fs.existsSync(p)) continue;
  const js = fs.readFileSync(p, "utf8");
  if (!js.includes("function getStringFromWasm0")) continue;
  if (!js.includes(ORIGINAL)) throw new Error(`fast-strings: ${p}: getStringFromWasm0 is not the expected one`);
  fs.writeFileSync(p, js.replace(ORIGINAL, FAST));
  patched++;
}
if (!patched) throw new Error(`fast-strings: no glue with getStringFromWasm0 in ${dir} for ${name}`);
