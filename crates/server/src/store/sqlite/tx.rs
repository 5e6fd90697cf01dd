//! The write protocol's statements in SQLite's SQL ([`Tx`]). They run on the
//! writer thread's connection inside the batch's transaction, so no row can
//! change under them: nothing here needs a lock of its own.

use super::err;
use crate::store::events::EventRow;
use crate::store::protocol::{Debit, Hold, Tx};
use crate::store::rows::{CustomerRow, MethodRow, OrderRow, SessionRow, SourceRow};
use crate::store::{GiftCardKey, IdemRecord, StoreError};
use rusqlite::{params, Connection, OptionalExtension, Params};

/// Runs a statement: whether it wrote (or matched) exactly one row.
fn one(c: &Connection, sql: &str, p: impl Params) -> Result<bool, StoreError> {
    Ok(c.prepare_cached(sql)
        .map_err(err)?
        .execute(p)
        .map_err(err)?
        == 1)
}

/// Whether a query finds a row.
fn found(c: &Connection, sql: &str, p: impl Params) -> Result<bool, StoreError> {
    c.prepare_cached(sql).map_err(err)?.exists(p).map_err(err)
}

impl Tx for Connection {
    type Error = StoreError;

    async fn insert_idempotency(&self, r: &IdemRecord, now: i64) -> Result<bool, StoreError> {
        one(
            self,
            "INSERT INTO idempotency (merchant_id, key_kind, key, request_hash, status, body, created)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
            params![r.merchant, r.kind.as_str(), r.key, r.response.request_hash, r.response.status, r.response.body, now],
        )
    }

    async fn session_at(&self, id: &str, version: i64) -> Result<bool, StoreError> {
        let sql = "SELECT 1 FROM sessions WHERE id = ?1 AND version = ?2";
        found(self, sql, params![id, version])
    }

    async fn insert_session(&self, r: &SessionRow<'_>) -> Result<bool, StoreError> {
        one(
            self,
            "INSERT INTO sessions (id, merchant_id, version, data) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT DO NOTHING",
            params![r.id, r.merchant, r.version, r.data],
        )
    }

    async fn update_session(&self, r: &SessionRow<'_>, expected: i64) -> Result<bool, StoreError> {
        one(
            self,
            "UPDATE sessions SET version = ?1, data = ?2 WHERE id = ?3 AND version = ?4",
            params![r.version, r.data, r.id, expected],
        )
    }

    async fn source_in(&self, id: &str, state: &str) -> Result<bool, StoreError> {
        let sql = "SELECT 1 FROM sources WHERE id = ?1 AND state = ?2";
        found(self, sql, params![id, state])
    }

    async fn insert_source(&self, r: &SourceRow<'_>) -> Result<bool, StoreError> {
        one(
            self,
            "INSERT INTO sources (id, merchant_id, session_id, state, data) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT DO NOTHING",
            params![r.id, r.merchant, r.session, r.state, r.data],
        )
    }

    async fn move_source(&self, r: &SourceRow<'_>, from: &str) -> Result<bool, StoreError> {
        one(
            self,
            "UPDATE sources SET state = ?1, data = ?2 WHERE id = ?3 AND state = ?4",
            params![r.state, r.data, r.id, from],
        )
    }

