//! `shanqiao migrate [up|down|status]`.

use super::database;
use crate::cli::MigrateAction;
use crate::config::DatabaseArgs;
use anyhow::Context;
use migrations::{MigrationStatus, Migrator, MigratorTrait};

pub async fn run(args: &DatabaseArgs, action: MigrateAction) -> anyhow::Result<()> {
    let db = database::open(args).await?;
    match action {
        MigrateAction::Up => {
            let pending = Migrator::get_pending_migrations(&db).await?.len();
            Migrator::up(&db, None)
                .await
                .context("applying migrations failed")?;
            println!("applied {pending} migration(s); the database is up to date");
        }
        MigrateAction::Down { steps, all } => {
            let steps = if all { None } else { Some(steps) };
            Migrator::down(&db, steps)
                .await
                .context("reverting migrations failed")?;
            let applied = Migrator::get_applied_migrations(&db).await?.len();
            println!("reverted; {applied} migration(s) remain applied");
        }
        MigrateAction::Status => {
            for migration in Migrator::get_migration_with_status(&db).await? {
                let status = match migration.status() {
                    MigrationStatus::Applied => "applied",
                    _ => "pending",
                };
                println!("{status:8} {}", migration.name());
            }
        }
    }
    Ok(())
}
