//! The write protocol's statements in PostgreSQL's SQL ([`Tx`]), at
//! `READ COMMITTED` with row locks: a compare-and-swap is an
//! `UPDATE … WHERE version = $v` (or `state = $from`), whose racing writer
//! waits for the row lock and then matches nothing; a condition that writes
//! nothing reads its row `FOR SHARE`; a gift card's row is locked
//! `FOR UPDATE`; an insert of an existing key waits for the transaction that
//! holds it and then writes nothing (`ON CONFLICT DO NOTHING`).

use super::{Failure, PgStore};
use crate::store::events::EventRow;
use crate::store::protocol::apply;
use crate::store::protocol::{Debit, Hold, Tx};
use crate::store::rows::{CustomerRow, MethodRow, OrderRow, SessionRow, SourceRow};
use crate::store::{Commit, StoreError, Write};
use crate::store::{GiftCardKey, IdemRecord};
use std::sync::atomic::Ordering;
use tokio_postgres::types::ToSql;
use tokio_postgres::Transaction;

type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// Runs a statement: whether it wrote exactly one row.
async fn one(tx: &Transaction<'_>, sql: &str, p: Params<'_>) -> Result<bool, Failure> {
    Ok(tx.execute(sql, p).await? == 1)
}

/// Whether a query finds a row.
async fn found(tx: &Transaction<'_>, sql: &str, p: Params<'_>) -> Result<bool, Failure> {
    Ok(tx.query_opt(sql, p).await?.is_some())
}

