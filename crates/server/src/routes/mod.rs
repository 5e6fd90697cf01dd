//! The router and the helpers every route shares: loading a merchant's
//! session, the version check, and the version-checked read-modify-write.

pub mod attach;
pub mod methods;
pub mod orders;
pub mod sessions;
pub mod source_input;
pub mod sources;

use crate::{
    error::AppError,
    hosted,
    model::{OrderRec, SessionRec, SourceRec},
    store::{Commit, Write},
    AppState,
};
use axum::{
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
    routing::{delete, get, post},
    Router,
};
use paysession_core::{state::SessionState, ApiError, ErrorCode, ErrorType};

/// All routes, with contract errors for unknown routes (404) and methods (405).
pub fn router(state: AppState) -> Router {
    let r = Router::new()
        .route("/v1/sessions", post(sessions::create))
        .route(
            "/v1/sessions/{id}",
            get(sessions::retrieve).patch(sessions::update),
        )
        .route(
            "/v1/sessions/{id}/fields",
            get(sessions::fields).patch(sessions::update_fields),
        )
        .route(
            "/v1/sessions/{id}/payment-methods",
            get(methods::for_session),
        )
        .route("/v1/payment-methods", get(methods::lookup))
        .route("/v1/sessions/{id}/sources", post(attach::attach))
        .route(
            "/v1/sessions/{id}/sources/{source_id}",
            delete(attach::detach),
        )
        .route("/v1/sources", post(sources::create))
        .route("/v1/sources/{id}", get(sources::retrieve))
        .route("/v1/sources/{id}/authenticate", post(sources::authenticate))
        .route("/v1/orders", post(orders::create))
        .route("/v1/orders/{id}", get(orders::retrieve))
        .route(
            "/hosted/challenge/{id}",
            get(hosted::challenge_page).post(hosted::challenge_submit),
        )
        .route(
            "/hosted/redirect/{id}",
            get(hosted::redirect_page).post(hosted::redirect_submit),
        )
        .route("/hosted/assets/hosted.js", get(hosted::script))
        .route("/hosted/assets/hosted.css", get(hosted::style))
        .route("/hosted/assets/icons/{name}", get(hosted::icon))
        .route("/hosted/legal/{doc}", get(hosted::legal))
        .route("/v1/locales/{locale}", get(crate::locales::catalog))
        .route("/healthz", get(|| async { "ok" }))
        .method_not_allowed_fallback(method_not_allowed);
    let r = match state.demo_dir.clone() {
        Some(dir) => r.fallback_service(
            tower_http::services::ServeDir::new(dir).fallback(axum::routing::any(not_found)),
        ),
        None => r.fallback(not_found),
    };
    r.with_state(state)
}

/// `404 route_not_found`.
pub async fn not_found() -> AppError {
    AppError::api(ApiError::new(
        ErrorType::NotFound,
        ErrorCode::RouteNotFound,
        None,
        "No such route.",
    ))
}

async fn method_not_allowed() -> impl IntoResponse {
    AppError::with_status(
        StatusCode::METHOD_NOT_ALLOWED,
        ApiError::bad_request(
            ErrorCode::MethodNotAllowed,
            None,
            "This route does not accept this HTTP method.",
        ),
    )
}

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

/// The version a write was decided on: body `version`, else `If-Match`.
pub fn expected_version(body: Option<u64>, h: &HeaderMap) -> Result<Option<u64>, AppError> {
    if body.is_some() {
        return Ok(body);
    }
    let Some(v) = h.get(axum::http::header::IF_MATCH) else {
        return Ok(None);
    };
    let t = v.to_str().unwrap_or("").trim();
    let t = t.strip_prefix("W/").unwrap_or(t).trim_matches('"');
    t.parse().map(Some).map_err(|_| {
        AppError::validation(
            ErrorCode::InvalidParameter,
            "If-Match",
            "If-Match must be the session's version, a non-negative integer.",
        )
    })
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

/// What a read-modify-write step decided.
pub struct Change<T> {
    /// The session was changed (version + 1, expiry renewed).
    pub session_changed: bool,
    /// Sources to write in the same transaction.
    pub sources: Vec<SourceRec>,
    /// Orders to write in the same transaction.
    pub orders: Vec<OrderRec>,
    /// The answer (an error answer may still come with writes, e.g. a decline).
    pub result: Result<T, AppError>,
}

impl<T> Change<T> {
    /// Only the session changed; answer `result`.
    pub fn session(result: Result<T, AppError>) -> Self {
        Change {
            session_changed: true,
            ..Change::none(result)
        }
    }

    /// No write; answer `result`.
    pub fn none(result: Result<T, AppError>) -> Self {
        Change {
            session_changed: false,
            sources: vec![],
            orders: vec![],
            result,
        }
    }
}

/// Loads the session, checks `expected`, runs `f` and commits its changes in
/// one version-checked transaction. Without `expected`, a concurrent change is
/// retried on the fresh session; with it, it is a `409`.
pub fn modify_session<T>(
    s: &AppState,
    merchant: &str,
    id: &str,
    expected: Option<u64>,
    mut f: impl FnMut(&mut SessionRec, i64) -> Result<Change<T>, AppError>,
) -> Result<T, AppError> {
    for _ in 0..20 {
        let mut rec = load_session(s, merchant, id)?;
        if expected.is_some_and(|v| v != rec.version) {
            return Err(AppError::version_mismatch());
        }
        let read_version = rec.version;
        let now = now(s);
        let change = f(&mut rec, now)?;
        if !change.session_changed && change.sources.is_empty() && change.orders.is_empty() {
            return change.result;
        }
        let mut w = Write {
            sources: change.sources,
            orders: change.orders,
            ..Write::default()
        };
        if change.session_changed {
            rec.touch(now, s.session_ttl.as_secs() as i64);
            w.update_session = Some((rec, read_version));
        }
        match s.store.commit(w)? {
            Commit::Done => return change.result,
            Commit::Conflict if expected.is_some() => return Err(AppError::version_mismatch()),
            Commit::Conflict => continue,
        }
    }
    Err(AppError::internal("session write kept conflicting"))
}

/// The base URL hosted-page links are built on: from configuration only
/// (`AppState::public_url`), never from the request's `Host`, which the
/// client chooses. The headers are deliberately not read.
pub fn base_url(s: &AppState, _request_headers: &HeaderMap) -> String {
    s.public_url.clone()
}
