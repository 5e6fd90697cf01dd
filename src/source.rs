//! `createSource(payload)`: checks the payload for its type, adds
//! `browserInfo` to card sources, and shapes the answer as
//! `{state, source?, error?}`. It never rejects: payment outcomes, invalid
//! input and network failures all resolve, with `state: "failed"` and `error`.

use crate::args::{self, check_card, check_id, check_owner, check_redirect};
use crate::error::SdkError;
use crate::http::{Client, Method};
use crate::js;
use crate::schema::{self, opt, req, Field, Kind};
use paysession_core::state::PaymentType;
use paysession_core::ErrorCode;
use wasm_bindgen::JsValue;

/// The source states of the contract; anything else is not success.
pub const STATES: &[&str] = &[
    "chargeable",
    "pending_redirect",
    "requires_action",
    "pending_funds",
    "failed",
    "cancelled",
    "consumed",
];

/// `termsAcceptance`: the terms version the shopper accepted.
pub(crate) const TERMS: &[Field] = &[req("version", Kind::Str(32))];

pub(crate) const COMMON: [Field; 7] = [
    req("type", Kind::Str(32)),
    req("sessionId", Kind::Str(128)),
    opt("owner", Kind::Obj(args::OWNER)),
    opt("version", Kind::Int(0, 1 << 53)),
    // Card sources: save the card (`convenience`, `subscription`,
    // `unscheduled`), or pay a saved one (`pm_…`) with `creditCard: {cvv}`.
    opt("usage", Kind::Str(16)),
    opt("paymentMethodId", Kind::Str(64)),
    opt("termsAcceptance", Kind::Obj(TERMS)),
];

/// The payload's field for its type, and whether it is required.
pub(crate) fn type_field(t: PaymentType) -> Field {
    use PaymentType as P;
    let (name, shape, required) = match t {
        P::CreditCard => ("creditCard", args::CARD, false),
        P::PayPal => ("payPal", args::REDIRECT, true),
        P::KlarnaCredit => ("klarnaCredit", args::REDIRECT, true),
        P::Ideal => ("ideal", args::REDIRECT, true),
        P::SepaDebit => ("sepaDebit", args::SEPA, true),
        P::WireTransfer => ("wireTransfer", args::NONE, false),
        P::GiftCard => ("giftCard", args::GIFT_CARD, true),
        P::ApplePay => ("applePay", args::WALLET, true),
        P::GooglePay => ("googlePay", args::WALLET, true),
    };
    Field {
        name,
        kind: Kind::Obj(shape),
        required,
    }
}

/// Checks the payload and returns the request body.
pub fn build(payload: &JsValue) -> Result<JsValue, SdkError> {
    if !js::is_record(payload) {
        // Let the schema name the problem (missing vs wrong type).
        schema::clean(payload, &COMMON, "", "payload")?;
    }
    let t = js::get(payload, "type");
    let kind = match js::str_len(&t) {
        None if t.is_undefined() => {
            return Err(SdkError::validation(
                ErrorCode::MissingParameter,
                "type",
                "type is required.",
            ))
        }
        Some(n) if n <= 32 => PaymentType::parse(&t.as_string().unwrap_or_default()),
        _ => None,
    };
    let Some(kind) = kind else {
        return Err(SdkError::validation(
            ErrorCode::UnknownPaymentType,
            "type",
            "type is not a known payment type.",
        ));
    };
    let tf = type_field(kind);
    let all = [
        COMMON[0], COMMON[1], COMMON[2], COMMON[3], COMMON[4], COMMON[5], COMMON[6], tf,
    ];
    let body = schema::clean(payload, &all, "", "payload")?;
    check_id(&js::get(&body, "sessionId"), "sessionId")?;
    let owner = js::get(&body, "owner");
    if !owner.is_undefined() {
        check_owner(&owner, "owner")?;
    }
    let detail = js::get(&body, tf.name);
    if schema::string(&body, "usage")
        .is_some_and(|u| paysession_core::wire::Usage::parse(&u).is_none())
    {
        return Err(SdkError::invalid(
            "usage",
            "must be convenience, subscription or unscheduled.",
        ));
    }
    let saved = !js::get(&body, "paymentMethodId").is_undefined();
    match kind {
        PaymentType::CreditCard => {
            if !detail.is_undefined() {
                // A saved card takes only a fresh code (the server checks the rest).
                check_card(&detail, "creditCard", !saved)?;
            }
            js::set(&body, "browserInfo", &crate::browser_info::collect());
        }
        PaymentType::PayPal | PaymentType::KlarnaCredit | PaymentType::Ideal => {
            check_redirect(&detail, tf.name)?
        }
        PaymentType::SepaDebit => {
            let iban = schema::string(&detail, "iban").unwrap_or_default();
            let iban = paysession_core::iban::Iban::parse(&iban)
                .map_err(|e| SdkError::from(e).nest("sepaDebit"))?;
            js::set(&detail, "iban", &iban.as_str().into());
        }
        PaymentType::GiftCard => check_gift_card(&detail)?,
        PaymentType::WireTransfer | PaymentType::ApplePay | PaymentType::GooglePay => {}
    }
    Ok(body.into())
}

fn check_gift_card(g: &JsValue) -> Result<(), SdkError> {
    use paysession_core::gift_card::{check_number, check_pin};
    let nest = |e| SdkError::from(e).nest("giftCard");
    let number = check_number(&schema::string(g, "number").unwrap_or_default()).map_err(nest)?;
    let pin = check_pin(&schema::string(g, "pin").unwrap_or_default()).map_err(nest)?;
    js::set(g, "number", &number.into());
    js::set(g, "pin", &pin.into());
    Ok(())
}

/// `{state, source?, error?}` from the backend's answer.
pub fn result(answer: Result<JsValue, SdkError>) -> JsValue {
    let out = js::object();
    match answer {
        Ok(source) => match js::get(&source, "state").as_string() {
            Some(s) if STATES.contains(&s.as_str()) => {
                js::set(&out, "state", &s.as_str().into());
                if s == "failed" {
                    if let Some(e) = failure_of(&source) {
                        js::set(&out, "error", &e.to_js());
                    }
                }
                js::set(&out, "source", &source);
            }
            _ => {
                js::set(&out, "state", &"failed".into());
                js::set(&out, "error", &SdkError::invalid_response().to_js());
            }
        },
        Err(e) => {
            js::set(&out, "state", &"failed".into());
            js::set(&out, "error", &e.to_js());
        }
    }
    out.into()
}

/// The error a failed source carries (`error` in the contract's shape, or a
/// `failureCode`/`failureReason`), so a decline reads like any other error.
fn failure_of(source: &JsValue) -> Option<SdkError> {
    if let Some(e) = SdkError::from_body(&js::get(source, "error")) {
        return Some(e);
    }
    let code = js::get(source, "failureCode").as_string()?;
    let message = js::get(source, "failureReason")
        .as_string()
        .unwrap_or_default();
    Some(SdkError {
        kind: "bad_request".into(),
        errors: vec![crate::error::Detail {
            code,
            parameter: None,
            message,
        }],
    })
}

/// Runs `createSource` to completion.
pub async fn create(client: &Client, payload: JsValue) -> JsValue {
    let body = match build(&payload) {
        Ok(b) => b,
        Err(e) => return result(Err(e)),
    };
    result(client.send(Method::Post, "/v1/sources", Some(&body)).await)
}
