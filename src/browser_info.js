// What 3-D Secure needs to know of the browser (PSD2/SCA), sent with card
// sources: `browserInfo` of paysession_core::wire::BrowserInfo, from whatever
// of `screen` and `navigator` exists (nothing fails without them), in one
// call from the module (src/browser_info.rs) instead of one per value.
const count = (v) => (typeof v === "number" && v >= 0 && v <= 1e6 ? Math.trunc(v) : undefined);
const text = (v, max) => (typeof v === "string" && v.length <= max ? v : undefined);

export function browserInfo() {
  const screen = globalThis.screen || {}, nav = globalThis.navigator || {};
  const tz = new Date().getTimezoneOffset();
  const all = {
    screenWidth: count(screen.width),
    screenHeight: count(screen.height),
    colorDepth: count(screen.colorDepth),
    timeZoneOffset: Number.isFinite(tz) ? Math.trunc(tz) : undefined,
    language: text(nav.language, 35),
    userAgent: text(nav.userAgent, 512),
    javaEnabled: false,
  };
  const out = {};
  for (const k in all) if (all[k] !== undefined) out[k] = all[k];
  return out;
}
