//! The row mapping, once for every engine: which columns a record is stored
//! in (the ones queried, beside the record itself as JSON in `data`), and how
//! a stored `data` reads back. An engine only binds these fields to its SQL.

use super::records::{StoredOrder, StoredSource};
use super::{GiftBalance, StoreError};
use crate::model::{CustomerRec, OrderRec, PaymentMethodRec, SessionRec, SourceRec};

/// A count or amount as the databases' signed 64-bit integer (saturating:
/// no value of the model comes near).
pub fn int(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn data<T: serde::Serialize>(rec: &T) -> Result<String, serde_json::Error> {
    serde_json::to_string(rec)
}

fn parse<T: serde::de::DeserializeOwned>(data: &str) -> Result<T, StoreError> {
    serde_json::from_str(data).map_err(|e| StoreError::Failed(format!("a stored record: {e}")))
}

/// A record as its `data` column holds it.
pub trait Record: Sized {
    /// The record read back from its `data`.
    fn decode(data: &str) -> Result<Self, StoreError>;
}

impl Record for SessionRec {
    fn decode(data: &str) -> Result<Self, StoreError> {
        parse(data)
    }
}

impl Record for CustomerRec {
    fn decode(data: &str) -> Result<Self, StoreError> {
        parse(data)
    }
}

impl Record for PaymentMethodRec {
    fn decode(data: &str) -> Result<Self, StoreError> {
        parse(data)
    }
}

impl Record for SourceRec {
    fn decode(data: &str) -> Result<Self, StoreError> {
        parse::<StoredSource>(data).map(SourceRec::from)
    }
}

impl Record for OrderRec {
    fn decode(data: &str) -> Result<Self, StoreError> {
        parse::<StoredOrder>(data).map(OrderRec::from)
    }
}

/// `sessions (id, merchant_id, version, data)`.
pub struct SessionRow<'a> {
    pub id: &'a str,
    pub merchant: &'a str,
    pub version: i64,
    pub data: String,
}

impl<'a> SessionRow<'a> {
    pub fn new(s: &'a SessionRec) -> Result<Self, serde_json::Error> {
        Ok(SessionRow {
            id: &s.id,
            merchant: &s.merchant_id,
            version: int(s.version),
            data: data(s)?,
        })
    }
}

/// `sources (id, merchant_id, session_id, state, data)`.
pub struct SourceRow<'a> {
    pub id: &'a str,
    pub merchant: &'a str,
    pub session: &'a str,
    pub state: &'static str,
    pub data: String,
}

impl<'a> SourceRow<'a> {
    pub fn new(s: &'a SourceRec) -> Result<Self, serde_json::Error> {
        Ok(SourceRow {
            id: &s.source.id,
            merchant: &s.merchant_id,
            session: &s.source.session_id,
            state: s.source.state.as_str(),
            data: data(&StoredSource::from(s))?,
        })
    }
}

/// `orders (id, merchant_id, session_id, version, authorization_expires, data)`:
/// `authorization_expires` only while something may still be captured (the
/// expiry sweep's index).
pub struct OrderRow<'a> {
    pub id: &'a str,
    pub merchant: &'a str,
    pub session: &'a str,
    pub version: i64,
    pub authorization_expires: Option<i64>,
    pub data: String,
}

impl<'a> OrderRow<'a> {
    pub fn new(o: &'a OrderRec) -> Result<Self, serde_json::Error> {
        Ok(OrderRow {
            id: &o.order.id,
            merchant: &o.merchant_id,
            session: &o.order.session_id,
            version: int(o.order.version),
            authorization_expires: o
                .authorization_expires
                .filter(|_| o.order.payment_state.is_capturable()),
            data: data(&StoredOrder::from(o))?,
        })
    }
}

/// `customers (id, merchant_id, data)`.
pub struct CustomerRow<'a> {
    pub id: &'a str,
    pub merchant: &'a str,
    pub data: String,
}

impl<'a> CustomerRow<'a> {
    pub fn new(c: &'a CustomerRec) -> Result<Self, serde_json::Error> {
        Ok(CustomerRow {
            id: &c.id,
            merchant: &c.merchant_id,
            data: data(c)?,
        })
    }
}

/// `payment_methods (id, merchant_id, customer_id, source_id, deleted,
/// created, data)`.
pub struct MethodRow<'a> {
    pub id: &'a str,
    pub merchant: &'a str,
    pub customer: &'a str,
    pub source: &'a str,
    pub deleted: bool,
    pub created: i64,
    pub data: String,
}

impl<'a> MethodRow<'a> {
    pub fn new(m: &'a PaymentMethodRec) -> Result<Self, serde_json::Error> {
        Ok(MethodRow {
            id: &m.id,
            merchant: &m.merchant_id,
            customer: &m.customer_id,
            source: &m.source_id,
            deleted: m.deleted,
            created: m.created,
            data: data(m)?,
        })
    }
}

/// A gift card's row read back: (currency, balance, balance − debits − live holds).
pub fn gift_balance(row: (String, i64, i64)) -> Result<GiftBalance, StoreError> {
    let (currency, balance, available) = row;
    Ok(GiftBalance {
        currency: paysession_core::Currency::parse(&currency)
            .ok_or_else(|| StoreError::Failed(format!("gift card with currency {currency:?}")))?,
        balance: balance.max(0) as u64,
        available: available.max(0) as u64,
    })
}
