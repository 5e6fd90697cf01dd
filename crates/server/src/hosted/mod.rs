//! Hosted test pages: the 3-D Secure challenge (shown in an iframe) and the
//! redirect approval page of PayPal / Klarna / iDEAL. No inline script or
//! style: they run under a strict Content-Security-Policy; the result is
//! posted to the parent window by `/hosted/assets/hosted.js`.

use crate::{
    error::AppError,
    extract::read_body,
    flows::sources::{authenticate, check_secret},
    model::SourceRec,
    AppState,
};
use axum::{
    extract::{Path, Request, State},
    http::{header, HeaderValue, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use paysession_core::{state::SourceState, ApiError, ErrorCode};
use std::collections::HashMap;
use tower_http::set_header::SetResponseHeaderLayer;

mod assets;

pub use assets::{field, icon, legal, script, style};

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   form-action 'self' http: https:; base-uri 'none'; frame-ancestors";

/// `X-Content-Type-Options: nosniff`, on every answer of the server (a layer
/// of [`crate::app`]).
pub fn nosniff() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    )
}

/// Who may frame a hosted page, and whom its result is posted to.
enum Frame {
    /// Nobody (the redirect approval and legal pages): `frame-ancestors
    /// 'none'` and `X-Frame-Options: DENY`.
    Deny,
    /// The 3-D Secure page: `frame-ancestors` lists `ancestors` (origins, or
    /// `*`), and `hosted.js` posts the result to each of `post_to` exactly.
    /// `embedder` is the accepted `origin` the form carries on to its answer.
    Challenge {
        ancestors: Vec<String>,
        post_to: Vec<String>,
        embedder: Option<String>,
    },
}

/// The 3-D Secure page's framing for the source's merchant. `asked` is the
/// embedding page's origin (`?origin=`, sent by the drop-in): taken only when
/// it is the merchant's (any well-formed http(s) origin for a `"*"`
/// merchant), then the only ancestor and the only recipient. Without it, the
/// registered origins may frame the page and each gets the result (only the
/// one that is the parent's receives it); a `"*"` merchant registered every
/// origin, so its page may be framed by any, and the result goes to no one,
/// since no origin is known.
fn challenge_frame(s: &AppState, merchant_id: &str, asked: Option<&String>) -> Frame {
    let Some(m) = s.config.merchants.iter().find(|m| m.id == merchant_id) else {
        return Frame::Deny;
    };
    match asked.filter(|o| m.allows_origin(o)) {
        Some(o) => Frame::Challenge {
            ancestors: vec![o.clone()],
            post_to: vec![o.clone()],
            embedder: Some(o.clone()),
        },
        None if m.any_origin() => Frame::Challenge {
            ancestors: vec!["*".into()],
            post_to: vec![],
            embedder: None,
        },
        None => Frame::Challenge {
            ancestors: m.allowed_origins.clone(),
            post_to: m.allowed_origins.clone(),
            embedder: None,
        },
    }
}

impl Frame {
    /// The challenge form's hidden `origin` field, so that its result page
    /// (the form's answer) keeps the embedding page's origin.
    fn origin_field(&self) -> String {
        match self {
            Frame::Challenge {
                embedder: Some(o), ..
            } => format!(
                "<input type=\"hidden\" name=\"origin\" value=\"{}\">",
                esc(o)
            ),
            _ => String::new(),
        }
    }

