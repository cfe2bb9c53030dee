//! One-time password reset links issued by a platform admin (no mail server is assumed:
//! the admin passes the link on). Only the SHA-256 of the token is stored.

use crate::sql;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        sql::run(
            manager,
            &["CREATE TABLE password_resets (
                id {id},
                user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                token_hash TEXT NOT NULL UNIQUE,
                created_by BIGINT NOT NULL REFERENCES users(id),
                created_at {ts} NOT NULL,
                expires_at {ts} NOT NULL,
                used_at {ts} NULL
            )"],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        sql::drop_tables(manager, &["password_resets"]).await
    }
}
