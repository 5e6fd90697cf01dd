use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::Duration;

#[tokio::test]
async fn the_binary_prints_its_address_and_logs_no_card_data() {
    let dir = tempfile::tempdir().unwrap();
    let www = dir.path().join("www");
    std::fs::create_dir(&www).unwrap();
    std::fs::write(www.join("index.html"), "<h1>demo shop</h1>").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_paysession-server"))
        .args(["--listen", "127.0.0.1:0", "--database"])
        .arg(format!("sqlite://{}", dir.path().join("bin.db").display()))
        .arg("--demo")
        .arg(&www)
        .env("RUST_LOG", "info")
        .env_remove("PAYSESSION_CONFIG")
        .env_remove("PAYSESSION_VAULT_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert!(
        line.starts_with("listening on http://127.0.0.1:"),
        "{line:?}"
    );
    let url = line.trim().trim_start_matches("listening on ").to_owned();
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
