// Loads the no-bundler build and exposes it, with helpers, to the tests:
// the checkout's module, or with `?m=` another of the five builds: the
// drop-in's alone (a checkout page), the manage flow's alone (an account
// page), the Elements build or the card build (a shop's own form).
const MODULES = ["paysession", "paysession-dropin", "paysession-manage", "paysession-elements", "paysession-card"];
const asked = new URLSearchParams(location.search).get("m");
const name = MODULES.includes(asked) ? asked : "paysession";

/** A plain copy of an SDK error (Error objects do not survive page.evaluate). */
window.errPlain = (e) => ({
  isError: e instanceof Error,
  name: e && e.name,
  message: e && e.message,
  type: e && e.type,
  code: e && e.code,
  errors: e && e.errors,
});
/** A plain copy of a createSource result. */
window.resultPlain = (r) => ({ ...r, error: r.error ? window.errPlain(r.error) : undefined });

try {
  const sdk = await import(`/pkg-web/${name}.js`);
  window.wasm = await sdk.default();
  window.sdk = sdk;
  window.sdkModule = name;
  window.PaySession = sdk.PaySession;
  window.sdkReady = true;
} catch (e) {
  window.sdkError = String((e && e.stack) || e);
}
