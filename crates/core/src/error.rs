//! The one error shape of the contract, from the backend and from the SDK:
//! `{"type": "...", "errors": [{"code", "parameter"?, "message"}]}`.
//! Codes are a closed list: [`ErrorCode`].

use serde::{Deserialize, Serialize};

/// The error's class: the top-level `type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorType {
    /// The request is malformed or breaks a rule (HTTP 400).
    BadRequest,
    /// No or a wrong key (HTTP 401).
    Unauthorized,
    /// The key may not do this (HTTP 403).
    Forbidden,
    /// No such object for this key (HTTP 404).
    NotFound,
    /// The object changed or the idempotency key was reused (HTTP 409).
    Conflict,
    /// Too many requests (HTTP 429).
    RateLimited,
    /// Something failed inside; says nothing of the inside (HTTP 500).
    InternalError,
    /// The SDK could not reach the backend (no HTTP status).
    NetworkError,
    /// Input failed validation before or at the backend (HTTP 400 / SDK).
    ValidationError,
}

impl ErrorType {
    /// The HTTP status the backend answers with for this type.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorType::BadRequest | ErrorType::ValidationError => 400,
            ErrorType::Unauthorized => 401,
            ErrorType::Forbidden => 403,
            ErrorType::NotFound => 404,
            ErrorType::Conflict => 409,
            ErrorType::RateLimited => 429,
            ErrorType::InternalError => 500,
            ErrorType::NetworkError => 503,
        }
    }

    /// The type's wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::BadRequest => "bad_request",
            ErrorType::Unauthorized => "unauthorized",
            ErrorType::Forbidden => "forbidden",
            ErrorType::NotFound => "not_found",
            ErrorType::Conflict => "conflict",
            ErrorType::RateLimited => "rate_limited",
            ErrorType::InternalError => "internal_error",
            ErrorType::NetworkError => "network_error",
            ErrorType::ValidationError => "validation_error",
        }
    }
}

