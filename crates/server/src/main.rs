//! `paysession-server [--listen ADDR] [--database URL] [--config FILE] [--demo DIR]
//! [--fields-listen ADDR|off] [--fields-url URL]` (and the flags of docs/API.md §5.10, §5.12, §5.13);
//! `paysession-server migrate [--database URL]` brings the schema up to date and exits.

use clap::Parser;
use paysession_server::config::{Config, FieldsListen, RetrySchedule, WebhookOptions};
use paysession_server::ratelimit::{self, LimitSpec, RateLimiter, RateLimits};
use paysession_server::{store, AppState, ServeOptions, Vault};
use std::{io::Write, net::IpAddr, path::PathBuf, sync::Arc, time::Duration};

/// The paysession session backend.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// `migrate`: apply the schema migrations and exit (the server also
    /// applies them at start).
    #[command(subcommand)]
    command: Option<Command>,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "PAYSESSION_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// Database URL: `sqlite://FILE`, `sqlite::memory:`, or
    /// `postgres://USER@HOST:PORT/DB` (several instances may share one
    /// PostgreSQL; they then need the same `PAYSESSION_VAULT_KEY`).
    #[arg(
        long,
        global = true,
        env = "PAYSESSION_DATABASE",
        default_value = "sqlite://paysession.db"
    )]
    database: String,
    /// Connections to PostgreSQL per instance.
    #[arg(long, global = true, env = "PAYSESSION_DB_POOL", default_value_t = store::postgres::DEFAULT_POOL as u64, value_parser = clap::value_parser!(u64).range(1..=1000))]
    db_pool: u64,
    /// TOML file of `[[merchant]]`; without it the test merchant of the contract exists.
    #[arg(long, env = "PAYSESSION_CONFIG")]
    config: Option<PathBuf>,
    /// Serve static files from DIR at `/`.
    #[arg(long)]
    demo: Option<PathBuf>,
    /// Session lifetime after its last change, in seconds.
    #[arg(long, env = "PAYSESSION_SESSION_TTL", default_value_t = 3600)]
    session_ttl: u64,
    /// Seconds a manual-capture order's authorization lasts (then what is not captured is released).
    #[arg(long, env = "PAYSESSION_AUTHORIZATION_TTL", default_value_t = paysession_server::config::AUTHORIZATION_TTL.as_secs(), value_parser = clap::value_parser!(u64).range(1..))]
    authorization_ttl: u64,
    /// Seconds between passes of the sweep that expires due authorizations.
    #[arg(long, env = "PAYSESSION_SWEEP_INTERVAL", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    sweep_interval: u64,
    /// Public base URL of hosted-page links (default: the address listened on;
    /// for 0.0.0.0 / [::] the loopback address of its family, with a warning).
    #[arg(long, env = "PAYSESSION_PUBLIC_URL")]
    public_url: Option<String>,
    /// Seconds a request's head (request line and headers) may take to arrive.
    #[arg(long, env = "PAYSESSION_HEADER_TIMEOUT", default_value_t = DEFAULTS.header_timeout.as_secs(), value_parser = secs())]
    header_timeout: u64,
    /// Seconds a request's body may take to arrive (then `408 request_timeout`).
    #[arg(long, env = "PAYSESSION_BODY_TIMEOUT", default_value_t = DEFAULTS.body_timeout.as_secs(), value_parser = secs())]
    body_timeout: u64,
    /// Seconds a keep-alive connection may wait idle for its next request.
    #[arg(long, env = "PAYSESSION_IDLE_TIMEOUT", default_value_t = DEFAULTS.idle_timeout.as_secs(), value_parser = secs())]
    idle_timeout: u64,
    /// Seconds in-flight requests get after SIGTERM/Ctrl-C before every connection is dropped.
    #[arg(long, env = "PAYSESSION_SHUTDOWN_TIMEOUT", default_value_t = DEFAULTS.shutdown_timeout.as_secs(), value_parser = secs())]
    shutdown_timeout: u64,
    /// Open client connections per listener at most (default: the file limit,
    /// raised to its hard limit at start, less its headroom, split between
    /// the listeners). At the cap a new connection replaces the longest-idle
    /// one, else it is refused with `503`.
    #[arg(long, env = "PAYSESSION_MAX_CONNECTIONS", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    max_connections: Option<u64>,
    /// Open connections per client address (IPv6: per /64) at most (default:
    /// a quarter of `--max-connections`, or all of it with `--trusted-proxy`,
    /// whose clients all come from the proxy's address).
    #[arg(long, env = "PAYSESSION_MAX_CONNECTIONS_PER_ADDRESS", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    max_connections_per_address: Option<u64>,
    /// Requests with a public key per (key, client address): `N/PERIOD` (a
    /// bucket of N refilled evenly over PERIOD: `300/min`, `10/10min`, `5/s`,
    /// `100/h`) or `off`.
    #[arg(long, env = "PAYSESSION_RATE_LIMIT_PUBLIC", default_value = ratelimit::DEFAULT_PUBLIC)]
    rate_limit_public: LimitSpec,
    /// Demo checkouts (each creates a session) per client address: `N/PERIOD` or `off`.
    #[arg(long, env = "PAYSESSION_RATE_LIMIT_DEMO_CHECKOUT", default_value = ratelimit::DEFAULT_DEMO_CHECKOUT)]
    rate_limit_demo_checkout: LimitSpec,
    /// Reverse proxies (comma-separated IPs) whose `X-Forwarded-For` names the
    /// client for rate limits; from anyone else the header is ignored.
    #[arg(long, env = "PAYSESSION_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxy: Vec<IpAddr>,
    /// Address of the fields origin (secure card fields): default the API's
    /// address with the next port (127.0.0.1:8081 beside 127.0.0.1:8080; a
    /// free port when `--listen`'s port is 0); port 0 picks a free port;
    /// `off` starts none.
    #[arg(long, env = "PAYSESSION_FIELDS_LISTEN")]
    fields_listen: Option<FieldsListen>,
    /// Public base URL of the fields origin (default: `http://` + its address;
    /// with `--fields-listen off`, a fields origin served elsewhere).
    #[arg(long, env = "PAYSESSION_FIELDS_URL")]
    fields_url: Option<String>,
    /// Milliseconds one webhook attempt may take, connecting included.
    #[arg(long, env = "PAYSESSION_WEBHOOK_TIMEOUT_MS", default_value_t = WEBHOOKS.timeout_ms as u64, value_parser = millis())]
    webhook_timeout_ms: u64,
    /// Milliseconds a claimed delivery is this instance's: an instance that
    /// dies in an attempt leaves it to the others after this (more than
    /// `--webhook-timeout-ms`).
    #[arg(long, env = "PAYSESSION_WEBHOOK_LEASE_MS", default_value_t = WEBHOOKS.lease_ms as u64, value_parser = millis())]
    webhook_lease_ms: u64,
    /// The longest the webhook worker waits between looks for due deliveries, in milliseconds.
    #[arg(long, env = "PAYSESSION_WEBHOOK_POLL_MS", default_value_t = WEBHOOKS.poll_ms as u64, value_parser = millis())]
    webhook_poll_ms: u64,
    /// Webhook deliveries this instance attempts at once.
    #[arg(long, env = "PAYSESSION_WEBHOOK_CONCURRENCY", default_value_t = WEBHOOKS.concurrency as u64, value_parser = clap::value_parser!(u64).range(1..=1024))]
    webhook_concurrency: u64,
    /// Milliseconds before a failed delivery's first retry (then doubling, with jitter).
    #[arg(long, env = "PAYSESSION_WEBHOOK_RETRY_BASE_MS", default_value_t = WEBHOOKS.retry.base_ms as u64, value_parser = millis())]
    webhook_retry_base_ms: u64,
    /// The longest wait between two attempts of a delivery, in milliseconds.
    #[arg(long, env = "PAYSESSION_WEBHOOK_RETRY_CAP_MS", default_value_t = WEBHOOKS.retry.cap_ms as u64, value_parser = millis())]
    webhook_retry_cap_ms: u64,
    /// Seconds a delivery is retried before it is marked failed (default 3 days).
    #[arg(long, env = "PAYSESSION_WEBHOOK_RETRY_WINDOW", default_value_t = (WEBHOOKS.retry.window_ms / 1000) as u64, value_parser = clap::value_parser!(u64).range(1..=30 * 24 * 3600))]
    webhook_retry_window: u64,
    /// Webhook endpoints on loopback addresses only (test servers: nothing
    /// a client registers makes this server call out).
    #[arg(long, env = "PAYSESSION_WEBHOOK_LOOPBACK_ONLY")]
    webhook_loopback_only: bool,
}

