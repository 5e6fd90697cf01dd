//! The in-page inputs of the drop-in's forms: their ids, how one is found
//! in the shadow root, how what is typed is formatted and checked (all
//! rules from `paysession-core`).

use crate::i18n::Texts;
use crate::js;
use crate::view::{set_value, value};
use paysession_core::gift_card;
use paysession_core::iban::Iban;
use paysession_core::state::PaymentType;
use paysession_core::ApiError;
use web_sys::{Element, ShadowRoot};

/// The in-page inputs of a method's form, in screen order.
pub fn fields_of(ty: PaymentType) -> &'static [&'static str] {
    match ty {
        PaymentType::CreditCard => &["name"],
        PaymentType::SepaDebit => &["iban", "holder"],
        PaymentType::GiftCard => &["gnum", "gpin"],
        PaymentType::PayPal
        | PaymentType::KlarnaCredit
        | PaymentType::Ideal
        | PaymentType::WireTransfer
        | PaymentType::ApplePay
        | PaymentType::GooglePay => &[],
    }
}

/// The payment type named by an element's `data-type`.
pub fn type_of(e: &Element) -> Option<PaymentType> {
    PaymentType::parse(&e.get_attribute("data-type")?)
}

/// `b-…`, `p-…`, `f-…`, `pay-…`, `fe-…` ids of a method's parts.
pub fn id(prefix: &str, ty: &str) -> String {
    [prefix, ty].concat()
}

/// Digits only.
pub fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

fn code_of<T>(r: Result<T, ApiError>) -> Option<&'static str> {
    r.err().map(|e| {
        e.errors
            .first()
            .map_or("invalid_parameter", |d| d.code.as_str())
    })
}

/// The error code for input `fid`, if its value is not acceptable.
fn check(fid: &str, v: &str) -> Option<&'static str> {
    let v = v.trim();
    if v.is_empty() {
        return Some("missing_parameter");
    }
    match fid {
        "iban" => code_of(Iban::parse(v)),
        "gnum" => gift_card::check_number(v)
            .is_err()
            .then_some("invalid_gift_card"),
        "gpin" => gift_card::check_pin(v)
            .is_err()
            .then_some("invalid_gift_card"),
        _ => None,
    }
}

/// The element `fid` in `root`.
pub fn input(root: &ShadowRoot, fid: &str) -> Option<Element> {
    root.get_element_by_id(fid)
}

/// Validates one input: message beside it, `aria-invalid`; the message if invalid.
pub fn validate(root: &ShadowRoot, t: &Texts, fid: &str) -> Option<String> {
    let i = input(root, fid)?;
    let msg = if fid.starts_with("terms-") {
        (js::get(&i, "checked").as_bool() != Some(true)).then(|| t.t("terms.required"))
    } else {
        check(fid, &value(&i)).map(|c| t.error(c))
    };
    if let Some(e) = input(root, &id(fid, "-e")) {
        e.set_text_content(msg.as_deref());
    }
    let _ = if msg.is_some() {
        i.set_attribute("aria-invalid", "true")
    } else {
        i.remove_attribute("aria-invalid")
    };
    msg
}

/// Formats what was typed: gift card groups, digits only, IBAN upper case.
pub fn format(i: &Element, fid: &str) {
    let v = value(i);
    let d = digits(&v);
    let out = match fid {
        "gpin" => d.chars().take(8).collect(),
        // Groups of four (core's `group_digits` would link a panic path).
        "gnum" => {
            let mut out = String::new();
            for (i, c) in d.chars().take(19).enumerate() {
                if i > 0 && i % 4 == 0 {
                    out.push(' ');
                }
                out.push(c);
            }
            out
        }
        "iban" => v.to_ascii_uppercase(),
        _ => return,
    };
    if out != v {
        set_value(i, &out);
    }
}