macro_rules! codes {
    (
        $( $(#[$m:meta])* $v:ident = $s:literal ),* $(,)?
        ; server only:
        $( $(#[$sm:meta])* $sv:ident = $ss:literal ),* $(,)?
    ) => {
        /// The closed list of error codes (documented in docs/API.md). The
        /// codes after `server only` are answered only on secret-key routes,
        /// which the SDK never calls: they exist with feature `server` (the
        /// backend's build), so the SDK's WebAssembly carries none of their
        /// names (its size budget, scripts/build-sdk.sh).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $( $(#[$m])* $v, )*
            $( $(#[$sm])* #[cfg(feature = "server")] $sv, )*
        }
        impl ErrorCode {
            /// Every code, in declaration order.
            #[cfg(not(feature = "server"))]
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$v),*];
            /// Every code, in declaration order.
            #[cfg(feature = "server")]
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$v,)* $(ErrorCode::$sv),*];
            /// The code's wire name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$v => $s,)*
                    $(#[cfg(feature = "server")] ErrorCode::$sv => $ss,)*
                }
            }
            /// Parses a wire name; `None` for a code not on the list.
            pub fn parse(s: &str) -> Option<ErrorCode> {
                match s {
                    $($s => Some(ErrorCode::$v),)*
                    $(#[cfg(feature = "server")] $ss => Some(ErrorCode::$sv),)*
                    _ => None
                }
            }
        }
    };
}

codes! {
    /// A required field is absent.
    MissingParameter = "missing_parameter",
    /// A field has the wrong type or an unusable value.
    InvalidParameter = "invalid_parameter",
    /// A field the contract does not know.
    UnknownParameter = "unknown_parameter",
    /// The body is not valid JSON (or not an object).
    MalformedJson = "malformed_json",
    /// The body is larger than the server accepts.
    PayloadTooLarge = "payload_too_large",
    /// `null` was sent for a field: session fields are overwritten, never removed.
    NullNotAllowed = "null_not_allowed",
    /// Not an ISO 4217 currency this service knows.
    InvalidCurrency = "invalid_currency",
    /// Not an ISO 3166-1 alpha-2 country.
    InvalidCountry = "invalid_country",
    /// Not a positive integer amount in minor units.
    InvalidAmount = "invalid_amount",
    /// A card number that fails the Luhn check or has no known brand.
    InvalidCardNumber = "invalid_card_number",
    /// A card number too short to be complete.
    IncompleteCardNumber = "incomplete_card_number",
    /// An expiry month/year that is not a valid date or is in the past.
    InvalidExpirationDate = "invalid_expiration_date",
    /// An expiry missing its month or year.
    IncompleteExpirationDate = "incomplete_expiration_date",
    /// A security code of the wrong length for the brand.
    InvalidSecurityCode = "invalid_security_code",
    /// A security code that is missing or too short.
    IncompleteSecurityCode = "incomplete_security_code",
    /// An IBAN failing the mod-97 check or its country's length.
    InvalidIban = "invalid_iban",
    /// A gift card number or PIN the issuer does not accept.
    InvalidGiftCard = "invalid_gift_card",
    /// A wallet token that is forged, expired, or issued for another session, amount or wallet.
    InvalidWalletToken = "invalid_wallet_token",
    /// A wallet token that already paid (single use).
    WalletTokenUsed = "wallet_token_used",
    /// An e-mail address that is not one.
    InvalidEmail = "invalid_email",
    /// A URL that is not absolute http(s).
    InvalidUrl = "invalid_url",
    /// A source type the contract does not know.
    UnknownPaymentType = "unknown_payment_type",
    /// The payment method is not offered for this session (country, currency, amount).
    PaymentMethodUnavailable = "payment_method_unavailable",
    /// The issuer declined the card.
    CardDeclined = "card_declined",
    /// The card lacks funds.
    InsufficientFunds = "insufficient_funds",
    /// The 3-D Secure challenge failed.
    AuthenticationFailed = "authentication_failed",
    /// The shopper cancelled at the redirect page.
    PaymentCancelled = "payment_cancelled",
    /// The source is not in a state that allows this.
    SourceStateInvalid = "source_state_invalid",
    /// The source belongs to another session.
    SourceSessionMismatch = "source_session_mismatch",
    /// The session is past `expiresAt`.
    SessionExpired = "session_expired",
    /// Too many failed card attempts: the session is locked.
    SessionLocked = "session_locked",
    /// The session is complete; nothing more can change.
    SessionComplete = "session_complete",
    /// The session changed since the `version` the write was decided on.
    SessionVersionMismatch = "session_version_mismatch",
    /// Creating an order from a session that is not `requires_confirmation`.
    OrderSubmitFailed = "order_submit_failed",
    /// The session requires the shopper's acceptance of the current terms of sale.
    TermsNotAccepted = "terms_not_accepted",
    /// Same `Idempotency-Key`, different request.
    IdempotencyKeyReused = "idempotency_key_reused",
    /// Missing or unknown API key.
    InvalidApiKey = "invalid_api_key",
    /// A public key on a secret-key route, or another merchant's object.
    PermissionDenied = "permission_denied",
    /// A source's client secret that does not match.
    InvalidClientSecret = "invalid_client_secret",
    /// No such session, source or order.
    ResourceNotFound = "resource_not_found",
    /// No such route.
    RouteNotFound = "route_not_found",
    /// Wrong HTTP method on a known route.
    MethodNotAllowed = "method_not_allowed",
    /// A content type other than JSON.
    UnsupportedMediaType = "unsupported_media_type",
    /// Too many requests.
    RateLimitExceeded = "rate_limit_exceeded",
    /// The backend failed; nothing of the inside is said.
    InternalError = "internal_error",
    /// The SDK could not reach the backend; from the backend (503), it could not reach its database after retrying (retry with the same idempotency key).
    NetworkUnavailable = "network_unavailable",
    /// The SDK's request took longer than `timeoutMs`; from the backend (408), a request body that did not arrive within the body timeout.
    RequestTimeout = "request_timeout",
    /// The backend answered with something that is not the contract.
    InvalidResponse = "invalid_response",
    /// The drop-in's mount target does not exist.
    MountTargetNotFound = "mount_target_not_found",
    /// The saved payment method was removed (or its card can no longer be used).
    PaymentMethodRemoved = "payment_method_removed",
    ; server only:
    /// A capture of more than the order still has authorized and uncaptured.
    AmountExceedsCapturable = "amount_exceeds_capturable",
    /// A refund of more than was captured and not yet refunded (or being refunded).
    AmountExceedsRefundable = "amount_exceeds_refundable",
    /// A capture or cancel of an order with nothing left to capture (captured in full, or the rest released).
    OrderAlreadyCaptured = "order_already_captured",
    /// A capture or cancel of an order that was cancelled (voided).
    OrderVoided = "order_voided",
    /// A capture or cancel after the authorization expired.
    AuthorizationExpired = "authorization_expired",
    /// The order's money has not arrived yet (wire transfer, SEPA Direct Debit): nothing to capture, cancel or refund.
    PaymentPending = "payment_pending",
    /// The order's payment failed (a returned SEPA debit): nothing to capture, cancel or refund.
    PaymentFailed = "payment_failed",
    /// The refund is not pending (it succeeded or failed already).
    RefundStateInvalid = "refund_state_invalid",
    /// A test-mode route called with a key that is not a test key (`sk_test_…`).
    TestModeOnly = "test_mode_only",
}

/// One entry of `errors`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Machine-readable code from the closed list.
    pub code: ErrorCode,
    /// Dotted path of the offending field, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// A human sentence.
    pub message: String,
}