    /// The `<body>` attribute naming the result's recipients for `hosted.js`
    /// (space-separated origins; none: posted to no one).
    fn post_to_attr(&self) -> String {
        match self {
            Frame::Challenge { post_to, .. } => {
                format!(" data-post-to=\"{}\"", esc(&post_to.join(" ")))
            }
            Frame::Deny => String::new(),
        }
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn html(title: &str, body: &str, data: &str, frame: &Frame) -> Response {
    let page = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t}</title><link rel=\"stylesheet\" href=\"/hosted/assets/hosted.css\"></head>\
         <body{data}><main><h1>{t}</h1>{body}</main>\
         <script src=\"/hosted/assets/hosted.js\"></script></body></html>\n",
        t = esc(title)
    );
    let mut r = page.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    let ancestors = match frame {
        Frame::Challenge { ancestors, .. } if !ancestors.is_empty() => ancestors.join(" "),
        Frame::Challenge { .. } => "'none'".into(),
        Frame::Deny => {
            h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
            "'none'".into()
        }
    };
    // Origins are checked serialisations (visible ASCII); should one not be,
    // the page gets the strictest policy rather than none.
    let csp = HeaderValue::from_str(&format!("{CSP} {ancestors}"))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"));
    h.insert(header::CONTENT_SECURITY_POLICY, csp);
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn source_with_secret(
    s: &AppState,
    id: &str,
    secret: Option<&String>,
) -> Result<SourceRec, AppError> {
    let rec = s
        .store
        .source(id)?
        .ok_or_else(|| AppError::not_found("source"))?;
    let Some(secret) = secret else {
        return Err(AppError::validation(
            ErrorCode::MissingParameter,
            "clientSecret",
            "`clientSecret` is required.",
        ));
    };
    check_secret(&rec, secret)?;
    Ok(rec)
}

fn query(uri: &Uri) -> HashMap<String, String> {
    serde_urlencoded::from_str(uri.query().unwrap_or("")).unwrap_or_default()
}

async fn form(req: Request) -> Result<HashMap<String, String>, AppError> {
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !ct.starts_with("application/x-www-form-urlencoded") {
        return Err(AppError::with_status(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::bad_request(
                ErrorCode::UnsupportedMediaType,
                None,
                "Send the form as application/x-www-form-urlencoded.",
            ),
        ));
    }
    let body = read_body(req).await?;
    serde_urlencoded::from_bytes(&body)
        .map_err(|_| AppError::bad_request(ErrorCode::InvalidParameter, "Malformed form."))
}

fn challenge_form(rec: &SourceRec, frame: &Frame) -> Response {
    let src = &rec.source;
    let origin = frame.origin_field();
    let body = format!(
        "<p>Test 3-D Secure challenge for {amount} {cur}. The password is <code>password</code>.</p>\
         <form method=\"post\" action=\"/hosted/challenge/{id}\">\
         <input type=\"hidden\" name=\"clientSecret\" value=\"{secret}\">{origin}\
         <label for=\"password\">Password</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"off\" autofocus>\
         <button type=\"submit\">Submit</button></form>",
        amount = src.currency.format_major(src.amount),
        cur = src.currency.as_str(),
        id = esc(&src.id),
        secret = esc(&src.client_secret),
    );
    html("Verify your payment", &body, "", frame)
}

fn challenge_result(rec: &SourceRec, frame: &Frame) -> Response {
    let state = rec.source.state.as_str();
    let (title, text) = if rec.source.state == SourceState::Failed {
        ("Verification failed", "The payment could not be verified.")
    } else {
        ("Verification complete", "You can return to the shop.")
    };
    let data = format!(
        " data-paysession-result=\"challenge\" data-source-id=\"{}\" data-state=\"{}\"{}",
        esc(&rec.source.id),
        esc(state),
        frame.post_to_attr()
    );
    html(
        title,
        &format!("<p id=\"result\" data-state=\"{state}\">{text}</p>"),
        &data,
        frame,
    )
}

/// `GET /hosted/challenge/{id}?clientSecret=`.
pub async fn challenge_page(
    State(s): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, AppError> {
    let q = query(&uri);
    s.db(move |s| {
        let rec = source_with_secret(s, &id, q.get("clientSecret"))?;
        let frame = challenge_frame(s, &rec.merchant_id, q.get("origin"));
        Ok(match rec.source.state {
            SourceState::RequiresAction => challenge_form(&rec, &frame),
            _ => challenge_result(&rec, &frame),
        })
    })
    .await
}

/// `POST /hosted/challenge/{id}` (form: clientSecret, password).
pub async fn challenge_submit(
    State(s): State<AppState>,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, AppError> {
    let f = form(req).await?;
    s.db(move |s| {
        let rec = source_with_secret(s, &id, f.get("clientSecret"))?;
        let answer = f.get("password").map(String::as_str).unwrap_or("");
        let frame = challenge_frame(s, &rec.merchant_id, f.get("origin"));
        match authenticate(s, &rec.merchant_id, &id, Some(answer), None) {
            Ok(out) => Ok(challenge_result(
                &SourceRec {
                    source: out.source,
                    ..rec
                },
                &frame,
            )),
            // Answered already (another tab, a double submit): the page shows,
            // and posts, the state the store holds.
            Err(e) if e.body.code() == ErrorCode::SourceStateInvalid => Ok(challenge_result(
                &source_with_secret(s, &id, f.get("clientSecret"))?,
                &frame,
            )),
            Err(e) => Err(e),
        }
    })
    .await
}

/// `GET /hosted/redirect/{id}?clientSecret=`: Approve / Cancel.
pub async fn redirect_page(
    State(s): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, AppError> {
    let q = query(&uri);
    s.db(move |s| {
        let rec = source_with_secret(s, &id, q.get("clientSecret"))?;
        let src = &rec.source;
        if src.state != SourceState::PendingRedirect {
            return Ok(html(
                "Payment already handled",
                &format!(
                    "<p id=\"result\" data-state=\"{0}\">This payment is {0}.</p>",
                    src.state.as_str()
                ),
                "",
                &Frame::Deny,
            ));
        }
        let button = |action: &str, label: &str| {
            format!(
                "<form method=\"post\" action=\"/hosted/redirect/{id}\">\
                 <input type=\"hidden\" name=\"clientSecret\" value=\"{secret}\">\
                 <input type=\"hidden\" name=\"action\" value=\"{action}\">\
                 <button type=\"submit\" class=\"{action}\">{label}</button></form>",
                id = esc(&src.id),
                secret = esc(&src.client_secret),
            )
        };
        let body = format!(
            "<p>Test {method} payment of {amount} {cur}.</p>{a}{c}",
            method = src.kind.as_str(),
            amount = src.currency.format_major(src.amount),
            cur = src.currency.as_str(),
            a = button("approve", "Approve"),
            c = button("cancel", "Cancel"),
        );
        Ok(html("Approve your payment", &body, "", &Frame::Deny))
    })
    .await
}

/// `POST /hosted/redirect/{id}` (form: clientSecret, action=approve|cancel):
/// `303` to the return or cancel URL with `sourceId`, `sourceClientSecret`, `state`.
pub async fn redirect_submit(
    State(s): State<AppState>,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, AppError> {
    let f = form(req).await?;
    s.db(move |s| {
        let rec = source_with_secret(s, &id, f.get("clientSecret"))?;
        let approve = match f.get("action").map(String::as_str) {
            Some("approve") => true,
            Some("cancel") => false,
            _ => {
                return Err(AppError::validation(
                    ErrorCode::InvalidParameter,
                    "action",
                    "`action` must be approve or cancel.",
                ))
            }
        };
        let (rec, redirect) = crate::flows::redirect::answer(s, rec, approve)?;
        let target = append_query(
            if approve {
                &redirect.return_url
            } else {
                &redirect.cancel_url
            },
            &[
                ("sourceId", rec.source.id.as_str()),
                ("sourceClientSecret", rec.source.client_secret.as_str()),
                ("state", rec.source.state.as_str()),
            ],
        )?;
        let mut r = StatusCode::SEE_OTHER.into_response();
        let loc = HeaderValue::from_str(&target).map_err(AppError::internal)?;
        r.headers_mut().insert(header::LOCATION, loc);
        r.headers_mut().insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        Ok(r)
    })
    .await
}

/// `url` with `params` appended to its query (form-encoded, before any
/// `#fragment`), as the URL parser's ASCII serialisation (punycode host,
/// percent-encoded path and query): fit for `Location` as is.
pub fn append_query(url: &str, params: &[(&str, &str)]) -> Result<String, AppError> {
    let mut u = url::Url::parse(url)
        .map_err(|e| AppError::internal(format!("stored redirect URL does not parse: {e}")))?;
    u.query_pairs_mut().extend_pairs(params);
    Ok(u.into())
}
