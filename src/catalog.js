// The card build's catalog request (src/i18n.rs `load`): a plain GET (no header, no
// preflight; the answer is public and cacheable for a day), bounded by the
// PaySession's deadline. `done` gets the catalog object, or undefined on any
// failure: the texts then stay English.
export function getCatalog(url, ms, done) {
  fetch(url, { mode: "cors", credentials: "omit", signal: AbortSignal.timeout ? AbortSignal.timeout(ms) : undefined })
    .then((r) => (r.ok ? r.json() : undefined))
    .then((v) => (v && typeof v === "object" ? v : undefined), () => undefined)
    .then(done);
}
