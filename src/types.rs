//! TypeScript declarations of the contract's objects, emitted into
//! `paysession.d.ts` next to the generated class declarations.

use wasm_bindgen::prelude::*;

/// What `createSource` takes first: a payload of any type where the build has
/// them (`api`), or a card element where it has them (`elements`); the card
/// build only the element, the drop-in build only the payload.
#[cfg(all(feature = "api", feature = "elements"))]
#[wasm_bindgen(typescript_custom_section)]
const TS_SOURCE_INPUT: &'static str = r#"
/** What `createSource` takes first: a payload of any payment type, or a card element (the number, or a saved card's code) with `data`. */
export type SourceInput = CreateSourcePayload | PaySessionElement;
"#;
#[cfg(all(feature = "api", not(feature = "elements")))]
#[wasm_bindgen(typescript_custom_section)]
const TS_SOURCE_INPUT: &'static str = r#"
/** What `createSource` takes: in the drop-in build (`paysession/dropin`), a payload of any payment type (no elements: `paysession` or `paysession/elements` have them). */
export type SourceInput = CreateSourcePayload;
"#;
/// An element's `appearance` where the build takes one (`api`).
#[cfg(feature = "api")]
#[wasm_bindgen(typescript_custom_section)]
const TS_ELEMENT_APPEARANCE: &'static str = r#"
/** An element's `appearance`: its variables and `.Input` rules, inside the field's frame. */
export type ElementAppearance = { theme?: Appearance["theme"]; variables?: AppearanceVariables; rules?: { [K in AppearanceInputRule]?: AppearanceRule } };
"#;
#[cfg(not(feature = "api"))]
#[wasm_bindgen(typescript_custom_section)]
const TS_SOURCE_INPUT: &'static str = r#"
/** What `createSource` takes first: in the card build (`paysession/card`), only a card element (the number, or a saved card's code), with `data`. */
export type SourceInput = PaySessionElement;
/** Not in the card build: its fields take `style` and `classes` (`appearance` is `invalid_parameter`; `paysession/elements` has it). */
export type ElementAppearance = never;
"#;

/// The compliance element, in the Elements build and the checkout's (the
/// card and drop-in builds have no `ComplianceElement` to name).
#[cfg(all(feature = "api", feature = "elements"))]
#[wasm_bindgen(typescript_custom_section)]
const TS_COMPLIANCE: &'static str = r#"
/** `createElement("compliance", options)` and its `update`. */
export interface ComplianceElementOptions {
  /** Required at `createElement`. */
  sessionId?: string;
  /** BCP 47; default the PaySession's locale. */
  locale?: string;
}
export interface PaySession {
  createElement(type: "compliance", options: ComplianceElementOptions & { sessionId: string }): ComplianceElement;
}
"#;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Options of `new PaySession(publicKey, options)`. */
export interface PaySessionOptions {
  /** Absolute http(s) URL of the session backend; defaults to the page's origin. */
  apiBase?: string;
  /** BCP 47 locale, e.g. "en-US" (sent as Accept-Language). */
  locale?: string;
  /** Deadline of one call in ms, retries included (default 20000). */
  timeoutMs?: number;
  /** Retries after the first attempt on network errors and 5xx/429 (default 2, max 10). */
  maxRetries?: number;
  /** Absolute http(s) URL of the secure card fields' origin (`paysession-server --fields-url`); needed by `createElement`. */
  fieldsBase?: string;
}

/** A secure card field. */
export type ElementType = "cardnumber" | "cardexpiration" | "cardcvv";
/** Allow-listed text properties (CSSOM names) for `style`. */
export interface ElementStyleRules {
  color?: string; fontFamily?: string; fontSize?: string; fontStyle?: string; fontVariant?: string;
  fontWeight?: string; letterSpacing?: string; lineHeight?: string; textAlign?: string;
  textDecoration?: string; textShadow?: string; textTransform?: string; caretColor?: string;
  padding?: string; backgroundColor?: string;
}
export interface ElementStyleBase extends ElementStyleRules {
  ":hover"?: ElementStyleRules; ":focus"?: ElementStyleRules; "::placeholder"?: ElementStyleRules;
  "::selection"?: ElementStyleRules; ":autofill"?: ElementStyleRules; ":disabled"?: ElementStyleRules;
}
/** Plain CSS values: no `; { } < > \ @`, `url(`, `image-set`, `expression`, `/*` (a coded error). */
export interface AppearanceVariables {
  colorPrimary?: string; colorBackground?: string; colorText?: string; colorDanger?: string; colorBorder?: string;
  fontFamily?: string; fontSizeBase?: string; fontSizeSm?: string; spacingUnit?: string; borderRadius?: string;
  /** The focus outline, e.g. `2px solid #1a56db`. */
  focusRing?: string;
}
/** A part's declarations: the Elements' text properties and box properties. */
export interface AppearanceRule extends ElementStyleRules {
  border?: string; borderColor?: string; borderWidth?: string; borderStyle?: string; borderRadius?: string;
  boxShadow?: string; outline?: string; outlineOffset?: string; opacity?: string;
}
export type AppearanceInputRule = ".Input" | ".Input:hover" | ".Input:focus" | ".Input:disabled" | ".Input::placeholder" | ".Input--invalid";
/** The drop-in's parts (an element has only the `.Input` ones). */
export type AppearanceRuleKey = AppearanceInputRule | ".Label" | ".Label--invalid" | ".Tab" | ".Tab:hover" | ".Tab:focus" | ".Tab--selected"
  | ".Button" | ".Button:hover" | ".Button:focus" | ".Button:disabled" | ".Error";
