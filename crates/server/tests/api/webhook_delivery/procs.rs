//! The server processes of the harnesses: the merchant's configuration with
//! its endpoint on the receiver, an instance, and which instance holds an
//! attempt (its socket to the receiver, found in /proc).

use super::{FLAGS, SECRET};
use crate::common::*;
use std::process::Child;

pub fn config(dir: &std::path::Path, receiver: &str) -> std::path::PathBuf {
    let path = dir.join("merchants.toml");
    std::fs::write(
        &path,
        format!(
            "[[merchant]]\nid = \"default\"\npublic_key = \"{PK}\"\nsecret_key = \"{SK}\"\nallowed_origins = [\"*\"]\n\
             [[merchant.webhook]]\nurl = \"{receiver}\"\nsecret = \"{SECRET}\"\n"
        ),
    )
    .unwrap();
    path
}

/// An instance of the harness on `db` with `config`.
pub fn spawn(db: &str, config: &std::path::Path) -> (Child, String) {
    instance(db, config, FLAGS)
}

pub struct Procs(pub Vec<Child>);
impl Drop for Procs {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The port of `url` (`http://127.0.0.1:PORT/…`).
pub fn port_of_url(url: &str) -> u16 {
    url::Url::parse(url).unwrap().port().unwrap()
}

/// The inode of the TCP socket from local port `local` to remote port
/// `remote` (/proc/net/tcp: `local_address rem_address … inode`).
fn socket_inode(local: u16, remote: u16) -> Option<String> {
    let port = |a: &str| {
        a.rsplit(':')
            .next()
            .and_then(|h| u16::from_str_radix(h, 16).ok())
    };
    ["/proc/net/tcp", "/proc/net/tcp6"].iter().find_map(|f| {
        let text = std::fs::read_to_string(f).ok()?;
        text.lines().skip(1).find_map(|line| {
            let c: Vec<&str> = line.split_whitespace().collect();
            (c.len() > 9 && port(c[1]) == Some(local) && port(c[2]) == Some(remote))
                .then(|| c[9].to_owned())
        })
    })
}

/// Which of `procs` holds the connection from local port `client` to the
/// receiver on port `receiver` (the socket among its descriptors), while it
/// is open: that instance's attempt is in flight.
pub fn holder(procs: &[Child], client: u16, receiver: u16) -> Option<usize> {
    let want = format!("socket:[{}]", socket_inode(client, receiver)?);
    procs.iter().position(|p| {
        std::fs::read_dir(format!("/proc/{}/fd", p.id()))
            .into_iter()
            .flatten()
            .flatten()
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|l| l.as_os_str() == want.as_str()))
    })
}
