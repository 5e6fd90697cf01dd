// <DropIn>: the SDK's drop-in, mounted while the component is.
import { useEffect, useRef, useState, type CSSProperties } from "react";
import type { Appearance, Dropin, DropinCancelData, DropinConfiguration, DropinErrorData, DropinOptions, DropinReadyData, DropinSuccessData, PaySessionError } from "paysession";
import { useContextOf } from "./provider.js";
import { keyOf, useLatest } from "./latest.js";

export interface DropInProps {
  /** The payment session (made by your server with the secret key). A new one mounts a new drop-in. */
  sessionId: string;
  /** The drop-in's `options` (docs/API.md §2). A change (by value) mounts a new drop-in. */
  options?: DropinOptions;
  /** `enabledPaymentMethods` / `disabledPaymentMethods`, the card's `style`, `creditCard`
   * (`showCardholderName`, `showBrandIcons`, `style`), `sepaDebit` and `giftCard` (`style`).
   * A change (by value) mounts a new drop-in. */
  paymentMethodConfiguration?: DropinConfiguration["paymentMethodConfiguration"];
  /** The widget's and its secure fields' look (`theme`, `variables`, `rules`; docs/API.md §7.1).
   * A change (by value) goes to `dropin.update({appearance})`: restyled in place, nothing
   * remounts or reloads (removing it restores the default look). */
  appearance?: Appearance;
  /** A source was made (and authenticated): attach it and create the order on your server. */
  onSuccess?(data: DropinSuccessData): void;
  /** A payment failed; also the coded error of options `createDropin` refused, or of an
   * `appearance` `dropin.update` refused (the drop-in keeps its look). */
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
 * Callback props may change freely (the latest is called); a new `appearance` restyles the
 * mounted drop-in (`dropin.update`); a new `sessionId`, `options` or
 * `paymentMethodConfiguration` unmounts the drop-in and mounts a new one. Unmounting the
 * component unmounts the drop-in (its frames and listeners go) and frees it. A callback of
 * a drop-in that was unmounted is never called.
 */
export function DropIn(props: DropInProps) {
  const { paySession } = useContextOf("<DropIn>");
  const div = useRef<HTMLDivElement>(null);
  // The mounted drop-in and the appearance (by value) it has now.
  const mounted = useRef<{ dropin: Dropin; appearance: string } | null>(null);
  // The appearance createDropin refused (so no drop-in): a new one tries again (`attempt`).
  const refused = useRef<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const latest = useLatest(props);
  const { sessionId, options, paymentMethodConfiguration, appearance } = props;
  const config = keyOf([options, paymentMethodConfiguration]);
  const look = keyOf(appearance);

  /** A coded error the SDK threw synchronously: to `onError`, or thrown without one. */
  const report = (e: unknown) => {
    const err = e as PaySessionError;
    if (!latest.current.onError) throw e;
    latest.current.onError({ paymentMethod: null, type: err.type, errors: err.errors ?? [] });
  };

  useEffect(() => {
    const target = div.current;
    if (!paySession || !target || !sessionId) return;
    let live = true;
    const handlers = Object.fromEntries(
      CALLBACKS.map((name) => [name, (data: never) => { if (live) (latest.current[name] as ((d: never) => void) | undefined)?.(data); }]),
    );
    // This render's appearance: a later change goes to `update` (below), not here.
    const { appearance } = latest.current;
    refused.current = null;
    let dropin: Dropin | undefined;
    try {
      dropin = paySession.createDropin({
        sessionId,
        ...(options !== undefined && { options }),
        ...(paymentMethodConfiguration !== undefined && { paymentMethodConfiguration }),
        ...(appearance !== undefined && { appearance }),
        ...handlers,
      });
      dropin.mount(target);
      mounted.current = { dropin, appearance: keyOf(appearance) };
    } catch (e) {
      // createDropin throws its coded error synchronously on bad arguments.
      dropin?.free();
      dropin = undefined;
      refused.current = keyOf(appearance);
      report(e);
    }
    return () => {
      live = false;
      mounted.current = null;
      dropin?.unmount();
      dropin?.free();
    };
    // `options` and `paymentMethodConfiguration` count by value (`config`); `appearance` is `update`d.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [paySession, sessionId, config, attempt]);

  useEffect(() => {
    const m = mounted.current;
    if (!m) {
      if (refused.current !== null && refused.current !== look) setAttempt((n) => n + 1);
      return;
    }
    if (m.appearance === look) return;
    // Marked first: a refused appearance is reported once, not at every render.
    m.appearance = look;
    try {
      // `{}` (the default look) when the prop went away: update only replaces what it is given.
      m.dropin.update({ appearance: latest.current.appearance ?? {} });
    } catch (e) {
      report(e);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [look]);

  return <div ref={div} id={props.id} className={props.className} style={props.style} />;
}
