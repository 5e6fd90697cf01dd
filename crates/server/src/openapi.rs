//! The OpenAPI 3.1 document of the HTTP API, served at `GET /v1/openapi.json`
//! and checked in as `docs/openapi.json` (a test fails when that copy is
//! stale). Schemas come from core's wire types (`paysession-core`, feature
//! `openapi`); the operations are listed here, one per route of
//! [`crate::routes::router`], with every status each route answers. Built
//! once, on first use.

use axum::{
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
};
use paysession_core::{
    card::Brand,
    country::Country,
    state::{Flow, PaymentType, SessionState, SourceState},
    wire::*,
    Amount, ApiError, Currency, ErrorCode, ErrorDetail, ErrorType,
};
use serde_json::{json, Value};
use std::sync::OnceLock;
use utoipa::{
    openapi::{
        header::HeaderBuilder,
        path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem},
        request_body::RequestBodyBuilder,
        schema::SchemaType,
        security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
        },
        ComponentsBuilder, ContentBuilder, InfoBuilder, ObjectBuilder, OpenApiBuilder,
        PathsBuilder, Ref, RefOr, Required, ResponseBuilder, Schema, Tag, Type,
    },
    ToSchema,
};

/// The path the document is served at.
pub const PATH: &str = "/v1/openapi.json";

const DESCRIPTION: &str = "\
The paysession session backend: payment sessions, sources and orders. The contract in prose is \
docs/API.md; this document is generated from the server's own types.

**Keys.** Every `/v1/` route except `/v1/locales/{locale}` and `/v1/openapi.json` needs an API key \
as `Authorization: Bearer <key>`. The secret key (`sk_…`) is for the merchant's server only; the \
public key (`pk_…`) reaches the routes a browser needs, and on a `GET` it may also travel as \
`?key=pk_…` (never a secret key). A public key on a secret-key route is `403 permission_denied`.

**Errors.** Every error is a JSON `ApiError`: `{\"type\", \"errors\": [{\"code\", \"parameter\"?, \
\"message\"}]}`, `code` from the closed list `ErrorCode`; `parameter` is the dotted path of the \
offending field (`creditCard.number`) or header (`Idempotency-Key`, `If-Match`). Besides the \
statuses listed per operation: an unknown path answers `404 route_not_found` and a known path \
with another method `405 method_not_allowed`, both with an `ApiError` body.

**No nulls.** No field is ever `null`: absent fields are omitted from answers, and a `null` in a \
request is `400 null_not_allowed` (session fields are overwritten, never removed). Unknown request \
fields are `400 unknown_parameter`; request bodies hold no lists.

**Idempotency.** Every `POST` under `/v1/` takes an optional `Idempotency-Key` (1 to 255 visible \
ASCII characters). The same key with the same request (method, path, body) replays the first \
answer (status and body, with `Idempotent-Replayed: true`); a different request, or one while the \
first is running, is `409 idempotency_key_reused`. 401, 403, 408, 429 and 5xx answers are not \
stored.

**Versions.** Every session carries `version`, incremented on each change. A write decided on a \
version sends it as `version` in the body or as `If-Match` (`3`, `\"3\"` or `W/\"3\"`); a session \
that changed since is `409 session_version_mismatch`.

**Rate limits.** Public-key requests are limited per key and client address: `429 \
rate_limit_exceeded` with `Retry-After` in seconds.

**Availability.** A route that reads the database answers `503 network_unavailable` (with \
`Retry-After`) when the database cannot be reached after retries: retry with the same \
`Idempotency-Key`. `GET /healthz` is liveness, `GET /readyz` readiness.";

/// The document as JSON (built on first use).
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(build)
}

/// The document as the checked-in `docs/openapi.json` holds it: pretty, with a final newline.
pub fn pretty() -> String {
    let mut s = serde_json::to_string_pretty(document()).unwrap_or_default();
    s.push('\n');
    s
}

/// `GET /v1/openapi.json`: no key, cacheable.
pub async fn serve() -> Response {
    static BODY: OnceLock<String> = OnceLock::new();
    let body = BODY.get_or_init(|| serde_json::to_string(document()).unwrap_or_default());
    let mut r = body.as_str().into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

/// Who may call an operation.
#[derive(Clone, Copy, PartialEq)]
enum Auth {
    /// No key.
    None,
    /// The secret key only.
    Secret,
    /// The secret or the public key.
    Any,
}

/// One operation being described.
struct Op {
    method: HttpMethod,
    path: &'static str,
    b: OperationBuilder,
}

fn schema_ref(name: &str) -> RefOr<Schema> {
    Ref::from_schema_name(name).into()
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::Type(Type::String))
}

fn json(schema: RefOr<Schema>) -> utoipa::openapi::Content {
    ContentBuilder::new().schema(Some(schema)).build()
}

