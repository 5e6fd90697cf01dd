use crate::common::{listening, server_command};
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::Duration;

#[tokio::test]
async fn the_binary_prints_its_address_and_logs_no_card_data() {
    let dir = tempfile::tempdir().unwrap();
    let www = dir.path().join("www");
    std::fs::create_dir(&www).unwrap();
    std::fs::write(www.join("index.html"), "<h1>demo shop</h1>").unwrap();
    let mut child = server_command(&dir.path().join("bin.db"))
        .arg("--demo")
        .arg(&www)
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let url = listening(&mut child);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(!url.ends_with(":0"));

    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let s: serde_json::Value = http
        .post(format!("{url}/v1/sessions"))
        .bearer_auth("sk_test_default")
        .json(&serde_json::json!({"amount": 1000, "currency": "EUR", "country": "DE"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sid = s["id"].as_str().unwrap();
    // --demo serves static files at `/`; API routes and unknown paths still answer the contract.
    let home = http
        .get(format!("{url}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("demo shop"), "{home}");
    let missing = http.get(format!("{url}/nope.js")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    let r = http
        .post(format!("{url}/v1/sources"))
        .bearer_auth("pk_test_default")
        .json(&serde_json::json!({"type": "creditCard", "sessionId": sid,
            "creditCard": {"number": "4000000000000002", "expirationMonth": 12, "expirationYear": 2040, "cvv": "864"}}))
        .send().await.unwrap();
    assert_eq!(r.status(), 400);
    child.kill().unwrap();
    let _ = child.wait();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(err.contains("card declined"), "{err}");
    assert!(
        !err.contains("4000000000000002") && !err.contains("864\""),
        "{err}"
    );
    assert!(dir.path().join("bin.db.key").exists());
}

#[test]
fn migrate_brings_a_sqlite_file_to_the_current_schema_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("m.db").display());
    assert_eq!(
        crate::common::migrate(&db),
        format!(
            "sqlite schema at version {}",
            paysession_server::store::sqlite::SCHEMA_VERSION
        )
    );
    assert!(dir.path().join("m.db").exists());
    // An unknown engine is refused with the forms it takes.
    let out = Command::new(env!("CARGO_BIN_EXE_paysession-server"))
        .args(["migrate", "--database", "mysql://x@y/z"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("postgres://"));
}

/// A child process killed when dropped, so a failed assertion leaves no
/// server running.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The binary with `args` (and no fields flags from the environment) on a
/// fresh SQLite file: its API's URL, its stdout after "listening on", the
/// child (killed when dropped) and its database directory.
fn start(
    args: &[&str],
) -> (
    Killed,
    String,
    BufReader<std::process::ChildStdout>,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().unwrap();
    let mut child = server_command(&dir.path().join("f.db"))
        .args(args)
        .env("RUST_LOG", "warn")
        .env_remove("PAYSESSION_FIELDS_LISTEN")
        .env_remove("PAYSESSION_FIELDS_URL")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let child = Killed(child);
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let api = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{line:?}"))
        .to_owned();
    (child, api, out, dir)
}

/// The `fieldsUrl` of a lookup of the payment methods on `api`.
async fn fields_url_of(http: &reqwest::Client, api: &str) -> serde_json::Value {
    let pm: serde_json::Value = http
        .get(format!(
            "{api}/v1/payment-methods?currency=EUR&country=DE&amount=1000"
        ))
        .bearer_auth("pk_test_default")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    pm["fieldsUrl"].clone()
}

/// The README's `cargo run -p paysession-server` takes cards: the fields
/// origin starts by default (beside the API; on a free port when the API's
/// port is 0), serves the field frames, and the payment methods name it;
/// `--fields-listen off` starts none and names none.
#[tokio::test]
async fn the_binary_starts_the_fields_origin_by_default_and_not_when_off() {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let (child, api, mut out, _dir) = start(&[]);
    // Asked first: the API answers once it listens (the fields origin is
    // bound before), and an absent origin fails here rather than waits.
    let fields = fields_url_of(&http, &api).await;
    let fields = fields
        .as_str()
        .unwrap_or_else(|| panic!("no fieldsUrl by default: {fields}"))
        .to_owned();
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), format!("fields on {fields}"));
    assert!(
        fields.starts_with("http://127.0.0.1:") && !fields.ends_with(":0"),
        "{fields}"
    );
    assert_ne!(fields, api);
    let script = http.get(format!("{fields}/field.js")).send().await.unwrap();
    assert_eq!(script.status(), 200);
    assert!(script.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
    drop(child);

    let (_child, api, _out, _dir) = start(&["--fields-listen", "off"]);
    assert_eq!(fields_url_of(&http, &api).await, serde_json::Value::Null);
}
