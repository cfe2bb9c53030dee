//! `shanqiao expire-reviews`: sends needs whose review waited past their office's time
//! limit back to their authors, once (the server runs the same job periodically).

use crate::commands::database;
use crate::config::DatabaseArgs;

pub async fn run(args: &DatabaseArgs) -> anyhow::Result<()> {
    let db = database::open_and_migrate(args).await?;
    let n = app::needs::lifecycle::expire_reviews(&db, chrono::Utc::now()).await?;
    println!("{n} needs returned to draft after their review time limit");
    Ok(())
}
