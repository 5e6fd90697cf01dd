//! The hosted pages' static parts (script, stylesheet, icons, the legal
//! placeholders) and the redirect to the secure fields' origin.

use super::{esc, html, Frame};
use crate::{error::AppError, AppState};
use axum::{
    extract::{Path, State},
    http::{header, HeaderValue, StatusCode, Uri},
    response::{IntoResponse, Response},
};

fn asset(body: &'static str, ct: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    r
}

/// The hosted pages' script: posts a challenge result to the parent window.
pub async fn script() -> Response {
    asset(
        include_str!("../assets/hosted.js"),
        "text/javascript; charset=utf-8",
    )
}

/// The hosted pages' stylesheet.
pub async fn style() -> Response {
    asset(
        include_str!("../assets/hosted.css"),
        "text/css; charset=utf-8",
    )
}

/// `GET /hosted/assets/icons/{type}.svg`: a plain labelled icon.
pub async fn icon(Path(name): Path<String>) -> Result<Response, AppError> {
    let t = name
        .strip_suffix(".svg")
        .and_then(paysession_core::state::PaymentType::parse);
    let Some(t) = t else {
        return Err(AppError::not_found("icon"));
    };
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"48\" height=\"32\" viewBox=\"0 0 48 32\">\
         <rect width=\"48\" height=\"32\" rx=\"4\" fill=\"#f3f4f6\" stroke=\"#9ca3af\"/>\
         <text x=\"24\" y=\"20\" font-family=\"sans-serif\" font-size=\"8\" text-anchor=\"middle\">{}</text></svg>",
        esc(t.as_str())
    );
    let mut r = svg.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    Ok(r)
}

/// `GET /hosted/field?k=&o=`: `302` to the fields origin's `/field` with the
/// same query (the SDK keeps `#t=&c=&g=` in the fragment, which a redirect
/// carries on). It lets the drop-in create its secure fields' frames at
/// `mount`, in parallel with the payment-methods request, before that answer
/// tells it the fields origin (`fieldsUrl`): the page takes the frames'
/// messages only once it knows that origin (docs/DROPIN.md "Frames without
/// the wait"). `404 resource_not_found` when the server has no fields origin.
pub async fn field(State(s): State<AppState>, uri: Uri) -> Result<Response, AppError> {
    let Some(base) = s.fields_url.as_deref() else {
        return Err(AppError::not_found("fields origin"));
    };
    let to = [
        base.trim_end_matches('/'),
        "/field?",
        uri.query().unwrap_or(""),
    ]
    .concat();
    let Ok(location) = HeaderValue::from_str(&to) else {
        return Err(AppError::not_found("fields origin"));
    };
    let mut r = StatusCode::FOUND.into_response();
    let h = r.headers_mut();
    h.insert(header::LOCATION, location);
    // The fields origin changes with the server's configuration only.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
    Ok(r)
}

/// `GET /hosted/legal/{doc}`: placeholder legal texts for the compliance links.
pub async fn legal(Path(doc): Path<String>) -> Result<Response, AppError> {
    let title = match doc.as_str() {
        "terms" => "Terms of Sale",
        "privacy" => "Privacy Policy",
        "cookies" => "Cookie Policy",
        "cancellation" => "Cancellation Rights",
        "notice" => "Legal Notice",
        _ => return Err(AppError::not_found("document")),
    };
    Ok(html(
        title,
        "<p>This is a test seller of record; no real purchase is made.</p>",
        "",
        &Frame::Deny,
    ))
}
