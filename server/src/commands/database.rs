//! Opening the database for a subcommand, with errors that say what to do.

use crate::config::{redact, DatabaseArgs};
use anyhow::{anyhow, Context};
use migrations::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;

/// Opens the configured database. For SQLite, makes sure the data dir exists and is
/// writable first, so that the error names the directory rather than the driver's guess.
pub async fn open(args: &DatabaseArgs) -> anyhow::Result<DatabaseConnection> {
    if args.is_sqlite() && args.database_url.is_none() {
        ensure_writable(&args.data_dir)?;
    }
    let url = args.url();
    app::db::connect(&url).await.map_err(|err| {
        anyhow!(
            "cannot open the database at {}: {err}; check DATABASE_URL (or --database-url) and that the database server is running",
            redact(&url)
        )
    })
}

/// Opens the database and applies pending migrations.
pub async fn open_and_migrate(args: &DatabaseArgs) -> anyhow::Result<DatabaseConnection> {
    let db = open(args).await?;
    Migrator::up(&db, None)
        .await
        .context("applying database migrations failed")?;
    Ok(db)
}

fn ensure_writable(dir: &std::path::Path) -> anyhow::Result<()> {
    let hint = "pass --data-dir or set SHANQIAO_DATA_DIR to a writable directory";
    std::fs::create_dir_all(dir).map_err(|e| {
        anyhow!(
            "cannot create the data directory {}: {e}; {hint}",
            dir.display()
        )
    })?;
    let probe = dir.join(".shanqiao-write-test");
    std::fs::write(&probe, b"ok").map_err(|e| {
        anyhow!(
            "cannot write to the data directory {}: {e}; {hint}",
            dir.display()
        )
    })?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}
