//! `shanqiao audit-ledger`: audits the ledger once (the server runs the same audit every
//! five minutes), prints the report, records the run, and fails when the books do not
//! hold.

use crate::commands::database;
use crate::config::DatabaseArgs;
use anyhow::{bail, Context};

pub async fn run(args: &DatabaseArgs) -> anyhow::Result<()> {
    let db = database::open_and_migrate(args).await?;
    let started = std::time::Instant::now();
    let (report, recorded) = app::money::audit::run_and_record(&db)
        .await
        .context("the ledger audit could not run")?;
    print!("{}", report.render());
    println!(
        "checked in {:.2} s; recorded as run {} at {}",
        started.elapsed().as_secs_f64(),
        recorded.id,
        recorded
            .finished_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    if !report.ok {
        bail!(
            "the books do not hold: {} findings (listed above)",
            report
                .findings
                .iter()
                .filter(|f| !matches!(f, app::money::audit::Finding::More { .. }))
                .count()
        );
    }
    Ok(())
}
