//! `shanqiao backup --to FILE`: a consistent copy of the SQLite database, taken while
//! `serve` keeps running (SQLite's `VACUUM INTO` reads one snapshot of the database and
//! writes it as a new, compact database file). On PostgreSQL the database server's own
//! tools do this; the command says which.
//!
//! Restoring: stop the server, put the copy in place of `<data dir>/shanqiao.db` (and
//! delete the `-wal`/`-shm` files beside it), start the server. The search index is
//! rebuilt from the database when it does not match (or run `shanqiao reindex`).

use crate::config::DatabaseArgs;
use anyhow::{anyhow, bail, Context};
use sea_orm::{ConnectionTrait, Statement};
use std::path::Path;

pub async fn run(args: &DatabaseArgs, to: &Path) -> anyhow::Result<()> {
    if !args.is_sqlite() {
        bail!(
            "`shanqiao backup` copies the embedded SQLite database; this server uses PostgreSQL, \
             whose own tools take a consistent copy while it runs:\n  \
             pg_dump --format=custom --file=shanqiao.dump \"$DATABASE_URL\"\n\
             and restore it into an empty database with:\n  \
             pg_restore --no-owner --dbname=\"$NEW_DATABASE_URL\" shanqiao.dump"
        );
    }
    if to.exists() {
        bail!(
            "{} already exists; choose a new file name (a backup never overwrites a file)",
            to.display()
        );
    }
    if let Some(parent) = to.parent().filter(|p| !p.as_os_str().is_empty()) {
        if !parent.is_dir() {
            bail!("the folder {} does not exist", parent.display());
        }
    }
    let db = super::database::open(args).await?;
    let started = std::time::Instant::now();
    let target = to
        .to_str()
        .ok_or_else(|| anyhow!("the backup file's name must be valid UTF-8"))?;
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        "VACUUM INTO ?",
        [target.into()],
    ))
    .await
    .with_context(|| format!("copying the database into {} failed", to.display()))?;
    keep_private(to)?;
    let size = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
    println!(
        "backed up {} to {} ({:.1} MB in {:.1} s); to restore, stop the server and put the copy in place of the database file",
        crate::config::redact(&args.url()),
        to.display(),
        size as f64 / 1_000_000.0,
        started.elapsed().as_secs_f64(),
    );
    Ok(())
}

/// The copy holds the families' private case data: only this user may read it.
#[cfg(unix)]
fn keep_private(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("cannot make {} private to this user", path.display()))
}

#[cfg(not(unix))]
fn keep_private(_: &Path) -> anyhow::Result<()> {
    Ok(())
}
