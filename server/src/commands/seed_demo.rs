//! `shanqiao seed-demo`: fills an empty database with the demo data.

use super::database;
use crate::config::DatabaseArgs;
use anyhow::Context;

pub async fn run(args: &DatabaseArgs) -> anyhow::Result<()> {
    let db = database::open_and_migrate(args).await?;
    match app::demo::seed(&db, chrono::Utc::now())
        .await
        .context("seeding the demo data failed")?
    {
        app::demo::SeedOutcome::Seeded(report) => {
            println!("{report}");
            println!("demo accounts (password {}):", app::demo::DEMO_PASSWORD);
            for (role, email) in app::demo::DEMO_ACCOUNTS {
                println!("  {email:32} {role}");
            }
        }
        app::demo::SeedOutcome::AlreadyHasData => {
            println!(
                "the database already holds needs; demo data is only seeded into an empty database"
            );
        }
    }
    Ok(())
}
