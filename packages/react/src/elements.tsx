// The secure card fields as components: each mounts one PaySessionElement (an iframe
// of the fields origin) into a <div> while the component is mounted.
import { useEffect, useRef, useState, type CSSProperties } from "react";
import type { ElementEvent, ElementOptions, ElementType, PaySessionElement } from "paysession";
import { useContextOf } from "./provider.js";
import { keyOf, useLatest } from "./latest.js";

export interface CardElementProps {
  /** `createElement`'s options: `style`, `appearance` (theme, variables, `.Input` rules),
   * `classes`, `placeholderText`, `label` (and, on `<CardCvvElement>`, `paymentMethodId`).
   * A change (by value) goes to `element.update`, in place: an option removed goes back to
   * its default (`style`, `appearance`, `placeholderText`); a removed `label` or class
   * name, or a new `paymentMethodId`, makes a new element. */
  options?: ElementOptions;
  /** The field takes input. */
  onReady?(event: ElementEvent): void;
  /** `{empty, complete, brand?, error?}`: state only, never digits. */
  onChange?(event: ElementEvent): void;
  onFocus?(event: ElementEvent): void;
  onBlur?(event: ElementEvent): void;
  /** Of the mount target `<div>` (which also gets the element's state classes). */
  id?: string;
  className?: string;
  style?: CSSProperties;
}

const EVENTS = [
  ["ready", "onReady"],
  ["change", "onChange"],
  ["focus", "onFocus"],
  ["blur", "onBlur"],
] as const;

/** What `update` sends for an option that went away: its default. `label` and `classes`
 * have none `update` can set (it merges), so their removal makes a new element. */
const RESET: Partial<Record<keyof ElementOptions, unknown>> = { style: {}, appearance: {}, placeholderText: "" };

/** The `update` that takes an element from options `from` to `to` (both without
 * `paymentMethodId`), or `null` when only a new element can (a label or a class removed). */
function optionsUpdate(from: ElementOptions, to: ElementOptions): ElementOptions | null {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(from) as (keyof ElementOptions)[]) {
    if (to[k] !== undefined || from[k] === undefined) continue;
    if (!(k in RESET)) return null;
    out[k] = RESET[k];
  }
  const kept: Record<string, unknown> = to.classes ?? {};
  if (Object.keys(from.classes ?? {}).some((c) => kept[c] === undefined)) return null;
  for (const [k, v] of Object.entries(to)) if (v !== undefined && keyOf(v) !== keyOf(from[k as keyof ElementOptions])) out[k] = v;
  return out;
}

const withoutSaved = ({ paymentMethodId: _, ...o }: ElementOptions = {}): ElementOptions => o;

function cardElement(type: ElementType, displayName: string) {
  function CardElement(props: CardElementProps) {
    const { paySession, register } = useContextOf(`<${displayName}>`);
    const div = useRef<HTMLDivElement>(null);
    // The mounted element and the options (without paymentMethodId) it has now.
    const element = useRef<{ element: PaySessionElement; options: ElementOptions } | null>(null);
    // Bumped when only a new element can apply the options (see `optionsUpdate`).
    const [generation, setGeneration] = useState(0);
    const latest = useLatest(props);
    const paymentMethodId = props.options?.paymentMethodId;
    const options = keyOf(withoutSaved(props.options));

    useEffect(() => {
      const target = div.current;
      if (!paySession || !target) return;
      let live = true;
      // Throws the SDK's coded error on bad options, as createElement does.
      const el = paySession.createElement(type, latest.current.options);
      for (const [event, prop] of EVENTS) {
        el.on(event, (e) => { if (live) latest.current[prop]?.(e); });
      }
      el.mount(target);
      element.current = { element: el, options: withoutSaved(latest.current.options) };
      const unregister = register({ type, element: el, saved: paymentMethodId !== undefined });
      return () => {
        live = false;
        unregister();
        element.current = null;
        el.destroy();
        el.free();
      };
      // Options other than paymentMethodId are applied by `update` below.
      // eslint-disable-next-line react-hooks/exhaustive-deps
    }, [paySession, paymentMethodId, generation]);

    useEffect(() => {
      const current = element.current;
      if (!current) return;
      const next = withoutSaved(latest.current.options);
      if (keyOf(current.options) === options) return;
      const update = optionsUpdate(current.options, next);
      if (update === null) {
        setGeneration((g) => g + 1);
        return;
      }
      // Throws the SDK's coded error on bad options, as createElement does.
      current.element.update(update);
      current.options = next;
      // eslint-disable-next-line react-hooks/exhaustive-deps
    }, [options]);

    return <div ref={div} id={props.id} className={props.className} style={props.style} />;
  }
  CardElement.displayName = displayName;
  return CardElement;
}

/** The card number's secure field (`createElement("cardnumber")`); `useCreateSource` tokenizes through it. */
export const CardNumberElement = cardElement("cardnumber", "CardNumberElement");
/** The expiry's secure field (`createElement("cardexpiration")`). */
export const CardExpirationElement = cardElement("cardexpiration", "CardExpirationElement");
/** The security code's secure field (`createElement("cardcvv")`); with `options.paymentMethodId`,
 * the code of a saved card, which `useCreateSource` pays with when no card number is mounted. */
export const CardCvvElement = cardElement("cardcvv", "CardCvvElement");
