//! `GET /metrics` in the Prometheus text format: requests and their latency per route
//! template (never per raw path: a need's code is not a label), the database pool, the
//! search index's readiness (`shanqiao_search_index_ready`) and the search and message
//! outboxes' lag, the page cache, the background jobs, and
//! the last ledger audit (`shanqiao_ledger_audit_ok`, `shanqiao_ledger_audit_last_run_seconds`).
//!
//! Counters and histograms are recorded as requests and jobs happen; the gauges are read
//! when the endpoint is scraped. The endpoint answers on the main port only to loopback
//! clients that did not come through a proxy (no `Forwarded`/`X-Forwarded-For`) and to the
//! addresses in `--metrics-allow`; `--metrics-bind` serves it on an address of its own.

use crate::page_cache::PageCache;
use app::library::index::SearchService;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sea_orm::{DatabaseBackend, DatabaseConnection};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// Seconds: the latency buckets of every histogram.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process's recorder, installed on first use (one per process: tests run several
/// servers in one process, and they share it).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), &BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Fails only when another recorder was installed first; then ours renders what
        // it was given (nothing), which the scrape shows plainly.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Middleware: counts every request and times it, by route template.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| route_label(p.as_str()))
        .unwrap_or("unmatched");
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("shanqiao_http_requests_total", "route" => route, "method" => method, "status" => status)
        .increment(1);
    metrics::histogram!("shanqiao_http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// A route template as a label: the matched template itself (leaked once per template,
/// and there are a few dozen), the static folders as one.
fn route_label(template: &str) -> &'static str {
    static LABELS: OnceLock<std::sync::Mutex<std::collections::HashMap<String, &'static str>>> =
        OnceLock::new();
    let labels = LABELS.get_or_init(Default::default);
    let mut labels = match labels.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    if let Some(label) = labels.get(template) {
        return label;
    }
    // Route templates come from the route table, never from the request: bounded.
    let label: &'static str = Box::leak(template.to_owned().into_boxed_str());
    labels.insert(template.to_owned(), label);
    label
}

/// Records one run of a background job.
pub fn job_ran(job: &'static str, ok: bool) {
    let outcome = if ok { "ok" } else { "failed" };
    metrics::counter!("shanqiao_jobs_total", "job" => job, "outcome" => outcome).increment(1);
}

/// What the endpoint reads when it is scraped, and who may scrape it.
#[derive(Clone)]
pub struct MetricsSource {
    pub db: DatabaseConnection,
    pub search: Arc<SearchService>,
    pub cache: Arc<PageCache>,
    /// Addresses allowed besides loopback (`--metrics-allow`).
    pub allow: Arc<[IpAddr]>,
    /// On its own address (`--metrics-bind`), anyone who reaches it may scrape.
    pub dedicated: bool,
}

/// Whether a client may read the metrics on the main port.
pub fn may_scrape(peer: IpAddr, headers: &HeaderMap, allow: &[IpAddr]) -> bool {
    if allow.contains(&peer) {
        return true;
    }
    // Behind a reverse proxy every visitor arrives from loopback: a proxied request is
    // not the operator's.
    let proxied =
        headers.contains_key(header::FORWARDED) || headers.contains_key("x-forwarded-for");
    peer.is_loopback() && !proxied
}

/// `GET /metrics`.
pub async fn endpoint(
    State(source): State<MetricsSource>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    if !source.dedicated && !may_scrape(peer.ip(), &headers, &source.allow) {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    }
    observe(&source).await;
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        handle().render(),
    )
        .into_response()
}

/// Sets the gauges from the state of things now.
async fn observe(source: &MetricsSource) {
    let (size, idle) = match source.db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            let pool = source.db.get_sqlite_connection_pool();
            (pool.size() as f64, pool.num_idle() as f64)
        }
        DatabaseBackend::Postgres => {
            let pool = source.db.get_postgres_connection_pool();
            (pool.size() as f64, pool.num_idle() as f64)
        }
        _ => (0.0, 0.0),
    };
    metrics::gauge!("shanqiao_db_pool_connections", "state" => "idle").set(idle);
    metrics::gauge!("shanqiao_db_pool_connections", "state" => "in_use").set(size - idle);
    match app::library::index::lag(&source.db, &source.search).await {
        Ok(lag) => metrics::gauge!("shanqiao_search_outbox_lag").set(lag as f64),
        Err(e) => tracing::warn!(error = %e, "metrics: the search outbox lag could not be read"),
    }
    metrics::gauge!("shanqiao_search_index_needs").set(source.search.library().len() as f64);
    // 1 when library searches can be answered (`/readyz`), 0 while the index is built.
    metrics::gauge!("shanqiao_search_index_ready").set(if source.search.is_ready() {
        1.0
    } else {
        0.0
    });
    match app::messages::delivery::pending(&source.db).await {
        Ok(n) => metrics::gauge!("shanqiao_message_outbox_pending").set(n as f64),
        Err(e) => tracing::warn!(error = %e, "metrics: the message outbox could not be read"),
    }
    // The last ledger audit of any instance (`ledger_audit_runs` is shared): 1 when the
    // books held, 0 when they did not or no audit has run yet; and when it finished
    // (Unix seconds, 0 before the first run), so that a stalled audit shows too.
    match app::money::audit::last_run(&source.db).await {
        Ok(last) => {
            let (ok, at) = last.map_or((0.0, 0.0), |run| {
                (
                    if run.ok { 1.0 } else { 0.0 },
                    run.finished_at.timestamp() as f64,
                )
            });
            metrics::gauge!("shanqiao_ledger_audit_ok").set(ok);
            metrics::gauge!("shanqiao_ledger_audit_last_run_seconds").set(at);
        }
        Err(e) => tracing::warn!(error = %e, "metrics: the last ledger audit could not be read"),
    }
    let stats = &source.cache.stats;
    let read = |c: &std::sync::atomic::AtomicU64| c.load(std::sync::atomic::Ordering::Relaxed);
    metrics::counter!("shanqiao_page_cache_total", "outcome" => "hit").absolute(read(&stats.hits));
    metrics::counter!("shanqiao_page_cache_total", "outcome" => "not_modified")
        .absolute(read(&stats.not_modified));
    metrics::counter!("shanqiao_page_cache_total", "outcome" => "miss")
        .absolute(read(&stats.misses));
    metrics::counter!("shanqiao_page_cache_stored_total").absolute(read(&stats.stored));
    metrics::counter!("shanqiao_page_cache_invalidations_total")
        .absolute(read(&stats.invalidations));
    let (pages, bytes) = source.cache.usage();
    metrics::gauge!("shanqiao_page_cache_pages").set(pages as f64);
    metrics::gauge!("shanqiao_page_cache_bytes").set(bytes as f64);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_without_a_proxy_or_listed_addresses_may_scrape() {
        let none = HeaderMap::new();
        let local: IpAddr = "127.0.0.1".parse().expect("ip");
        let other: IpAddr = "10.1.2.3".parse().expect("ip");
        assert!(may_scrape(local, &none, &[]));
        assert!(may_scrape("::1".parse().expect("ip"), &none, &[]));
        assert!(!may_scrape(other, &none, &[]));
        assert!(may_scrape(other, &none, &[other]));
        let mut proxied = HeaderMap::new();
        proxied.insert("x-forwarded-for", HeaderValue::from_static("203.0.113.9"));
        assert!(!may_scrape(local, &proxied, &[]));
    }
}
