//! Delivery as a CDN would (docs/API.md §1.5), over a real listener:
//! answers compressed by `Accept-Encoding`, the demo's files served from
//! their build-time `.br`/`.gz` copies, `field.js` at a versioned URL, and
//! the caching of each.

use crate::common::*;
use reqwest::header::{HeaderMap, CACHE_CONTROL, CONTENT_ENCODING, VARY};
use std::io::{Read, Write};

/// The caching of a content-hashed file.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Brotli -q 11 and gzip -9, as scripts/build-demo.sh makes the copies.
fn brotli_best(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(data).unwrap();
    }
    out
}

fn gzip_best(data: &[u8]) -> Vec<u8> {
    let mut w = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    w.write_all(data).unwrap();
    w.finish().unwrap()
}

/// The raw answer to `GET url` with `accept` as `Accept-Encoding` (none when
/// empty): status, headers, the bytes on the wire (reqwest here decodes nothing).
async fn fetch(s: &Server, url: &str, accept: &str) -> (u16, HeaderMap, Vec<u8>) {
    let url = if url.starts_with("http") {
        url.to_owned()
    } else {
        format!("{}{url}", s.url)
    };
    let mut r = s.http.get(url);
    if !accept.is_empty() {
        r = r.header("accept-encoding", accept);
    }
    let res = r.send().await.unwrap();
    let (status, headers) = (res.status().as_u16(), res.headers().clone());
    (status, headers, res.bytes().await.unwrap().to_vec())
}

fn unbrotli(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::BrotliDecompress(&mut &b[..], &mut out).expect("a brotli body");
    out
}

fn ungzip(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(b)
        .read_to_end(&mut out)
        .expect("a gzip body");
    out
}

fn header(h: &HeaderMap, name: impl reqwest::header::AsHeaderName) -> &str {
    h.get(name).map(|v| v.to_str().unwrap()).unwrap_or("")
}

fn varies(h: &HeaderMap) -> bool {
    h.get_all(VARY).iter().any(|v| {
        v.to_str()
            .unwrap()
            .to_ascii_lowercase()
            .contains("accept-encoding")
    })
}

/// `url` answers brotli for `br`, gzip for `gzip`, identity without the
/// header, each decoding to the same bytes, with `Vary: Accept-Encoding`.
/// Returns the headers of the identity answer and the wire bytes of the brotli one.
async fn negotiates(s: &Server, url: &str) -> (HeaderMap, Vec<u8>) {
    let (status, plain_h, plain) = fetch(s, url, "").await;
    assert_eq!(status, 200, "{url}");
    assert_eq!(header(&plain_h, CONTENT_ENCODING), "", "{url}: identity");
    assert!(plain.len() >= 1024, "{url}: {} bytes", plain.len());
    let (_, br_h, br) = fetch(s, url, "br").await;
    assert_eq!(header(&br_h, CONTENT_ENCODING), "br", "{url}");
    assert_eq!(
        unbrotli(&br),
        plain,
        "{url}: brotli decodes to the same bytes"
    );
    assert!(br.len() < plain.len(), "{url}");
    let (_, gz_h, gz) = fetch(s, url, "gzip").await;
    assert_eq!(header(&gz_h, CONTENT_ENCODING), "gzip", "{url}");
    assert_eq!(ungzip(&gz), plain, "{url}: gzip decodes to the same bytes");
    // Both accepted: brotli.
    let (_, both_h, _) = fetch(s, url, "gzip, deflate, br").await;
    assert_eq!(header(&both_h, CONTENT_ENCODING), "br", "{url}");
    for h in [&plain_h, &br_h, &gz_h] {
        assert!(varies(h), "{url}: Vary: Accept-Encoding in {h:?}");
    }
    (plain_h, br)
}

#[tokio::test]
async fn api_answers_are_compressed_by_accept_encoding() {
    let s = start().await;
    // A locale catalog and the OpenAPI document; a session's JSON.
    negotiates(&s, "/v1/locales/de-DE").await;
    negotiates(&s, "/v1/openapi.json").await;
    // A tiny answer goes out as it is.
    let (_, h, body) = fetch(&s, "/healthz", "br, gzip").await;
    assert_eq!(header(&h, CONTENT_ENCODING), "");
    assert_eq!(body, b"ok");
    // A client that accepts neither gets identity.
    let (_, h, _) = fetch(&s, "/v1/openapi.json", "identity, deflate").await;
    assert_eq!(header(&h, CONTENT_ENCODING), "");
    s.stop().await;
}

/// A demo directory as scripts/build-demo.sh leaves it: content-hashed
/// script and wasm with their `.br`/`.gz` copies, the page with its policy.
fn demo_dir() -> (tempfile::TempDir, Vec<u8>, Vec<u8>) {
    let www = tempfile::tempdir().unwrap();
    let p = www.path();
    std::fs::write(
        p.join("index.html"),
        "<!doctype html><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; connect-src 'self'; frame-src 'self'\"><h1>demo shop</h1>",
    )
    .unwrap();
    let js: Vec<u8> = (0..400)
        .flat_map(|i| format!("export const v{i} = \"item {i}\";\n").into_bytes())
        .collect();
    let wasm: Vec<u8> = b"\0asm\x01\0\0\0"
        .iter()
        .copied()
        .chain((0..6000u32).map(|i| (i % 7) as u8))
        .collect();
    for (name, data) in [
        ("shop.0a1b2c3d.js", &js),
        ("e1b2c3d4e5f6a7b8c9d0.module.wasm", &wasm),
    ] {
        std::fs::write(p.join(name), data).unwrap();
        std::fs::write(p.join(format!("{name}.br")), brotli_best(data)).unwrap();
        std::fs::write(p.join(format!("{name}.gz")), gzip_best(data)).unwrap();
    }
    std::fs::write(p.join("notes.txt"), js.clone()).unwrap();
    (www, js, wasm)
}