/// The webhook worker's defaults, from the library.
const WEBHOOKS: WebhookOptions = WebhookOptions::DEFAULT;

/// Milliseconds, 1 to a day.
fn millis() -> clap::builder::RangedU64ValueParser<u64> {
    clap::value_parser!(u64).range(1..=24 * 3600 * 1000)
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Apply the schema migrations to `--database` and exit.
    Migrate,
}

/// The time limits' defaults, from the library.
const DEFAULTS: ServeOptions = ServeOptions::DEFAULT;

/// A whole number of seconds, 1 to 3600.
fn secs() -> clap::builder::RangedU64ValueParser<u64> {
    clap::value_parser!(u64).range(1..=3600)
}

fn fail(msg: impl std::fmt::Display) -> ! {
    eprintln!("paysession-server: {msg}");
    std::process::exit(2)
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = Args::parse();
    let shutdown = shutdown_signal();
    // Connections need file descriptors: take all the hard limit allows.
    let fd_limit = paysession_server::serve::raise_fd_limit().unwrap_or_else(|e| {
        tracing::warn!(error = %e, "cannot read the open-file limit; assuming 1024");
        1024
    });
    let config = match &args.config {
        Some(p) => std::fs::read_to_string(p)
            .map_err(|e| format!("{}: {e}", p.display()))
            .and_then(|t| Config::from_toml(&t))
            .unwrap_or_else(|e| fail(e)),
        None => Config::default(),
    };
    // Off the async threads: an engine may wait on a runtime of its own.
    let (url, pool) = (args.database.clone(), args.db_pool as usize);
    let (db, file) = tokio::task::spawn_blocking(move || store::open_url(&url, pool))
        .await
        .unwrap_or_else(|e| fail(e))
        .unwrap_or_else(|e| fail(e));
    if let Some(Command::Migrate) = args.command {
        let store = db.clone();
        let h = tokio::task::spawn_blocking(move || store.health())
            .await
            .unwrap_or_else(|e| fail(e))
            .unwrap_or_else(|e| fail(e));
        println!("{} schema at version {}", h.engine, h.schema_version);
        return;
    }
    let key_file = file.as_ref().map(|f| {
        let mut k = f.clone().into_os_string();
        k.push(".key");
        PathBuf::from(k)
    });
    let env_key = std::env::var("PAYSESSION_VAULT_KEY").ok();
    if db.shared() && env_key.is_none() {
        fail("PAYSESSION_VAULT_KEY (64 hex digits) is required with PostgreSQL: every instance must seal and fingerprint card data with the same key");
    }
    let vault = Vault::load(env_key.as_deref(), key_file.as_deref()).unwrap_or_else(|e| fail(e));
    let fields_config = std::sync::Arc::new(config.clone());
    let mut config = config;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .unwrap_or_else(|e| fail(format!("cannot listen on {}: {e}", args.listen)));
    let addr = listener.local_addr().unwrap_or_else(|e| fail(e));
    let (fields_listener, fields_url) = fields_origin(&args, addr).await;
    // The card frames call the API from the fields origin: allow it (CORS).
    if let Some(o) = fields_url
        .as_deref()
        .and_then(paysession_server::fields::origin_of)
    {
        for m in &mut config.merchants {
            if !m.allowed_origins.iter().any(|x| x == "*") {
                m.allowed_origins.push(o.clone());
            }
        }
    }
    if args.webhook_lease_ms <= args.webhook_timeout_ms {
        fail("--webhook-lease-ms must be more than --webhook-timeout-ms: a lease outlives its attempt");
    }
    {
        let (store, merchants) = (db.clone(), config.merchants.clone());
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let loopback_only = args.webhook_loopback_only;
        tokio::task::spawn_blocking(move || {
            paysession_server::webhooks::configure(store.as_ref(), &merchants, now, loopback_only)
        })
        .await
        .unwrap_or_else(|e| fail(e))
        .unwrap_or_else(|e| fail(e));
    }
    let mut state = AppState::new(config, db, vault);
    state.webhooks = WebhookOptions {
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
    };
    state.session_ttl = Duration::from_secs(args.session_ttl.max(1));
    state.authorization_ttl = Duration::from_secs(args.authorization_ttl);
    state.demo_dir = args.demo;
    state.fields_url = fields_url.clone();
    let behind_proxy = !args.trusted_proxy.is_empty();
    let limiter = RateLimiter::new(RateLimits {
        public_key: args.rate_limit_public.0,
        demo_checkout: args.rate_limit_demo_checkout.0,
        trusted_proxies: args.trusted_proxy,
        ..RateLimits::default()
    });
    // Instances that share a database share their rate-limit buckets too.
    state.ratelimit = Arc::new(if state.store.shared() {
        limiter.shared_in(state.store.clone())
    } else {
        limiter
    });

    let (public_url, warning) =
        paysession_server::config::public_url(args.public_url.as_deref(), addr)
            .unwrap_or_else(|e| fail(e));
    if let Some(w) = warning {
        tracing::warn!("{w}");
    }
    state.public_url = public_url;
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on http://{addr}");
        let _ = out.flush();
    }
    let mut opts = ServeOptions {
        header_timeout: Duration::from_secs(args.header_timeout),
        body_timeout: Duration::from_secs(args.body_timeout),
        idle_timeout: Duration::from_secs(args.idle_timeout),
        shutdown_timeout: Duration::from_secs(args.shutdown_timeout),
        ..DEFAULTS
    }
    .for_fd_limit(fd_limit, if fields_listener.is_some() { 2 } else { 1 });
    if let Some(n) = args.max_connections {
        opts.max_connections = usize::try_from(n).unwrap_or(usize::MAX);
    }
    opts.max_connections_per_address = match args.max_connections_per_address {
        Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
        None if behind_proxy => opts.max_connections,
        None => paysession_server::serve::default_per_address(opts.max_connections),
    };
    tracing::info!(
        fd_limit,
        max_connections = opts.max_connections,
        max_connections_per_address = opts.max_connections_per_address,
        "connection caps"
    );
    if let Some(l) = fields_listener {
        let fields_stop = shutdown();
        let api_url = state.public_url.clone();
        let app = paysession_server::fields::fields_app(fields_config, &api_url);
        {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(
                out,
                "fields on {}",
                fields_url.as_deref().unwrap_or_default()
            );
            let _ = out.flush();
        }
        tokio::spawn(async move {
            if let Err(e) = paysession_server::serve_router(l, app, opts, fields_stop).await {
                fail(e);
            }
        });
    }
    // The expiry sweep: every instance runs it (each expiry is a compare-and-swap).
    let sweeper = state.clone();
    let every = Duration::from_secs(args.sweep_interval);
    let stop = shutdown();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(stop);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = &mut stop => return,
            }
            let pass = sweeper.db(|s| paysession_server::flows::orders::sweep(s, None));
            match pass.await {
                Ok(0) => {}
                Ok(n) => tracing::info!(expired = n, "authorization sweep"),
                Err(e) => tracing::warn!(error = ?e, "authorization sweep failed"),
            }
        }
    });
    tracing::info!(%addr, database = %args.database, "paysession-server started");
    if let Err(e) = paysession_server::serve_with(listener, state, opts, shutdown()).await {
        fail(e);
    }
}

