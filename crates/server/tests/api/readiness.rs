//! `GET /readyz`: 200 with the store's counters while the database answers,
//! and `503 network_unavailable` within a bound (`store::READY_WITHIN`) when it
//! does not: a PostgreSQL reached through a loopback proxy that the test
//! turns into a black hole (connections accepted, never answered) or a
//! refusal (connections closed at once), as a database outage looks.

use crate::common::*;
use paysession_server::{store::postgres::PgStore, AppState, Vault};
use std::{net::SocketAddr, sync::Arc, time::Duration};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::watch,
};

#[tokio::test]
async fn ready_answers_with_the_engines_counters() {
    let s = start().await;
    let r = s.get("/readyz", PK).await;
    let engine = if s.pg.is_some() { "postgres" } else { "sqlite" };
    assert_eq!(r.ok(200)["engine"], engine);
    s.stop().await;
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Mode {
    /// Forward to the database.
    Pass,
    /// Hold every connection open and forward nothing (a black hole).
    Hang,
    /// Close every connection at once (a database that is down).
    Refuse,
}

/// A loopback TCP proxy to `upstream` whose behaviour `mode` sets.
async fn proxy(upstream: SocketAddr) -> (SocketAddr, watch::Sender<Mode>) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let (tx, rx) = watch::channel(Mode::Pass);
    tokio::spawn(async move {
        while let Ok((c, _)) = l.accept().await {
            tokio::spawn(pipe(c, upstream, rx.clone()));
        }
    });
    (addr, tx)
}

async fn pipe(mut c: TcpStream, upstream: SocketAddr, mut mode: watch::Receiver<Mode>) {
    let now = *mode.borrow_and_update();
    match now {
        Mode::Refuse => return,
        Mode::Hang => {
            let _ = mode.wait_for(|m| *m != Mode::Hang).await;
            return; // closes `c`
        }
        Mode::Pass => {}
    }
    let Ok(mut u) = TcpStream::connect(upstream).await else {
        return;
    };
    let hang = tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut c, &mut u) => false,
        m = mode.wait_for(|m| *m != Mode::Pass) => m.map(|m| *m == Mode::Hang).unwrap_or(false),
    };
    // A black hole keeps both ends open, answering nothing.
    if hang {
        let _ = mode.wait_for(|m| *m != Mode::Hang).await;
    }
}

#[tokio::test]
async fn ready_answers_503_within_its_bound_while_postgres_is_out() {
    let Some(admin) = paysession_server::store::postgres::test_database() else {
        return;
    };
    let url = tokio::task::spawn_blocking(move || {
        paysession_server::store::postgres::scratch_schema(&admin, "ready").unwrap()
    })
    .await
    .unwrap();
    let mut through = url::Url::parse(&url).unwrap();
    let upstream: SocketAddr = format!(
        "{}:{}",
        through.host_str().unwrap(),
        through.port().unwrap_or(5432)
    )
    .parse()
    .unwrap();
    let (addr, mode) = proxy(upstream).await;
    through.set_port(Some(addr.port())).unwrap();
    let store = tokio::task::spawn_blocking(move || PgStore::open(through.as_str(), 4).unwrap())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let vault = Vault::load(None, Some(&dir.path().join("k"))).unwrap();
    let state = AppState::new(two_merchants(), Arc::new(store), vault);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(paysession_server::serve(listener, state, async {
        let _ = stopped.await;
    }));
    // A client more patient than a load balancer: the answer must come
    // before it gives up (a bound on the server, not a measure of its speed).
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let ready = |what: &'static str| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            let r = http
                .get(format!("{base}/readyz"))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{what}: no answer from /readyz: {e}"));
            Resp::read(r).await
        }
    };
    assert_eq!(ready("database up").await.ok(200)["engine"], "postgres");
    for outage in [Mode::Hang, Mode::Refuse] {
        mode.send(outage).unwrap();
        ready("database out")
            .await
            .expect_error(503, "network_unavailable");
        // Back: ready again at once (a closed pooled connection is replaced).
        mode.send(Mode::Pass).unwrap();
        assert_eq!(ready("database back").await.ok(200)["engine"], "postgres");
    }
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
}
