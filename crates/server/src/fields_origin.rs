//! The fields origin: a second listener (`--fields-listen`) that serves only
//! the secure card field's frame page (`/field`) and its script
//! (`/field.<hash>.js`, immutable; `/field.js` for old pages),
//! so card data is typed into an origin used for nothing else. The drop-in's
//! card frame asks `/field?…&i=1`: the same page with the card frame's script
//! inline (allowed by its hash; built from the same field.js without the
//! Elements' sibling code), one request instead of two for the one frame a
//! drop-in shows; Elements' three frames share the cached script instead.
//!
//! `GET /field?k=<public key>&o=<page origin>#t=<type>&c=<channel>&g=<group>`:
//! the page has its own strict CSP (`default-src 'none'`, this origin's script,
//! `connect-src` the API only) and `frame-ancestors` limited to the merchant's
//! allowed origins. A merchant configured with `"*"` (the test merchant) gets
//! `frame-ancestors` of exactly the origin the SDK names in `o` — the frame
//! posts to that origin only, so a page claiming another origin hears nothing.

use crate::config::{Config, KeyKind};
use crate::delivery::{content_hash, Precompressed};
use axum::{
    extract::{Query, State},
    http::{header, HeaderMap, HeaderValue, StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use paysession_core::card::Brand;
use paysession_core::fields::{ELEMENT_TYPES, STYLE_PROPERTIES, STYLE_PSEUDO};
use std::sync::Arc;

/// What the fields listener needs.
#[derive(Clone)]
pub struct Fields {
    config: Arc<Config>,
    /// The API's origin (`connect-src`), e.g. `http://127.0.0.1:8080`.
    api_origin: String,
    /// The script, generated once and compressed once (delivery.rs).
    script: Arc<Precompressed>,
    /// The frame page, naming the script by its versioned URL.
    page: Arc<String>,
    /// The frame page with the script inline (`i=1`), compressed once, and
    /// the script's CSP source (`'sha256-…'`).
    inline: Arc<(Precompressed, String)>,
}

/// The frame page: the script (at `src`) builds the one input.
fn page_html(src: &str) -> String {
    [
        PAGE_HEAD,
        "<script src=",
        src,
        " defer></script><body></body></html>",
    ]
    .concat()
}

/// The frame page's head, the same for both of its forms.
const PAGE_HEAD: &str =
    "<!doctype html><html lang=en><meta charset=utf-8><title>Secure card field</title>";

/// The frame page with `script` (the card frame's) inline; the script's CSP hash source.
fn inline_page(script: &str) -> (String, String) {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()));
    let page = [
        PAGE_HEAD,
        "<body><script>",
        script,
        "</script></body></html>",
    ]
    .concat();
    (page, ["'sha256-", &hash, "'"].concat())
}

/// The versioned URL of the script: `/field.<hash of its content>.js`.
pub fn script_path(script: &[u8]) -> String {
    ["/field.", &content_hash(script), ".js"].concat()
}

