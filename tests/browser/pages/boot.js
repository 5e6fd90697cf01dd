// Loads the no-bundler build and exposes it, with helpers, to the tests:
// the checkout's module, or on `index.html?m=paysession-manage` (an account
// page) the module of the manage flow alone.
const name = new URLSearchParams(location.search).get("m") === "paysession-manage" ? "paysession-manage" : "paysession";

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
  window.PaySession = sdk.PaySession;
  window.sdkReady = true;
} catch (e) {
  window.sdkError = String((e && e.stack) || e);
}
