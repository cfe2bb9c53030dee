//! Background jobs of a running server.
//!
//! Review expiry needs no lease between instances: each need moves only from
//! `in_review`, so when two instances race, one moves it and the other finds nothing.

use sea_orm::DatabaseConnection;
use std::time::Duration;

/// How often needs waiting in review are checked against their office's time limit.
pub const REVIEW_EXPIRY_EVERY: Duration = Duration::from_secs(10 * 60);

/// Runs review expiry now and then every [`REVIEW_EXPIRY_EVERY`], until the runtime stops.
pub fn spawn_review_expiry(db: DatabaseConnection) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(REVIEW_EXPIRY_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match app::needs::lifecycle::expire_reviews(&db, chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(needs = n, "reviews past their time limit returned to draft")
                }
                Err(e) => tracing::warn!(error = %e, "review expiry failed; will retry"),
            }
        }
    });
}
