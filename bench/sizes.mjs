// Bytes shipped to a shopper: raw, gzip -9 and brotli -q 11 of every JS, CSS
// and wasm file webpack emitted for each variant (the manage module and wallet.js apart). `measureSizes()` returns the
// figures; run directly (`node sizes.mjs`) it prints a table and writes JSON.
import { readdirSync, readFileSync, statSync, writeFileSync, existsSync } from "node:fs";
import { join, extname } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { fileURLToPath } from "node:url";

export const OUT = fileURLToPath(new URL("./out/", import.meta.url));
const kinds = new Set([".js", ".css", ".wasm"]);

// Emitted beside a variant but fetched only for the drop-in's manage flow (an
// account page's, never a checkout's) or for a session that offers a wallet
// the merchant enabled (wallet.js, the wallet buttons; the bench's sessions
// offer none): measured apart, as `lazy`. The smoke test holds both rules to
// the files the timed pages fetch by onReady (bench/ready.mjs).
const LAZY = /^(paysession-manage|wallet)[._]/;

function measure(dir) {
  const files = readdirSync(dir).filter((f) => kinds.has(extname(f)) && statSync(join(dir, f)).isFile()).sort();
  const read = (f) => [f, readFileSync(join(dir, f))];
  const sum = measureBuffers(files.filter((f) => !LAZY.test(f)).map(read));
  const lazy = files.filter((f) => LAZY.test(f));
  if (lazy.length) sum.lazy = measureBuffers(lazy.map(read));
  return sum;
}

/** The secure-field frame as the fields origin serves it: its page and its script. */
export async function measureFrame(fieldsBase) {
  const get = async (path) => {
    const res = await fetch(fieldsBase + path);
    if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  };
  const page = await get(`/field?k=pk_test_default&o=${encodeURIComponent("http://127.0.0.1")}`);
  // The script the page names (a versioned /field.<hash>.js).
  const script = /<script src=["']?([^"' >]+)/.exec(page.toString())?.[1] || "/field.js";
  return measureBuffers([["field (page)", page], [script.replace(/^\//, ""), await get(script)]]);
}

/** The drop-in's one card frame: the page it asks with `i=1`, its own script inline. */
export async function measureCardFrame(fieldsBase) {
  const res = await fetch(`${fieldsBase}/field?k=pk_test_default&o=${encodeURIComponent("http://127.0.0.1")}&i=1`);
  if (!res.ok) throw new Error(`GET /field?…&i=1: ${res.status}`);
  return measureBuffers([["field?i=1 (page, script inline)", Buffer.from(await res.arrayBuffer())]]);
}

function measureBuffers(entries) {
  const sum = { raw: 0, gzip: 0, brotli: 0, files: [] };
  for (const [f, buf] of entries) {
    const gz = gzipSync(buf, { level: 9 }).length;
    const br = brotliCompressSync(buf, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
    }).length;
    sum.raw += buf.length; sum.gzip += gz; sum.brotli += br;
    sum.files.push({ file: f, raw: buf.length, gzip: gz, brotli: br });
  }
  return sum;
}

/** {variant: {raw, gzip, brotli, files: [{file, raw, gzip, brotli}]}} for the variants built in out/. */
export function measureSizes(variants = ["paysession", "paysession-elements", "paysession-card", "adyen", "braintree"], out = OUT) {
  const results = {};
  for (const name of variants) {
    const dir = join(out, name);
    if (existsSync(dir)) results[name] = measure(dir);
  }
  return results;
}

export const kb = (n) => (n / 1000).toFixed(1); // decimal kB, as the published figures

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = measureSizes();
  console.log("variant       raw kB   gzip kB  brotli kB  files");
  for (const [name, r] of Object.entries(results)) {
    console.log(`${name.padEnd(12)} ${kb(r.raw).padStart(7)} ${kb(r.gzip).padStart(9)} ${kb(r.brotli).padStart(10)}  ${r.files.map((f) => f.file).join(", ")}`);
  }
  if (results.paysession && results.adyen) {
    console.log(`paysession / adyen brotli ratio: ${(results.paysession.brotli / results.adyen.brotli).toFixed(3)}`);
  }
  writeFileSync(join(OUT, "sizes.json"), JSON.stringify(results, null, 2));
}
