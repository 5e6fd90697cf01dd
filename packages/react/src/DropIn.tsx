// <DropIn>: the SDK's drop-in, mounted while the component is.
import { useEffect, useRef, type CSSProperties } from "react";
import type { DropinCancelData, DropinConfiguration, DropinErrorData, DropinOptions, DropinReadyData, DropinSuccessData, PaySessionError } from "paysession";
import { useContextOf } from "./provider.js";
import { keyOf, useLatest } from "./latest.js";

export interface DropInProps {
  /** The payment session (made by your server with the secret key). A new one mounts a new drop-in. */
  sessionId: string;
  /** The drop-in's `options` (docs/API.md §2). A change (by value) mounts a new drop-in. */
  options?: DropinOptions;
  /** `enabledPaymentMethods` / `disabledPaymentMethods`. A change (by value) mounts a new drop-in. */
  paymentMethodConfiguration?: DropinConfiguration["paymentMethodConfiguration"];
  /** A source was made (and authenticated): attach it and create the order on your server. */
  onSuccess?(data: DropinSuccessData): void;
  /** A payment failed; also the coded error of options `createDropin` refused. */
  onError?(data: DropinErrorData): void;
  /** The drop-in shows its methods and takes input. */
  onReady?(data: DropinReadyData): void;
  /** The shopper cancelled a method (a redirect's Cancel, a closed 3-D Secure challenge). */
  onCancel?(data: DropinCancelData): void;
  /** Of the container `<div>` the drop-in is mounted into. */
  id?: string;
  className?: string;
  style?: CSSProperties;
}

const CALLBACKS = ["onSuccess", "onError", "onReady", "onCancel"] as const;

/**
 * The drop-in of the provider's PaySession, mounted into a `<div>` once the SDK has loaded.
 * Callback props may change freely (the latest is called); a new `sessionId`, `options` or
 * `paymentMethodConfiguration` unmounts the drop-in and mounts a new one. Unmounting the
 * component unmounts the drop-in (its frames and listeners go) and frees it. A callback of
 * a drop-in that was unmounted is never called.
 */
export function DropIn(props: DropInProps) {
  const { paySession } = useContextOf("<DropIn>");
  const div = useRef<HTMLDivElement>(null);
  const latest = useLatest(props);
  const { sessionId, options, paymentMethodConfiguration } = props;
  const config = keyOf([options, paymentMethodConfiguration]);

  useEffect(() => {
    const target = div.current;
    if (!paySession || !target || !sessionId) return;
    let live = true;
    const handlers = Object.fromEntries(
      CALLBACKS.map((name) => [name, (data: never) => { if (live) (latest.current[name] as ((d: never) => void) | undefined)?.(data); }]),
    );
    let dropin: ReturnType<typeof paySession.createDropin> | undefined;
    try {
      dropin = paySession.createDropin({
        sessionId,
        ...(options !== undefined && { options }),
        ...(paymentMethodConfiguration !== undefined && { paymentMethodConfiguration }),
        ...handlers,
      });
      dropin.mount(target);
    } catch (e) {
      // createDropin throws its coded error synchronously on bad arguments.
      const err = e as PaySessionError;
      dropin?.free();
      dropin = undefined;
      if (!latest.current.onError) throw e;
      latest.current.onError({ paymentMethod: null, type: err.type, errors: err.errors ?? [] });
    }
    return () => {
      live = false;
      dropin?.unmount();
      dropin?.free();
    };
    // `options` and `paymentMethodConfiguration` count by value (`config`).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [paySession, sessionId, config]);

  return <div ref={div} id={props.id} className={props.className} style={props.style} />;
}
