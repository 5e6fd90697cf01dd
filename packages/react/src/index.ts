// @paysession/react: React components and hooks for the paysession SDK.
export { loadPaySession, type LoadPaySessionOptions, type PaySessionModule, type PaySessionSdk } from "./loader.js";
export {
  PaySessionProvider,
  usePaySession,
  usePaySessionState,
  useCreateSource,
  useElement,
  type PaySessionProviderProps,
  type PaySessionInput,
  type PaySessionState,
  type CreateSource,
} from "./provider.js";
export { DropIn, type DropInProps } from "./DropIn.js";
export { CardNumberElement, CardExpirationElement, CardCvvElement, type CardElementProps } from "./elements.js";
export { Compliance, type ComplianceProps } from "./Compliance.js";
