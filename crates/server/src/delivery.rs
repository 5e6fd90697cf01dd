//! Delivery as a CDN would (docs/API.md §1.5): answers compressed by
//! `Accept-Encoding` (brotli preferred, then gzip), static files served from
//! the copies compressed once (at build time for the demo's files, at start
//! for the generated `field.js`), and caching by what a file is:
//! content-hashed names are immutable, HTML is revalidated.
//!
//! - [`compression`]: the layer of every listener. It compresses an answer
//!   of at least [`MIN_COMPRESS`] bytes per request, never an event stream,
//!   an image or an answer that already has a `Content-Encoding` (a
//!   precompressed file), and adds `Vary: Accept-Encoding` to what it may
//!   compress.
//! - [`static_files`]: the demo's directory, with its `.br` / `.gz` siblings
//!   (made by scripts/build-demo.sh) served in place of the file, and
//!   [`cache_control_for`] of each path.
//! - [`Precompressed`]: a body generated at start, compressed once.

use axum::{
    body::Body,
    extract::Request,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::io::Write;
use tower_http::compression::{
    predicate::{NotForContentType, Predicate, SizeAbove},
    CompressionLayer, CompressionLevel,
};

/// Answers smaller than this (bytes) go out as they are: the encoding's
/// framing and the CPU cost outweigh what a few hundred bytes save.
pub const MIN_COMPRESS: u16 = 1024;

/// `Cache-Control` of a file whose name changes with its content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `Cache-Control` of HTML and of files whose name does not change with
/// their content: kept, but revalidated before each use.
pub const NO_CACHE: &str = "no-cache";

/// The compression layer of the API, the demo and the fields origin:
/// brotli or gzip by `Accept-Encoding` at a per-request level (5: most of
/// the gain of 11 at a fraction of its time), for answers of at least
/// [`MIN_COMPRESS`] bytes that are not event streams, images or gRPC.
pub fn compression() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .no_deflate()
        .no_zstd()
        .quality(CompressionLevel::Precise(5))
        .compress_when(
            SizeAbove::new(MIN_COMPRESS)
                .and(NotForContentType::SSE)
                .and(NotForContentType::IMAGES)
                .and(NotForContentType::GRPC),
        )
}

/// A content coding this server sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Coding {
    /// As is.
    Identity,
    /// `gzip`.
    Gzip,
    /// `br`, preferred when the client weighs both alike.
    Brotli,
}

/// The coding `Accept-Encoding` prefers among brotli and gzip (highest
/// q-value; brotli on a tie; `*` stands for an unnamed one); identity when
/// neither is acceptable or there is no header.
pub fn negotiate(headers: &HeaderMap) -> Coding {
    // q-values in thousandths; `None`: not named.
    let (mut br, mut gz, mut any) = (None, None, None);
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim();
            let q = parts
                .find_map(|p| {
                    let (k, v) = p.split_once('=')?;
                    k.trim().eq_ignore_ascii_case("q").then(|| qvalue(v.trim()))
                })
                .unwrap_or(Some(1000));
            let Some(q) = q else { continue };
            let slot = if name.eq_ignore_ascii_case("br") {
                &mut br
            } else if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
                &mut gz
            } else if name == "*" {
                &mut any
            } else {
                continue;
            };
            *slot = Some(q);
        }
    }
    let (br, gz) = (br.or(any).unwrap_or(0), gz.or(any).unwrap_or(0));
    match (br, gz) {
        (0, 0) => Coding::Identity,
        (b, g) if b >= g => Coding::Brotli,
        _ => Coding::Gzip,
    }
}

/// An RFC 9110 q-value (`0` to `1`, three decimals) in thousandths.
fn qvalue(s: &str) -> Option<u16> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac: u16 = format!("{frac:0<3}").parse().ok()?;
    match int {
        "0" => Some(frac),
        "1" if frac == 0 => Some(1000),
        _ => None,
    }
}