#[tokio::test]
async fn the_demo_files_go_out_precompressed_with_their_caching() {
    let (www, js, wasm) = demo_dir();
    let s = start_demo(www.path().to_owned()).await;
    for (name, data, ty) in [
        ("shop.0a1b2c3d.js", &js, "text/javascript"),
        (
            "e1b2c3d4e5f6a7b8c9d0.module.wasm",
            &wasm,
            "application/wasm",
        ),
    ] {
        let url = format!("/{name}");
        let (h, br) = negotiates(&s, &url).await;
        assert_eq!(&fetch(&s, &url, "").await.2, data);
        assert_eq!(header(&h, CACHE_CONTROL), IMMUTABLE, "{name}");
        assert!(header(&h, "content-type").starts_with(ty), "{h:?}");
        // The build-time copy itself, not a compression made per request.
        let copy = std::fs::read(www.path().join(format!("{name}.br"))).unwrap();
        assert_eq!(br, copy, "{name}: the .br file is what is sent");
        let (_, gh, gz) = fetch(&s, &url, "gzip").await;
        assert_eq!(header(&gh, CACHE_CONTROL), IMMUTABLE);
        assert_eq!(
            gz,
            std::fs::read(www.path().join(format!("{name}.gz"))).unwrap()
        );
    }
    // A name without a content hash is revalidated (and compressed per request).
    let (h, _) = negotiates(&s, "/notes.txt").await;
    assert_eq!(header(&h, CACHE_CONTROL), "no-cache");
    // The page: no-cache; a missing file is not made cacheable.
    for url in ["/", "/index.html"] {
        let (status, h, _) = fetch(&s, url, "br").await;
        assert_eq!(status, 200);
        assert_eq!(header(&h, CACHE_CONTROL), "no-cache", "{url}");
    }
    let (status, h, _) = fetch(&s, "/shop.ffffffff.js", "br").await;
    assert_eq!(status, 404);
    assert_eq!(header(&h, CACHE_CONTROL), "");
    s.stop().await;
}

#[tokio::test]
async fn field_js_has_a_versioned_immutable_url_and_goes_out_precompressed() {
    let config = std::sync::Arc::new(paysession_server::Config::default());
    let app = paysession_server::fields_origin::fields_app(config, "http://127.0.0.1:9");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(paysession_server::serve_router(
        listener,
        app,
        paysession_server::ServeOptions::default(),
        async {
            let _ = rx.await;
        },
    ));
    let s = start().await; // only its HTTP client is used against `url`
    let page_url = format!("{url}/field?k={PK}&o={}", "http%3A%2F%2F127.0.0.1%3A3000");
    let (status, h, page) = fetch(&s, &page_url, "br").await;
    assert_eq!(status, 200);
    assert_eq!(header(&h, CACHE_CONTROL), "no-cache");
    // The page is tiny: as it is.
    assert_eq!(header(&h, CONTENT_ENCODING), "");
    assert!(header(&h, "content-security-policy").contains("script-src 'self';"));
    let page = String::from_utf8(page).unwrap();
    let src = page
        .split("<script src=")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .unwrap()
        .to_owned();
    assert!(
        src.starts_with("/field.") && src.ends_with(".js") && src.len() == "/field..js".len() + 16,
        "{src}"
    );
    let (h, _) = negotiates(&s, &format!("{url}{src}")).await;
    assert_eq!(header(&h, CACHE_CONTROL), IMMUTABLE);
    assert!(header(&h, "content-type").starts_with("text/javascript"));
    // The name is the content's hash.
    let script = fetch(&s, &format!("{url}{src}"), "").await.2;
    use sha2::Digest;
    let hash = hex::encode(&sha2::Sha256::digest(&script)[..8]);
    assert_eq!(src, format!("/field.{hash}.js"));
    // The old name still answers the same script, cached briefly.
    let (h, old) = negotiates(&s, &format!("{url}/field.js")).await;
    assert_eq!(header(&h, CACHE_CONTROL), "public, max-age=300");
    assert_eq!(fetch(&s, &format!("{url}/field.js"), "").await.2, script);
    drop(old);
    // The drop-in's card frame (`i=1`): its own script inline (field.js with
    // CARD true: no BroadcastChannel of the Elements' siblings), allowed by
    // its hash and by nothing else, the page precompressed like the script.
    let inline_url = format!("{page_url}&i=1");
    let (h, _) = negotiates(&s, &inline_url).await;
    assert_eq!(header(&h, CACHE_CONTROL), "no-cache");
    let csp = header(&h, "content-security-policy").to_owned();
    let page = String::from_utf8(fetch(&s, &inline_url, "").await.2).unwrap();
    assert!(!page.contains("<script src"), "{page}");
    let inline = page
        .split("<script>")
        .nth(1)
        .and_then(|r| r.split("</script>").next())
        .unwrap();
    let script = String::from_utf8(script).unwrap();
    assert!(script.contains("BroadcastChannel"), "an Element's script");
    assert!(!inline.contains("BroadcastChannel"), "{inline}");
    for s in [&script[..], inline] {
        assert!(s.contains("\"http://127.0.0.1:9/v1/sources\""));
        assert!(!s.contains("%API%") && !s.contains("__PAYSESSION_DATA__"));
    }
    use base64::Engine;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(inline));
    assert!(
        csp.starts_with(&format!(
            "default-src 'none'; script-src 'sha256-{hash}'; style-src 'none';"
        )),
        "{csp}"
    );
    // Nothing in the script could end its element early.
    assert!(!inline.to_ascii_lowercase().contains("</script"));
    let _ = tx.send(());
    let _ = task.await;
    s.stop().await;
}
