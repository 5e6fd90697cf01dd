//! The store's own records of sources and orders: what their `data` column
//! holds (schema 4 on SQLite, 5 on PostgreSQL). They are mapped to and from
//! the model's records, which carry the wire types, here and nowhere else, so
//! a change of the public API is a change of this mapping, not of the stored
//! data. Before, the rows held `{merchant_id, source: <wire::Source>, …}` and
//! `{merchant_id, order: <wire::Order>}`; [`upgrade`] rewrites such a row in
//! place (the engines run it in their migration).
//!
//! The small value types inside (owner, card and bank views, browser data,
//! terms) are still core's, stored in their serde form.

use super::StoreError;
use crate::model::{OrderRec, SaveCard, SourceRec};
use paysession_core::state::{CaptureMethod, Flow, PaymentState, PaymentType, SourceState};
use paysession_core::wire::{self, BrowserInfo, CreditCardView, GiftCardView, NextAction, Owner};
use paysession_core::wire::{RedirectView, SepaDebitView, TermsAcceptance, WireTransferView};
use paysession_core::{Amount, Currency};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A source as stored.
#[derive(Serialize, Deserialize)]
pub struct StoredSource {
    merchant_id: String,
    id: String,
    client_secret: String,
    session_id: String,
    kind: PaymentType,
    state: SourceState,
    flow: Flow,
    reusable: bool,
    amount: Amount,
    currency: Currency,
    owner: Option<Owner>,
    creation_ip: Option<String>,
    created_time: String,
    updated_time: String,
    credit_card: Option<CreditCardView>,
    gift_card_view: Option<GiftCardView>,
    sepa_debit: Option<SepaDebitView>,
    wire_transfer: Option<WireTransferView>,
    redirect: Option<RedirectView>,
    next_action: Option<NextAction>,
    terms_acceptance: Option<TermsAcceptance>,
    apple_pay: Option<CreditCardView>,
    google_pay: Option<CreditCardView>,
    browser_info: Option<BrowserInfo>,
    note: Option<String>,
    challenged: bool,
    balance: Option<u64>,
    gift_card_key: Option<String>,
    save: Option<SaveCard>,
    payment_method: Option<String>,
}

impl From<&SourceRec> for StoredSource {
    fn from(r: &SourceRec) -> Self {
        // Every field by name: a new wire field does not compile until it is mapped.
        let wire::Source {
            id,
            client_secret,
            session_id,
            kind,
            state,
            flow,
            reusable,
            amount,
            currency,
            owner,
            creation_ip,
            created_time,
            updated_time,
            credit_card,
            gift_card,
            sepa_debit,
            wire_transfer,
            redirect,
            next_action,
            terms_acceptance,
            apple_pay,
            google_pay,
        } = r.source.clone();
        StoredSource {
            merchant_id: r.merchant_id.clone(),
            id,
            client_secret,
            session_id,
            kind,
            state,
            flow,
            reusable,
            amount,
            currency,
            owner,
            creation_ip,
            created_time,
            updated_time,
            credit_card,
            gift_card_view: gift_card,
            sepa_debit,
            wire_transfer,
            redirect,
            next_action,
            terms_acceptance,
            apple_pay,
            google_pay,
            browser_info: r.browser_info.clone(),
            note: r.note.clone(),
            challenged: r.challenged,
            balance: r.balance,
            gift_card_key: r.gift_card.clone(),
            save: r.save.clone(),
            payment_method: r.payment_method.clone(),
        }
    }
}

impl From<StoredSource> for SourceRec {
    fn from(s: StoredSource) -> Self {
        SourceRec {
            merchant_id: s.merchant_id,
            source: wire::Source {
                id: s.id,
                client_secret: s.client_secret,
                session_id: s.session_id,
                kind: s.kind,
                state: s.state,
                flow: s.flow,
                reusable: s.reusable,
                amount: s.amount,
                currency: s.currency,
                owner: s.owner,
                creation_ip: s.creation_ip,
                created_time: s.created_time,
                updated_time: s.updated_time,
                credit_card: s.credit_card,
                gift_card: s.gift_card_view,
                sepa_debit: s.sepa_debit,
                wire_transfer: s.wire_transfer,
                redirect: s.redirect,
                next_action: s.next_action,
                terms_acceptance: s.terms_acceptance,
                apple_pay: s.apple_pay,
                google_pay: s.google_pay,
            },
            browser_info: s.browser_info,
            note: s.note,
            challenged: s.challenged,
            balance: s.balance,
            gift_card: s.gift_card_key,
            save: s.save,
            payment_method: s.payment_method,
        }
    }
}

