// Bytes shipped to a shopper: raw, gzip -9 and brotli -q 11 of every JS, CSS
// and wasm file webpack emitted for each variant. Prints a table and writes JSON.
import { readdirSync, readFileSync, statSync, writeFileSync, existsSync } from "node:fs";
import { join, extname } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const out = new URL("./out/", import.meta.url).pathname;
const kinds = new Set([".js", ".css", ".wasm"]);

function measure(dir) {
  const files = readdirSync(dir).filter((f) => kinds.has(extname(f)) && statSync(join(dir, f)).isFile());
  const sum = { raw: 0, gzip: 0, brotli: 0, files: [] };
  for (const f of files) {
    const buf = readFileSync(join(dir, f));
    const gz = gzipSync(buf, { level: 9 }).length;
    const br = brotliCompressSync(buf, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
    }).length;
    sum.raw += buf.length; sum.gzip += gz; sum.brotli += br;
    sum.files.push({ file: f, raw: buf.length, gzip: gz, brotli: br });
  }
  return sum;
}

const kb = (n) => (n / 1000).toFixed(1); // decimal kB, as the published figures
const results = {};
for (const name of ["paysession", "adyen", "braintree"]) {
  const dir = join(out, name);
  if (existsSync(dir)) results[name] = measure(dir);
}
console.log("variant       raw kB   gzip kB  brotli kB  files");
for (const [name, r] of Object.entries(results)) {
  console.log(`${name.padEnd(12)} ${kb(r.raw).padStart(7)} ${kb(r.gzip).padStart(9)} ${kb(r.brotli).padStart(10)}  ${r.files.map((f) => f.file).join(", ")}`);
}
if (results.paysession && results.adyen) {
  console.log(`paysession / adyen brotli ratio: ${(results.paysession.brotli / results.adyen.brotli).toFixed(3)}`);
}
writeFileSync(join(out, "sizes.json"), JSON.stringify(results, null, 2));
