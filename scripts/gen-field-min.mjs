// The secure field's scripts as the fields origin serves them, built from
// assets/field.js (the source, read and reviewed there) by terser (the
// version package.json pins), so each card frame downloads and parses less
// (crates/server/src/fields_origin.rs includes the results):
//   field.min.js       CARD = false: an Element's one field (/field.<hash>.js,
//                      shared by a page's frames)
//   field.card.min.js  CARD = true: the drop-in's card frame (its three
//                      inputs in one document, the script inline in the page)
// Each is the source with CARD a constant and the other kind's code dropped
// (terser's global_defs and dead-code passes; esbuild keeps unreachable
// functions of a script): −0.6 kB brotli for the drop-in's frame, −0.2 kB
// for an Element's.
//
//   node scripts/gen-field-min.mjs          writes both
//   node scripts/gen-field-min.mjs --check  fails when either is not what it writes
//
// The server fills in two placeholders the minifier keeps: %API% inside a
// string (terser may join it with the path after it) and the global name
// __PAYSESSION_DATA__ (core's brands and style allow-list as JSON).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { minify } from "terser";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const SOURCE = join(ROOT, "crates/server/src/assets/field.js");
export const OUTS = {
  false: join(ROOT, "crates/server/src/assets/field.min.js"),
  true: join(ROOT, "crates/server/src/assets/field.card.min.js"),
};

/** The minified script for `card` (true: the drop-in's card frame). */
export async function generate(card) {
  const { code } = await minify(readFileSync(SOURCE, "utf8"), {
    ecma: 2020,
    compress: { global_defs: { CARD: card }, passes: 3 },
    mangle: true,
    format: { comments: false },
  });
  for (const p of ["%API%", "__PAYSESSION_DATA__"]) if (!code.includes(p)) throw new Error(`gen-field-min: the placeholder ${p} did not survive`);
  if (/\bCARD\b/.test(code)) throw new Error("gen-field-min: CARD was left in the script");
  const kind = card ? "the drop-in's card frame" : "an Element's field";
  return `// Generated from field.js (CARD = ${card}: ${kind}) by scripts/gen-field-min.mjs: do not edit.\n${code}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const card of [false, true]) {
    const code = await generate(card), out = OUTS[card];
    if (process.argv.includes("--check")) {
      if (readFileSync(out, "utf8") !== code) {
        console.error(`gen-field-min: ${out} is not field.js minified: run node scripts/gen-field-min.mjs`);
        process.exit(1);
      }
    } else {
      writeFileSync(out, code);
      console.log(`gen-field-min: ${out} (${code.length} B from ${readFileSync(SOURCE).length} B)`);
    }
  }
}
