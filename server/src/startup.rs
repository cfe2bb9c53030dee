//! Building the web application and serving it.

use crate::routes;
use anyhow::{anyhow, Context};
use app::regions::RegionDirectory;
use app::state::AppState;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use tokio::net::TcpListener;

/// A bound, ready-to-run server.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    addr: SocketAddr,
}

impl Application {
    /// Loads what the pages need from `db`, builds the router and binds `bind`
    /// (port 0 picks a free port, for tests).
    pub async fn build(
        db: DatabaseConnection,
        bind: SocketAddr,
        site_dir: &Path,
    ) -> anyhow::Result<Self> {
        let regions = RegionDirectory::load(&db)
            .await
            .context("loading the region tree failed")?;
        let leptos_options = leptos_options(bind, site_dir)?;
        let state = AppState {
            leptos_options,
            db,
            regions: Arc::new(regions),
        };
        let router = routes::router(state);
        let listener = TcpListener::bind(bind).await.map_err(|err| {
            let hint = if err.kind() == std::io::ErrorKind::AddrInUse {
                "the port is in use; stop the other program or pass --bind (or SHANQIAO_BIND) with another address"
            } else {
                "pass --bind (or SHANQIAO_BIND) with an address this machine can listen on"
            };
            anyhow!("cannot listen on {bind}: {err}; {hint}")
        })?;
        let addr = listener.local_addr()?;
        Ok(Application {
            listener,
            router,
            addr,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until the process gets Ctrl-C or SIGTERM.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown_signal())
            .await
    }
}

fn leptos_options(bind: SocketAddr, site_dir: &Path) -> anyhow::Result<LeptosOptions> {
    // Built here rather than read from the environment: the binary runs outside
    // cargo-leptos in production and in tests. `output_name` is `name` in
    // [[workspace.metadata.leptos]].
    let env = if cfg!(debug_assertions) {
        leptos::config::Env::DEV
    } else {
        leptos::config::Env::PROD
    };
    Ok(LeptosOptions::builder()
        .output_name("shanqiao")
        .site_root(site_dir.to_string_lossy().as_ref())
        .site_pkg_dir("pkg")
        .site_addr(bind)
        .env(env)
        .build())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