/// The fields origin's listener (none with `--fields-listen off`) and its
/// public URL (`--fields-url`, else `http://` + the address it got).
async fn fields_origin(
    args: &Args,
    api: std::net::SocketAddr,
) -> (Option<tokio::net::TcpListener>, Option<String>) {
    let at = args.fields_listen.clone().unwrap_or(FieldsListen::Beside);
    let listener = match at.address(api) {
        Some(a) => Some(tokio::net::TcpListener::bind(&a).await.unwrap_or_else(|e| {
            fail(format!(
                "cannot listen on {a} for the fields origin: {e} (choose one with --fields-listen ADDR, or --fields-listen off)"
            ))
        })),
        None => None,
    };
    let url = match (&listener, &args.fields_url) {
        (_, Some(u)) => Some(u.trim_end_matches('/').to_owned()),
        (Some(l), None) => {
            let bound = l.local_addr().unwrap_or_else(|e| fail(e));
            let (u, warning) =
                paysession_server::config::public_url(None, bound).unwrap_or_else(|e| fail(e));
            if let Some(w) = warning {
                tracing::warn!("fields origin: {w}; set --fields-url");
            }
            Some(u)
        }
        (None, None) => None,
    };
    (listener, url)
}

/// SIGTERM or Ctrl-C, registered now: a signal that came before the
/// listeners' first await would otherwise end the process at once instead of
/// shutting it down (the fields origin made that window wider). Each call of
/// the returned function is a future that completes on the signal.
fn shutdown_signal() -> impl Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>
{
    let (tx, rx) = tokio::sync::watch::channel(false);
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        tokio::spawn(async move {
            match (term, int) {
                (Ok(mut t), Ok(mut i)) => {
                    tokio::select! { _ = t.recv() => {}, _ = i.recv() => {} }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
            let _ = tx.send(true);
        });
    }
    #[cfg(not(unix))]
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        let _ = tx.send(true);
    });
    move || {
        let mut rx = rx.clone();
        Box::pin(async move {
            let _ = rx.wait_for(|&stop| stop).await;
        })
    }
}
