//! The document's info (its title, version and the API's rules in prose)
//! and its tags.

use utoipa::openapi::{Info, InfoBuilder, Tag};

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

/// Title, version and description.
pub(super) fn info() -> Info {
    InfoBuilder::new()
        .title("paysession API")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(DESCRIPTION))
        .build()
}

/// The tags, in the order a reader meets them.
pub(super) fn tags() -> Vec<Tag> {
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
    })
    .into()
}
