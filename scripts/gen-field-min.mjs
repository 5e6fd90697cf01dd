// The secure field's script as the fields origin serves it: assets/field.js
// (the source, read and reviewed there) minified by esbuild (the version
// package.json pins), so each card frame downloads and parses less
// (crates/server/src/fields_origin.rs includes the result).
//
//   node scripts/gen-field-min.mjs          writes crates/server/src/assets/field.min.js
//   node scripts/gen-field-min.mjs --check  fails when that file is not what it writes
//
// The server fills in two placeholders the minifier keeps as they are: the
// string "%API%" and the global name __PAYSESSION_DATA__ (core's brands and
// style allow-list as JSON).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { transformSync } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const SOURCE = join(ROOT, "crates/server/src/assets/field.js");
export const OUT = join(ROOT, "crates/server/src/assets/field.min.js");

export function generate() {
  const { code } = transformSync(readFileSync(SOURCE, "utf8"), { minify: true, target: "es2020", legalComments: "none" });
  for (const p of ['"%API%"', "__PAYSESSION_DATA__"]) if (!code.includes(p)) throw new Error(`gen-field-min: the placeholder ${p} did not survive`);
  return "// Generated from field.js by scripts/gen-field-min.mjs: do not edit.\n" + code;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const code = generate();
  if (process.argv.includes("--check")) {
    if (readFileSync(OUT, "utf8") !== code) {
      console.error("gen-field-min: crates/server/src/assets/field.min.js is not field.js minified: run node scripts/gen-field-min.mjs");
      process.exit(1);
    }
  } else {
    writeFileSync(OUT, code);
    console.log(`gen-field-min: ${OUT} (${code.length} B from ${readFileSync(SOURCE).length} B)`);
  }
}
