//! `shanqiao lapse-claims`: lapses every active claim past its due date, once (the
//! server runs the same job every minute); the needs return to the library.

use crate::commands::database;
use crate::config::DatabaseArgs;

pub async fn run(args: &DatabaseArgs) -> anyhow::Result<()> {
    let db = database::open_and_migrate(args).await?;
    let n = app::claims::lifecycle::lapse_due(&db, chrono::Utc::now()).await?;
    println!("{n} claims past their due date lapsed; their needs are open again");
    Ok(())
}

/// `shanqiao lapse-pledges`: reminds donors of pledges about to lapse and lapses those
/// whose money has not arrived in time, once.
pub async fn run_pledges(
    args: &DatabaseArgs,
    policy: app::money::PledgePolicy,
    base_url: &str,
) -> anyhow::Result<()> {
    let db = database::open_and_migrate(args).await?;
    let (reminded, lapsed) =
        app::money::pledges::lapse_due(&db, policy, base_url, chrono::Utc::now()).await?;
    println!("{reminded} donors reminded; {lapsed} pledges lapsed without their money");
    Ok(())
}
