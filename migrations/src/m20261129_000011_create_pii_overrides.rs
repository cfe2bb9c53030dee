//! Findings of the PII guard that a reviewer has overridden, each with its written
//! reason. A finding is identified by its kind and the text it matched, so that the
//! override holds while that text stays as it is, wherever it moves in the story.

use crate::sql;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        sql::run(
            manager,
            &["CREATE TABLE need_pii_overrides (
                id {id},
                need_id BIGINT NOT NULL REFERENCES needs(id) ON DELETE CASCADE,
                kind TEXT NOT NULL CHECK (kind <> ''),
                matched_text TEXT NOT NULL CHECK (matched_text <> ''),
                reason TEXT NOT NULL CHECK (reason <> ''),
                overridden_by BIGINT NOT NULL REFERENCES users(id),
                overridden_at {ts} NOT NULL,
                UNIQUE (need_id, kind, matched_text)
            )"],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        sql::drop_tables(manager, &["need_pii_overrides"]).await
    }
}