/** `appearance` of `createDropin`, `dropin.update`, `createElement`, `element.update`. */
export interface Appearance {
  theme?: "default" | "dark" | "flat";
  variables?: AppearanceVariables;
  rules?: { [K in AppearanceRuleKey]?: AppearanceRule };
}
/** An element's `style`. */
export interface ElementStyle { base?: ElementStyleBase; empty?: ElementStyleBase; complete?: ElementStyleBase; invalid?: ElementStyleBase }
/** Options of `createElement` and `element.update`. */
export interface ElementOptions {
  /** Class names set on the mount target (defaults `PaySessionElement`, `PaySessionElement--complete`, …). */
  classes?: { base?: string; complete?: string; empty?: string; focus?: string; invalid?: string; autofilled?: string };
  /** Applied inside the field's frame (over the appearance's, per state). */
  style?: ElementStyle;
  /** Its variables and `.Input` rules, inside the field's frame (not in the card build). */
  appearance?: ElementAppearance;
  placeholderText?: string;
  /** The field's accessible name (the iframe's `title`); default the localized "Card number", … */
  label?: string;
  /** `cardcvv` only: pay this saved payment method (`pm_…`) with the code typed into the field: `createSource(cvvElement, {type: "creditCard", sessionId})`. */
  paymentMethodId?: string;
}
/** What an element's handlers receive. */
export interface ElementEvent {
  elementType: ElementType;
  /** `change` only. */
  empty?: boolean;
  complete?: boolean;
  brand?: CardBrand;
  error?: { code: string; message: string };
}
/** `createSource(cardNumberElement, data)`. */
export interface ElementSourceData {
  sessionId: string;
  type: "creditCard";
  owner?: Owner;
  termsAcceptance?: { version: string };
}

export type PaymentType = "creditCard" | "payPal" | "klarnaCredit" | "ideal" | "sepaDebit" | "wireTransfer" | "giftCard" | "applePay" | "googlePay";
export type SourceState = "chargeable" | "pending_redirect" | "requires_action" | "pending_funds" | "failed" | "cancelled" | "consumed";
export type Flow = "standard" | "redirect" | "receiver";
export type ErrorType = "bad_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "rate_limited" | "internal_error" | "network_error" | "validation_error";
export type CardBrand = "visa" | "mastercard" | "amex" | "dinersclub" | "discover" | "jcb" | "unionpay" | "maestro";

/** One entry of `errors`. */
export interface ErrorDetail {
  /** snake_case code from the contract's closed list, e.g. "invalid_card_number". */
  code: string;
  /** Dotted path of the offending field, e.g. "creditCard.number". */
  parameter?: string;
  /** Human sentence. */
  message: string;
}

/** The one error shape; thrown/rejected values are `Error`s with these fields. */
export interface PaySessionError extends Error {
  type: ErrorType;
  errors: ErrorDetail[];
  /** The first detail's code. */
  code: string;
}

export interface Address {
  line1?: string; line2?: string; city?: string; state?: string; postalCode?: string;
  /** ISO 3166-1 alpha-2. */
  country?: string;
}

export interface Owner {
  firstName?: string; lastName?: string; email?: string; phoneNumber?: string; organization?: string;
  address?: Address;
}

/** Card details as typed by the shopper. */
export interface CreditCardInput {
  number: string;
  expirationMonth: number | string;
  expirationYear: number | string;
  cvv: string;
  name?: string;
}

export interface RedirectInput { returnUrl: string; cancelUrl: string; }

