//! `paysession-server [--listen ADDR] [--database URL] [--config FILE] [--demo DIR]
//! [--fields-listen ADDR|off] [--fields-url URL]` (and the flags of docs/API.md §5.10, §5.12, §5.13);
//! `paysession-server migrate [--database URL]` brings the schema up to date and exits.

use clap::Parser;
use paysession_server::cli::{serve_options, webhook_options, Args, Command};
use paysession_server::config::{Config, FieldsListen};
use paysession_server::ratelimit::{RateLimiter, RateLimits};
use paysession_server::{store, AppState, Vault};
use std::{io::Write, path::PathBuf, sync::Arc, time::Duration};

fn fail(msg: impl std::fmt::Display) -> ! {
    eprintln!("paysession-server: {msg}");
    std::process::exit(2)
}

#[tokio::main]
async fn main() {
    init_tracing();
    let args = Args::parse();
    let shutdown = shutdown_signal();
    // Connections need file descriptors: take all the hard limit allows.
    let fd_limit = paysession_server::serve::raise_fd_limit().unwrap_or_else(|e| {
        tracing::warn!(error = %e, "cannot read the open-file limit; assuming 1024");
        1024
    });
    let config = read_config(&args);
    // Off the async threads: an engine may wait on a runtime of its own.
    let (url, pool) = (args.database.clone(), args.db_pool as usize);
    let (db, file) = blocking(move || store::open_url(&url, pool)).await;
    if let Some(Command::Migrate) = args.command {
        let store = db.clone();
        let h = blocking(move || store.health()).await;
        println!("{} schema at version {}", h.engine, h.schema_version);
        return;
    }
    let vault = open_vault(db.as_ref(), file);
    let fields_config = std::sync::Arc::new(config.clone());
    let mut config = config;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .unwrap_or_else(|e| fail(format!("cannot listen on {}: {e}", args.listen)));
    let addr = listener.local_addr().unwrap_or_else(|e| fail(e));
    let asked = paysession_server::config::asked_address(&args.listen, addr);
    let (fields_listener, fields_url) = fields_origin(&args, asked).await;
    allow_fields_origin(&mut config, fields_url.as_deref());
    if args.webhook_lease_ms <= args.webhook_timeout_ms {
        fail("--webhook-lease-ms must be more than --webhook-timeout-ms: a lease outlives its attempt");
    }
    let mut state = AppState::new(config, db, vault);
    configure_webhooks(&state, &args).await;
    let behind_proxy = !args.trusted_proxy.is_empty();
    configure_state(&mut state, &args, fields_url.clone(), addr);
    say(&format!("listening on http://{addr}"));
    let listeners = if fields_listener.is_some() { 2 } else { 1 };
    let opts = serve_options(&args, fd_limit, listeners, behind_proxy);
    tracing::info!(
        fd_limit,
        max_connections = opts.max_connections,
        max_connections_per_address = opts.max_connections_per_address,
        "connection caps"
    );
    if let Some(l) = fields_listener {
        let app = paysession_server::fields_origin::fields_app(fields_config, &state.public_url);
        say(&format!(
            "fields on {}",
            fields_url.as_deref().unwrap_or_default()
        ));
        let fields_stop = shutdown();
        tokio::spawn(async move {
            if let Err(e) = paysession_server::serve_router(l, app, opts, fields_stop).await {
                fail(e);
            }
        });
    }
    spawn_sweep(
        state.clone(),
        Duration::from_secs(args.sweep_interval),
        shutdown(),
    );
    tracing::info!(%addr, database = %args.database, "paysession-server started");
    if let Err(e) = paysession_server::serve_with(listener, state, opts, shutdown()).await {
        fail(e);
    }
}

/// Logs to stderr, at `RUST_LOG`'s level (default `info`).
fn init_tracing() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
}

/// `f` off the async threads; its failure (or its task's) ends the process.
async fn blocking<T: Send + 'static, E: std::fmt::Display + Send + 'static>(
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> T {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| fail(e))
        .unwrap_or_else(|e| fail(e))
}

/// A line on stdout, flushed (what the tests and scripts wait for).
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// `--config FILE`, or the built-in test merchant.
fn read_config(args: &Args) -> Config {
    match &args.config {
        Some(p) => std::fs::read_to_string(p)
            .map_err(|e| format!("{}: {e}", p.display()))
            .and_then(|t| Config::from_toml(&t))
            .unwrap_or_else(|e| fail(e)),
        None => Config::default(),
    }
}

/// The vault: its key from `PAYSESSION_VAULT_KEY` (required with a shared
/// database), else from the file beside the SQLite database.
fn open_vault(db: &dyn store::Store, file: Option<PathBuf>) -> Vault {
    let key_file = file.as_ref().map(|f| {
        let mut k = f.clone().into_os_string();
        k.push(".key");
        PathBuf::from(k)
    });
    let env_key = std::env::var("PAYSESSION_VAULT_KEY").ok();
    if db.shared() && env_key.is_none() {
        fail("PAYSESSION_VAULT_KEY (64 hex digits) is required with PostgreSQL: every instance must seal and fingerprint card data with the same key");
    }
    Vault::load(env_key.as_deref(), key_file.as_deref()).unwrap_or_else(|e| fail(e))
}

/// The card frames call the API from the fields origin: allow it (CORS).
fn allow_fields_origin(config: &mut Config, fields_url: Option<&str>) {
    if let Some(o) = fields_url.and_then(paysession_server::fields_origin::origin_of) {
        for m in &mut config.merchants {
            if !m.allowed_origins.iter().any(|x| x == "*") {
                m.allowed_origins.push(o.clone());
            }
        }
    }
}

/// The merchants' configured webhook endpoints, into the store.
async fn configure_webhooks(state: &AppState, args: &Args) {
    let (store, vault, merchants) = (
        state.store.clone(),
        state.vault.clone(),
        state.config.merchants.clone(),
    );
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let loopback_only = args.webhook_loopback_only;
    blocking(move || {
        paysession_server::webhooks::configure(
            store.as_ref(),
            &vault,
            &merchants,
            now,
            loopback_only,
        )
    })
    .await;
}

/// The state's options from the command line: webhooks, lifetimes, the demo,
/// the fields origin, the rate limits and the public URL.
fn configure_state(
    state: &mut AppState,
    args: &Args,
    fields_url: Option<String>,
    addr: std::net::SocketAddr,
) {
    state.webhooks = webhook_options(args);
    state.session_ttl = Duration::from_secs(args.session_ttl.max(1));
    state.authorization_ttl = Duration::from_secs(args.authorization_ttl);
    state.demo_dir = args.demo.clone();
    state.fields_url = fields_url;
    let limiter = RateLimiter::new(RateLimits {
        public_key: args.rate_limit_public.0,
        demo_checkout: args.rate_limit_demo_checkout.0,
        trusted_proxies: args.trusted_proxy.clone(),
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
}

/// The authorization expiry sweep, every `every` until `stop`: every
/// instance runs it (each expiry is a compare-and-swap).
fn spawn_sweep(
    state: AppState,
    every: Duration,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(stop);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = &mut stop => return,
            }
            let pass = state.db(|s| paysession_server::flows::orders::sweep(s, None));
            match pass.await {
                Ok(0) => {}
                Ok(n) => tracing::info!(expired = n, "authorization sweep"),
                Err(e) => tracing::warn!(error = ?e, "authorization sweep failed"),
            }
        }
    });
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
