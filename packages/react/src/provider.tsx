// <PaySessionProvider>: one PaySession for the components and hooks below it.
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { CreateSourcePayload, CreateSourceResult, ElementSourceData, ElementType, PaySession, PaySessionElement, PaySessionOptions } from "paysession";
import { loadPaySession, type PaySessionSdk } from "./loader.js";

/** What a provider takes: a PaySession, a promise of one (`loadPaySession(…)`), or `null` until there is one. */
export type PaySessionInput = PaySession | Promise<PaySession | null> | null;

export type PaySessionProviderProps =
  | {
      /** A PaySession or a promise of one, e.g. `loadPaySession("pk_…", {apiBase})` made once at
       * a module's top level (react-stripe-js's `<Elements stripe={loadStripe(…)}>`). The first
       * non-null value is kept: a later, different one is ignored with a warning. */
      paySession: PaySessionInput;
      publicKey?: never;
      options?: never;
      sdk?: never;
      children?: ReactNode;
    }
  | {
      /** The provider loads the SDK on mount and makes `new PaySession(publicKey, options)` once. */
      publicKey: string;
      options?: PaySessionOptions;
      /** The SDK module to load (default `() => import("paysession")`). */
      sdk?: PaySessionSdk;
      paySession?: never;
      children?: ReactNode;
    };

/** The provider's state: the PaySession once loaded, else `null`; the load's error, if any. */
export interface PaySessionState {
  paySession: PaySession | null;
  error: unknown;
}

export interface Mounted {
  type: ElementType;
  element: PaySessionElement;
  /** A `cardcvv` element of a saved payment method (`options.paymentMethodId`). */
  saved: boolean;
}

interface Context extends PaySessionState {
  /** Resolves with the PaySession once there is one; rejects if it cannot load. */
  ready: Promise<PaySession>;
  /** The card elements mounted under this provider, oldest first (state: re-renders `useElement`). */
  mounted: Mounted[];
  /** The same, as of now (read at call time by `useCreateSource`). */
  registry: { readonly current: Mounted[] };
  register(m: Mounted): () => void;
}

const PaySessionContext = createContext<Context | null>(null);
PaySessionContext.displayName = "PaySessionContext";

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  promise.catch(() => {}); // a load error is reported by the state; nobody need wait
  return { promise, resolve, reject };
}

const isPromise = (v: unknown): v is Promise<unknown> =>
  v !== null && typeof v === "object" && typeof (v as { then?: unknown }).then === "function";

/**
 * Gives its subtree one PaySession. Either
 * `<PaySessionProvider publicKey="pk_…" options={{apiBase}}>` (the SDK is loaded when
 * the provider mounts, once) or `<PaySessionProvider paySession={loadPaySession(…)}>`.
 * It renders only its children: nothing is loaded or touched during server rendering.
 */
