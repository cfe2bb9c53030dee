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
        keep_private(&args.data_dir, &args.sqlite_path())?;
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

/// The data directory (0700) and the SQLite database (0600) are the service user's only:
/// they hold the families' private case data. SQLite gives its `-wal` and `-shm` files
/// the database file's mode, so creating the file first with 0600 covers them too.
#[cfg(unix)]
fn keep_private(dir: &std::path::Path, db_file: &std::path::Path) -> anyhow::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let private = |path: &std::path::Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(|e| {
            anyhow!(
                "cannot make {} private to this user: {e}; check who owns it",
                path.display()
            )
        })
    };
    private(dir, 0o700)?;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(db_file)
        .map_err(|e| anyhow!("cannot create the database file {}: {e}", db_file.display()))?;
    private(db_file, 0o600)?;
    for suffix in ["-wal", "-shm"] {
        let mut name = db_file.as_os_str().to_owned();
        name.push(suffix);
        let side = std::path::PathBuf::from(name);
        if side.exists() {
            private(&side, 0o600)?;
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn keep_private(_dir: &std::path::Path, _db_file: &std::path::Path) -> anyhow::Result<()> {
    Ok(())
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
