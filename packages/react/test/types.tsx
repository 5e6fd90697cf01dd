// Type tests of @paysession/react (type-checked by `tsc -p packages/react`, in
// tests/browser/react.spec.mjs): what must compile, and, marked @ts-expect-error, what must not.
import { DropIn, CardNumberElement, CardCvvElement, PaySessionProvider, loadPaySession, useCreateSource, usePaySession } from "../src/index.js";
import type { CreateSourceResult, DropinSuccessData, PaySession } from "paysession";

export const promise: Promise<PaySession | null> = loadPaySession("pk_test_default", { apiBase: "http://127.0.0.1:8080" });

export function Checkout({ sessionId }: { sessionId: string }) {
  const paySession: PaySession | null = usePaySession();
  const createSource = useCreateSource();
  const pay = async (): Promise<string | undefined> => {
    const r: CreateSourceResult = await createSource({ sessionId, type: "creditCard" });
    await createSource({ sessionId, type: "sepaDebit", sepaDebit: { iban: "DE89370400440532013000" } });
    // @ts-expect-error a sepaDebit payload needs its iban
    await createSource({ sessionId, type: "sepaDebit" });
    return r.source?.creditCard?.lastFourDigits ?? paySession?.constructor.name;
  };
  return (
    <>
      <DropIn sessionId={sessionId} options={{ button: { type: "payNow" } }}
        onSuccess={(d: DropinSuccessData) => d.source.id} onError={(d) => d.errors[0]?.code} onReady={(d) => d.paymentMethodTypes} onCancel={(d) => d.paymentMethod} />
      {/* @ts-expect-error sessionId is required */}
      <DropIn onReady={() => {}} />
      {/* @ts-expect-error onSuccess receives DropinSuccessData, not a number */}
      <DropIn sessionId={sessionId} onSuccess={(n: number) => n} />
      <DropIn sessionId={sessionId} appearance={{ theme: "dark", variables: { colorPrimary: "#7c3aed", focusRing: "2px solid #93c5fd" },
        rules: { ".Tab--selected": { borderColor: "#7c3aed" }, ".Button:hover": { opacity: "0.9" } } }}
        paymentMethodConfiguration={{ enabledPaymentMethods: ["creditCard"], creditCard: { showCardholderName: false, showBrandIcons: true, style: { base: { color: "#111" } } },
          sepaDebit: { style: { invalid: { color: "#b91c1c" } } } }} />
      {/* @ts-expect-error a theme that does not exist */}
      <DropIn sessionId={sessionId} appearance={{ theme: "neon" }} />
      {/* @ts-expect-error a drop-in part that does not exist */}
      <DropIn sessionId={sessionId} appearance={{ rules: { ".Frame": { color: "red" } } }} />
      {/* @ts-expect-error a per-method key the drop-in does not have */}
      <DropIn sessionId={sessionId} paymentMethodConfiguration={{ payPal: { style: {} } }} />
      {/* @ts-expect-error an unknown drop-in option */}
      <DropIn sessionId={sessionId} options={{ colour: "red" }} />
      <CardNumberElement options={{ style: { base: { fontSize: "16px" } }, placeholderText: "1234" }} onChange={(e) => e.complete} />
      {/* @ts-expect-error a style property outside the allow-list */}
      <CardNumberElement options={{ style: { base: { background: "red" } } }} />
      <CardCvvElement options={{ paymentMethodId: "pm_0123" }} />
      <CardNumberElement options={{ appearance: { theme: "flat", rules: { ".Input:focus": { color: "#111" } } } }} />
      {/* @ts-expect-error an element has the .Input rules only */}
      <CardNumberElement options={{ appearance: { rules: { ".Label": { color: "#111" } } } }} />
      <button onClick={pay}>Pay</button>
    </>
  );
}

export const providers = (
  <>
    <PaySessionProvider publicKey="pk_test_default" options={{ apiBase: "http://127.0.0.1:8080" }}><Checkout sessionId="ses_1" /></PaySessionProvider>
    <PaySessionProvider paySession={promise}><Checkout sessionId="ses_1" /></PaySessionProvider>
    {/* @ts-expect-error either a paySession or a publicKey, not both */}
    <PaySessionProvider paySession={promise} publicKey="pk_test_default" />
    {/* @ts-expect-error a publicKey or a paySession is required */}
    <PaySessionProvider options={{ apiBase: "http://127.0.0.1:8080" }} />
  </>
);