/// Brotli at its best quality (11), for what is compressed once.
pub fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        // Writing into a Vec cannot fail.
        let _ = w.write_all(data);
    }
    out
}

/// Gzip at its best level (9), for what is compressed once.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut w = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = w.write_all(data);
    w.finish().unwrap_or_default()
}

/// A body made at start and compressed then, once per coding.
#[derive(Clone, Debug)]
pub struct Precompressed {
    identity: axum::body::Bytes,
    br: axum::body::Bytes,
    gzip: axum::body::Bytes,
}

impl Precompressed {
    /// `data`, compressed now.
    pub fn new(data: impl Into<Vec<u8>>) -> Self {
        let data: Vec<u8> = data.into();
        Precompressed {
            br: brotli(&data).into(),
            gzip: gzip(&data).into(),
            identity: data.into(),
        }
    }

    /// The uncompressed bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.identity
    }

    /// The answer to a request with `headers`: the copy `Accept-Encoding`
    /// prefers, with `Content-Encoding` and `Vary: Accept-Encoding` (so the
    /// compression layer leaves it alone), and the given headers.
    pub fn response<const N: usize>(
        &self,
        headers: &HeaderMap,
        extra: [(header::HeaderName, HeaderValue); N],
    ) -> Response {
        let (coding, body) = match negotiate(headers) {
            Coding::Brotli => (Some("br"), self.br.clone()),
            Coding::Gzip => (Some("gzip"), self.gzip.clone()),
            Coding::Identity => (None, self.identity.clone()),
        };
        let mut r = (StatusCode::OK, extra, Body::from(body)).into_response();
        let h = r.headers_mut();
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if let Some(c) = coding {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
        }
        r
    }
}

/// A short hex digest of `data` (SHA-256, 16 hex digits) for a versioned URL.
pub fn content_hash(data: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(data)[..8])
}

/// The file name has a content hash as one of its dot-separated parts
/// before the extension (webpack's `[contenthash:8]`, `[hash]`: at least 8
/// lower-case hex digits, one of them a digit), as in `shop.3f9a02c1.js` or
/// `e1b2c3d4e5f6a7b8c9d0.module.wasm`.
pub fn is_hashed_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    let name = name
        .strip_suffix(".br")
        .or_else(|| name.strip_suffix(".gz"))
        .unwrap_or(name);
    let mut parts: Vec<&str> = name.split('.').collect();
    if parts.len() < 2 {
        return false;
    }
    parts.pop();
    parts.iter().any(|p| {
        p.len() >= 8
            && p.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            && p.bytes().any(|b| b.is_ascii_digit())
    })
}

/// `Cache-Control` of a static file at `path`: [`IMMUTABLE`] for a
/// content-hashed name, else [`NO_CACHE`] (HTML and fixed names).
pub fn cache_control_for(path: &str) -> &'static str {
    if is_hashed_name(path) {
        IMMUTABLE
    } else {
        NO_CACHE
    }
}

