// How each catalog's locale writes an amount of each currency the service
// knows, read from ICU (Node's Intl) once, here, so that a checkout page never
// has to start ICU for it (its first `Intl.NumberFormat` costs 20-40 ms of the
// page's main thread in Chromium; docs/DROPIN.md "Amounts without ICU").
//
//   node scripts/gen-amount-formats.mjs          writes crates/server/src/locales/amount-formats.json
//                                                and its samples (for the tests)
//   node scripts/gen-amount-formats.mjs --check  fails when either file is not what it writes
//
// The locales are the catalogs' (crates/server/locales/*.json) and their
// languages alone, the currencies
// and their exponents core's list (crates/core/src/money.rs): one place each.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const LOCALES = join(ROOT, "crates/server/locales");
export const TABLE = join(ROOT, "crates/server/src/locales/amount-formats.json");
export const SAMPLES = join(ROOT, "crates/server/tests/amount-samples.json");
/** Amounts in minor units the samples write (the tests format each). */
export const SAMPLE_AMOUNTS = [0, 5, 1234, 12350, 123456789012];

export function currencies() {
  const src = readFileSync(join(ROOT, "crates/core/src/money.rs"), "utf8");
  const list = src.slice(src.indexOf("const CURRENCIES"), src.indexOf("];", src.indexOf("const CURRENCIES")));
  return [...list.matchAll(/\("([A-Z]{3})", (\d)\)/g)].map((m) => [m[1], +m[2]]);
}

export function locales() {
  return readdirSync(LOCALES).filter((f) => /^[a-z]{2}(-[A-Z]{2})?\.json$/.test(f)).map((f) => f.slice(0, -5)).sort();
}

/** The table's tags: the catalogs', and each of their languages alone (`de`,
 * `pt`: a shop's `locale` is often just the language), each written as ICU
 * writes that very tag (`pt` is Brazil's, as ICU has it). */
export function tags() {
  return [...new Set([...locales(), ...locales().map((l) => l.split("-")[0])])].sort();
}

const joinParts = (ps) => ps.map((p) => p.value).join("");

/** One locale's way of writing `currency`, as the wire's `AmountFormat` without `locale`/`currency`. */
export function formatOf(locale, currency) {
  const nf = new Intl.NumberFormat(locale, { style: "currency", currency });
  const ro = nf.resolvedOptions();
  if (ro.minimumFractionDigits !== ro.maximumFractionDigits) throw new Error(`${locale} ${currency}: fraction digits vary`);
  // With two fraction digits forced, so the decimal separator shows for JPY too.
  const parts = new Intl.NumberFormat(locale, { style: "currency", currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }).formatToParts(123456789.25);
  const num = (t) => ["integer", "group", "decimal", "fraction"].includes(t);
  const first = parts.findIndex((p) => num(p.type));
  const last = parts.findLastIndex((p) => num(p.type));
  const inner = parts.slice(first, last + 1);
  if (inner.some((p) => !num(p.type))) throw new Error(`${locale} ${currency}: something between the digits: ${JSON.stringify(inner)}`);
  const group = inner.find((p) => p.type === "group")?.value ?? "";
  const decimal = inner.find((p) => p.type === "decimal").value;
  // Group sizes from the right of 123456789: the last group is the primary, the one before the secondary.
  const ints = [];
  for (const p of inner) { if (p.type === "integer") ints.push(p.value.length); if (p.type === "decimal") break; }
  const primary = ints.length > 1 ? ints[ints.length - 1] : 0;
  const secondary = ints.length > 2 ? ints[ints.length - 2] : primary;
  // CLDR's minimumGroupingDigits: 1234 without a separator where it is 2.
  const four = new Intl.NumberFormat(locale, { style: "currency", currency, maximumFractionDigits: 0, minimumFractionDigits: 0 }).formatToParts(1234);
  const minimumGroupingDigits = primary && !four.some((p) => p.type === "group") ? 2 : 1;
  const plain = new Intl.NumberFormat(locale, { numberingSystem: ro.numberingSystem, useGrouping: false });
  const digits = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => plain.format(d)).join("");
  return {
    prefix: joinParts(parts.slice(0, first)),
    suffix: joinParts(parts.slice(last + 1)),
    decimal,
    group,
    fractionDigits: ro.maximumFractionDigits,
    primaryGroupSize: primary,
    secondaryGroupSize: secondary,
    minimumGroupingDigits,
    digits,
  };
}

/** Per locale: its number symbols, and per currency the text before and after
 * the number; per currency: its fraction digits (CLDR's, the same in every
 * locale); and the samples: `{locale: {currency: [Intl's text of each sample]}}`. */
export function generate() {
  const LOCALE_KEYS = ["decimal", "group", "primaryGroupSize", "secondaryGroupSize", "minimumGroupingDigits", "digits"];
  const table = { icu: process.versions.icu, fractionDigits: {}, locales: {} }, samples = {};
  for (const l of tags()) {
    const entry = {}; samples[l] = {};
    for (const [c, exp] of currencies()) {
      const f = formatOf(l, c);
      for (const k of LOCALE_KEYS) {
        if (k in entry && entry[k] !== f[k]) throw new Error(`${l}: ${k} differs by currency (${c})`);
        entry[k] = f[k];
      }
      if (c in table.fractionDigits && table.fractionDigits[c] !== f.fractionDigits) throw new Error(`${c}: fraction digits differ by locale (${l})`);
      table.fractionDigits[c] = f.fractionDigits;
      (entry.affixes ??= {})[c] = [f.prefix, f.suffix];
      const nf = new Intl.NumberFormat(l, { style: "currency", currency: c });
      samples[l][c] = SAMPLE_AMOUNTS.map((a) => nf.format(a / 10 ** exp));
    }
    // affixes last, for a reader of the file
    const { affixes, ...symbols } = entry;
    table.locales[l] = { ...symbols, affixes };
  }
  return { table: JSON.stringify(table) + "\n", samples: JSON.stringify({ amounts: SAMPLE_AMOUNTS, samples }) + "\n" };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { table, samples } = generate();
  if (process.argv.includes("--check")) {
    const stale = [[TABLE, table], [SAMPLES, samples]].filter(([f, s]) => { try { return readFileSync(f, "utf8") !== s; } catch { return true; } });
    if (stale.length) {
      console.error(`gen-amount-formats: ${stale.map(([f]) => f).join(", ")} not what ICU ${process.versions.icu} writes; run node scripts/gen-amount-formats.mjs`);
      process.exit(1);
    }
    console.log(`gen-amount-formats: the table and its samples are current (ICU ${process.versions.icu})`);
  } else {
    writeFileSync(TABLE, table);
    writeFileSync(SAMPLES, samples);
    console.log(`gen-amount-formats: wrote ${TABLE} (${table.length} B) and ${SAMPLES}`);
  }
}
