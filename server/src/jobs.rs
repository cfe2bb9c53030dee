//! Background jobs of a running server.
//!
//! Review expiry needs no lease between instances: each need moves only from
//! `in_review`, so when two instances race, one moves it and the other finds nothing.

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

/// Runs review expiry now and then every [`REVIEW_EXPIRY_EVERY`], until the runtime stops.
pub fn spawn_review_expiry(db: DatabaseConnection) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(REVIEW_EXPIRY_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
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
    let instance = format!(
        "{}-{}",
        std::process::id(),
        &app::accounts::secret::new_secret()[..8]
    );
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
