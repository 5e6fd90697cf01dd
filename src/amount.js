// An amount as a locale writes it, without ICU: `f` is the payment-methods
// answer's `amountFormat` (core's `AmountFormat`: what `Intl.NumberFormat`
// writes in that locale, read from ICU when the backend is built by
// scripts/gen-amount-formats.mjs). A checkout page's first `Intl.NumberFormat`
// costs 20-40 ms of its main thread in Chromium while the card frame starts;
// this costs nothing. tests/browser/amounts.spec.mjs checks it against every
// sample ICU wrote and against the browser's own Intl.
//
// `amount`: whole minor units, `exp`: the currency's exponent (core's). Throws
// on a malformed `f`: the SDK then asks Intl.
export function formatAmount(f, amount, exp) {
  const fd = f.fractionDigits, g1 = f.primaryGroupSize, g2 = f.secondaryGroupSize || 1;
  // Unicode puts every decimal numbering system's digits 0-9 in a row.
  const zero = f.digits.codePointAt(0);
  const local = (s) => s.replace(/\d/g, (d) => String.fromCodePoint(zero + +d));
  // Rounded half away from zero where the locale shows fewer digits (HUF: 0).
  const d = 10 ** Math.abs(exp - fd);
  const v = fd >= exp ? amount * d : Math.floor(amount / d) + (amount % d >= d / 2 ? 1 : 0);
  const p = 10 ** fd, int = String(Math.floor(v / p));
  let out = "";
  for (let i = 0, n = int.length; i < n; i++) {
    const left = n - i;
    if (g1 && n >= g1 + Math.max(f.minimumGroupingDigits, 1) && i && left >= g1 && (left - g1) % g2 == 0) out += f.group;
    out += int[i];
  }
  out = local(out);
  if (fd) out += f.decimal + local(String(v % p).padStart(fd, "0"));
  return f.prefix + out + f.suffix;
}
