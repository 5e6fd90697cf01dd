//! The demo shop's page (`GET /`, `/index.html`): its HTML with the
//! origins of the fields and the API added to its Content-Security-Policy,
//! and the headers a shop's page should carry.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// `GET /` and `/index.html` of the demo shop: its page, with the fields
/// origin added to its CSP's `frame-src 'self'` and the API's origin to its
/// `connect-src 'self'` (the additions a shop makes for secure fields and an
/// API elsewhere), and the headers a shop's page should carry: that policy
/// (the page's `<meta>` one, the one definition) as a `Content-Security-Policy`
/// header with `frame-ancestors 'none'` (which a `<meta>` cannot carry),
/// `Cross-Origin-Opener-Policy: same-origin`, `X-Content-Type-Options: nosniff`,
/// `Cache-Control: no-cache`, and `Strict-Transport-Security` when the
/// public URL is https.
pub(super) async fn index(State(s): State<crate::AppState>) -> Response {
    let Some(dir) = s.demo_dir.clone() else {
        return crate::routes::not_found().await.into_response();
    };
    let Ok(html) = tokio::fs::read_to_string(dir.join("index.html")).await else {
        return crate::routes::not_found().await.into_response();
    };
    let html = page_policy(
        &html,
        s.fields_url
            .as_deref()
            .and_then(crate::fields_origin::origin_of),
        crate::fields_origin::origin_of(&s.public_url),
    );
    let csp = match meta_csp(&html) {
        Some(p) => [p.trim().trim_end_matches(';'), "; frame-ancestors 'none'"].concat(),
        None => "frame-ancestors 'none'".to_owned(),
    };
    let mut r = (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, crate::delivery::NO_CACHE),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (
                header::HeaderName::from_static("cross-origin-opener-policy"),
                "same-origin",
            ),
        ],
        html,
    )
        .into_response();
    let h = r.headers_mut();
    if let Ok(v) = header::HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    if s.public_url.starts_with("https://") {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            header::HeaderValue::from_static("max-age=31536000"),
        );
    }
    r
}

/// The page's policy with `fields` added to `frame-src 'self'` and `api` to
/// `connect-src 'self'` (when they are other origins than the page's).
fn page_policy(html: &str, fields: Option<String>, api: Option<String>) -> String {
    let mut html = html.to_owned();
    if let Some(o) = fields {
        html = html.replace("frame-src 'self'", &["frame-src 'self' ", &o].concat());
    }
    if let Some(o) = api {
        html = html.replace("connect-src 'self'", &["connect-src 'self' ", &o].concat());
    }
    html
}

/// The `content` of the page's `<meta http-equiv="Content-Security-Policy">`
/// (attribute values quoted or not, as html-webpack-plugin's minifier leaves them).
fn meta_csp(html: &str) -> Option<&str> {
    html.match_indices("<meta").find_map(|(at, _)| {
        let tag = &html[at..at + html[at..].find('>')?];
        let http_equiv = attribute(tag, "http-equiv")?;
        if !http_equiv.eq_ignore_ascii_case("content-security-policy") {
            return None;
        }
        attribute(tag, "content")
    })
}

/// The value of attribute `name` in `tag` (`name="v"`, `name='v'` or `name=v`).
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let lower = tag.to_ascii_lowercase();
    let at = lower.match_indices(name).map(|(i, _)| i).find(|&i| {
        tag[..i].ends_with(|c: char| c.is_ascii_whitespace())
            && tag[i + name.len()..].starts_with('=')
    })?;
    let rest = &tag[at + name.len() + 1..];
    match rest.chars().next()? {
        q @ ('"' | '\'') => rest[1..].split(q).next(),
        _ => rest
            .split(|c: char| c.is_ascii_whitespace() || c == '>')
            .next(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_policy_is_the_meta_one_with_the_origins_added() {
        let html = "<meta charset=utf-8><meta http-equiv=\"Content-Security-Policy\"\n content=\"default-src 'self'; connect-src 'self'; frame-src 'self'\"><title>x</title>";
        let html = page_policy(
            html,
            Some("http://127.0.0.1:2".into()),
            Some("https://api.example".into()),
        );
        assert_eq!(
            meta_csp(&html),
            Some("default-src 'self'; connect-src 'self' https://api.example; frame-src 'self' http://127.0.0.1:2")
        );
        assert_eq!(meta_csp("<h1>demo</h1>"), None);
        // As html-webpack-plugin minifies it.
        let min = "<meta name=viewport content=\"width=device-width\"><meta http-equiv=Content-Security-Policy content=\"default-src 'self'; base-uri 'none'\"><title>";
        assert_eq!(meta_csp(min), Some("default-src 'self'; base-uri 'none'"));
    }
}
