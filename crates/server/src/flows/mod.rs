//! Flows decide; routes parse and answer; the store commits.
//!
//! Every flow reads what it depends on, decides, and hands the store one
//! [`Write`] whose conditions (session version, source states, gift-card
//! balances, the idempotency record) are checked inside the transaction that
//! applies it — see the contract in [`crate::store`]. A refused condition is
//! decided again on fresh data (or answered `409` when the client named a
//! version), so of racing transitions exactly one commits.

pub mod customers;
pub mod funding;
pub mod orders;
pub mod redirect;
pub mod sessions;
pub mod sources;

use crate::{
    error::AppError,
    idempotency::IdemCtx,
    model::{OrderRec, SessionRec, SourceRec},
    store::{Commit, Conflict, GiftOp, PmWrite, SourceWrite, Write},
    AppState,
};
use axum::http::StatusCode;
use paysession_core::{
    state::{SessionState, SourceState},
    ErrorCode,
};

/// Now, unix seconds.
pub fn now(s: &AppState) -> i64 {
    s.clock.now().unix_timestamp()
}

/// A merchant's session; another merchant's id is `404` like an unknown one.
pub fn load_session(s: &AppState, merchant: &str, id: &str) -> Result<SessionRec, AppError> {
    match s.store.session(id)? {
        Some(r) if r.merchant_id == merchant => Ok(r),
        _ => Err(AppError::not_found("session")),
    }
}

/// A merchant's source.
pub fn load_source(s: &AppState, merchant: &str, id: &str) -> Result<SourceRec, AppError> {
    match s.store.source(id)? {
        Some(r) if r.merchant_id == merchant => Ok(r),
        _ => Err(AppError::not_found("source")),
    }
}

/// Refuses writes to sessions that can no longer change.
pub fn ensure_open(rec: &SessionRec, now: i64) -> Result<(), AppError> {
    let (code, msg) = match rec.state(now) {
        SessionState::Complete => (ErrorCode::SessionComplete, "The session is complete."),
        SessionState::Expired => (ErrorCode::SessionExpired, "The session has expired."),
        SessionState::Locked => (
            ErrorCode::SessionLocked,
            "Too many failed card attempts: the session is locked.",
        ),
        SessionState::RequiresSource | SessionState::RequiresConfirmation => return Ok(()),
    };
    Err(AppError::bad_request(code, msg))
}

/// What a decision does to the session it read: one of three, not two flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionEffect {
    /// Neither written nor checked.
    Untouched,
    /// Not written, but its version must not have moved.
    Unchanged,
    /// Changed: version + 1, expiry renewed.
    Changed,
}

impl SessionEffect {
    /// `Changed` when `changed`, else `otherwise`.
    pub fn changed_or(changed: bool, otherwise: SessionEffect) -> Self {
        if changed {
            SessionEffect::Changed
        } else {
            otherwise
        }
    }
}

/// What a decision wants written, besides the session it read.
pub struct Change<T> {
    /// What happens to the session.
    pub session: SessionEffect,
    /// Sources to create or move, each by compare-and-swap on its state.
    pub sources: Vec<SourceWrite>,
    /// Sources whose state the decision relied on.
    pub source_checks: Vec<(String, SourceState)>,
    /// Orders to write.
    pub orders: Vec<OrderRec>,
    /// Gift-card holds, releases and debits.
    pub gift: Vec<GiftOp>,
    /// Saved payment methods to insert or delete.
    pub payment_methods: Vec<PmWrite>,
    /// Saved payment methods the decision relied on being live.
    pub pm_checks: Vec<String>,
    /// The answer (an error answer may still come with writes, e.g. a decline).
    pub result: Result<T, AppError>,
}

impl<T> Change<T> {
    /// Only the session changed; answer `result`.
    pub fn session(result: Result<T, AppError>) -> Self {
        Change {
            session: SessionEffect::Changed,
            ..Change::none(result)
        }
    }