/// An order as stored.
#[derive(Serialize, Deserialize)]
pub struct StoredOrder {
    merchant_id: String,
    id: String,
    session_id: String,
    state: String,
    amount: Amount,
    currency: Currency,
    sources: Vec<StoredContribution>,
    created_time: String,
    // The lifecycle after the order (schema 6 on SQLite, 7 on PostgreSQL);
    // an order stored before has none: automatic, captured in full.
    #[serde(default)]
    version: u64,
    #[serde(default)]
    capture: CaptureMethod,
    #[serde(default)]
    payment_state: PaymentState,
    #[serde(default)]
    authorization_expires: Option<i64>,
    #[serde(default)]
    payments: Option<Vec<wire::Payment>>,
    #[serde(default)]
    captures: Vec<wire::Capture>,
    #[serde(default)]
    refunds: Vec<wire::Refund>,
}

/// What one source paid of an order.
#[derive(Serialize, Deserialize)]
struct StoredContribution {
    id: String,
    kind: PaymentType,
    primary: bool,
    amount: Amount,
}

impl From<&OrderRec> for StoredOrder {
    fn from(r: &OrderRec) -> Self {
        let o = &r.order;
        StoredOrder {
            merchant_id: r.merchant_id.clone(),
            id: o.id.clone(),
            session_id: o.session_id.clone(),
            state: o.state.clone(),
            amount: o.amount,
            currency: o.currency,
            sources: o
                .sources
                .iter()
                .map(|c| StoredContribution {
                    id: c.id.clone(),
                    kind: c.kind,
                    primary: c.primary,
                    amount: c.amount,
                })
                .collect(),
            created_time: o.created_time.clone(),
            version: o.version,
            capture: o.capture,
            payment_state: o.payment_state,
            authorization_expires: r.authorization_expires,
            payments: Some(o.payments.clone()),
            captures: o.captures.clone(),
            refunds: o.refunds.clone(),
        }
    }
}

impl From<StoredOrder> for OrderRec {
    fn from(s: StoredOrder) -> Self {
        let sources: Vec<_> = s
            .sources
            .into_iter()
            .map(|c| wire::AttachedSource {
                id: c.id,
                kind: c.kind,
                primary: c.primary,
                amount: c.amount,
            })
            .collect();
        // An order stored before the lifecycle: each source captured in full.
        let payments = s.payments.unwrap_or_else(|| {
            sources
                .iter()
                .map(|c| wire::Payment {
                    source_id: c.id.clone(),
                    kind: c.kind,
                    amount: c.amount.0,
                    captured: c.amount.0,
                    released: 0,
                    refunded: 0,
                    refund_pending: 0,
                    state: PaymentState::Captured,
                })
                .collect()
        });
        let mut order = wire::Order {
            id: s.id,
            session_id: s.session_id,
            state: s.state,
            amount: s.amount,
            currency: s.currency,
            sources,
            created_time: s.created_time,
            version: s.version,
            capture: s.capture,
            payment_state: s.payment_state,
            amount_captured: 0,
            amount_refunded: 0,
            authorization_expires_at: s.authorization_expires.map(crate::clock::rfc3339),
            payments,
            captures: s.captures,
            refunds: s.refunds,
        };
        // Totals are derived, never stored: one source of truth.
        order.amount_captured = order.payments.iter().map(|p| p.captured).sum();
        order.amount_refunded = order.payments.iter().map(|p| p.refunded).sum();
        OrderRec {
            merchant_id: s.merchant_id,
            order,
            authorization_expires: s.authorization_expires,
        }
    }
}

/// `camelCase` → `snake_case`.
fn snake(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The wire object `inner`'s keys as the stored record's (`type` → `kind`,
/// `giftCard` → `gift_card_view`, the rest in snake case), into `out`.
fn lift(inner: Map<String, Value>, out: &mut Map<String, Value>) {
    for (k, v) in inner {
        let key = match k.as_str() {
            "type" => "kind".to_owned(),
            "giftCard" => "gift_card_view".to_owned(),
            "sources" => {
                let list = v.as_array().cloned().unwrap_or_default();
                let lifted = list.into_iter().map(|c| {
                    let mut m = Map::new();
                    lift(c.as_object().cloned().unwrap_or_default(), &mut m);
                    Value::Object(m)
                });
                out.insert("sources".into(), Value::Array(lifted.collect()));
                continue;
            }
            other => snake(other),
        };
        out.insert(key, v);
    }
}

/// A row of `table` (`sources` or `orders`) as the store wrote it before its
/// own records, rewritten as the record it now stores; `None` for a row that
/// needs nothing (another table, or already in the store's form).
pub fn upgrade(table: &str, data: &str) -> Result<Option<String>, StoreError> {
    let wrapper = match table {
        "sources" => "source",
        "orders" => "order",
        _ => return Ok(None),
    };
    let Value::Object(mut old) = serde_json::from_str(data)? else {
        return Err(StoreError::Failed(format!(
            "a row of {table} is not an object"
        )));
    };
    let Some(Value::Object(inner)) = old.remove(wrapper) else {
        return Ok(None);
    };
    let mut new = Map::new();
    for (k, v) in old {
        new.insert(
            if k == "gift_card" {
                "gift_card_key".into()
            } else {
                k
            },
            v,
        );
    }
    lift(inner, &mut new);
    Ok(Some(serde_json::to_string(&new)?))
}
