//! Examples of the requests.

use super::shared::{merge, UPDATE_FIELDS};
use serde_json::{json, Value};

/// Examples of the requests (what a client sends first; Schemathesis'
/// examples phase sends them as they are). The card is the test card that
/// pays without a challenge (docs/API.md, test cards).
pub(super) fn examples(doc: &mut Value) {
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