    /// No write; answer `result`.
    pub fn none(result: Result<T, AppError>) -> Self {
        Change {
            session: SessionEffect::Untouched,
            sources: vec![],
            source_checks: vec![],
            orders: vec![],
            gift: vec![],
            payment_methods: vec![],
            pm_checks: vec![],
            result,
        }
    }

    /// The same writes with another answer.
    pub fn answer<U>(self, result: Result<U, AppError>) -> Change<U> {
        Change {
            session: self.session,
            sources: self.sources,
            source_checks: self.source_checks,
            orders: self.orders,
            gift: self.gift,
            payment_methods: self.payment_methods,
            pm_checks: self.pm_checks,
            result,
        }
    }

    fn writes(&self) -> bool {
        self.session == SessionEffect::Changed
            || !self.sources.is_empty()
            || !self.orders.is_empty()
            || !self.gift.is_empty()
            || !self.payment_methods.is_empty()
    }
}

/// How many times a decision is made again after a refused condition.
const ATTEMPTS: usize = 50;

/// Loads the session, checks `expected`, lets `decide` decide, and commits its
/// changes with the session's version (and everything else the decision read)
/// as conditions, together with the idempotency record of `idem`. Without
/// `expected`, a refused condition is decided again on fresh data; with it, a
/// moved session is `409 session_version_mismatch`. `answer` builds the reply
/// from the decision and the session as written (status `ok` when stored).
#[allow(clippy::too_many_arguments)]
pub fn modify_session<T, R: serde::Serialize>(
    s: &AppState,
    merchant: &str,
    id: &str,
    expected: Option<u64>,
    idem: Option<&IdemCtx>,
    ok: StatusCode,
    mut decide: impl FnMut(&mut SessionRec, i64) -> Result<Change<T>, AppError>,
    answer: impl Fn(T, &SessionRec, i64) -> R,
) -> Result<R, AppError> {
    for _ in 0..ATTEMPTS {
        let mut rec = load_session(s, merchant, id)?;
        if expected.is_some_and(|v| v != rec.version) {
            return Err(AppError::version_mismatch());
        }
        let read_version = rec.version;
        let now = now(s);
        let change = decide(&mut rec, now)?;
        if !change.writes() {
            return change.result.map(|t| answer(t, &rec, now));
        }
        if change.session == SessionEffect::Changed {
            rec.touch(now, s.session_ttl.as_secs() as i64);
        }
        let result = change.result.map(|t| answer(t, &rec, now));
        let mut w = Write {
            sources: change.sources,
            source_checks: change.source_checks,
            orders: change.orders,
            gift: change.gift,
            payment_methods: change.payment_methods,
            pm_checks: change.pm_checks,
            now,
            ..Write::default()
        };
        if let Some(i) = idem {
            w.idempotency = Some(i.record_result(&result, ok)?);
        }
        match change.session {
            SessionEffect::Changed => w.update_session = Some((rec, read_version)),
            SessionEffect::Unchanged => w.session_check = Some((id.to_owned(), read_version)),
            SessionEffect::Untouched => {}
        }
        match commit(s, w, idem)? {
            None => return result,
            Some(Conflict::Session) if expected.is_some() => {
                return Err(AppError::version_mismatch())
            }
            Some(_) => continue,
        }
    }
    Err(AppError::internal("session write kept conflicting"))
}

/// Commits `w`; `None` when done. A conflict on the idempotency key (the same
/// key won on another request) marks `idem` for replay and answers with it.
pub fn commit(
    s: &AppState,
    w: Write,
    idem: Option<&IdemCtx>,
) -> Result<Option<Conflict>, AppError> {
    match s.store.commit(w)? {
        Commit::Done => {
            if let Some(i) = idem {
                i.mark_recorded();
            }
            // Its events' deliveries are due now: this process's worker
            // looks at once (a stored permit when it is busy).
            s.webhook_wake.notify_one();
            Ok(None)
        }
        Commit::Conflict(Conflict::Idempotency) => Err(match idem {
            Some(i) => i.replay_instead(),
            None => AppError::internal("idempotency conflict without a key"),
        }),
        Commit::Conflict(c) => Ok(Some(c)),
    }
}
