//! Building the web application and serving it.

use crate::defences::SiteOrigin;
use crate::metrics::MetricsSource;
use crate::page_cache::PageCache;
use crate::routes;
use anyhow::{anyhow, Context};
use app::claims::attachments::AttachmentStore;
use app::library::index::SearchService;
use app::messages::delivery::{FileSink, Sink};
use app::regions::RegionDirectory;
use app::state::AppState;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::net::TcpListener;

/// How to serve: where, the site folder, the public URL and session lifetimes.
#[derive(Debug, Clone)]
pub struct WebConfig {
    pub bind: SocketAddr,
    pub site_dir: PathBuf,
    /// The public URL; `None`: `http://` and the bound address.
    pub base_url: Option<String>,
    pub session_idle_minutes: i64,
    pub session_max_hours: i64,
    /// The search index's directory (`<data dir>/search`).
    pub search_dir: PathBuf,
    /// Where delivered messages are written (`<data dir>/outbox`: `mail/*.eml`,
    /// `sms/*.txt`).
    pub outbox_dir: PathBuf,
    /// The sender of e-mails, e.g. `善桥 <no-reply@shanqiao.example.org>`.
    pub mail_from: String,
    /// Whether the public pages are served from the page cache.
    pub page_cache: bool,
    /// A separate address for `GET /metrics`.
    pub metrics_bind: Option<SocketAddr>,
    /// Who besides loopback may read `/metrics` on the main port.
    pub metrics_allow: Vec<std::net::IpAddr>,
    /// How long claims run, by urgency.
    pub claim_leases: app::claims::LeasePolicy,
    /// How long pledges wait for their money.
    pub pledges: app::money::PledgePolicy,
    /// Where claim attachments are kept: a URL (`s3://…`, `file://…`) or, unset, this
    /// directory.
    pub attachments_url: Option<String>,
    pub attachments_dir: PathBuf,
    /// The SMTP server e-mails go to; `None`: `.eml` files under `outbox_dir`.
    pub smtp_url: Option<String>,
    /// Origins of the government portals that may frame the embedded views.
    pub embed_origins: Vec<String>,
    /// Tests only: the build of a created search index waits for a permit of this
    /// semaphore (so that a test sees the instance before its index is ready).
    pub hold_index_build: Option<Arc<tokio::sync::Semaphore>>,
}

impl WebConfig {
    /// A free port on localhost, for tests.
    pub fn for_tests() -> Self {
        WebConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            site_dir: PathBuf::from("target/site"),
            base_url: None,
            session_idle_minutes: 120,
            session_max_hours: 12,
            search_dir: test_dir("search"),
            outbox_dir: test_dir("outbox"),
            mail_from: crate::config::DEFAULT_MAIL_FROM.to_owned(),
            page_cache: true,
            metrics_bind: None,
            metrics_allow: Vec::new(),
            claim_leases: app::claims::LeasePolicy::default(),
            pledges: app::money::PledgePolicy::default(),
            attachments_url: None,
            attachments_dir: test_dir("attachments"),
            smtp_url: None,
            embed_origins: vec!["https://portal.example.gov.cn".to_owned()],
            hold_index_build: None,
        }
    }
}

/// A fresh directory name under the system's temporary directory.
fn test_dir(what: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "shanqiao-test-{what}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ))
}

/// A bound, ready-to-run server.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    addr: SocketAddr,
    search: Arc<SearchService>,
    sink: FileSink,
    alerts: app::alerts::fanout::Context,
    metrics: Option<(TcpListener, axum::Router)>,
}