impl Tx for Transaction<'_> {
    type Error = Failure;

    async fn insert_idempotency(&self, r: &IdemRecord, now: i64) -> Result<bool, Failure> {
        one(
            self,
            "INSERT INTO idempotency (merchant_id, key_kind, key, request_hash, status, body, created)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            &[&r.merchant, &r.kind.as_str(), &r.key, &r.response.request_hash, &i32::from(r.response.status), &r.response.body, &now],
        )
        .await
    }

    async fn session_at(&self, id: &str, version: i64) -> Result<bool, Failure> {
        let sql = "SELECT 1 FROM sessions WHERE id = $1 AND version = $2 FOR SHARE";
        found(self, sql, &[&id, &version]).await
    }

    async fn insert_session(&self, r: &SessionRow<'_>) -> Result<bool, Failure> {
        one(
            self,
            "INSERT INTO sessions (id, merchant_id, version, data) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
            &[&r.id, &r.merchant, &r.version, &r.data],
        )
        .await
    }

    async fn update_session(&self, r: &SessionRow<'_>, expected: i64) -> Result<bool, Failure> {
        one(
            self,
            "UPDATE sessions SET version = $1, data = $2 WHERE id = $3 AND version = $4",
            &[&r.version, &r.data, &r.id, &expected],
        )
        .await
    }

    async fn source_in(&self, id: &str, state: &str) -> Result<bool, Failure> {
        let sql = "SELECT 1 FROM sources WHERE id = $1 AND state = $2 FOR SHARE";
        found(self, sql, &[&id, &state]).await
    }

    async fn insert_source(&self, r: &SourceRow<'_>) -> Result<bool, Failure> {
        one(
            self,
            "INSERT INTO sources (id, merchant_id, session_id, state, data) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT DO NOTHING",
            &[&r.id, &r.merchant, &r.session, &r.state, &r.data],
        )
        .await
    }

    async fn move_source(&self, r: &SourceRow<'_>, from: &str) -> Result<bool, Failure> {
        one(
            self,
            "UPDATE sources SET state = $1, data = $2 WHERE id = $3 AND state = $4",
            &[&r.state, &r.data, &r.id, &from],
        )
        .await
    }

    async fn insert_order(&self, r: &OrderRow<'_>) -> Result<bool, Failure> {
        one(
            self,
            "INSERT INTO orders (id, merchant_id, session_id, version, authorization_expires, data)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            &[
                &r.id,
                &r.merchant,
                &r.session,
                &r.version,
                &r.authorization_expires,
                &r.data,
            ],
        )
        .await
    }

    async fn update_order(&self, r: &OrderRow<'_>, expected: i64) -> Result<bool, Failure> {
        one(
            self,
            "UPDATE orders SET version = $1, data = $2, authorization_expires = $3
             WHERE id = $4 AND version = $5",
            &[
                &r.version,
                &r.data,
                &r.authorization_expires,
                &r.id,
                &expected,
            ],
        )
        .await
    }

    async fn insert_refund(&self, id: &str, merchant: &str, order: &str) -> Result<bool, Failure> {
        one(
            self,
            "INSERT INTO refunds (id, merchant_id, order_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&id, &merchant, &order],
        )
        .await
    }

    async fn credit_card(&self, card: &GiftCardKey, amount: i64) -> Result<bool, Failure> {
        one(
            self,
            "UPDATE gift_cards SET spent = spent - $1 WHERE merchant_id = $2 AND card = $3 AND spent >= $1",
            &[&amount, &card.merchant, &card.card],
        )
        .await
    }

    async fn insert_customer(&self, r: &CustomerRow<'_>) -> Result<bool, Failure> {
        one(
            self,
            "INSERT INTO customers (id, merchant_id, data) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&r.id, &r.merchant, &r.data],
        )
        .await
    }

    async fn method_live(&self, id: &str) -> Result<bool, Failure> {
        // Locked until the commit: a delete waits, then finds it used.
        let sql = "SELECT 1 FROM payment_methods WHERE id = $1 AND NOT deleted FOR SHARE";
        found(self, sql, &[&id]).await
    }

    async fn insert_method(&self, r: &MethodRow<'_>) -> Result<bool, Failure> {
        one(
            self,
            "INSERT INTO payment_methods (id, merchant_id, customer_id, source_id, deleted, created, data)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            &[&r.id, &r.merchant, &r.customer, &r.source, &r.deleted, &r.created, &r.data],
        )
        .await
    }

    async fn delete_method(&self, r: &MethodRow<'_>) -> Result<bool, Failure> {
        one(
            self,
            "UPDATE payment_methods SET deleted = TRUE, data = $1 WHERE id = $2 AND NOT deleted",
            &[&r.data, &r.id],
        )
        .await
    }

    async fn renew_holds(&self, session: &str, expires: i64, now: i64) -> Result<(), Failure> {
        let sql = "UPDATE gift_holds SET expires = $1 WHERE session_id = $2 AND expires > $3";
        one(self, sql, &[&expires, &session, &now]).await.map(drop)
    }

    async fn create_card(
        &self,
        card: &GiftCardKey,
        currency: &str,
        balance: i64,
    ) -> Result<(), Failure> {
        one(
            self,
            "INSERT INTO gift_cards (merchant_id, card, currency, balance, spent) VALUES ($1, $2, $3, $4, 0)
             ON CONFLICT DO NOTHING",
            &[&card.merchant, &card.card, &currency, &balance],
        )
        .await
        .map(drop)
    }

    async fn lock_card(&self, card: &GiftCardKey) -> Result<Option<(String, i64)>, Failure> {
        Ok(self
            .query_opt(
                "SELECT currency, balance - spent FROM gift_cards WHERE merchant_id = $1 AND card = $2 FOR UPDATE",
                &[&card.merchant, &card.card],
            )
            .await?
            .map(|row| (row.get(0), row.get(1))))
    }

    async fn held(&self, card: &GiftCardKey, now: i64) -> Result<i64, Failure> {
        Ok(self
            .query_one(
                "SELECT COALESCE(SUM(amount), 0)::BIGINT FROM gift_holds WHERE merchant_id = $1 AND card = $2 AND expires > $3",
                &[&card.merchant, &card.card, &now],
            )
            .await?
            .get(0))
    }

    async fn drop_hold(&self, source: &str) -> Result<(), Failure> {
        let sql = "DELETE FROM gift_holds WHERE source_id = $1";
        one(self, sql, &[&source]).await.map(drop)
    }

    async fn insert_hold(&self, h: &Hold<'_>) -> Result<(), Failure> {
        one(
            self,
            "INSERT INTO gift_holds (source_id, merchant_id, card, session_id, amount, expires)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &h.source,
                &h.card.merchant,
                &h.card.card,
                &h.session,
                &h.amount,
                &h.expires,
            ],
        )
        .await
        .map(drop)
    }

    async fn live_hold(
        &self,
        source: &str,
        now: i64,
    ) -> Result<Option<(GiftCardKey, i64)>, Failure> {
        Ok(self
            .query_opt(
                "SELECT merchant_id, card, amount FROM gift_holds WHERE source_id = $1 AND expires > $2",
                &[&source, &now],
            )
            .await?
            .map(|row| {
                let card = GiftCardKey {
                    merchant: row.get(0),
                    card: row.get(1),
                };
                (card, row.get(2))
            }))
    }

    async fn take_live_hold(&self, source: &str, now: i64) -> Result<bool, Failure> {
        let sql = "DELETE FROM gift_holds WHERE source_id = $1 AND expires > $2";
        one(self, sql, &[&source, &now]).await
    }

    async fn debit_card(&self, card: &GiftCardKey, amount: i64) -> Result<bool, Failure> {
        one(
            self,
            "UPDATE gift_cards SET spent = spent + $1 WHERE merchant_id = $2 AND card = $3 AND balance - spent >= $1",
            &[&amount, &card.merchant, &card.card],
        )
        .await
    }

    async fn insert_debit(&self, d: &Debit<'_>) -> Result<bool, Failure> {
        one(
            self,
            "INSERT INTO gift_debits (source_id, order_id, merchant_id, card, amount, created)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            &[
                &d.source,
                &d.order,
                &d.card.merchant,
                &d.card.card,
                &d.amount,
                &d.created,
            ],
        )
        .await
    }

    async fn insert_event(&self, e: &EventRow) -> Result<(), Failure> {
        super::events::insert(self, e).await
    }
}