impl Op {
    fn new(
        method: HttpMethod,
        path: &'static str,
        id: &str,
        tag: &str,
        summary: &str,
        auth: Auth,
    ) -> Op {
        let mut b = OperationBuilder::new()
            .operation_id(Some(id))
            .tag(tag)
            .summary(Some(summary));
        let any = |b: OperationBuilder| {
            let b = b
                .security(SecurityRequirement::new("secretKey", Vec::<String>::new()))
                .security(SecurityRequirement::new("publicKey", Vec::<String>::new()));
            if method == HttpMethod::Get {
                b.security(SecurityRequirement::new(
                    "publicKeyInQuery",
                    Vec::<String>::new(),
                ))
            } else {
                b
            }
        };
        b = match auth {
            Auth::None => b,
            Auth::Secret => b.security(SecurityRequirement::new("secretKey", Vec::<String>::new())),
            Auth::Any => any(b),
        };
        let mut op = Op { method, path, b };
        for seg in path.split('/') {
            if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                op = op.param(
                    ParameterIn::Path,
                    name,
                    true,
                    string().into(),
                    path_param(name),
                );
            }
        }
        // Every answer but a success may be a 500 (which says nothing of the inside).
        op.b =
            op.b.response("500", Ref::from_response_name("InternalError"));
        if auth != Auth::None {
            op = op.errors(&[401, 429, 503]);
        }
        if auth == Auth::Secret {
            op = op.errors(&[403]);
        }
        op
    }

    fn describe(mut self, d: &str) -> Op {
        self.b = self.b.description(Some(d));
        self
    }

    fn param(
        mut self,
        at: ParameterIn,
        name: &str,
        required: bool,
        schema: RefOr<Schema>,
        d: &str,
    ) -> Op {
        self.b = self.b.parameter(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(at)
                .required(if required {
                    Required::True
                } else {
                    Required::False
                })
                .schema(Some(schema))
                .description(Some(d)),
        );
        self
    }

    fn query(self, name: &str, required: bool, schema: RefOr<Schema>, d: &str) -> Op {
        self.param(ParameterIn::Query, name, required, schema, d)
    }

    /// A JSON body of core's type `schema` (and the errors reading a body may give).
    fn body(mut self, schema: &str) -> Op {
        self.b = self.b.request_body(Some(
            RequestBodyBuilder::new()
                .content("application/json", json(schema_ref(schema)))
                .required(Some(Required::True))
                .build(),
        ));
        self.errors(&[400, 408, 413, 415])
    }

    /// A form body (hosted pages).
    fn form(mut self, fields: Vec<(&str, ObjectBuilder, bool)>) -> Op {
        let mut o = ObjectBuilder::new().schema_type(SchemaType::Type(Type::Object));
        for (name, s, required) in fields {
            o = o.property(name, s);
            if required {
                o = o.required(name);
            }
        }
        self.b = self.b.request_body(Some(
            RequestBodyBuilder::new()
                .content(
                    "application/x-www-form-urlencoded",
                    ContentBuilder::new().schema(Some(o)).build(),
                )
                .required(Some(Required::True))
                .build(),
        ));
        self.errors(&[400, 408, 413, 415])
    }

    /// `Idempotency-Key` (every POST under `/v1/`).
    fn idempotent(mut self) -> Op {
        self.b = self.b.parameter(
            ParameterBuilder::new()
                .name("Idempotency-Key")
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .schema(Some(string().min_length(Some(1)).max_length(Some(255)).pattern(Some("^[ -~]+$"))))
                .description(Some("Makes the POST safe to retry: the same key with the same request replays the first answer; with another request it is `409 idempotency_key_reused`.")),
        );
        self.errors(&[400, 409])
    }

    /// `If-Match` / body `version`: the version-checked writes.
    fn versioned(mut self) -> Op {
        self.b = self.b.parameter(
            ParameterBuilder::new()
                .name("If-Match")
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .schema(Some(string().pattern(Some(IF_MATCH_PATTERN))))
                .description(Some("The session `version` this write was decided on (`3`, `\"3\"` or `W/\"3\"`), when the body has no `version`; `409 session_version_mismatch` if the session changed since.")),
        );
        self.errors(&[400, 409])
    }

    fn errors(mut self, statuses: &[u16]) -> Op {
        for s in statuses {
            self.b = self
                .b
                .response(s.to_string(), Ref::from_response_name(error_response(*s).0));
        }
        self
    }

    /// The success answer: core's type `schema` as JSON.
    fn ok(mut self, status: u16, schema: &str, d: &str) -> Op {
        let mut r = ResponseBuilder::new()
            .description(d)
            .content("application/json", json(schema_ref(schema)));
        if self.method == HttpMethod::Post && self.path.starts_with("/v1/") {
            r = r.header(
                "Idempotent-Replayed",
                HeaderBuilder::new()
                    .schema(string().enum_values(Some(["true"])))
                    .description(Some("`true` when this is the stored answer of an earlier request with the same `Idempotency-Key`."))
                    .build(),
            );
        }
        self.b = self.b.response(status.to_string(), r.build());
        self
    }

    /// A success answer of another media type (hosted pages, assets).
    fn ok_as(mut self, status: u16, media: &str, d: &str) -> Op {
        // JSON (`application/json`, `application/*+json`) is an object; anything else text.
        let schema = if media == "application/json" || media.ends_with("+json") {
            ObjectBuilder::new().schema_type(SchemaType::Type(Type::Object))
        } else {
            string()
        };
        self.b = self.b.response(
            status.to_string(),
            ResponseBuilder::new()
                .description(d)
                .content(media, ContentBuilder::new().schema(Some(schema)).build())
                .build(),
        );
        self
    }
}

fn path_param(name: &str) -> &'static str {
    match name {
        "id" => "The object's id (`ses_…`, `src_…`, `ord_…`, `re_…`, `evt_…`).",
        "sourceId" => "The source's id (`src_…`).",
        "pmId" => "The saved payment method's id (`pm_…`).",
        "deliveryId" => "The webhook delivery's id (`whd_…`).",
        "locale" => "A BCP 47 tag (`de-DE`), optionally with `.json`; its language alone (`de`) also matches.",
        "name" => "`{paymentType}.svg`.",
        "doc" => "`terms`, `privacy`, `cookies`, `cancellation` or `notice`.",
        _ => "",
    }
}

/// The shared error answers: (component name, description) per status.
fn error_response(status: u16) -> (&'static str, &'static str) {
    match status {
        400 => ("BadRequest", "The request is malformed or breaks a rule (`type` `bad_request` or `validation_error`; `parameter` names the field): `missing_parameter`, `invalid_parameter`, `unknown_parameter`, `malformed_json`, `null_not_allowed`, `invalid_*`, `incomplete_*`, `session_expired`, `session_locked`, `session_complete`, `source_state_invalid`, `payment_method_unavailable`, `card_declined`, …"),
        401 => ("Unauthorized", "No API key, or not a valid one (`invalid_api_key`); also a secret key sent in a URL."),
        403 => ("Forbidden", "The key may not do this: a public key on a secret-key route (`permission_denied`), or a client secret that does not match (`invalid_client_secret`)."),
        404 => ("NotFound", "No such object for this merchant (`resource_not_found`); other merchants' objects are not found either."),
        408 => ("RequestTimeout", "The body did not arrive within the server's body timeout (`request_timeout`); send it again, whole."),
        409 => ("Conflict", "The session changed since the `version` the write was decided on (`session_version_mismatch`), or the `Idempotency-Key` was used for another request or is still in progress (`idempotency_key_reused`)."),
        413 => ("PayloadTooLarge", "The body is larger than 64 KiB (`payload_too_large`)."),
        415 => ("UnsupportedMediaType", "The body's content type is not the one the route reads (`unsupported_media_type`)."),
        429 => ("RateLimited", "Too many public-key requests from this client (`rate_limit_exceeded`); wait `Retry-After` seconds."),
        503 => ("ServiceUnavailable", "The database could not be reached after retries (`network_unavailable`, `type` `network_error`); retry after `Retry-After` seconds with the same `Idempotency-Key`."),
        _ => ("InternalError", "The server failed (`internal_error`); nothing of the inside is said. Retrying with the same `Idempotency-Key` is safe."),
    }
}

/// Pushes `T`'s schema and every schema it refers to.
fn add<T: ToSchema>(v: &mut Vec<(String, RefOr<Schema>)>) {
    v.push((T::name().into_owned(), T::schema()));
    T::schemas(v);
}

