//! `shanqiao serve`: migrate, optionally seed the demo, and serve.

use super::database;
use crate::config::{DatabaseArgs, ServeArgs};
use crate::startup::{Application, WebConfig};
use anyhow::{bail, Context};

pub async fn run(db_args: &DatabaseArgs, args: &ServeArgs) -> anyhow::Result<()> {
    let db = database::open_and_migrate(db_args).await?;
    if args.demo {
        match app::demo::seed(&db, chrono::Utc::now())
            .await
            .context("seeding the demo data failed")?
        {
            app::demo::SeedOutcome::Seeded(report) => tracing::info!(%report, "demo data seeded"),
            app::demo::SeedOutcome::AlreadyHasData => {
                tracing::info!("database not empty; demo data not seeded")
            }
        }
    }
    let base_url = args.base_url();
    // Demo accounts share a published password: only on this machine, unless asked.
    if !args.allow_demo
        && !crate::config::is_loopback(&base_url)
        && app::accounts::store::demo_accounts_exist(&db).await?
    {
        bail!(
            "this database holds demo accounts with a published password, and the base URL {base_url} is not this machine (a real deployment); start from an empty database without --demo, or pass --allow-demo if you mean it"
        );
    }
    if let Err(e) = app::messages::delivery::FileSink::check_from(&args.mail_from) {
        bail!(
            "SHANQIAO_MAIL_FROM (--mail-from) is not an e-mail sender ({e}); write it as `Name <address@example.org>` or `address@example.org`"
        );
    }
    let config = WebConfig {
        bind: args.bind,
        site_dir: args.site_dir.clone(),
        base_url: Some(base_url.clone()),
        session_idle_minutes: args.session_idle_minutes,
        session_max_hours: args.session_max_hours,
        search_dir: db_args.data_dir.join("search"),
        outbox_dir: db_args.data_dir.join("outbox"),
        mail_from: args.mail_from.clone(),
        page_cache: args.page_cache == "on",
        metrics_bind: args.metrics_bind,
        metrics_allow: args.metrics_allow.clone(),
        claim_leases: args.claim_lease_days,
        pledges: args.pledge_policy(),
        attachments_url: args.attachments_url.clone(),
        attachments_dir: db_args.data_dir.join("attachments"),
        smtp_url: args.smtp_url.clone().filter(|u| !u.trim().is_empty()),
        embed_origins: args.embed_origins.clone(),
        hold_index_build: None,
    };
    crate::jobs::spawn_review_expiry(db.clone());
    crate::jobs::spawn_claim_lapse(db.clone(), args.claim_reminders.clone());
    crate::jobs::spawn_pledge_lapse(db.clone(), args.pledge_policy(), base_url.clone());
    crate::jobs::spawn_ledger_audit(db.clone());
    let application = Application::build(db.clone(), &config).await?;
    crate::jobs::spawn_digests(db, application.alerts());
    let addr = application.addr();
    tracing::info!(%addr, database = %crate::config::redact(&db_args.url()), "listening");
    println!("Shanqiao is running: open {base_url}/ (listening on {addr}; Ctrl-C stops it)");
    application
        .run_until_stopped()
        .await
        .context("the server stopped with an error")
}