    async fn insert_order(&self, r: &OrderRow<'_>) -> Result<bool, StoreError> {
        one(
            self,
            "INSERT INTO orders (id, merchant_id, session_id, version, authorization_expires, data)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            params![
                r.id,
                r.merchant,
                r.session,
                r.version,
                r.authorization_expires,
                r.data
            ],
        )
    }

    async fn update_order(&self, r: &OrderRow<'_>, expected: i64) -> Result<bool, StoreError> {
        one(
            self,
            "UPDATE orders SET version = ?1, data = ?2, authorization_expires = ?3
             WHERE id = ?4 AND version = ?5",
            params![r.version, r.data, r.authorization_expires, r.id, expected],
        )
    }

    async fn insert_refund(
        &self,
        id: &str,
        merchant: &str,
        order: &str,
    ) -> Result<bool, StoreError> {
        one(
            self,
            "INSERT INTO refunds (id, merchant_id, order_id) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            params![id, merchant, order],
        )
    }

    async fn credit_card(&self, card: &GiftCardKey, amount: i64) -> Result<bool, StoreError> {
        one(
            self,
            "UPDATE gift_cards SET spent = spent - ?1 WHERE merchant_id = ?2 AND card = ?3 AND spent >= ?1",
            params![amount, card.merchant, card.card],
        )
    }

    async fn insert_customer(&self, r: &CustomerRow<'_>) -> Result<bool, StoreError> {
        one(
            self,
            "INSERT INTO customers (id, merchant_id, data) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            params![r.id, r.merchant, r.data],
        )
    }

    async fn method_live(&self, id: &str) -> Result<bool, StoreError> {
        let sql = "SELECT 1 FROM payment_methods WHERE id = ?1 AND deleted = 0";
        found(self, sql, [id])
    }

    async fn insert_method(&self, r: &MethodRow<'_>) -> Result<bool, StoreError> {
        one(
            self,
            "INSERT INTO payment_methods (id, merchant_id, customer_id, source_id, deleted, created, data)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
            params![r.id, r.merchant, r.customer, r.source, r.deleted, r.created, r.data],
        )
    }

    async fn delete_method(&self, r: &MethodRow<'_>) -> Result<bool, StoreError> {
        one(
            self,
            "UPDATE payment_methods SET deleted = 1, data = ?1 WHERE id = ?2 AND deleted = 0",
            params![r.data, r.id],
        )
    }

    async fn renew_holds(&self, session: &str, expires: i64, now: i64) -> Result<(), StoreError> {
        let sql = "UPDATE gift_holds SET expires = ?1 WHERE session_id = ?2 AND expires > ?3";
        one(self, sql, params![expires, session, now]).map(drop)
    }

    async fn create_card(
        &self,
        card: &GiftCardKey,
        currency: &str,
        balance: i64,
    ) -> Result<(), StoreError> {
        one(
            self,
            "INSERT INTO gift_cards (merchant_id, card, currency, balance, spent) VALUES (?1, ?2, ?3, ?4, 0)
             ON CONFLICT DO NOTHING",
            params![card.merchant, card.card, currency, balance],
        )
        .map(drop)
    }

    async fn lock_card(&self, card: &GiftCardKey) -> Result<Option<(String, i64)>, StoreError> {
        self.prepare_cached(
            "SELECT currency, balance - spent FROM gift_cards WHERE merchant_id = ?1 AND card = ?2",
        )
        .map_err(err)?
        .query_row(params![card.merchant, card.card], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()
        .map_err(err)
    }

    async fn held(&self, card: &GiftCardKey, now: i64) -> Result<i64, StoreError> {
        self.prepare_cached(
            "SELECT COALESCE(SUM(amount), 0) FROM gift_holds WHERE merchant_id = ?1 AND card = ?2 AND expires > ?3",
        )
        .map_err(err)?
        .query_row(params![card.merchant, card.card, now], |r| r.get(0))
        .map_err(err)
    }

    async fn drop_hold(&self, source: &str) -> Result<(), StoreError> {
        one(
            self,
            "DELETE FROM gift_holds WHERE source_id = ?1",
            [source],
        )
        .map(drop)
    }

    async fn insert_hold(&self, h: &Hold<'_>) -> Result<(), StoreError> {
        one(
            self,
            "INSERT INTO gift_holds (source_id, merchant_id, card, session_id, amount, expires)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                h.source,
                h.card.merchant,
                h.card.card,
                h.session,
                h.amount,
                h.expires
            ],
        )
        .map(drop)
    }

    async fn live_hold(
        &self,
        source: &str,
        now: i64,
    ) -> Result<Option<(GiftCardKey, i64)>, StoreError> {
        self.prepare_cached(
            "SELECT merchant_id, card, amount FROM gift_holds WHERE source_id = ?1 AND expires > ?2",
        )
        .map_err(err)?
        .query_row(params![source, now], |r| {
            let card = GiftCardKey {
                merchant: r.get(0)?,
                card: r.get(1)?,
            };
            Ok((card, r.get(2)?))
        })
        .optional()
        .map_err(err)
    }

    async fn take_live_hold(&self, source: &str, now: i64) -> Result<bool, StoreError> {
        let sql = "DELETE FROM gift_holds WHERE source_id = ?1 AND expires > ?2";
        one(self, sql, params![source, now])
    }

    async fn debit_card(&self, card: &GiftCardKey, amount: i64) -> Result<bool, StoreError> {
        one(
            self,
            "UPDATE gift_cards SET spent = spent + ?1 WHERE merchant_id = ?2 AND card = ?3 AND balance - spent >= ?1",
            params![amount, card.merchant, card.card],
        )
    }

    async fn insert_debit(&self, d: &Debit<'_>) -> Result<bool, StoreError> {
        one(
            self,
            "INSERT INTO gift_debits (source_id, order_id, merchant_id, card, amount, created)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            params![
                d.source,
                d.order,
                d.card.merchant,
                d.card.card,
                d.amount,
                d.created
            ],
        )
    }

    async fn insert_event(&self, e: &EventRow) -> Result<(), StoreError> {
        super::events::insert(self, e)
    }
}