fn operations() -> Vec<Op> {
    use Auth::{Any, Secret};
    use HttpMethod::{Delete, Get, Patch, Post};
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
        Op::new(Post, "/v1/orders", "createOrder", "orders", "Create an order from a funded session", Secret)
            .describe("Only a `requires_confirmation` session makes an order (else `400 order_submit_failed`); its sources are consumed.")
            .body("CreateOrder")
            .idempotent()
            .versioned()
            .errors(&[404])
            .ok(201, "Order", "The order."),
        Op::new(Get, "/v1/orders/{id}", "retrieveOrder", "orders", "Retrieve an order", Secret)
            .describe("A manual authorization past `authorizationExpiresAt` is expired first (what is not captured is released, `payment.expired`).")
            .errors(&[404])
            .ok(200, "Order", "The order."),
        Op::new(Post, "/v1/orders/{id}/captures", "captureOrder", "orders", "Capture an authorized order (in full or in part)", Secret)
            .describe("Only an order of a `capture: \"manual\"` session that is `authorized` or `partially_captured`. `amount` defaults to everything still capturable; several partial captures add up to the authorized amount at most (`400 amount_exceeds_capturable`). `final: true`, or a capture of all that remains, releases the rest. Refused: `order_already_captured`, `order_voided`, `authorization_expired`, `payment_pending`, `payment_failed`.")
            .body("CreateCapture")
            .idempotent()
            .errors(&[400, 404])
            .ok(200, "Order", "The order after the capture."),
        Op::new(Post, "/v1/orders/{id}/cancel", "cancelOrder", "orders", "Cancel (void) what an order has not captured", Secret)
            .describe("Releases everything not captured (a gift card gets it back): `voided`, or `captured` after a partial capture. Refused: `order_already_captured`, `order_voided`, `authorization_expired`, `payment_pending`, `payment_failed`.")
            .idempotent()
            .errors(&[400, 404])
            .ok(200, "Order", "The order after the cancel."),
        Op::new(Post, "/v1/orders/{id}/refunds", "refundOrder", "orders", "Refund an order (in full or in part)", Secret)
            .describe("`amount` defaults to everything refundable; never more than was captured less what was refunded or is being refunded, per payment (`400 amount_exceeds_refundable`). The primary payment gives back first, then the gift cards (last attached first; their balance is restored). A refund touching a SEPA Direct Debit or wire transfer payment is `pending` until it succeeds or fails; others succeed at once.")
            .body("CreateRefund")
            .idempotent()
            .errors(&[400, 404])
            .ok(201, "Refund", "The refund."),
        Op::new(Get, "/v1/refunds/{id}", "retrieveRefund", "orders", "Retrieve a refund", Secret)
            .errors(&[404])
            .ok(200, "Refund", "The refund."),
        Op::new(Post, "/v1/test/sources/{id}/funds", "testFunds", "test mode", "Test mode: a wire transfer's funds arrive, a SEPA debit settles", Secret)
            .describe("The source's pending payment in its order is captured (`payment.captured`; `order.paid` when that completes the order). A test secret key (`sk_test_…`) only, else `403 test_mode_only`. A payment that is not pending, or a source in no order, is `400 source_state_invalid`.")
            .idempotent()
            .errors(&[400, 403, 404])
            .ok(200, "Order", "The order."),
        Op::new(Post, "/v1/test/sources/{id}/return", "testReturn", "test mode", "Test mode: the money never arrives (a returned SEPA debit)", Secret)
            .describe("The source's pending payment fails (`payment.failed`) and the source moves from `consumed` to `failed` (`source.failed`), in one transaction. Test secret key only.")
            .idempotent()
            .errors(&[400, 403, 404])
            .ok(200, "Order", "The order."),
        Op::new(Post, "/v1/test/sources/{id}/approve", "testApprove", "test mode", "Test mode: a redirect payment approved without the shopper's return", Secret)
            .describe("`pending_redirect` → `chargeable` (`source.chargeable`); any other state is `400 source_state_invalid`. Test secret key only.")
            .errors(&[400, 403, 404])
            .ok(200, "Source", "The source."),
        Op::new(Post, "/v1/test/sources/{id}/cancel", "testCancel", "test mode", "Test mode: a redirect payment cancelled without the shopper's return", Secret)
            .describe("`pending_redirect` → `cancelled` (`source.cancelled`). Test secret key only.")
            .errors(&[400, 403, 404])
            .ok(200, "Source", "The source."),
        Op::new(Post, "/v1/test/authorizations/sweep", "testSweep", "test mode", "Test mode: run the authorization expiry sweep now", Secret)
            .describe("Expires the caller's manual authorizations that are past `authorizationExpiresAt` (`payment.expired`), as the server's own sweep does every `--sweep-interval` seconds for every merchant. Test secret key only.")
            .errors(&[403])
            .ok(200, "Swept", "How many orders this pass expired."),
        Op::new(Post, "/v1/test/refunds/{id}/succeed", "testRefundSucceed", "test mode", "Test mode: a pending refund succeeds", Secret)
            .describe("`refund.succeeded`; a refund that is not pending is `400 refund_state_invalid`. Test secret key only.")
            .idempotent()
            .errors(&[400, 403, 404])
            .ok(200, "Refund", "The refund."),
        Op::new(Post, "/v1/test/refunds/{id}/fail", "testRefundFail", "test mode", "Test mode: a pending refund fails", Secret)
            .describe("`refund.failed`: its amount may be refunded again. Test secret key only.")
            .idempotent()
            .errors(&[400, 403, 404])
            .ok(200, "Refund", "The refund."),
        Op::new(Get, "/v1/events", "listEvents", "events", "List events, newest first", Secret)
            .describe("Every change of a session, source, order, customer or saved payment method records an event in the transaction that made it: a change that committed has exactly one, a refused or replayed request none. `type` is one of `session.created`, `session.updated`, `source.created`, `source.<state>` (a source moved to that state), `order.created`, `customer.created`, `payment_method.attached`, `payment_method.detached`, and after an order `order.paid`, `payment.captured`, `payment.voided`, `payment.expired`, `payment.failed`, `refund.created`, `refund.succeeded`, `refund.failed` (whose object is the refund, `re_…`); anything else is `400 invalid_parameter`, as is an unknown `startingAfter`.")
            .query("limit", false, ObjectBuilder::new().schema_type(SchemaType::Type(Type::Integer)).minimum(Some(1)).maximum(Some(crate::routes::events::MAX_LIMIT as f64)).into(), "Events in the page (default 10, at most 100).")
            .query("startingAfter", false, string().pattern(Some("^evt_[0-9a-f]{32}$")).into(), "One of the merchant's event ids: the page starts with the next older event (the last `id` of the previous page).")
            .query("type", false, string().enum_values(Some(crate::store::events::types())).into(), "Only events of this type.")
            .query("objectId", false, string().min_length(Some(1)).max_length(Some(crate::routes::events::MAX_OBJECT_ID)).into(), "Only events of this object (`ses_…`, `src_…`, `ord_…`, `cus_…`, `pm_…`).")
            .errors(&[400])
            .ok(200, "EventList", "A page of events."),
        Op::new(Get, "/v1/events/{id}", "retrieveEvent", "events", "Retrieve an event", Secret)
            .errors(&[404])
            .ok(200, "Event", "The event."),
        Op::new(Post, "/v1/webhook-endpoints", "createWebhookEndpoint", "webhooks", "Create a webhook endpoint", Secret)
            .describe("Every event of one of `types` committed from now on is POSTed to `url`, signed (`PaySession-Signature`, see `webhooks` of this document and docs/API.md §5.19), until the endpoint answers 2xx: retried with exponential backoff and jitter for 3 days, then `failed`. The signing secret is in this answer only. A URL that is not https (or http to a loopback address) is `400 invalid_url`; an unknown event type `400 invalid_parameter`; 16 endpoints at most.")
            .body("CreateWebhookEndpoint")
            .idempotent()
            .ok(201, "WebhookEndpoint", "The endpoint, with its `secret`."),
        Op::new(Get, "/v1/webhook-endpoints", "listWebhookEndpoints", "webhooks", "List webhook endpoints", Secret)
            .ok(200, "WebhookEndpointList", "The live endpoints, oldest first (no secrets)."),
        Op::new(Get, "/v1/webhook-endpoints/{id}", "retrieveWebhookEndpoint", "webhooks", "Retrieve a webhook endpoint", Secret)
            .errors(&[404])
            .ok(200, "WebhookEndpoint", "The endpoint (no secret)."),
        Op::new(Delete, "/v1/webhook-endpoints/{id}", "deleteWebhookEndpoint", "webhooks", "Delete a webhook endpoint", Secret)
            .describe("Nothing more is delivered to it; its pending deliveries become `failed`.")
            .errors(&[404])
            .ok(200, "DeletedWebhookEndpoint", "The endpoint was deleted."),
        Op::new(Post, "/v1/webhook-endpoints/{id}/rotate", "rotateWebhookSecret", "webhooks", "Rotate an endpoint's signing secret", Secret)
            .describe("A new secret, in this answer only. The current one keeps signing beside it (a second `v1=`) for `overlapSeconds` (default 86400, at most 604800): switch the receiver to the new secret within it.")
            .body("RotateWebhookSecret")
            .idempotent()
            .errors(&[404])
            .ok(200, "WebhookEndpoint", "The endpoint, with its new `secret` and `previousSecretExpiresTime`."),
        Op::new(Get, "/v1/webhook-endpoints/{id}/deliveries", "listWebhookDeliveries", "webhooks", "List an endpoint's deliveries, newest first", Secret)
            .describe("One delivery per event sent to the endpoint, with every attempt (status, duration, the answer's first 256 bytes).")
            .query("limit", false, ObjectBuilder::new().schema_type(SchemaType::Type(Type::Integer)).minimum(Some(1)).maximum(Some(crate::routes::webhooks::MAX_LIMIT as f64)).into(), "Deliveries in the page (default 10, at most 100).")
            .query("startingAfter", false, string().pattern(Some("^whd_[0-9a-f]{32}$")).into(), "One of the endpoint's delivery ids: the page starts with the next older delivery.")
            .query("state", false, string().enum_values(Some(["pending", "succeeded", "failed"])).into(), "Only deliveries in this state.")
            .query("eventId", false, string().pattern(Some("^evt_[0-9a-f]{32}$")).into(), "Only the delivery of this event.")
            .errors(&[400, 404])
            .ok(200, "WebhookDeliveryList", "A page of deliveries."),
        Op::new(Post, "/v1/webhook-endpoints/{id}/deliveries/{deliveryId}/redeliver", "redeliverWebhook", "webhooks", "Deliver an event again", Secret)
            .describe("The delivery is attempted again at once, with a new retry window, whatever its state (a delivery in an attempt right now is left to it). The event keeps its id: receivers deduplicate on it.")
            .idempotent()
            .errors(&[404])
            .ok(200, "WebhookDelivery", "The delivery, pending again."),
        Op::new(Get, "/v1/locales/{locale}", "localeCatalog", "assets", "The drop-in's message catalog for a locale", Auth::None)
            .describe("No key: the texts are the same for every merchant. Cached a day.")
            .errors(&[404])
            .ok(200, "Catalog", "Message ids and their texts."),
        Op::new(Get, PATH, "openApi", "assets", "This document", Auth::None)
            .describe("No key; cacheable. Generate a client from it.")
            .ok_as(200, "application/json", "The OpenAPI 3.1 document."),
        Op::new(Get, "/hosted/challenge/{id}", "challengePage", "hosted pages", "3-D Secure challenge page (HTML)", Auth::None)
            .describe("Shown in an iframe of the shop's page (`nextAction.url`). Test password: `password`. Errors are JSON `ApiError`s.")
            .query("clientSecret", true, string().into(), "The source's client secret.")
            .query("origin", false, string().into(), "The embedding page's origin: the frame may be embedded there (one of the merchant's origins) and posts its result to it.")
            .errors(&[400, 403, 404, 503])
            .ok_as(200, "text/html", "The challenge form, or the result once answered."),
        Op::new(Post, "/hosted/challenge/{id}", "challengeSubmit", "hosted pages", "Answer a 3-D Secure challenge (HTML form)", Auth::None)
            .form(vec![
                ("clientSecret", string(), true),
                ("password", string().format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Password))), false),
                ("origin", string(), false),
            ])
            .errors(&[403, 404, 503])
            .ok_as(200, "text/html", "The result page; it posts `{sourceId, state}` to the embedding page."),
        Op::new(Get, "/hosted/redirect/{id}", "redirectPage", "hosted pages", "Redirect approval page (HTML)", Auth::None)
            .describe("The test PayPal / Klarna / iDEAL page (`redirect.redirectUrl`): Approve or Cancel.")
            .query("clientSecret", true, string().into(), "The source's client secret.")
            .errors(&[400, 403, 404, 503])
            .ok_as(200, "text/html", "The approval page, or a note that the payment was handled."),
        Op::new(Post, "/hosted/redirect/{id}", "redirectSubmit", "hosted pages", "Approve or cancel a redirect payment (HTML form)", Auth::None)
            .form(vec![
                ("clientSecret", string(), true),
                ("action", string().enum_values(Some(["approve", "cancel"])), true),
            ])
            .errors(&[403, 404, 503])
            .see_other(),
        Op::new(Get, "/hosted/assets/hosted.js", "hostedScript", "assets", "The hosted pages' script", Auth::None)
            .ok_as(200, "text/javascript", "The script."),
        Op::new(Get, "/hosted/assets/hosted.css", "hostedStyle", "assets", "The hosted pages' stylesheet", Auth::None)
            .ok_as(200, "text/css", "The stylesheet."),
        Op::new(Get, "/hosted/assets/icons/{name}", "methodIcon", "assets", "A payment method's icon (`images.iconImage`)", Auth::None)
            .errors(&[404])
            .ok_as(200, "image/svg+xml", "The icon."),
        Op::new(Get, "/hosted/legal/{doc}", "legalText", "hosted pages", "A compliance text (`compliance.*.url`, HTML)", Auth::None)
            .errors(&[404])
            .ok_as(200, "text/html", "The text."),
        Op::new(Get, "/hosted/field", "secureFieldFrame", "hosted pages", "A secure card field's frame, by way of the API", Auth::None)
            .query("k", false, string().into(), "The public key (`pk_…`).")
            .query("o", false, string().into(), "The embedding page's origin.")
            .describe("`302` to the fields origin's `/field` with the same query (`k`: the public key, `o`: the page's origin). The drop-in creates its card frames with this URL at `mount`, before the payment-methods answer names the fields origin (`fieldsUrl`). `404` when the server runs no fields origin.")
            .errors(&[404])
            .found(),
        Op::new(Get, "/hosted/wallet/pay", "testWalletMethod", "hosted pages", "The test wallet's payment method identifier", Auth::None)
            .describe("Test mode's simulated wallet (`testWallet.supportedMethods`): a Payment Handler. Answers a `Link` to its payment method manifest (`rel=\"payment-method-manifest\"`).")
            .ok_as(200, "text/plain", "A note; the `Link` header is what the browser reads."),
        Op::new(Get, "/hosted/wallet/manifest.json", "testWalletMethodManifest", "hosted pages", "The test wallet's payment method manifest", Auth::None)
            .ok_as(200, "application/json", "`default_applications`: the payment app's web app manifest."),
        Op::new(Get, "/hosted/wallet/app.json", "testWalletAppManifest", "hosted pages", "The test wallet's web app manifest", Auth::None)
            .ok_as(200, "application/manifest+json", "Name, icon and `serviceworker` of the payment app."),
        Op::new(Get, "/hosted/wallet/icon.png", "testWalletIcon", "assets", "The test wallet's icon", Auth::None)
            .ok_as(200, "image/png", "The icon."),
        Op::new(Get, "/hosted/wallet/sw.js", "testWalletServiceWorker", "assets", "The test wallet's service worker (the payment app)", Auth::None)
            .ok_as(200, "text/javascript", "The script."),
        Op::new(Get, "/hosted/wallet/window", "testWalletWindow", "hosted pages", "The test wallet's window (HTML)", Auth::None)
            .describe("Opened by the service worker for a `PaymentRequest`: the total, the wallet's cards (masked), Pay and Cancel.")
            .ok_as(200, "text/html", "The window."),
        Op::new(Get, "/hosted/wallet/window.js", "testWalletWindowScript", "assets", "The test wallet window's script", Auth::None)
            .ok_as(200, "text/javascript", "The script."),
        Op::new(Post, "/hosted/wallet/tokens", "issueTestWalletToken", "hosted pages", "Issue a test wallet token", Auth::None)
            .describe("Test mode only (a `pk_test_…` merchant's open session, else 404). The token pays `type` for this session and amount once, within 5 minutes: `POST /v1/sources {type, sessionId, <type>: {token}}`.")
            .body("WalletTokenRequest")
            .errors(&[400, 404])
            .ok(201, "WalletToken", "The token and the card's last four digits."),
        Op::new(Get, "/healthz", "health", "assets", "Liveness", Auth::None)
            .describe("The process answers (liveness).")
            .ok_as(200, "text/plain", "`ok`."),
        Op::new(Get, "/readyz", "ready", "assets", "Readiness", Auth::None)
            .describe("The store answers (readiness): a load balancer takes an instance that answers 503 out. The probe is bounded: a database that does not answer within 1 s is a 503 at once.")
            .errors(&[503])
            .ok(200, "StoreHealth", "The store's engine and counters."),
    ]
}

