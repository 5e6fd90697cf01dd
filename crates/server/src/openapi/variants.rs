//! `CreateSource` as one schema per payment type.

use super::shared::cvv_schema;
use paysession_core::state::PaymentType;
use serde_json::{json, Map, Value};

/// Each payment type and the name of its object in `CreateSource`.
const OBJECTS: [(PaymentType, &str); 9] = [
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

/// The fields only a card source takes.
const CARD_ONLY: [&str; 3] = ["browserInfo", "usage", "paymentMethodId"];

/// `CreateSource` as one schema per `type` (`oneOf`, discriminated by
/// `type`): exactly the object of that type may be given, and `browserInfo`,
/// `usage` and `paymentMethodId` only with a card.
pub(super) fn create_source_variants(doc: &mut Value) {
    let at = "/components/schemas/CreateSource";
    let Some(Value::Object(base)) = doc.pointer(at).cloned() else {
        return;
    };
    let Some(Value::Object(props)) = base.get("properties").cloned() else {
        return;
    };
    let mut variants = Vec::new();
    let mut schemas = Vec::new();
    for (kind, own) in OBJECTS {
        let name = format!("CreateSource_{own}");
        let mut v = variant(&base, &props, kind, own);
        if kind == PaymentType::CreditCard {
            let saved = saved_card(&mut v, own);
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

/// The schema of one `type`: its own object and no other's.
fn variant(
    base: &Map<String, Value>,
    props: &Map<String, Value>,
    kind: PaymentType,
    own: &str,
) -> Map<String, Value> {
    let mut p = props.clone();
    for (_, other) in OBJECTS.iter().filter(|(k, _)| *k != kind) {
        p.remove(*other);
    }
    if kind != PaymentType::CreditCard {
        for f in CARD_ONLY {
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
    v
}

/// A new card (`usage` may save it) or a saved one (`paymentMethodId` with a
/// fresh `cvv` only), never both: takes `paymentMethodId` out of the card
/// variant `v` and answers the saved card's.
fn saved_card(v: &mut Map<String, Value>, own: &str) -> Map<String, Value> {
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
    saved
}
