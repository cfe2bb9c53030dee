//! Background jobs of a running server.
//!
//! Review expiry and claim lapsing run on one instance at a time, by a job lease
//! (`app::job_lease`); besides, each row moves only from the state it was read in, so
//! even two runs at once change each need once.

use crate::page_cache::PageCache;
use app::library::index::{self, SearchService};
use app::messages::delivery::{self, FileSink};
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use std::time::Duration;

/// How often the indexer looks at the search outbox (and for a rebuilt index).
pub const INDEX_EVERY: Duration = Duration::from_millis(250);

/// How often the message outbox is looked at.
pub const DELIVER_EVERY: Duration = Duration::from_secs(1);

/// How often needs waiting in review are checked against their office's time limit.
pub const REVIEW_EXPIRY_EVERY: Duration = Duration::from_secs(10 * 60);

/// How often claims past their due date are lapsed.
pub const CLAIM_LAPSE_EVERY: Duration = Duration::from_secs(60);

/// This process's name in job leases.
fn instance_name() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        &app::accounts::secret::new_secret()[..8]
    )
}

/// Whether this instance holds the lease of job `name` for the next run (several
/// instances on one database: one of them runs the job each time). A database error is
/// logged and counts as "not now".
async fn leased(db: &DatabaseConnection, name: &str, holder: &str, every: Duration) -> bool {
    let ttl = chrono::Duration::from_std(every).unwrap_or_else(|_| chrono::Duration::minutes(1));
    match app::job_lease::try_acquire(db, name, holder, ttl, chrono::Utc::now()).await {
        Ok(taken) => taken,
        Err(e) => {
            tracing::warn!(error = %e, job = name, "taking a job lease failed; will retry");
            false
        }
    }
}

/// Lapses claims past their due date now and then every [`CLAIM_LAPSE_EVERY`], on one
/// instance at a time (a job lease); the needs return to the library.
pub fn spawn_claim_lapse(db: DatabaseConnection) {
    let holder = instance_name();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(CLAIM_LAPSE_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if !leased(&db, "lapse_claims", &holder, CLAIM_LAPSE_EVERY).await {
                continue;
            }
            let result = app::claims::lifecycle::lapse_due(&db, chrono::Utc::now()).await;
            crate::metrics::job_ran("claim_lapse", result.is_ok());
            match result {
                Ok(0) => {}
                Ok(n) => tracing::info!(claims = n, "claims past their due date lapsed"),
                Err(e) => tracing::warn!(error = %e, "lapsing claims failed; will retry"),
            }
        }
    });
}

/// Runs review expiry now and then every [`REVIEW_EXPIRY_EVERY`], on one instance at a
/// time (a job lease), until the runtime stops.
pub fn spawn_review_expiry(db: DatabaseConnection) {
    let holder = instance_name();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(REVIEW_EXPIRY_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if !leased(&db, "expire_reviews", &holder, REVIEW_EXPIRY_EVERY).await {
                continue;
            }
            let result = app::needs::lifecycle::expire_reviews(&db, chrono::Utc::now()).await;
            crate::metrics::job_ran("review_expiry", result.is_ok());
            match result {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(needs = n, "reviews past their time limit returned to draft")
                }
                Err(e) => tracing::warn!(error = %e, "review expiry failed; will retry"),
            }
        }
    });
}

/// Keeps this process's search index true to the database: fills it first when it had to
/// be created (no index, another schema version, unreadable), then applies the search
/// outbox every [`INDEX_EVERY`], switching to a version rebuilt by `shanqiao reindex` when
/// one appears. Each instance keeps its own index this way.
pub fn spawn_indexer(
    db: DatabaseConnection,
    search: Arc<SearchService>,
    opened: search::Opened,
    cache: Arc<PageCache>,
) {
    tokio::spawn(async move {
        if let search::Opened::Created { reason } = opened {
            tracing::info!(%reason, "building the search index from the database");
            match index::rebuild(&db, search.root(), |_, _| {}).await {
                Ok(built) => tracing::info!(needs = built.len(), "search index built"),
                Err(e) => {
                    tracing::error!(error = %e, "building the search index failed; run `shanqiao reindex`")
                }
            }
        }
        let mut tick = tokio::time::interval(INDEX_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut failing = false;
        loop {
            tick.tick().await;
            let result = match search.refresh() {
                Ok(true) => {
                    tracing::info!("switched to the rebuilt search index");
                    cache.invalidate();
                    index::drain(&db, &search).await
                }
                Ok(false) => index::drain(&db, &search).await,
                Err(e) => Err(e),
            };
            crate::metrics::job_ran("search_indexer", result.is_ok());
            match result {
                Ok(_) if failing => {
                    failing = false;
                    tracing::info!("the search indexer is applying the outbox again");
                }
                Ok(_) => {}
                Err(e) if !failing => {
                    failing = true;
                    tracing::warn!(error = %e, "applying the search outbox failed; will retry");
                }
                Err(_) => {}
            }
        }
    });
}

/// Delivers the message outbox every [`DELIVER_EVERY`]. Instances share the outbox: each
/// message is claimed by exactly one of them (see `app::messages::delivery`).
pub fn spawn_message_delivery(db: DatabaseConnection, sink: FileSink) {
    let instance = instance_name();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(DELIVER_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match delivery::deliver_due(&db, &sink, &instance, chrono::Utc::now()).await {
                Ok(0) => crate::metrics::job_ran("message_delivery", true),
                Ok(n) => {
                    crate::metrics::job_ran("message_delivery", true);
                    tracing::info!(messages = n, "messages delivered")
                }
                Err(e) => {
                    crate::metrics::job_ran("message_delivery", false);
                    tracing::warn!(error = %e, "message delivery failed; will retry")
                }
            }
        }
    });
}