impl Op {
    /// `302` to the fields origin.
    fn found(mut self) -> Op {
        self.b = self.b.response(
            "302",
            ResponseBuilder::new()
                .description("To `{fieldsUrl}/field` with the request's query.")
                .header(
                    "Location",
                    HeaderBuilder::new()
                        .schema(
                            string()
                                .format(Some(utoipa::openapi::SchemaFormat::Custom("uri".into()))),
                        )
                        .build(),
                )
                .build(),
        );
        self
    }

    /// `303` to the merchant's return or cancel URL.
    fn see_other(mut self) -> Op {
        self.b = self.b.response(
            "303",
            ResponseBuilder::new()
                .description("To the return (approve) or cancel URL, with `sourceId`, `sourceClientSecret` and `state` added to its query.")
                .header("Location", HeaderBuilder::new().schema(string().format(Some(utoipa::openapi::SchemaFormat::Custom("uri".into())))).build())
                .build(),
        );
        self
    }
}

fn build() -> Value {
    let mut schemas = Vec::new();
    add::<ApiError>(&mut schemas);
    add::<ErrorDetail>(&mut schemas);
    add::<ErrorType>(&mut schemas);
    add::<ErrorCode>(&mut schemas);
    add::<CreateSession>(&mut schemas);
    add::<UpdateSession>(&mut schemas);
    add::<Session>(&mut schemas);
    add::<PaymentMethods>(&mut schemas);
    add::<ComplianceDetails>(&mut schemas);
    add::<AttachSource>(&mut schemas);
    add::<CreateSource>(&mut schemas);
    add::<Source>(&mut schemas);
    add::<AuthenticateSource>(&mut schemas);
    add::<AuthenticationResult>(&mut schemas);
    add::<CreateOrder>(&mut schemas);
    add::<CreateCustomer>(&mut schemas);
    add::<Customer>(&mut schemas);
    add::<PaymentMethodSummary>(&mut schemas);
    add::<PaymentMethodList>(&mut schemas);
    add::<DeletedPaymentMethod>(&mut schemas);
    add::<TokenizeSource>(&mut schemas);
    add::<SavedCard>(&mut schemas);
    add::<Usage>(&mut schemas);
    add::<Order>(&mut schemas);
    add::<paysession_core::wire::CreateCapture>(&mut schemas);
    add::<crate::routes::testmode::Swept>(&mut schemas);
    add::<paysession_core::wire::CreateRefund>(&mut schemas);
    add::<paysession_core::wire::Refund>(&mut schemas);
    add::<paysession_core::wire::Payment>(&mut schemas);
    add::<paysession_core::wire::Capture>(&mut schemas);
    add::<paysession_core::wire::RefundPart>(&mut schemas);
    add::<paysession_core::state::CaptureMethod>(&mut schemas);
    add::<paysession_core::state::PaymentState>(&mut schemas);
    add::<paysession_core::state::RefundState>(&mut schemas);
    add::<crate::routes::events::EventList>(&mut schemas);
    add::<crate::routes::webhooks::CreateWebhookEndpoint>(&mut schemas);
    add::<crate::routes::webhooks::RotateWebhookSecret>(&mut schemas);
    add::<crate::routes::webhooks::WebhookEndpoint>(&mut schemas);
    add::<crate::routes::webhooks::WebhookEndpointList>(&mut schemas);
    add::<crate::routes::webhooks::DeletedWebhookEndpoint>(&mut schemas);
    add::<crate::routes::webhooks::WebhookDeliveryList>(&mut schemas);
    add::<Amount>(&mut schemas);
    add::<Currency>(&mut schemas);
    add::<Country>(&mut schemas);
    add::<Brand>(&mut schemas);
    add::<PaymentType>(&mut schemas);
    add::<SessionState>(&mut schemas);
    add::<SourceState>(&mut schemas);
    add::<Flow>(&mut schemas);
    add::<crate::store::StoreHealth>(&mut schemas);
    add::<crate::wallet::TokenRequest>(&mut schemas);
    add::<crate::wallet::TokenAnswer>(&mut schemas);
    schemas.push((
        "Catalog".into(),
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::Object))
            .additional_properties(Some(string()))
            .description(Some("Message id → text; `dir` is `ltr` or `rtl`."))
            .into(),
    ));

    let bearer = |prefix: &str, d: &str| {
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format(prefix)
                .description(Some(d))
                .build(),
        )
    };
    let mut components = ComponentsBuilder::new()
        .schemas_from_iter(schemas)
        .security_scheme("secretKey", bearer("sk_…", "The secret key, from the merchant's server only: `Authorization: Bearer sk_…`."))
        .security_scheme("publicKey", bearer("pk_…", "The public key, for browsers: `Authorization: Bearer pk_…`."))
        .security_scheme(
            "publicKeyInQuery",
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                "key",
                "The public key as `?key=pk_…`, on a GET only (no preflight); a secret key in a URL is `401`.",
            ))),
        );
    for s in [400, 401, 403, 404, 408, 409, 413, 415, 429, 500, 503] {
        let (name, d) = error_response(s);
        let mut r = ResponseBuilder::new()
            .description(d)
            .content("application/json", json(schema_ref("ApiError")));
        if s == 429 || s == 503 {
            r = r.header(
                "Retry-After",
                HeaderBuilder::new()
                    .schema(
                        ObjectBuilder::new()
                            .schema_type(SchemaType::Type(Type::Integer))
                            .minimum(Some(1)),
                    )
                    .description(Some("Seconds until a retry may pass."))
                    .build(),
            );
        }
        components = components.response(name, r.build());
    }

    let mut paths = PathsBuilder::new();
    for op in operations() {
        paths = paths.path(op.path, PathItem::new(op.method, op.b.build()));
    }
    let doc = OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("paysession API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(DESCRIPTION))
                .build(),
        )
        .paths(paths.build())
        .components(Some(components.build()))
        .tags(Some(
            [
                (
                    "sessions",
                    "Payment sessions: what is bought, by whom, funded by which sources.",
                ),
                (
                    "sources",
                    "Payment sources: a card, a redirect method, a transfer, a gift card.",
                ),
                ("payment methods", "Which methods a checkout may offer."),
                ("orders", "Orders made from funded sessions: captures, cancel, refunds."),
                (
                    "test mode",
                    "The simulator's asynchronous outcomes, for tests and the demo (test secret key only).",
                ),
                (
                    "events",
                    "Changes of sessions, sources, orders, customers and saved methods, recorded with them.",
                ),
                (
                    "customers",
                    "Customers and their saved payment methods (cards, masked).",
                ),
                (
                    "hosted pages",
                    "Pages the shopper sees, served by this server (HTML).",
                ),
                (
                    "webhooks",
                    "Endpoints the events are POSTed to, signed, at least once; their deliveries.",
                ),
                ("assets", "Static texts, icons and this document."),
            ]
            .map(|(n, d)| {
                let mut t = Tag::new(n);
                t.description = Some(d.into());
                t
            }),
        ))
        .build();
    let mut v = serde_json::to_value(&doc).unwrap_or(Value::Null);
    webhooks(&mut v);
    no_nulls(&mut v);
    constrain(&mut v);
    links(&mut v);
    v
}

