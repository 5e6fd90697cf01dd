// Loads the paysession SDK once and makes PaySession instances from it.
// Nothing here runs at import: the SDK module (WebAssembly) is imported only when
// `loadPaySession` is called in a browser, never during server-side rendering.
import type { PaySession, PaySessionError, PaySessionOptions } from "paysession";

/** What an SDK module exports: the `paysession` package (bundler target, ready at
 * import), its `paysession/elements` build, or the no-bundler build (`pkg-web/`),
 * whose default export instantiates the WebAssembly and is called once here. */
export interface PaySessionModule {
  PaySession: new (publicKey: string, options?: PaySessionOptions | null) => PaySession;
  default?: unknown;
}

/** Imports an SDK module, e.g. `() => import("paysession/elements")`. */
export type PaySessionSdk = () => Promise<PaySessionModule>;

/** The default: the `paysession` package, resolved by the application's bundler. */
const defaultSdk: PaySessionSdk = () => import("paysession") as Promise<PaySessionModule>;

// One module (and one WebAssembly instance) per loader, however many providers.
const modules = new WeakMap<PaySessionSdk, Promise<PaySessionModule>>();

/** The SDK module of `sdk`, imported and initialised once. A failed load is
 * forgotten, so a later call tries again. */
export function loadSdk(sdk: PaySessionSdk = defaultSdk): Promise<PaySessionModule> {
  let loading = modules.get(sdk);
  if (!loading) {
    loading = sdk().then(async (m) => {
      if (typeof m.default === "function") await (m.default as () => Promise<unknown>)();
      return m;
    });
    loading.catch(() => modules.delete(sdk));
    modules.set(sdk, loading);
  }
  return loading;
}

export interface LoadPaySessionOptions {
  /** The SDK module to load (default `() => import("paysession")`). */
  sdk?: PaySessionSdk;
}

/**
 * A PaySession, once the SDK is loaded: `new PaySession(publicKey, options)` in a
 * browser. On a server (no `window`) it resolves `null` and imports nothing, so
 * `const payments = loadPaySession(…)` at a module's top level is safe to render
 * on the server, as react-stripe-js's `loadStripe`. Rejects when the SDK cannot
 * load (a `PaySessionError`, code `network_unavailable`) or when the constructor
 * refuses the arguments (its coded error).
 */
export function loadPaySession(
  publicKey: string,
  options?: PaySessionOptions,
  { sdk }: LoadPaySessionOptions = {},
): Promise<PaySession | null> {
  if (typeof window === "undefined") return Promise.resolve(null);
  return loadSdk(sdk).then(
    (m) => new m.PaySession(publicKey, options),
    (e: unknown) => Promise.reject(sdkLoadError(e)),
  );
}

/** The error of an SDK that could not be loaded, in the contract's one shape. */
export function sdkLoadError(cause: unknown): PaySessionError {
  const message = `The paysession SDK could not be loaded: ${cause instanceof Error ? cause.message : String(cause)}`;
  const code = "network_unavailable";
  return Object.assign(new Error(message), { type: "network_error" as const, code, errors: [{ code, message }] });
}
