//! `paysession-server [--listen ADDR] [--database URL] [--config FILE] [--demo DIR]
//! [--fields-listen ADDR] [--fields-url URL]`.

use clap::Parser;
use paysession_server::{config::Config, store, AppState, Vault};
use std::{io::Write, path::PathBuf, time::Duration};

/// The paysession session backend.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "PAYSESSION_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// Database URL: `sqlite://FILE` or `sqlite::memory:`.
    #[arg(
        long,
        env = "PAYSESSION_DATABASE",
        default_value = "sqlite://paysession.db"
    )]
    database: String,
    /// TOML file of `[[merchant]]`; without it the test merchant of the contract exists.
    #[arg(long, env = "PAYSESSION_CONFIG")]
    config: Option<PathBuf>,
    /// Serve static files from DIR at `/`.
    #[arg(long)]
    demo: Option<PathBuf>,
    /// Session lifetime after its last change, in seconds.
    #[arg(long, env = "PAYSESSION_SESSION_TTL", default_value_t = 3600)]
    session_ttl: u64,
    /// Public base URL for hosted pages (default: from the request's Host).
    #[arg(long, env = "PAYSESSION_PUBLIC_URL")]
    public_url: Option<String>,
    /// Address of the fields origin (secure card fields); port 0 picks a free port.
    #[arg(long, env = "PAYSESSION_FIELDS_LISTEN")]
    fields_listen: Option<String>,
    /// Public base URL of the fields origin (default: `http://` + its address).
    #[arg(long, env = "PAYSESSION_FIELDS_URL")]
    fields_url: Option<String>,
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
    let config = match &args.config {
        Some(p) => std::fs::read_to_string(p)
            .map_err(|e| format!("{}: {e}", p.display()))
            .and_then(|t| Config::from_toml(&t))
            .unwrap_or_else(|e| fail(e)),
        None => Config::default(),
    };
    let (db, file) = store::open_url(&args.database).unwrap_or_else(|e| fail(e));
    let key_file = file.as_ref().map(|f| {
        let mut k = f.clone().into_os_string();
        k.push(".key");
        PathBuf::from(k)
    });
    let env_key = std::env::var("PAYSESSION_VAULT_KEY").ok();
    let vault = Vault::load(env_key.as_deref(), key_file.as_deref()).unwrap_or_else(|e| fail(e));
    let fields_config = std::sync::Arc::new(config.clone());
    let mut config = config;
    let fields_listener = match &args.fields_listen {
        Some(a) => Some(
            tokio::net::TcpListener::bind(a)
                .await
                .unwrap_or_else(|e| fail(format!("cannot listen on {a}: {e}"))),
        ),
        None => None,
    };
    let fields_url = match (&fields_listener, &args.fields_url) {
        (_, Some(u)) => Some(u.trim_end_matches('/').to_owned()),
        (Some(l), None) => Some(format!(
            "http://{}",
            l.local_addr().unwrap_or_else(|e| fail(e))
        )),
        _ => None,
    };
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
    let mut state = AppState::new(config, db, vault);
    state.session_ttl = Duration::from_secs(args.session_ttl.max(1));
    state.public_url = args.public_url;
    state.demo_dir = args.demo;

    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .unwrap_or_else(|e| fail(format!("cannot listen on {}: {e}", args.listen)));
    let addr = listener.local_addr().unwrap_or_else(|e| fail(e));
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on http://{addr}");
        let _ = out.flush();
    }
    if let Some(l) = fields_listener {
        let api_url = state
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));
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
            if let Err(e) = axum::serve(l, app).with_graceful_shutdown(shutdown()).await {
                fail(e);
            }
        });
    }
    tracing::info!(%addr, database = %args.database, "paysession-server started");
    if let Err(e) = paysession_server::serve(listener, state, shutdown()).await {
        fail(e);
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