/// Middleware of the static files: the `Cache-Control` of the path on a
/// successful answer (an error is not cached), and `Vary: Accept-Encoding`
/// on every answer (a `.br`/`.gz` copy may be chosen for another client).
pub async fn static_headers(req: Request, next: Next) -> Response {
    let cache = cache_control_for(req.uri().path());
    let mut r = next.run(req).await;
    let ok = r.status().is_success() || r.status() == StatusCode::NOT_MODIFIED;
    let h = r.headers_mut();
    if ok {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    }
    if !h
        .get_all(header::VARY)
        .iter()
        .any(|v| v.as_bytes().eq_ignore_ascii_case(b"accept-encoding"))
    {
        h.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    r
}

/// The files of `dir`, each served from its `.br` or `.gz` sibling when the
/// client accepts it and the sibling exists, with [`static_headers`];
/// `fallback` answers what is not a file.
pub fn static_files(
    dir: std::path::PathBuf,
    fallback: axum::routing::MethodRouter,
) -> axum::Router {
    let files = tower_http::services::ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(fallback);
    axum::Router::new()
        .fallback_service(files)
        .layer(axum::middleware::from_fn(static_headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> Coding {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
        negotiate(&h)
    }

    #[test]
    fn accept_encoding_prefers_brotli_then_gzip_by_weight() {
        assert_eq!(negotiate(&HeaderMap::new()), Coding::Identity);
        assert_eq!(accept("gzip, deflate, br"), Coding::Brotli);
        assert_eq!(accept("gzip"), Coding::Gzip);
        assert_eq!(accept("br;q=0.5, gzip"), Coding::Gzip);
        assert_eq!(accept("br;q=0, gzip;q=0"), Coding::Identity);
        assert_eq!(accept("*"), Coding::Brotli);
        assert_eq!(accept("br;q=0, *"), Coding::Gzip);
        assert_eq!(accept("identity, deflate"), Coding::Identity);
        assert_eq!(accept("br;q=2"), Coding::Identity);
        assert_eq!(accept("BR ; Q=1.000"), Coding::Brotli);
    }

    #[test]
    fn hashed_names() {
        for p in [
            "/shop.3f9a02c1.js",
            "/shop.3f9a02c1.css.br",
            "/e1b2c3d4e5f6a7b8c9d0.module.wasm",
            "/123.0a1b2c3d.js",
            "/field.0123456789abcdef.js",
        ] {
            assert!(is_hashed_name(p), "{p}");
            assert_eq!(cache_control_for(p), IMMUTABLE);
        }
        for p in [
            "/",
            "/index.html",
            "/field.js",
            "/shop.js",
            "/deadbeef0",
            "/abcdefab.js",
        ] {
            assert!(!is_hashed_name(p), "{p}");
            assert_eq!(cache_control_for(p), NO_CACHE);
        }
    }

    /// Through the layer: what is compressed and what is left alone.
    #[tokio::test]
    async fn the_layer_leaves_event_streams_small_and_encoded_answers_alone() {
        use tower::ServiceExt;
        let big = "data: x\n\n".repeat(300);
        let app = axum::Router::new()
            .route(
                "/json",
                axum::routing::get({
                    let b = big.clone();
                    move || async move { ([(header::CONTENT_TYPE, "application/json")], b) }
                }),
            )
            .route(
                "/events",
                axum::routing::get({
                    let b = big.clone();
                    move || async move { ([(header::CONTENT_TYPE, "text/event-stream")], b) }
                }),
            )
            .route("/small", axum::routing::get(|| async { "x".repeat(1023) }))
            .route(
                "/encoded",
                axum::routing::get({
                    let b = big.clone();
                    move || async move { ([(header::CONTENT_ENCODING, "gzip")], b) }
                }),
            )
            .layer(compression());
        let encoding = |path: &'static str| {
            let app = app.clone();
            async move {
                let req = axum::http::Request::get(path)
                    .header(header::ACCEPT_ENCODING, "br, gzip")
                    .body(Body::empty())
                    .unwrap();
                let res = app.oneshot(req).await.unwrap();
                let enc = res.headers().get(header::CONTENT_ENCODING).cloned();
                enc.map(|v| v.to_str().unwrap().to_owned())
            }
        };
        assert_eq!(encoding("/json").await.as_deref(), Some("br"));
        assert_eq!(encoding("/events").await, None);
        assert_eq!(encoding("/small").await, None);
        // Already encoded: passed on as it is (not compressed twice).
        assert_eq!(encoding("/encoded").await.as_deref(), Some("gzip"));
    }

    #[test]
    fn precompressed_copies_decode_to_the_same_bytes() {
        let data = "let x = 1;\n".repeat(500);
        let p = Precompressed::new(data.clone());
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &p.br[..], &mut out).unwrap();
        assert_eq!(out, data.as_bytes());
        let mut out = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&p.gzip[..]), &mut out)
            .unwrap();
        assert_eq!(out, data);
        assert!(p.br.len() < data.len() / 10);
    }
}
