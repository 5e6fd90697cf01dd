//! Events (secret key): what the store recorded with each change
//! ([`crate::store::events`]), newest first, with a cursor.

use crate::store::events::{self, EventQuery, StoredEvent};
use crate::{auth::SecretKey, clock::rfc3339, error::AppError, extract::query_pairs, AppState};
use axum::{
    extract::{Path, State},
    http::Uri,
    Json,
};
use paysession_core::ErrorCode;
use serde::Serialize;

/// Events in a page when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 10;
/// The most events in a page.
pub const MAX_LIMIT: usize = 100;
/// The longest `objectId` filter, in characters (object ids are far shorter).
pub const MAX_OBJECT_ID: usize = 255;

/// A change of an object, as recorded in the transaction that made it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// `evt_…`.
    pub id: String,
    /// What happened: `session.created`, `session.updated`, `source.created`,
    /// `source.<state>` (`source.chargeable`, `source.failed`, …),
    /// `order.created`, `customer.created`, `payment_method.attached`,
    /// `payment_method.detached`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The id of the object that changed (`ses_…`, `src_…`, `ord_…`, `cus_…`, `pm_…`).
    pub object_id: String,
    /// RFC 3339: when the change was committed.
    pub created_time: String,
    /// The object.
    pub data: EventData,
}

/// What an event carries.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EventData {
    /// The object as the change left it, in the shape its own route answers
    /// with the secret key (`Session`, `Source`, `Order`, `Customer`,
    /// `PaymentMethodSummary`).
    #[schema(value_type = Object)]
    pub object: serde_json::Value,
}

/// `GET /v1/events`: a page, newest first.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventList {
    /// The events, newest first.
    pub data: Vec<Event>,
    /// Whether older events match: ask again with `startingAfter` = the last id.
    pub has_more: bool,
}

/// The event's wire view (also the body of its webhook deliveries).
pub fn view(e: StoredEvent) -> Result<Event, AppError> {
    let object = serde_json::from_str(&e.row.data)
        .map_err(|err| AppError::internal(format!("stored event {}: {err}", e.row.id)))?;
    Ok(Event {
        id: e.row.id,
        kind: e.row.kind,
        object_id: e.row.object_id,
        created_time: rfc3339(e.row.created),
        data: EventData { object },
    })
}

/// The merchant's event `id`.
fn find(s: &AppState, merchant: &str, id: &str) -> Result<Option<StoredEvent>, AppError> {
    if !crate::ids::is_id(events::PREFIX, id) {
        return Ok(None);
    }
    Ok(s.store.event(id)?.filter(|e| e.row.merchant == merchant))
}

fn invalid(parameter: &str, message: &str) -> AppError {
    AppError::validation(ErrorCode::InvalidParameter, parameter, message)
}

/// The query of `GET /v1/events`, checked (the cursor is resolved later).
fn parse(uri: &Uri, merchant: String) -> Result<(EventQuery, Option<String>), AppError> {
    let q = query_pairs(uri.query(), &["limit", "startingAfter", "type", "objectId"])?;
    let limit = match q.get("limit") {
        None => DEFAULT_LIMIT,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|l| (1..=MAX_LIMIT).contains(l))
            .ok_or_else(|| invalid("limit", "`limit` must be a whole number from 1 to 100."))?,
    };
    let kind = q.get("type").cloned();
    if kind.as_ref().is_some_and(|k| !events::types().contains(k)) {
        return Err(invalid("type", "`type` is not an event type."));
    }
    let object_id = q.get("objectId").cloned();
    if object_id
        .as_ref()
        .is_some_and(|o| o.is_empty() || o.chars().count() > MAX_OBJECT_ID)
    {
        return Err(invalid("objectId", "`objectId` must be an object's id."));
    }
    let query = EventQuery {
        merchant,
        kind,
        object_id,
        before: None,
        limit,
    };
    Ok((query, q.get("startingAfter").cloned()))
}

/// `GET /v1/events?limit=&startingAfter=&type=&objectId=` (sk).
pub async fn list(
    State(s): State<AppState>,
    key: SecretKey,
    uri: Uri,
) -> Result<Json<EventList>, AppError> {
    let (mut q, cursor) = parse(&uri, key.merchant.id)?;
    s.db(move |s| {
        if let Some(c) = cursor {
            let at = find(s, &q.merchant, &c)?.ok_or_else(|| {
                invalid(
                    "startingAfter",
                    "`startingAfter` must be one of your events' ids.",
                )
            })?;
            q.before = Some(at.seq);
        }
        let want = q.limit;
        q.limit = want + 1;
        let mut rows = s.store.events(&q)?;
        let has_more = rows.len() > want;
        rows.truncate(want);
        let data = rows.into_iter().map(view).collect::<Result<_, _>>()?;
        Ok(Json(EventList { data, has_more }))
    })
    .await
}

/// `GET /v1/events/{id}` (sk).
pub async fn retrieve(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
) -> Result<Json<Event>, AppError> {
    s.db(move |s| match find(s, &key.merchant.id, &id)? {
        Some(e) => Ok(Json(view(e)?)),
        None => Err(AppError::not_found("event")),
    })
    .await
}
