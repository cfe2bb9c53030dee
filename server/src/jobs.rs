//! Background jobs of a running server.
//!
//! Review expiry, claim lapsing and the ledger audit run on one instance at a time, by a
//! job lease (`app::job_lease`); besides, each row moves only from the state it was read
//! in, so even two runs at once change each need once.

use crate::page_cache::PageCache;
use app::alerts::fanout;
use app::library::index::{self, SearchService};
use app::messages::delivery::{self, Sink};
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use std::time::Duration;

/// How often the indexer looks at the search outbox (and for a rebuilt index).
pub const INDEX_EVERY: Duration = Duration::from_millis(250);

/// How long the indexer waits before building a created index again after a failure
/// (doubling, up to five minutes).
pub const INDEX_BUILD_RETRY: Duration = Duration::from_secs(5);

/// How often the message outbox is looked at.
pub const DELIVER_EVERY: Duration = Duration::from_secs(1);

/// How often needs waiting in review are checked against their office's time limit.
pub const REVIEW_EXPIRY_EVERY: Duration = Duration::from_secs(10 * 60);

/// How often claims past their due date are lapsed.
pub const CLAIM_LAPSE_EVERY: Duration = Duration::from_secs(60);

/// How often the alert outbox is fanned out.
pub const ALERTS_EVERY: Duration = Duration::from_millis(500);

/// How often the digest job looks whether the day's digests are due.
pub const DIGEST_CHECK_EVERY: Duration = Duration::from_secs(5 * 60);

/// How often the ledger is audited (on one instance).
pub const LEDGER_AUDIT_EVERY: Duration = Duration::from_secs(5 * 60);

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
/// instance at a time (a job lease); the needs return to the library. The same pass
/// writes the due-date reminders (`reminders` before each claim's due date).
pub fn spawn_claim_lapse(db: DatabaseConnection, reminders: app::alerts::events::ReminderOffsets) {
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
            let result = app::alerts::events::remind_due(&db, &reminders, chrono::Utc::now()).await;
            crate::metrics::job_ran("claim_reminders", result.is_ok());
            match result {
                Ok(0) => {}
                Ok(n) => tracing::info!(claims = n, "due-date reminders written"),
                Err(e) => tracing::warn!(error = %e, "writing reminders failed; will retry"),
            }
        }
    });
}

