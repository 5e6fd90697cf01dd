//! The command line of `paysession-server` (src/main.rs): its flags with
//! their environment variables and defaults (docs/API.md §5.10, §5.12,
//! §5.13), and the settings made of them.

use crate::config::{FieldsListen, RetrySchedule, WebhookOptions};
use crate::ratelimit::{self, LimitSpec};
use crate::ServeOptions;
use clap::Parser;
use std::{net::IpAddr, path::PathBuf, time::Duration};

/// The paysession session backend.
#[derive(Parser, Debug)]
#[command(version, about)]
pub struct Args {
    /// `migrate`: apply the schema migrations and exit (the server also
    /// applies them at start).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "PAYSESSION_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Database URL: `sqlite://FILE`, `sqlite::memory:`, or
    /// `postgres://USER@HOST:PORT/DB` (several instances may share one
    /// PostgreSQL; they then need the same `PAYSESSION_VAULT_KEY`).
    #[arg(
        long,
        global = true,
        env = "PAYSESSION_DATABASE",
        default_value = "sqlite://paysession.db"
    )]
    pub database: String,
    /// Connections to PostgreSQL per instance.
    #[arg(long, global = true, env = "PAYSESSION_DB_POOL", default_value_t = crate::store::postgres::DEFAULT_POOL as u64, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub db_pool: u64,
    /// TOML file of `[[merchant]]`; without it the test merchant of the contract exists.
    #[arg(long, env = "PAYSESSION_CONFIG")]
    pub config: Option<PathBuf>,
    /// Serve static files from DIR at `/`.
    #[arg(long)]
    pub demo: Option<PathBuf>,
    /// Session lifetime after its last change, in seconds.
    #[arg(long, env = "PAYSESSION_SESSION_TTL", default_value_t = 3600)]
    pub session_ttl: u64,
    /// Seconds a manual-capture order's authorization lasts (then what is not captured is released).
    #[arg(long, env = "PAYSESSION_AUTHORIZATION_TTL", default_value_t = crate::config::AUTHORIZATION_TTL.as_secs(), value_parser = clap::value_parser!(u64).range(1..))]
    pub authorization_ttl: u64,
    /// Seconds between passes of the sweep that expires due authorizations.
    #[arg(long, env = "PAYSESSION_SWEEP_INTERVAL", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub sweep_interval: u64,
    /// Public base URL of hosted-page links (default: the address listened on;
    /// for 0.0.0.0 / [::] the loopback address of its family, with a warning).
    #[arg(long, env = "PAYSESSION_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Seconds a request's head (request line and headers) may take to arrive.
    #[arg(long, env = "PAYSESSION_HEADER_TIMEOUT", default_value_t = DEFAULTS.header_timeout.as_secs(), value_parser = secs())]
    pub header_timeout: u64,
    /// Seconds a request's body may take to arrive (then `408 request_timeout`).
    #[arg(long, env = "PAYSESSION_BODY_TIMEOUT", default_value_t = DEFAULTS.body_timeout.as_secs(), value_parser = secs())]
    pub body_timeout: u64,
    /// Seconds a keep-alive connection may wait idle for its next request.
    #[arg(long, env = "PAYSESSION_IDLE_TIMEOUT", default_value_t = DEFAULTS.idle_timeout.as_secs(), value_parser = secs())]
    pub idle_timeout: u64,
    /// Seconds in-flight requests get after SIGTERM/Ctrl-C before every connection is dropped.
    #[arg(long, env = "PAYSESSION_SHUTDOWN_TIMEOUT", default_value_t = DEFAULTS.shutdown_timeout.as_secs(), value_parser = secs())]
    pub shutdown_timeout: u64,
    /// Open client connections per listener at most (default: the file limit,
    /// raised to its hard limit at start, less its headroom, split between
    /// the listeners). At the cap a new connection replaces the longest-idle
    /// one, else it is refused with `503`.
    #[arg(long, env = "PAYSESSION_MAX_CONNECTIONS", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub max_connections: Option<u64>,
    /// Open connections per client address (IPv6: per /64) at most (default:
    /// a quarter of `--max-connections`, or all of it with `--trusted-proxy`,
    /// whose clients all come from the proxy's address).
    #[arg(long, env = "PAYSESSION_MAX_CONNECTIONS_PER_ADDRESS", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub max_connections_per_address: Option<u64>,
    /// Requests with a public key per (key, client address): `N/PERIOD` (a
    /// bucket of N refilled evenly over PERIOD: `300/min`, `10/10min`, `5/s`,
    /// `100/h`) or `off`.
    #[arg(long, env = "PAYSESSION_RATE_LIMIT_PUBLIC", default_value = ratelimit::DEFAULT_PUBLIC)]
    pub rate_limit_public: LimitSpec,
    /// Demo checkouts (each creates a session) per client address: `N/PERIOD` or `off`.
    #[arg(long, env = "PAYSESSION_RATE_LIMIT_DEMO_CHECKOUT", default_value = ratelimit::DEFAULT_DEMO_CHECKOUT)]
    pub rate_limit_demo_checkout: LimitSpec,
    /// Reverse proxies (comma-separated IPs) whose `X-Forwarded-For` names the
    /// client for rate limits; from anyone else the header is ignored.
    #[arg(long, env = "PAYSESSION_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxy: Vec<IpAddr>,
    /// Address of the fields origin (secure card fields): default the API's
    /// address with the next port (127.0.0.1:8081 beside 127.0.0.1:8080; a
    /// free port when `--listen`'s port is 0); port 0 picks a free port;
    /// `off` starts none.
    #[arg(long, env = "PAYSESSION_FIELDS_LISTEN")]
    pub fields_listen: Option<FieldsListen>,
    /// Public base URL of the fields origin (default: `http://` + its address;
    /// with `--fields-listen off`, a fields origin served elsewhere).
    #[arg(long, env = "PAYSESSION_FIELDS_URL")]
    pub fields_url: Option<String>,
    /// Milliseconds one webhook attempt may take, connecting included.
    #[arg(long, env = "PAYSESSION_WEBHOOK_TIMEOUT_MS", default_value_t = WEBHOOKS.timeout_ms as u64, value_parser = millis())]
    pub webhook_timeout_ms: u64,
    /// Milliseconds a claimed delivery is this instance's: an instance that
    /// dies in an attempt leaves it to the others after this (more than
    /// `--webhook-timeout-ms`).
    #[arg(long, env = "PAYSESSION_WEBHOOK_LEASE_MS", default_value_t = WEBHOOKS.lease_ms as u64, value_parser = millis())]
    pub webhook_lease_ms: u64,
    /// The longest the webhook worker waits between looks for due deliveries, in milliseconds.
    #[arg(long, env = "PAYSESSION_WEBHOOK_POLL_MS", default_value_t = WEBHOOKS.poll_ms as u64, value_parser = millis())]
    pub webhook_poll_ms: u64,
    /// Webhook deliveries this instance attempts at once.
    #[arg(long, env = "PAYSESSION_WEBHOOK_CONCURRENCY", default_value_t = WEBHOOKS.concurrency as u64, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub webhook_concurrency: u64,
    /// Milliseconds before a failed delivery's first retry (then doubling, with jitter).
    #[arg(long, env = "PAYSESSION_WEBHOOK_RETRY_BASE_MS", default_value_t = WEBHOOKS.retry.base_ms as u64, value_parser = millis())]
    pub webhook_retry_base_ms: u64,
    /// The longest wait between two attempts of a delivery, in milliseconds.
    #[arg(long, env = "PAYSESSION_WEBHOOK_RETRY_CAP_MS", default_value_t = WEBHOOKS.retry.cap_ms as u64, value_parser = millis())]
    pub webhook_retry_cap_ms: u64,
    /// Seconds a delivery is retried before it is marked failed (default 3 days).
    #[arg(long, env = "PAYSESSION_WEBHOOK_RETRY_WINDOW", default_value_t = (WEBHOOKS.retry.window_ms / 1000) as u64, value_parser = clap::value_parser!(u64).range(1..=30 * 24 * 3600))]
    pub webhook_retry_window: u64,
    /// Webhook endpoints on loopback addresses only (test servers: nothing
    /// a client registers makes this server call out).
    #[arg(long, env = "PAYSESSION_WEBHOOK_LOOPBACK_ONLY")]
    pub webhook_loopback_only: bool,
}

