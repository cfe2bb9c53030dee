//! API tokens may expire (the portal sets one year unless told otherwise), and every audit
//! entry made through a token names the token beside the person it acts as.

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
                "ALTER TABLE api_tokens ADD COLUMN expires_at {ts} NULL",
                "ALTER TABLE audit_log ADD COLUMN actor_token_id BIGINT NULL",
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        sql::run(
            manager,
            &[
                "ALTER TABLE audit_log DROP COLUMN actor_token_id",
                "ALTER TABLE api_tokens DROP COLUMN expires_at",
            ],
        )
        .await
    }
}