interface SourcePayloadBase {
  sessionId: string;
  /** Overrides the session's owner. */
  owner?: Owner;
  /** Optimistic lock on the session. */
  version?: number;
  /** The shopper accepted the terms of sale of this `termsVersion` (`retrieveComplianceDetails`). */
  termsAcceptance?: { version: string };
}

/** `createSource` payload: one per payment type. */
export type CreateSourcePayload =
  | (SourcePayloadBase & { type: "creditCard"; creditCard?: CreditCardInput })
  | (SourcePayloadBase & { type: "payPal"; payPal: RedirectInput })
  | (SourcePayloadBase & { type: "klarnaCredit"; klarnaCredit: RedirectInput })
  | (SourcePayloadBase & { type: "ideal"; ideal: RedirectInput })
  | (SourcePayloadBase & { type: "sepaDebit"; sepaDebit: { iban: string } })
  | (SourcePayloadBase & { type: "wireTransfer"; wireTransfer?: Record<string, never> })
  | (SourcePayloadBase & { type: "giftCard"; giftCard: { number: string; pin: string } })
  | (SourcePayloadBase & { type: "applePay"; applePay: { token: string } })
  | (SourcePayloadBase & { type: "googlePay"; googlePay: { token: string } });

export interface Source {
  id: string;
  clientSecret: string;
  sessionId: string;
  type: PaymentType;
  state: SourceState;
  flow: Flow;
  reusable: boolean;
  /** Minor units of `currency`. */
  amount: number;
  currency: string;
  owner?: Owner;
  creationIp?: string;
  createdTime: string;
  updatedTime: string;
  creditCard?: { brand: CardBrand; lastFourDigits: string; expirationMonth: number; expirationYear: number; fingerprint: string };
  giftCard?: { lastFourDigits: string; balance: number };
  sepaDebit?: { lastFourDigits: string; mandateReference: string };
  wireTransfer?: { accountHolder: string; bankName: string; iban: string; bic: string; referenceId: string };
  redirect?: { redirectUrl: string; returnUrl: string; cancelUrl: string };
  nextAction?: { type: "challenge" | "redirect"; url: string };
  termsAcceptance?: TermsAcceptance;
  applePay?: { brand: CardBrand; lastFourDigits: string; expirationMonth: number; expirationYear: number; fingerprint: string };
  googlePay?: { brand: CardBrand; lastFourDigits: string; expirationMonth: number; expirationYear: number; fingerprint: string };
}

/** A recorded acceptance of the terms of sale. */
export interface TermsAcceptance { version: string; acceptedTime: string; sourceId?: string; }

/** What `createSource` resolves with; `state` is "failed" whenever there is only an `error`. */
export interface CreateSourceResult {
  state: SourceState;
  source?: Source;
  error?: PaySessionError;
}

export type PaymentMethodsQuery =
  | { sessionId: string }
  | { currency: string; country: string; amount?: number };

export interface PaymentMethod {
  type: PaymentType;
  flow: Flow;
  supportsRecurring: boolean;
  supportsFreeTrial: boolean;
  images: { iconImage: string };
  terms?: string;
}

export interface LegalText { localizedText: string; url?: string; }

export interface WalletConfig {
  merchantId: string; merchantName: string; supportedNetworks: string[];
  countryCode: string; currencyCode: string; total: number;
}

/** A customer's saved payment method (masked). */
export interface PaymentMethodSummary {
  id: string;
  type: "creditCard";
  usage: Usage;
  creditCard: { brand: CardBrand; lastFourDigits: string; expirationMonth: number; expirationYear: number };
  createdTime: string;
}
export type Usage = "convenience" | "subscription" | "unscheduled";

export interface PaymentMethodsResult {
  sessionInformation: { amount: number; currency: string; country: string };
  paymentMethods: PaymentMethod[];
  /** When the session names a customer: its saved payment methods. */
  savedPaymentMethods?: PaymentMethodSummary[];
  applePay?: WalletConfig;
  googlePay?: WalletConfig;
  /** Test mode: the backend's simulated wallet (a Payment Handler at this method identifier). */
  testWallet?: { supportedMethods: string; type: "googlePay" };
  compliance: {
    businessEntity: { name: string; id: string };
    termsOfSale: LegalText; privacyPolicy: LegalText; cookiePolicy: LegalText;
    cancellationRights: LegalText; legalNotice: LegalText;
    termsVersion: string;
    /** The session requires an acceptance of the terms and has none: the drop-in shows its terms checkbox. */
    requireTermsAcceptance?: boolean;
  };
}

