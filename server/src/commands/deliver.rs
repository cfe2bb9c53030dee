//! `shanqiao deliver` and `shanqiao send-digests`: the alert and mail jobs of a running
//! server, once, for cron-style operation and for tests.

use crate::commands::database;
use crate::config::{DatabaseArgs, MailArgs};
use anyhow::{anyhow, Context};
use app::alerts::fanout;
use app::messages::delivery::{self, FileSink, Sink, SmtpSink};
use app::regions::RegionDirectory;
use std::sync::Arc;

/// How long one SMTP exchange may take before the message is retried later.
pub const SMTP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// Where messages go, as configured: the SMTP server, or files under the data directory.
pub fn sink(
    data_dir: &std::path::Path,
    smtp_url: Option<&str>,
    from: &str,
) -> anyhow::Result<Sink> {
    FileSink::check_from(from).map_err(|e| {
        anyhow!("SHANQIAO_MAIL_FROM (--mail-from) is not an e-mail sender ({e}); write it as `Name <address@example.org>` or `address@example.org`")
    })?;
    let files = FileSink::new(data_dir.join("outbox"), from);
    Ok(match smtp_url.map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => Sink::with_smtp(
            files,
            SmtpSink::new(url, from, SMTP_TIMEOUT).map_err(|e| anyhow!(e))?,
        ),
        None => files.into(),
    })
}

async fn context(
    db: &sea_orm::DatabaseConnection,
    mail: &MailArgs,
) -> anyhow::Result<fanout::Context> {
    let regions = RegionDirectory::load(db)
        .await
        .context("loading the region tree failed")?;
    Ok(fanout::Context {
        base_url: mail.base_url.trim().trim_end_matches('/').to_owned(),
        regions: Arc::new(regions),
    })
}

pub async fn run(args: &DatabaseArgs, mail: &MailArgs) -> anyhow::Result<()> {
    let sink = sink(&args.data_dir, mail.smtp_url.as_deref(), &mail.mail_from)?;
    let db = database::open_and_migrate(args).await?;
    let ctx = context(&db, mail).await?;
    let now = chrono::Utc::now();
    let fanned = fanout::process_all(&db, &ctx, now).await?;
    let instance = format!("cli-{}", std::process::id());
    let mut sent = 0;
    loop {
        let n = delivery::deliver_due(&db, &sink, &instance, chrono::Utc::now()).await?;
        if n == 0 {
            break;
        }
        sent += n;
    }
    let waiting = delivery::pending(&db).await?;
    println!(
        "{} alert events fanned out ({} notifications, {} e-mails queued, {} digest items); {sent} messages delivered, {waiting} waiting (retries, or held by another instance)",
        fanned.events, fanned.notifications, fanned.emails, fanned.digest_items
    );
    Ok(())
}

pub async fn send_digests(args: &DatabaseArgs, mail: &MailArgs) -> anyhow::Result<()> {
    let db = database::open_and_migrate(args).await?;
    let ctx = context(&db, mail).await?;
    let now = chrono::Utc::now();
    // Matches of events not fanned out yet belong in today's digest too.
    fanout::process_all(&db, &ctx, now).await?;
    let sent = app::alerts::digest::send_digests(&db, &ctx, now).await?;
    println!("{sent} digests written; `shanqiao deliver` (or the server) sends them");
    Ok(())
}