/// The `webhooks` of the document (OpenAPI 3.1): what this server POSTs
/// to a merchant's endpoint.
fn webhooks(v: &mut Value) {
    let header = |name: &str, d: &str, pattern: &str| {
        json!({"name": name, "in": "header", "required": true, "description": d,
               "schema": {"type": "string", "pattern": pattern}})
    };
    v["webhooks"] = json!({
        "event": {"post": {
            "operationId": "webhookEvent",
            "tags": ["webhooks"],
            "summary": "An event, POSTed to a webhook endpoint",
            "description": "The body is the event exactly as `GET /v1/events/{id}` answers it. Verify `PaySession-Signature` over the raw body before parsing it (docs/API.md §5.19, `paysession_core::webhook::verify`), answer 2xx once the event is stored, and deduplicate on the event's `id`: a delivery is repeated until a 2xx answer is recorded, so the same event can arrive more than once.",
            "parameters": [
                header(paysession_core::webhook::HEADER, "`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + \".\" + body)>`; a second `v1=` while a rotated secret still signs. Refuse a `t` more than 300 s from your clock.", "^t=[0-9]+(,v1=[0-9a-f]{64})+$"),
                header("PaySession-Event-Id", "The event's id (`evt_…`), as in the body.", "^evt_[0-9a-f]{32}$"),
            ],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Event"}}}},
            "responses": {
                "2XX": {"description": "Delivered: no further attempt."},
                "default": {"description": "Anything else (or no answer within the timeout): attempted again later."}
            }
        }}
    });
}

