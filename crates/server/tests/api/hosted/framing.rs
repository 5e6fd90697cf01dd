//! Who may frame the challenge page and hear its answer; the hosted script's origins; the field frame's redirect.

use super::*;

#[tokio::test]
async fn the_challenge_page_is_framed_and_answers_only_the_merchants_origins() {
    let s = start().await; // default: ["https://shop.example"]; other: ["https://other.example"]
    let (src, url) = challenge_source(&s, SK, PK).await;
    // The embedding page's origin, when it is the merchant's: the only ancestor,
    // carried by the form, the only recipient of the result.
    let (h, html) = page(&s, &format!("{url}&origin=https://shop.example")).await;
    assert_eq!(ancestors(&h), "frame-ancestors https://shop.example");
    assert!(h.get("x-frame-options").is_none());
    assert!(
        html.contains("<input type=\"hidden\" name=\"origin\" value=\"https://shop.example\">"),
        "{html}"
    );
    // Anything else asked for: the registered origins, no origin in the form.
    for asked in [
        "https://evil.example",
        "https://other.example",
        "https://shop.example/",
        "null",
        "*",
    ] {
        let (h, html) = page(&s, &format!("{url}&origin={}", asked.replace(':', "%3A"))).await;
        assert_eq!(
            ancestors(&h),
            "frame-ancestors https://shop.example",
            "{asked}"
        );
        assert!(!html.contains("name=\"origin\""), "{asked}: {html}");
    }
    let (h, _) = page(&s, &url).await;
    assert_eq!(ancestors(&h), "frame-ancestors https://shop.example");

    let (h, html) = challenge_answer(&s, &src, Some("https://shop.example")).await;
    assert_eq!(ancestors(&h), "frame-ancestors https://shop.example");
    assert!(
        html.contains(" data-post-to=\"https://shop.example\""),
        "{html}"
    );
    // Reloading the result with a foreign origin posts to the registered one only.
    let (h, html) = page(&s, &format!("{url}&origin=https://evil.example")).await;
    assert_eq!(ancestors(&h), "frame-ancestors https://shop.example");
    assert!(
        html.contains(" data-post-to=\"https://shop.example\""),
        "{html}"
    );
    assert!(!html.contains("evil.example"), "{html}");

    // The other merchant's page: its own origin only.
    let (src2, url2) = challenge_source(&s, "sk_test_other", "pk_test_other").await;
    let (h, _) = page(&s, &format!("{url2}&origin=https://shop.example")).await;
    assert_eq!(ancestors(&h), "frame-ancestors https://other.example");
    let (_, html) = challenge_answer(&s, &src2, Some("https://shop.example")).await;
    assert!(
        html.contains(" data-post-to=\"https://other.example\""),
        "{html}"
    );
    s.stop().await;
}

#[tokio::test]
async fn the_any_origin_merchant_frames_for_the_asked_origin_and_posts_to_it_alone() {
    let s = start_in(
        std::sync::Arc::new(tempfile::tempdir().unwrap()),
        paysession_server::Config::default(),
    )
    .await;
    let (src, url) = challenge_source(&s, SK, PK).await;
    let (h, html) = page(&s, &format!("{url}&origin=http://127.0.0.1:4174")).await;
    assert_eq!(ancestors(&h), "frame-ancestors http://127.0.0.1:4174");
    assert!(
        html.contains("name=\"origin\" value=\"http://127.0.0.1:4174\""),
        "{html}"
    );
    let (h, html) = challenge_answer(&s, &src, Some("http://127.0.0.1:4174")).await;
    assert_eq!(ancestors(&h), "frame-ancestors http://127.0.0.1:4174");
    assert!(
        html.contains(" data-post-to=\"http://127.0.0.1:4174\""),
        "{html}"
    );
    // No usable origin: any page may frame it (every origin is this merchant's),
    // and since none is known the result is posted to no one.
    for q in [
        "",
        "&origin=null",
        "&origin=https://a.example/path",
        "&origin=javascript:x",
    ] {
        let (h, html) = page(&s, &format!("{url}{q}")).await;
        assert_eq!(ancestors(&h), "frame-ancestors *", "{q}");
        assert!(html.contains(" data-post-to=\"\""), "{q}: {html}");
    }
    s.stop().await;
}

#[tokio::test]
async fn hosted_js_posts_only_to_the_named_origins() {
    let s = start().await;
    let js = s.text("/hosted/assets/hosted.js").await;
    assert!(js.contains("data-post-to"), "{js}");
    // Every postMessage names a target origin taken from the page, none is "*".
    assert!(!js.contains("\"*\"") && !js.contains("'*'"), "{js}");
    assert_eq!(js.matches("postMessage(").count(), 1, "{js}");
    assert!(js.contains("postMessage(msg, to[j])"), "{js}");
    s.stop().await;
}

/// `GET /hosted/field`: the drop-in's card frames made at mount, before the
/// payment-methods answer names the fields origin, are asked of the API,
/// which sends them to the fields origin's `/field` with the same query; a
/// server without a fields origin answers `404 resource_not_found`.
#[tokio::test]
async fn the_field_frame_redirects_to_the_fields_origin_with_its_query() {
    let path = "/hosted/field?k=pk_test_default&o=http%3A%2F%2Fshop.example";
    let none = start().await;
    none.get(path, PK)
        .await
        .expect_error(404, "resource_not_found");

    let s = start_tuned(
        std::sync::Arc::new(tempfile::tempdir().unwrap()),
        paysession_server::config::Config::default(),
        None,
        |st| st.fields_url = Some("http://fields.example:8081".into()),
    )
    .await;
    let r = s.get(path, PK).await;
    assert_eq!(r.status, 302);
    assert_eq!(
        r.headers["location"].to_str().unwrap(),
        format!(
            "http://fields.example:8081/field?{}",
            path.split_once('?').unwrap().1
        )
    );
    assert_eq!(r.headers["cache-control"], "private, max-age=300");
    // The same origin the payment-methods answer names.
    let ses = s.session(1000, "EUR", "NL").await;
    let methods = format!("/v1/sessions/{}/payment-methods", id(&ses));
    let pm = s.get(&methods, PK).await;
    assert_eq!(pm.ok(200)["fieldsUrl"], "http://fields.example:8081");
}