/// Reminds donors of pledges about to lapse and lapses those past their time, now and
/// then every [`CLAIM_LAPSE_EVERY`], on one instance at a time.
pub fn spawn_pledge_lapse(
    db: DatabaseConnection,
    policy: app::money::PledgePolicy,
    base_url: String,
) {
    let holder = instance_name();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(CLAIM_LAPSE_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if !leased(&db, "lapse_pledges", &holder, CLAIM_LAPSE_EVERY).await {
                continue;
            }
            let result =
                app::money::pledges::lapse_due(&db, policy, &base_url, chrono::Utc::now()).await;
            crate::metrics::job_ran("pledge_lapse", result.is_ok());
            match result {
                Ok((0, 0)) => {}
                Ok((reminded, lapsed)) => {
                    tracing::info!(reminded, lapsed, "unreceived pledges reminded and lapsed")
                }
                Err(e) => tracing::warn!(error = %e, "lapsing pledges failed; will retry"),
            }
            // Idempotency keys of money requests are kept two days.
            if let Err(e) = app::money::once::forget_old(&db, chrono::Utc::now()).await {
                tracing::warn!(error = %e, "forgetting old idempotency keys failed; will retry");
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

/// Audits the ledger now and then every [`LEDGER_AUDIT_EVERY`], on one instance at a time
/// (a job lease), recording each run in `ledger_audit_runs` for `/healthz` and
/// `/metrics`. Books that do not hold are a warning in the log, with the number of
/// findings only (they name ids, but the log is not where they are read: `shanqiao
/// audit-ledger` or the table has them).
pub fn spawn_ledger_audit(db: DatabaseConnection) {
    let holder = instance_name();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(LEDGER_AUDIT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if !leased(&db, "ledger_audit", &holder, LEDGER_AUDIT_EVERY).await {
                continue;
            }
            let started = std::time::Instant::now();
            let result = app::money::audit::run_and_record(&db).await;
            crate::metrics::job_ran("ledger_audit", result.is_ok());
            match result {
                Ok((report, _)) if report.ok => tracing::debug!(
                    entries = report.entries,
                    millis = started.elapsed().as_millis() as u64,
                    "the ledger audit found the books in order"
                ),
                Ok((report, run)) => tracing::warn!(
                    findings = report.findings.len(),
                    entries = report.entries,
                    run = run.id,
                    "the ledger audit found the books do not hold; run `shanqiao audit-ledger` for the findings"
                ),
                Err(e) => tracing::warn!(error = %e, "the ledger audit failed to run; will retry"),
            }
        }
    });
}

/// Keeps this process's search index true to the database: fills it first when it had to
/// be created (no index, another schema version, unreadable), then applies the search
/// outbox every [`INDEX_EVERY`], switching to a version rebuilt by `shanqiao reindex` when
/// one appears. Each instance keeps its own index this way.
///
/// Readiness follows (`SearchService::readiness`, `/readyz`): a created index is not
/// ready until it is filled and the outbox applied once; an index found on disk is ready
/// at once. `hold` (tests only) keeps the build of a created index waiting for a permit.
pub fn spawn_indexer(
    db: DatabaseConnection,
    search: Arc<SearchService>,
    opened: search::Opened,
    cache: Arc<PageCache>,
    hold: Option<Arc<tokio::sync::Semaphore>>,
) {
    tokio::spawn(async move {
        if let search::Opened::Created { reason } = opened {
            if let Some(hold) = hold {
                let _ = hold.acquire().await;
            }
            tracing::info!(%reason, "building the search index from the database; /readyz answers 503 until it is built");
            let mut wait = INDEX_BUILD_RETRY;
            loop {
                let started = std::time::Instant::now();
                match index::rebuild(&db, search.root(), |_, _| {}).await {
                    Ok(built) => {
                        tracing::info!(
                            needs = built.len(),
                            seconds = started.elapsed().as_secs_f64(),
                            "search index built"
                        );
                        search.built(Some(built));
                        cache.invalidate();
                        break;
                    }
                    Err(e) => {
                        tracing::error!(
                            error = %e,
                            retry_in_seconds = wait.as_secs(),
                            "building the search index failed; trying again (library searches answer 503 until it is built; `shanqiao reindex` builds one too)"
                        );
                        tokio::time::sleep(wait).await;
                        wait = (wait * 2).min(Duration::from_secs(300));
                        // A version rebuilt by `shanqiao reindex` meanwhile will do.
                        if matches!(search.refresh(), Ok(true)) {
                            tracing::info!("switched to the rebuilt search index");
                            search.built(None);
                            cache.invalidate();
                            break;
                        }
                    }
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
pub fn spawn_message_delivery(db: DatabaseConnection, sink: Sink) {
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

/// Fans the alert outbox out every [`ALERTS_EVERY`]. Instances share the outbox: each
/// event is taken by exactly one of them (see `app::alerts::fanout`).
pub fn spawn_alerts(db: DatabaseConnection, ctx: fanout::Context) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(ALERTS_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut failing = false;
        loop {
            tick.tick().await;
            let result = fanout::process_due(&db, &ctx, chrono::Utc::now()).await;
            crate::metrics::job_ran("alert_fanout", result.is_ok());
            match result {
                Ok(done) => {
                    failing = false;
                    if done.events > 0 {
                        tracing::info!(
                            events = done.events,
                            notifications = done.notifications,
                            emails = done.emails,
                            digest_items = done.digest_items,
                            "alerts fanned out"
                        );
                    }
                }
                Err(e) if !failing => {
                    failing = true;
                    tracing::warn!(error = %e, "fanning out alerts failed; will retry");
                }
                Err(_) => {}
            }
        }
    });
}

/// Sends the daily digests at 08:00 China time, on one instance (a job lease held until
/// the next digest time, so each day's digests are sent once).
pub fn spawn_digests(db: DatabaseConnection, ctx: fanout::Context) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(DIGEST_CHECK_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let now = chrono::Utc::now();
            let until = app::alerts::digest::next_digest_time(now);
            // The lease runs until the next digest time: taking it means today's are due
            // (on a new database, at the first start). A new holder name each time, so
            // that this instance does not simply renew its own lease.
            let holder = instance_name();
            let taken =
                match app::job_lease::try_acquire(&db, "send_digests", &holder, until - now, now)
                    .await
                {
                    Ok(taken) => taken,
                    Err(e) => {
                        tracing::warn!(error = %e, "taking the digest lease failed; will retry");
                        false
                    }
                };
            if !taken {
                continue;
            }
            let result = app::alerts::digest::send_digests(&db, &ctx, now).await;
            crate::metrics::job_ran("digests", result.is_ok());
            match result {
                Ok(n) => tracing::info!(digests = n, "daily digests written"),
                Err(e) => {
                    tracing::warn!(error = %e, "sending digests failed; tomorrow's run sends them")
                }
            }
        }
    });
}