/// This API has no `null`s (answers omit absent fields; requests with a
/// `null` are refused), so an `Option` field is "may be absent", never
/// "may be null": drops the `null` alternatives the derive gives `Option`s
/// (and rustdoc's link brackets from descriptions).
fn no_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Array(types)) = m.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let t = types.remove(0);
                    m.insert("type".into(), t);
                }
            }
            for key in ["oneOf", "anyOf"] {
                let Some(Value::Array(alts)) = m.get_mut(key) else {
                    continue;
                };
                alts.retain(|a| a.get("type").is_none_or(|t| t != "null"));
                if alts.len() == 1 {
                    let one = alts.remove(0);
                    m.remove(key);
                    // Merge the one alternative into this schema (its
                    // siblings, e.g. `description`, stay).
                    if let Value::Object(o) = one {
                        for (k, x) in o {
                            m.entry(k).or_insert(x);
                        }
                    }
                }
            }
            // Doc comments become descriptions: rustdoc's link brackets go.
            if let Some(Value::String(d)) = m.get_mut("description") {
                *d = d.replace("[`", "`").replace("`]", "`");
            }
            m.values_mut().for_each(no_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(no_nulls),
        _ => {}
    }
}

/// `If-Match`'s grammar ([`crate::routes::parse_if_match`]): blanks around,
/// `W/` optional, at most 19 digits bare or in double quotes.
pub const IF_MATCH_PATTERN: &str = "^[ \\t]*(W/)?(\"[0-9]{1,19}\"|[0-9]{1,19})[ \\t]*$";

/// Core's e-mail rule ([`paysession_core::email::is_valid_email`]) as a
/// pattern: printable ASCII without `"(),:;<>@[\]`, a local part of 1 to 64,
/// one `@`, two or more non-empty labels (with `maxLength` its length).
pub const EMAIL_PATTERN: &str =
    "^[!#-'*+\\-./0-9=?A-Z^-~]{1,64}@[!#-'*+\\-/0-9=?A-Z^-~]+(\\.[!#-'*+\\-/0-9=?A-Z^-~]+)+$";

/// A security code as typed: 3 or 4 digits (the brand decides which).
fn cvv_schema() -> Value {
    json!({
        "type": "string",
        "format": "password",
        "description": "Security code: 3 or 4 digits, as the card's brand has.",
        "maxLength": paysession_core::card::CVV_INPUT_MAX,
        "pattern": "^[0-9]{3,4}$",
    })
}

/// The browser route's body: `UpdateSession` without the merchant's fields.
const UPDATE_FIELDS: &str = "UpdateSessionFields";

/// Merges `with`'s keys into the object at `pointer` (nothing if it is absent;
/// a test checks every one is there).
fn merge(doc: &mut Value, pointer: &str, with: Value) {
    if let (Some(Value::Object(at)), Value::Object(with)) = (doc.pointer_mut(pointer), with) {
        at.extend(with);
    }
}