/// The router of the fields origin: `/field`, `/field.js`, and 404 for the rest.
pub fn fields_app(config: Arc<Config>, api_url: &str) -> Router {
    let api_origin = origin_of(api_url).unwrap_or_default();
    // assets/field.js minified twice (scripts/gen-field-min.mjs; a test
    // checks both are current): an Element's field, and the drop-in's card
    // frame (inline in the `i=1` page); each less its one comment line.
    let fill = |min: &str| -> String {
        min.lines()
            .filter(|l| !l.starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n")
            .replace("%API%", api_url.trim_end_matches('/'))
            .replace("__PAYSESSION_DATA__", &data_json())
    };
    let script = fill(include_str!("assets/field.min.js"));
    let card_script = fill(include_str!("assets/field.card.min.js"));
    let versioned = script_path(script.as_bytes());
    let (inline_page, hash) = inline_page(&card_script);
    let inline = Arc::new((Precompressed::new(inline_page), hash));
    let f = Fields {
        config,
        api_origin,
        script: Arc::new(Precompressed::new(script)),
        page: Arc::new(page_html(&versioned)),
        inline,
    };
    Router::new()
        .route("/field", get(page))
        .route(&versioned, get(script_file))
        // The unversioned name, for pages cached before the versioned one.
        .route("/field.js", get(script_file))
        .fallback(|| async { (StatusCode::NOT_FOUND, nosniff(), "not found") })
        .with_state(f)
        .layer(crate::delivery::compression())
}

fn nosniff() -> [(header::HeaderName, HeaderValue); 1] {
    [(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    )]
}

#[derive(serde::Deserialize)]
struct PageQuery {
    k: Option<String>,
    o: Option<String>,
    /// `1`: the script inline (the drop-in's card frame).
    i: Option<String>,
}

async fn page(State(f): State<Fields>, Query(q): Query<PageQuery>, headers: HeaderMap) -> Response {
    let bad = |status, msg: &'static str| (status, nosniff(), msg).into_response();
    let (Some(key), Some(origin)) = (q.k, q.o) else {
        return bad(StatusCode::BAD_REQUEST, "k and o are required");
    };
    let Some(origin) = origin_of(&origin).filter(|o| *o == origin) else {
        return bad(StatusCode::BAD_REQUEST, "o must be an origin");
    };
    let Some((m, KeyKind::Public)) = f.config.by_key(&key) else {
        return bad(StatusCode::NOT_FOUND, "unknown public key");
    };
    let ancestors = if m.allowed_origins.iter().any(|o| o == "*") {
        origin
    } else if m.allowed_origins.contains(&origin) {
        m.allowed_origins.join(" ")
    } else {
        return bad(
            StatusCode::FORBIDDEN,
            "origin not allowed for this merchant",
        );
    };
    let inline = q.i.as_deref() == Some("1");
    let script_src = if inline {
        f.inline.1.as_str()
    } else {
        "'self'"
    };
    let csp = csp(&f.api_origin, &ancestors, script_src);
    let Ok(csp) = HeaderValue::from_str(&csp) else {
        return bad(StatusCode::BAD_REQUEST, "o must be an origin");
    };
    let h = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ),
        (header::CONTENT_SECURITY_POLICY, csp),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ];
    if inline {
        f.inline.0.response(&headers, h)
    } else {
        (h, f.page.as_str().to_owned()).into_response()
    }
}

/// The frame page's policy: scripts from `script_src` only (`'self'`, or the
/// inline script's hash).
pub fn csp(api_origin: &str, ancestors: &str, script_src: &str) -> String {
    [
        "default-src 'none'; script-src ",
        script_src,
        "; style-src 'none'; connect-src ",
        api_origin,
        "; base-uri 'none'; form-action 'none'; frame-ancestors ",
        ancestors,
    ]
    .concat()
}

/// The script, precompressed: immutable at its versioned URL, five minutes at `/field.js`.
async fn script_file(State(f): State<Fields>, uri: Uri, headers: HeaderMap) -> Response {
    let cache = if uri.path() == "/field.js" {
        "public, max-age=300"
    } else {
        crate::delivery::IMMUTABLE
    };
    f.script.response(
        &headers,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
    )
}

/// `scheme://host[:port]` of an http(s) URL, lower-cased; `None` if it is not one.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next()?;
    let ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b));
    ok.then(|| [scheme, "://", &host.to_ascii_lowercase()].concat())
}

fn brand_index(b: Brand) -> usize {
    // Exhaustive: a new brand fails to compile here until it is listed.
    match b {
        Brand::Visa => 0,
        Brand::Mastercard => 1,
        Brand::Amex => 2,
        Brand::Dinersclub => 3,
        Brand::Discover => 4,
        Brand::Jcb => 5,
        Brand::Unionpay => 6,
        Brand::Maestro => 7,
    }
}

/// The frame script's data, from core: brands `[name, min, max, code length,
/// groups, display name]`, and for each prefix length 1..=6 the runs `[lo, hi, brand]` of
/// [`Brand::detect`] over every prefix of that length (detection reads at
/// most six digits, so the runs are exact), plus the style allow-lists.
pub fn data_json() -> String {
    use serde_json::json;
    let brands: Vec<_> = Brand::ALL
        .iter()
        .map(|b| {
            let (min, max) = b.lengths();
            json!([
                b.as_str(),
                min,
                max,
                b.security_code_len(),
                b.groups(),
                b.display_name()
            ])
        })
        .collect();
    let runs: Vec<Vec<u32>> = (1..=6u32).map(prefix_runs).collect();
    let types: serde_json::Map<String, serde_json::Value> = ELEMENT_TYPES
        .iter()
        .map(|(t, ac)| (t.to_string(), json!(ac)))
        .collect();
    json!({"b": brands, "r": runs, "s": STYLE_PROPERTIES, "p": STYLE_PSEUDO, "t": types})
        .to_string()
}

