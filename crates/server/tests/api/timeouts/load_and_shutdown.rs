//! Many half-open connections, and shutting down with requests in flight (the library's and the binary's on SIGTERM).

use super::*;

#[tokio::test]
async fn three_hundred_half_open_connections_neither_block_answers_nor_stay_open() {
    let s = start(ServeOptions {
        header_timeout: secs(3),
        ..all(60)
    })
    .await;
    let mut open = Vec::new();
    for i in 0..300 {
        let part = match i % 3 {
            0 => "",
            1 => "GET /healthz HT",
            _ => "POST /v1/sessions HTTP/1.1\r\nHost: test\r\n",
        };
        open.push(s.send_part(part).await);
    }
    // Others are still answered, and the peer address still reaches the routes.
    let session = s.create_session().await.ok(201).clone();
    let r = s
        .http()
        .post(format!("{}/v1/sources", s.url))
        .bearer_auth(PK)
        .json(&json!({"type": "creditCard", "sessionId": session["id"],
            "creditCard": {"number": "4444333322221111", "expirationMonth": 12,
                           "expirationYear": 2040, "cvv": "123"}}))
        .send()
        .await
        .unwrap();
    let source = Resp::read(r).await;
    assert_eq!(source.ok(201)["creationIp"], "127.0.0.1", "{}", source.text);
    // And every half-open connection is closed by the server.
    let deadline = Instant::now() + secs(3) + SLACK;
    for (i, c) in open.iter_mut().enumerate() {
        assert!(
            read_until_closed(c, deadline).await.is_some(),
            "connection {i} still open after the header timeout"
        );
    }
}

#[tokio::test]
async fn shutdown_finishes_in_flight_requests_and_drops_the_rest_by_the_deadline() {
    // Only the shutdown deadline is short: nothing else would end these connections.
    let mut s = start(ServeOptions {
        shutdown_timeout: secs(2),
        ..all(600)
    })
    .await;
    let mut open = Vec::new();
    for i in 0..300 {
        open.push(s.send_part(["", "GET /healthz HT"][i % 2]).await);
    }
    // An idle keep-alive connection.
    let mut idle = s.connect().await;
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .unwrap();
    read_response(&mut idle).await;
    open.push(idle);
    // A request whose body will arrive after the signal, and one whose body never does.
    let mut finishing = s.send_part(&session_post(SESSION_BODY.len(), None)).await;
    open.push(s.send_part(&session_post(SESSION_BODY.len(), None)).await);

    let signalled = Instant::now();
    s.signal_stop();
    // Once the listener is closed, shutdown has begun.
    loop {
        if TcpStream::connect(s.addr).await.is_err() {
            break;
        }
        assert!(
            signalled.elapsed() < SLACK,
            "still accepting after the shutdown signal"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    finishing.write_all(SESSION_BODY.as_bytes()).await.unwrap();
    let (head, body) = read_response(&mut finishing).await;
    assert!(head.starts_with("HTTP/1.1 201 "), "{head}");
    assert!(
        head.to_ascii_lowercase().contains("connection: close"),
        "{head}"
    );
    assert!(body.contains("\"ses_") || body.contains("\"id\""), "{body}");

    assert!(
        s.stopped_within(secs(2) + SLACK - signalled.elapsed().min(SLACK))
            .await,
        "serve did not return within the shutdown deadline"
    );
    let deadline = Instant::now() + secs(2);
    for (i, c) in open.iter_mut().enumerate() {
        assert!(
            read_until_closed(c, deadline).await.is_some(),
            "connection {i} still open after serve returned"
        );
    }
}

/// The real binary, SIGTERMed with a half-open and an in-flight connection, exits by its deadline.
#[test]
fn the_binary_exits_on_sigterm_with_half_open_connections() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let mut child = server_command(&dir.path().join("bin.db"))
        .args(["--header-timeout", "600", "--body-timeout", "600"])
        .args(["--idle-timeout", "600", "--shutdown-timeout", "1"])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url = listening(&mut child);
    let addr = url.trim_start_matches("http://");
    let mut half = std::net::TcpStream::connect(addr).unwrap();
    half.write_all(b"POST /v1/sessions HT").unwrap();
    let mut in_flight = std::net::TcpStream::connect(addr).unwrap();
    in_flight
        .write_all(session_post(SESSION_BODY.len(), None).as_bytes())
        .unwrap();
    std::thread::sleep(Duration::from_millis(200)); // let the server take both in
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + secs(1) + SLACK;
    let exit = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break Some(st);
        }
        if std::time::Instant::now() > deadline {
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    if exit.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    let exit = exit.expect("the server did not exit within its shutdown deadline after SIGTERM");
    assert!(exit.success(), "{exit:?}");
}