export function PaySessionProvider(props: PaySessionProviderProps) {
  const own = props.publicKey !== undefined;
  const key = own ? JSON.stringify([props.publicKey, props.options ?? null]) : "";
  const input = own ? null : props.paySession;
  const [state, setState] = useState<PaySessionState>(() => ({
    paySession: input && !isPromise(input) ? input : null,
    error: null,
  }));
  const [ready] = useState(() => deferred<PaySession>());
  // What the provider took (the first non-null input, or its own load) and for which key:
  // refs survive StrictMode's extra effect cycle, so the SDK is loaded and the PaySession made once.
  const taken = useRef<{ source: PaySessionInput; key: string } | null>(null);
  const [mounted, setMounted] = useState<Mounted[]>([]);
  const mountedNow = useRef<Mounted[]>([]);
  const { publicKey, options, sdk } = props;

  useEffect(() => {
    const t = taken.current;
    if (t) {
      if (own ? key !== t.key : input !== null && input !== t.source) {
        console.warn(
          "PaySessionProvider: its PaySession cannot change once set; the new " +
            (own ? "publicKey/options are" : "paySession is") +
            " ignored (give the provider a `key` to make a new one).",
        );
      }
    } else if (own) {
      taken.current = { source: loadPaySession(publicKey!, options, { sdk }), key };
    } else if (input !== null) {
      taken.current = { source: input, key: "" };
    } else {
      return;
    }
    let live = true;
    Promise.resolve(taken.current!.source).then(
      (paySession) => {
        if (!live || !paySession) return;
        setState((s) => (s.paySession === paySession ? s : { paySession, error: null }));
        ready.resolve(paySession);
      },
      (error: unknown) => {
        if (!live) return;
        setState({ paySession: null, error });
        ready.reject(error);
      },
    );
    return () => {
      live = false;
    };
    // `options` and `sdk` are read through `key` (a new object each render must not reload).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [own, key, input]);

  const value = useMemo<Context>(
    () => ({
      ...state,
      ready: ready.promise,
      mounted,
      registry: mountedNow,
      register(m) {
        mountedNow.current = [...mountedNow.current, m];
        setMounted(mountedNow.current);
        return () => {
          mountedNow.current = mountedNow.current.filter((x) => x !== m);
          setMounted(mountedNow.current);
        };
      },
    }),
    [state, ready, mounted],
  );
  return <PaySessionContext.Provider value={value}>{props.children}</PaySessionContext.Provider>;
}

export function useContextOf(hook: string): Context {
  const ctx = useContext(PaySessionContext);
  if (!ctx) throw new Error(`${hook} must be used inside a <PaySessionProvider>.`);
  return ctx;
}

/** The provider's PaySession, or `null` while the SDK loads (and always during server rendering). */
export function usePaySession(): PaySession | null {
  return useContextOf("usePaySession()").paySession;
}

/** `{paySession, error}`: the PaySession once loaded, and the error if the SDK could not load. */
export function usePaySessionState(): PaySessionState {
  const { paySession, error } = useContextOf("usePaySessionState()");
  return useMemo(() => ({ paySession, error }), [paySession, error]);
}

/** The card element of `type` mounted under this provider (the latest), or `null`. */
export function useElement(type: ElementType): PaySessionElement | null {
  const { mounted } = useContextOf("useElement()");
  for (let i = mounted.length - 1; i >= 0; i--) if (mounted[i].type === type) return mounted[i].element;
  return null;
}

/** `createSource(data, element?)`, bound to the provider. */
export type CreateSource = (
  data: CreateSourcePayload | ElementSourceData,
  element?: PaySessionElement,
) => Promise<CreateSourceResult>;

/**
 * `createSource` of the provider's PaySession. It waits for the SDK to load and, like the
 * SDK's, never rejects (a failed load resolves `{state: "failed", error}`). A card payment
 * with no `creditCard` in `data` (`{sessionId, type: "creditCard"}`) is tokenized by the
 * secure fields mounted under the provider: the `<CardNumberElement>` (with its expiry and
 * code), else a saved card's `<CardCvvElement options={{paymentMethodId}}>`; without either,
 * or for any other payload, `data` goes to `createSource` as it is. `element` names the
 * element explicitly.
 */
export function useCreateSource(): CreateSource {
  const { ready, registry } = useContextOf("useCreateSource()");
  return useMemo<CreateSource>(
    () => async (data, element) => {
      let paySession: PaySession;
      try {
        paySession = await ready;
      } catch (e) {
        return { state: "failed", error: e as CreateSourceResult["error"] };
      }
      const card = data.type === "creditCard" && !("creditCard" in data && data.creditCard);
      const from =
        element ??
        (card
          ? (registry.current.find((m) => m.type === "cardnumber") ?? registry.current.find((m) => m.saved))?.element
          : undefined);
      return from ? paySession.createSource(from, data as ElementSourceData) : paySession.createSource(data as CreateSourcePayload);
    },
    [ready, registry],
  );
}
