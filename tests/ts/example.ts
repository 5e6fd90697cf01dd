// Type-checks the generated package's declarations: `npx tsc --noEmit -p tests/ts`.
import init, {
  PaySession,
  type CreateSourceResult,
  type PaySessionError,
  type PaymentMethodsResult,
  type Source,
  type DropinConfiguration,
} from "../../pkg-web/paysession.js";
// An account page's module: the manage flow alone (`paysession/manage`).
import initManage, { PaySession as ManagePaySession } from "../../pkg-web/paysession-manage.js";

export async function checkout(sessionId: string): Promise<string> {
  await init();
  const payments = new PaySession("pk_test_default", { apiBase: "http://127.0.0.1:8080", locale: "en-US", timeoutMs: 10_000, maxRetries: 2 });

  const result: CreateSourceResult = await payments.createSource({
    sessionId,
    type: "creditCard",
    owner: { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", address: { line1: "1 Main St", city: "Berlin", postalCode: "10115", country: "DE" } },
    creditCard: { number: "4242 4242 4242 4242", expirationMonth: 12, expirationYear: 2030, cvv: "123" },
  });
  if (result.state === "chargeable" && result.source) {
    const source: Source = result.source;
    const brand: string | undefined = source.creditCard?.brand;
    return `${source.id} ${brand}`;
  }
  const err: PaySessionError | undefined = result.error;
  const first = err?.errors[0];
  const where: string | undefined = first?.parameter;

  await payments.createSource({ sessionId, type: "payPal", payPal: { returnUrl: "https://a.example", cancelUrl: "https://b.example" } });
  await payments.createSource({ sessionId, type: "wireTransfer", wireTransfer: {} });
  await payments.createSource({ sessionId, type: "giftCard", giftCard: { number: "6000000000000001", pin: "1234" } });

  const pm: PaymentMethodsResult = await payments.retrieveAvailablePaymentMethods({ sessionId });
  const types: string[] = pm.paymentMethods.map((m) => m.type);
  await payments.retrieveAvailablePaymentMethods({ currency: "EUR", country: "DE", amount: 1000 });

  const auth = await payments.authenticateSource({ sessionId, sourceId: "src_1", sourceClientSecret: "secret" });
  const done: boolean = auth.status === "complete";
  const fields = await payments.retrieveSession(sessionId);
  await payments.updateSession(sessionId, { owner: { lastName: "Byron" } }, { version: fields.version });
  try {
    await payments.retrieveSource("src_1", "secret");
  } catch (e) {
    const pe = e as PaySessionError;
    console.log(pe.type, pe.code);
  }

  const config: DropinConfiguration = {
    sessionId,
    options: { flow: "checkout", showComplianceSection: true, button: { type: "payNow" } },
    onReady: (d) => console.log(d.paymentMethodTypes.length),
    onError: (d) => console.log(d.errors[0]?.code),
    onSuccess: (d) => console.log(d.source.state),
    onCancel: (d) => console.log(d.paymentMethod),
  };
  const dropin = payments.createDropin({
    ...config,
    appearance: { theme: "dark", variables: { colorPrimary: "#0a0", focusRing: "2px solid #000" }, rules: { ".Tab--selected": { borderColor: "#0a0" } } },
    paymentMethodConfiguration: { creditCard: { showCardholderName: false, showBrandIcons: false, style: { base: { color: "#111" } } } },
  });
  dropin.mount("drop-in");
  dropin.update({ appearance: { theme: "flat" } });
  dropin.unmount();
  return `${where} ${types.length} ${done}`;
}

// @ts-expect-error: an unknown payment type does not type-check
void new PaySession("pk_x").createSource({ sessionId: "s", type: "bitcoin" });
// @ts-expect-error: a SEPA source needs its IBAN
void new PaySession("pk_x").createSource({ sessionId: "s", type: "sepaDebit" });

// Secure card fields (Elements).
export async function elements(sessionId: string): Promise<string | undefined> {
  const payments = new PaySession("pk_test_default", { apiBase: "http://127.0.0.1:8080", fieldsBase: "http://127.0.0.1:8081" });
  const number = payments.createElement("cardnumber", { style: { base: { fontSize: "16px", "::placeholder": { color: "#888" } } }, classes: { focus: "is-focused" } });
  payments.createElement("cardexpiration").mount("card-expiry");
  payments.createElement("cardcvv", { placeholderText: "CVC" }).mount("card-cvv");
  number.on("change", (e) => { if (e.error) console.log(e.error.code, e.brand, e.complete); });
  number.mount("card-number");
  const r: CreateSourceResult = await payments.createSource(number, { sessionId, type: "creditCard", owner: { email: "ada@example.com" } });
  return r.source?.creditCard?.lastFourDigits;
}

// Compliance (issue 12).
export async function compliance(sessionId: string): Promise<string> {
  const payments = new PaySession("pk_test_default", { apiBase: "http://127.0.0.1:8080" });
  const d = await payments.retrieveComplianceDetails({ sessionId, locale: "de-DE" });
  const legal = payments.createElement("compliance", { sessionId });
  await legal.mount("footer");
  await legal.update({ locale: "fr-FR" });
  legal.unmount();
  const config: DropinConfiguration = {
    sessionId,
    options: { showTermsOfSaleDisclosure: true, consents: { companyName: "Acme", eula: "https://acme.example/eula" } },
    onSuccess: (s) => console.log(s.source.termsAcceptance?.version),
  };
  payments.createDropin(config);
  await payments.createSource({ sessionId, type: "wireTransfer", termsAcceptance: { version: d.termsVersion } });
  return `${d.sellerDisclosure.localizedText} ${d.savePaymentAgreement.subscription.localizedText} ${d.requireTermsAcceptance}`;
}
// @ts-expect-error: a theme the drop-in does not have
void new PaySession("pk_x").createDropin({ sessionId: "s", appearance: { theme: "neon" } });
// @ts-expect-error: an element has no label part
void new PaySession("pk_x").createElement("cardnumber", { appearance: { rules: { ".Label": { color: "red" } } } });
// @ts-expect-error: consents need the company's name
void new PaySession("pk_x").createDropin({ sessionId: "s", options: { consents: { eula: "https://a.example" } } });

// An account page: the manage flow's module alone (`paysession/manage`).
export async function account(sessionId: string): Promise<void> {
  await initManage();
  const payments = new ManagePaySession("pk_test_default", { apiBase: "http://127.0.0.1:8080" });
  const d = payments.createDropin({
    sessionId,
    options: { flow: "managePaymentMethods", usage: "convenience" },
    onSuccess: (s) => console.log(s.paymentMethod?.id),
  });
  d.mount("drop-in");
}