/// The server's rules on requests that the derive cannot see: lengths,
/// patterns, ranges and enums from the same constants the checks use, so a
/// generated request the document calls valid is one the server takes (but
/// for what no schema states: a card number's Luhn digit, an IBAN's
/// checksum, an expiry in the past, a session's state).
fn constrain(doc: &mut Value) {
    use paysession_core::{card, email, gift_card, http_url, iban, owner};
    let s = "/components/schemas";
    let utf16 = "Lengths count UTF-16 code units (JavaScript's `length`).";
    for (schema, fields) in [
        ("Owner", owner::OWNER_FIELDS),
        ("Address", owner::ADDRESS_FIELDS),
    ] {
        for (name, max) in fields {
            merge(
                doc,
                &format!("{s}/{schema}/properties/{name}"),
                json!({"maxLength": max}),
            );
        }
        let d = doc
            .pointer(&format!("{s}/{schema}/description"))
            .and_then(Value::as_str);
        let d = format!("{} {utf16}", d.unwrap_or_default());
        merge(doc, &format!("{s}/{schema}"), json!({ "description": d }));
    }
    let email = json!({"maxLength": email::MAX_LEN, "pattern": EMAIL_PATTERN});
    merge(doc, &format!("{s}/Owner/properties/email"), email.clone());
    merge(doc, &format!("{s}/CreateCustomer/properties/email"), email);
    merge(
        doc,
        &format!("{s}/CreateSession/properties/amount"),
        json!({"minimum": 1}),
    );
    use crate::routes::webhooks as wh;
    merge(
        doc,
        &format!("{s}/RotateWebhookSecret/properties/overlapSeconds"),
        json!({"minimum": 0, "maximum": wh::MAX_OVERLAP}),
    );
    merge(
        doc,
        &format!("{s}/CreateWebhookEndpoint/properties/url"),
        json!({"minLength": 1, "maxLength": wh::MAX_URL}),
    );
    merge(
        doc,
        &format!("{s}/CreateSession/properties/locale"),
        json!({"pattern": "^[A-Za-z0-9_-]{2,35}$"}),
    );
    // Digits with spaces or dashes between (`normalize_digits`); the brand's
    // length and the Luhn digit are checked too, which no pattern says.
    merge(
        doc,
        &format!("{s}/CardInput/properties/number"),
        json!({"maxLength": card::NUMBER_INPUT_MAX, "pattern": "^[0-9][0-9 -]*[0-9]$"}),
    );
    merge(doc, &format!("{s}/CardInput/properties/cvv"), cvv_schema());
    merge(
        doc,
        &format!("{s}/CardInput/properties/expirationMonth"),
        json!({"minimum": 1, "maximum": 12}),
    );
    merge(
        doc,
        &format!("{s}/GiftCardInput/properties/number"),
        json!({"maxLength": gift_card::NUMBER_INPUT_MAX}),
    );
    merge(
        doc,
        &format!("{s}/GiftCardInput/properties/pin"),
        json!({"maxLength": gift_card::PIN_INPUT_MAX}),
    );
    merge(
        doc,
        &format!("{s}/SepaInput/properties/iban"),
        json!({"maxLength": iban::INPUT_MAX}),
    );
    // What each type's object cannot do without (the server's `missing_parameter`).
    for (schema, required) in [
        ("SepaInput", json!(["iban"])),
        ("GiftCardInput", json!(["number", "pin"])),
        ("RedirectInput", json!(["returnUrl", "cancelUrl"])),
        ("WalletInput", json!(["token"])),
    ] {
        merge(
            doc,
            &format!("{s}/{schema}"),
            json!({ "required": required }),
        );
    }
    for url in ["returnUrl", "cancelUrl"] {
        merge(
            doc,
            &format!("{s}/RedirectInput/properties/{url}"),
            json!({"maxLength": http_url::MAX_LEN, "format": "uri"}),
        );
    }
    merge(
        doc,
        &format!("{s}/WalletInput/properties/token"),
        json!({"minLength": 1, "maxLength": crate::methods::wallet::MAX_TOKEN}),
    );
    // The test wallet pays with a wallet type, in a currency and amount the session has.
    if let Some(Value::Object(t)) =
        doc.pointer_mut(&format!("{s}/WalletTokenRequest/properties/type"))
    {
        t.remove("$ref");
        t.insert("type".into(), "string".into());
        t.insert("enum".into(), json!(["applePay", "googlePay"]));
    }
    if let Some(Value::Object(t)) =
        doc.pointer_mut(&format!("{s}/WalletTokenRequest/properties/currency"))
    {
        t.remove("type");
        t.insert("$ref".into(), "#/components/schemas/Currency".into());
    }
    merge(
        doc,
        &format!("{s}/WalletTokenRequest/properties/amount"),
        json!({"minimum": 1}),
    );

    // The two PATCH routes take different fields of one wire type.
    let update = doc.pointer(&format!("{s}/UpdateSession")).cloned();
    if let (Some(mut merchant), Some(Value::Object(all))) = (update.clone(), doc.pointer_mut(s)) {
        let mut fields = update.unwrap_or_default();
        if let Some(Value::Object(p)) = fields.get_mut("properties") {
            p.remove("reference");
            p.remove("metadata");
        }
        fields["description"] = "`PATCH /v1/sessions/{id}/fields` (browser): owner, shipping, card; add or overwrite, never remove.".into();
        if let Some(Value::Object(p)) = merchant.get_mut("properties") {
            p.remove("card");
        }
        merchant["description"] = "`PATCH /v1/sessions/{id}` (merchant): owner, shipping, reference, metadata; add or overwrite, never remove.".into();
        all.insert(UPDATE_FIELDS.into(), fields);
        all.insert("UpdateSession".into(), merchant);
    }
    create_source_variants(doc);
    examples(doc);
}

/// Examples of the requests (what a client sends first; Schemathesis'
/// examples phase sends them as they are). The card is the test card that
/// pays without a challenge (docs/API.md, test cards).
fn examples(doc: &mut Value) {
    let s = "/components/schemas";
    let card = json!({"number": "4242 4242 4242 4242", "expirationMonth": 12, "expirationYear": 2040, "cvv": "123", "name": "Jane Doe"});
    let owner = json!({"firstName": "Jane", "lastName": "Doe", "email": "jane@example.com", "address": {"line1": "Hauptstr. 1", "city": "Berlin", "postalCode": "10115", "country": "DE"}});
    for (schema, example) in [
        (
            "CreateSession",
            json!({"amount": 1000, "currency": "EUR", "country": "DE", "reference": "order-1", "locale": "de-DE", "owner": owner}),
        ),
        (
            "UpdateSession",
            json!({"reference": "order-2", "metadata": {"cart": "42"}}),
        ),
        (UPDATE_FIELDS, json!({"owner": owner, "card": card})),
        (
            "CreateSource_creditCard",
            json!({"type": "creditCard", "sessionId": "ses_0123456789abcdef0123456789abcdef", "creditCard": card}),
        ),
        (
            "CreateSource_wireTransfer",
            json!({"type": "wireTransfer", "sessionId": "ses_0123456789abcdef0123456789abcdef"}),
        ),
        (
            "CreateCustomer",
            json!({"email": "jane@example.com", "reference": "customer-1"}),
        ),
        (
            "CreateOrder",
            json!({"sessionId": "ses_0123456789abcdef0123456789abcdef"}),
        ),
        (
            "AttachSource",
            json!({"sourceId": "src_0123456789abcdef0123456789abcdef"}),
        ),
    ] {
        merge(
            doc,
            &format!("{s}/{schema}"),
            json!({ "examples": [example] }),
        );
    }
}

