// The secure card fields as components: each mounts one PaySessionElement (an iframe
// of the fields origin) into a <div> while the component is mounted.
import { useEffect, useRef, type CSSProperties } from "react";
import type { ElementEvent, ElementOptions, ElementType, PaySessionElement } from "paysession";
import { useContextOf } from "./provider.js";
import { keyOf, useLatest } from "./latest.js";

export interface CardElementProps {
  /** `createElement`'s options: `style`, `classes`, `placeholderText`, `label` (and, on
   * `<CardCvvElement>`, `paymentMethodId`). A change (by value) goes to `element.update`
   * (which merges it into the current options); a change of `paymentMethodId` makes a new element. */
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

function cardElement(type: ElementType, displayName: string) {
  function CardElement(props: CardElementProps) {
    const { paySession, register } = useContextOf(`<${displayName}>`);
    const div = useRef<HTMLDivElement>(null);
    const element = useRef<{ element: PaySessionElement; options: string } | null>(null);
    const latest = useLatest(props);
    const { paymentMethodId, ...rest } = props.options ?? {};
    const options = keyOf(rest);

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
      element.current = { element: el, options: keyOf((({ paymentMethodId: _, ...o }) => o)(latest.current.options ?? {})) };
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
    }, [paySession, paymentMethodId]);

    useEffect(() => {
      const current = element.current;
      if (!current || current.options === options) return;
      current.element.update(rest);
      current.options = options;
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
