//! Sources: create (amount and currency always from the session), retrieve
//! with the client secret, and authenticate a 3-D Secure challenge.

use super::{base_url, expected_version, load_source, now};
use crate::{
    auth::AnyKey,
    clock::year_month,
    config::KeyKind,
    error::AppError,
    extract::{query_pairs, JsonBody, Peer},
    flows::{
        self,
        sources::{check_secret, NewSource},
    },
    idempotency::Idem,
    AppState,
};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode, Uri},
    Json,
};
use paysession_core::{
    wire::{AuthenticateSource, AuthenticationResult, CreateSource, Source},
    ApiError, ErrorCode,
};

/// `POST /v1/sources` (pk or sk).
pub async fn create(
    State(s): State<AppState>,
    key: AnyKey,
    headers: HeaderMap,
    Peer(peer): Peer,
    Idem(idem): Idem,
    JsonBody(req): JsonBody<CreateSource>,
) -> Result<(StatusCode, Json<Source>), AppError> {
    let expected = expected_version(req.version, &headers)?;
    let input = crate::methods::validate(&req, &key.merchant, year_month(s.clock.now()))?;
    let base = base_url(&s);
    let n = NewSource {
        merchant: key.merchant.id.clone(),
        req,
        input,
        ip: peer.map(|a| a.ip().to_string()),
        base,
    };
    let src = s
        .db(move |s| flows::sources::create(s, &n, expected, idem.as_ref()))
        .await?;
    Ok((StatusCode::CREATED, Json(src)))
}

/// `GET /v1/sources/{id}?clientSecret=` (pk needs the secret; sk may omit it).
pub async fn retrieve(
    State(s): State<AppState>,
    key: AnyKey,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Json<Source>, AppError> {
    let q = query_pairs(uri.query(), &["clientSecret"])?;
    let secret = q.get("clientSecret").cloned();
    if secret.is_none() && key.kind == KeyKind::Public {
        return Err(AppError::validation(
            ErrorCode::MissingParameter,
            "clientSecret",
            "`clientSecret` is required to read a source with a public key.",
        ));
    }
    s.db(move |s| {
        let rec = load_source(s, &key.merchant.id, &id)?;
        if let Some(sec) = &secret {
            check_secret(&rec, sec)?;
        }
        Ok(Json(flows::sources::current_view(s, rec, now(s))?))
    })
    .await
}

/// `POST /v1/sources/{id}/authenticate` (pk or sk).
pub async fn authenticate(
    State(s): State<AppState>,
    key: AnyKey,
    Path(id): Path<String>,
    Idem(idem): Idem,
    JsonBody(req): JsonBody<AuthenticateSource>,
) -> Result<Json<AuthenticationResult>, AppError> {
    s.db(move |s| {
        let rec = load_source(s, &key.merchant.id, &id)?;
        check_secret(&rec, &req.client_secret)?;
        if req
            .session_id
            .as_ref()
            .is_some_and(|sid| *sid != rec.source.session_id)
        {
            return Err(AppError::api(ApiError::bad_request(
                ErrorCode::SourceSessionMismatch,
                Some("sessionId"),
                "The source belongs to another session.",
            )));
        }
        let answer = req.challenge_response.as_ref().map(|c| c.expose().as_str());
        flows::sources::authenticate(s, &key.merchant.id, &id, answer, idem.as_ref()).map(Json)
    })
    .await
}
