//! The operations of sessions, sources and customers (and their saved methods).

use super::super::op::{
    schema_ref, string,
    Auth::{Any, Secret},
    Op,
};
use super::super::shared::UPDATE_FIELDS;
use utoipa::openapi::{
    path::HttpMethod::{Delete, Get, Patch, Post},
    schema::SchemaType,
    ObjectBuilder, Type,
};

/// Sessions: create, read, update (merchant and browser), their payment methods and compliance texts, attach and detach.
pub(super) fn sessions() -> Vec<Op> {
    vec![
        Op::new(Post, "/v1/sessions", "createSession", "sessions", "Create a payment session", Secret)
            .describe("Amount, currency and country are fixed for the session's life. The answer holds the `clientSecret` the merchant hands to the browser. An unknown `customerId` is `404`.")
            .body("CreateSession")
            .idempotent()
            .errors(&[404])
            .ok(201, "Session", "The new session."),
        Op::new(Get, "/v1/sessions/{id}", "retrieveSession", "sessions", "Retrieve a session (merchant view)", Secret)
            .errors(&[404])
            .ok(200, "Session", "The session, with `metadata`."),
        Op::new(Patch, "/v1/sessions/{id}", "updateSession", "sessions", "Update a session (merchant)", Secret)
            .describe("Owner and shipping are merged field by field; `reference` and `metadata` are the merchant's. Card details are refused here (browser route only).")
            .body("UpdateSession")
            .versioned()
            .errors(&[404])
            .ok(200, "Session", "The session as written."),
        Op::new(Get, "/v1/sessions/{id}/fields", "retrieveSessionFields", "sessions", "Retrieve a session (browser view)", Any)
            .errors(&[404])
            .ok(200, "Session", "The session without `metadata`; a card masked."),
        Op::new(Patch, "/v1/sessions/{id}/fields", "updateSessionFields", "sessions", "Update a session's owner, shipping and card (browser)", Any)
            .describe("`reference` and `metadata` are refused here (merchant route only).")
            .body(UPDATE_FIELDS)
            .versioned()
            .errors(&[404])
            .ok(200, "Session", "The session as written (browser view)."),
        Op::new(Get, "/v1/sessions/{id}/payment-methods", "sessionPaymentMethods", "payment methods", "Payment methods for a session", Any)
            .describe("`400 session_expired` for an expired session.")
            .request_header("Accept-Language", string().into(), "The locale `amountFormat` is for: its first tag, when it is exactly one of the catalogs' (`GET /v1/locales/{locale}`); the SDK sends its `locale`.")
            .errors(&[400, 404])
            .ok(200, "PaymentMethods", "The methods offered for the amount still to be funded."),
        Op::new(Get, "/v1/sessions/{id}/compliance", "retrieveComplianceDetails", "payment methods", "Compliance details for a session", Any)
            .describe("The seller of record, legal documents with localized texts, the save-card agreements and the terms version an acceptance (`termsAcceptance` of a source) names. `locale` defaults to the session's; an unknown one reads en-US.")
            .query("locale", false, string().into(), "BCP 47 tag (`de-DE`, `ar`).")
            .errors(&[400, 404])
            .ok(200, "ComplianceDetails", "The compliance details."),
        Op::new(Get, "/v1/payment-methods", "lookupPaymentMethods", "payment methods", "Payment methods without a session", Any)
            .describe("Without `amount`, methods are judged for one major unit of the currency.")
            .query("currency", true, schema_ref("Currency"), "ISO 4217.")
            .query("country", true, schema_ref("Country"), "ISO 3166-1 alpha-2.")
            .query("amount", false, ObjectBuilder::new().schema_type(SchemaType::Type(Type::Integer)).minimum(Some(1)).maximum(Some(paysession_core::money::MAX_AMOUNT as f64)).into(), "Minor units, > 0.")
            .request_header("Accept-Language", string().into(), "The locale `amountFormat` is for: its first tag, when it is exactly one of the catalogs' (`GET /v1/locales/{locale}`); the SDK sends its `locale`.")
            .errors(&[400])
            .ok(200, "PaymentMethods", "The methods offered."),
        Op::new(Post, "/v1/sessions/{id}/sources", "attachSource", "sessions", "Attach a source to a session", Secret)
            .describe("Only a `chargeable` or `pending_funds` source made for this session attaches. A primary source funds what the secondaries leave; a new primary replaces the previous one.")
            .body("AttachSource")
            .idempotent()
            .versioned()
            .errors(&[404])
            .ok(200, "Session", "The session with the source attached."),
        Op::new(Delete, "/v1/sessions/{id}/sources/{sourceId}", "detachSource", "sessions", "Detach a source from a session", Secret)
            .versioned()
            .errors(&[404])
            .ok(200, "Session", "The session without the source."),
    ]
}