export interface ComplianceQuery { sessionId: string; locale?: string; }

/** `retrieveComplianceDetails` (DigitalRiver.js `Compliance.getDetails`). */
export interface ComplianceDetails {
  locale: string;
  businessEntity: { name: string; id: string };
  sellerDisclosure: LegalText;
  termsOfSale: LegalText; privacyPolicy: LegalText; cookiePolicy: LegalText;
  cancellationRights: LegalText; legalNotice: LegalText;
  /** The sentence of a terms checkbox. */
  confirmDisclosure: LegalText;
  /** What `termsAcceptance.version` names. */
  termsVersion: string;
  requireTermsAcceptance: boolean;
  termsAcceptance?: TermsAcceptance;
  savePaymentAgreement: { convenience: LegalText; subscription: LegalText; unscheduled: LegalText };
}

export interface AuthenticateSourceData {
  sessionId: string;
  sourceId: string;
  sourceClientSecret: string;
  /** The challenge answer, for integrations without the hosted challenge page. */
  challengeResponse?: string;
}

export interface AuthenticateSourceResult {
  status: "complete" | "authentication_not_required" | "failed" | "pending";
  source?: Source;
  error?: PaySessionError;
}

/** The session's browser-side fields, masked. */
export interface SessionFields {
  id: string;
  version: number;
  state: "requires_source" | "requires_confirmation" | "complete" | "expired" | "locked";
  amount: number;
  currency: string;
  country: string;
  amountContributed: number;
  amountRemainingToBeContributed: number;
  owner?: Owner;
  shipping?: Owner;
  card?: { number: string; brand?: CardBrand; expirationMonth?: number; expirationYear?: number; name?: string; cvvPresent: boolean };
  expiresAt: string;
  [field: string]: unknown;
}

export interface SessionFieldsUpdate {
  owner?: Owner;
  shipping?: Owner;
  card?: Partial<CreditCardInput>;
}

export interface UpdateSessionOptions {
  /** The session version this write was decided on. */
  version?: number;
}

export interface DropinOptions {
  /** `managePaymentMethods`: the session's customer's saved methods, Remove and Add (no payment). */
  flow?: "checkout" | "managePaymentMethods";
  /** What a card saved by the drop-in may be used for (needs a session with `customerId`). */
  usage?: Usage;
  showComplianceSection?: boolean;
  showSavePaymentAgreement?: boolean;
  expandFirstPaymentMethod?: boolean;
  /** A required "I accept the terms of sale" checkbox in each form; the acceptance goes with the source. */
  showTermsOfSaleDisclosure?: boolean;
  /** The merchant's documents the shopper agrees to by paying (absolute http(s) URLs). */
  consents?: { companyName: string; eula?: string; termsOfUse?: string; termsOfService?: string };
  button?: { type?: "continue" | "payNow" | "buyNow" | "completeOrder" | "submitOrder" | "custom"; buttonText?: string };
  redirect?: { returnUrl?: string; cancelUrl?: string; disableAutomaticRedirects?: boolean };
}

export interface DropinSuccessData {
  source: Source;
  /** Checkout only. */
  readyForStorage?: boolean;
  supportsStorage?: boolean;
  /** `managePaymentMethods`: the method just saved. */
  paymentMethod?: PaymentMethodSummary;
}
export interface DropinErrorData { paymentMethod: PaymentType | null; type?: ErrorType; errors: ErrorDetail[]; }
export interface DropinReadyData { paymentMethodTypes: PaymentType[]; }
export interface DropinCancelData { paymentMethod: PaymentType; }

export interface DropinConfiguration {
  sessionId: string;
  options?: DropinOptions;
  paymentMethodConfiguration?: {
    enabledPaymentMethods?: PaymentType[];
    disabledPaymentMethods?: PaymentType[];
    /** The card's secure fields. */
    style?: ElementStyle;
    creditCard?: { showCardholderName?: boolean; showBrandIcons?: boolean; style?: ElementStyle };
    /** Their in-page inputs: `base` (and its pseudo-classes) and `invalid`. */
    sepaDebit?: { style?: Pick<ElementStyle, "base" | "invalid"> };
    giftCard?: { style?: Pick<ElementStyle, "base" | "invalid"> };
  };
  /** The widget's and its secure fields' look; `dropin.update({appearance})` changes it in place. */
  appearance?: Appearance;
  onSuccess?(data: DropinSuccessData): void;
  onError?(data: DropinErrorData): void;
  onReady?(data: DropinReadyData): void;
  onCancel?(data: DropinCancelData): void;
}
"#;