impl Application {
    /// Loads what the pages need from `db`, builds the router and binds `bind`
    /// (port 0 picks a free port, for tests).
    pub async fn build(db: DatabaseConnection, config: &WebConfig) -> anyhow::Result<Self> {
        let bind = config.bind;
        let regions = RegionDirectory::load(&db)
            .await
            .context("loading the region tree failed")?;
        let leptos_options = leptos_options(bind, &config.site_dir)?;
        let listener = TcpListener::bind(bind).await.map_err(|err| {
            let hint = if err.kind() == std::io::ErrorKind::AddrInUse {
                "the port is in use; stop the other program or pass --bind (or SHANQIAO_BIND) with another address"
            } else {
                "pass --bind (or SHANQIAO_BIND) with an address this machine can listen on"
            };
            anyhow!("cannot listen on {bind}: {err}; {hint}")
        })?;
        let addr = listener.local_addr()?;
        let base_url = config
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));
        // The index answers at once; one that had to be created is filled in the
        // background while the site serves (library searches and /readyz answer 503
        // until it is).
        let (search, opened) = SearchService::open(&config.search_dir).with_context(|| {
            format!(
                "opening the search index in {}",
                config.search_dir.display()
            )
        })?;
        let search = Arc::new(search);
        let cache = Arc::new(PageCache::new(search.clone(), config.page_cache));
        crate::jobs::spawn_indexer(
            db.clone(),
            search.clone(),
            opened,
            cache.clone(),
            config.hold_index_build.clone(),
        );
        let files = FileSink::new(&config.outbox_dir, config.mail_from.clone());
        let sink: Sink = match &config.smtp_url {
            Some(url) => Sink::with_smtp(
                files.clone(),
                app::messages::delivery::SmtpSink::new(
                    url,
                    &config.mail_from,
                    crate::commands::deliver::SMTP_TIMEOUT,
                )
                .map_err(|e| anyhow!(e))?,
            ),
            None => files.clone().into(),
        };
        crate::jobs::spawn_message_delivery(db.clone(), sink);
        let regions = Arc::new(regions);
        let alerts = app::alerts::fanout::Context {
            base_url: base_url.trim_end_matches('/').to_owned(),
            regions: regions.clone(),
        };
        crate::jobs::spawn_alerts(db.clone(), alerts.clone());
        // Installed before anything records a metric (recording before is lost).
        crate::metrics::handle();
        let metrics_source = MetricsSource {
            db: db.clone(),
            search: search.clone(),
            cache: cache.clone(),
            allow: config.metrics_allow.clone().into(),
            dedicated: false,
        };
        let metrics = match config.metrics_bind {
            Some(metrics_bind) => {
                let listener = TcpListener::bind(metrics_bind).await.map_err(|err| {
                    anyhow!("cannot listen on {metrics_bind} for /metrics: {err}; pass another --metrics-bind")
                })?;
                let source = MetricsSource {
                    dedicated: true,
                    ..metrics_source.clone()
                };
                Some((listener, routes::metrics_router(source)))
            }
            None => None,
        };
        let site_dir = config.site_dir.clone();
        let attachments = match &config.attachments_url {
            Some(url) => AttachmentStore::from_url(url),
            None => AttachmentStore::local(&config.attachments_dir),
        }
        .map_err(|e| anyhow!("cannot open the attachment store: {e}; check --attachments-url"))?;
        tracing::info!(attachments = %attachments.describe, "attachment store");
        let state = AppState {
            leptos_options,
            db,
            regions,
            base_url: Arc::from(base_url.trim_end_matches('/')),
            search: search.clone(),
            leases: config.claim_leases,
            pledges: config.pledges,
            attachments,
        };
        let router = routes::router(
            state,
            routes::RouterConfig {
                origin: SiteOrigin::from_base_url(&base_url),
                secure_cookies: base_url.starts_with("https://"),
                session_idle_minutes: config.session_idle_minutes,
                session_max_hours: config.session_max_hours,
                cache,
                metrics: metrics_source,
                site_dir,
                framing: crate::embed::Framing::new(config.embed_origins.clone()),
            },
        );
        Ok(Application {
            listener,
            router,
            addr,
            search,
            sink: files,
            alerts,
            metrics,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The search index this application serves from (tests drain its outbox).
    pub fn search(&self) -> Arc<SearchService> {
        self.search.clone()
    }

    /// Where this application delivers messages (tests read them there).
    pub fn sink(&self) -> FileSink {
        self.sink.clone()
    }

    /// What the alert jobs of this application link to and read regions from.
    pub fn alerts(&self) -> app::alerts::fanout::Context {
        self.alerts.clone()
    }

    /// Serves until the process gets Ctrl-C or SIGTERM.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        if let Some((listener, router)) = self.metrics {
            let addr = listener.local_addr()?;
            tracing::info!(%addr, "serving /metrics");
            tokio::spawn(async move {
                let service = router.into_make_service_with_connect_info::<SocketAddr>();
                if let Err(e) = axum::serve(listener, service).await {
                    tracing::error!(error = %e, "the /metrics listener stopped");
                }
            });
        }
        // The path is made canonical before routing (a layer on the router would run
        // after it), so `/open-data/` is the open-data page itself, not a redirect.
        let app = tower::Layer::layer(
            &tower::util::MapRequestLayer::new(canonical_path),
            self.router,
        );
        axum::serve(
            self.listener,
            axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
                SocketAddr,
            >(app),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
    }
}

/// Paths the site answers with a trailing slash too, as they are published (the open
/// data page is announced as `/open-data/`); routes are written without it.
const WITH_SLASH: &[&str] = &["/open-data/"];

/// The request with `/open-data/` read as `/open-data` (the query kept).
fn canonical_path(mut request: axum::extract::Request) -> axum::extract::Request {
    let path = request.uri().path();
    if !WITH_SLASH.contains(&path) {
        return request;
    }
    let trimmed = path.trim_end_matches('/');
    let target = match request.uri().query() {
        Some(q) => format!("{trimmed}?{q}"),
        None => trimmed.to_owned(),
    };
    let mut parts = request.uri().clone().into_parts();
    if let Ok(pq) = target.parse() {
        parts.path_and_query = Some(pq);
        if let Ok(uri) = axum::http::Uri::from_parts(parts) {
            *request.uri_mut() = uri;
        }
    }
    request
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