/// The contract's error body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    /// Error class.
    #[serde(rename = "type")]
    pub kind: ErrorType,
    /// One or more details.
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub errors: Vec<ErrorDetail>,
}

impl ApiError {
    /// An error with one detail.
    pub fn new(
        kind: ErrorType,
        code: ErrorCode,
        parameter: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        ApiError {
            kind,
            errors: vec![ErrorDetail {
                code,
                parameter: parameter.map(str::to_owned),
                message: message.into(),
            }],
        }
    }

    /// A `validation_error` naming `parameter`.
    pub fn validation(code: ErrorCode, parameter: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorType::ValidationError, code, Some(parameter), message)
    }

    /// A `bad_request` naming `parameter` (when given).
    pub fn bad_request(
        code: ErrorCode,
        parameter: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(ErrorType::BadRequest, code, parameter, message)
    }

    /// The exact body DigitalRiver answers when an order is submitted on an unfunded session.
    pub fn order_submit_failed() -> Self {
        Self::new(
            ErrorType::BadRequest,
            ErrorCode::OrderSubmitFailed,
            None,
            "Payment session status is invalid.",
        )
    }

    /// The first detail's code.
    pub fn code(&self) -> ErrorCode {
        self.errors
            .first()
            .map(|e| e.code)
            .unwrap_or(ErrorCode::InternalError)
    }

    /// Prefixes every detail's parameter with `prefix.` (for nested validation).
    pub fn nest(mut self, prefix: &str) -> Self {
        for e in &mut self.errors {
            e.parameter = Some(match e.parameter.take() {
                Some(p) if !p.is_empty() => format!("{prefix}.{p}"),
                _ => prefix.to_owned(),
            });
        }
        self
    }
}

impl core::fmt::Display for ApiError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let d = self.errors.first();
        write!(
            f,
            "{}: {}",
            self.kind.as_str(),
            d.map(|d| d.message.as_str()).unwrap_or("")
        )
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_submit_failed_body_is_exact() {
        let s = serde_json::to_string(&ApiError::order_submit_failed()).unwrap();
        assert_eq!(
            s,
            r#"{"type":"bad_request","errors":[{"code":"order_submit_failed","message":"Payment session status is invalid."}]}"#
        );
    }

    #[test]
    fn codes_round_trip_through_their_names() {
        for c in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(c.as_str()), Some(*c));
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
        }
        assert_eq!(ErrorCode::parse("no_such_code"), None);
    }

    #[test]
    fn nest_prefixes_parameters() {
        let e =
            ApiError::validation(ErrorCode::InvalidCardNumber, "number", "x").nest("creditCard");
        assert_eq!(e.errors[0].parameter.as_deref(), Some("creditCard.number"));
    }
}
