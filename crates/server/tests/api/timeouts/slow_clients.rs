//! One slow client at a time: a half-sent head, a short body, an idle keep-alive connection, a client that stops reading; each limit bounds only its own wait.

use super::*;

#[tokio::test]
async fn a_half_sent_request_head_is_closed_after_the_header_timeout() {
    let s = start(ServeOptions {
        header_timeout: secs(1),
        ..all(60)
    })
    .await;
    for part in [
        "",
        "POST /v1/sessions HT",
        "GET /healthz HTTP/1.1\r\nHost: test\r\nAuthoriz",
    ] {
        let mut c = s.send_part(part).await;
        let deadline = Instant::now() + secs(1) + SLACK;
        assert!(
            read_until_closed(&mut c, deadline).await.is_some(),
            "{part:?}: still open after the header timeout"
        );
    }
    s.create_session().await.ok(201);
}

#[tokio::test]
async fn a_body_shorter_than_its_content_length_is_answered_408_and_closed() {
    let s = start(ServeOptions {
        body_timeout: secs(1),
        ..all(60)
    })
    .await;
    // Without and with an Idempotency-Key (the idempotency layer reads the body first).
    for key in [None, Some("slow-body-1")] {
        let mut c = s
            .send_part(&(session_post(SESSION_BODY.len() + 40, key) + SESSION_BODY))
            .await;
        let deadline = Instant::now() + secs(1) + SLACK;
        let got = read_until_closed(&mut c, deadline)
            .await
            .unwrap_or_else(|| panic!("{key:?}: still open after the body timeout"));
        let text = String::from_utf8_lossy(&got);
        assert!(text.starts_with("HTTP/1.1 408 "), "{key:?}: {text}");
        let body: Value = serde_json::from_str(text.split("\r\n\r\n").nth(1).unwrap()).unwrap();
        assert_eq!(body["type"], "bad_request", "{text}");
        assert_eq!(body["errors"][0]["code"], "request_timeout", "{text}");
        assert!(body["errors"][0]["message"].is_string(), "{text}");
    }
    // A body that arrives in time is read as before; the 408 was not stored
    // as the key's answer.
    for key in [None, Some("slow-body-1")] {
        let mut c = s.send_part(&session_post(SESSION_BODY.len(), key)).await;
        c.write_all(SESSION_BODY.as_bytes()).await.unwrap();
        let (head, _) = read_response(&mut c).await;
        assert!(head.starts_with("HTTP/1.1 201 "), "{key:?}: {head}");
    }
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let s = start(ServeOptions {
        idle_timeout: secs(1),
        ..all(60)
    })
    .await;
    let mut c = s.connect().await;
    // Keep-alive works: two requests on one connection.
    for _ in 0..2 {
        c.write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
            .await
            .unwrap();
        let (head, body) = read_response(&mut c).await;
        assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
        assert_eq!(body, "ok");
    }
    let deadline = Instant::now() + secs(1) + SLACK;
    let rest = read_until_closed(&mut c, deadline)
        .await
        .expect("still open after the idle timeout");
    assert!(rest.is_empty(), "{:?}", String::from_utf8_lossy(&rest));
}

#[tokio::test]
async fn each_limit_bounds_only_its_own_wait() {
    // A header limit far shorter than the others.
    let s = start(ServeOptions {
        header_timeout: secs(1),
        ..all(60)
    })
    .await;
    // A body slower than the header limit is read.
    let mut c = s.send_part(&session_post(SESSION_BODY.len(), None)).await;
    tokio::time::sleep(secs(2)).await;
    c.write_all(SESSION_BODY.as_bytes()).await.unwrap();
    let (head, _) = read_response(&mut c).await;
    assert!(head.starts_with("HTTP/1.1 201 "), "{head}");
    // A kept-alive connection idle for longer than the header limit still serves.
    tokio::time::sleep(secs(2)).await;
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .unwrap();
    let (head, body) = read_response(&mut c).await;
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    assert_eq!(body, "ok");
}

#[tokio::test]
async fn a_client_that_stops_reading_a_long_answer_is_dropped_after_the_idle_timeout() {
    // A file far larger than the socket buffers (sparse: no disk is used).
    const SIZE: u64 = 256 << 20;
    let www = tempfile::tempdir().unwrap();
    std::fs::File::create(www.path().join("big.bin"))
        .unwrap()
        .set_len(SIZE)
        .unwrap();
    let s = start_with_demo(
        ServeOptions {
            idle_timeout: secs(1),
            ..all(60)
        },
        Some(www.path().to_owned()),
    )
    .await;
    let mut c = s
        .send_part("GET /big.bin HTTP/1.1\r\nHost: test\r\n\r\n")
        .await;
    // Read nothing while the server's write is blocked past its limit.
    tokio::time::sleep(secs(1) + SLACK / 2).await;
    let got = read_until_closed(&mut c, Instant::now() + SLACK)
        .await
        .expect("still open");
    assert!(
        (got.len() as u64) < SIZE,
        "the whole answer was sent: {} bytes",
        got.len()
    );
}
