//! The `paysession-server` binary as a child process.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// `paysession-server --listen 127.0.0.1:0 --database sqlite://DB`, stdout
/// piped (for [`listening`]), without the configuration file and vault key
/// of the environment.
pub fn server_command(db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_paysession-server"));
    c.args(["--listen", "127.0.0.1:0", "--database"])
        .arg(format!("sqlite://{}", db.display()))
        .env_remove("PAYSESSION_CONFIG")
        .env_remove("PAYSESSION_VAULT_KEY")
        .stdout(Stdio::piped());
    c
}

/// The URL a started `paysession-server` (stdout piped) listens on, from
/// its first line `listening on http://ADDR`, which is asserted.
#[track_caller]
pub fn listening(child: &mut Child) -> String {
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("listening on http://"), "{line:?}");
    line.trim().trim_start_matches("listening on ").to_owned()
}

/// Runs `paysession-server migrate --database DB`; asserts it succeeded and
/// printed `ENGINE schema at version N`, and returns that line.
#[track_caller]
pub fn migrate(db: &str) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_paysession-server"))
        .args(["migrate", "--database", db])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The vault key of the spawned instances (multi-instance and webhook harnesses).
pub const VAULT_KEY: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

/// `paysession-server --listen 127.0.0.1:0 --database DB --db-pool 8 FLAGS
/// --config CONFIG` with [`VAULT_KEY`], warnings only in its log: the child
/// and the URL it listens on.
pub fn instance(db: &str, config: &Path, flags: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_paysession-server"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--database",
            db,
            "--db-pool",
            "8",
        ])
        .args(flags)
        .arg("--config")
        .arg(config)
        .env("PAYSESSION_VAULT_KEY", VAULT_KEY)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url = listening(&mut child);
    (child, url)
}

/// The `Content-Length` an HTTP head names (its first that parses).
pub fn content_length(head: &str) -> Option<usize> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case("content-length")
            .then(|| v.trim().parse().ok())?
    })
}