/// The webhook worker's defaults, from the library.
const WEBHOOKS: WebhookOptions = WebhookOptions::DEFAULT;

/// Milliseconds, 1 to a day.
fn millis() -> clap::builder::RangedU64ValueParser<u64> {
    clap::value_parser!(u64).range(1..=24 * 3600 * 1000)
}

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Apply the schema migrations to `--database` and exit.
    Migrate,
}

/// The time limits' defaults, from the library.
const DEFAULTS: ServeOptions = ServeOptions::DEFAULT;

/// A whole number of seconds, 1 to 3600.
fn secs() -> clap::builder::RangedU64ValueParser<u64> {
    clap::value_parser!(u64).range(1..=3600)
}

/// The webhook worker's settings from the command line.
pub fn webhook_options(args: &Args) -> WebhookOptions {
    WebhookOptions {
        retry: RetrySchedule {
            base_ms: args.webhook_retry_base_ms as i64,
            cap_ms: args.webhook_retry_cap_ms as i64,
            window_ms: args.webhook_retry_window as i64 * 1000,
        },
        timeout_ms: args.webhook_timeout_ms as i64,
        lease_ms: args.webhook_lease_ms as i64,
        poll_ms: args.webhook_poll_ms as i64,
        concurrency: args.webhook_concurrency as usize,
        loopback_only: args.webhook_loopback_only,
    }
}

/// The listeners' time limits and connection caps: the caps fit the
/// open-file limit shared by `listeners` listeners, unless given.
pub fn serve_options(
    args: &Args,
    fd_limit: u64,
    listeners: u64,
    behind_proxy: bool,
) -> ServeOptions {
    let mut opts = ServeOptions {
        header_timeout: Duration::from_secs(args.header_timeout),
        body_timeout: Duration::from_secs(args.body_timeout),
        idle_timeout: Duration::from_secs(args.idle_timeout),
        shutdown_timeout: Duration::from_secs(args.shutdown_timeout),
        ..DEFAULTS
    }
    .for_fd_limit(fd_limit, listeners);
    if let Some(n) = args.max_connections {
        opts.max_connections = usize::try_from(n).unwrap_or(usize::MAX);
    }
    opts.max_connections_per_address = match args.max_connections_per_address {
        Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
        None if behind_proxy => opts.max_connections,
        None => crate::serve::default_per_address(opts.max_connections),
    };
    opts
}
