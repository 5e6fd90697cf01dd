//! The shopper's answer on the redirect approval page (PayPal, Klarna,
//! iDEAL): `pending_redirect` → `chargeable` or `cancelled`, by
//! compare-and-swap, so of racing answers exactly one wins.

use super::{commit, now};
use crate::{
    clock::rfc3339,
    error::AppError,
    model::SourceRec,
    store::{Conflict, SourceWrite, Write},
    AppState,
};
use paysession_core::{state::SourceState, wire::RedirectView, ApiError, ErrorCode};

fn already_handled() -> AppError {
    AppError::api(ApiError::bad_request(
        ErrorCode::SourceStateInvalid,
        None,
        "This payment was already approved or cancelled.",
    ))
}

/// Approves or cancels `rec` (read in `pending_redirect`): the source as
/// written and the redirect it answered. A source without a redirect (a card)
/// is refused with the same code, unchanged.
pub fn answer(
    s: &AppState,
    mut rec: SourceRec,
    approve: bool,
) -> Result<(SourceRec, RedirectView), AppError> {
    let Some(redirect) = rec.source.redirect.clone() else {
        return Err(AppError::api(ApiError::bad_request(
            ErrorCode::SourceStateInvalid,
            None,
            "This payment has no redirect to approve or cancel.",
        )));
    };
    if rec.source.state != SourceState::PendingRedirect {
        return Err(already_handled());
    }
    rec.source.state = if approve {
        SourceState::Chargeable
    } else {
        SourceState::Cancelled
    };
    rec.source.next_action = None;
    let now = now(s);
    rec.source.updated_time = rfc3339(now);
    let w = Write {
        sources: vec![SourceWrite::Transition {
            rec: rec.clone(),
            from: SourceState::PendingRedirect,
        }],
        now,
        ..Write::default()
    };
    match commit(s, w, None)? {
        None => Ok((rec, redirect)),
        Some(Conflict::Source(_)) => Err(already_handled()),
        Some(c) => Err(AppError::internal(format!(
            "redirect answer refused: {c:?}"
        ))),
    }
}
