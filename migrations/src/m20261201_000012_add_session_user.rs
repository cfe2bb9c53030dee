//! Each session row names the user signed in on it, so that a password change or reset
//! can end every other session of that user at once.

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
                "ALTER TABLE sessions ADD COLUMN user_id BIGINT NULL",
                "CREATE INDEX sessions_user ON sessions(user_id)",
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        sql::run(
            manager,
            &[
                "DROP INDEX sessions_user",
                "ALTER TABLE sessions DROP COLUMN user_id",
            ],
        )
        .await
    }
}