/// Sources: create, read, authenticate.
pub(super) fn sources() -> Vec<Op> {
    vec![
        Op::new(Post, "/v1/sources", "createSource", "sources", "Create a payment source", Any)
            .describe("Amount and currency always come from the session. Exactly the object of `type` may be given (`creditCard`, `payPal`, …); without `creditCard`, a card source uses the session's card.")
            .body("CreateSource")
            .idempotent()
            .versioned()
            .errors(&[404])
            .ok(201, "Source", "The new source; `nextAction` says what the shopper must do, if anything."),
        Op::new(Get, "/v1/sources/{id}", "retrieveSource", "sources", "Retrieve a source", Any)
            .query("clientSecret", false, string().into(), "The source's client secret: required with the public key.")
            .errors(&[400, 403, 404])
            .ok(200, "Source", "The source."),
        Op::new(Post, "/v1/sources/{id}/authenticate", "authenticateSource", "sources", "Authenticate a source (3-D Secure)", Any)
            .body("AuthenticateSource")
            .idempotent()
            .errors(&[403, 404])
            .ok(200, "AuthenticationResult", "The authentication's outcome and the source."),
    ]
}

/// Customers and their saved payment methods.
pub(super) fn customers() -> Vec<Op> {
    vec![
        Op::new(Post, "/v1/sessions/{id}/payment-methods", "savePaymentMethod", "customers", "Save a card to the session's customer without paying", Any)
            .describe("The source must be a `chargeable` card source of this session created with `usage`; it is consumed, and the card becomes a payment method of the session's customer (Mastercard \"Tokenization\"). A session without `customerId` is `400 invalid_parameter`; a source saved already `400 source_state_invalid`.")
            .body("TokenizeSource")
            .idempotent()
            .versioned()
            .errors(&[400, 404])
            .ok(201, "PaymentMethodSummary", "The saved method (masked)."),
        Op::new(Delete, "/v1/sessions/{id}/payment-methods/{pmId}", "removeSessionPaymentMethod", "customers", "Remove a saved method of the session's customer (browser)", Any)
            .describe("Only a method of the customer the session names; any other is `404`. Only while the session is open: a complete, expired or locked session is `400 session_complete` / `session_expired` / `session_locked`.")
            .errors(&[400, 404])
            .ok(200, "DeletedPaymentMethod", "The method was removed."),
        Op::new(Post, "/v1/customers", "createCustomer", "customers", "Create a customer", Secret)
            .describe("A customer's sessions (`customerId`) offer its saved payment methods and save cards created with `usage`.")
            .body("CreateCustomer")
            .idempotent()
            .errors(&[400])
            .ok(201, "Customer", "The new customer."),
        Op::new(Get, "/v1/customers/{id}", "retrieveCustomer", "customers", "Retrieve a customer", Secret)
            .errors(&[404])
            .ok(200, "Customer", "The customer with its saved payment methods."),
        Op::new(Get, "/v1/customers/{id}/payment-methods", "listPaymentMethods", "customers", "A customer's saved payment methods", Secret)
            .errors(&[404])
            .ok(200, "PaymentMethodList", "The live methods, oldest first (masked)."),
        Op::new(Delete, "/v1/customers/{id}/payment-methods/{pmId}", "deletePaymentMethod", "customers", "Delete a saved payment method", Secret)
            .describe("Its sealed card number is erased; paying with it is then `400 payment_method_removed`.")
            .errors(&[404])
            .ok(200, "DeletedPaymentMethod", "The method was deleted."),
    ]
}
