//! The server's rules on requests that the derive cannot see.

use super::shared::{cvv_schema, merge, EMAIL_PATTERN, UPDATE_FIELDS};
use crate::routes::webhooks as wh;
use paysession_core::{card, email, gift_card, http_url, iban, owner};
use serde_json::{json, Value};

/// The server's rules on requests that the derive cannot see: lengths,
/// patterns, ranges and enums from the same constants the checks use, so a
/// generated request the document calls valid is one the server takes (but
/// for what no schema states: a card number's Luhn digit, an IBAN's
/// checksum, an expiry in the past, a session's state).
pub(super) fn constrain(doc: &mut Value) {
    owner_lengths(doc);
    session_and_webhook_rules(doc);
    input_rules(doc);
    required_objects(doc);
    wallet_token_request(doc);
    split_update_session(doc);
}

/// Where the schemas are.
const S: &str = "/components/schemas";

/// An owner's and an address's fields: their lengths, counted in UTF-16.
fn owner_lengths(doc: &mut Value) {
    let s = S;
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
}

/// E-mail, a session's amount and locale, a webhook endpoint's URL and a
/// rotation's overlap.
fn session_and_webhook_rules(doc: &mut Value) {
    let s = S;
    let email = json!({"maxLength": email::MAX_LEN, "pattern": EMAIL_PATTERN});
    merge(doc, &format!("{s}/Owner/properties/email"), email.clone());
    merge(doc, &format!("{s}/CreateCustomer/properties/email"), email);
    merge(
        doc,
        &format!("{s}/CreateSession/properties/amount"),
        json!({"minimum": 1}),
    );
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
}

/// A card's, a gift card's and an IBAN's inputs.
fn input_rules(doc: &mut Value) {
    let s = S;
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
}

/// What each type's object cannot do without, and a redirect's URLs.
fn required_objects(doc: &mut Value) {
    let s = S;
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
}

/// A wallet token, and the test wallet's token request.
fn wallet_token_request(doc: &mut Value) {
    let s = S;
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
}

/// The two PATCH routes take different fields of one wire type.
fn split_update_session(doc: &mut Value) {
    let s = S;
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
}
