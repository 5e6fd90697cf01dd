//! The idempotency key of a request as the domain sees it: the flows put its
//! record in their write ([`IdemCtx::record_result`]) and say how the write
//! ended ([`IdemCtx::mark_recorded`], [`IdemCtx::replay_instead`]). The HTTP
//! middleware that reads and replays keys is the parent module.

use crate::{
    error::AppError,
    store::{IdemRecord, Idempotent},
};
use axum::http::StatusCode;
use paysession_core::{ApiError, ErrorCode, ErrorType};
use std::sync::{
    atomic::{AtomicU8, Ordering},
    Arc,
};

pub(super) const PENDING: u8 = 0;
pub(super) const AUTHORIZED: u8 = 1;
pub(super) const RECORDED: u8 = 2;
pub(super) const REPLAY: u8 = 3;
pub(super) const ANSWERED: u8 = 4;

/// The idempotency key of the request being handled (a request extension).
#[derive(Clone, Debug)]
pub struct IdemCtx {
    pub(super) merchant: String,
    pub(super) kind: crate::config::KeyKind,
    pub(super) key: String,
    pub(super) hash: String,
    pub(super) state: Arc<AtomicU8>,
}

impl IdemCtx {
    /// The record of `result` (status `ok` on success) for this key.
    pub fn record_result<R: serde::Serialize>(
        &self,
        result: &Result<R, AppError>,
        ok: StatusCode,
    ) -> Result<IdemRecord, AppError> {
        let (status, body) = match result {
            Ok(r) => (ok, serde_json::to_vec(r)),
            Err(e) => (e.status, serde_json::to_vec(&e.body)),
        };
        let body = body.map_err(AppError::internal)?;
        Ok(self.record(status.as_u16(), body))
    }

    #[must_use = "the record goes into the write"]
    pub(super) fn record(&self, status: u16, body: Vec<u8>) -> IdemRecord {
        IdemRecord {
            merchant: self.merchant.clone(),
            kind: self.kind,
            key: self.key.clone(),
            response: Idempotent {
                request_hash: self.hash.clone(),
                status,
                body,
            },
        }
    }

    /// The write and its record committed.
    pub fn mark_recorded(&self) {
        self.state.store(RECORDED, Ordering::SeqCst);
    }

    /// Another request committed this key first: answer with its record.
    pub fn replay_instead(&self) -> AppError {
        self.state.store(REPLAY, Ordering::SeqCst);
        reused_error("A request with this Idempotency-Key was answered first.")
    }
}

pub(super) fn reused_error(msg: &str) -> AppError {
    AppError::api(ApiError::new(
        ErrorType::Conflict,
        ErrorCode::IdempotencyKeyReused,
        Some("Idempotency-Key"),
        msg,
    ))
}