/// `CreateSource` as one schema per `type` (`oneOf`, discriminated by
/// `type`): exactly the object of that type may be given, and `browserInfo`,
/// `usage` and `paymentMethodId` only with a card.
fn create_source_variants(doc: &mut Value) {
    let at = "/components/schemas/CreateSource";
    let Some(Value::Object(base)) = doc.pointer(at).cloned() else {
        return;
    };
    let Some(Value::Object(props)) = base.get("properties").cloned() else {
        return;
    };
    let objects = [
        (PaymentType::CreditCard, "creditCard"),
        (PaymentType::PayPal, "payPal"),
        (PaymentType::KlarnaCredit, "klarnaCredit"),
        (PaymentType::Ideal, "ideal"),
        (PaymentType::SepaDebit, "sepaDebit"),
        (PaymentType::WireTransfer, "wireTransfer"),
        (PaymentType::GiftCard, "giftCard"),
        (PaymentType::ApplePay, "applePay"),
        (PaymentType::GooglePay, "googlePay"),
    ];
    let card_only = ["browserInfo", "usage", "paymentMethodId"];
    let mut variants = Vec::new();
    let mut schemas = Vec::new();
    for (kind, own) in objects {
        let name = format!("CreateSource_{own}");
        let mut p = props.clone();
        for (_, other) in objects.iter().filter(|(k, _)| *k != kind) {
            p.remove(*other);
        }
        if kind != PaymentType::CreditCard {
            for f in card_only {
                p.remove(f);
            }
        }
        p.insert(
            "type".into(),
            json!({"type": "string", "enum": [kind.as_str()], "description": "The payment type."}),
        );
        let mut required = vec![json!("type"), json!("sessionId")];
        // A card may be the session's; a transfer needs nothing; the rest need their object.
        if !matches!(kind, PaymentType::CreditCard | PaymentType::WireTransfer) {
            required.push(json!(own));
        }
        let mut v = base.clone();
        v.insert("properties".into(), Value::Object(p));
        v.insert("required".into(), Value::Array(required));
        v.insert(
            "description".into(),
            format!("`POST /v1/sources` of `type` `{}`.", kind.as_str()).into(),
        );
        if kind == PaymentType::CreditCard {
            // A new card (`usage` may save it) or a saved one (`paymentMethodId`
            // with a fresh `cvv` only), never both.
            let mut saved = v.clone();
            if let Some(Value::Object(p)) = v.get_mut("properties") {
                p.remove("paymentMethodId");
            }
            if let Some(Value::Object(p)) = saved.get_mut("properties") {
                p.remove("usage");
                p.insert(
                    own.into(),
                    json!({
                        "type": "object",
                        "additionalProperties": false,
                        "description": "The saved card's fresh security code.",
                        "properties": {"cvv": cvv_schema()},
                        "required": ["cvv"],
                    }),
                );
            }
            saved.insert(
                "required".into(),
                json!(["type", "sessionId", "paymentMethodId", own]),
            );
            saved.insert(
                "description".into(),
                "`POST /v1/sources` with a saved card of the session's customer.".into(),
            );
            variants.push(json!({"$ref": "#/components/schemas/CreateSource_savedCard"}));
            schemas.push(("CreateSource_savedCard".to_owned(), Value::Object(saved)));
        }
        variants.push(json!({ "$ref": format!("#/components/schemas/{name}") }));
        schemas.push((name, Value::Object(v)));
    }
    if let Some(Value::Object(all)) = doc.pointer_mut("/components/schemas") {
        for (n, v) in schemas {
            all.insert(n, v);
        }
        all.insert(
            "CreateSource".into(),
            json!({
                "description": "`POST /v1/sources`: one shape per `type` (two for a card: new or saved); exactly the object of `type` may be given.",
                "oneOf": variants,
            }),
        );
    }
}

/// The operation whose `operationId` is `id`.
fn operation_mut<'a>(doc: &'a mut Value, id: &str) -> Option<&'a mut Value> {
    doc.get_mut("paths")?
        .as_object_mut()?
        .values_mut()
        .flat_map(|item| {
            item.as_object_mut()
                .into_iter()
                .flat_map(|m| m.values_mut())
        })
        .find(|op| op["operationId"] == id)
}

/// OpenAPI links: what an answer's ids open (a client's, and Schemathesis'
/// stateful phase's, way from a new session to its sources, attachment and
/// order). `requestBody` entries are merged into the target's body.
fn links(doc: &mut Value) {
    let id = "$response.body#/id";
    let session_of_source = "$response.body#/sessionId";
    let secret = "$response.body#/clientSecret";
    let by_id = |target: &str| json!({"operationId": target, "parameters": {"path.id": id}});
    // The test card that is chargeable at once (processor.rs), as the whole
    // body: a source that attaches and funds the session, so an order follows.
    let card_source = json!({
        "operationId": "createSource",
        "description": "A card source with the test card 4242 4242 4242 4242 (chargeable at once).",
        "requestBody": {
            "type": "creditCard",
            "sessionId": id,
            "creditCard": {"number": "4242424242424242", "expirationMonth": 12, "expirationYear": 2040, "cvv": "123"},
        },
        "x-schemathesis": {"merge_body": false},
    });
    let table: Vec<(&str, &str, &str, Value)> = vec![
        (
            "createSession",
            "201",
            "retrieveSession",
            by_id("retrieveSession"),
        ),
        (
            "createSession",
            "201",
            "updateSession",
            by_id("updateSession"),
        ),
        (
            "createSession",
            "201",
            "retrieveSessionFields",
            by_id("retrieveSessionFields"),
        ),
        (
            "createSession",
            "201",
            "updateSessionFields",
            by_id("updateSessionFields"),
        ),
        (
            "createSession",
            "201",
            "sessionPaymentMethods",
            by_id("sessionPaymentMethods"),
        ),
        (
            "createSession",
            "201",
            "retrieveComplianceDetails",
            by_id("retrieveComplianceDetails"),
        ),
        (
            "createSession",
            "201",
            "createSource",
            json!({"operationId": "createSource", "requestBody": {"sessionId": id}}),
        ),
        ("createSession", "201", "createCardSource", card_source),
        (
            "createSession",
            "201",
            "createOrder",
            json!({"operationId": "createOrder", "requestBody": {"sessionId": id}}),
        ),
        (
            "createSource",
            "201",
            "retrieveSource",
            json!({"operationId": "retrieveSource", "parameters": {"path.id": id, "query.clientSecret": secret}}),
        ),
        (
            "createSource",
            "201",
            "authenticateSource",
            json!({"operationId": "authenticateSource", "parameters": {"path.id": id}, "requestBody": {"clientSecret": secret, "sessionId": session_of_source}}),
        ),
        (
            "createSource",
            "201",
            "attachSource",
            json!({"operationId": "attachSource", "parameters": {"path.id": session_of_source}, "requestBody": {"sourceId": id}}),
        ),
        (
            "createSource",
            "201",
            "savePaymentMethod",
            json!({"operationId": "savePaymentMethod", "parameters": {"path.id": session_of_source}, "requestBody": {"sourceId": id}}),
        ),
        (
            "createSource",
            "201",
            "challengePage",
            json!({"operationId": "challengePage", "parameters": {"path.id": id, "query.clientSecret": secret}}),
        ),
        (
            "createSource",
            "201",
            "redirectPage",
            json!({"operationId": "redirectPage", "parameters": {"path.id": id, "query.clientSecret": secret}}),
        ),
        (
            "createSource",
            "201",
            "redirectSubmit",
            json!({"operationId": "redirectSubmit", "parameters": {"path.id": id}, "requestBody": {"clientSecret": secret}}),
        ),
        (
            "attachSource",
            "200",
            "createOrder",
            json!({"operationId": "createOrder", "requestBody": {"sessionId": id}}),
        ),
        (
            "attachSource",
            "200",
            "detachSource",
            json!({"operationId": "detachSource", "parameters": {"path.id": id, "path.sourceId": "$request.body#/sourceId"}}),
        ),
        (
            "createOrder",
            "201",
            "retrieveOrder",
            by_id("retrieveOrder"),
        ),
        (
            "createCustomer",
            "201",
            "retrieveCustomer",
            by_id("retrieveCustomer"),
        ),
        (
            "createCustomer",
            "201",
            "listPaymentMethods",
            by_id("listPaymentMethods"),
        ),
        (
            "createCustomer",
            "201",
            "createSession",
            json!({"operationId": "createSession", "requestBody": {"customerId": id}}),
        ),
        (
            "savePaymentMethod",
            "201",
            "removeSessionPaymentMethod",
            json!({"operationId": "removeSessionPaymentMethod", "parameters": {"path.id": "$request.path.id", "path.pmId": id}}),
        ),
    ];
    for (from, status, name, link) in table {
        if let Some(r) = operation_mut(doc, from).and_then(|op| op["responses"].get_mut(status)) {
            r["links"][name] = link;
        }
    }
}
