// Adyen Web Drop-in + Card, advanced flow with a local payment-methods response
// (no network needed to reach onReady). Built here for size and time-to-ready.
import { AdyenCheckout, Dropin, Card } from "@adyen/adyen-web";
import "@adyen/adyen-web/styles/adyen.css";

const paymentMethodsResponse = {
  paymentMethods: [{ brands: ["visa", "mc", "amex"], name: "Cards", type: "scheme" }],
};

window.benchMount = async function benchMount(target) {
  const t0 = performance.now();
  const checkout = await AdyenCheckout({
    environment: "test",
    clientKey: "test_BENCHMARKBENCHMARKBENCHMARK0000",
    countryCode: "DE",
    locale: "en-US",
    amount: { value: 1000, currency: "EUR" },
    paymentMethodsResponse,
    onSubmit: (_state, _component, actions) => actions.resolve({ resultCode: "Authorised" }),
    onError: () => {},
  });
  return new Promise((resolve) => {
    new Dropin(checkout, {
      paymentMethodComponents: [Card],
      onReady: () => resolve(performance.now() - t0),
    }).mount(target);
  });
};
