//! Test harness: the real app on 127.0.0.1:0 over a real SQLite file, or,
//! with `PAYSESSION_TEST_ENGINE=postgres`, over a fresh schema of the
//! PostgreSQL database `PAYSESSION_TEST_DATABASE` names: the whole suite runs
//! on either engine (`npm test` runs it on both).

#![allow(dead_code)]

use paysession_server::store::postgres::{scratch_schema, PgStore};
use paysession_server::{config::Config, AppState, ManualClock, SqliteStore, Store, Vault};
use reqwest::Method;
use serde_json::{json, Value};
use std::{path::PathBuf, sync::Arc, time::Duration};

mod binary;
mod race;
mod resp;

pub use binary::{content_length, instance, listening, migrate, server_command};
pub use race::{form_answer, one_redirect_winner};
pub use resp::Resp;

pub const SK: &str = "sk_test_default";
pub const PK: &str = "pk_test_default";

pub struct Server {
    pub url: String,
    pub http: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub db: PathBuf,
    /// The PostgreSQL URL (with its own schema) when the suite runs on PostgreSQL.
    pub pg: Option<String>,
    pub dir: Arc<tempfile::TempDir>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// Two merchants, as the tests' configuration file.
pub const TWO_MERCHANTS: &str = r#"
[[merchant]]
id = "default"
public_key = "pk_test_default"
secret_key = "sk_test_default"
allowed_origins = ["https://shop.example"]

[[merchant]]
id = "other"
public_key = "pk_test_other"
secret_key = "sk_test_other"
allowed_origins = ["https://other.example"]
"#;

pub fn two_merchants() -> Config {
    Config::from_toml(TWO_MERCHANTS).unwrap()
}

pub async fn start() -> Server {
    start_in(Arc::new(tempfile::tempdir().unwrap()), two_merchants()).await
}

pub async fn start_in(dir: Arc<tempfile::TempDir>, config: Config) -> Server {
    start_with(dir, config, None).await
}

/// The server with `--demo DIR` (the demo shop's static files and merchant backend).
pub async fn start_demo(demo: PathBuf) -> Server {
    start_with(
        Arc::new(tempfile::tempdir().unwrap()),
        Config::default(),
        Some(demo),
    )
    .await
}

pub async fn start_with(
    dir: Arc<tempfile::TempDir>,
    config: Config,
    demo: Option<PathBuf>,
) -> Server {
    start_tuned(dir, config, demo, |_| {}).await
}

/// `start_with`, with `tune` applied to the state before it serves. Rate limits
/// are off unless `tune` sets them (as scripts/with-server.sh raises them).
pub async fn start_tuned(
    dir: Arc<tempfile::TempDir>,
    config: Config,
    demo: Option<PathBuf>,
    tune: impl FnOnce(&mut AppState),
) -> Server {
    let db = dir.path().join("test.db");
    let (store, pg) = open_store(&db).await;
    let vault = Vault::load(None, Some(&dir.path().join("test.db.key"))).unwrap();
    let mut state = AppState::new(config, store, vault);
    state.demo_dir = demo;
    let clock = Arc::new(ManualClock::default());
    state.clock = clock.clone();
    state.ratelimit = Arc::new(paysession_server::ratelimit::RateLimiter::new(
        paysession_server::ratelimit::RateLimits::off(),
    ));
    tune(&mut state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    state.public_url = url.clone(); // links from configuration, as main.rs does
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        paysession_server::serve(listener, state, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    Server {
        url,
        http,
        clock,
        db,
        pg,
        dir,
        stop: Some(tx),
        task: Some(task),
    }
}

/// The engine under test: SQLite at `db`, or (`PAYSESSION_TEST_ENGINE=postgres`)
/// a schema of `PAYSESSION_TEST_DATABASE`, then also its URL: a fresh one, or
/// for a restart in the same directory the one the first start made.
pub async fn open_store(db: &std::path::Path) -> (Arc<dyn Store>, Option<String>) {
    let remembered = db.with_extension("pg-url");
    match std::env::var("PAYSESSION_TEST_ENGINE").as_deref() {
        Ok("postgres") => tokio::task::spawn_blocking(move || {
            let admin = std::env::var("PAYSESSION_TEST_DATABASE")
                .expect("PAYSESSION_TEST_ENGINE=postgres needs PAYSESSION_TEST_DATABASE");
            let url = match std::fs::read_to_string(&remembered) {
                Ok(url) => url,
                Err(_) => {
                    let url = scratch_schema(&admin, "t").unwrap();
                    std::fs::write(&remembered, &url).unwrap();
                    url
                }
            };
            let store = PgStore::open(&url, 8).unwrap();
            (Arc::new(store) as Arc<dyn Store>, Some(url))
        })
        .await
        .unwrap(),
        Ok("sqlite") | Err(_) => (Arc::new(SqliteStore::open(db).unwrap()), None),
        Ok(other) => panic!("PAYSESSION_TEST_ENGINE={other:?}: use sqlite or postgres"),
    }
}

/// Runs `sql` on the test's PostgreSQL schema; every row's columns as text.
pub async fn pg_rows(url: &str, sql: &str) -> Vec<Vec<Option<String>>> {
    let (c, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    let driver = tokio::spawn(conn);
    let mut out = vec![];
    for m in c.simple_query(sql).await.unwrap() {
        if let tokio_postgres::SimpleQueryMessage::Row(r) = m {
            out.push((0..r.len()).map(|i| r.get(i).map(str::to_owned)).collect());
        }
    }
    drop(c);
    let _ = driver.await;
    out
}

impl Server {
    /// The stored JSON of a session, read from the database itself.
    pub async fn stored_session(&self, id: &str) -> String {
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        match &self.pg {
            Some(url) => pg_rows(url, &format!("SELECT data FROM sessions WHERE id = '{id}'"))
                .await
                .remove(0)
                .remove(0)
                .unwrap(),
            None => rusqlite::Connection::open(&self.db)
                .unwrap()
                .query_row("SELECT data FROM sessions WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .unwrap(),
        }
    }

    /// Everything at rest: the SQLite file and its WAL, or every row of every
    /// table of the PostgreSQL schema as text.
    pub async fn at_rest(&self) -> Vec<Vec<u8>> {
        match &self.pg {
            Some(url) => {
                let tables = pg_rows(
                    url,
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
                )
                .await;
                assert!(tables.len() >= 7, "{tables:?}");
                let mut out = vec![];
                for t in tables {
                    let t = t[0].clone().unwrap();
                    for row in pg_rows(url, &format!("SELECT t::text FROM {t} t")).await {
                        out.push(row[0].clone().unwrap_or_default().into_bytes());
                    }
                }
                // Stored answers are bytes (shown as hex above): as text too.
                for row in pg_rows(url, "SELECT convert_from(body, 'UTF8') FROM idempotency").await
                {
                    out.push(row[0].clone().unwrap_or_default().into_bytes());
                }
                out
            }
            None => {
                let mut files = vec![std::fs::read(&self.db).unwrap()];
                let wal = self.db.with_extension("db-wal");
                files.push(std::fs::read(&wal).expect("the database runs in WAL mode"));
                files
            }
        }
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), t).await;
        }
    }

    pub fn advance(&self, secs: u64) {
        self.clock.advance(Duration::from_secs(secs));
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.url)
        };
        let mut r = self.http.request(method.clone(), url);
        if let Some(k) = key {
            r = r.bearer_auth(k);
        }
        if let Some(b) = body {
            r = r.json(&b);
        }
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        Resp::read_as(Some(&method), r.send().await.unwrap()).await
    }

    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        key: &str,
        ct: &str,
        body: Vec<u8>,
    ) -> Resp {
        let resp = self
            .http
            .request(method.clone(), format!("{}{path}", self.url))
            .bearer_auth(key)
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .unwrap();
        Resp::read_as(Some(&method), resp).await
    }

    pub async fn post(&self, path: &str, key: &str, body: Value) -> Resp {
        self.send(Method::POST, path, Some(key), Some(body), &[])
            .await
    }
    pub async fn patch(&self, path: &str, key: &str, body: Value) -> Resp {
        self.send(Method::PATCH, path, Some(key), Some(body), &[])
            .await
    }
    pub async fn get(&self, path: &str, key: &str) -> Resp {
        self.send(Method::GET, path, Some(key), None, &[]).await
    }
    pub async fn delete(&self, path: &str, key: &str) -> Resp {
        self.send(Method::DELETE, path, Some(key), None, &[]).await
    }

    /// The text of the page at `path` (a GET without a key).
    pub async fn text(&self, path: &str) -> String {
        self.http
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Hands source `src` to the demo merchant's checkout `sid`
    /// (`POST /demo/api/sources`): the session it answers.
    pub async fn demo_source(&self, sid: &str, src: &str) -> Value {
        self.post(
            "/demo/api/sources",
            "",
            json!({"sessionId": sid, "sourceId": src}),
        )
        .await
        .ok(200)
        .clone()
    }

    pub async fn session(&self, amount: u64, currency: &str, country: &str) -> Value {
        self.post(
            "/v1/sessions",
            SK,
            json!({"amount": amount, "currency": currency, "country": country}),
        )
        .await
        .ok(201)
        .clone()
    }

    pub async fn card_source(&self, session: &str, number: &str) -> Resp {
        self.post("/v1/sources", PK, json!({
            "type": "creditCard", "sessionId": session,
            "creditCard": {"number": number, "expirationMonth": 12, "expirationYear": 2040, "cvv": "123"}
        }))
        .await
    }

    /// A PayPal source of `session` (public key), returning to
    /// `https://shop.example/r`, cancelling to `…/c`.
    pub async fn paypal_source(&self, session: &str) -> Resp {
        let urls =
            json!({"returnUrl": "https://shop.example/r", "cancelUrl": "https://shop.example/c"});
        self.post(
            "/v1/sources",
            PK,
            json!({"type": "payPal", "sessionId": session, "payPal": urls}),
        )
        .await
    }

    /// `action` (`approve` or `cancel`) submitted on the hosted redirect page
    /// of the redirect source `src` (with its client secret).
    pub async fn redirect_submit(&self, src: &Value, action: &str) -> reqwest::Response {
        self.http
            .post(format!("{}/hosted/redirect/{}", self.url, id(src)))
            .form(&[
                ("clientSecret", src["clientSecret"].as_str().unwrap()),
                ("action", action),
            ])
            .send()
            .await
            .unwrap()
    }

    pub async fn attach(&self, session: &str, source: &str) -> Resp {
        self.post(
            &format!("/v1/sessions/{session}/sources"),
            SK,
            json!({"sourceId": source}),
        )
        .await
    }

    pub async fn retrieve(&self, session: &str) -> Value {
        self.get(&format!("/v1/sessions/{session}"), SK)
            .await
            .ok(200)
            .clone()
    }
}

pub fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}
