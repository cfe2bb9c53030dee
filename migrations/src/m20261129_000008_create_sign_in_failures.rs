//! Failed sign-in attempts, for throttling by account and by client address. Shared by
//! every instance; old rows are pruned by the sign-in code itself.

use crate::sql;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        sql::run(
            manager,
            &[
                "CREATE TABLE sign_in_failures (
                    id {id},
                    throttle_key TEXT NOT NULL,
                    failed_at {ts} NOT NULL
                )",
                "CREATE INDEX sign_in_failures_key ON sign_in_failures(throttle_key, failed_at)",
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        sql::drop_tables(manager, &["sign_in_failures"]).await
    }
}