impl PgStore {
    /// Applies `w` in one transaction through the protocol, with its
    /// `write_log` id (see the module's notes on a lost `COMMIT`).
    pub(super) fn write(&self, w: Write) -> Result<Commit, StoreError> {
        let w = &w;
        let id = &format!("{:032x}", rand::random::<u128>());
        // Set once a COMMIT was sent: from then on the write may have landed.
        let sent = &std::sync::atomic::AtomicBool::new(false);
        let out = self.run(|mut c| async move {
            let tx = c.transaction().await?;
            if sent.load(Ordering::SeqCst)
                && tx
                    .query_opt("SELECT 1 FROM write_log WHERE id = $1", &[id])
                    .await?
                    .is_some()
            {
                return Ok(Commit::Done);
            }
            let out = apply(&*tx, w).await?;
            match out {
                Commit::Done => {
                    tx.execute(
                        "INSERT INTO write_log (id, created) VALUES ($1, $2)",
                        &[id, &w.now],
                    )
                    .await?;
                    sent.store(true, Ordering::SeqCst);
                    tx.commit().await?;
                    #[cfg(test)]
                    if self.lose_next_commit_answer.swap(false, Ordering::SeqCst) {
                        return Err(Failure::Transient(
                            "injected: the answer to COMMIT was lost".into(),
                        ));
                    }
                }
                Commit::Conflict(_) => tx.rollback().await?,
            }
            Ok(out)
        })?;
        if rand::random::<u16>().is_multiple_of(4096) {
            // Now and then, ids older than any retry are forgotten.
            let before = w.now - 24 * 3600;
            let _ = self.run(|c| async move {
                c.execute("DELETE FROM write_log WHERE created < $1", &[&before])
                    .await?;
                Ok(())
            });
        }
        Ok(out)
    }
}
