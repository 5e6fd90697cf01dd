//! The document's `webhooks`: what this server POSTs to a merchant's endpoint.

use serde_json::{json, Value};

/// The `webhooks` of the document (OpenAPI 3.1): what this server POSTs
/// to a merchant's endpoint.
pub(super) fn webhooks(v: &mut Value) {
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
