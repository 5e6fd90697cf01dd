//! The operations of events and webhook endpoints.

use super::super::op::{string, Auth::Secret, Op};
use utoipa::openapi::{
    path::HttpMethod::{Delete, Get, Post},
    schema::SchemaType,
    ObjectBuilder, Type,
};

/// Events: list and read.
pub(super) fn events() -> Vec<Op> {
    vec![
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
    ]
}

/// Webhook endpoints and their deliveries.
pub(super) fn webhooks() -> Vec<Op> {
    vec![
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
    ]
}
