//! The wire shapes of the webhook routes (routes/webhooks.rs; docs/API.md §5.19).

use serde::{Deserialize, Serialize};

/// `POST /v1/webhook-endpoints`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateWebhookEndpoint {
    /// Where events are POSTed: `https://…`, or `http://` to a loopback
    /// address (`127.0.0.1`, `[::1]`, `localhost`).
    pub url: String,
    /// The event types sent (`GET /v1/events`' types), comma-separated
    /// (`session.created,order.created`), or `*` (the default) for all.
    #[serde(default)]
    pub types: Option<String>,
}

/// `POST /v1/webhook-endpoints/{id}/rotate`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RotateWebhookSecret {
    /// Seconds the current secret keeps signing beside the new one (0 to
    /// 604800; default 86400): receivers switch secrets within it.
    #[serde(default)]
    pub overlap_seconds: Option<u64>,
}

/// A webhook endpoint.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEndpoint {
    /// `we_…`.
    pub id: String,
    /// Where events are POSTed.
    pub url: String,
    /// The event types sent; `["*"]`: all.
    pub types: Vec<String>,
    /// RFC 3339.
    pub created_time: String,
    /// The signing secret (`whsec_…`): in the answers of creation and
    /// rotation only, never again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// RFC 3339: until then the previous secret signs too (a second `v1=`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_secret_expires_time: Option<String>,
}

/// `GET /v1/webhook-endpoints`.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct WebhookEndpointList {
    /// Live endpoints, oldest first.
    pub data: Vec<WebhookEndpoint>,
}

/// `DELETE /v1/webhook-endpoints/{id}`.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DeletedWebhookEndpoint {
    /// `we_…`.
    pub id: String,
    /// Always `true`.
    pub deleted: bool,
}

/// One attempt of a delivery.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookAttempt {
    /// 1, 2, …
    pub number: i64,
    /// RFC 3339.
    pub started_time: String,
    /// Milliseconds until the answer or the failure.
    pub duration_ms: i64,
    /// The answer's HTTP status (absent: no answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// Why there was no answer: `timeout`, `connect`, `io`, `not_allowed`, `secret` (sealed under another vault key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The answer body's first 256 bytes (lossy UTF-8).
    pub response: String,
}

/// The delivery of one event to one endpoint.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookDelivery {
    /// `whd_…`.
    pub id: String,
    /// The event delivered (`evt_…`: receivers deduplicate on it).
    pub event_id: String,
    /// `we_…`.
    pub endpoint_id: String,
    /// `pending` (waiting for an attempt, or in one), `succeeded` (answered
    /// 2xx) or `failed` (the retry window ended, or the endpoint was deleted).
    #[schema(example = "pending")]
    pub state: String,
    /// Attempts started (an attempt cut by a crash counts, without a record).
    pub attempt_count: i64,
    /// RFC 3339: when the event committed.
    pub created_time: String,
    /// RFC 3339: the next attempt (pending only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_attempt_time: Option<String>,
    /// Every recorded attempt, in order.
    pub attempts: Vec<WebhookAttempt>,
}

/// `GET /v1/webhook-endpoints/{id}/deliveries`.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookDeliveryList {
    /// Newest first.
    pub data: Vec<WebhookDelivery>,
    /// Whether older deliveries match: ask again with `startingAfter` = the last id.
    pub has_more: bool,
}
