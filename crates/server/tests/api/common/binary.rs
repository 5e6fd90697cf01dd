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