fn prefix_runs(n: u32) -> Vec<u32> {
    let mut out: Vec<u32> = Vec::new();
    let mut cur: Option<(u32, usize)> = None;
    for v in 0..10u32.pow(n) {
        let s = format!("{v:0width$}", width = n as usize);
        let b = Brand::detect(&s).map(brand_index);
        match (cur, b) {
            (Some((_, i)), Some(j)) if i == j => {}
            _ => {
                if let Some((lo, i)) = cur.take() {
                    out.extend([lo, v - 1, i as u32]);
                }
                cur = b.map(|j| (v, j));
            }
        }
    }
    if let Some((lo, i)) = cur {
        out.extend([lo, 10u32.pow(n) - 1, i as u32]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runs give the same brand as core for every 1-6 digit prefix.
    #[test]
    fn runs_match_core_detection() {
        for n in 1..=6u32 {
            let runs = prefix_runs(n);
            let step = if n == 6 { 7 } else { 1 };
            for v in (0..10u32.pow(n)).step_by(step) {
                let s = format!("{v:0width$}", width = n as usize);
                let want = Brand::detect(&s).map(brand_index);
                let got = runs
                    .chunks(3)
                    .find(|r| (r[0]..=r[1]).contains(&v))
                    .map(|r| r[2] as usize);
                assert_eq!(got, want, "prefix {s}");
            }
        }
    }

    async fn get(app: &Router, uri: &str) -> (u16, String) {
        use tower::ServiceExt;
        let req = axum::http::Request::get(uri)
            .body(axum::body::Body::empty())
            .unwrap();
        let res = app.clone().oneshot(req).await.unwrap();
        let csp = res
            .headers()
            .get(header::CONTENT_SECURITY_POLICY)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (res.status().as_u16(), csp)
    }

    /// A merchant with listed origins: `frame-ancestors` is the list, and an
    /// origin not on it gets no frame page.
    #[tokio::test]
    async fn frame_ancestors_follow_allowed_origins() {
        let config = Config::from_toml(
            "[[merchant]]\nid = \"m\"\npublic_key = \"pk_m\"\nsecret_key = \"sk_m\"\nallowed_origins = [\"https://shop.example\", \"https://www.shop.example\"]\n",
        )
        .unwrap();
        let app = fields_app(Arc::new(config), "https://api.example/");
        let (status, csp) = get(&app, "/field?k=pk_m&o=https%3A%2F%2Fshop.example").await;
        assert_eq!(status, 200);
        assert_eq!(
            csp,
            "default-src 'none'; script-src 'self'; style-src 'none'; connect-src https://api.example; base-uri 'none'; form-action 'none'; frame-ancestors https://shop.example https://www.shop.example"
        );
        assert_eq!(
            get(&app, "/field?k=pk_m&o=https%3A%2F%2Fevil.example")
                .await
                .0,
            403
        );
        assert_eq!(
            get(&app, "/field?k=sk_m&o=https%3A%2F%2Fshop.example")
                .await
                .0,
            404
        );
        assert_eq!(get(&app, "/field?k=pk_m").await.0, 400);
        assert_eq!(
            get(&app, "/field?k=pk_m&o=https%3A%2F%2Fa%3B%20script-src%20*")
                .await
                .0,
            400
        );
        assert_eq!(get(&app, "/v1/sources").await.0, 404);
        assert_eq!(get(&app, "/field.js").await.0, 200);
    }

    #[test]
    fn origins() {
        assert_eq!(
            origin_of("http://127.0.0.1:9/x?y").as_deref(),
            Some("http://127.0.0.1:9")
        );
        assert_eq!(origin_of("javascript:alert(1)"), None);
        assert_eq!(origin_of("http://a b"), None);
        assert_eq!(origin_of("http://a;script-src *"), None);
    }
}
